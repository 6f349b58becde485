from __future__ import annotations

from tests.quality.conftest import make_doc
from toolkit.quality.relation_patterns import MIN_USES, inconsistent_pairs, rare_type_pairs
from toolkit.schema import Schema


def _works(doc_id: str, person: str = "Hasan", org: str = "ILO", related: bool = True):
    text = f"{person} bekerja di {org} sejak lama."
    a, b = 0, len(person)
    c = text.index(org)
    return make_doc(doc_id, text, [(a, b, "PER"), (c, c + len(org), "ORG")], [(0, 1, "works_for")] if related else [])


def test_same_pair_related_elsewhere_but_not_here_is_a_missed_relation(schema: Schema) -> None:
    docs = [_works(f"d{k}") for k in range(3)] + [_works("gap", related=False)]
    (item,) = inconsistent_pairs(docs, schema)
    assert item.doc_id == "gap" and item.kind == "missed_relation"
    assert item.label is None and item.suggestion == "works_for"
    assert item.head == (0, 5, "PER") and item.tail == (17, 20, "ORG")  # "Hasan bekerja di ILO"
    assert item.score == 3 / (3 + 1 + 1)


def test_pairs_in_different_sentences_are_not_suspects(schema: Schema) -> None:
    docs = [_works(f"d{k}") for k in range(3)]
    text = "Hasan datang. Kemudian ILO menjawab."
    docs.append(make_doc("apart", text, [(0, 5, "PER"), (text.index("ILO"), text.index("ILO") + 3, "ORG")]))
    assert inconsistent_pairs(docs, schema) == []


def test_a_type_pair_the_corpus_almost_never_uses_is_a_suspect(schema: Schema) -> None:
    docs = [_works(f"d{k}", person=f"Orang{k}") for k in range(MIN_USES + 30)]
    text = "PBB bekerja di ILO sejak lama."
    odd = make_doc("odd", text, [(0, 3, "ORG"), (15, 18, "ORG")], [(0, 1, "works_for")])
    (item,) = rare_type_pairs([*docs, odd], schema)
    total = MIN_USES + 31
    assert item.doc_id == "odd" and item.kind == "relation" and item.label == "works_for"
    assert item.score == (1 - 1 / total) * total / (total + 10)
    assert "ORG -> ORG" in item.reasons[0]
    # too few uses to call anything rare
    assert rare_type_pairs([*docs[:5], odd], schema) == []
