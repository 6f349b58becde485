"""PRF accumulators, exact span alignment for relation agreement, bootstrap intervals.

Span matching itself lives in :mod:`toolkit.evaluate` (shared by agreement and model scoring).
Here, relations of two annotators match when both argument spans align exactly (same start,
end and label), the labels are equal and the direction agrees; symmetric types either way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit.model import Relation, Span


@dataclass(frozen=True)
class PRF:
    """True positives, false positives and false negatives; P, R and F1 derived."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 1.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _match_exact(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    index: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        index[(g.start, g.end, g.label)].append(gi)
    pairs = []
    for pi, p in enumerate(pred):
        bucket = index.get((p.start, p.end, p.label))
        if bucket:
            pairs.append((bucket.pop(0), pi))
    return pairs


SPAN_MODES: Mapping[str, Callable[[Sequence[Span], Sequence[Span]], list[tuple[int, int]]]] = {
    "exact": _match_exact,
}


def match_spans(gold: Sequence[Span], pred: Sequence[Span], mode: str = "exact") -> list[tuple[int, int]]:
    """One-to-one pairs ``(gold index, pred index)`` of matching spans."""
    return SPAN_MODES[mode](gold, pred)


def relation_counts(
    gold_spans: Sequence[Span],
    gold_rels: Sequence[Relation],
    pred_spans: Sequence[Span],
    pred_rels: Sequence[Relation],
    symmetric: Iterable[str] = (),
    mode: str = "exact",
) -> dict[str, PRF]:
    """Per-label relation counts for one document, arguments aligned through span matching."""
    sym = set(symmetric)
    pairs = match_spans(gold_spans, pred_spans, mode)
    g_index = {s.id: i for i, s in enumerate(gold_spans)}
    p_to_g = {pred_spans[pi].id: gi for gi, pi in pairs}

    def key(head: int, tail: int, label: str) -> tuple[int, int, str]:
        if label in sym and tail < head:
            head, tail = tail, head
        return head, tail, label

    gold_keys: dict[tuple[int, int, str], int] = defaultdict(int)
    for r in gold_rels:
        gold_keys[key(g_index[r.head], g_index[r.tail], r.label)] += 1
    counts: dict[str, PRF] = defaultdict(PRF)
    for r in pred_rels:
        h, t = p_to_g.get(r.head), p_to_g.get(r.tail)
        k = key(h, t, r.label) if h is not None and t is not None else None
        if k is not None and gold_keys.get(k, 0) > 0:
            gold_keys[k] -= 1
            counts[r.label] += PRF(tp=1)
        else:
            counts[r.label] += PRF(fp=1)
    for (_, _, label), left in gold_keys.items():
        if left:
            counts[label] += PRF(fn=left)
    return dict(counts)


def total(counts: Iterable[Mapping[str, PRF]]) -> dict[str, PRF]:
    """Add per-label counts over documents."""
    out: dict[str, PRF] = defaultdict(PRF)
    for doc in counts:
        for label, prf in doc.items():
            out[label] += prf
    return dict(out)


def micro(counts: Mapping[str, PRF]) -> PRF:
    return sum(counts.values(), PRF())


def macro_f1(counts: Mapping[str, PRF]) -> float:
    return float(np.mean([c.f1 for c in counts.values()])) if counts else 0.0


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    resamples: int
    confidence: float = 0.95

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "resamples": self.resamples, "confidence": self.confidence}


def bootstrap_f1(
    per_doc: Sequence[PRF], *, resamples: int = 1000, seed: int = 0, confidence: float = 0.95
) -> Interval | None:
    """Percentile bootstrap CI of micro F1, resampling documents (None with fewer than 2 documents)."""
    if len(per_doc) < 2:
        return None
    from scipy.stats import bootstrap

    arr = np.array([(c.tp, c.fp, c.fn) for c in per_doc], dtype=np.float64)

    def f1(tp: Any, fp: Any, fn: Any, axis: int = -1) -> Any:
        tp_s, fp_s, fn_s = tp.sum(axis=axis), fp.sum(axis=axis), fn.sum(axis=axis)
        denom = 2 * tp_s + fp_s + fn_s
        return np.divide(2 * tp_s, denom, out=np.ones_like(denom, dtype=np.float64), where=denom > 0)

    res = bootstrap(
        (arr[:, 0], arr[:, 1], arr[:, 2]),
        f1,
        paired=True,
        vectorized=True,
        n_resamples=resamples,
        confidence_level=confidence,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    low, high = res.confidence_interval
    return Interval(float(low), float(high), resamples, confidence)
