"""Scoring a set of reference layers against predicted layers: what ``score`` and ``bench`` report,
and what ``agree`` computes for each pair of annotators (one annotator as the reference).

Input: aligned sequences of layers (anything with ``spans`` and ``relations``), the label rule
(:mod:`labels`) and the symmetric relation types. Output: per-document count rows for every
entity and relation mode (:class:`Scores`), rendered as the JSON blocks of the reports with
bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from toolkit.model import Relation, Span
from toolkit.scoring.entities import ENTITY_MODES, HALF_CREDIT, EntityScores, score_entities
from toolkit.scoring.intervals import bootstrap
from toolkit.scoring.labels import LabelRule, NotAnnotated
from toolkit.scoring.relations import RELATION_MODES, RelationScores, score_relations
from toolkit.scoring.results import EntityModes, LabelsScored, NotAnnotatedCounts, RelationModes, ScoreReport


class LayerLike(Protocol):
    """Anything with spans and relations (a layer, or a view of one)."""

    @property
    def spans(self) -> Sequence[Span]: ...
    @property
    def relations(self) -> Sequence[Relation]: ...


@dataclass(frozen=True)
class Scores:
    """Count rows of every mode scored, and the label rule they were scored under; read as typed reports."""

    documents: int
    entities: EntityScores
    relations: RelationScores
    rule: LabelRule
    not_annotated: NotAnnotated

    def entity_modes(self, resamples: int = 1000, seed: int = 0) -> EntityModes:
        """Every entity mode scored: micro, macro, per label, and the bootstrap interval of micro F1."""
        out = self.entities.to_dict()
        for mode in out:
            out[mode]["ci95"] = bootstrap(
                self.entities.per_doc[mode], half_credit=mode in HALF_CREDIT, resamples=resamples, seed=seed
            )
        return EntityModes.model_validate(out)

    def relation_modes(self, resamples: int = 1000, seed: int = 0) -> RelationModes:
        out = self.relations.to_dict()
        for mode in out:
            out[mode]["ci95"] = bootstrap(self.relations.per_doc[mode], resamples=resamples, seed=seed)
        return RelationModes.model_validate(out)

    def report(self, resamples: int = 1000, seed: int = 0) -> ScoreReport:
        return ScoreReport(
            documents=self.documents,
            labels_scored=LabelsScored.model_validate(self.rule.to_dict()),
            not_annotated=NotAnnotatedCounts.model_validate(self.not_annotated.to_dict()),
            entities=self.entity_modes(resamples, seed),
            relations=self.relation_modes(resamples, seed),
        )


def score_layers(
    gold: Sequence[LayerLike],
    pred: Sequence[LayerLike],
    rule: LabelRule,
    symmetric: Collection[str] = (),
    entity_modes: Sequence[str] = tuple(ENTITY_MODES),
    relation_modes: Sequence[str] = RELATION_MODES,
) -> Scores:
    """Score ``pred[i]`` against ``gold[i]`` for every document ``i`` under the label rule."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} reference documents but {len(pred)} predicted ones")
    dropped = NotAnnotated.empty()
    g = [rule.keep(x.spans, x.relations) for x in gold]
    p = [rule.keep(x.spans, x.relations, dropped) for x in pred]
    entities = score_entities([s for s, _ in g], [s for s, _ in p], rule.entities, entity_modes)
    relations = score_relations(g, p, symmetric, rule.relations, relation_modes)
    return Scores(len(gold), entities, relations, rule, dropped)
