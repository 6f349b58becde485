"""What the word clusters, the general-text case and the place knowledge bring: CoNLL04 with and without each.

Each row trains the CRF and the pair classifier exactly as ``toolkit bench`` does (train split; c1/c2,
C and the threshold chosen on validation by ``toolkit.baselines.tuning``), with or without the CRF's
Brown word clusters, its general-text capitalisation feature and the pair classifier's place-containment
features, and scores validation and test: entities (strict micro F1 = seqeval's), relations given the
gold entities, and relations end to end on the row's CRF entities (strict), with 95% bootstrap intervals
over sentences. Writes ABLATION.md and ablation.json beside this file.

CoNLL04 is research-use data: make the release as docs/researchers.md says (it reads
``../shared/data/conll04/``), then: python benchmarks/conll04/ablation.py releases/conll04/1.0.0
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text
from toolkit.baselines import fit_tuned, fit_tuned_relations
from toolkit.baselines.base import as_layer
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.crf_features import case_source, cluster_source
from toolkit.baselines.geo import geo_source
from toolkit.baselines.pairs import PairClassifier
from toolkit.dataset.load import load_release
from toolkit.schema import load_schema
from toolkit.scoring.report import score_layers

HERE = Path(__file__).resolve().parent
ROWS = {
    "all features": (True, True, True),
    "CRF without general-text case": (True, False, True),
    "CRF without word clusters": (False, True, True),
    "CRF without clusters or case": (False, False, True),
    "pair classifier without place knowledge": (True, True, False),
    "none of the three": (False, False, False),
}
"""Row name -> (the CRF uses word clusters, the CRF uses general-text case, the pair classifier uses place
containment)."""


def run(release: Path, schema_path: Path, resamples: int, seed: int) -> dict[str, Any]:
    rel = load_release(release)
    schema = load_schema(schema_path)
    splits = {"validation": rel.splits["validation"], "test": rel.splits["test"]}
    train, val = rel.splits["train"], splits["validation"]
    rule = rel.label_rule
    symmetric = [r.label for r in schema.relations if not r.directed]
    crfs: dict[tuple[bool, bool], CrfTagger] = {}
    pairs: dict[bool, PairClassifier] = {}
    for clusters, case, _ in ROWS.values():
        if (clusters, case) not in crfs:
            crfs[clusters, case] = CrfTagger(use_clusters=clusters, use_case=case)
            fit_tuned(crfs[clusters, case], train, val, schema, rule)
    for geo in (True, False):
        pairs[geo] = PairClassifier(seed=seed, use_geo=geo)
        fit_tuned_relations(pairs[geo], train, val, schema, rule, symmetric)

    def relations(data: list[Any], spans: dict[str, Any], model: PairClassifier, name: str) -> dict[str, Any]:
        gold = [g for _, g in data]
        layers = [as_layer(d, name, spans[d.id], model.predict_relations(d, spans[d.id])) for d, _ in data]
        scored = score_layers(gold, layers, rule, symmetric, entity_modes=(), relation_modes=("strict",))
        strict = scored.relation_modes(resamples, seed).strict
        assert strict is not None
        return strict.to_json_dict()

    rows: dict[str, Any] = {}
    for name, (clusters, case, geo) in ROWS.items():
        crf, pair = crfs[clusters, case], pairs[geo]
        row: dict[str, Any] = {
            "crf": {"c1": crf.c1, "c2": crf.c2, "clusters": crf.clusters, "case": crf.case},
            "pair_classifier": {"c": pair.c, "threshold": pair.threshold, "geo": pair.geo},
        }
        for split, data in splits.items():
            gold = [g for _, g in data]
            predicted = {d.id: crf.predict_spans(d) for d, _ in data}
            ents = [as_layer(d, name, predicted[d.id]) for d, _ in data]
            strict = score_layers(gold, ents, rule, entity_modes=("strict",)).entity_modes(resamples, seed).strict
            assert strict is not None
            row[f"{split}_entities"] = strict.to_json_dict()
            row[f"{split}_relations_gold_entities"] = relations(data, {d.id: g.spans for d, g in data}, pair, name)
            row[f"{split}_relations_end_to_end"] = relations(data, predicted, pair, name)
        rows[name] = row
    return {
        "release": f"{rel.name} {rel.version}",
        "manifest_sha256": rel.manifest_sha256,
        "clusters": cluster_source(schema.language),
        "case": case_source(schema.language),
        "geo": geo_source(schema.language),
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
        "# CoNLL04: what the word clusters, the general-text case and the place knowledge bring",
        "",
        f"Release {result['release']} (manifest sha256 `{result['manifest_sha256'][:12]}...`). Word clusters: "
        f"{result['clusters']}; general-text case: {result['case']}; place knowledge: {result['geo']}. Strict micro F1 (entities = seqeval), 95% "
        f"bootstrap intervals over sentences ({result['resamples']} resamples, seed {result['seed']}); every "
        "setting chosen on validation; end to end = the row's pair classifier on the row's CRF entities.",
        "Made by `python benchmarks/conll04/ablation.py RELEASE`.",
        "",
        "| row | split | entities | relations, gold entities | relations, end to end |",
        "|---|---|---|---|---|",
    ]
    for name, row in result["rows"].items():
        for split in ("validation", "test"):
            lines.append(
                f"| {name} | {split} | {_cell(row[f'{split}_entities'])} | "
                f"{_cell(row[f'{split}_relations_gold_entities'])} | {_cell(row[f'{split}_relations_end_to_end'])} |"
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
