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
        return np.asarray(1.0 - observed_off / expected_off)


def coincidences(pair_sums: Arr, annotators: Arr, k: int) -> Arr:
    """Per-document coincidence matrices (``(documents, k*k)``) for Krippendorff's alpha.

    ``pair_sums[d]`` is the sum over the document's annotator pairs (a < b) of their token confusion
    matrices and ``annotators[d]`` how many annotated it; every token is a unit with that many values,
    so its coincidences are both orders of every pair, weighted 1 / (m - 1).
    """
    cm = np.asarray(pair_sums, dtype=np.float64).reshape(-1, k, k)
    m = np.asarray(annotators, dtype=np.float64)
    both = cm + cm.transpose(0, 2, 1)
    return np.asarray(both / np.maximum(m - 1.0, 1.0)[:, None, None]).reshape(-1, k * k)


def alpha_of(coincidence: Arr, k: int) -> Arr:
    """Krippendorff's alpha, nominal, of summed coincidence matrices (``(..., k*k)``), as the ``krippendorff``
    package computes it: 1 - (n - 1) * sum of off-diagonal coincidences / sum of off-diagonal n_c * n_k.
    NaN where it is undefined (one value only)."""
    o = np.asarray(coincidence, dtype=np.float64).reshape(*np.shape(coincidence)[:-1], k, k)
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    off = 1.0 - np.eye(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (o * off).sum(axis=(-2, -1))
        expected = (n_c[..., :, None] * n_c[..., None, :] * off).sum(axis=(-2, -1))
        return np.asarray(1.0 - (n - 1.0) * observed / expected)


def one_label(matrix: Arr, k: int, label: int) -> Arr:
    """A k x k matrix (confusion or coincidence, flattened) collapsed to 2 x 2: ``label`` against every other."""
    m = np.asarray(matrix, dtype=np.float64).reshape(k, k)
    inside = m[label, label]
    row = m[label].sum() - inside
    col = m[:, label].sum() - inside
    rest = m.sum() - inside - row - col
    return np.array([inside, row, col, rest])
