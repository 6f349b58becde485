"""Our scorer equals seqeval (default and strict IOB2) and nervaluate on real data, to the last digit."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nervaluate import Evaluator
from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2

from toolkit.formats.conll import read_conll
from toolkit.model import Span
from toolkit.scoring.entities import score_entities
from toolkit.text.bio import bio_to_spans

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "idner-news-2k"
LABELS = ["PER", "ORG", "LOC"]
OUTCOMES = ("correct", "incorrect", "partial", "missed", "spurious")


def perturb(tags: list[str], rng: random.Random) -> list[str]:
    """Realistic tagger errors: wrong type, shifted or cut boundaries, misses, spurious, stray I- tags."""
    out = list(tags)
    for k in range(len(out)):
        r = rng.random()
        if out[k] != "O" and r < 0.08:
            out[k] = out[k][:2] + rng.choice(LABELS)
        elif out[k] != "O" and r < 0.14:
            out[k] = "O"
        elif out[k] == "O" and r < 0.03:
            out[k] = rng.choice(["B-", "I-"]) + rng.choice(LABELS)
        elif out[k].startswith("I-") and r < 0.18:
            out[k] = "B-" + out[k][2:]
    return out


@pytest.fixture(scope="module")
def corpus() -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(13)
    sentences = [s for f in ("dev.txt", "test.txt") for s in read_conll(DATA / f)]
    gold = [list(s.tags) for s in sentences]
    return gold, [perturb(g, rng) for g in gold]


def token_spans(tags: list[str], strict: bool = False) -> list[Span]:
    """Spans in token units (start = first token index, end = last + 1)."""
    return bio_to_spans([(i, i + 1) for i in range(len(tags))], tags, strict=strict)


def test_equals_seqeval_default(corpus: tuple[list[list[str]], list[list[str]]]) -> None:
    gold, pred = corpus
    ours = score_entities([token_spans(t) for t in gold], [token_spans(t) for t in pred])
    ref = classification_report(gold, pred, output_dict=True, digits=10)
    micro = ours.overall("strict")
    assert micro["precision"] == pytest.approx(ref["micro avg"]["precision"], abs=1e-12)
    assert micro["recall"] == pytest.approx(ref["micro avg"]["recall"], abs=1e-12)
    assert micro["f1"] == pytest.approx(ref["micro avg"]["f1-score"], abs=1e-12)
    assert micro["f1"] == pytest.approx(f1_score(gold, pred), abs=1e-12)
    for label, row in ours.by_label("strict").items():
        assert row["f1"] == pytest.approx(ref[label]["f1-score"], abs=1e-12), label
        assert row["correct"] + row["incorrect"] + row["missed"] == ref[label]["support"]
    assert ours.macro_f1("strict") == pytest.approx(ref["macro avg"]["f1-score"], abs=1e-12)
    assert 0.5 < micro["f1"] < 0.95  # the perturbation is neither trivial nor destructive


def test_equals_seqeval_strict_iob2(corpus: tuple[list[list[str]], list[list[str]]]) -> None:
    gold, pred = corpus
    ours = score_entities([token_spans(t, strict=True) for t in gold], [token_spans(t, strict=True) for t in pred])
    ref = classification_report(gold, pred, output_dict=True, mode="strict", scheme=IOB2, digits=10)
    assert ours.overall("strict")["f1"] == pytest.approx(ref["micro avg"]["f1-score"], abs=1e-12)
    assert ours.macro_f1("strict") == pytest.approx(ref["macro avg"]["f1-score"], abs=1e-12)
    for label, row in ours.by_label("strict").items():
        assert row["precision"] == pytest.approx(ref[label]["precision"], abs=1e-12), label
        assert row["recall"] == pytest.approx(ref[label]["recall"], abs=1e-12), label


@pytest.mark.parametrize("mode", ["strict", "exact", "partial", "ent_type"])
def test_equals_nervaluate_token_level(corpus: tuple[list[list[str]], list[list[str]]], mode: str) -> None:
    gold, pred = corpus
    ours = score_entities([token_spans(t) for t in gold], [token_spans(t) for t in pred])
    ref = Evaluator(gold, pred, tags=LABELS, loader="list").evaluate()
    r = ref["overall"][mode]
    o = ours.overall(mode)
    assert outcomes(o) == ref_outcomes(r)
    assert (o["precision"], o["recall"], o["f1"]) == pytest.approx((r.precision, r.recall, r.f1), abs=1e-12)
    for label, row in ours.by_label(mode).items():
        e = ref["entities"][label][mode]
        assert outcomes(row) == ref_outcomes(e), label
        assert row["f1"] == pytest.approx(e.f1, abs=1e-12)


def outcomes(row: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(int(row[k]) for k in OUTCOMES)


def ref_outcomes(ref: Any) -> tuple[int, ...]:
    """nervaluate's counts of one mode, in the order of :data:`OUTCOMES`."""
    return tuple(int(getattr(ref, k)) for k in OUTCOMES)


def test_equals_nervaluate_on_character_spans(corpus: tuple[list[list[str]], list[list[str]]]) -> None:
    gold, pred = corpus
    sentences = [s for f in ("dev.txt", "test.txt") for s in read_conll(DATA / f)]

    def char_spans(tokens: tuple[str, ...], tags: list[str]) -> list[Span]:
        offsets, pos = [], 0
        for tok in tokens:
            offsets.append((pos, pos + len(tok)))
            pos += len(tok) + 1
        return bio_to_spans(offsets, tags)

    g = [char_spans(s.tokens, t) for s, t in zip(sentences, gold, strict=True)]
    p = [char_spans(s.tokens, t) for s, t in zip(sentences, pred, strict=True)]

    def dicts(docs: list[list[Span]]) -> list[list[dict[str, object]]]:
        return [[{"label": x.label, "start": x.start, "end": x.end - 1} for x in doc] for doc in docs]

    ref = Evaluator(dicts(g), dicts(p), tags=LABELS, loader="dict").evaluate()
    ours = score_entities(g, p)
    for mode in ("strict", "exact", "partial", "ent_type"):
        assert ours.overall(mode)["f1"] == pytest.approx(ref["overall"][mode].f1, abs=1e-12), mode


@pytest.mark.parametrize("seed", range(20))
def test_nested_spans_equal_nervaluate_in_document_order(seed: int) -> None:
    """Random nested and overlapping spans in a shuffled order: the scores equal nervaluate's on the same spans in
    document order, to the last digit (the engine is nervaluate's greedy matching; only the order is fixed)."""
    rng = np.random.default_rng(seed)
    labels = ["PER", "ORG", "GPE"]

    def spans(n: int, who: str) -> list[Span]:
        out = []
        for k in range(n):
            a = int(rng.integers(0, 60))
            out.append(Span(f"{who}{k}", a, a + int(rng.integers(1, 15)), labels[int(rng.integers(0, 3))]))
        return out

    gold = [spans(int(rng.integers(0, 8)), "g") for _ in range(5)]
    pred = [spans(int(rng.integers(0, 8)), "p") for _ in range(5)]
    shuffled = [[d[i] for i in rng.permutation(len(d))] for d in pred]

    def dicts(docs: list[list[Span]]) -> list[list[dict[str, object]]]:
        return [sorted(({"label": x.label, "start": x.start, "end": x.end - 1} for x in d), key=_key) for d in docs]

    ref = Evaluator(dicts(gold), dicts(pred), tags=labels, loader="dict").evaluate()
    ours = score_entities(gold, shuffled)
    for mode in ("strict", "exact", "partial", "ent_type"):
        assert outcomes(ours.overall(mode)) == ref_outcomes(ref["overall"][mode]), mode


def _key(d: dict[str, object]) -> tuple[object, ...]:
    return (d["start"], d["end"], d["label"])
