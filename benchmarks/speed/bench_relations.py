"""What `toolkit bench` costs on a relation corpus with many relation types, beside the old way measured in the
same run.

The corpus: a seeded synthetic brat corpus shaped like the held-out biomedical one that made the bench run for
48 minutes and 9.4 GB (49 relation types over 12 entity types, ~750 training documents of ~12 sentences with
4-7 entities each, 100 validation and 100 test documents), imported with `toolkit corpus import --format brat`
and released in a temporary folder. Words are drawn from a Zipf-like vocabulary; each relation type has its
own trigger words between its arguments, so the classifier has something to learn.

Measured, each in a fresh subprocess (wall time and the process's own peak RSS, VmHWM), in turn:
- `toolkit bench RELEASE --baseline gazetteer` (the gazetteer keeps the entity part cheap; the relation
  baselines run in full: `pairs`, and `pair-classifier` with its C x threshold grid tuned on validation);
- the reference: the same bench with the pair classifier as it was before (a dense feature vector of the
  whole vocabulary per candidate pair, probabilities computed again for every threshold of the grid, the
  design matrix built from one Python dict per pair).
Writes BENCH_RELATIONS.md beside this file. Usage: python benchmarks/speed/bench_relations.py [--docs 750]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PY = sys.executable
ENTITY_TYPES = [f"E{i}" for i in range(12)]
RELATION_TYPES = [f"R{i:02d}" for i in range(49)]

MEASURE = """
import json, sys, time, runpy
t0 = time.perf_counter()
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": peak}))
"""

BENCH = """
import sys
from pathlib import Path
from toolkit.benchmarks import run
from toolkit.schema import load_schema
release, schema, out, reference = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "reference"
if reference:
    sys.path.insert(0, {here!r})
    import reference_pairs
    reference_pairs.install()
run(Path(release), load_schema(Path(schema)), out_root=Path(out), baselines=("gazetteer",), resamples=200)
"""


def schema_yaml(rng: random.Random) -> tuple[str, dict[str, tuple[str, str]]]:
    """A schema of 12 entity and 49 relation types; each relation type allows one (head, tail) type pair."""
    colours = iter(f"#{rng.randrange(1 << 24):06x}" for _ in range(1000))
    used: set[str] = set()

    def colour() -> str:
        c = next(colours)
        while c in used:
            c = next(colours)
        used.add(c)
        return c

    pairs = {r: (rng.choice(ENTITY_TYPES), rng.choice(ENTITY_TYPES)) for r in RELATION_TYPES}
    lines = ["schema_version: 1.0.0", "name: synthetic-relations", "language: en", "span_overlap: nested", "entities:"]
    for k, e in enumerate(ENTITY_TYPES):
        hotkey = "0123456789ab"[k]
        lines += [
            f"  - label: {e}",
            f"    definition: entity type {e}",
            f"    color: '{colour()}'",
            f"    hotkey: '{hotkey}'",
        ]
    lines.append("relations:")
    for r, (h, t) in pairs.items():
        lines += [f"  - label: {r}", f"    definition: relation type {r}", f"    color: '{colour()}'"]
        lines += [f"    head: [{h}]", f"    tail: [{t}]", "    directed: true"]
    return "\n".join(lines) + "\n", pairs


def corpus(folder: Path, n_train: int, seed: int = 0) -> Path:
    """Write the brat corpus (train/dev/test folders) and its schema under ``folder``; the schema's path."""
    rng = random.Random(seed)
    text, pairs = schema_yaml(rng)
    (folder / "schema.yaml").parent.mkdir(parents=True, exist_ok=True)
    (folder / "schema.yaml").write_text(text, encoding="utf-8")
    vocab = [f"w{i}" for i in range(20000)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    triggers = {r: [f"t{r.lower()}x{i}" for i in range(3)] for r in RELATION_TYPES}
    by_pair: dict[tuple[str, str], list[str]] = {}
    for r, p in pairs.items():
        by_pair.setdefault(p, []).append(r)
    for split, n in (("train", n_train), ("dev", 100), ("test", 100)):
        out = folder / split
        out.mkdir(parents=True)
        for d in range(n):
            tokens: list[tuple[str, str | None]] = []  # (word, entity type or None)
            relations: list[tuple[int, int, str]] = []  # token indices of head and tail, type
            for _ in range(rng.randint(8, 16)):
                entities = [rng.choice(ENTITY_TYPES) for _ in range(rng.randint(4, 7))]
                chosen: dict[int, tuple[int, str]] = {}  # tail position in the sentence -> (head position, type)
                for j in range(1, len(entities)):
                    i = rng.randrange(j)
                    options = by_pair.get((entities[i], entities[j]))
                    if options and rng.random() < 0.5:
                        chosen[j] = (i, rng.choice(options))
                at: list[int] = []
                opening = rng.choices(vocab, weights, k=rng.randint(2, 5))
                tokens += [(w.capitalize() if k == 0 else w, None) for k, w in enumerate(opening)]  # a sentence starts
                for j, e in enumerate(entities):
                    if j in chosen:
                        tokens.append((rng.choice(triggers[chosen[j][1]]), None))
                    at.append(len(tokens))
                    tokens.append((f"{e.lower()}n{rng.randrange(400)}", e))
                    tokens += [(w, None) for w in rng.choices(vocab, weights, k=rng.randint(1, 4))]
                    if rng.random() < 0.3:  # a stray trigger: not every trigger means a relation
                        tokens.append((rng.choice(triggers[rng.choice(RELATION_TYPES)]), None))
                relations += [(at[i], at[j], r) for j, (i, r) in chosen.items()]
                tokens.append((".", None))
            doc, offsets, pos = [], [], 0
            for w, _ in tokens:
                offsets.append((pos, pos + len(w)))
                doc.append(w)
                pos += len(w) + 1
            text_out = " ".join(doc)
            ids = {k: f"T{n_ent}" for n_ent, k in enumerate((k for k, (_, e) in enumerate(tokens) if e), 1)}
            ann = [f"{ids[k]}\t{e} {offsets[k][0]} {offsets[k][1]}\t{w}" for k, (w, e) in enumerate(tokens) if e]
            ann += [f"R{k}\t{r} Arg1:{ids[h]} Arg2:{ids[t]}" for k, (h, t, r) in enumerate(relations, 1)]
            name = f"{split}-{d:04d}"
            (out / f"{name}.txt").write_text(text_out, encoding="utf-8")
            (out / f"{name}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    return folder / "schema.yaml"


def measure(args: list[str]) -> dict[str, float]:
    done = subprocess.run([PY, "-c", MEASURE, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=750, help="Training documents of the toolkit's run.")
    parser.add_argument(
        "--reference-docs",
        type=int,
        default=150,
        help="Training documents of the side-by-side run (toolkit and reference on one smaller corpus: the old way "
        "takes hours at 750); 0 leaves it out.",
    )
    ns = parser.parse_args()

    runs: dict[str, Any] = {"toolkit": _runs(ns.docs, ("toolkit",))}
    if ns.reference_docs:
        runs["side_by_side"] = _runs(ns.reference_docs, ("toolkit", "reference"))
    report = {"date": dt.date.today().isoformat(), "relation_types": len(RELATION_TYPES), "runs": runs}
    (HERE / "bench_relations.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Bench cost with many relation types",
        "",
        f"Measured on {report['date']} by `python benchmarks/speed/bench_relations.py --docs {ns.docs} "
        f"--reference-docs {ns.reference_docs}` (2 cores): `toolkit bench` with the gazetteer and both relation "
        "baselines (the pair classifier's C x threshold grid tuned on validation), in a fresh process; the reference "
        "is the same bench with the pair classifier as it was before (benchmarks/speed/reference_pairs.py).",
        f"Synthetic brat corpus: {len(RELATION_TYPES)} relation types over {len(ENTITY_TYPES)} entity types.",
        "",
        "| corpus | run | seconds | peak RSS (MB) | test F1, relations with gold entities |",
        "|---|---|---|---|---|",
    ]
    for group in runs.values():
        c = group["corpus"]
        shape = "; ".join(f"{s} {v['documents']} docs, {v['relations']} relations" for s, v in c.items())
        for name, r in group["runs"].items():
            lines.append(
                f"| {shape} | {name} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['test_f1_gold_entities']:.4f} |"
            )
    side = runs.get("side_by_side", {}).get("runs", {})
    if "reference" in side:
        t, m = side["toolkit"], side["reference"]
        lines += [
            "",
            f"Side by side on the same corpus, the toolkit takes {t['seconds'] / m['seconds']:.2f}x the reference's "
            f"time and {t['peak_mb'] / m['peak_mb']:.2f}x its memory.",
        ]
    (HERE / "BENCH_RELATIONS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def _runs(docs: int, names: tuple[str, ...]) -> dict[str, Any]:
    """Generate, import and release a corpus of ``docs`` training documents, then bench it with each of ``names``."""
    from toolkit.dataset.release import release
    from toolkit.formats import import_files
    from toolkit.schema import load_schema

    with tempfile.TemporaryDirectory(prefix="bench-relations-") as tmp:
        root = Path(tmp)
        schema_path = corpus(root / "corpus", docs)
        schema = load_schema(schema_path)
        (root / "GUIDELINES.md").write_text(
            "# Synthetic corpus\n\nGenerated by bench_relations.py.\n", encoding="utf-8"
        )
        splits = [root / "corpus" / s for s in ("train", "dev", "test")]
        summary = import_files("brat", splits, root / "imported", schema=schema)
        rel = release(
            name="synthetic-relations",
            version="1.0.0",
            schema=schema,
            seeds_path=root / "imported" / "articles.jsonl",
            gold_paths=[root / "imported" / "gold.jsonl"],
            guidelines_path=root / "GUIDELINES.md",
            releases_dir=root / "releases",
            split_by="metadata",
        ).path
        script = root / "bench.py"
        script.write_text(BENCH.format(here=str(HERE)), encoding="utf-8")
        rows: dict[str, Any] = {}
        for name in names:
            out = root / f"out-{name}"
            rows[name] = measure([str(script), str(rel), str(schema_path), str(out), name])
            result = json.loads((out / "synthetic-relations" / "1.0.0" / "pair-classifier.json").read_text())
            rows[name]["test_f1_gold_entities"] = result["test_given_gold_entities"]["strict"]["micro"]["f1"]
            rows[name]["tuning_on_validation"] = result.get("tuning_on_validation")
        return {"corpus": dict(summary["splits"]), "runs": rows}


if __name__ == "__main__":
    main()
