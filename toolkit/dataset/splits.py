"""Deterministic, duplicate-aware document splits.

Each document is hashed (sha256 of the seed and a group key) into ``[0, 1)`` and assigned by
the cumulative ratios. Near-duplicates (syndicated copies: MinHash over word 3-shingles,
Jaccard >= threshold, with datasketch's LSH bands; see :mod:`minhash`) form a group whose key is
its smallest document id, so all copies land in the same split.
"""

from __future__ import annotations

import hashlib
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


def _unit(seed: int, key: str) -> float:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def check_ratios(ratios: Sequence[float]) -> None:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-9:
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
    for doc_id, k in key.items():
        u = _unit(seed, k)
        assignment[doc_id] = SPLITS[0] if u < bounds[0] else SPLITS[1] if u < bounds[1] else SPLITS[2]
    return SplitPlan(assignment, tuple(tuple(g) for g in groups))


def plan_splits(
    docs: Sequence[Document], ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0, threshold: float = 0.8
) -> SplitPlan:
    check_ratios(ratios)
    return assign_splits([d.id for d in docs], near_duplicate_groups(docs, threshold), ratios, seed)
