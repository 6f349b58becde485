"""Benchmarks: train each baseline on a release's train split, score validation and test.

Results go to ``benchmarks/<dataset>/<version>/<baseline>.json`` with the metrics, bootstrap
intervals, config, seed, the release's manifest checksum and the toolkit version. A result file
for the same dataset and version made from a release with a different manifest checksum is
refused, so a score can never be attributed to the wrong data version. The leaderboard
(``benchmarks/README.md``) and the plots are regenerated from the result files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit._io import store_lock
from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS, fit_tuned, fit_tuned_relations
from toolkit.baselines.base import BaselineError, RelationExtractor, as_layer
from toolkit.benchmarks.results import (
    END_TO_END,
    EntityResult,
    EntitySplit,
    RelationResult,
    read_result,
    result_files,
    write_result,
)
from toolkit.dataset.load import SPLITS, Release, load_release
from toolkit.errors import ToolkitError
from toolkit.model import Example, Layer, Span
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers


def _entity_split(
    gold: Sequence[Example], pred: Sequence[Layer], rule: LabelRule, resamples: int, seed: int
) -> EntitySplit:
    scores = score_layers([g for _, g in gold], pred, rule)
    return EntitySplit(
        **scores.entity_modes(resamples, seed).modes(),
        documents=len(gold),
        not_annotated=scores.not_annotated.to_dict()["entities"],
    )


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
    with store_lock(out_dir):  # one run per release at a time: results and their checksum agree
        _check_checksum(out_dir, rel.manifest_sha256)
        train, validation, test = (rel.splits[s] for s in SPLITS)
        symmetric = [r.label for r in schema.relations if not r.directed]
        rule = rel.label_rule
        written = []
        best_spans: dict[str, list[list[Span]]] = {}
        for name in baselines:
            if progress:
                progress(f"{name}: training on {len(train)} documents")
            model = ENTITY_EXTRACTORS[name]()
            identity = {**rel.about, "baseline": name, "toolkit_version": __version__, "seed": seed}
            labels = {"task": "entities", "resamples": resamples, "labels_scored": sorted(rule.entities)}
            try:
                tuning = fit_tuned(
                    model, train, validation, schema, rule
                )  # leaves the model fitted with the best setting
            except BaselineError as exc:
                written.append(
                    write_result(out_dir / f"{name}.json", EntityResult(**identity, **labels, skipped=str(exc)))
                )
                continue
            splits: dict[str, EntitySplit] = {}
            for split, data in (("train", train), ("validation", validation), ("test", test)):
                if not data:
                    continue
                if progress:
                    progress(f"{name}: predicting {split} ({len(data)} documents)")
                pred = [as_layer(doc, name, model.predict_spans(doc)) for doc, _ in data]
                splits[split] = _entity_split(data, pred, rule, resamples, seed)
                if split == "test":
                    kept = [rule.keep(p.spans, ())[0] for p in pred]
                    splits[split] = splits[split].model_copy(update={"confusion": _confusion(data, kept)})
                    best_spans[name] = kept
            tuned = {"tuning_on_validation": tuning} if tuning else {}
            result = EntityResult(**identity, **labels, config=model.config(), **tuned, **splits)
            written.append(write_result(out_dir / f"{name}.json", result))
        if any(g.relations for _, g in train):
            for rname, make in RELATION_EXTRACTORS.items():
                written.append(
                    _relation_bench(rname, make(), rel, schema, rule, symmetric, best_spans, out_dir, seed, resamples)
                )
        return written


def _relation_bench(
    name: str,
    model: RelationExtractor,
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
    identity = {**rel.about, "baseline": name, "toolkit_version": __version__, "seed": seed, "task": "relations"}
    try:
        tuning = fit_tuned_relations(model, train, rel.splits["validation"], schema, rule, symmetric)
    except BaselineError as exc:
        return write_result(out_dir / f"{name}.json", RelationResult(**identity, skipped=str(exc)))
    gold = [g for _, g in test]
    given = [as_layer(d, name, g.spans, model.predict_relations(d, g.spans)) for d, g in test]
    scores: dict[str, object] = {
        "test_given_gold_entities": score_layers(gold, given, rule, symmetric).relation_modes(resamples, seed)
    }
    for entity_baseline, spans_of in sorted(predicted.items()):
        if entity_baseline != "crf":  # the leaderboard's end-to-end column: relations over the CRF's entities
            continue
        e2e = [
            as_layer(d, name, spans, model.predict_relations(d, spans))
            for (d, _), spans in zip(test, spans_of, strict=True)
        ]
        scores[END_TO_END + entity_baseline] = score_layers(gold, e2e, rule, symmetric).relation_modes(resamples, seed)
    tuned = {"tuning_on_validation": tuning} if tuning else {}
    return write_result(out_dir / f"{name}.json", RelationResult(**identity, **tuned, config=model.config(), **scores))


def _check_checksum(out_dir: Path, manifest_sha: str) -> None:
    for f in result_files(out_dir):
        old = read_result(f).manifest_sha256
        if old != manifest_sha:
            raise ToolkitError(
                f"{f} was scored on a release with manifest sha256 {old[:12]}..., not {manifest_sha[:12]}...: the same "
                "dataset version with different data; release a new version instead of overwriting results"
            )
