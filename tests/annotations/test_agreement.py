from __future__ import annotations

import numpy as np

from toolkit.annotations.agreement import agreement
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema
from toolkit.scoring.entities import ents_of
from toolkit.scoring.kappa import token_label_ids
from toolkit.text.tokens import token_columns, tokenize


def layer(who: str, spans: list[Span], rels: list[Relation] | None = None, doc: str = "d") -> Layer:
    return Layer(doc, who, "", tuple(spans), tuple(rels or []), Provenance("x"))


TEXT = "Aa Bb Cc Dd"
A, B, C = Span("a", 0, 2, "PER"), Span("b", 3, 5, "PER"), Span("c", 6, 8, "PER")


def test_identical_annotators_agree_perfectly(schema: Schema) -> None:
    spans = [A, Span("o", 3, 5, "ORG")]
    rels = [Relation("r", "a", "o", "works_for")]
    docs = [
        (Document(f"d{i}", TEXT), [layer("u1", spans, rels, f"d{i}"), layer("u2", spans, rels, f"d{i}")])
        for i in range(3)
    ]
    report = agreement(docs, schema, resamples=200)
    for m in ("span_exact", "span_overlap", "relation"):
        assert report.overall[m]["f1_pooled"] == 1.0
        assert report.overall[m]["ci95"]["low"] == 1.0 == report.overall[m]["ci95"]["high"]
    assert report.overall["kappa"]["mean_over_pairs"] == 1.0


def test_disjoint_annotators_agree_zero(schema: Schema) -> None:
    docs = [(Document("d", TEXT), [layer("u1", [A]), layer("u2", [Span("x", 6, 8, "ORG")])])]
    report = agreement(docs, schema)
    assert report.overall["span_exact"]["f1_pooled"] == 0.0
    assert report.overall["span_overlap"]["f1_pooled"] == 0.0
    assert report.overall["span_exact"]["ci95"] is None  # one document: no interval


def test_known_kappa_and_f1(schema: Schema) -> None:
    # tokens Aa Bb Cc Dd: u1 = PER PER PER O, u2 = PER PER O O
    # po = 3/4; pe = .75*.5 + .25*.5 = .5; kappa = (.75 - .5) / (1 - .5) = 0.5; span F1 = 2*2/(3+2) = 0.8
    docs = [(Document("d", TEXT), [layer("u1", [A, B, C]), layer("u2", [A, B])])]
    report = agreement(docs, schema)
    assert report.overall["kappa"]["mean_over_pairs"] == 0.5
    assert report.overall["span_exact"]["f1_pooled"] == 0.8
    assert report.per_label["PER"]["span_exact_f1"] == 0.8
    (pair,) = report.pairs
    assert (pair["a"], pair["b"], pair["documents"]) == ("u1", "u2", 1)


def test_overlap_matching_and_relations_through_alignment(schema: Schema) -> None:
    text = "Haiyani bekerja di Kementerian Ketenagakerjaan RI"
    per = Span("p", 0, 7, "PER")
    org_long = Span("o", 19, 49, "ORG")
    org_short = Span("o", 19, 46, "ORG")  # boundary differs
    l1 = layer("u1", [per, org_long], [Relation("r", "p", "o", "works_for")])
    l2 = layer("u2", [per, org_short], [Relation("r", "p", "o", "works_for")])
    report = agreement([(Document("d", text), [l1, l2])], schema)
    assert report.overall["span_exact"]["f1_pooled"] == 0.5
    assert report.overall["span_overlap"]["f1_pooled"] == 1.0
    assert report.overall["relation"]["f1_pooled"] == 0.0  # relation arguments align under exact matching only


def test_documents_with_one_annotator_are_skipped_and_counted(schema: Schema) -> None:
    report = agreement([(Document("d", TEXT), [layer("u1", [A])])], schema)
    assert report.documents == 0 and report.documents_skipped == 1
    assert report.overall["span_exact"]["f1_pooled"] is None


def test_token_labels_keep_the_outermost_span() -> None:
    text = "Wakil Tetap RI untuk PBB"
    role, gpe = Span("r", 0, 24, "ROLE"), Span("g", 12, 14, "GPE")
    _, starts, ends = token_columns(text)
    ids = token_label_ids(starts, ends, ents_of([gpe, role]), {"ROLE": 1, "GPE": 2})
    assert ids.tolist() == [1] * 5
    assert len(tokenize(text)) == 5
    assert np.array_equal(token_label_ids(starts, ends, ents_of([gpe]), {"GPE": 2}), [0, 0, 2, 0, 0])


def test_bootstrap_is_reproducible(schema: Schema) -> None:
    docs = [
        (Document(f"d{i}", TEXT), [layer("u1", [A, B, C][: 1 + i % 3], doc=f"d{i}"), layer("u2", [A, B], doc=f"d{i}")])
        for i in range(6)
    ]
    r1 = agreement(docs, schema, seed=3).overall
    r2 = agreement(docs, schema, seed=3).overall
    assert r1 == r2
    ci = r1["span_exact"]["ci95"]
    assert ci["low"] <= r1["span_exact"]["f1_pooled"] <= ci["high"]
