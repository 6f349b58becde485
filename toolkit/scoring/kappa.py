"""Cohen's kappa on tokens, from per-document confusion matrices (numpy).

Each token is labelled with the outermost span covering it (longest, then earliest), else ``O``.
A pair of annotators gives one K x K confusion matrix per document; kappa of any set of
documents (all of them, or a bootstrap resample) is computed from the summed matrix exactly as
scikit-learn's ``cohen_kappa_score`` computes it from its ``confusion_matrix``, so the figure on
the full data equals scikit-learn's, and a resample costs one matrix product instead of a
scikit-learn call over every token.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.scoring.prf import Arr

Ent = tuple[int, int, str]  # start, inclusive end, label (the entity engine's tuples)


def token_label_ids(starts: Arr, ends: Arr, ents: Sequence[Ent], label_ids: dict[str, int]) -> Arr:
    """One label id per token (0 = ``O``): the outermost entity covering the token.

    A token is covered by an entity when it starts inside it (as the BIO view counts tokens).
    """
    out = np.zeros(len(starts), dtype=np.int64)
    if not ents:
        return out
    # outermost written last: shortest first, then later starts first
    ordered = sorted(ents, key=lambda e: (e[1] - e[0], -e[0]))
    first = np.searchsorted(starts, [e[0] for e in ordered], side="left").tolist()
    stop = np.searchsorted(starts, [e[1] + 1 for e in ordered], side="left").tolist()
    for (_, _, label), i, j in zip(ordered, first, stop, strict=True):
        if i < j:
            out[i:j] = label_ids[label]
    return out


def confusion(a: Arr, b: Arr, k: int) -> Arr:
    """The k x k confusion matrix (flattened) of two label-id arrays."""
    return np.bincount(a * k + b, minlength=k * k)


def kappa_of(matrices: Arr, k: int) -> Arr:
    """Cohen's kappa of summed confusion matrices (``(..., k*k)``), as scikit-learn computes it.

    NaN where kappa is undefined (one label only, on both sides: scikit-learn's 0/0).
    """
    cm = np.asarray(matrices, dtype=np.float64).reshape(*np.shape(matrices)[:-1], k, k)
    sum0 = cm.sum(axis=-2)
    sum1 = cm.sum(axis=-1)
    total = sum0.sum(axis=-1)
    expected = sum0[..., :, None] * sum1[..., None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = expected / total[..., None, None]
        off = 1.0 - np.eye(k)
        observed_off = (off * cm).sum(axis=(-2, -1))
        expected_off = (off * expected).sum(axis=(-2, -1))
        return 1.0 - observed_off / expected_off  # type: ignore[no-any-return]
