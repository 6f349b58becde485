"""Benchmarks: train each baseline on a release's train split, score validation and test.

Results go to ``benchmarks/<dataset>/<version>/<baseline>.json`` with the metrics, bootstrap
intervals, config, seed, the release's manifest checksum and the toolkit version. A result file
for the same dataset and version made from a release with a different manifest checksum is
refused, so a score can never be attributed to the wrong data version. The leaderboard
(``benchmarks/README.md``) and the plots are regenerated from the result files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS
from toolkit.baselines.base import BaselineError, Example, as_layer
from toolkit.benchmarks.tuning import tune, tune_relations
from toolkit.dataset.load import SPLITS, Release, load_release
from toolkit.errors import ToolkitError
from toolkit.model import Annotation, Span
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers


def dataset_rule(rel: Release) -> LabelRule:
    """The label rule of a release: the types it annotates (see :mod:`toolkit.scoring.labels`)."""
    return LabelRule.declared(rel.annotated_types, f"declared by release {rel.name} {rel.version}")


def _entity_report(
    gold: Sequence[Example], pred: Sequence[Annotation], rule: LabelRule, resamples: int, seed: int
) -> dict[str, Any]:
    scores = score_layers([g for _, g in gold], pred, rule)
    out = scores.entity_dict(resamples, seed)
    out["documents"] = len(gold)
    out["not_annotated"] = scores.not_annotated.to_dict()["entities"]
    return out


def _confusion(gold: Sequence[Example], pred: Sequence[Sequence[Span]]) -> dict[str, dict[str, int]]:
    """Gold type -> predicted type for same-boundary entities; ``O`` for missed and spurious ones."""
    table: dict[str, dict[str, int]] = {}

    def add(g: str, p: str) -> None:
        table.setdefault(g, {})[p] = table.setdefault(g, {}).get(p, 0) + 1

    for (_, layer), spans in zip(gold, pred, strict=True):
        by_pos = {(s.start, s.end): s.label for s in spans}
        gold_pos = {(s.start, s.end) for s in layer.spans}
        for s in layer.spans:
            add(s.label, by_pos.get((s.start, s.end), "O"))
        for pos, label in by_pos.items():
            if pos not in gold_pos:
                add("O", label)
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def run(
    release_dir: Path,
    schema: Schema,
    *,
    out_root: Path = Path("benchmarks"),
    baselines: Sequence[str] = tuple(ENTITY_EXTRACTORS),
    seed: int = 0,
    resamples: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Benchmark the entity baselines (and the relation baselines, when the train split has relations)."""
    from toolkit import __version__

    rel = load_release(release_dir)
    out_dir = Path(out_root) / rel.name / rel.version
    _check_checksum(out_dir, rel.manifest_sha256)
    train, validation, test = (rel.splits[s] for s in SPLITS)
    symmetric = [r.label for r in schema.relations if not r.directed]
    rule = dataset_rule(rel)
    written = []
    best_spans: dict[str, list[list[Span]]] = {}
    for name in baselines:
        if progress:
            progress(f"{name}: training on {len(train)} documents")
        model = ENTITY_EXTRACTORS[name]()
        result: dict[str, Any] = {
            "baseline": name,
            "task": "entities",
            "dataset": rel.name,
            "version": rel.version,
            "manifest_sha256": rel.manifest_sha256,
            "toolkit_version": __version__,
            "seed": seed,
            "resamples": resamples,
            "labels_scored": sorted(rule.entities),
        }
        try:
            tuning = tune(model, train, validation, schema, rule)  # leaves the model fitted with the best setting
            if tuning is None:
                model.fit(train, schema)
        except BaselineError as exc:
            result["skipped"] = str(exc)
            written.append(_write(out_dir / f"{name}.json", result))
            continue
        result["config"] = {k: v for k, v in vars(model).items() if isinstance(v, int | float | str)}
        if tuning:
            result["tuning_on_validation"] = tuning
        for split, data in (("train", train), ("validation", validation), ("test", test)):
            if not data:
                continue
            if progress:
                progress(f"{name}: predicting {split} ({len(data)} documents)")
            pred = [as_layer(doc, name, model.predict_spans(doc)) for doc, _ in data]
            result[split] = _entity_report(data, pred, rule, resamples, seed)
            if split == "test":
                kept = [rule.keep(p.spans, ())[0] for p in pred]
                result["test"]["confusion"] = _confusion(data, kept)
                best_spans[name] = kept
        written.append(_write(out_dir / f"{name}.json", result))
    if any(g.relations for _, g in train):
        for name, make in RELATION_EXTRACTORS.items():
            written.append(
                _relation_bench(name, make(), rel, schema, rule, symmetric, best_spans, out_dir, seed, resamples)
            )
    return written


def _relation_bench(
    name: str,
    model: Any,
    rel: Release,
    schema: Schema,
    rule: LabelRule,
    symmetric: list[str],
    predicted: dict[str, list[list[Span]]],
    out_dir: Path,
    seed: int,
    resamples: int = 1000,
) -> Path:
    from toolkit import __version__

    train, test = rel.splits["train"], rel.splits["test"]
    result: dict[str, Any] = {
        "baseline": name,
        "task": "relations",
        "dataset": rel.name,
        "version": rel.version,
        "manifest_sha256": rel.manifest_sha256,
        "toolkit_version": __version__,
        "seed": seed,
    }
    try:
        tuning = tune_relations(model, train, rel.splits["validation"], schema, rule, symmetric)
        if tuning is None:
            model.fit(train, schema)
    except BaselineError as exc:
        result["skipped"] = str(exc)
        return _write(out_dir / f"{name}.json", result)
    if tuning:
        result["tuning_on_validation"] = tuning
    result["config"] = {k: v for k, v in vars(model).items() if isinstance(v, int | float | str)}
    gold = [g for _, g in test]
    given = [as_layer(d, name, g.spans, model.predict_relations(d, g.spans)) for d, g in test]
    result["test_given_gold_entities"] = score_layers(gold, given, rule, symmetric).relation_dict(resamples, seed)
    if "crf" in predicted:
        e2e = [
            as_layer(d, name, spans, model.predict_relations(d, spans))
            for (d, _), spans in zip(test, predicted["crf"], strict=True)
        ]
        result["test_end_to_end_with_crf"] = score_layers(gold, e2e, rule, symmetric).relation_dict(resamples, seed)
    return _write(out_dir / f"{name}.json", result)


def _check_checksum(out_dir: Path, manifest_sha: str) -> None:
    for f in sorted(out_dir.glob("*.json")):
        old = json.loads(f.read_text(encoding="utf-8")).get("manifest_sha256")
        if old and old != manifest_sha:
            raise ToolkitError(
                f"{f} was scored on a release with manifest sha256 {old[:12]}..., not {manifest_sha[:12]}...: the same "
                "dataset version with different data; release a new version instead of overwriting results"
            )


def _write(path: Path, result: dict[str, Any]) -> Path:
    atomic_write_text(path, dumps(result, indent=1) + "\n")
    return path
