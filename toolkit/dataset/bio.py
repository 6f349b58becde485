"""The token/BIO view, derived from character spans (never the reverse).

Rules, declared here and reported by the builder:
- nested spans: the BIO view keeps the outermost span (longest, then earliest); the inner spans
  stay in ``entities`` and are counted as dropped from the BIO view;
- crossing spans (only possible with ``span_overlap: allow``): the earlier span wins;
- misaligned spans (a boundary inside a token, like spaCy's W030): the BIO view widens the span
  to the enclosing token boundaries; the span keeps its exact offsets in ``entities`` and is
  counted and listed as misaligned.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from toolkit.model import Span

Token = tuple[int, int]
T = TypeVar("T")


@dataclass
class BioResult:
    tags: list[str]
    dropped_nested: list[str] = field(default_factory=list)
    misaligned: list[str] = field(default_factory=list)
    no_token: list[str] = field(default_factory=list)


def token_range(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Indices ``[i, j)`` of the tokens (by starts and ends) sharing a character with ``[start, end)``."""
    i = bisect.bisect_right(ends, start)
    j = bisect.bisect_left(starts, end)
    return i, j


@dataclass
class BioRanges:
    """Which tokens each kept span covers: ``ranges`` holds ``(first, end, label)``, token indices half-open."""

    ranges: list[tuple[int, int, str]] = field(default_factory=list)
    dropped_nested: list[str] = field(default_factory=list)
    misaligned: list[str] = field(default_factory=list)
    no_token: list[str] = field(default_factory=list)


def bio_ranges(starts: Sequence[int], ends: Sequence[int], spans: Sequence[Span]) -> BioRanges:
    """The token range of every span the BIO view keeps, under the rules in the module docstring."""
    out = BioRanges()
    taken = [False] * len(starts)
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label, s.id)):
        i, j = token_range(starts, ends, span.start, span.end)
        if i >= j:
            out.no_token.append(span.id)
            continue
        if any(taken[i:j]):
            out.dropped_nested.append(span.id)
            continue
        if starts[i] != span.start or ends[j - 1] != span.end:
            out.misaligned.append(span.id)
        out.ranges.append((i, j, span.label))
        taken[i:j] = [True] * (j - i)
    return out


def _fill(n_tokens: int, ranges: Sequence[tuple[int, int, str]], tag: Callable[[str], T]) -> list[T]:
    """Per-token ``tag("O")`` outside the ranges, ``tag("B-X")`` on a range's first token, ``tag("I-X")`` after."""
    out = [tag("O")] * n_tokens
    for i, j, label in ranges:
        out[i] = tag(f"B-{label}")
        out[i + 1 : j] = [tag(f"I-{label}")] * (j - i - 1)
    return out


def bio_ids(n_tokens: int, ranges: Sequence[tuple[int, int, str]], tag_ids: Mapping[str, int]) -> list[int]:
    """Tag ids (``tag_ids`` maps ``O``, ``B-X``, ``I-X`` to ids) of ``n_tokens`` tokens from :func:`bio_ranges`."""
    return _fill(n_tokens, ranges, tag_ids.__getitem__)


def spans_to_bio(tokens: Sequence[Token], spans: Sequence[Span]) -> BioResult:
    """BIO tags (``B-X``/``I-X``/``O``) for tokens, under the rules in the module docstring."""
    plan = bio_ranges([s for s, _ in tokens], [e for _, e in tokens], spans)
    tags = _fill(len(tokens), plan.ranges, str)
    return BioResult(tags, plan.dropped_nested, plan.misaligned, plan.no_token)


def bio_to_spans(tokens: Sequence[Token], tags: Sequence[str], *, strict: bool = False) -> list[Span]:
    """Character spans from BIO tags.

    Lenient (conlleval, seqeval's default): an ``I-X`` that does not continue an ``X`` starts a
    new span. ``strict`` (seqeval ``mode="strict", scheme=IOB2``): such an ``I-X`` is invalid and
    belongs to no span.
    """
    spans: list[Span] = []
    current: tuple[int, int, str] | None = None  # (first token, last token, label)

    def close() -> None:
        if current is not None:
            a, b, label = current
            spans.append(Span(f"t{len(spans) + 1}", tokens[a][0], tokens[b][1], label))

    for k, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and strict and (current is None or current[2] != label):
            close()
            current = None
        elif prefix == "B" or (prefix == "I" and (current is None or current[2] != label)):
            close()
            current = (k, k, label)
        elif prefix == "I" and current is not None:
            current = (current[0], k, label)
        else:
            close()
            current = None
    close()
    return spans
