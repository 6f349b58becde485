"""Inter-annotator agreement on documents with two or more human annotation layers.

Span F1 uses the matcher that scores models (:mod:`toolkit.evaluate`): exact matching is its
``strict`` mode, overlap matching its ``ent_type`` mode (same type, overlapping, closest
boundaries). Relation F1 aligns the relation arguments through exact span matching
(:mod:`toolkit.scoring`). Token agreement is Cohen's kappa (scikit-learn) over the
tokens of :mod:`toolkit.tokenize`, each token labelled with the outermost span covering it.
Figures are given per annotator pair, averaged over pairs, per label and per document, with
percentile bootstrap 95% intervals over documents.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from toolkit.evaluate import counts_by_label
from toolkit.model import Annotation, Document, Span
from toolkit.schema import Schema
from toolkit.scoring import PRF, bootstrap_f1, micro, relation_counts, total
from toolkit.tokenize import tokenize

MEASURES = ("span_exact", "span_overlap", "relation")


def token_labels(text: str, spans: Sequence[Span]) -> list[str]:
    """One label per token: the outermost span (longest, then earliest) covering the token, else ``O``."""
    tokens = tokenize(text)
    labels = ["O"] * len(tokens)
    starts = [s for s, _ in tokens]
    for span in sorted(spans, key=lambda s: (s.end - s.start, -s.start)):  # outermost written last
        i = bisect.bisect_left(starts, span.start)
        while i < len(tokens) and tokens[i][0] < span.end:
            labels[i] = span.label
            i += 1
    return labels


@dataclass
class PairResult:
    a: str
    b: str
    documents: int
    counts: dict[str, dict[str, PRF]] = field(default_factory=dict)  # measure -> label -> PRF
    kappa: float | None = None

    def f1(self, measure: str) -> float:
        return micro(self.counts.get(measure, {})).f1


@dataclass(frozen=True)
class AgreementReport:
    documents: int
    documents_skipped: int
    annotators: tuple[str, ...]
    pairs: tuple[dict[str, Any], ...]
    overall: dict[str, Any]
    per_label: dict[str, dict[str, float]]
    per_document: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "documents_skipped": self.documents_skipped,
            "annotators": list(self.annotators),
            "pairs": list(self.pairs),
            "overall": self.overall,
            "per_label": self.per_label,
            "per_document": list(self.per_document),
        }


def _span_prf(a: Sequence[Span], b: Sequence[Span], mode: str) -> dict[str, PRF]:
    """Per-label counts of annotator B against annotator A with the model-scoring matcher.

    A match is a true positive; a wrong-type or partial match counts as both a false positive
    and a false negative, so F1 = 2 x matches / (|A| + |B|), symmetric in A and B.
    """
    out = {}
    for label, (cor, inc, par, mis, spu) in counts_by_label(a, b, mode).items():
        out[label] = PRF(tp=cor, fp=inc + par + spu, fn=inc + par + mis)
    return out


def _kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score

    if not a:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0  # both annotators gave every token the same single label: perfect agreement
    return float(cohen_kappa_score(a, b))


def agreement(
    docs: Iterable[tuple[Document, Sequence[Annotation]]],
    schema: Schema,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    symmetric = [r.label for r in schema.relations if not r.directed]
    pairs: dict[tuple[str, str], PairResult] = {}
    pair_tokens: dict[tuple[str, str], tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    per_doc_counts: dict[str, list[PRF]] = {m: [] for m in MEASURES}
    per_doc_tokens: list[list[tuple[list[str], list[str]]]] = []
    per_document: list[dict[str, Any]] = []
    annotators: set[str] = set()
    used = skipped = 0
    for doc, layers in docs:
        humans = {layer.annotator: layer for layer in layers if layer.kind == "annotation"}
        if len(humans) < 2:
            skipped += 1
            continue
        used += 1
        annotators |= set(humans)
        doc_counts: dict[str, PRF] = {m: PRF() for m in MEASURES}
        doc_tokens: list[tuple[list[str], list[str]]] = []
        for a, b in combinations(sorted(humans), 2):
            la, lb = humans[a], humans[b]
            pr = pairs.setdefault((a, b), PairResult(a, b, 0))
            pr.documents += 1
            measures = {
                "span_exact": _span_prf(la.spans, lb.spans, "strict"),
                "span_overlap": _span_prf(la.spans, lb.spans, "ent_type"),
                "relation": relation_counts(la.spans, la.relations, lb.spans, lb.relations, symmetric, "exact"),
            }
            for m, counts in measures.items():
                pr.counts[m] = total([pr.counts.get(m, {}), counts])
                doc_counts[m] += micro(counts)
            ta, tb = token_labels(doc.text, la.spans), token_labels(doc.text, lb.spans)
            pair_tokens[(a, b)][0].extend(ta)
            pair_tokens[(a, b)][1].extend(tb)
            doc_tokens.append((ta, tb))
        for m in MEASURES:
            per_doc_counts[m].append(doc_counts[m])
        per_doc_tokens.append(doc_tokens)
        per_document.append(
            {
                "id": doc.id,
                "annotators": sorted(humans),
                **{f"{m}_f1": doc_counts[m].f1 for m in MEASURES},
                "kappa": _mean_or_none([_kappa(x, y) for x, y in doc_tokens]),
            }
        )
    for key, pr in pairs.items():
        pr.kappa = _kappa(*pair_tokens[key])

    overall: dict[str, Any] = {}
    for m in MEASURES:
        pooled = sum(per_doc_counts[m], PRF())
        ci = bootstrap_f1(per_doc_counts[m], resamples=resamples, seed=seed)
        overall[m] = {
            "f1_pooled": pooled.f1 if used else None,
            "f1_mean_over_pairs": _mean_or_none([p.f1(m) for p in pairs.values()]),
            "ci95": ci.to_dict() if ci else None,
        }
    overall["kappa"] = {
        "mean_over_pairs": _mean_or_none([p.kappa for p in pairs.values()]),
        "ci95": _kappa_ci(per_doc_tokens, resamples, seed),
    }
    per_label: dict[str, dict[str, float]] = {}
    for m in ("span_exact", "span_overlap", "relation"):
        labels = total([p.counts.get(m, {}) for p in pairs.values()])
        for label, prf in sorted(labels.items()):
            per_label.setdefault(label, {})[f"{m}_f1"] = prf.f1
    pair_rows = tuple(
        {
            "a": p.a,
            "b": p.b,
            "documents": p.documents,
            **{f"{m}_f1": p.f1(m) for m in MEASURES},
            "kappa": p.kappa,
        }
        for p in pairs.values()
    )
    return AgreementReport(used, skipped, tuple(sorted(annotators)), pair_rows, overall, per_label, tuple(per_document))


def _mean_or_none(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _kappa_ci(per_doc: list[list[tuple[list[str], list[str]]]], resamples: int, seed: int) -> dict[str, Any] | None:
    """Bootstrap over documents of the mean pairwise token kappa (pooled per resample)."""
    if len(per_doc) < 2:
        return None
    rng = np.random.default_rng(seed)
    stats = []
    for _ in range(resamples):
        idx = rng.integers(0, len(per_doc), len(per_doc))
        a: list[str] = []
        b: list[str] = []
        for i in idx:
            for ta, tb in per_doc[i]:
                a += ta
                b += tb
        k = _kappa(a, b)
        if k is not None and not np.isnan(k):
            stats.append(k)
    if not stats:
        return None
    low, high = np.percentile(stats, [2.5, 97.5])
    return {"low": float(low), "high": float(high), "resamples": resamples, "confidence": 0.95}
