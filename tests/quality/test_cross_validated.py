from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from toolkit.formats import import_files
from toolkit.quality.corpus import QaDoc, load_corpus
from toolkit.quality.cross_validated import bio_tags, cross_validate, model_disagreement, token_issues
from toolkit.schema import Schema

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "idner-news-2k" / "dev.txt"


@pytest.fixture(scope="module")
def dev_docs(tmp_path_factory: pytest.TempPathFactory) -> list[QaDoc]:
    out = tmp_path_factory.mktemp("idner-dev")
    import_files("conll", [DEV], out, duplicates="keep-all", cross_split="keep-all")
    docs, _ = load_corpus(out / "gold.jsonl")
    return docs[:200]


def _relabel_first(docs: list[QaDoc], surface: str, new: str) -> tuple[list[QaDoc], QaDoc]:
    for k, d in enumerate(docs):
        for s in d.gold.spans:
            if d.document.text[s.start : s.end] == surface:
                spans = tuple(replace(x, label=new) if x.id == s.id else x for x in d.gold.spans)
                changed = replace(d, gold=replace(d.gold, spans=spans))
                return [*docs[:k], changed, *docs[k + 1 :]], changed
    raise AssertionError(f"{surface!r} not in the corpus")


def test_marginals_are_probabilities_and_cover_every_token(dev_docs: list[QaDoc], schema: Schema) -> None:
    tags = bio_tags(dev_docs)
    views = cross_validate(dev_docs[:60], schema, tags, folds=3, seed=1)
    assert len(views) == 60
    for doc, view in zip(dev_docs[:60], views, strict=True):
        assert view.probs.shape == (len(doc.tokens), len(tags))
        np.testing.assert_allclose(view.probs.sum(axis=1), 1.0, atol=1e-9)
        assert len(view.viterbi) == len(view.gold_tags) == len(doc.tokens)


@pytest.mark.slow
def test_a_planted_relabel_is_flagged_by_cleanlab_with_the_right_suggestion(
    dev_docs: list[QaDoc], schema: Schema
) -> None:
    names = [d.document.text[s.start : s.end] for d in dev_docs for s in d.gold.spans if s.label == "PER"]
    name = max(set(names), key=lambda n: (names.count(n), n))
    docs, changed = _relabel_first(dev_docs, name, "LOC")
    items, views = model_disagreement(docs, schema, folds=5, seed=0)
    flagged, scores = token_issues(views, bio_tags(docs))
    k = docs.index(changed)
    span = next(s for s in changed.gold.spans if s.label == "LOC" and changed.document.text[s.start : s.end] == name)
    i, j = changed.token_span(span)
    assert any((k, t) in flagged for t in range(i, j))  # cleanlab's label-issue finder
    hit = [s for s in items if s.doc_id == changed.document.id and (s.start, s.end) == (span.start, span.end)]
    assert hit and hit[0].suggestion == "PER" and hit[0].label == "LOC"
    assert hit[0].score == pytest.approx(0.95 * (1 - scores[k][i:j].min()))
    # the same call gives the same items (seeded folds, deterministic L-BFGS)
    again, _ = model_disagreement(docs, schema, folds=5, seed=0)
    assert again == items
