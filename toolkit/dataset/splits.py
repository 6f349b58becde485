"""Deterministic, duplicate-aware document splits.

Each document is hashed (sha256 of the seed and a group key) into ``[0, 1)`` and assigned by
the cumulative ratios. Near-duplicates (syndicated copies: MinHash over word 3-shingles,
Jaccard >= threshold, via datasketch's LSH) form a group whose key is its smallest document
id, so all copies land in the same split.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from toolkit.errors import ToolkitError
from toolkit.model import Document

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class SplitPlan:
    assignment: Mapping[str, str]
    groups: tuple[tuple[str, ...], ...]  # near-duplicate groups of two or more documents


def _shingles(text: str, n: int = 3) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < n:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def near_duplicate_groups(docs: Sequence[Document], threshold: float = 0.8, num_perm: int = 128) -> list[list[str]]:
    """Groups of document ids whose texts are near-duplicates (each group sorted; singletons omitted)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    # One set of permutations for all documents, and crc32 (C, deterministic) as the shingle hash.
    template = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
    hashes = {}
    for doc in sorted(docs, key=lambda d: d.id):
        mh = MinHash(num_perm=num_perm, hashfunc=zlib.crc32, permutations=template.permutations, scheme=template.scheme)
        mh.update_batch(list(_shingles(doc.text)))
        hashes[doc.id] = mh
        lsh.insert(doc.id, mh)
    parent = {d: d for d in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, mh in hashes.items():
        for other in lsh.query(mh):
            a, b = find(doc_id), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for doc_id in hashes:
        groups.setdefault(find(doc_id), []).append(doc_id)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def _unit(seed: int, key: str) -> float:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def plan_splits(
    docs: Sequence[Document], ratios: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0, threshold: float = 0.8
) -> SplitPlan:
    if len(ratios) != 3 or any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-9:
        raise ToolkitError(f"split ratios must be three non-negative numbers that sum to 1, got {list(ratios)}")
    groups = near_duplicate_groups(docs, threshold)
    key = {d.id: d.id for d in docs}
    for group in groups:
        for member in group:
            key[member] = group[0]
    bounds = (ratios[0], ratios[0] + ratios[1])
    assignment = {}
    for doc_id, k in key.items():
        u = _unit(seed, k)
        assignment[doc_id] = SPLITS[0] if u < bounds[0] else SPLITS[1] if u < bounds[1] else SPLITS[2]
    return SplitPlan(assignment, tuple(tuple(g) for g in groups))
