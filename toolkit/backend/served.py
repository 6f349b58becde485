"""The served model: the tuned CRF and the pair classifier, as Label Studio predictions with a confidence.

Confidence (least confidence over tokens, as active learning uses it): a region's ``score`` is the
lowest marginal probability ``P(y_t = ŷ_t | x)`` of the CRF's Viterbi tags over the region's tokens;
the task's ``score`` is the same minimum over **all** tokens of the text (the tokens tagged ``O``
included, so a possible missed name also lowers it); a relation's ``score`` is the classifier's
probability of its label. Sorting tasks by ascending score puts the least confident first.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps
from toolkit.annotations.results import layer_to_result
from toolkit.baselines import fit_tuned, fit_tuned_relations
from toolkit.baselines.base import as_layer
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.pairs import PairClassifier
from toolkit.errors import ToolkitError
from toolkit.model import Document, Example, Span
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.text.bio import bio_to_spans, token_range


class BackendError(ToolkitError):
    """The backend's model cannot be trained, loaded or applied."""


def token_confidences(crf: CrfTagger, doc: Document) -> tuple[list[tuple[int, int]], list[str], list[float]]:
    """Tokens, the CRF's Viterbi tags and each token's ``P(y_t = ŷ_t | x)``."""
    tokens, tags, probs = crf.marginals(doc)
    return tokens, tags, [p.get(t, 0.0) for p, t in zip(probs, tags, strict=True)]


def least_confidence(crf: CrfTagger, doc: Document) -> float:
    """The task score: the lowest ``P(y_t = ŷ_t | x)`` over the text's tokens (1.0 for a text without tokens)."""
    return min(token_confidences(crf, doc)[2], default=1.0)


@dataclass
class ServedModel:
    crf: CrfTagger
    relations: PairClassifier | None
    version: str
    trained_on: dict[str, Any] = field(default_factory=dict)

    def predict(self, doc: Document, schema: Schema) -> dict[str, Any]:
        """One Label Studio prediction: ``{"result": [...], "score": s, "model_version": v}``."""
        tokens, tags, confidence = token_confidences(self.crf, doc)
        spans = [Span(f"p{k}", s.start, s.end, s.label) for k, s in enumerate(bio_to_spans(tokens, tags), 1)]
        starts, ends = [a for a, _ in tokens], [b for _, b in tokens]
        scores: dict[str, float] = {}
        for s in spans:
            i, j = token_range(starts, ends, s.start, s.end)
            scores[s.id] = round(min(confidence[i:j]), 6)
        relations = []
        if self.relations is not None and spans:
            for rel, p in self.relations.predict_scored(doc, spans):
                relations.append(rel)
                scores[rel.id] = round(p, 6)
        layer = as_layer(doc, self.version, spans, relations)
        result = layer_to_result(layer, doc.text, schema, scores)
        return {"result": result, "score": round(min(confidence, default=1.0), 6), "model_version": self.version}

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        self.crf.save(folder / "crf")
        if self.relations is not None:
            self.relations.save(folder / "relations")
        atomic_write_text(
            folder / "served.json", dumps({"version": self.version, "trained_on": self.trained_on}, indent=1) + "\n"
        )


def load_model(folder: Path) -> ServedModel:
    folder = Path(folder)
    try:
        meta = json.loads((folder / "served.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackendError(
            f"{folder}: not a served model folder ({exc}); train one with `toolkit ls backend --release`"
        ) from None
    rel = PairClassifier.load(folder / "relations") if (folder / "relations").is_dir() else None
    return ServedModel(CrfTagger.load(folder / "crf"), rel, str(meta["version"]), dict(meta.get("trained_on", {})))


def train_model(
    train: Sequence[Example],
    validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    version: str,
    trained_on: dict[str, Any],
) -> ServedModel:
    """The configuration ``bench`` scores: c1/c2 (and the classifier's C and threshold) tuned on validation."""
    if not train:
        raise BackendError("nothing to train on: no training documents")
    crf = CrfTagger()
    fit_tuned(crf, train, validation, schema, rule)
    relations: PairClassifier | None = None
    if any(g.relations for _, g in train):
        relations = PairClassifier()
        symmetric = [r.label for r in schema.relations if not r.directed]
        fit_tuned_relations(relations, train, validation, schema, rule, symmetric)
    return ServedModel(crf, relations, version, trained_on)
