"""The pair classifier as it was before it scaled with the label set, for `bench_relations.py` to measure beside
the toolkit's: the training design matrix built from a list of one Python dict per pair, and at prediction a
dense vector of the whole vocabulary per candidate pair, its probabilities computed again for every setting of
the grid (no reuse across the thresholds of one C). The model it trains is the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from toolkit.baselines import pairs
from toolkit.model import Document, Example, Span
from toolkit.schema import Schema


def _design(
    self: pairs.PairClassifier, train: Sequence[Example], schema: Schema
) -> tuple[Any, list[str], dict[str, int]]:
    from sklearn.feature_extraction import DictVectorizer

    self.schema = schema
    self.geo = pairs.geo_source(schema.language) if self.use_geo else None
    feats, labels = [], []
    for doc, gold in train:
        gold_rel = {(r.head, r.tail): r.label for r in gold.relations}
        ctx = pairs.PairContext(doc, gold.spans, self.geo is not None)
        for h, t in pairs.candidate_pairs(doc.text, gold.spans, schema):
            feats.append(pairs.pair_features(ctx, h, t))
            labels.append(gold_rel.get((h.id, t.id), pairs.NONE))
    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    return x, labels, {k: int(v) for k, v in vec.vocabulary_.items()}


def _dense_probabilities(self: pairs.PairClassifier, f: dict[str, float]) -> Any:
    x = np.zeros(len(self.vocab))
    for k, v in f.items():
        if k in self.vocab:
            x[self.vocab[k]] = v
    scores = self.coef @ x + self.intercept
    if len(self.classes) == 2:
        p1 = 1.0 / (1.0 + np.exp(-scores[0]))
        return np.array([1.0 - p1, p1])
    e = np.exp(scores - scores.max())
    return e / e.sum()


def _scores(self: pairs.PairClassifier, doc: Document, spans: Sequence[Span]) -> Any:
    assert self.schema is not None
    ctx = pairs.PairContext(doc, spans, self.geo is not None)
    found = list(pairs.candidate_pairs(doc.text, spans, self.schema))
    probs = [_dense_probabilities(self, pairs.pair_features(ctx, h, t)) for h, t in found]
    return found, np.array(probs) if probs else np.zeros((0, 0))


def install() -> None:
    """Make every PairClassifier of this process the old one."""
    pairs.PairClassifier._design = _design  # type: ignore[method-assign]  # the reference replaces the method
    pairs.PairClassifier._scores = _scores  # type: ignore[method-assign]
