"""Scoring prediction files against gold files or releases (what ``toolkit score`` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.evaluate import ENTITY_MODES, bootstrap, paired_test, score_entities, score_relations
from toolkit.model import Annotation
from toolkit.predictions import read_predictions
from toolkit.schema import Schema


def _gold_layers(gold: Path, split: str) -> dict[str, Annotation]:
    if Path(gold).is_dir():
        from toolkit.benchmarks import load_release

        rel = load_release(gold)
        if split not in rel.splits:
            raise ToolkitError(f"{gold}: no split {split!r}")
        return {d.id: layer for d, layer in rel.splits[split]}
    return {layer.document_id: layer for layer in read_predictions(gold, "gold")}


def _aligned(gold: dict[str, Annotation], path: Path) -> list[Annotation]:
    pred = {layer.document_id: layer for layer in read_predictions(path)}
    extra = sorted(set(pred) - set(gold))
    if extra:
        raise ToolkitError(f"{path}: predictions for {len(extra)} document(s) not in the gold, e.g. {extra[0]!r}")
    empty = Annotation("x", "none", "", (), (), gold[next(iter(gold))].provenance, "prediction") if gold else None
    return [pred.get(doc_id, empty) for doc_id in sorted(gold)]  # type: ignore[misc]  # a missing document predicts nothing


def score_files(
    gold: Path,
    pred: Path,
    schema: Schema,
    *,
    split: str = "test",
    compare: Path | None = None,
    resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    gold_layers = _gold_layers(gold, split)
    if not gold_layers:
        raise ToolkitError(f"{gold}: no gold documents")
    g = [gold_layers[k] for k in sorted(gold_layers)]
    p = _aligned(gold_layers, pred)
    scores = score_entities([x.spans for x in g], [x.spans for x in p])
    entities = scores.to_dict()
    for mode in ENTITY_MODES:
        entities[mode]["ci95"] = bootstrap(scores.per_doc[mode], mode, resamples=resamples, seed=seed)
    symmetric = [r.label for r in schema.relations if not r.directed]
    rels = score_relations([(x.spans, x.relations) for x in g], [(x.spans, x.relations) for x in p], symmetric)
    report: dict[str, Any] = {
        "documents": len(g),
        "entities": entities,
        "relations": {m: {k: v for k, v in b.items() if k != "per_doc"} for m, b in rels.items()},
    }
    if compare is not None:
        q = _aligned(gold_layers, compare)
        other = score_entities([x.spans for x in g], [x.spans for x in q])
        report["paired"] = paired_test(
            scores.per_doc["strict"], other.per_doc["strict"], "strict", seed=seed, trials=resamples
        )
    return report
