"""Relation baselines over given entity spans (gold spans, or a tagger's predictions).

- ``pairs``: for each entity, the nearest entity in the same sentence whose type pair the schema
  allows and training has seen, labelled with the most frequent training label for that pair.
- ``pair-classifier``: logistic regression (scikit-learn) over candidate pairs in a sentence
  (types, order, distance, words between; for English also whether one argument is a place known to lie
  in the other, :mod:`toolkit.baselines.geo`); saved as JSON weights, no pickle.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines.base import BaselineError, ConfigValue, Setting, read_config, write_config
from toolkit.baselines.geo import geo_source, lies_in
from toolkit.model import Document, Example, Relation, Span
from toolkit.schema import Schema
from toolkit.text.sentences import sentence_bounds

NONE = "NONE"


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
    name: ClassVar[str] = "pairs"

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

    def config(self) -> dict[str, ConfigValue]:
        return {}  # the most frequent training label of each type pair

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


class PairContext:
    """The tokens of a document and where each span lies among them (computed once per document); ``geo``:
    add the place-containment features."""

    def __init__(self, doc: Document, spans: Sequence[Span], geo: bool = False) -> None:
        from bisect import bisect_left, bisect_right

        from toolkit.text.tokens import doc_tokens

        tokens = doc_tokens(doc.text, doc.metadata)
        starts = [a for a, _ in tokens]
        ends = [b for _, b in tokens]
        self.words = [doc.text[a:b].lower() for a, b in tokens]
        self.at = {s.id: (bisect_right(ends, s.start), max(bisect_left(starts, s.end), 1)) for s in spans}
        self.spans = spans
        self.text = doc.text
        self.geo = geo


def _bucket(n: int) -> str:
    return str(n) if n < 5 else "5-6" if n < 7 else "7-9" if n < 10 else "10+"


def pair_features(ctx: PairContext, h: Span, t: Span) -> dict[str, float]:
    """Features of an ordered candidate pair: the types and their order, the words and bigrams between, the
    arguments' words, the words around, the distance and the entities between."""
    (hi, hj), (ti, tj) = ctx.at[h.id], ctx.at[t.id]
    first, second = ((hi, hj), (ti, tj)) if hi <= ti else ((ti, tj), (hi, hj))
    words = ctx.words
    between = words[first[1] : second[0]]
    types = f"{h.label}>{t.label}"
    order = "hf" if hi <= ti else "tf"
    f: dict[str, float] = {
        f"types={types}": 1.0,
        f"order={types}:{order}": 1.0,
        f"dist={_bucket(len(between))}": 1.0,
        f"dist|types={_bucket(len(between))}|{types}": 1.0,
    }
    for w in between:
        f[f"bw={w}"] = 1.0
    for x, y in itertools.pairwise(between):
        f[f"bb={x}_{y}"] = 1.0
    if len(between) <= 4:
        f[f"seq={'_'.join(between)}|{order}"] = 1.0
    if between:
        f[f"bfirst={between[0]}"] = 1.0
        f[f"blast={between[-1]}"] = 1.0
    for w in words[hi:hj]:
        f[f"hw={w}"] = 1.0
    for w in words[ti:tj]:
        f[f"tw={w}"] = 1.0
    f[f"hlast={words[hj - 1] if hj > hi else ''}"] = 1.0
    f[f"tlast={words[tj - 1] if tj > ti else ''}"] = 1.0
    for k, w in enumerate(words[max(0, first[0] - 2) : first[0]]):
        f[f"before{k}={w}"] = 1.0
    for k, w in enumerate(words[second[1] : second[1] + 2]):
        f[f"after{k}={w}"] = 1.0
    inside = [s.label for s in ctx.spans if first[1] <= ctx.at[s.id][0] and ctx.at[s.id][1] <= second[0]]
    f[f"ents_between={min(len(inside), 3)}"] = 1.0
    for label in set(inside):
        f[f"ent_between={label}"] = 1.0
    if ctx.geo:
        head, tail = ctx.text[h.start : h.end], ctx.text[t.start : t.end]
        if lies_in(head, tail):
            f[f"geo_in|{types}"] = 1.0
        if lies_in(tail, head):
            f[f"geo_contains|{types}"] = 1.0
    return f


@dataclass(frozen=True)
class PairWeights:
    """A fitted logistic regression over pair features: the feature vocabulary, the classes and the weights."""

    vocab: dict[str, int]
    classes: list[str]
    coef: np.ndarray[Any, Any]
    intercept: np.ndarray[Any, Any]
    solver: str = "lbfgs"


_Scored = tuple[list[tuple[Span, Span]], np.ndarray[Any, Any]]
LBFGS_MAX_PARAMETERS = 2_000_000
"""Above this many weights (classes x features), the regression is fitted with SAGA instead of L-BFGS: L-BFGS keeps
about twenty copies of the weights (3.5 GB for 50 relation labels over 204,000 features, measured), SAGA a few
(0.9 GB, 2.6x faster there, the same F1 at its tolerance). Smaller problems (CoNLL04: 6 labels) keep L-BFGS."""
SAGA_TOL = 1e-3
SCORED_CACHE = 20000
"""Documents whose pair probabilities a classifier keeps (a validation split's worth) before it starts afresh."""


class PairClassifier:
    name: ClassVar[str] = "pair-classifier"

    GRID: ClassVar[tuple[Setting, ...]] = tuple(
        {"c": c, "threshold": t} for c in (1.0, 3.0) for t in (0.5, 0.4, 0.3, 0.2)
    )
    """Inverse regularisation strengths and decision thresholds tried on validation (``toolkit.baselines.tuning``):
    a pair gets its most probable relation label when that label's probability reaches the threshold."""

    def __init__(self, seed: int = 0, c: float = 1.0, threshold: float = 0.5, use_geo: bool = True) -> None:
        self.seed = seed
        self.use_geo = use_geo  # place-containment features where the language has tables (off: ablations)
        self.c = c
        self.threshold = threshold
        self.vocab: dict[str, int] = {}
        self.classes: list[str] = []
        self.coef: np.ndarray[Any, Any] = np.zeros((0, 0))
        self.intercept: np.ndarray[Any, Any] = np.zeros(0)
        self.solver = "lbfgs"
        self.schema: Schema | None = None
        self.geo: str | None = None  # where the place-containment features come from (set at training), None: none
        self._scored: dict[tuple[str, int, tuple[tuple[str, int, int, str], ...]], _Scored] = {}
        """A document's candidate pairs and their probabilities under the current weights (the thresholds of a
        grid share them: tuning computes them once per C, not once per setting)."""

    def _design(self, train: Sequence[Example], schema: Schema) -> tuple[Any, list[str], dict[str, int]]:
        """The training pairs as a sparse matrix, their labels (NONE for no relation) and the feature vocabulary."""
        from sklearn.feature_extraction import DictVectorizer

        self.schema = schema
        self.geo = geo_source(schema.language) if self.use_geo else None
        labels: list[str] = []

        def features() -> Iterator[dict[str, float]]:  # one pair at a time: no list of dicts is kept
            for doc, gold in train:
                gold_rel = {(r.head, r.tail): r.label for r in gold.relations}
                ctx = PairContext(doc, gold.spans, self.geo is not None)
                for h, t in candidate_pairs(doc.text, gold.spans, schema):
                    labels.append(gold_rel.get((h.id, t.id), NONE))
                    yield pair_features(ctx, h, t)

        vec = DictVectorizer()
        x = vec.fit_transform(features())  # reads the generator once, as a list would be read
        if len(set(labels)) < 2:
            raise BaselineError("the pair classifier needs at least one relation and one non-relation pair in training")
        return x, labels, {k: int(v) for k, v in vec.vocabulary_.items()}

    def _weights(self, x: Any, labels: list[str], vocab: dict[str, int], c: float) -> PairWeights:
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) * x.shape[1] <= LBFGS_MAX_PARAMETERS:
            clf = LogisticRegression(C=c, max_iter=3000, random_state=self.seed)
            clf.fit(x, labels)
            return PairWeights(vocab, [str(k) for k in clf.classes_], clf.coef_, clf.intercept_)
        x = x.tocsr()
        x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)  # what SAGA's C code takes
        clf = LogisticRegression(C=c, solver="saga", tol=SAGA_TOL, max_iter=1000, random_state=self.seed)
        clf.fit(x, labels)
        return PairWeights(vocab, [str(k) for k in clf.classes_], clf.coef_, clf.intercept_, "saga")

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        self.use(self._weights(*self._design(train, schema), self.c), {"c": self.c, "threshold": self.threshold})

    def config(self) -> dict[str, ConfigValue]:
        """Hyper-parameters and the place tables the features came from (none: not recorded)."""
        out: dict[str, ConfigValue] = {"seed": self.seed, "use_geo": self.use_geo, "c": self.c}
        out["threshold"] = self.threshold
        if self.geo is not None:
            out["geo"] = self.geo
        if self.solver != "lbfgs":  # large label sets (LBFGS_MAX_PARAMETERS)
            out["solver"] = self.solver
        return out

    def fit_grid(self, train: Sequence[Example], schema: Schema, grid: Sequence[Setting]) -> list[Any]:
        """The weights for every setting of ``grid``, in order: the pairs' features are extracted once and one
        regression is fitted per distinct ``c`` (the threshold is a decision rule, not a refit); :meth:`use` takes
        one."""
        design = self._design(train, schema)
        fits: dict[float, PairWeights] = {}
        for g in grid:
            if float(g["c"]) not in fits:
                fits[float(g["c"])] = self._weights(*design, float(g["c"]))
        return [fits[float(g["c"])] for g in grid]

    def use(self, fitted: Any, setting: Setting) -> None:
        """Take weights :meth:`fit_grid` (or :meth:`fit`) computed with this setting."""
        weights: PairWeights = fitted
        if weights.coef is not self.coef:
            self._scored.clear()
        self.c, self.threshold = float(setting["c"]), float(setting.get("threshold", 0.5))
        self.vocab, self.classes, self.solver = weights.vocab, weights.classes, weights.solver
        self.coef, self.intercept = weights.coef, weights.intercept

    def _probabilities(self, feats: Sequence[dict[str, float]]) -> np.ndarray[Any, Any]:
        """P(label) of every class (NONE included) for each pair, as the fitted logistic regression gives them:
        the pairs' features as one sparse matrix (features outside the vocabulary dropped), one product."""
        from scipy.sparse import csr_matrix

        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for f in feats:
            for k, v in f.items():
                j = self.vocab.get(k)
                if j is not None:
                    indices.append(j)
                    data.append(v)
            indptr.append(len(indices))
        x = csr_matrix((data, indices, indptr), shape=(len(feats), len(self.vocab)), dtype=np.float64)
        scores = np.asarray(x @ self.coef.T) + self.intercept
        if len(self.classes) == 2:  # binary logistic regression keeps one row of weights
            p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def _scores(self, doc: Document, spans: Sequence[Span]) -> _Scored:
        """The document's candidate pairs and their probabilities (computed once per document and weights)."""
        assert self.schema is not None
        key = (doc.id, hash(doc.text), tuple((s.id, s.start, s.end, s.label) for s in spans))
        found = self._scored.get(key)
        if found is None:
            if len(self._scored) >= SCORED_CACHE:
                self._scored.clear()  # a served model sees texts without end: keep the memory bounded
            ctx = PairContext(doc, spans, self.geo is not None)
            pairs = list(candidate_pairs(doc.text, spans, self.schema))
            probs = self._probabilities([pair_features(ctx, h, t) for h, t in pairs]) if pairs else np.zeros((0, 0))
            found = self._scored[key] = (pairs, probs)
        return found

    def predict_relations(self, doc: Document, spans: Sequence[Span]) -> list[Relation]:
        return [r for r, _ in self.predict_scored(doc, spans)]

    def predict_scored(self, doc: Document, spans: Sequence[Span]) -> list[tuple[Relation, float]]:
        """The relations :meth:`predict_relations` gives, each with the classifier's probability of its label: a pair
        gets its most probable relation label where that probability reaches the threshold and the schema allows the
        label for the pair's types; at most one relation between two entities."""
        if self.schema is None:
            raise BaselineError("the pair classifier is not trained")
        pairs, probs = self._scores(doc, spans)
        candidates = [i for i, c in enumerate(self.classes) if c != NONE]
        best: dict[frozenset[str], tuple[float, Span, Span, str]] = {}
        for (h, t), row in zip(pairs, probs, strict=True):
            k = max(candidates, key=lambda i: row[i])
            p, label = float(row[k]), self.classes[k]
            if p < self.threshold or not self.schema.relation(label).allows(h.label, t.label):
                continue
            pair = frozenset((h.id, t.id))  # at most one relation between two entities, in one direction
            if pair not in best or p > best[pair][0]:
                best[pair] = (p, h, t, label)
        chosen = sorted(best.values(), key=lambda x: (x[1].start, x[2].start, x[3]))
        return [(Relation(f"R{n}", h.id, t.id, label), p) for n, (p, h, t, label) in enumerate(chosen, 1)]

    def save(self, folder: Path) -> None:
        write_config(
            folder,
            self.name,
            {
                "seed": self.seed,
                "c": self.c,
                "threshold": self.threshold,
                "geo": self.geo,
                "solver": self.solver,
                "schema": self.schema.model_dump(mode="json") if self.schema else None,
            },
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
        model.geo = config.get("geo")  # models saved before the place features have none
        w = json.loads((Path(folder) / "weights.json").read_text(encoding="utf-8"))
        solver = str(config.get("solver", "lbfgs"))  # models saved before the choice of solver are L-BFGS
        weights = PairWeights(w["vocab"], w["classes"], np.array(w["coef"]), np.array(w["intercept"]), solver)
        model.use(weights, {"c": config.get("c", 1.0), "threshold": config.get("threshold", 0.5)})
        return model
