"""Token features for Indonesian news tagging (used by the CRF tagger)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

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


def shape(word: str) -> str:
    s = re.sub(r"[A-Z]", "X", word)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"\d", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


@lru_cache(maxsize=200_000)
def zipf(word: str) -> int:
    """Zipf frequency bucket of the word in general Indonesian text (wordfreq's offline lists)."""
    from wordfreq import zipf_frequency

    return int(zipf_frequency(word, "id"))


def capital_ratios(sentences: Iterable[Sequence[str]]) -> dict[str, float]:
    """For each lower-cased word, the share of its non-initial occurrences written capitalised."""
    seen: dict[str, list[int]] = {}
    for tokens in sentences:
        for tok in tokens[1:]:
            c = seen.setdefault(tok.lower(), [0, 0])
            c[0] += tok[:1].isupper()
            c[1] += 1
    return {w: up / n for w, (up, n) in seen.items()}


def token_features(
    tokens: Sequence[str], i: int, gaz: Sequence[str], caps: Mapping[str, float] | None = None
) -> dict[str, str | float | bool]:
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
        "zipf": str(zipf(lw)),
        "rare_title": w.istitle() and zipf(lw) < 3,
    }
    if caps is not None:
        ratio = caps.get(lw)
        f["caps"] = "unseen" if ratio is None else str(round(ratio * 4))
    for p in PREFIXES:
        if lw.startswith(p) and len(lw) > len(p) + 2:
            f["idpre"] = p
            break
    for s in SUFFIXES:
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
            f[f"{off}:zipf"] = str(zipf(lo))
            if abs(off) == 1:
                f[f"{off}:suf3"] = lo[-3:]
                f[f"{off}:pcue"] = lo in PERSON_CUES
                f[f"{off}:ocue"] = lo in ORG_CUES
                f[f"{off}:lcue"] = lo in PLACE_CUES
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
