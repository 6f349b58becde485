"""Percentile bootstrap intervals over documents and paired significance tests between two systems.

Both work on per-document count rows (:mod:`prf`), so one implementation serves entity modes,
relation modes and agreement.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from toolkit.scoring.prf import Arr, prf


def bootstrap(
    per_doc: Arr, half_credit: bool = False, *, resamples: int = 1000, seed: int = 0
) -> dict[str, Any] | None:
    """Percentile 95% CI of micro F1, resampling documents with replacement (None below 2 documents or resamples).

    Documents with the same count row are interchangeable, so when there are few distinct rows
    (short documents, e.g. sentences) one multinomial draw over the distinct rows replaces drawing
    every document: the same distribution, 1000 resamples of 100,000 sentences in ~0.1 s. Otherwise
    each resample is one bincount and one product.
    """
    n = len(per_doc)
    if n < 2 or resamples < 1:
        return None
    rng = np.random.default_rng(seed)
    sums = _resampled_sums(per_doc, resamples, rng)
    f1 = prf(sums, half_credit)["f1"]
    low, high = np.percentile(f1, [2.5, 97.5])
    return {"low": float(low), "high": float(high), "resamples": resamples, "seed": seed}


def _resampled_sums(per_doc: Arr, resamples: int, rng: np.random.Generator) -> Arr:
    """(resamples, columns) sums of per-document rows over bootstrap resamples of the documents."""
    n = len(per_doc)
    rows, weight = distinct_rows(per_doc)
    if len(rows) * 16 <= n:
        return rng.multinomial(n, weight / n, size=resamples) @ rows.astype(np.float64)
    counts = per_doc.astype(np.float64)
    sums = np.empty((resamples, per_doc.shape[1]))
    for b in range(resamples):
        sums[b] = np.bincount(rng.integers(0, n, n), minlength=n) @ counts
    return sums


def distinct_rows(per_doc: Arr) -> tuple[Arr, Arr]:
    """The distinct count rows (sorted) and how many documents have each."""
    counts = per_doc.astype(np.int64)
    base = int(counts.max()) + 1 if counts.size else 1
    if base ** counts.shape[1] >= 2**62:  # too large to pack a row into one integer
        rows, weight = np.unique(counts, axis=0, return_counts=True)
        return rows, weight
    keys = counts @ (base ** np.arange(counts.shape[1] - 1, -1, -1, dtype=np.int64))
    _, first, weight = np.unique(keys, return_index=True, return_counts=True)
    return counts[first], weight


PAIRED_METHODS = ("bootstrap", "randomization")


def paired_test(
    a: Arr, b: Arr, *, half_credit: bool = False, method: str = "bootstrap", trials: int = 10000, seed: int = 0
) -> dict[str, Any]:
    """Two-sided test that systems A and B (per-document counts on the same documents) differ in micro F1.

    ``bootstrap``: paired bootstrap (Berg-Kirkpatrick et al. 2012): p = share of resamples whose
    difference exceeds twice the observed one. ``randomization``: approximate randomization
    (swap the two systems' outputs per document with probability 1/2).
    """
    if a.shape != b.shape:
        raise ValueError("the systems must be scored on the same documents")
    if method not in PAIRED_METHODS:
        raise ValueError(f"unknown method {method!r}; use bootstrap or randomization")
    rng = np.random.default_rng(seed)
    observed = float(prf(a.sum(0), half_credit)["f1"] - prf(b.sum(0), half_credit)["f1"])
    n = len(a)
    af, bf = a.astype(np.float64), b.astype(np.float64)
    hits = 0
    for _ in range(max(trials, 0)):
        exceeds: Any
        if method == "bootstrap":
            w = np.bincount(rng.integers(0, n, n), minlength=n)
            d = prf(w @ af, half_credit)["f1"] - prf(w @ bf, half_credit)["f1"]
            exceeds = abs(d) >= 2 * abs(observed) if observed else True
            hits += int(exceeds)
        else:
            swap = rng.random(n) < 0.5
            x = np.where(swap[:, None], bf, af).sum(0)
            y = np.where(swap[:, None], af, bf).sum(0)
            exceeds = abs(prf(x, half_credit)["f1"] - prf(y, half_credit)["f1"]) >= abs(observed)
            hits += int(exceeds)
    if trials < 1:
        p: float | None = None
    else:
        p = (hits + 1) / (trials + 1) if method == "randomization" else hits / trials
    return {"difference": observed, "p_value": None if p is None else float(p), "trials": trials, "method": method}
