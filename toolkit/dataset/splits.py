"""Deterministic, duplicate-aware document splits.

Each document is hashed (sha256 of the seed and a group key) into ``[0, 1)`` and assigned by
the cumulative ratios. Near-duplicates (syndicated copies: MinHash over word 3-shingles,
Jaccard >= threshold, with datasketch's LSH bands; see :mod:`minhash`) form a group whose key is
its smallest document id, so all copies land in the same split.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from toolkit.dataset.minhash import near_duplicate_groups
from toolkit.errors import ToolkitError
from toolkit.model import Document

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class SplitPlan:
    assignment: Mapping[str, str]
    groups: tuple[tuple[str, ...], ...]  # near-duplicate groups of two or more documents
    units: tuple[float, ...] = ()  # each group's hash in [0, 1), sorted (a lone document is a group)


def _unit(seed: int, key: str) -> float:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def check_ratios(ratios: Sequence[float]) -> None:
    if len(ratios) != 3 or not all(math.isfinite(r) and r >= 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-9:
        raise ToolkitError(f"split ratios must be three non-negative numbers that sum to 1, got {list(ratios)}")


def assign_splits(
    doc_ids: Iterable[str], groups: Sequence[Sequence[str]], ratios: Sequence[float], seed: int
) -> SplitPlan:
    """Hash every document (through its group's key) into a split."""
    check_ratios(ratios)
    key = {d: d for d in doc_ids}
    for group in groups:
        for member in group:
            key[member] = group[0]
    bounds = (ratios[0], ratios[0] + ratios[1])
    assignment = {}
    units: dict[str, float] = {}
    for doc_id, k in key.items():
        u = units.setdefault(k, _unit(seed, k))
        assignment[doc_id] = SPLITS[0] if u < bounds[0] else SPLITS[1] if u < bounds[1] else SPLITS[2]
    return SplitPlan(assignment, tuple(tuple(g) for g in groups), tuple(sorted(units.values())))


def _cut(below: float, above: float, wanted: float) -> float:
    """A short decimal ``x`` with ``below < x <= above``, as close to ``wanted`` as that allows."""
    if below < wanted <= above:
        return wanted
    for digits in range(1, 10):
        step = 10.0**-digits
        x = math.floor(above / step) * step if wanted > above else (math.floor(below / step) + 1) * step
        if below < x <= above:
            return round(x, digits)
    return above


def _counts(units: Sequence[float], ratios: Sequence[float]) -> tuple[int, int, int]:
    train = sum(u < ratios[0] for u in units)
    validation = sum(ratios[0] <= u < ratios[0] + ratios[1] for u in units)
    return train, validation, len(units) - train - validation


def workable_ratios(units: Sequence[float], ratios: Sequence[float]) -> tuple[float, float, float]:
    """Ratios closest in spirit to ``ratios`` that give each split with a positive ratio a group.

    Target sizes are the rounded shares (at least one each); with fewer groups than such splits,
    test goes first, then validation. The cuts fall between the groups' hashes, so the same
    documents land as the counts say.
    """
    units = sorted(units)
    n = len(units)
    wanted = [i for i, r in enumerate(ratios) if r > 0][:n] or [0]
    size = [max(1, round(n * ratios[i])) if i in wanted else 0 for i in range(3)]
    while sum(size) > n:  # take from the largest split that can spare one;
        i = max((j for j in range(3) if size[j] > 1), key=lambda j: (size[j], j))  # ties: test, then validation
        size[i] -= 1
    size[wanted[0]] += n - sum(size)
    wanted_first, wanted_second = ratios[0], ratios[0] + ratios[1]
    first = _cut(units[size[0] - 1], units[size[0]], wanted_first) if 0 < size[0] < n else float(size[0] == n)
    end = size[0] + size[1]
    second = _cut(units[end - 1], units[end], wanted_second) if 0 < end < n else (first if end == size[0] else 1.0)
    return (round(first, 9), round(second - first, 9), round(1.0 - second, 9))


def check_split_sizes(plan: SplitPlan, ratios: Sequence[float]) -> None:
    """Refuse ratios that leave a split empty although it was given a share, naming ratios that work."""
    counts = Counter(plan.assignment.values())
    empty = [s for s, r in zip(SPLITS, ratios, strict=True) if r > 0 and counts[s] == 0]
    if not empty or not plan.units:
        return
    n_docs = len(plan.assignment)
    n = len(plan.units)
    got = ", ".join(f"{s} {counts[s]}" for s in SPLITS)
    better = workable_ratios(plan.units, ratios)
    sizes = _counts(plan.units, better)
    grouped = f" ({n} after keeping near-duplicates together)" if n != n_docs else ""
    advice = ",".join(f"{r:g}" for r in better)
    gives = ", ".join(f"{s} {k}" for s, k in zip(SPLITS, sizes, strict=True) if k)
    raise ToolkitError(
        f"--ratios {','.join(f'{r:g}' for r in ratios)} over {n_docs} documents{grouped} give {got}: "
        f"{' and '.join(empty)} would be empty (a model needs documents to train on, to tune on and to be "
        f"scored on). With these documents --ratios {advice} gives {gives}"
        + ("; or --ratios 1,0,0 to publish every document as train." if better != (1.0, 0.0, 0.0) else ".")
    )


def plan_splits(
    docs: Sequence[Document], ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0, threshold: float = 0.8
) -> SplitPlan:
    check_ratios(ratios)
    return assign_splits([d.id for d in docs], near_duplicate_groups(docs, threshold), ratios, seed)
