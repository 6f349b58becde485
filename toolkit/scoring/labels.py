"""Which labels count: one rule for ``score``, ``bench`` and ``agree``.

A score only judges the types the dataset annotates. They are, in order of precedence:
1. the types a release declares (``annotated_types`` in its manifest, written at release time
   from the gold records: a corpus declares its own types, a Label Studio project its schema's);
2. the types gold records declare (``annotated`` in each record, as ``corpus import-*`` writes);
3. the schema's types (gold made in Label Studio with that schema, or layers being compared).
A release made before releases declared their types counts the types that occur in it.

Predicted entities and relations of other types are left out of the scores and reported as
"not annotated in this dataset", with counts per label; a relation whose argument was left out
is left out with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.model import Relation, Span
from toolkit.schema import Schema


@dataclass(frozen=True)
class LabelRule:
    entities: frozenset[str]
    relations: frozenset[str]
    source: str  # where the rule came from, for reports

    @classmethod
    def from_schema(cls, schema: Schema) -> LabelRule:
        return cls(frozenset(schema.entity_labels), frozenset(schema.relation_labels), f"schema {schema.name}")

    @classmethod
    def declared(cls, declared: Mapping[str, Any], source: str) -> LabelRule:
        return cls(frozenset(declared.get("entities", ())), frozenset(declared.get("relations", ())), source)

    def to_dict(self) -> dict[str, Any]:
        return {"entities": sorted(self.entities), "relations": sorted(self.relations), "rule": self.source}

    def keep(
        self, spans: Sequence[Span], relations: Sequence[Relation], dropped: NotAnnotated | None = None
    ) -> tuple[list[Span], list[Relation]]:
        """The spans and relations of annotated types; what is left out is counted into ``dropped``."""
        kept = [s for s in spans if s.label in self.entities]
        ids = {s.id for s in kept}
        rels = [r for r in relations if r.label in self.relations and r.head in ids and r.tail in ids]
        if dropped is not None:
            dropped.entities.update(s.label for s in spans if s.label not in self.entities)
            dropped.relations.update(r.label for r in relations if r not in rels)
        return kept, rels


@dataclass
class NotAnnotated:
    """Counts of predicted items whose types the dataset does not annotate."""

    entities: Counter[str]
    relations: Counter[str]

    @classmethod
    def empty(cls) -> NotAnnotated:
        return cls(Counter(), Counter())

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {"entities": dict(sorted(self.entities.items())), "relations": dict(sorted(self.relations.items()))}


def union_declared(declarations: Iterable[Mapping[str, Any] | None]) -> dict[str, list[str]] | None:
    """The union of per-record declarations; None if any record declares nothing."""
    ents: set[str] = set()
    rels: set[str] = set()
    for d in declarations:
        if d is None:
            return None
        ents.update(d.get("entities", ()))
        rels.update(d.get("relations", ()))
    return {"entities": sorted(ents), "relations": sorted(rels)}
