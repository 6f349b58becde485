"""Entity scoring: the four SemEval-2013 task 9.1 modes, per document and per label.

Each prediction is matched greedily, in order, against the still unmatched reference entities
(exactly as nervaluate 1.2 does); outcomes are COR, INC, PAR, MIS, SPU (:mod:`prf`).
- ``strict``: same boundaries and type; ``exact``: same boundaries, any type;
- ``partial``: overlap, any type (a partial match counts half);
- ``ent_type``: overlap and same type (closest boundaries win).
Overlap means at least 1% of the reference entity (inclusive ends), as nervaluate computes it.
``strict`` micro precision/recall/F1 equal conlleval/seqeval on the same entities. Per label:
each label is scored on its own entities; macro = mean of per-label F1 over the labels present
in the reference or the predictions (seqeval's macro average).

The engine works on plain tuples ``(start, inclusive end, label)``, in the order given (as nervaluate does);
:func:`score_entities` takes :class:`~toolkit.model.Span` lists and scores them in document order (start, end,
label). A layer's list order carries no meaning, but with nested or overlapping spans the greedy matching depends
on it (a prediction listed first can take, as an incorrect match, the gold mention a later one matches exactly),
so without one fixed order a score would depend on how a file happens to list its spans.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit._gc import gc_paused
from toolkit.model import Span
from toolkit.scoring.prf import COR, INC, MIS, PAR, SPU, Arr, ModeScores, entity_block

Ent = tuple[int, int, str]  # start, inclusive end, label


def _overlaps(p: Ent, t: Ent) -> bool:
    if p[0] > t[1] or p[1] < t[0]:
        return False
    return (min(p[1], t[1]) - max(p[0], t[0]) + 1) * 100.0 / (t[1] - t[0] + 1) >= 1.0


Pick = Callable[[Ent, list[Ent], set[int], Sequence[int]], tuple[int, int | None]]
"""A mode's choice for one prediction: (outcome, index of the reference entity it consumes or None), given the
indices (ascending) of the reference entities that intersect the prediction - the only ones any mode can take."""


def _intersecting(true: list[Ent]) -> Callable[[Ent], Sequence[int]]:
    """A lookup of the reference entities that share a character with a prediction, in list order.

    Reference entities sorted by start; those intersecting ``p`` start in ``[p.start - longest, p.end]``.
    Short lists are scanned whole (cheaper than the lookup).
    """
    if len(true) <= 4:
        everything = range(len(true))
        return lambda p: everything
    order = sorted(range(len(true)), key=lambda i: true[i][0])
    starts = [true[i][0] for i in order]
    longest = max(t[1] - t[0] for t in true)

    def lookup(p: Ent) -> Sequence[int]:
        lo = bisect_left(starts, p[0] - longest)
        hi = bisect_right(starts, p[1])
        return sorted(i for i in order[lo:hi] if true[i][1] >= p[0])

    return lookup


def _greedy(pick: Pick) -> Callable[[list[Ent], list[Ent]], list[int]]:
    """Counts for a mode: each prediction in order takes what ``pick`` gives it; unmatched reference is missed."""

    def run(true: list[Ent], pred: list[Ent]) -> list[int]:
        c = [0, 0, 0, 0, 0]
        matched: set[int] = set()
        near = _intersecting(true)
        for p in pred:
            outcome, ti = pick(p, true, matched, near(p))
            c[outcome] += 1
            if ti is not None:
                matched.add(ti)
        c[MIS] += len(true) - len(matched)
        return c

    return run


def _strict_like(same: Callable[[Ent, Ent], bool]) -> Pick:
    """The first unmatched reference entity that is the ``same`` is correct; else the first overlapping is incorrect."""

    def pick(p: Ent, true: list[Ent], matched: set[int], near: Sequence[int]) -> tuple[int, int | None]:
        inc = None
        for ti in near:
            if ti in matched:
                continue
            t = true[ti]
            if same(p, t):
                return COR, ti
            if inc is None and _overlaps(p, t):
                inc = ti
        return (INC, inc) if inc is not None else (SPU, None)

    return pick


def _partial(p: Ent, true: list[Ent], matched: set[int], near: Sequence[int]) -> tuple[int, int | None]:
    """Same boundaries are correct; else the first overlapping reference entity is a partial match."""
    par = None
    for ti in near:
        t = true[ti]
        if ti in matched or not _overlaps(p, t):
            continue
        if p[0] == t[0] and p[1] == t[1]:
            return COR, ti
        if par is None:
            par = ti
    return (PAR, par) if par is not None else (SPU, None)


def _ent_type(p: Ent, true: list[Ent], matched: set[int], near: Sequence[int]) -> tuple[int, int | None]:
    """The closest overlapping reference entity of the same type is correct; else the first overlapping is incorrect."""
    best, best_dist, inc = None, None, None
    for ti in near:
        t = true[ti]
        if ti in matched or not _overlaps(p, t):
            continue
        dist = abs(p[0] - t[0]) + abs(p[1] - t[1])
        if p[2] == t[2]:
            if best_dist is None or dist < best_dist:
                best, best_dist = ti, dist
        elif inc is None:
            inc = ti
    if best is not None:
        return COR, best
    return (INC, inc) if inc is not None else (SPU, None)


ENTITY_MODES: Mapping[str, Callable[[list[Ent], list[Ent]], list[int]]] = {
    "strict": _greedy(_strict_like(lambda p, t: p == t)),
    "exact": _greedy(_strict_like(lambda p, t: p[0] == t[0] and p[1] == t[1])),
    "partial": _greedy(_partial),
    "ent_type": _greedy(_ent_type),
}
HALF_CREDIT = frozenset({"partial", "ent_type"})


def ents_of(spans: Iterable[Span]) -> list[Ent]:
    """Spans as engine tuples (inclusive end, as nervaluate counts)."""
    return [(s.start, s.end - 1, s.label) for s in spans]


def _by_label(gold: list[Ent], pred: list[Ent]) -> dict[str, tuple[list[Ent], list[Ent]]]:
    """The reference and predicted entities of each label."""
    out: dict[str, tuple[list[Ent], list[Ent]]] = {}
    for e in gold:
        out.setdefault(e[2], ([], []))[0].append(e)
    for e in pred:
        out.setdefault(e[2], ([], []))[1].append(e)
    return out


@dataclass(frozen=True)
class EntityScores(ModeScores):
    """Per-document count rows and per-label sums for each mode scored."""

    labels: tuple[str, ...]
    per_doc: Mapping[str, Arr]  # mode -> (documents, 5) counts over all labels
    per_label: Mapping[str, Mapping[str, Arr]]  # mode -> label -> (5,) counts

    def block(self, counts: Arr, mode: str) -> dict[str, Any]:
        return entity_block(counts, mode in HALF_CREDIT)


def score_entities(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    labels: Collection[str] | None = None,
    modes: Sequence[str] = tuple(ENTITY_MODES),
) -> EntityScores:
    """Entity scores over documents (``gold[i]`` and ``pred[i]`` are the spans of document ``i``), each list
    taken in document order, whatever order it is given in.

    ``labels``: only these labels are scored (the rule of :mod:`toolkit.scoring.labels`); None scores all.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} reference documents but {len(pred)} predicted ones")
    return score_ents([_in_order(g) for g in gold], [_in_order(p) for p in pred], labels, modes)


def _in_order(spans: Iterable[Span]) -> list[Ent]:
    """Engine tuples in document order (sorted in place: one pass over a list already in order)."""
    ents = ents_of(spans)
    ents.sort()
    return ents


def score_ents(
    gold: Sequence[list[Ent]],
    pred: Sequence[list[Ent]],
    labels: Collection[str] | None = None,
    modes: Sequence[str] = tuple(ENTITY_MODES),
) -> EntityScores:
    """:func:`score_entities` on engine tuples."""
    with gc_paused():
        return _score(gold, pred, labels, modes)


def _score(
    gold: Sequence[list[Ent]], pred: Sequence[list[Ent]], labels: Collection[str] | None, modes: Sequence[str]
) -> EntityScores:
    runs = {m: ENTITY_MODES[m] for m in modes}
    keep = set(labels) if labels is not None else None
    used: set[str] = set()
    rows: dict[str, list[list[int]]] = {m: [] for m in runs}
    label_sums: dict[str, dict[str, list[int]]] = {m: {} for m in runs}
    for g0, p0 in zip(gold, pred, strict=True):
        ge = g0 if keep is None else [e for e in g0 if e[2] in keep]
        pe = p0 if keep is None else [e for e in p0 if e[2] in keep]
        used.update(e[2] for e in ge)
        used.update(e[2] for e in pe)
        # The same outcome in every mode: no prediction (all missed), identical lists (all correct,
        # matched one to one), no reference (all spurious).
        same = (MIS, ge) if not pe else (COR, ge) if ge == pe else (SPU, pe) if not ge else None
        if same is not None:
            outcome, ents = same
            for mode in runs:
                row = [0] * 5
                row[outcome] = len(ents)
                rows[mode].append(row)
                sums = label_sums[mode]
                for e in ents:
                    sums.setdefault(e[2], [0] * 5)[outcome] += 1
            continue
        by_label = _by_label(ge, pe)
        for mode, run in runs.items():
            rows[mode].append(run(ge, pe))
            sums = label_sums[mode]
            for label, (gl, pl) in by_label.items():
                c = [len(gl), 0, 0, 0, 0] if gl == pl else run(gl, pl)
                acc = sums.setdefault(label, [0] * 5)
                for k in range(5):
                    acc[k] += c[k]
    per_doc = {m: np.array(rows[m], dtype=np.int64).reshape(len(gold), 5) for m in runs}
    per_label = {m: {label: np.array(c, dtype=np.int64) for label, c in label_sums[m].items()} for m in runs}
    return EntityScores(tuple(sorted(used)), per_doc, per_label)
