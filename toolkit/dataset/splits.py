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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit._gc import gc_paused
from toolkit.errors import ToolkitError
from toolkit.model import Document

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class SplitPlan:
    assignment: Mapping[str, str]
    groups: tuple[tuple[str, ...], ...]  # near-duplicate groups of two or more documents


_WORD = re.compile(r"\w+")
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))


def shingle_hashes(text: str, n: int = 3) -> list[int]:
    """32-bit hashes of the word n-shingles of a text (lower-cased), computed in bulk.

    Each word is hashed once with crc32 (C, deterministic across runs, unlike ``hash``), and the
    hashes of n consecutive words are mixed into the shingle's hash with numpy.
    """
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return [zlib.crc32(" ".join(words).encode())]
    h = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    mixed = h[: len(h) - n + 1].copy()
    for k in range(1, n):
        mixed = mixed * _MIX[(k - 1) % 2] + h[k : len(h) - n + 1 + k]
    return (mixed & np.uint64(0xFFFFFFFF)).tolist()  # type: ignore[no-any-return]


NUM_PERM = 64
"""Permutations per signature: the Jaccard estimate's standard error is ~0.05 at 0.8 (0.035 with 128,
at twice the cost; near-duplicate groups of idner-news-2k are the same with either)."""
_TEMPLATES: dict[int, Any] = {}


def _template(num_perm: int) -> Any:
    """One set of MinHash permutations for all documents (seed 1), made once per process."""
    if num_perm not in _TEMPLATES:
        from datasketch import MinHash

        _TEMPLATES[num_perm] = MinHash(num_perm=num_perm, seed=1)
    return _TEMPLATES[num_perm]


def signatures(texts: Sequence[str], num_perm: int = NUM_PERM) -> np.ndarray:  # type: ignore[type-arg]
    """MinHash signatures (one row per text) over the texts' word 3-shingles; runs in worker processes too."""
    from datasketch import MinHash

    t = _template(num_perm)
    rows = []
    with gc_paused():
        for text in texts:
            mh = MinHash(num_perm=num_perm, hashfunc=int, permutations=t.permutations, scheme=t.scheme)
            mh.update_batch(shingle_hashes(text))
            rows.append(mh.hashvalues)
    return np.array(rows, dtype=np.uint64).reshape(len(rows), num_perm)


class NearDuplicates:
    """Near-duplicate groups, built one document at a time (MinHash LSH from datasketch).

    Each document is queried right after it is inserted: every near-duplicate pair is found when
    its second member arrives, so no signature is kept once it is indexed. Signatures can be
    computed elsewhere (:func:`signatures`, e.g. in worker processes) and added in order.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHash, MinHashLSH

        self._minhash = MinHash
        self._num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._parent: dict[str, str] = {}

    def _find(self, x: str) -> str:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def add(self, doc_id: str, text: str) -> None:
        self.add_signatures([doc_id], signatures([text], self._num_perm))

    def add_signatures(self, doc_ids: Sequence[str], rows: np.ndarray) -> None:  # type: ignore[type-arg]
        t = _template(self._num_perm)
        for doc_id, hashvalues in zip(doc_ids, rows, strict=True):
            mh = self._minhash(hashvalues=hashvalues, permutations=t.permutations, scheme=t.scheme)
            self._lsh.insert(doc_id, mh)
            self._parent[doc_id] = doc_id
            for other in self._lsh.query(mh):
                a, b = self._find(doc_id), self._find(other)
                if a != b:
                    self._parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[str]]:
        """Groups of two or more document ids (each sorted; the list sorted)."""
        groups: dict[str, list[str]] = {}
        for doc_id in self._parent:
            groups.setdefault(self._find(doc_id), []).append(doc_id)
        return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def near_duplicate_groups(
    docs: Sequence[Document], threshold: float = 0.8, num_perm: int = NUM_PERM
) -> list[list[str]]:
    """Groups of document ids whose texts are near-duplicates (each group sorted; singletons omitted)."""
    found = NearDuplicates(threshold, num_perm)
    for doc in docs:
        found.add(doc.id, doc.text)
    return found.groups()


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
