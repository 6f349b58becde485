"""Bulk MinHash signatures and LSH banding against datasketch's own objects (the oracle)."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.dataset import splits
from toolkit.dataset.splits import NUM_PERM, SCHEME, NearDuplicates, shingle_hashes, signatures

WORDS = st.sampled_from(
    [
        "pekerja",
        "migran",
        "ILO",
        "Jakarta",
        "buruh",
        "kerja",
        "luar",
        "negeri",
        "Rp60.000",
        "8/11/2017",
        "ke-331",
        "é",
        "中",
    ]
)
TEXTS = st.lists(WORDS, min_size=0, max_size=40).map(" ".join)


def _datasketch_signature(text: str, num_perm: int = NUM_PERM) -> np.ndarray:  # type: ignore[type-arg]
    mh = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME, hashfunc=int)
    mh.update_batch(shingle_hashes(text).tolist())
    return mh.hashvalues  # type: ignore[no-any-return]


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=12))
def test_signatures_equal_datasketch_minhash(texts: list[str]) -> None:
    expected = np.array([_datasketch_signature(t) for t in texts], dtype=np.uint32)
    assert np.array_equal(signatures(texts), expected)


def test_signatures_across_block_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text whose shingles straddle the permutation blocks gets the minimum of both halves."""
    texts = [" ".join(f"kata{i % 97} {i}" for i in range(n)) for n in (5, 300, 2, 1000)]
    expected = signatures(texts)
    monkeypatch.setattr(splits, "_BLOCK", 7)
    assert np.array_equal(signatures(texts), expected)
    assert np.array_equal(expected, np.array([_datasketch_signature(t) for t in texts], dtype=np.uint32))


def _datasketch_groups(texts: list[str], threshold: float) -> list[list[str]]:
    """Insert each document into datasketch's MinHashLSH, query right after, and join what is found."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, text in enumerate(texts):
        key = f"d{i:03d}"
        mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=int)
        mh.update_batch(shingle_hashes(text).tolist())
        lsh.insert(key, mh)
        parent[key] = key
        for other in lsh.query(mh):
            a, b = find(key), find(other)
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(WORDS, min_size=3, max_size=30), min_size=1, max_size=10),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 30)), max_size=12),
    st.sampled_from([0.5, 0.8, 0.9]),
)
def test_groups_equal_datasketch_lsh(bases: list[list[str]], copies: list[tuple[int, int]], threshold: float) -> None:
    # near-copies: a base text with one word dropped, so some pairs collide in a band and some do not
    texts = [" ".join(b) for b in bases]
    for which, cut in copies:
        words = bases[which % len(bases)]
        texts.append(" ".join(words[:cut] + words[cut + 1 :]))
    found = NearDuplicates(threshold)
    found.add_signatures([f"d{i:03d}" for i in range(len(texts))], signatures(texts))
    assert found.groups() == _datasketch_groups(texts, threshold)


def test_groups_are_transitive_and_sorted() -> None:
    base = "pekerja migran Indonesia di luar negeri menurut laporan ILO tahun ini " * 3
    texts = {"z": base, "b": base + " tambahan", "m": "sesuatu yang lain sama sekali berbeda dari teks itu", "a": base}
    found = NearDuplicates()
    for doc_id, text in texts.items():
        found.add(doc_id, text)
    assert found.groups() == [["a", "b", "z"]]
    assert NearDuplicates().groups() == []
