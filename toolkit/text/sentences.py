"""Sentence bounds for news text (Indonesian and English), on character offsets.

A sentence ends after ``.``, ``!`` or ``?`` (and a closing quote) followed by whitespace and a capital,
a quote or a parenthesis, or at a line break; but not after an initial ("J."), a word with inner periods
("U.S.", "a.m."), or a known abbreviation ("Dr.", "No.", "Rp.", "Jl.", "Mr.", ...); and never inside an
entity span. Numbers and dates ("1.000,50", "8/11/2017") hold no whitespace after their periods, so they
are never cut. Bounds are half-open ``[start, end)`` code points; whitespace between sentences belongs
to neither (leading and trailing whitespace is trimmed).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "bros",
        "no",
        "nos",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "ave",
        "blvd",
        "dept",
        "univ",
        "assn",
        "rev",
        "hon",
        "pres",
        "messrs",
        "rp",
        "jl",
        "h",
        "hj",
        "kh",
        "ir",
        "drs",
        "bpk",
        "tn",
        "ny",
        "sdr",
    ]
)
"""Words that end in a period without ending a sentence (English and Indonesian news)."""
_BREAK = re.compile(r"(?<=[.!?])[\"'”’]?\s+(?=[\"'“‘A-Z(])|\n+")
_LAST_WORD = re.compile(r"(\S+)\.\W*$")


def sentence_bounds(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The sentences of ``text``; a cut that would fall inside one of ``spans`` (``[start, end)``) is not made."""
    inside = sorted(spans)
    cuts = [0]
    for m in _BREAK.finditer(text):
        if text[m.start() - 1] == ".":
            word = _LAST_WORD.search(text[max(0, m.start() - 30) : m.start()])
            w = word.group(1) if word else ""
            if (len(w) == 1 and w.isalpha()) or "." in w or w.lower().strip("\"'(") in ABBREVIATIONS:
                continue
        if any(a < m.end() and m.start() < b for a, b in inside):
            continue  # never cut inside an entity
        cuts.append(m.end())
    cuts.append(len(text))
    out = []
    for a, b in itertools.pairwise(cuts):
        lo, hi = a, b
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        for x, y in inside:  # trimming never cuts an entity (one with whitespace at an edge)
            if x < b and a < y:
                lo, hi = min(lo, x), max(hi, y)
        if hi > lo:
            out.append((lo, hi))
    return out
