"""How well ``toolkit annotations qa`` finds planted annotation errors in idner-news-2k.

For each planting seed: idner-news-2k's train and validation gold (imported from the vendored copy)
gets errors planted by ``plant.py``; every detector runs on the planted corpus; each detector's own
ranking and the combined one (what ``qa`` prints) are scored against the planted list:
recall of planted errors in the top N and the top 2N (N = number planted) and precision in the top
100 (an item counts when its span overlaps a planted error's region in that document). Beside them,
the reference the issue measured: the same 5-fold CRF flagging every token whose most probable tag
differs from the gold, ranked by 1 - the marginal of the gold tag.
Also timed: ``toolkit annotations qa`` on the unmodified corpus, as a user runs it (subprocess).
Writes results.json and RESULTS.md beside this file. Usage: python benchmarks/qa/run.py [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from plant import SHARES, Planted, plant  # noqa: E402

from toolkit.formats import import_files  # noqa: E402
from toolkit.quality.corpus import QaDoc, load_corpus  # noqa: E402
from toolkit.quality.cross_validated import bio_tags, model_disagreement  # noqa: E402
from toolkit.quality.relation_patterns import relation_patterns  # noqa: E402
from toolkit.quality.suspects import Suspect, merge_and_rank  # noqa: E402
from toolkit.quality.variation import boundary_variation, label_variation  # noqa: E402
from toolkit.schema import load_schema  # noqa: E402

DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
Region = tuple[str, int, int]


def hits(region: Region, planted_by_doc: dict[str, list[Planted]]) -> list[Planted]:
    doc, a, b = region
    return [p for p in planted_by_doc.get(doc, []) if p.start < b and a < p.end]


def measure(regions: Sequence[Region], planted: Sequence[Planted]) -> dict[str, float]:
    by_doc: dict[str, list[Planted]] = {}
    for p in planted:
        by_doc.setdefault(p.doc_id, []).append(p)
    n = len(planted)
    out: dict[str, float] = {"items": len(regions)}
    for name, k in (("recall_top_n", n), ("recall_top_2n", 2 * n)):
        found = {id(p) for r in regions[:k] for p in hits(r, by_doc)}
        out[name] = round(len(found) / n, 4)
    top = regions[:100]
    out["precision_top_100"] = round(sum(bool(hits(r, by_doc)) for r in top) / max(1, len(top)), 4)
    kinds = sorted({p.kind for p in planted})
    for kind in kinds:
        of_kind = [p for p in planted if p.kind == kind]
        found = {id(p) for r in regions[: 2 * n] for p in hits(r, by_doc) if p.kind == kind}
        out[f"recall_top_2n_{kind}"] = round(len(found) / len(of_kind), 4)
    return out


def token_reference(docs: Sequence[QaDoc], views: Sequence[object]) -> list[Region]:
    """Tokens whose most probable tag is not the gold's, ranked by 1 - P(gold tag)."""
    tags = bio_tags(docs)
    column = {t: c for c, t in enumerate(tags)}
    rows = []
    for doc, view in zip(docs, views, strict=True):
        probs = view.probs  # type: ignore[attr-defined]
        for t, g in enumerate(view.gold_tags):  # type: ignore[attr-defined]
            if int(np.argmax(probs[t])) != column[g]:
                a, b = doc.tokens[t]
                rows.append((1.0 - float(probs[t, column[g]]), doc.document.id, a, b))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    return [(d, a, b) for _, d, a, b in rows]


def regions(items: Sequence[Suspect]) -> list[Region]:
    return [(s.doc_id, s.start, s.end) for s in items]


def one_seed(docs: Sequence[QaDoc], schema: object, seed: int) -> dict[str, object]:
    planted_docs, planted = plant(docs, seed)
    t0 = time.perf_counter()
    found = {
        "label_variation": label_variation(planted_docs),
        "boundary_variation": boundary_variation(planted_docs),
    }
    model_items, views = model_disagreement(planted_docs, schema, folds=5, seed=0)  # type: ignore[arg-type]
    found["model"] = model_items
    found["relations"] = relation_patterns(planted_docs, schema)  # type: ignore[arg-type]
    combined = merge_and_rank(s for items in found.values() for s in items)
    seconds = time.perf_counter() - t0
    result: dict[str, object] = {
        "seed": seed,
        "planted": len(planted),
        "planted_by_kind": {k: sum(p.kind == k for p in planted) for k in sorted({p.kind for p in planted})},
        "seconds": round(seconds, 1),
        "combined": measure(regions(combined), planted),
        "detectors": {n: measure(regions(merge_and_rank(items)), planted) for n, items in found.items() if items},
        "reference_token_crf": measure(token_reference(planted_docs, views), planted),
    }
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    schema = load_schema()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "idner"
        files = [DATA / f for f in ("train.txt", "dev.txt", "test.txt")]
        import_files("conll", files, out, duplicates="keep-all", cross_split="keep-all")
        gold = out / "gold.jsonl"
        docs, _ = load_corpus(gold, ("train", "validation"))
        runs = [one_seed(docs, schema, s) for s in seeds]
        t0 = time.perf_counter()
        env = {**os.environ, "TOOLKIT_WORKERS": os.environ.get("TOOLKIT_WORKERS", "")}
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "toolkit"), "annotations", "qa", str(gold), "--json"],
            capture_output=True,
            env=env,
            check=True,
        )
        cli_seconds = time.perf_counter() - t0
        cli_items = len(json.loads(proc.stdout))
    summary = {
        "corpus": "idner-news-2k 1.0 (vendored), train + validation gold",
        "documents": len(docs),
        "entities": sum(len(d.gold.spans) for d in docs),
        "shares": SHARES,
        "seeds": runs,
        "cli_qa_unmodified": {"seconds": round(cli_seconds, 1), "items": cli_items, "cores": os.cpu_count()},
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
        "date": dt.date.today().isoformat(),
    }
    (HERE / "results.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    (HERE / "RESULTS.md").write_text(render(summary), encoding="utf-8")
    print(render(summary))


def render(s: dict[str, object]) -> str:
    runs: list[dict] = s["seeds"]  # type: ignore[assignment]
    lines = [
        "# `annotations qa` on planted errors (idner-news-2k train + validation)",
        "",
        f"Generated by `python benchmarks/qa/run.py` on {s['date']}; do not edit by hand. "
        f"{s['documents']} documents, {s['entities']} gold entities; planted per seed: relabel 4%, "
        "boundary moved by one token 3%, deleted 3%, spurious single-token spans on unlabelled capitalised "
        "words 2% (of the entities). N = number planted. An item finds a planted error when its span overlaps "
        "the error's region in that document. Goal: combined recall in the top 2N >= 0.80 and precision in the "
        "top 100 >= 0.80 on every seed.",
        "",
        "| seed | N | ranking | recall top N | recall top 2N | precision top 100 | items |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        rows = [("**combined (qa)**", r["combined"]), ("reference: token CRF", r["reference_token_crf"])]
        rows += [(n, m) for n, m in r["detectors"].items()]
        for name, m in rows:
            lines.append(
                f"| {r['seed']} | {r['planted']} | {name} | {m['recall_top_n']:.3f} | {m['recall_top_2n']:.3f} | "
                f"{m['precision_top_100']:.3f} | {m['items']} |"
            )
    lines += [
        "",
        "Combined recall in the top 2N by kind of planted error:",
        "",
        "| seed | " + " | ".join(k for k in sorted(runs[0]["planted_by_kind"])) + " |",
        "|---|" + "---|" * len(runs[0]["planted_by_kind"]),
    ]
    for r in runs:
        lines.append(
            f"| {r['seed']} | "
            + " | ".join(f"{r['combined']['recall_top_2n_' + k]:.3f}" for k in sorted(r["planted_by_kind"]))
            + " |"
        )
    cli = s["cli_qa_unmodified"]
    lines += [
        "",
        f"`toolkit annotations qa` on the unmodified train + validation gold: {cli['seconds']} s wall on "
        f"{cli['cores']} cores ({cli['items']} items; target: under 180 s). Detectors on a planted corpus: "
        + ", ".join(f"{r['seconds']} s" for r in runs)
        + ".",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
