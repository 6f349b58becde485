"""Relation scoring: argument matching by span, relation label and direction.

Modes: ``strict`` = both argument spans with their types, the label and the direction;
``boundaries`` = argument boundaries (any type), label and direction. Symmetric relation types
match either way round. Counts are rows of :mod:`prf` (COR = true positive, MIS = false
negative, SPU = false positive), per document and per label; P/R/F1 follow the one convention of
:mod:`prf`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit._gc import gc_paused
from toolkit.model import Relation, Span
from toolkit.scoring.prf import COR, MIS, SPU, Arr, ModeScores, relation_block

RELATION_MODES = ("strict", "boundaries")

RelKey = tuple[tuple[Any, ...], tuple[Any, ...], str]


def relation_keys(
    spans: Iterable[Span], relations: Iterable[Relation], mode: str, symmetric: Collection[str]
) -> list[RelKey]:
    """One key per relation: (head argument, tail argument, label); symmetric types in a fixed order.

    An argument is ``(start, end, label)`` in ``strict`` mode, ``(start, end)`` in ``boundaries`` mode.
    """
    by_id = {s.id: s for s in spans}
    strict = mode == "strict"
    out: list[RelKey] = []
    for r in relations:
        h, t = by_id[r.head], by_id[r.tail]
        hk: tuple[Any, ...] = (h.start, h.end, h.label) if strict else (h.start, h.end)
        tk: tuple[Any, ...] = (t.start, t.end, t.label) if strict else (t.start, t.end)
        if r.label in symmetric and tk < hk:
            hk, tk = tk, hk
        out.append((hk, tk, r.label))
    return out


@dataclass(frozen=True)
class RelationScores(ModeScores):
    per_doc: Mapping[str, Arr]  # mode -> (documents, 5) count rows
    per_label: Mapping[str, Mapping[str, Arr]]  # mode -> label -> (5,) counts

    def block(self, counts: Arr, mode: str) -> dict[str, Any]:
        return relation_block(counts)


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
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} reference documents but {len(pred)} predicted ones")
    sym = set(symmetric)
    keep = set(labels) if labels is not None else None
    per_doc: dict[str, Arr] = {}
    per_label: dict[str, dict[str, Arr]] = {}
    with gc_paused():
        for mode in modes:
            rows = [[0, 0, 0, 0, 0] for _ in gold]
            sums: dict[str, list[int]] = {}
            for row, (gs, gr), (ps, pr) in zip(rows, gold, pred, strict=True):
                if not gr and not pr:
                    continue
                gk, pk = relation_keys(gs, gr, mode, sym), relation_keys(ps, pr, mode, sym)
                if keep is not None:
                    gk = [k for k in gk if k[2] in keep]
                    pk = [k for k in pk if k[2] in keep]
                remaining = gk  # a multiset; short lists are faster than a Counter
                for k in pk:
                    c = sums.setdefault(k[2], [0, 0, 0, 0, 0])
                    if k in remaining:
                        remaining.remove(k)
                        c[COR] += 1
                        row[COR] += 1
                    else:
                        c[SPU] += 1
                        row[SPU] += 1
                for k in remaining:
                    sums.setdefault(k[2], [0, 0, 0, 0, 0])[MIS] += 1
                    row[MIS] += 1
            per_doc[mode] = np.array(rows, dtype=np.int64).reshape(len(gold), 5)
            per_label[mode] = {label: np.array(c, dtype=np.int64) for label, c in sums.items()}
    return RelationScores(per_doc, per_label)
