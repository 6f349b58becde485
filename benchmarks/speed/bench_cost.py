"""What `toolkit bench` costs on a ~7,000-sentence corpus, beside a reference measured in the same run.

Corpora: idner-news-2k's train split repeated five times (7,316 sentences; dev and test as published),
and with ``--conll04 DIR`` also CoNLL04's train split repeated seven times (6,454 + 231 + 288 = 6,973
English sentences with relations, so the relation baselines run too), each imported and released in a
temporary folder. Measured, each in a fresh subprocess (wall time and the
process's own peak RSS, VmHWM):
- `toolkit bench` with every entity baseline (the CRF's c1/c2 grid on validation, features extracted
  once into one crfsuite trainer, the grid trained on forked workers, the best model kept);
- the reference: the same CRF features as Python dicts given to sklearn-crfsuite, one fit per grid
  setting and one final fit (what the bench did before), scoring left out.
Writes BENCH_COST.md beside this file. Usage: python benchmarks/speed/bench_cost.py [--conll04 DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
CONLL04_SCHEMA = REPO / "benchmarks" / "data" / "conll04" / "schema.yaml"
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
from toolkit.text.bio import spans_to_bio
from toolkit.dataset.load import load_release
from toolkit.schema import load_schema
train = load_release(Path(sys.argv[1])).splits["train"]
tagger = crf.CrfTagger()
tagger.configure(load_schema(Path(sys.argv[2])))  # the features bench's CRF uses for this language
xs = [None] * len(train)
for fold in range(crf.FOLDS):
    entries = learn_entries([ex for i, ex in enumerate(train) if i % crf.FOLDS != fold])
    for i, (doc, _) in enumerate(train):
        if i % crf.FOLDS == fold:
            xs[i] = crf._features(crf._words(doc)[1], entries, *tagger._lexicon())
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


def _idner(t: Path) -> tuple[list[str], Path]:
    """idner-news-2k with train x5: the import command and the schema."""
    (t / "train.txt").write_bytes((DATA / "train.txt").read_bytes() * 5)
    for name in ("dev.txt", "test.txt"):
        (t / name).write_bytes((DATA / name).read_bytes())
    return ["import-conll", "train.txt", "dev.txt", "test.txt"], REPO / "schemas" / "schema.yaml"


def _conll04(folder: Path) -> Any:
    def make(t: Path) -> tuple[list[str], Path]:
        train = json.loads((folder / "train.CoNLL04.json").read_text(encoding="utf-8"))
        (t / "train.json").write_text(json.dumps(train * 7), encoding="utf-8")
        for split in ("valid", "test"):
            (t / f"{split}.json").write_bytes((folder / f"{split}.CoNLL04.json").read_bytes())
        return ["import-spans", "train.json", "valid.json", "test.json"], CONLL04_SCHEMA

    return make


def measure(name: str, make: Any) -> list[str]:
    """Import and release the corpus, run bench and the reference; the table rows."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        command, schema = make(t)
        tk = [PY, "-m", "toolkit"]
        keep = ["--duplicates", "keep-all", "--cross-split", "keep-all"]
        subprocess.run([*tk, "corpus", *command, "--out", "c", *keep], cwd=t, check=True, capture_output=True)
        release = ["dataset", "release", "--name", "big", "--version", "1.0.0", "--seeds-dir", "c"]
        release += ["--gold", "c/gold.jsonl", "--split-by", "metadata", "--releases-dir", "r"]
        release += ["--guidelines", str(DATA / "README.md"), "--schema", str(schema)]
        subprocess.run([*tk, *release], cwd=t, check=True, capture_output=True)
        (t / "reference.py").write_text(REFERENCE)
        ours = run(["toolkit", "bench", "r/big/1.0.0", "--out", "bench", "--schema", str(schema)], t)
        ref = run([str(t / "reference.py"), "r/big/1.0.0", str(schema)], t)
    return [
        f"| {name} | toolkit bench (crf grid of 4 on validation, gazetteer, rules, relation baselines when the "
        f"corpus has relations; all splits scored) | {ours['seconds']:.1f} | {ours['rss_mb']:.0f} | "
        f"{ours['seconds'] / ref['seconds']:.2f}x | {ours['rss_mb'] / ref['rss_mb']:.2f}x |",
        f"| {name} | reference: the same CRF features as dicts, sklearn-crfsuite, 4 grid fits + 1 final fit "
        f"(no scoring) | {ref['seconds']:.1f} | {ref['rss_mb']:.0f} | 1x | 1x |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conll04", type=Path, help="folder of CoNLL04's {train,valid,test}.CoNLL04.json")
    args = parser.parse_args()
    corpora = {"idner-news-2k, train x5 (7,316 sentences, Indonesian)": _idner}
    if args.conll04:
        corpora["CoNLL04, train x7 (6,973 sentences, English, relations)"] = _conll04(args.conll04)
    lines = [
        "# `toolkit bench` on a ~7,000-sentence corpus",
        "",
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores by "
        f"`python benchmarks/speed/bench_cost.py{' --conll04 DIR' if args.conll04 else ''}`: each corpus's train "
        "split repeated, dev and test as published; wall time and the process's peak RSS, each run in a fresh "
        "subprocess. Ratios are to the reference measured in the same run on the same corpus; seconds vary with the "
        "machine's load from run to run (this VM has run the same reference in 136 s and in 266 s), the ratios much less.",
        "",
        "| corpus | run | seconds | peak RSS MB | time vs reference | memory vs reference |",
        "|---|---|---|---|---|---|",
    ]
    for name, make in corpora.items():
        lines += measure(name, make)
    lines += ["", "Targets: under 120 s and 600 MB on 2 cores.", ""]
    (HERE / "BENCH_COST.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
