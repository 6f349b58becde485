"""Counts and the one precision/recall/F1 convention every score of the toolkit uses.

Counts are rows of five integers, ``COR, INC, PAR, MIS, SPU`` (SemEval-2013 task 9.1, as
nervaluate names them); a relation count row uses ``COR`` (true positives), ``MIS`` (false
negatives) and ``SPU`` (false positives) only. With ``ACT = COR + INC + PAR + SPU`` predictions and
``POS = COR + INC + PAR + MIS`` reference items, and ``hit = COR`` (``+ 0.5 x PAR`` in the
half-credit modes):

- precision = hit / ACT, recall = hit / POS, F1 = 2PR / (P + R);
- **empty sets**: a ratio whose denominator is 0 is 0.0, as in seqeval (``zero_division=0``) and
  nervaluate. So a document set with no reference and no predicted items scores 0.0, not 1.0;
  such a block carries ``"empty": true`` so that a reader can show "n/a" instead.

F1 is computed as ``2PR / (P + R)`` (seqeval's and nervaluate's formula) rather than
``2 COR / (POS + ACT)``: the two are equal in exact arithmetic and differ in the last binary digit,
and scores must equal those tools to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[Any]
COR, INC, PAR, MIS, SPU = range(5)
COUNT_NAMES = ("correct", "incorrect", "partial", "missed", "spurious")


def prf(counts: Arr, half_credit: bool = False) -> dict[str, Arr]:
    """Precision, recall and F1 from count rows (last axis ``COR, INC, PAR, MIS, SPU``); vectorised."""
    c = np.asarray(counts, dtype=np.float64)
    act = c[..., COR] + c[..., INC] + c[..., PAR] + c[..., SPU]
    pos = c[..., COR] + c[..., INC] + c[..., PAR] + c[..., MIS]
    hit = c[..., COR] + (0.5 * c[..., PAR] if half_credit else 0.0)
    p = np.divide(hit, act, out=np.zeros_like(act), where=act > 0)
    r = np.divide(hit, pos, out=np.zeros_like(pos), where=pos > 0)
    f = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    return {"precision": p, "recall": r, "f1": f}


def entity_block(counts: Arr, half_credit: bool) -> dict[str, Any]:
    """P/R/F1 and the five counts of one summed count row (the ``micro`` and per-label blocks of entities)."""
    c = np.asarray(counts)
    out: dict[str, Any] = {k: float(v) for k, v in prf(c, half_credit).items()}
    out |= {name: float(c[i]) for i, name in enumerate(COUNT_NAMES)}
    if not c.any():
        out["empty"] = True
    return out


def relation_block(counts: Arr) -> dict[str, Any]:
    """P/R/F1 with ``tp``/``fp``/``fn`` of one summed relation count row."""
    c = np.asarray(counts)
    out: dict[str, Any] = {k: float(v) for k, v in prf(c).items()}
    out |= {"tp": float(c[COR]), "fp": float(c[SPU]), "fn": float(c[MIS])}
    if not c.any():
        out["empty"] = True
    return out


def f1_of(counts: Arr, half_credit: bool = False) -> float:
    """F1 of one summed count row."""
    return float(prf(np.asarray(counts), half_credit)["f1"])


class ModeScores:
    """What entity and relation scores share: per-mode count rows, read as micro, per-label and macro blocks.

    Subclasses (frozen dataclasses) hold ``per_doc`` (mode -> documents x 5 counts) and ``per_label``
    (mode -> label -> 5 counts) and say how a block of counts is read (:meth:`block`).
    """

    per_doc: Mapping[str, Arr]
    per_label: Mapping[str, Mapping[str, Arr]]

    def block(self, counts: Arr, mode: str) -> dict[str, Any]:
        raise NotImplementedError

    def overall(self, mode: str) -> dict[str, Any]:
        return self.block(self.per_doc[mode].sum(axis=0), mode)

    def by_label(self, mode: str) -> dict[str, dict[str, Any]]:
        return {label: self.block(c, mode) for label, c in sorted(self.per_label[mode].items())}

    def macro_f1(self, mode: str) -> float:
        rows = self.by_label(mode)
        return float(np.mean([r["f1"] for r in rows.values()])) if rows else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            mode: {"micro": self.overall(mode), "macro_f1": self.macro_f1(mode), "per_label": self.by_label(mode)}
            for mode in self.per_doc
        }
