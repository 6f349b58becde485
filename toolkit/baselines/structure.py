"""Relations from how two mentions sit in the text, for a cold start with no relation gold to learn from.

Two mentions are related when one is nested in the other ("RI" in the ROLE "Wakil Tetap RI untuk PBB") or they
are next to each other with only spaces, a comma or an opening bracket between them ("Direktur Jenderal ...
Haiyani Rumondang", "Kementerian Ketenagakerjaan (Kemnaker)"), **and** the schema allows exactly one relation type,
in one direction, between their two types (ROLE and PER: only ``has_role``, from the PER). Where the schema allows
two types or both directions (two GPEs: ``located_in`` either way), nothing is proposed: the structure does not say
which.

The patterns are the schema's own domain and range tables; no word of any language is in them. Their precision with
gold mentions, measured on CoNLL04 (a corpus they were not written from), is in
``benchmarks/backend/RELATION_PATTERNS.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toolkit.model import Relation, Span
from toolkit.schema import RelationType

GAPS = re.compile(r"[ \t]*,?[ \t]*|[ \t]*\([ \t]*")
"""What may stand between two mentions for them to count as next to each other (no line break, no word)."""


def arrangement(text: str, a: Span, b: Span) -> str | None:
    """``nested`` when one mention lies inside the other, ``adjacent`` when only :data:`GAPS` separates them (``a``
    first), else None."""
    if (a.start, a.end) == (b.start, b.end):
        return None
    if (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end):
        return "nested"
    if a.end <= b.start and GAPS.fullmatch(text[a.end : b.start]):
        return "adjacent"
    return None


def only_relation(types: Sequence[RelationType], a: Span, b: Span) -> tuple[str, Span, Span] | None:
    """The one (relation type, head, tail) the schema allows between the two mentions, or None when it allows
    none or more than one (a symmetric type counts once)."""
    options: set[tuple[str, str, str]] = set()
    for r in types:
        if r.allows(a.label, b.label):
            options.add((r.label, a.id, b.id) if r.directed or a.label in r.head else (r.label, b.id, a.id))
        if r.directed and r.allows(b.label, a.label):
            options.add((r.label, b.id, a.id))
    if len(options) != 1:
        return None
    ((label, head, _),) = options
    return (label, a, b) if head == a.id else (label, b, a)


def structural_relations(text: str, spans: Sequence[Span], types: Sequence[RelationType]) -> list[Relation]:
    """The relations the arrangement of ``spans`` and the schema's relation ``types`` give, in text order, with
    ids ``S1``, ``S2``, ..."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.id))
    found: list[tuple[str, Span, Span]] = []
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end and not GAPS.fullmatch(text[a.end : b.start]):
                break  # a later span's gap holds this one: it is no nearer
            if arrangement(text, a, b) is None:
                continue
            one = only_relation(types, a, b)
            if one is not None:
                found.append(one)
    return [Relation(f"S{n}", h.id, t.id, label) for n, (label, h, t) in enumerate(found, 1)]


def proposable(types: Sequence[RelationType], entity_types: Sequence[str]) -> tuple[str, ...]:
    """The relation types the patterns can ever propose: those that are the only one for some pair of entity
    types."""
    out = set()
    for x in entity_types:
        for y in entity_types:
            one = only_relation(types, Span("a", 0, 1, x), Span("b", 1, 2, y))
            if one is not None:
                out.add(one[0])
    return tuple(sorted(out))
