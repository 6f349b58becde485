"""Relations by structure: nested or adjacent mentions, related only where the schema allows one type one way."""

from __future__ import annotations

from toolkit.baselines.structure import proposable, structural_relations
from toolkit.model import Span
from toolkit.schema import Schema


def _relations(schema: Schema, text: str, *mentions: tuple[str, str]) -> list[tuple[str, str, str]]:
    spans = []
    for n, (words, label) in enumerate(mentions):  # each mention where its words first occur
        start = text.index(words)
        spans.append(Span(f"s{n}", start, start + len(words), label))
    by_id = {s.id: text[s.start : s.end] for s in spans}
    return [(r.label, by_id[r.head], by_id[r.tail]) for r in structural_relations(text, spans, schema.relations)]


def test_nested_and_adjacent_mentions_get_the_one_relation_the_schema_allows(schema: Schema) -> None:
    text = "Wakil Tetap RI untuk PBB Hasan Kleib tiba."
    found = _relations(schema, text, ("Wakil Tetap RI untuk PBB", "ROLE"), ("RI", "GPE"), ("Hasan Kleib", "PER"))
    assert found == [
        ("role_of", "Wakil Tetap RI untuk PBB", "RI"),  # nested: ROLE -> GPE, only role_of
        ("has_role", "Hasan Kleib", "Wakil Tetap RI untuk PBB"),  # adjacent: PER -> ROLE, from the PER
    ]
    assert _relations(schema, "Menteri, Retno", ("Menteri", "ROLE"), ("Retno", "PER")) == [
        ("has_role", "Retno", "Menteri")
    ]
    assert _relations(schema, "Konferensi (KTT)", ("Konferensi", "EVENT"), ("KTT", "EVENT")) == [
        ("alias_of", "Konferensi", "KTT")  # symmetric: counted once
    ]


def test_nothing_where_the_schema_or_the_text_does_not_say_which(schema: Schema) -> None:
    # two GPEs: located_in either way; two ORGs: part_of, member_of or alias_of
    assert _relations(schema, "Jenewa, Swiss", ("Jenewa", "GPE"), ("Swiss", "GPE")) == []
    assert _relations(schema, "ILO PBB", ("ILO", "ORG"), ("PBB", "ORG")) == []
    # a word or a line break between: not next to each other
    assert _relations(schema, "Menteri kata Retno", ("Menteri", "ROLE"), ("Retno", "PER")) == []
    assert _relations(schema, "Menteri\nRetno", ("Menteri", "ROLE"), ("Retno", "PER")) == []
    assert _relations(schema, "Menteri , , Retno", ("Menteri", "ROLE"), ("Retno", "PER")) == []
    assert proposable(schema.relations, schema.entity_labels) == ("alias_of", "has_role", "held_on", "role_of")
    assert proposable(schema.relations, ("PER", "ORG")) == ("alias_of",)
