"""Typed, frozen score reports: what ``score``, ``bench`` and ``agree`` hand to the CLI and write to files.

One shape per block, declared once: a block of counts (entities: COR/INC/PAR/MIS/SPU as nervaluate names
them; relations: TP/FP/FN) with precision, recall and F1; a mode (micro block, macro F1, per-label blocks,
bootstrap interval); an entity or relation report per mode. The engine fills them from its count rows
(:class:`toolkit.scoring.report.Scores`); files are written from them and read back into them
(``model_dump(mode="json", exclude_unset=True)`` writes exactly the keys that were set, so the JSON is the
one the engine produced, to the byte).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """A frozen, typed value that refuses unknown keys (a misspelt key in a result file is an error)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def to_json_dict(self) -> dict[str, Any]:
        """The value as it is written to a file: the keys that were set, JSON types."""
        return self.model_dump(mode="json", exclude_unset=True)


class Interval(Frozen):
    """A percentile bootstrap 95% interval over documents."""

    low: float
    high: float
    resamples: int
    seed: int


class EntityCounts(Frozen):
    precision: float
    recall: float
    f1: float
    correct: float
    incorrect: float
    partial: float
    missed: float
    spurious: float
    empty: bool = False
    """Neither side has an item: every ratio is 0.0 by convention; show "n/a"."""


class RelationCounts(Frozen):
    precision: float
    recall: float
    f1: float
    tp: float
    fp: float
    fn: float
    empty: bool = False


class EntityMode(Frozen):
    micro: EntityCounts
    macro_f1: float
    per_label: dict[str, EntityCounts]
    ci95: Interval | None = None


class RelationMode(Frozen):
    micro: RelationCounts
    macro_f1: float
    per_label: dict[str, RelationCounts]
    ci95: Interval | None = None


class EntityModes(Frozen):
    """The entity modes scored (SemEval-2013 9.1: ``strict``, ``exact``, ``partial``, ``ent_type``)."""

    strict: EntityMode | None = None
    exact: EntityMode | None = None
    partial: EntityMode | None = None
    ent_type: EntityMode | None = None

    def modes(self) -> dict[str, EntityMode]:
        return {m: v for m in ("strict", "exact", "partial", "ent_type") if (v := getattr(self, m)) is not None}


class RelationModes(Frozen):
    strict: RelationMode | None = None
    boundaries: RelationMode | None = None

    def modes(self) -> dict[str, RelationMode]:
        return {m: v for m in ("strict", "boundaries") if (v := getattr(self, m)) is not None}


class LabelsScored(Frozen):
    entities: list[str]
    relations: list[str]
    rule: str


class NotAnnotatedCounts(Frozen):
    entities: dict[str, int]
    relations: dict[str, int]


class PairedTest(Frozen):
    difference: float
    p_value: float | None
    trials: int
    method: str


class ScoreReport(Frozen):
    """``toolkit score``: predictions against a reference."""

    documents: int
    labels_scored: LabelsScored
    not_annotated: NotAnnotatedCounts
    entities: EntityModes
    relations: RelationModes
    documents_without_predictions: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)
    paired: PairedTest | None = None


def entity_modes(blocks: Mapping[str, Any]) -> EntityModes:
    return EntityModes.model_validate(dict(blocks))


def relation_modes(blocks: Mapping[str, Any]) -> RelationModes:
    return RelationModes.model_validate(dict(blocks))
