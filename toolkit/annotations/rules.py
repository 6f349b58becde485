"""The rules every gold layer follows, whatever its source (a Label Studio export, a CoNLL, span-JSON or brat
corpus): no duplicate span, overlaps as the schema's ``span_overlap`` allows, one type per span where a
source cannot say otherwise, relations between two different spans, of a type the schema declares between
the entity types it allows, each once. One function per rule set, returning what to keep and what was wrong
(by span or relation id); callers say where (task/annotation/region, or file/line/id) and decide to refuse
or to skip and count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from toolkit.model import Relation, Span
from toolkit.schema import Schema


@dataclass(frozen=True)
class Broken:
    """One rule broken by one span or relation."""

    item: str  # the span or relation id
    code: str  # duplicate-region, two-types, overlap, self-relation, unknown-relation, relation-types, ...
    message: str


def check_spans(
    spans: Sequence[Span], policy: str, *, one_type_per_span: bool = False, ref: Callable[[str], str] = str
) -> tuple[list[Span], list[Broken]]:
    """The spans that follow the rules (in offset order) and one :class:`Broken` per span left out.

    A span with the offsets and label of an earlier one is a duplicate; with ``one_type_per_span``, a span with
    the offsets of an earlier one and another label is a second type for one span (a corpus cannot mean
    anything else by it; Label Studio has regions with several labels for that, checked where they are read).
    Overlaps follow ``policy`` (a schema's ``span_overlap``): ``allow`` anything, ``nested`` a span inside another
    but no crossing, ``forbid`` neither. ``ref`` names another span in a message (``region r1``, ``T3``)."""
    broken: list[Broken] = []
    kept: list[Span] = []
    seen: dict[tuple[int, int, str], str] = {}
    first_type: dict[tuple[int, int], Span] = {}
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.label, s.id)):
        key = (span.start, span.end, span.label)
        if key in seen:
            broken.append(
                Broken(span.id, "duplicate-region", f"duplicates {ref(seen[key])} (same offsets and label); delete one")
            )
            continue
        earlier = first_type.get((span.start, span.end))
        if one_type_per_span and earlier is not None:
            broken.append(
                Broken(
                    span.id,
                    "two-types",
                    f"[{span.start}, {span.end}) is {earlier.label} ({ref(earlier.id)}) and {span.label}: one span "
                    "has one type; keep one of them",
                )
            )
            continue
        seen[key] = span.id
        first_type.setdefault((span.start, span.end), span)
        kept.append(span)
    if policy == "allow":
        return kept, broken
    ordered = sorted(kept, key=lambda s: (s.start, -s.end, s.id))
    bad: set[str] = set()
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            if a.id in bad or b.id in bad:
                continue
            nested = b.end <= a.end
            if policy == "forbid" or not nested:
                kind = "nests inside" if nested else "crosses"
                broken.append(
                    Broken(
                        b.id,
                        "overlap",
                        f"{b.label} [{b.start}, {b.end}) {kind} {ref(a.id)} {a.label} [{a.start}, {a.end}); "
                        f"the schema's span_overlap is {policy!r}: adjust the boundaries",
                    )
                )
                bad.add(b.id)
    return [s for s in kept if s.id not in bad], broken


def relation_rule(
    rel: Relation,
    spans: Mapping[str, Span],
    schema: Schema | None,
    seen: dict[tuple[str, str, str], str],
    ref: Callable[[str], str] = str,
) -> Broken | None:
    """What is wrong with one relation whose arguments are ``spans[rel.head]`` and ``spans[rel.tail]`` (both
    kept), or None (then it is remembered in ``seen`` to find its duplicates). Without a schema, only the
    rules that need none (self, duplicates) apply. ``ref`` names a relation by its id in messages (as the
    source file names it)."""
    if rel.head == rel.tail:
        return Broken(rel.id, "self-relation", "a relation from a span to itself; delete it")
    directed = True
    if schema is not None:
        rtype = next((r for r in schema.relations if r.label == rel.label), None)
        if rtype is None:
            return Broken(
                rel.id,
                "unknown-relation",
                f"relation label {rel.label!r} is not in the schema ({', '.join(schema.relation_labels)})",
            )
        h, t = spans[rel.head], spans[rel.tail]
        if not rtype.allows(h.label, t.label):
            return Broken(
                rel.id,
                "relation-types",
                f"{rel.label} needs {'/'.join(rtype.head)} -> {'/'.join(rtype.tail)}, got {h.label} -> {t.label}; "
                "check the direction or the entity types",
            )
        directed = rtype.directed
    h_key, t_key = _span_key(spans[rel.head]), _span_key(spans[rel.tail])
    key = (h_key, t_key, rel.label) if directed else (min(h_key, t_key), max(h_key, t_key), rel.label)
    if key in seen:
        return Broken(rel.id, "duplicate-relation", f"duplicates {ref(seen[key])}; delete one")
    seen[key] = rel.id
    return None


def _span_key(s: Span) -> str:
    return f"{s.start}:{s.end}:{s.label}"


def check_relations(
    relations: Sequence[Relation], spans: Sequence[Span], schema: Schema | None, ref: Callable[[str], str] = str
) -> tuple[list[Relation], list[Broken]]:
    """The relations that follow the rules and one :class:`Broken` per relation left out; a relation whose
    argument is not among ``spans`` (left out by a span rule) goes with it."""
    by_id = {s.id: s for s in spans}
    kept: list[Relation] = []
    broken: list[Broken] = []
    seen: dict[tuple[str, str, str], str] = {}
    for rel in relations:
        missing = [a for a in (rel.head, rel.tail) if a not in by_id]
        if missing:
            broken.append(Broken(rel.id, "relation-endpoint-invalid", f"its argument {missing[0]} was left out"))
            continue
        problem = relation_rule(rel, by_id, schema, seen, ref)
        if problem is None:
            kept.append(rel)
        else:
            broken.append(problem)
    return kept, broken
