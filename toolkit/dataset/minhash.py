"""Near-duplicate texts: MinHash signatures of word 3-shingles and LSH banding, in bulk.

A word is a run of ``\\w`` characters of the lower-cased text (what ``re.findall(r"\\w+")`` finds),
hashed with crc32 over its UTF-8 bytes; the hashes of three consecutive words are mixed into the
shingle's hash; a text of fewer than three words has one shingle, the crc32 of its words joined by
spaces. Everything is computed for many texts at once with numpy (the crc32 of all words of a
batch advances one byte position at a time), and the shingles are permuted as datasketch's MinHash
does (scheme ``affine32``, seed 1). Tests hold each step to its one-text reference: ``re.findall``
with ``zlib.crc32``, datasketch's ``MinHash.update_batch`` and ``MinHashLSH``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from toolkit._arrays import Arr
from toolkit.model import Document

SHINGLE = 3
"""Words per shingle."""
_WORD = re.compile(r"\w+")
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))
_MASK32 = np.uint64(0xFFFFFFFF)
_TEXT_BLOCK = 1 << 20
"""Code points hashed at once (a few MB per array)."""
_BMP_WORD: list[Arr] = []
_CRC_TABLE: list[Arr] = []


def _is_word(cps: Arr) -> Arr:
    """Whether each code point is a ``\\w`` character (``str.isalnum()`` or ``_``, as ``re`` decides)."""
    if not _BMP_WORD:
        table = np.fromiter((chr(c).isalnum() or c == 95 for c in range(1 << 16)), dtype=bool, count=1 << 16)
        _BMP_WORD.append(table)
    if cps.dtype == np.uint8:  # ASCII bytes
        return _BMP_WORD[0][:256][cps]
    word: Arr = _BMP_WORD[0][np.minimum(cps, 0xFFFF)]
    beyond = np.flatnonzero(cps > 0xFFFF)  # emoji and other astral characters: few, looked up one by one
    if beyond.size:
        word[beyond] = [chr(c).isalnum() for c in cps[beyond].tolist()]
    return word


def _crc_table() -> Arr:
    """The byte table of crc32 (reflected polynomial 0xEDB88320, as zlib's)."""
    if not _CRC_TABLE:
        t: Arr = np.arange(256, dtype=np.uint32)
        for _ in range(8):
            t = np.where(t & 1, (t >> 1) ^ np.uint32(0xEDB88320), t >> 1).astype(np.uint32)
        _CRC_TABLE.append(t)
    return _CRC_TABLE[0]


def _crc32(data: Arr, starts: Arr, ends: Arr) -> Arr:
    """``zlib.crc32(data[s:e])`` for every ``(s, e)``: all pieces advance one byte at a time, longest first."""
    table = _crc_table()
    lengths = ends - starts
    longest = int(lengths.max()) if len(lengths) else 0
    key = longest - lengths  # longest first; a radix sort when it fits 16 bits
    order = np.argsort(key.astype(np.uint16) if longest < 1 << 16 else key, kind="stable")
    by_length, first = lengths[order], starts[order]
    crc = np.full(len(order), 0xFFFFFFFF, dtype=np.uint32)
    for k in range(int(by_length[0]) if len(order) else 0):
        m = int(np.searchsorted(-by_length, -k, side="left"))  # the pieces longer than k bytes
        c = crc[:m]
        crc[:m] = table[(c ^ data[first[:m] + k]) & 0xFF] ^ (c >> 8)
    out = np.empty_like(crc)
    out[order] = crc ^ np.uint32(0xFFFFFFFF)
    return out


def word_hashes(texts: Sequence[str]) -> tuple[Arr, Arr]:
    """``zlib.crc32`` of the UTF-8 bytes of every word of the lower-cased texts, in order, and its text's index."""
    lowered = [t.lower() for t in texts]
    joined = "\n".join(lowered)  # a newline is no word character: no word spans two texts
    data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    if len(data) == len(joined):  # ASCII: code points are bytes
        edges = np.diff(_is_word(data).view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        byte_starts, byte_ends = starts, ends
    else:
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        edges = np.diff(_is_word(cps).view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        width = np.ones(len(cps), dtype=np.int64)  # of each code point in UTF-8
        for above in (0x80, 0x800, 0x10000):
            width += cps >= above
        byte_at = np.zeros(len(cps) + 1, dtype=np.int64)
        np.cumsum(width, out=byte_at[1:])
        byte_starts, byte_ends = byte_at[starts], byte_at[ends]
    text_starts = np.cumsum([0] + [len(t) + 1 for t in lowered[:-1]])
    owner = np.searchsorted(text_starts, starts, side="right") - 1
    return _crc32(data, byte_starts, byte_ends).astype(np.uint64), owner


def _mix(words: Arr) -> Arr:
    """Shingle hashes of every run of SHINGLE consecutive word hashes (at least SHINGLE of them)."""
    runs = len(words) - SHINGLE + 1
    mixed = words[:runs].copy()
    for k in range(1, SHINGLE):
        mixed = mixed * _MIX[(k - 1) % 2] + words[k : runs + k]
    return mixed


def shingles(texts: Sequence[str]) -> tuple[Arr, Arr]:
    """32-bit hashes of the word 3-shingles of each text and the index of its text, grouped by text.

    A text of fewer than three words has one shingle (the crc32 of its words joined by spaces), so
    every text has at least one.
    """
    values, owners = [], []
    start = 0
    while start < len(texts):  # blocks of about _TEXT_BLOCK code points
        stop, size = start + 1, len(texts[start])
        while stop < len(texts) and size + len(texts[stop]) <= _TEXT_BLOCK:
            size += len(texts[stop])
            stop += 1
        words, owner = word_hashes(texts[start:stop])
        if len(words) >= SHINGLE:
            mixed = _mix(words)
            whole = owner[: len(mixed)] == owner[SHINGLE - 1 :]  # all words of the shingle are one text's
            values.append(mixed[whole])
            owners.append(owner[: len(mixed)][whole] + start)
        for i in np.flatnonzero(np.bincount(owner, minlength=stop - start) < SHINGLE).tolist():
            few = " ".join(_WORD.findall(texts[start + i].lower()))  # fewer than three words: one shingle
            values.append(np.array([zlib.crc32(few.encode("utf-8", "surrogatepass"))], dtype=np.uint64))
            owners.append(np.full(1, start + i))
        start = stop
    if not values:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.int64)
    value_all, owner_all = np.concatenate(values), np.concatenate(owners)
    if np.any(owner_all[1:] < owner_all[:-1]):  # texts of fewer than three words were added after their block
        order = np.argsort(owner_all, kind="stable")
        value_all, owner_all = value_all[order], owner_all[order]
    return (value_all & _MASK32).astype(np.uint32), owner_all


def shingle_hashes(text: str) -> Arr:
    """32-bit hashes of the word 3-shingles of one text (lower-cased); never empty."""
    return shingles([text])[0]


NUM_PERM = 64
"""Permutations per signature: the Jaccard estimate's standard error is ~0.05 at 0.8 (0.035 with 128,
at twice the cost; near-duplicate groups of idner-news-2k are the same with either)."""
SCHEME = "affine32"
"""datasketch's MinHash scheme (its default since 2.0): each 32-bit value is mixed by MurmurHash3's
finaliser, then permuted by ``a * h + b`` modulo 2**32."""
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))
_BLOCK = 1 << 16
"""Shingles permuted at once: a block's (shingles x permutations) matrix stays at 16 MB."""
_PERMUTATIONS: dict[int, tuple[Arr, Arr]] = {}


def _permutations(num_perm: int) -> tuple[Arr, Arr]:
    """The permutations (a, b) of datasketch's MinHash with seed 1, made once per process."""
    if num_perm not in _PERMUTATIONS:
        from datasketch import MinHash

        a, b = MinHash(num_perm=num_perm, seed=1, scheme=SCHEME).permutations
        _PERMUTATIONS[num_perm] = (np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32))
    return _PERMUTATIONS[num_perm]


def _fmix32(h: Arr) -> Arr:
    s1, m1, s2, m2, s3 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return np.asarray(h ^ (h >> s3))


def signatures(texts: Sequence[str], num_perm: int = NUM_PERM) -> Arr:
    """MinHash signatures (one uint32 row per text) over the texts' word 3-shingles.

    The same values as datasketch's ``MinHash(num_perm, seed=1, scheme="affine32")`` updated with
    :func:`shingle_hashes` (tested), computed for many texts at once: datasketch builds one object
    and one small matrix per text, which costs more than the hashing. Runs in worker processes too.
    """
    a, b = _permutations(num_perm)
    out = np.full((len(texts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if not texts:
        return out
    hashes, owner = shingles(texts)
    values = _fmix32(hashes)
    buffer = np.empty((num_perm, min(_BLOCK, len(values))), dtype=np.uint32)  # reused: fresh pages cost 2x
    for lo in range(0, len(values), _BLOCK):
        docs = owner[lo : lo + _BLOCK]
        # (permutations x shingles): the minima are then taken along contiguous rows, ~20x faster
        permuted = buffer[:, : len(docs)]
        np.multiply(a[:, None], values[None, lo : lo + _BLOCK], out=permuted)  # wraps modulo 2**32
        permuted += b[:, None]
        starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
        mins = np.minimum.reduceat(permuted, starts, axis=1).T
        rows = docs[starts]
        out[rows] = np.minimum(out[rows], mins)  # a text cut by the block edge gets both halves
    return out


class NearDuplicates:
    """Near-duplicate groups by MinHash LSH banding, in bulk.

    Two documents are candidates when all rows of one band of their signatures are equal, for any
    band; groups are the connected components of that relation (what querying datasketch's
    ``MinHashLSH`` after each insert and joining the results gives, with its bands for the
    threshold; tested). Signatures are added in order, computed here or elsewhere (e.g. in worker
    processes); 256 bytes are kept per document until :meth:`groups`.
    """

    def __init__(self, threshold: float = 0.8, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        self._num_perm = num_perm
        self._bands: list[tuple[int, int]] = list(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)
        self._ids: list[str] = []
        self._rows: list[Arr] = []

    def add(self, doc_id: str, text: str) -> None:
        self.add_signatures([doc_id], signatures([text], self._num_perm))

    def add_signatures(self, doc_ids: Sequence[str], rows: Arr) -> None:
        if len(doc_ids) != len(rows):
            raise ValueError(f"{len(doc_ids)} document ids for {len(rows)} signatures")
        self._ids.extend(doc_ids)
        self._rows.append(np.asarray(rows, dtype=np.uint32))

    def groups(self) -> list[list[str]]:
        """Groups of two or more document ids (each sorted; the list sorted)."""
        if not self._ids:
            return []
        sig = np.concatenate(self._rows)
        parent = list(range(len(self._ids)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for start, end in self._bands:
            band = np.ascontiguousarray(sig[:, start:end]).view(np.dtype((np.void, 4 * (end - start)))).ravel()
            _, bucket, sizes = np.unique(band, return_inverse=True, return_counts=True)
            shared = np.flatnonzero(sizes[bucket] > 1)  # documents whose bucket holds others too
            first: dict[int, int] = {}
            for doc, key in zip(shared.tolist(), bucket[shared].tolist(), strict=True):
                a, b = find(first.setdefault(key, doc)), find(doc)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        groups: dict[int, list[str]] = {}
        for i, doc_id in enumerate(self._ids):
            groups.setdefault(find(i), []).append(doc_id)
        return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def near_duplicate_groups(
    docs: Sequence[Document], threshold: float = 0.8, num_perm: int = NUM_PERM
) -> list[list[str]]:
    """Groups of document ids whose texts are near-duplicates (each group sorted; singletons omitted)."""
    found = NearDuplicates(threshold, num_perm)
    for i in range(0, len(docs), 256):
        chunk = docs[i : i + 256]
        found.add_signatures([d.id for d in chunk], signatures([d.text for d in chunk], num_perm))
    return found.groups()
