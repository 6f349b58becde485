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


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token offsets, in order, covering every non-whitespace character once."""
    return [m.span() for m in _TOKEN.finditer(text)]


def doc_tokens(text: str, metadata: object = None) -> list[tuple[int, int]]:
    """Token offsets of a document: those recorded with it (a CoNLL corpus's own tokens), else :func:`tokenize`."""
    if isinstance(metadata, dict) or hasattr(metadata, "get"):
        given = metadata.get("token_offsets")
        if isinstance(given, list) and given:
            return [(int(a), int(b)) for a, b in given]
    return tokenize(text)
