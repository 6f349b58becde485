"""A tokenizer for Indonesian news that never loses a character offset.

Tokens are ``(start, end)`` code-point spans into the text; ``text[start:end]`` is the token.
Every non-space character belongs to exactly one token. Rules, tried in order at each position:
dates ("8/11/2017"), a currency sign before an amount ("Rp" in "Rp60.000"), numbers with
dot/comma groups ("1.000,50", "3,5"), words with
hyphenated parts (reduplication "pekerja-pekerja", "ke-331", clitics "ILO-nya"), and any other
single character (punctuation, symbols, emoji).
"""

from __future__ import annotations

import re

import numpy as np

from toolkit._arrays import Arr

_TOKEN = re.compile(
    r"""
    \d{1,2}/\d{1,2}/\d{2,4}(?!\d)     # dates: 8/11/2017
    | (?:Rp|US\$|\$)(?=\d)             # currency before an amount: Rp60.000
    | \d+(?:[.,]\d+)*                 # numbers: 281, 1.000, 3,5, 1.000,50
    | [^\W_]+(?:-[^\W_]+)*            # words, with hyphenated parts
    | \S                              # anything else, one character at a time
    """,
    re.VERBOSE,
)


# The same pattern as one capturing group: re.split returns [gap, token, gap, token, ..., gap] in C,
# which is several times faster than a Python loop over finditer's match objects.
_SPLIT = re.compile(f"({_TOKEN.pattern})", re.VERBOSE)


def token_arrays(text: str) -> tuple[list[str], list[int], list[int]]:
    """(token strings, starts, ends) of :func:`tokenize`, computed in bulk."""
    tokens, starts, ends = token_columns(text)
    return tokens, starts.tolist(), ends.tolist()


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token offsets, in order, covering every non-whitespace character once."""
    _, starts, ends = token_arrays(text)
    return list(zip(starts, ends, strict=True))


def token_columns(text: str) -> tuple[list[str], Arr, Arr]:
    """(token strings, starts, ends), the offsets as numpy int64 arrays (what the dataset build stores)."""
    parts = _SPLIT.split(text)  # gap, token, gap, ..., token, gap
    ends = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))  # a gap ends where a token starts
    return parts[1::2], ends[0:-1:2], ends[1::2]


def doc_token_columns(text: str, metadata: object = None) -> tuple[list[str], Arr, Arr]:
    """Tokens of a document with their offsets: those recorded with it (a CoNLL corpus's own), else the tokenizer's."""
    given = metadata.get("token_offsets") if isinstance(metadata, dict) or hasattr(metadata, "get") else None
    if isinstance(given, list) and given:
        starts = np.array([int(a) for a, _ in given], dtype=np.int64)
        ends = np.array([int(b) for _, b in given], dtype=np.int64)
        return [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)], starts, ends
    return token_columns(text)


def doc_tokens(text: str, metadata: object = None) -> list[tuple[int, int]]:
    """Token offsets of a document: those recorded with it (a CoNLL corpus's own tokens), else :func:`tokenize`."""
    _, starts, ends = doc_token_columns(text, metadata)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
