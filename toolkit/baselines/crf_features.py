"""Token features for news tagging by language (used by the CRF tagger): cue words, affixes, word frequency,
Brown word clusters, how often general text capitalises a word, and gazetteer tags, each from a table declared
per language."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from toolkit.baselines.base import BaselineError
from toolkit.baselines.geo import place_names

PREFIXES = ("meng", "meny", "mem", "men", "me", "ber", "di", "ter", "ke", "peng", "pem", "pen", "per", "pe", "se")
SUFFIXES = ("kan", "an", "i", "nya", "lah", "kah")
# Words that announce a person, an organisation or a place in Indonesian news.
PERSON_CUES = frozenset(
    [
        "pak",
        "bu",
        "bapak",
        "ibu",
        "sdr",
        "saudara",
        "presiden",
        "wapres",
        "menteri",
        "gubernur",
        "bupati",
        "walikota",
        "wali",
        "kota",
        "ketua",
        "wakil",
        "direktur",
        "kapolri",
        "kapolda",
        "kepala",
        "dr",
        "prof",
        "h",
        "hj",
        "kh",
        "ir",
        "jenderal",
        "kata",
        "ujar",
        "jelas",
        "tutur",
        "ucap",
        "menurut",
        "oleh",
    ]
)
ORG_CUES = frozenset(
    [
        "partai",
        "kementerian",
        "badan",
        "dinas",
        "pt",
        "universitas",
        "komisi",
        "lembaga",
        "organisasi",
        "polda",
        "polres",
        "bank",
    ]
)
PLACE_CUES = frozenset(
    ["di", "ke", "dari", "kota", "kabupaten", "provinsi", "desa", "kecamatan", "negara", "pulau", "jalan"]
)


@lru_cache(maxsize=400_000)
def shape(word: str) -> str:
    s = re.sub(r"[A-Z]", "X", word)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"\d", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


@lru_cache(maxsize=400_000)
def zipf(word: str, lang: str = "id") -> int:
    """Zipf frequency bucket of the word in general text of the language (wordfreq's offline lists)."""
    from wordfreq import zipf_frequency

    return int(zipf_frequency(word, lang))


# Cue words by language: what precedes people, organisations and places in news (declared, not branched).
EN_PERSON_CUES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "president",
        "sen",
        "senator",
        "rep",
        "gov",
        "governor",
        "gen",
        "general",
        "col",
        "minister",
        "secretary",
        "judge",
        "king",
        "queen",
        "prince",
        "pope",
        "rev",
        "father",
        "sir",
        "lord",
        "chairman",
        "director",
        "chief",
        "spokesman",
        "said",
        "says",
        "told",
        "according",
        "by",
    ]
)
EN_ORG_CUES = frozenset(
    ["corp", "inc", "co", "company", "university", "bank", "party", "agency", "committee", "council", "ministry"]
)
EN_PLACE_CUES = frozenset(
    ["in", "at", "from", "to", "near", "of", "city", "state", "province", "county", "island", "republic"]
)
CUES = {
    "id": (PERSON_CUES, ORG_CUES, PLACE_CUES),
    "en": (EN_PERSON_CUES, EN_ORG_CUES, EN_PLACE_CUES),
}
AFFIXES = {"id": (PREFIXES, SUFFIXES), "en": ((), ("ing", "ed", "s", "ly", "ian", "ese", "ist", "er"))}


WORD_CLUSTERS = {lang: f"{lang}_lexeme_cluster.json.gz" for lang in ("en", "de", "es")}
"""Brown word clusters by language: the tables spaCy ships in spacy-lookups-data (1,000 clusters over a million
words of general text); languages without one (Indonesian) get no cluster features."""
CLUSTER_PREFIXES = (4, 6, 10, 20)
"""Lengths of the cluster's bit path used as features: coarse to fine (Ratinov and Roth, 2009)."""
WORD_CASE = {lang: f"{lang}_lexeme_prob.json.gz" for lang in ("en", "de", "es")}
"""Word probabilities by language as written (spacy-lookups-data, general text): how often a word is written
capitalised, a cue to names where the position hides it (a sentence's first word, a headline); languages without
a table (Indonesian) get no such feature."""


def _source(tables: Mapping[str, str], lang: str) -> str | None:
    table = tables.get(lang)
    if table is None:
        return None
    from importlib.metadata import version

    return f"spacy-lookups-data {version('spacy-lookups-data')} {table}"


def cluster_source(lang: str) -> str | None:
    """What the cluster features of ``lang`` are read from (package, version, table), or None when it has none."""
    return _source(WORD_CLUSTERS, lang)


def case_source(lang: str) -> str | None:
    """What the general-text case features of ``lang`` are read from, or None when it has none."""
    return _source(WORD_CASE, lang)


def _key(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class PackedTable:
    """A word -> number table held as two sorted numpy arrays (64-bit BLAKE2 hashes of the words, and the
    values): 16 bytes a word, instead of the ~150 a Python dict of a million strings takes."""

    def __init__(self, items: Iterable[tuple[str, float]]) -> None:
        rows = np.fromiter(((_key(w), v) for w, v in items), dtype=[("key", np.uint64), ("value", np.float64)])
        rows.sort(order="key")
        self.keys, self.values = rows["key"].copy(), rows["value"].copy()
        if len(self.keys) > 1 and bool((self.keys[1:] == self.keys[:-1]).any()):
            raise BaselineError("two words of the table share a 64-bit hash")  # never for the packaged tables (tested)

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, word: str) -> float | None:
        key = np.uint64(_key(word))
        i = int(np.searchsorted(self.keys, key))
        return float(self.values[i]) if i < len(self.keys) and self.keys[i] == key else None


@lru_cache(maxsize=4)
def _table(name: str) -> PackedTable:
    """A spacy-lookups-data table, streamed (ijson) into a :class:`PackedTable`: the million-entry JSON object
    is never held as Python objects."""
    import gzip

    import ijson
    import spacy_lookups_data

    with gzip.open(spacy_lookups_data.get_file(name), "rb") as fh:
        return PackedTable(ijson.kvitems(fh, "", use_float=True))


@lru_cache(maxsize=400_000)
def cluster_path(word: str, lang: str) -> str | None:
    """The word's Brown cluster as a bit path (the form as written, else lower-cased), or None if unknown."""
    table = _table(WORD_CLUSTERS[lang])
    code = table.get(word)
    if code is None:
        code = table.get(word.lower())
    return None if code is None else bin(int(code))[3:]  # spaCy stores the path after a leading 1 bit


def cluster_features(tokens: Sequence[str], i: int, lang: str) -> dict[str, str]:
    """Prefixes of the Brown cluster paths of token ``i`` and its two neighbours (``none`` when unknown)."""
    f: dict[str, str] = {}
    for off in (-1, 0, 1):
        if 0 <= i + off < len(tokens):
            path = cluster_path(tokens[i + off], lang)
            if path is None:
                f[f"{off}:bc"] = "none"
                continue
            for n in CLUSTER_PREFIXES:
                f[f"{off}:bc{n}"] = path[:n]
    return f


@lru_cache(maxsize=400_000)
def title_share(word: str, lang: str) -> str:
    """How often general text writes the word capitalised (``Bush``) rather than lower-case (``bush``), in
    quarters ``0``-``4`` (``unseen`` when the table has neither form)."""
    table = _table(WORD_CASE[lang])
    lower, title = table.get(word.lower()), table.get(word[:1].upper() + word[1:].lower())
    if lower is None and title is None:
        return "unseen"
    p_title = math.exp(title) if title is not None else 0.0  # the table holds natural-log probabilities
    p_lower = math.exp(lower) if lower is not None else 0.0
    return str(round(4 * p_title / (p_title + p_lower)))


def case_features(tokens: Sequence[str], i: int, lang: str) -> dict[str, str]:
    """:func:`title_share` of token ``i`` and its two neighbours."""
    return {f"{off}:gcap": title_share(tokens[i + off], lang) for off in (-1, 0, 1) if 0 <= i + off < len(tokens)}


def token_features(
    tokens: Sequence[str],
    i: int,
    gaz: Sequence[str],
    caps: Mapping[str, float] | None = None,
    lang: str = "id",
    places: Sequence[str] | None = None,
    clusters: bool = False,
    case: bool = False,
) -> dict[str, str | float | bool]:
    """Features of token ``i``; word frequencies, affixes and cue words follow the language ``lang``."""
    person_cues, org_cues, place_cues = CUES.get(lang, CUES["id"])
    prefixes, suffixes = AFFIXES.get(lang, ((), ()))
    w = tokens[i]
    lw = w.lower()
    f: dict[str, str | float | bool] = {
        "bias": 1.0,
        "w": lw,
        "suf3": lw[-3:],
        "suf2": lw[-2:],
        "pre3": lw[:3],
        "shape": shape(w),
        "title": w.istitle(),
        "upper": w.isupper() and len(w) > 1,
        "digit": w.isdigit(),
        "hyphen": "-" in w,
        "len": min(len(w), 10) / 10,
        "gaz": gaz[i],
        "first": i == 0,
        "zipf": str(zipf(lw, lang)),
        "rare_title": w.istitle() and zipf(lw, lang) < 3,
    }
    if places is not None:
        f["place"] = places[i]
        for off in (-1, 1):
            if 0 <= i + off < len(tokens):
                f[f"{off}:place"] = places[i + off]
    if clusters:
        f.update(cluster_features(tokens, i, lang))
    if case:
        f.update(case_features(tokens, i, lang))
    if lang != "id":
        f["suf4"], f["pre4"] = lw[-4:], lw[:4]
        f["inner_cap"] = any(c.isupper() for c in w[1:])
        f["has_dot"] = "." in w
    if caps is not None:
        ratio = caps.get(lw)
        f["caps"] = "unseen" if ratio is None else str(round(ratio * 4))
    for p in prefixes:
        if lw.startswith(p) and len(lw) > len(p) + 2:
            f["idpre"] = p
            break
    for s in suffixes:
        if lw.endswith(s) and len(lw) > len(s) + 2:
            f["idsuf"] = s
            break
    for off in (-2, -1, 1, 2):
        j = i + off
        if 0 <= j < len(tokens):
            o = tokens[j]
            lo = o.lower()
            f[f"{off}:w"] = lo
            f[f"{off}:title"] = o.istitle()
            f[f"{off}:upper"] = o.isupper() and len(o) > 1
            f[f"{off}:shape"] = shape(o)
            f[f"{off}:gaz"] = gaz[j]
            f[f"{off}:zipf"] = str(zipf(lo, lang))
            if abs(off) == 1:
                f[f"{off}:suf3"] = lo[-3:]
                f[f"{off}:pcue"] = lo in person_cues
                f[f"{off}:ocue"] = lo in org_cues
                f[f"{off}:lcue"] = lo in place_cues
        else:
            f[f"{off}:pad"] = True
    if i > 0:
        f["-1|0"] = f"{tokens[i - 1].lower()}|{lw}"
    if i + 1 < len(tokens):
        f["0|+1"] = f"{lw}|{tokens[i + 1].lower()}"
    return f


def gazetteer_tags(tokens: Sequence[str], entries: Mapping[tuple[str, ...], str], max_len: int = 6) -> list[str]:
    """Longest-match gazetteer lookup: ``B-X``/``I-X`` for tokens inside a known entity, else ``O``."""
    tags = ["O"] * len(tokens)
    lowered = [t.lower() for t in tokens]
    i = 0
    while i < len(tokens):
        for n in range(min(max_len, len(tokens) - i), 0, -1):
            label = entries.get(tuple(lowered[i : i + n]))
            if label and (n > 1 or tokens[i][:1].isupper()):
                tags[i] = f"B-{label}"
                for k in range(i + 1, i + n):
                    tags[k] = f"I-{label}"
                i += n
                break
        else:
            i += 1
    return tags


def place_tags(tokens: Sequence[str]) -> list[str]:
    """``B-PLACE``/``I-PLACE`` on tokens of a known place name (:func:`toolkit.baselines.geo.place_names`,
    longest match), else ``O``."""
    return gazetteer_tags(tokens, place_names(), 5)
