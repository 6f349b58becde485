from __future__ import annotations

import numpy as np
import pytest

from toolkit.model import Relation, Span
from toolkit.scoring.entities import score_entities
from toolkit.scoring.intervals import bootstrap, distinct_rows, paired_test
from toolkit.scoring.prf import prf
from toolkit.scoring.relations import score_relations


def S(i: str, a: int, b: int, label: str) -> Span:
    return Span(i, a, b, label)


def test_entity_modes_on_a_hand_case() -> None:
    gold = [[S("1", 0, 5, "PER"), S("2", 10, 15, "ORG"), S("3", 20, 25, "LOC"), S("4", 30, 35, "PER")]]
    pred = [
        [
            S("a", 0, 5, "PER"),  # correct
            S("b", 10, 15, "LOC"),  # right boundaries, wrong type
            S("c", 20, 23, "LOC"),  # partial boundaries, right type
            S("d", 40, 45, "ORG"),
        ]
    ]  # spurious; gold 4 missed
    s = score_entities(gold, pred)
    assert s.overall("strict")["correct"] == 1 and s.overall("strict")["incorrect"] == 2
    assert s.overall("strict")["f1"] == pytest.approx(0.25)
    assert s.overall("exact")["correct"] == 2 and s.overall("exact")["f1"] == pytest.approx(0.5)
    assert s.overall("partial")["partial"] == 1 and s.overall("partial")["f1"] == pytest.approx(2.5 / 4)
    assert s.overall("ent_type")["correct"] == 2 and s.overall("ent_type")["f1"] == pytest.approx(0.5)
    assert set(s.by_label("strict")) == {"LOC", "ORG", "PER"}


def test_relation_modes_direction_and_symmetry() -> None:
    spans = [S("p", 0, 5, "PER"), S("o", 10, 15, "ORG"), S("q", 20, 25, "ORG")]
    gold = [(spans, [Relation("r1", "p", "o", "works_for"), Relation("r2", "o", "q", "alias_of")])]
    reversed_pred = [(spans, [Relation("x", "o", "p", "works_for"), Relation("y", "q", "o", "alias_of")])]
    out = score_relations(gold, reversed_pred, symmetric=["alias_of"]).to_dict()
    assert out["strict"]["per_label"]["alias_of"]["f1"] == 1.0  # symmetric: either way round
    assert out["strict"]["per_label"]["works_for"]["f1"] == 0.0  # directed: the reverse is wrong
    relabelled = [S("p", 0, 5, "ORG"), S("o", 10, 15, "ORG"), S("q", 20, 25, "ORG")]
    out = score_relations(
        gold, [(relabelled, [Relation("x", "p", "o", "works_for")])], symmetric=["alias_of"]
    ).to_dict()
    assert out["strict"]["micro"]["tp"] == 0 and out["boundaries"]["micro"]["tp"] == 1
    assert out["boundaries"]["micro"]["recall"] == 0.5


def test_bootstrap_is_reproducible_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(0)
    per_doc = rng.integers(0, 5, size=(200, 5))
    a = bootstrap(per_doc, seed=7)
    assert a == bootstrap(per_doc, seed=7)
    assert a is not None and a["low"] < a["high"]
    assert bootstrap(per_doc[:1]) is None


def test_paired_tests() -> None:
    rng = np.random.default_rng(1)
    good = np.column_stack(
        [
            rng.integers(5, 9, 80),
            rng.integers(0, 2, 80),
            np.zeros(80, int),
            rng.integers(0, 2, 80),
            rng.integers(0, 2, 80),
        ]
    )
    bad = good.copy()
    bad[:, 0] -= 3
    bad[:, 3] += 3
    same = paired_test(good, good, trials=500)
    assert same["difference"] == 0.0 and same["p_value"] == 1.0
    for method in ("bootstrap", "randomization"):
        t = paired_test(good, bad, method=method, trials=500)
        assert t["difference"] > 0 and t["p_value"] < 0.01


def test_grouped_bootstrap_has_the_distribution_of_the_document_bootstrap() -> None:
    """Few distinct count rows take the multinomial path; it must match resampling documents one by one."""
    rng = np.random.default_rng(3)
    rows = np.array([[3, 0, 0, 0, 0], [2, 1, 0, 0, 1], [1, 0, 0, 2, 0], [0, 0, 0, 1, 2], [4, 0, 1, 0, 0]])
    per_doc = rows[rng.integers(0, len(rows), 4000)]
    grouped = bootstrap(per_doc, resamples=4000)
    assert grouped is not None
    n = len(per_doc)
    sums = np.array([per_doc[rng.integers(0, n, n)].sum(0) for _ in range(4000)], dtype=np.float64)
    low, high = np.percentile(prf(sums)["f1"], [2.5, 97.5])
    assert abs(grouped["low"] - low) < 0.003 and abs(grouped["high"] - high) < 0.003
    point = float(prf(per_doc.sum(0))["f1"])
    assert grouped["low"] < point < grouped["high"]


def test_distinct_rows_counts_every_document() -> None:
    per_doc = np.array([[1, 0, 0, 0, 0], [0, 0, 0, 7, 0], [1, 0, 0, 0, 0], [0, 2**40, 0, 0, 0]])
    rows, weight = distinct_rows(per_doc)
    assert sorted(zip(map(tuple, rows.tolist()), weight.tolist(), strict=True)) == [
        ((0, 0, 0, 7, 0), 1),
        ((0, 2**40, 0, 0, 0), 1),
        ((1, 0, 0, 0, 0), 2),
    ]
    rows, weight = distinct_rows(per_doc[:3])  # small counts: packed into one integer key
    assert sorted(zip(map(tuple, rows.tolist()), weight.tolist(), strict=True)) == [
        ((0, 0, 0, 7, 0), 1),
        ((1, 0, 0, 0, 0), 2),
    ]


def test_nested_spans_score_the_same_in_any_list_order() -> None:
    """A ROLE with an ORG nested in it, both proposed: listed shorter-first (as the backend once listed its regions,
    by source), the ORG would take the ROLE's gold mention as an incorrect match and leave the exact ROLE spurious."""
    gold = [[S("g1", 0, 40, "ROLE"), S("g2", 45, 50, "GPE")]]
    in_document_order = [[S("r", 0, 40, "ROLE"), S("o", 18, 30, "ORG"), S("p", 45, 50, "GPE")]]
    shorter_first = [[S("o", 18, 30, "ORG"), S("p", 45, 50, "GPE"), S("r", 0, 40, "ROLE")]]
    expected = score_entities(gold, in_document_order)
    assert expected.overall("strict")["correct"] == 2 and expected.overall("strict")["spurious"] == 1
    for pred in (shorter_first, [list(reversed(in_document_order[0]))]):
        got = score_entities([list(reversed(gold[0]))], pred)
        for mode in ("strict", "exact", "partial", "ent_type"):
            assert got.overall(mode) == expected.overall(mode), mode
