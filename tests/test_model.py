from __future__ import annotations

import dataclasses

import pytest

from toolkit.errors import ModelError
from toolkit.model import Document, Layer, Provenance, Relation, Span


def _layer(spans: list[Span], relations: list[Relation]) -> Layer:
    return Layer("d1", "alice", "2026-01-01T00:00:00Z", tuple(spans), tuple(relations), Provenance("x.json"))


def test_span_text_is_python_slice() -> None:
    doc = Document("d1", "Halo 😀 Jenewa")
    span = Span("s1", 7, 13, "GPE")
    assert doc.span_text(span) == "Jenewa" == doc.text[7:13]


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2)])
def test_span_rejects_empty_or_negative_ranges(start: int, end: int) -> None:
    with pytest.raises(ModelError, match=r"span s1: offsets"):
        Span("s1", start, end, "PER")


def test_span_past_the_end_is_refused_by_document() -> None:
    with pytest.raises(ModelError, match=r"document d1: span s1 \[2, 9\) ends past the text \(4 code points\)"):
        Document("d1", "abcd").span_text(Span("s1", 2, 9, "PER"))


def test_values_are_frozen() -> None:
    doc = Document("d1", "text", {"outlet": "Suara.com"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.metadata["outlet"] = "x"  # type: ignore[index]


def test_layer_checks_relation_endpoints_and_duplicate_ids() -> None:
    s1, s2 = Span("a", 0, 1, "PER"), Span("b", 2, 3, "ORG")
    layer = _layer([s1, s2], [Relation("r", "a", "b", "works_for")])
    assert layer.span("b") == s2
    with pytest.raises(ModelError, match=r"relation r tail 'zz' is not a span of this layer"):
        _layer([s1, s2], [Relation("r", "a", "zz", "works_for")])
    with pytest.raises(ModelError, match=r"duplicate span ids \['a'\]"):
        _layer([s1, Span("a", 4, 5, "ORG")], [])


def test_layer_check_against_document() -> None:
    layer = _layer([Span("a", 0, 10, "PER")], [])
    with pytest.raises(ModelError, match="ends past the text"):
        layer.check_against(Document("d1", "short"))


def test_annotation_is_a_deprecated_alias_of_layer() -> None:
    import toolkit.model
    from toolkit.model import Layer

    with pytest.warns(DeprecationWarning, match="use Layer"):
        assert toolkit.model.Annotation is Layer
