"""Relation baselines over given entity spans (gold spans, or a tagger's predictions).

- ``pairs``: for each entity, the nearest entity in the same sentence whose type pair the schema
  allows and training has seen, labelled with the most frequent training label for that pair.
- ``pair-classifier``: logistic regression (scikit-learn) over candidate pairs in a sentence
  (types, order, distance, words between); saved as JSON weights, no pickle.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines.base import BaselineError, Example, read_config, write_config
from toolkit.model import Document, Relation, Span
from toolkit.schema import Schema

NONE = "NONE"


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    cuts = [0] + [m.end() for m in re.finditer(r"(?<=[.!?])[\"']?\s+(?=[\"'A-Z(])|\n+", text)] + [len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def candidate_pairs(text: str, spans: Sequence[Span], schema: Schema) -> Iterator[tuple[Span, Span]]:
    """Ordered pairs of distinct, non-nested spans in one sentence that some relation type allows."""
    bounds = sentence_bounds(text)

    def sentence(s: Span) -> int:
        return next((i for i, (a, b) in enumerate(bounds) if a <= s.start < b), -1)

    where = {s.id: sentence(s) for s in spans}
    for h in spans:
        for t in spans:
            if h.id == t.id or where[h.id] != where[t.id] or (h.start < t.end and t.start < h.end):
                continue
            if any(r.allows(h.label, t.label) for r in schema.relations):
                yield h, t


class PairBaseline:
    name = "pairs"

    def __init__(self) -> None:
        self.labels: dict[tuple[str, str], str] = {}
        self.schema: Schema | None = None

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        self.schema = schema
        counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for _, gold in train:
            by_id = {s.id: s for s in gold.spans}
            for r in gold.relations:
                counts[(by_id[r.head].label, by_id[r.tail].label)][r.label] += 1
        self.labels = {k: sorted(c.items(), key=lambda x: (-x[1], x[0]))[0][0] for k, c in counts.items()}

    def predict_relations(self, doc: Document, spans: Sequence[Span]) -> list[Relation]:
        if self.schema is None:
            raise BaselineError("the pair baseline is not trained")
        best: dict[str, tuple[int, Span]] = {}
        for h, t in candidate_pairs(doc.text, spans, self.schema):
            label = self.labels.get((h.label, t.label))
            if label and self.schema.relation(label).allows(h.label, t.label):
                dist = min(abs(h.start - t.end), abs(t.start - h.end))
                if h.id not in best or dist < best[h.id][0]:
                    best[h.id] = (dist, t)
        by_id = {s.id: s for s in spans}
        rels = []
        for n, (hid, (_, t)) in enumerate(sorted(best.items()), 1):
            rels.append(Relation(f"R{n}", hid, t.id, self.labels[(by_id[hid].label, t.label)]))
        return rels

    def save(self, folder: Path) -> None:
        write_config(folder, self.name, {"schema": self.schema.model_dump(mode="json") if self.schema else None})
        atomic_write_text(Path(folder) / "pairs.json", dumps(sorted([*k, v] for k, v in self.labels.items())) + "\n")

    @classmethod
    def load(cls, folder: Path) -> PairBaseline:
        from toolkit.schema import parse_schema

        config = read_config(folder, cls.name)
        model = cls()
        model.schema = parse_schema(config["schema"], source=str(folder))
        rows = json.loads((Path(folder) / "pairs.json").read_text(encoding="utf-8"))
        model.labels = {(h, t): label for h, t, label in rows}
        return model


def pair_features(text: str, h: Span, t: Span) -> dict[str, float]:
    a, b = (h.end, t.start) if h.end <= t.start else (t.end, h.start)
    between = re.findall(r"\w+", text[a:b].lower())
    dist = len(between)
    f = {
        f"types={h.label}>{t.label}": 1.0,
        f"head={h.label}": 1.0,
        f"tail={t.label}": 1.0,
        f"head_first={h.start < t.start}": 1.0,
        f"dist={min(dist, 10) if dist < 10 else '10+'}": 1.0,
    }
    for w in between[:6]:
        f[f"between={w}"] = 1.0
    f[f"type_order={h.label}>{t.label}:{h.start < t.start}"] = 1.0
    return f


class PairClassifier:
    name = "pair-classifier"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.vocab: dict[str, int] = {}
        self.classes: list[str] = []
        self.coef: np.ndarray[Any, Any] = np.zeros((0, 0))
        self.intercept: np.ndarray[Any, Any] = np.zeros(0)
        self.schema: Schema | None = None

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        self.schema = schema
        feats, labels = [], []
        for doc, gold in train:
            gold_rel = {(r.head, r.tail): r.label for r in gold.relations}
            for h, t in candidate_pairs(doc.text, gold.spans, schema):
                feats.append(pair_features(doc.text, h, t))
                labels.append(gold_rel.get((h.id, t.id), NONE))
        if len(set(labels)) < 2:
            raise BaselineError("the pair classifier needs at least one relation and one non-relation pair in training")
        vec = DictVectorizer()
        x = vec.fit_transform(feats)
        clf = LogisticRegression(max_iter=2000, random_state=self.seed)
        clf.fit(x, labels)
        self.vocab = {k: int(v) for k, v in vec.vocabulary_.items()}
        self.classes = [str(c) for c in clf.classes_]
        self.coef, self.intercept = clf.coef_, clf.intercept_

    def _decide(self, f: dict[str, float]) -> str:
        x = np.zeros(len(self.vocab))
        for k, v in f.items():
            if k in self.vocab:
                x[self.vocab[k]] = v
        scores = self.coef @ x + self.intercept
        if len(self.classes) == 2:  # binary logistic regression keeps one row of weights
            return self.classes[int(scores[0] > 0)]
        return self.classes[int(np.argmax(scores))]

    def predict_relations(self, doc: Document, spans: Sequence[Span]) -> list[Relation]:
        if self.schema is None:
            raise BaselineError("the pair classifier is not trained")
        rels: list[Relation] = []
        for h, t in candidate_pairs(doc.text, spans, self.schema):
            label = self._decide(pair_features(doc.text, h, t))
            if label != NONE and self.schema.relation(label).allows(h.label, t.label):
                rels.append(Relation(f"R{len(rels) + 1}", h.id, t.id, label))
        return rels

    def save(self, folder: Path) -> None:
        write_config(
            folder,
            self.name,
            {"seed": self.seed, "schema": self.schema.model_dump(mode="json") if self.schema else None},
        )
        weights = {
            "vocab": self.vocab,
            "classes": self.classes,
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
        }
        atomic_write_text(Path(folder) / "weights.json", dumps(weights) + "\n")

    @classmethod
    def load(cls, folder: Path) -> PairClassifier:
        from toolkit.schema import parse_schema

        config = read_config(folder, cls.name)
        model = cls(config["seed"])
        model.schema = parse_schema(config["schema"], source=str(folder))
        w = json.loads((Path(folder) / "weights.json").read_text(encoding="utf-8"))
        model.vocab, model.classes = w["vocab"], w["classes"]
        model.coef, model.intercept = np.array(w["coef"]), np.array(w["intercept"])
        return model
