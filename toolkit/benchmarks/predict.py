"""``toolkit predict``: a baseline trained on a release as ``bench`` trains it, and its predictions.

The entity baseline (and a relation baseline) are tuned on the release's validation split exactly as
``bench`` tunes them (:func:`toolkit.baselines.fit_tuned`), so ``predict`` + ``score`` reproduces every
column of the leaderboard to the last digit: entities, relations over the gold entities
(``gold_entities``) and relations end to end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS, fit_tuned, fit_tuned_relations
from toolkit.baselines.base import EntityExtractor, RelationExtractor, as_layer, record_training_data
from toolkit.dataset.load import Release
from toolkit.errors import ToolkitError
from toolkit.model import Document, Example, Layer
from toolkit.schema import Schema


@dataclass(frozen=True)
class Trained:
    """An entity baseline (and perhaps a relation baseline) trained on a release, and the version it predicts as."""

    entities: EntityExtractor
    relations: RelationExtractor | None
    version: str
    release: Release


def check_names(baseline: str, relation_baseline: str | None) -> None:
    if baseline not in ENTITY_EXTRACTORS:
        raise ToolkitError(f"unknown baseline {baseline!r}; choose from {sorted(ENTITY_EXTRACTORS)}")
    if relation_baseline and relation_baseline not in RELATION_EXTRACTORS:
        raise ToolkitError(
            f"unknown relation baseline {relation_baseline!r}; choose from {sorted(RELATION_EXTRACTORS)}"
        )


def train(rel: Release, schema: Schema, baseline: str, relation_baseline: str | None = None) -> Trained:
    """The configuration ``bench`` scores: tuned on validation (which leaves it trained on train), else trained."""
    check_names(baseline, relation_baseline)
    train_split, validation, rule = rel.splits["train"], rel.splits["validation"], rel.label_rule
    model = ENTITY_EXTRACTORS[baseline]()
    fit_tuned(model, train_split, validation, schema, rule)
    relations = RELATION_EXTRACTORS[relation_baseline]() if relation_baseline else None
    if relations is not None:
        symmetric = [r.label for r in schema.relations if not r.directed]
        fit_tuned_relations(relations, train_split, validation, schema, rule, symmetric)
    return Trained(model, relations, f"{baseline}@{rel.name}-{rel.version}", rel)


def save_model(trained: Trained, folder: Path) -> None:
    """The entity model (and what it was trained on) in ``folder``."""
    trained.entities.save(folder)
    record_training_data(folder, trained.release.about)


def predict(trained: Trained, docs: Sequence[Document]) -> list[Layer]:
    """Spans (and relations over them) of every document."""
    layers = []
    for doc in docs:
        spans = trained.entities.predict_spans(doc)
        relations = trained.relations.predict_relations(doc, spans) if trained.relations is not None else []
        layers.append(as_layer(doc, trained.version, spans, relations))
    return layers


def predict_given_gold_entities(trained: Trained, examples: Sequence[Example]) -> list[Layer]:
    """Relations over each document's gold spans (the leaderboard's ``test_given_gold_entities``)."""
    if trained.relations is None:
        raise ToolkitError("relations over the gold entities need a relation baseline (--relations NAME)")
    return [
        as_layer(doc, trained.version, gold.spans, trained.relations.predict_relations(doc, gold.spans))
        for doc, gold in examples
    ]
