from __future__ import annotations

from tests.quality.conftest import make_doc, sentence
from toolkit.quality.suspects import NOT_AN_ENTITY
from toolkit.quality.variation import boundary_variation, label_variation


def _corpus():
    docs = [sentence(f"d{k}", ["Kata", "Jokowi", "kemarin"], [None, "PER", None]) for k in range(6)]
    docs.append(sentence("odd", ["Kata", "Jokowi", "lagi"], [None, "ORG", None]))  # the odd label out
    docs.append(sentence("miss", ["Lalu", "Jokowi", "pergi"], [None, None, None]))  # unlabelled occurrence
    docs += [sentence(f"m{k}", ["Menurut", "dia"], [None, None]) for k in range(5)]
    docs.append(sentence("spur", ["Menurut", "saya"], ["LOC", None]))  # labelled once, unlabelled five times
    return docs


def test_label_variation_finds_the_odd_label_the_missed_and_the_spurious() -> None:
    items = {(s.doc_id, s.kind): s for s in label_variation(_corpus())}
    odd = items[("odd", "label")]
    assert (odd.text, odd.label, odd.suggestion) == ("Jokowi", "ORG", "PER")
    assert odd.score == 6 / (6 + 1 + 1)
    missed = items[("miss", "missed")]
    assert (missed.text, missed.label, missed.suggestion) == ("Jokowi", None, "PER")
    assert missed.score == 7 / (7 + 1 + 1)
    spur = items[("spur", "spurious")]
    assert (spur.text, spur.label, spur.suggestion) == ("Menurut", "LOC", NOT_AN_ENTITY)
    assert spur.score == 5 / (5 + 1 + 1)
    # the majority occurrences are not suspects
    assert not [s for s in label_variation(_corpus()) if s.doc_id.startswith("d")]


def test_case_differences_halve_a_missed_mention() -> None:
    docs = [sentence(f"d{k}", ["Bank", "Dunia"], [None, "ORG"]) for k in range(3)]
    docs.append(sentence("low", ["kata", "dunia"], [None, None]))
    (item,) = [s for s in label_variation(docs) if s.doc_id == "low"]
    assert item.score == 0.5 * 3 / 5


def test_offsets_are_code_points_of_the_document() -> None:
    text = "😀 Jokowi datang. Jokowi pulang."
    a = text.index("Jokowi")
    b = text.index("Jokowi", a + 1)
    docs = [make_doc("e", text, [(a, a + 6, "PER")])] + [make_doc(f"x{k}", "Jokowi", [(0, 6, "PER")]) for k in range(3)]
    (item,) = [s for s in label_variation(docs) if s.doc_id == "e"]
    assert (item.start, item.end) == (b, b + 6)
    assert text[item.start : item.end] == item.text == "Jokowi"


def test_boundary_variation_suggests_the_extent_the_corpus_uses() -> None:
    docs = [sentence(f"d{k}", ["Kata", "Jokowi", "mengatakan"], [None, "PER", None]) for k in range(5)]
    grown = make_doc("grown", "Jokowi mengatakan itu", [(0, 17, "PER")])
    (item,) = [s for s in boundary_variation([*docs, grown]) if s.doc_id == "grown"]
    assert item.kind == "boundary"
    assert item.suggested_span == (0, 6)
    # "mengatakan" occurs 6 times, once inside a span (this one): inside rate (1 + 0.5) / (6 + 1)
    assert item.score == 5 / (5 + 1 + 1) * (1 - 1.5 / 7)
    assert "leave it out" in item.reasons[0]


def test_a_name_that_is_always_whole_is_not_a_boundary_suspect() -> None:
    docs = [sentence(f"j{k}", ["di", "Jakarta"], [None, "LOC"]) for k in range(5)]
    docs += [make_doc(f"p{k}", "Pemprov Jakarta hari ini", [(0, 15, "ORG")]) for k in range(3)]
    # 'pemprov' is inside a span every time it occurs: leaving it out is not suggested strongly
    items = [s for s in boundary_variation(docs) if s.doc_id.startswith("p")]
    assert all(s.score < 0.15 for s in items)
