"""Bulk word hashing, shingles, MinHash signatures and LSH banding, each against its one-text
reference (``re.findall``, a polynomial over ``ord``, datasketch's own objects)."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.dataset import minhash
from toolkit.dataset.minhash import (
    NUM_PERM,
    SCHEME,
    NearDuplicates,
    shingle_hashes,
    shingles,
    signatures,
    word_hashes,
)

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


ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any code point, astral ones (emoji) included
        st.sampled_from(list(" _-\n\t\u00a0İßǅ١٢Ⅻ²\u0301😀𝔘𐐀")),  # underscore, case changes, digits, marks
    ),
    max_size=60,
)
ASCII_TEXT = st.text(alphabet=st.characters(max_codepoint=127), max_size=80)  # the bytes-only path


def _reference_words(text: str) -> list[int]:
    """The word hashes, one word at a time: ``re`` finds the words, ``zlib`` hashes them."""
    return [zlib.crc32(w.encode()) for w in re.findall(r"\w+", text.lower())]


def _reference_shingles(text: str) -> list[int]:
    """Shingle hashes of one text, in plain Python."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < 3:
        return [zlib.crc32(" ".join(words).encode())]
    h = [zlib.crc32(w.encode()) for w in words]
    mask = (1 << 64) - 1
    return [((((h[i] * 0x9E3779B1) & mask) + h[i + 1]) * 0x85EBCA77 + h[i + 2]) & 0xFFFFFFFF for i in range(len(h) - 2)]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(ANY_TEXT, min_size=1, max_size=6), st.lists(ASCII_TEXT, min_size=1, max_size=6)))
def test_word_hashes_equal_findall_and_zlib(texts: list[str]) -> None:
    hashes, owner = word_hashes(texts)
    expected = [(i, h) for i, text in enumerate(texts) for h in _reference_words(text)]
    assert list(zip(owner.tolist(), hashes.tolist(), strict=True)) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(st.lists(st.one_of(ANY_TEXT, TEXTS), min_size=1, max_size=8), st.lists(ASCII_TEXT, min_size=1)),
    st.sampled_from([1, 5, 40, 1 << 20]),
)
def test_shingles_of_many_texts_are_those_of_each(texts: list[str], block: int) -> None:
    """Bulk shingles (in blocks of any size) equal each text's own and the plain-Python reference."""
    saved = minhash._TEXT_BLOCK
    minhash._TEXT_BLOCK = block
    try:
        values, owner = shingles(texts)
    finally:
        minhash._TEXT_BLOCK = saved
    for i, text in enumerate(texts):
        assert values[owner == i].tolist() == shingle_hashes(text).tolist() == _reference_shingles(text)
    assert owner.tolist() == sorted(owner.tolist())


def test_a_shingle_is_three_words_in_order() -> None:
    one, other = shingle_hashes("Buruh migran Jakarta"), shingle_hashes("Jakarta migran buruh")
    assert len(one) == 1 and one.tolist() != other.tolist()
    assert shingle_hashes("BURUH  migran, Jakarta!").tolist() == one.tolist()  # case and punctuation aside


def _datasketch_minhash(text: str) -> MinHash:
    mh = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashfunc=int)
    mh.update_batch(shingle_hashes(text).tolist())
    return mh


def _datasketch_signature(text: str) -> np.ndarray:  # type: ignore[type-arg]
    return _datasketch_minhash(text).hashvalues  # type: ignore[no-any-return]


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=12))
def test_signatures_equal_datasketch_minhash(texts: list[str]) -> None:
    expected = np.array([_datasketch_signature(t) for t in texts], dtype=np.uint32)
    assert np.array_equal(signatures(texts), expected)


def test_signatures_across_block_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text whose shingles straddle the permutation blocks gets the minimum of both halves."""
    texts = [" ".join(f"kata{i % 97} {i}" for i in range(n)) for n in (5, 300, 2, 1000)]
    expected = signatures(texts)
    monkeypatch.setattr(minhash, "_BLOCK", 7)
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
        mh = _datasketch_minhash(text)
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
