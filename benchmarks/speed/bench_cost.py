"""What `toolkit bench` costs on a ~7,000-sentence corpus, beside a reference measured in the same run.

Corpus: idner-news-2k's train split repeated five times (7,316 sentences; dev and test as published),
imported and released in a temporary folder. Measured, each in a fresh subprocess (wall time and the
process's own peak RSS, VmHWM):
- `toolkit bench` with every entity baseline (the CRF's c1/c2 grid on validation, features extracted
  once as crfsuite item sequences, the grid trained on forked workers, the best model kept);
- the reference: the same CRF features as Python dicts given to sklearn-crfsuite, one fit per grid
  setting and one final fit (what the bench did before), scoring left out.
Writes BENCH_COST.md beside this file. Usage: python benchmarks/speed/bench_cost.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
PY = sys.executable
MEASURE = """
import json, sys, time, runpy
t0 = time.perf_counter()
sys.argv = sys.argv[1:]
try:
    runpy.run_module(sys.argv[0], run_name="__main__") if not sys.argv[0].endswith(".py") else runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mb": peak}), file=sys.stderr)
"""
REFERENCE = """
import sys
from pathlib import Path
import sklearn_crfsuite
from toolkit.baselines import crf
from toolkit.baselines.gazetteer import learn_entries
from toolkit.dataset.bio import spans_to_bio
from toolkit.dataset.load import load_release
train = load_release(Path(sys.argv[1])).splits["train"]
xs = [None] * len(train)
for fold in range(crf.FOLDS):
    entries = learn_entries([ex for i, ex in enumerate(train) if i % crf.FOLDS != fold])
    for i, (doc, _) in enumerate(train):
        if i % crf.FOLDS == fold:
            xs[i] = crf._features(crf._words(doc)[1], entries)
ys = [spans_to_bio(crf._words(d)[0], g.spans).tags for d, g in train]
for c1, c2 in [*crf.GRID, crf.GRID[0]]:
    sklearn_crfsuite.CRF(algorithm="lbfgs", c1=c1, c2=c2, max_iterations=150, all_possible_transitions=True).fit(xs, ys)
"""


def run(args: list[str], cwd: Path) -> dict[str, float]:
    done = subprocess.run(
        [PY, "-c", MEASURE, *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stderr.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "train.txt").write_bytes((DATA / "train.txt").read_bytes() * 5)
        for name in ("dev.txt", "test.txt"):
            (t / name).write_bytes((DATA / name).read_bytes())
        tk = [PY, "-m", "toolkit"]
        subprocess.run(
            [
                *tk,
                "corpus",
                "import-conll",
                "train.txt",
                "dev.txt",
                "test.txt",
                "--out",
                "c",
                "--duplicates",
                "keep-all",
                "--cross-split",
                "keep-all",
            ],
            cwd=t,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *tk,
                "dataset",
                "release",
                "--name",
                "big",
                "--version",
                "1.0.0",
                "--seeds-dir",
                "c",
                "--gold",
                "c/gold.jsonl",
                "--split-by",
                "metadata",
                "--releases-dir",
                "r",
                "--guidelines",
                str(DATA / "README.md"),
                "--schema",
                str(REPO / "schemas" / "schema.yaml"),
            ],
            cwd=t,
            check=True,
            capture_output=True,
        )
        (t / "reference.py").write_text(REFERENCE)
        ours = run(
            ["toolkit", "bench", "r/big/1.0.0", "--out", "bench", "--schema", str(REPO / "schemas" / "schema.yaml")], t
        )
        ref = run([str(t / "reference.py"), "r/big/1.0.0"], t)
    lines = [
        "# `toolkit bench` on a ~7,000-sentence corpus",
        "",
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores by `python benchmarks/speed/bench_cost.py`: idner-news-2k train "
        "repeated 5 times (7,316 sentences), dev and test as published.",
        "",
        "| run | seconds | peak RSS MB |",
        "|---|---|---|",
        f"| toolkit bench (crf grid of 4 on validation + gazetteer + rules, all splits scored) | {ours['seconds']:.1f} | {ours['rss_mb']:.0f} |",
        f"| reference: same CRF features as dicts, sklearn-crfsuite, 4 grid fits + 1 final fit (no scoring) | {ref['seconds']:.1f} | {ref['rss_mb']:.0f} |",
        "",
        f"- bench / reference time: {ours['seconds'] / ref['seconds']:.2f}x; memory: {ours['rss_mb'] / ref['rss_mb']:.2f}x",
        "- targets: under 120 s and 600 MB on 2 cores",
        "",
    ]
    (HERE / "BENCH_COST.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
