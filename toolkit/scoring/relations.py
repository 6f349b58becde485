"""Relation scoring: argument matching by span, relation label and direction.

Modes: ``strict`` = both argument spans with their types, the label and the direction;
``boundaries`` = argument boundaries (any type), label and direction. Symmetric relation types
match either way round. Counts are rows of :mod:`prf` (COR = true positive, MIS = false
negative, SPU = false positive), per document and per label; P/R/F1 follow the one convention of
:mod:`prf`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit._gc import gc_paused
from toolkit.model import Relation, Span
from toolkit.scoring.prf import COR, MIS, SPU, Arr, relation_block

RELATION_MODES = ("strict", "boundaries")

SpanKey = tuple[int, int, str]
RelKey = tuple[tuple[Any, ...], tuple[Any, ...], str]


def relation_keys(
    spans: Iterable[Span], relations: Iterable[Relation], mode: str, symmetric: Collection[str]
) -> list[RelKey]:
    """One key per relation: (head argument, tail argument, label); symmetric types in a fixed order."""
    by_id = {s.id: (s.start, s.end, s.label) for s in spans}
    return keys_of([(by_id[r.head], by_id[r.tail], r.label) for r in relations], mode, symmetric)


def keys_of(triples: Iterable[tuple[SpanKey, SpanKey, str]], mode: str, symmetric: Collection[str]) -> list[RelKey]:
    """Keys of ``(head span, tail span, label)`` triples, spans as ``(start, end, label)``."""
    out: list[RelKey] = []
    strict = mode == "strict"
    for h, t, label in triples:
        hk: tuple[Any, ...] = h if strict else h[:2]
        tk: tuple[Any, ...] = t if strict else t[:2]
        if label in symmetric and tk < hk:
            hk, tk = tk, hk
        out.append((hk, tk, label))
    return out


@dataclass(frozen=True)
class RelationScores:
    per_doc: Mapping[str, Arr]  # mode -> (documents, 5) count rows
    per_label: Mapping[str, Mapping[str, Arr]]  # mode -> label -> (5,) counts

    def overall(self, mode: str) -> dict[str, Any]:
        return relation_block(self.per_doc[mode].sum(axis=0))

    def by_label(self, mode: str) -> dict[str, dict[str, Any]]:
        return {label: relation_block(c) for label, c in sorted(self.per_label[mode].items())}

    def macro_f1(self, mode: str) -> float:
        rows = self.by_label(mode)
        return float(np.mean([r["f1"] for r in rows.values()])) if rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            mode: {"micro": self.overall(mode), "macro_f1": self.macro_f1(mode), "per_label": self.by_label(mode)}
            for mode in self.per_doc
        }


def score_relations(
    gold: Sequence[tuple[Sequence[Span], Sequence[Relation]]],
    pred: Sequence[tuple[Sequence[Span], Sequence[Relation]]],
    symmetric: Collection[str] = (),
    labels: Collection[str] | None = None,
    modes: Sequence[str] = RELATION_MODES,
) -> RelationScores:
    """Relation scores over documents; ``gold[i]``/``pred[i]`` are (spans, relations) of document ``i``.

    ``labels``: only these relation labels are scored (None: all).
    """
    sym = set(symmetric)
    keyed = {
        mode: (
            [relation_keys(s, r, mode, sym) for s, r in gold],
            [relation_keys(s, r, mode, sym) for s, r in pred],
        )
        for mode in modes
    }
    return score_keys(keyed, labels)


def score_keys(
    keyed: Mapping[str, tuple[Sequence[list[RelKey]], Sequence[list[RelKey]]]], labels: Collection[str] | None = None
) -> RelationScores:
    """:func:`score_relations` on relation keys (mode -> (reference keys, predicted keys) per document)."""
    keep = set(labels) if labels is not None else None
    per_doc: dict[str, Arr] = {}
    per_label: dict[str, dict[str, Arr]] = {}
    with gc_paused():
        for mode, (gold, pred) in keyed.items():
            if len(gold) != len(pred):
                raise ValueError(f"{len(gold)} reference documents but {len(pred)} predicted ones")
            rows = np.zeros((len(gold), 5), dtype=np.int64)
            sums: dict[str, Arr] = {}
            for i, (gk, pk) in enumerate(zip(gold, pred, strict=True)):
                if keep is not None:
                    gk = [k for k in gk if k[2] in keep]
                    pk = [k for k in pk if k[2] in keep]
                if not gk and not pk:
                    continue
                remaining = Counter(gk)
                for k in pk:
                    c = sums.setdefault(k[2], np.zeros(5, dtype=np.int64))
                    if remaining[k] > 0:
                        remaining[k] -= 1
                        c[COR] += 1
                        rows[i, COR] += 1
                    else:
                        c[SPU] += 1
                        rows[i, SPU] += 1
                for k, left in remaining.items():
                    if left:
                        sums.setdefault(k[2], np.zeros(5, dtype=np.int64))[MIS] += left
                        rows[i, MIS] += left
            per_doc[mode] = rows
            per_label[mode] = sums
    return RelationScores(per_doc, per_label)
