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
from typing import Any, Literal

import numpy as np

from toolkit._arrays import Arr
from toolkit.model import Span

Token = tuple[int, int]
Offsets = Sequence[int] | Arr
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


def bio_ids(n_tokens: int, ranges: Sequence[tuple[int, int, str]], tag_ids: Mapping[str, int]) -> Arr:
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


class TagError(ValueError):
    """A tag sequence breaks its tagging scheme; ``index`` is the offending token's position."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class TaggingScheme:
    """A tagging scheme declared as data (as seqeval declares its schemes), read by the one decoder
    :func:`decode`.

    ``begins``: prefixes that always open a new chunk; ``inside``: prefixes that continue an open chunk of
    the same label; ``may_open``: prefixes that open a chunk when there is none to continue (IOB1's ``I``);
    ``ends``: prefixes after which the chunk is closed; ``end_required``: a chunk must be closed by an
    ``ends`` prefix (IOE2, IOBES, BILOU), else the sequence is invalid.

    Writing (:func:`encode`): ``single``, ``first``, ``middle`` and ``last`` are the prefixes of a one-token
    chunk and of the first, middle and last tokens of a longer one; IOB1 writes ``first`` only where the
    chunk touches an earlier chunk of its label (else ``middle``), IOE1 ``last`` only where a chunk of its
    label follows at once (``marks_adjacent_only``).
    """

    name: str
    begins: frozenset[str]
    inside: frozenset[str]
    may_open: frozenset[str] = frozenset()
    ends: frozenset[str] = frozenset()
    end_required: bool = False
    single: str = "B"
    first: str = "B"
    middle: str = "I"
    last: str = "I"
    marks_adjacent_only: bool = False

    @property
    def prefixes(self) -> frozenset[str]:
        return self.begins | self.inside | self.may_open | self.ends

    @property
    def tags_phrase(self) -> str:
        """The tags the scheme allows, for messages: ``O, B-X or I-X``."""
        tags = ["O", *(f"{p}-X" for p in sorted(self.prefixes))]
        return ", ".join(tags[:-1]) + " or " + tags[-1]


def _scheme(
    name: str,
    begins: str,
    inside: str,
    *,
    written: str,
    may_open: str = "",
    ends: str = "",
    end_required: bool = False,
    marks_adjacent_only: bool = False,
) -> TaggingScheme:
    """A scheme from its prefix letters; ``written``: the single, first, middle and last prefixes, in that order."""
    single, first, middle, last = tuple(written)
    return TaggingScheme(
        name,
        frozenset(begins),
        frozenset(inside),
        frozenset(may_open),
        frozenset(ends),
        end_required,
        single,
        first,
        middle,
        last,
        marks_adjacent_only,
    )


SCHEMES: Mapping[str, TaggingScheme] = {
    "iob2": _scheme("IOB2", "B", "I", written="BBII"),
    "iob1": _scheme("IOB1", "B", "I", written="BBII", may_open="I", marks_adjacent_only=True),
    "ioe2": _scheme("IOE2", "", "IE", written="EIIE", may_open="IE", ends="E", end_required=True),
    "ioe1": _scheme("IOE1", "", "IE", written="EIIE", may_open="IE", ends="E", marks_adjacent_only=True),
    "iobes": _scheme("IOBES", "BS", "IE", written="SBIE", ends="ES", end_required=True),
    "bilou": _scheme("BILOU", "BU", "IL", written="UBIL", ends="LU", end_required=True),
}
"""Tagging schemes by the name the command line takes (``--scheme``)."""

Invalid = Literal["error", "open", "drop"]
"""What :func:`decode` does with a tag that breaks the scheme: raise :class:`TagError`; open a new chunk there
(conlleval's and seqeval's default reading); or drop the token from every chunk (seqeval's ``mode="strict"``)."""


def decode(
    tags: Sequence[str], scheme: TaggingScheme = SCHEMES["iob2"], invalid: Invalid = "error"
) -> list[tuple[int, int, str]]:
    """Chunks ``(first token, end token, label)``, token indices half-open, of a tag sequence under ``scheme``.

    A tag is ``O`` or ``PREFIX-LABEL``. A tag whose prefix the scheme does not know is an error whatever
    ``invalid`` says (the file is in another scheme).
    """
    chunks: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None  # [first, end, label, closed by an end prefix]

    def close(at: int) -> None:
        nonlocal cur
        if cur is not None:
            if scheme.end_required and not cur[3]:
                if invalid == "error":
                    raise TagError(
                        f"{tags[cur[1] - 1]} ends a {cur[2]} chunk without an end tag ({scheme.name})", cur[1] - 1
                    )
                if invalid == "drop":
                    cur = None
                    return
            chunks.append((cur[0], cur[1], cur[2]))
        cur = None

    for k, tag in enumerate(tags):
        if tag == "O":
            close(k)
            continue
        prefix, sep, label = tag.partition("-")
        if not sep or not label or prefix not in scheme.prefixes:
            raise TagError(f"tag {tag!r} is not {scheme.tags_phrase} ({scheme.name})", k)
        continues = cur is not None and cur[2] == label and not cur[3]
        if prefix in scheme.begins:
            close(k)
            cur = [k, k + 1, label, False]
        elif prefix in scheme.inside and continues:
            assert cur is not None
            cur[1] = k + 1
        elif prefix in scheme.may_open:
            close(k)
            cur = [k, k + 1, label, False]
        else:
            if invalid == "error":
                raise TagError(f"{tag} without a preceding chunk of {label} to continue ({scheme.name})", k)
            close(k)
            if invalid == "drop":
                continue
            cur = [k, k + 1, label, False]
        if prefix in scheme.ends:
            cur[3] = True
            close(k + 1)
    close(len(tags))
    return chunks


def encode(n_tokens: int, chunks: Sequence[tuple[int, int, str]], scheme: TaggingScheme = SCHEMES["iob2"]) -> list[str]:
    """Tags of ``n_tokens`` tokens for non-overlapping chunks ``(first, end, label)`` under ``scheme``
    (:func:`decode` reads them back to the same chunks)."""
    tags = ["O"] * n_tokens
    ordered = sorted(chunks)
    for k, (i, j, label) in enumerate(ordered):
        if scheme.marks_adjacent_only:
            before = k > 0 and ordered[k - 1][1] == i and ordered[k - 1][2] == label
            after = k + 1 < len(ordered) and ordered[k + 1][0] == j and ordered[k + 1][2] == label
            first = scheme.first if before else scheme.middle
            last = scheme.last if after else scheme.middle
            single = first if scheme.first != scheme.middle else last
        else:
            first, last, single = scheme.first, scheme.last, scheme.single
        if j - i == 1:
            tags[i] = f"{single}-{label}"
            continue
        tags[i] = f"{first}-{label}"
        tags[i + 1 : j - 1] = [f"{scheme.middle}-{label}"] * (j - i - 2)
        tags[j - 1] = f"{last}-{label}"
    return tags


def bio_to_spans(
    tokens: Sequence[Token], tags: Sequence[str], *, strict: bool = False, text: str | None = None
) -> list[Span]:
    """Character spans from IOB2 tags (what the taggers predict).

    Lenient (conlleval, seqeval's default): an ``I-X`` that does not continue an ``X`` starts a
    new span. ``strict`` (seqeval ``mode="strict", scheme=IOB2``): such an ``I-X`` is invalid and
    belongs to no span. With the ``text`` of the tokens, a span never runs across a line break: a tagger that
    continues one over a paragraph break gives two spans, as the schema wants them (a mention never spans two
    paragraphs unless ``spans_cross_lines``; pass no text then).
    """
    chunks = decode(tags, SCHEMES["iob2"], "drop" if strict else "open")
    if text is not None:
        chunks = [piece for chunk in chunks for piece in _within_lines(chunk, tokens, text)]
    return [Span(f"t{n}", tokens[i][0], tokens[j - 1][1], label) for n, (i, j, label) in enumerate(chunks, 1)]


def _within_lines(chunk: tuple[int, int, str], tokens: Sequence[Token], text: str) -> list[tuple[int, int, str]]:
    """A chunk of tokens cut wherever the text between two of them holds a line break."""
    i, j, label = chunk
    pieces, start = [], i
    for k in range(i + 1, j):
        if "\n" in text[tokens[k - 1][1] : tokens[k][0]]:
            pieces.append((start, k, label))
            start = k
    pieces.append((start, j, label))
    return pieces
