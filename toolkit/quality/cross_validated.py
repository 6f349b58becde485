"""Model disagreement: a k-fold cross-validated CRF, its token marginals ranked by cleanlab.

Documents are dealt into ``folds`` folds by a seeded shuffle; for each fold the toolkit's CRF is
trained on the others and gives every held-out token its marginal probability of each BIO tag
(crfsuite's forward-backward). cleanlab's ``token_classification`` then does what it is for:
``find_label_issues`` flags tokens whose gold tag is a likely label error (confident learning) and
``get_label_quality_scores`` gives each token's quality (self-confidence: ``P(gold tag)``).

Tokens become items by region: a gold span the CRF reads with another label, other boundaries or as
no entity at all, or a span the CRF finds where the gold has none. The item's score is
``0.95 (1 - min quality)`` over the region's tokens; a region cleanlab does not flag keeps half of it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit._arrays import Arr
from toolkit.quality.corpus import QaDoc
from toolkit.quality.suspects import NOT_AN_ENTITY, Kind, Suspect
from toolkit.schema import Schema
from toolkit.text.bio import bio_to_spans, spans_to_bio

UNFLAGGED_WEIGHT = 0.5
CEILING = 0.95
"""The most one detector's evidence may count: a certain CRF still leaves room for the other detectors to rank."""


@dataclass(frozen=True)
class TokenView:
    """A held-out document as the cross-validated CRF saw it."""

    gold_tags: list[str]
    viterbi: list[str]
    probs: Arr  # (tokens, tags) marginals in the order of ``tags``


_SHARED: dict[str, Any] = {}


def _fold(job: tuple[int, list[int], list[int]]) -> list[tuple[int, list[str], list[dict[str, float]]]]:
    from toolkit.baselines.crf import CrfTagger

    _, train_idx, test_idx = job
    docs: Sequence[QaDoc] = _SHARED["docs"]
    schema: Schema = _SHARED["schema"]
    tagger = CrfTagger(language=schema.language)
    tagger.fit([(docs[i].document, docs[i].gold) for i in train_idx], schema)
    out = []
    for i in test_idx:
        _, viterbi, probs = tagger.marginals(docs[i].document)
        out.append((i, viterbi, probs))
    return out


def cross_validate(
    docs: Sequence[QaDoc], schema: Schema, tags: Sequence[str], folds: int = 5, seed: int = 0
) -> list[TokenView]:
    """Held-out marginals of every document (folds on forked workers where the machine has cores)."""
    from toolkit._workers import worker_pool

    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a seeded fold assignment, not a secret
    parts = [sorted(order[k::folds]) for k in range(folds)]
    jobs = [(k, sorted(i for p, part in enumerate(parts) if p != k for i in part), parts[k]) for k in range(folds)]
    _SHARED.update(docs=docs, schema=schema)
    try:
        with worker_pool([], from_bytes=0) as pool:
            results = list(pool.map(_fold, jobs)) if pool is not None else [_fold(j) for j in jobs]
    finally:
        _SHARED.clear()
    column = {t: c for c, t in enumerate(tags)}
    views: list[TokenView | None] = [None] * len(docs)
    for part in results:
        for i, viterbi, probs in part:
            matrix = np.zeros((len(probs), len(tags)))
            for t, row in enumerate(probs):
                for tag, p in row.items():
                    if tag in column:
                        matrix[t, column[tag]] = p
            sums = matrix.sum(axis=1, keepdims=True)
            matrix = np.divide(matrix, sums, out=np.full_like(matrix, 1.0 / len(tags)), where=sums > 0)
            gold = spans_to_bio(docs[i].tokens, docs[i].gold.spans).tags
            views[i] = TokenView(gold, viterbi or ["O"] * len(gold), matrix)
    return [v for v in views if v is not None]


def bio_tags(docs: Sequence[QaDoc]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for every entity type in the gold, sorted."""
    types = sorted({s.label for d in docs for s in d.gold.spans})
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def token_issues(views: Sequence[TokenView], tags: Sequence[str]) -> tuple[set[tuple[int, int]], list[Arr]]:
    """cleanlab's flagged (document, token) pairs and every token's label quality score."""
    from cleanlab.token_classification.filter import find_label_issues
    from cleanlab.token_classification.rank import get_label_quality_scores

    column = {t: c for c, t in enumerate(tags)}
    keep = [k for k, v in enumerate(views) if v.gold_tags]
    labels = [[column[t] for t in views[k].gold_tags] for k in keep]
    probs = [views[k].probs for k in keep]
    flagged = {(keep[s], t) for s, t in find_label_issues(labels, probs)}
    _, token_scores = get_label_quality_scores(labels, probs)
    scores: list[Arr] = [np.ones(0)] * len(views)
    for k, sc in zip(keep, token_scores, strict=True):
        scores[k] = np.asarray(sc, dtype=float)
    return flagged, scores


def _ranges(doc: QaDoc, tags: Sequence[str]) -> list[tuple[int, int, str]]:
    out = []
    for s in bio_to_spans(doc.tokens, tags):
        i, j = doc.token_span(s)
        out.append((i, j, s.label))
    return out


def model_disagreement(
    docs: Sequence[QaDoc], schema: Schema, folds: int = 5, seed: int = 0
) -> tuple[list[Suspect], list[TokenView]]:
    """Items where the cross-validated CRF and cleanlab contradict the gold; and the views, for reuse."""
    tags = bio_tags(docs)
    if len(tags) < 2 or len(docs) < folds:
        return [], []
    views = cross_validate(docs, schema, tags, folds, seed)
    flagged, scores = token_issues(views, tags)
    out: list[Suspect] = []
    for d, (doc, view) in enumerate(zip(docs, views, strict=True)):
        if not view.gold_tags:
            continue
        q = scores[d]
        gold = [(*doc.token_span(s), s.label, s) for s in doc.gold.spans]
        pred = _ranges(doc, view.viterbi)

        def score(i: int, j: int, d: int = d, q: Arr = q) -> float:
            worst = CEILING * float(1.0 - q[i:j].min()) if j > i else 0.0
            return worst if any((d, t) in flagged for t in range(i, j)) else UNFLAGGED_WEIGHT * worst

        text = doc.document.text
        for i, j, label, span in gold:
            if (i, j, label) in pred:
                continue
            over = [p for p in pred if p[0] < j and i < p[1]]
            kind: Kind
            if not over:
                kind, suggestion, alt, why = (
                    "spurious",
                    NOT_AN_ENTITY,
                    None,
                    "the cross-validated CRF finds no entity here",
                )
                lo, hi = i, j
            else:
                p = max(over, key=lambda p: min(j, p[1]) - max(i, p[0]))
                lo, hi = min(i, p[0]), max(j, p[1])
                if (p[0], p[1]) == (i, j):
                    kind, suggestion, alt = "label", p[2], None
                    why = f"the cross-validated CRF reads it as {p[2]}"
                else:
                    kind, suggestion, alt = "boundary", p[2], doc.chars(p[0], p[1])
                    why = f"the cross-validated CRF reads '{text[alt[0] : alt[1]]}' as {p[2]}"
            s = score(lo, hi)
            if s <= 0:
                continue
            why += f" (lowest gold-tag probability {float(q[lo:hi].min()):.2f})"
            out.append(
                Suspect(
                    doc.document.id,
                    span.start,
                    span.end,
                    text[span.start : span.end],
                    label,
                    suggestion,
                    kind,
                    s,
                    ("model",),
                    (why,),
                    alt,
                    split=doc.split,
                )
            )
        for i, j, label in pred:
            if any(g[0] < j and i < g[1] for g in gold):
                continue
            s = score(i, j)
            if s <= 0:
                continue
            a, b = doc.chars(i, j)
            out.append(
                Suspect(
                    doc.document.id,
                    a,
                    b,
                    text[a:b],
                    None,
                    label,
                    "missed",
                    s,
                    ("model",),
                    (f"the cross-validated CRF finds {label} here; the gold has no entity",),
                    split=doc.split,
                )
            )
    return out, views
