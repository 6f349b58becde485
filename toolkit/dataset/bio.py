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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from toolkit.model import Span

Token = tuple[int, int]
Offsets = Sequence[int] | np.ndarray  # type: ignore[type-arg]
"""Token starts or ends: a list, or a numpy integer array."""


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


def bio_ranges(starts: Offsets, ends: Offsets, spans: Sequence[Span]) -> BioRanges:
    """The token range of every span the BIO view keeps, under the rules in the module docstring.

    ``starts``/``ends`` may be lists or numpy arrays (then all spans are located by one
    ``searchsorted`` each, as :func:`token_range` does one by one).
    """
    out = BioRanges()
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label, s.id))
    located: list[tuple[int, int, int, int]]  # first token, end token, start of the first, end of the last
    if isinstance(starts, np.ndarray) or isinstance(ends, np.ndarray):
        starts_a, ends_a = np.asarray(starts), np.asarray(ends)
        first = np.searchsorted(ends_a, [s.start for s in ordered], side="right")
        stop = np.searchsorted(starts_a, [s.end for s in ordered], side="left")
        if len(starts_a):
            first_start = starts_a[np.minimum(first, len(starts_a) - 1)].tolist()
            last_end = ends_a[np.maximum(stop - 1, 0)].tolist()
        else:
            first_start = last_end = [0] * len(ordered)
        located = list(zip(first.tolist(), stop.tolist(), first_start, last_end, strict=True))
    else:
        where = [token_range(starts, ends, s.start, s.end) for s in ordered]
        located = [(i, j, starts[i] if i < j else 0, ends[j - 1] if i < j else 0) for i, j in where]
    taken = [False] * len(starts)
    for span, (i, j, first_start, last_end) in zip(ordered, located, strict=True):
        if i >= j:
            out.no_token.append(span.id)
            continue
        if any(taken[i:j]):
            out.dropped_nested.append(span.id)
            continue
        if first_start != span.start or last_end != span.end:
            out.misaligned.append(span.id)
        out.ranges.append((i, j, span.label))
        taken[i:j] = [True] * (j - i)
    return out


def _fill(n_tokens: int, ranges: Sequence[tuple[int, int, str]]) -> list[str]:
    """Per-token ``O`` outside the ranges, ``B-X`` on a range's first token, ``I-X`` after (:func:`bio_ids` in ids)."""
    out = ["O"] * n_tokens
    for i, j, label in ranges:
        out[i] = f"B-{label}"
        out[i + 1 : j] = [f"I-{label}"] * (j - i - 1)
    return out


def bio_ids(n_tokens: int, ranges: Sequence[tuple[int, int, str]], tag_ids: Mapping[str, int]) -> np.ndarray:  # type: ignore[type-arg]
    """Tag ids (``tag_ids`` maps ``O``, ``B-X``, ``I-X`` to ids) of ``n_tokens`` tokens from :func:`bio_ranges`."""
    out = np.full(n_tokens, tag_ids["O"], dtype=np.int64)
    for i, j, label in ranges:
        out[i] = tag_ids[f"B-{label}"]
        out[i + 1 : j] = tag_ids[f"I-{label}"]
    return out


def spans_to_bio(tokens: Sequence[Token], spans: Sequence[Span]) -> BioResult:
    """BIO tags (``B-X``/``I-X``/``O``) for tokens, under the rules in the module docstring."""
    plan = bio_ranges([s for s, _ in tokens], [e for _, e in tokens], spans)
    tags = _fill(len(tokens), plan.ranges)
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
