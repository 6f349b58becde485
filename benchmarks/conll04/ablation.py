"""What the Brown word clusters bring the English CRF: CoNLL04 with and without them.

Each row trains the CRF exactly as ``toolkit bench`` does (train split, c1/c2 chosen on validation by
``toolkit.benchmarks.tuning.tune``), with or without the word-cluster features, scores validation and
test (strict micro F1 = seqeval's, 95% bootstrap over sentences), and runs the tuned pair classifier
on its predicted entities (strict relation F1 end to end). The relation classifier with gold entities
does not use clusters, so it is the same in every row. Writes ABLATION.md and ablation.json here.

CoNLL04 is research-use data: make the release as the README says (it reads
``../shared/data/conll04/``), then: python benchmarks/conll04/ablation.py releases/conll04/1.0.0
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text
from toolkit.baselines.base import as_layer
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.features import cluster_source
from toolkit.baselines.relations import PairClassifier
from toolkit.benchmarks.runner import dataset_rule
from toolkit.benchmarks.tuning import tune, tune_relations
from toolkit.dataset.load import load_release
from toolkit.schema import load_schema
from toolkit.scoring.report import score_layers

HERE = Path(__file__).resolve().parent
ROWS = {"crf (all features)": True, "crf without word clusters": False}
"""Row name -> whether the CRF uses word clusters."""


def run(release: Path, schema_path: Path, resamples: int, seed: int) -> dict[str, Any]:
    rel = load_release(release)
    schema = load_schema(schema_path)
    train, val, test = rel.splits["train"], rel.splits["validation"], rel.splits["test"]
    rule = dataset_rule(rel)
    symmetric = [r.label for r in schema.relations if not r.directed]
    pairs = PairClassifier(seed=seed)
    tune_relations(pairs, train, val, schema, rule, symmetric)
    rows: dict[str, Any] = {}
    for name, clusters in ROWS.items():
        crf = CrfTagger(use_clusters=clusters)
        grid = tune(crf, train, val, schema, rule)
        row: dict[str, Any] = {"c1": crf.c1, "c2": crf.c2, "clusters": crf.clusters, "validation_grid": grid}
        for split, data in (("validation", val), ("test", test)):
            gold = [g for _, g in data]
            spans = {d.id: crf.predict_spans(d) for d, _ in data}
            ents = [as_layer(d, name, spans[d.id]) for d, _ in data]
            row[split] = score_layers(gold, ents, rule, entity_modes=("strict",)).entity_dict(resamples, seed)["strict"]
            rels = [as_layer(d, name, spans[d.id], pairs.predict_relations(d, spans[d.id])) for d, _ in data]
            scored = score_layers(gold, rels, rule, symmetric, entity_modes=(), relation_modes=("strict",))
            row[f"{split}_relations_end_to_end"] = scored.relation_dict(resamples, seed)["strict"]
        rows[name] = row
    return {
        "release": f"{rel.name} {rel.version}",
        "manifest_sha256": rel.manifest_sha256,
        "clusters": cluster_source(schema.language),
        "pair_classifier": {"c": pairs.c, "threshold": pairs.threshold},
        "resamples": resamples,
        "seed": seed,
        "rows": rows,
    }


def _cell(block: dict[str, Any]) -> str:
    ci = block.get("ci95") or {}
    f1 = block["micro"]["f1"]
    return f"{f1:.4f} [{ci['low']:.3f}, {ci['high']:.3f}]" if ci else f"{f1:.4f}"


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# CoNLL04: the English CRF with and without Brown word clusters",
        "",
        f"Release {result['release']} (manifest sha256 `{result['manifest_sha256'][:12]}...`); clusters from "
        f"{result['clusters']}. Strict micro F1 (= seqeval), 95% bootstrap intervals over sentences "
        f"({result['resamples']} resamples, seed {result['seed']}). c1/c2 chosen on validation; the pair classifier "
        f"(C {result['pair_classifier']['c']}, threshold {result['pair_classifier']['threshold']}, tuned on "
        "validation with gold entities) runs on each CRF's entities for the end-to-end columns.",
        "Made by `python benchmarks/conll04/ablation.py RELEASE`.",
        "",
        "| CRF | c1, c2 | validation entities | test entities | validation relations e2e | test relations e2e |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in result["rows"].items():
        lines.append(
            f"| {name} | {row['c1']}, {row['c2']} | {_cell(row['validation'])} | {_cell(row['test'])} | "
            f"{_cell(row['validation_relations_end_to_end'])} | {_cell(row['test_relations_end_to_end'])} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", type=Path)
    parser.add_argument("--schema", type=Path, default=HERE.parents[1] / "benchmarks/data/conll04/schema.yaml")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = run(args.release, args.schema, args.resamples, args.seed)
    atomic_write_text(HERE / "ablation.json", json.dumps(result, indent=1, sort_keys=True) + "\n")
    atomic_write_text(HERE / "ABLATION.md", markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
