"""Offsets counted in UTF-16 code units <-> Python code points.

Older Label Studio exports count offsets in UTF-16 units (JavaScript string indices): every
character outside the Basic Multilingual Plane (emoji, some CJK) counts twice, shifting every
offset after it. The toolkit's offsets are code points.
"""

from __future__ import annotations

from bisect import bisect_left


def astral_positions(text: str) -> list[int]:
    """Code-point indices of the characters that take two UTF-16 units."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return []
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


def cp_to_utf16(text: str, offset: int, astral: list[int] | None = None) -> int:
    """The UTF-16 offset of code-point offset ``offset``."""
    astral = astral_positions(text) if astral is None else astral
    return offset + bisect_left(astral, offset)


def utf16_to_cp(text: str, offset: int, astral: list[int] | None = None) -> int | None:
    """The code-point offset of UTF-16 offset ``offset``; None if it falls inside a surrogate pair."""
    astral = astral_positions(text) if astral is None else astral
    # The k-th astral character (0-based) starts at UTF-16 index astral[k] + k.
    lo, hi = 0, len(astral)
    while lo < hi:
        mid = (lo + hi) // 2
        if astral[mid] + mid < offset:
            lo = mid + 1
        else:
            hi = mid
    # lo astral characters start before `offset`; if the last of them straddles it, it is invalid.
    if lo and astral[lo - 1] + (lo - 1) + 1 == offset:
        return None
    return offset - lo
