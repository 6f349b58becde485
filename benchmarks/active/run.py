"""Least confident first vs at random: simulated annotation on idner-news-2k.

For each seed: 10% of the train split (by document, seeded) is "annotated"; the CRF (c1/c2 fixed at
the toolkit's defaults, so both orders train the same model) is trained on it and scores test;
then a batch of 10% of train is added, chosen either at random or as the documents with the lowest
task score the ML backend serves (``toolkit.backend.served.least_confidence``: the lowest marginal
probability of the CRF's Viterbi tag over the document's tokens), and so on up to the whole split.
Test F1 is strict micro F1 (toolkit.scoring, = seqeval) with its 95% bootstrap interval over test
documents. Reported: the curves of both orders (mean over seeds, the seeds' interval bands), and
how many documents each needs to reach 98% of the full-data F1 (the mean curve's first point at or
above it). Writes results.json, learning_curves.png and RESULTS.md beside this file.
Usage: python benchmarks/active/run.py [--seeds 0,1,2] [--steps 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.backend.served import least_confidence
from toolkit.baselines.base import as_layer
from toolkit.baselines.crf import CrfTagger
from toolkit.formats import import_files
from toolkit.quality.corpus import load_corpus
from toolkit.schema import load_schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
_SHARED: dict[str, Any] = {}


def _run(job: tuple[str, int, int]) -> dict[str, Any]:
    strategy, seed, steps = job
    train, test, schema, rule = _SHARED["train"], _SHARED["test"], _SHARED["schema"], _SHARED["rule"]
    order = list(range(len(train)))
    random.Random(seed).shuffle(order)
    batch = round(len(train) / steps)
    chosen = order[:batch]
    pool = order[batch:]
    points = []
    gold = [g for _, g in test]
    while True:
        crf = CrfTagger(language=schema.language)
        t0 = time.perf_counter()
        crf.fit([train[i] for i in sorted(chosen)], schema)
        pred = [as_layer(d, "crf", crf.predict_spans(d)) for d, _ in test]
        strict = score_layers(gold, pred, rule, entity_modes=("strict",)).entity_modes(1000, seed).strict
        assert strict is not None
        s = strict.to_json_dict()
        points.append(
            {
                "documents": len(chosen),
                "f1": s["micro"]["f1"],
                "ci95": s["ci95"],
                "fit_seconds": round(time.perf_counter() - t0, 2),
            }
        )
        if not pool:
            break
        if strategy == "least_confident":
            scores = [(least_confidence(crf, train[i][0]), i) for i in pool]
            scores.sort()
            take = [i for _, i in scores[:batch]]
        else:
            take = pool[:batch]
        taken = set(take)
        chosen = chosen + take
        pool = [i for i in pool if i not in taken]
    return {"strategy": strategy, "seed": seed, "points": points}


def _ci(v: Any) -> tuple[float, float]:
    if isinstance(v, dict):
        return float(v["low"]), float(v["high"])
    return float(v[0]), float(v[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--steps", type=int, default=10)
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    schema = load_schema()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        import_files(
            "conll",
            [DATA / f for f in ("train.txt", "dev.txt", "test.txt")],
            Path(tmp),
            duplicates="keep-all",
            cross_split="keep-all",
        )
        docs, _ = load_corpus(Path(tmp) / "gold.jsonl")
    train = [(d.document, d.gold) for d in docs if d.split == "train"]
    test = [(d.document, d.gold) for d in docs if d.split == "test"]
    rule = LabelRule.declared(
        {"entities": sorted({s.label for _, g in train for s in g.spans}), "relations": []}, "idner-news-2k"
    )
    _SHARED.update(train=train, test=test, schema=schema, rule=rule)
    jobs = [(s, seed, args.steps) for s in ("least_confident", "random") for seed in seeds]
    with multiprocessing.get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
        runs = pool.map(_run, jobs)
    curves: dict[str, Any] = {}
    full = float(np.mean([r["points"][-1]["f1"] for r in runs]))
    for strategy in ("least_confident", "random"):
        mine = [r for r in runs if r["strategy"] == strategy]
        pts = []
        for k in range(len(mine[0]["points"])):
            f1s = [r["points"][k]["f1"] for r in mine]
            cis = [_ci(r["points"][k]["ci95"]) for r in mine]
            pts.append(
                {
                    "documents": mine[0]["points"][k]["documents"],
                    "f1_mean": round(float(np.mean(f1s)), 4),
                    "f1_min": round(float(min(f1s)), 4),
                    "f1_max": round(float(max(f1s)), 4),
                    "ci95_mean": [
                        round(float(np.mean([c[0] for c in cis])), 4),
                        round(float(np.mean([c[1] for c in cis])), 4),
                    ],
                }
            )
        reach = next((p["documents"] for p in pts if p["f1_mean"] >= 0.98 * full), None)
        curves[strategy] = {"points": pts, "documents_to_98pct_of_full": reach, "runs": mine}
    result = {
        "corpus": "idner-news-2k (vendored), train split as the pool, test split scored",
        "train_documents": len(train),
        "test_documents": len(test),
        "batch_documents": round(len(train) / args.steps),
        "seeds": seeds,
        "full_data_f1": round(full, 4),
        "target_98pct": round(0.98 * full, 4),
        "score": "least confidence: min over tokens of P(y_t = viterbi tag) (toolkit.backend.served.least_confidence)",
        "crf": {"c1": CrfTagger().c1, "c2": CrfTagger().c2},
        "curves": curves,
        "seconds": round(time.perf_counter() - t0, 1),
        "date": dt.date.today().isoformat(),
    }
    (HERE / "results.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    _plot(result, HERE / "learning_curves.png")
    (HERE / "RESULTS.md").write_text(_render(result), encoding="utf-8")
    print(_render(result))


def _plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for strategy, colour in (("least_confident", "#332288"), ("random", "#cc6677")):
        pts = result["curves"][strategy]["points"]
        x = [p["documents"] for p in pts]
        ax.plot(
            x,
            [p["f1_mean"] for p in pts],
            marker="o",
            color=colour,
            label=strategy.replace("_", " ") + " first" if strategy != "random" else "random",
        )
        ax.fill_between(x, [p["ci95_mean"][0] for p in pts], [p["ci95_mean"][1] for p in pts], color=colour, alpha=0.15)
    ax.axhline(result["target_98pct"], color="grey", linestyle="--", linewidth=1, label="98% of full-data F1")
    ax.set_xlabel("annotated training documents")
    ax.set_ylabel("test strict micro F1 (CRF)")
    ax.set_title(f"idner-news-2k: least confident first vs random ({len(result['seeds'])} seeds, 95% CI bands)")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def _render(r: dict[str, Any]) -> str:
    lc, rnd = r["curves"]["least_confident"], r["curves"]["random"]
    lines = [
        "# Active learning: least confident first vs random (idner-news-2k)",
        "",
        f"Generated by `python benchmarks/active/run.py` on {r['date']} ({r['seconds']} s); do not edit by hand. "
        f"Pool: the {r['train_documents']} train documents; start with a random 10%, add batches of {r['batch_documents']}; "
        f"CRF c1={r['crf']['c1']}, c2={r['crf']['c2']}; seeds {r['seeds']}. Task score: {r['score']}.",
        "",
        f"Full-data test F1 {r['full_data_f1']:.4f}; 98% of it: {r['target_98pct']:.4f}. "
        f"Documents needed to reach it (mean curve): **least confident first {lc['documents_to_98pct_of_full']}**, "
        f"random {rnd['documents_to_98pct_of_full']}.",
        "",
        "| documents | least confident F1 (mean) [CI] | random F1 (mean) [CI] |",
        "|---|---|---|",
    ]
    for a, b in zip(lc["points"], rnd["points"], strict=True):
        lines.append(
            f"| {a['documents']} | {a['f1_mean']:.4f} [{a['ci95_mean'][0]:.3f}, {a['ci95_mean'][1]:.3f}] | "
            f"{b['f1_mean']:.4f} [{b['ci95_mean'][0]:.3f}, {b['ci95_mean'][1]:.3f}] |"
        )
    lines += ["", "![learning curves](learning_curves.png)", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
