from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS
from toolkit.baselines.base import Example
from toolkit.formats.conll import read_corpus
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema
from toolkit.scoring.entities import score_entities

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "idner-news-2k"


@pytest.fixture(scope="module")
def small() -> tuple[list[Example], list[Example]]:
    train = read_corpus(DATA / "train.txt", split="train")[:300]
    test = read_corpus(DATA / "test.txt", split="test")[:100]
    return train, test


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(ENTITY_EXTRACTORS))
def test_entity_baselines_fit_predict_save_load_deterministically(
    name: str, small: tuple[list[Example], list[Example]], schema: Schema, tmp_path: Path
) -> None:
    train, test = small
    a, b = ENTITY_EXTRACTORS[name](), ENTITY_EXTRACTORS[name]()
    a.fit(train, schema)
    b.fit(train, schema)
    pa = [a.predict_spans(d) for d, _ in test]
    assert pa == [b.predict_spans(d) for d, _ in test]
    for doc_pred, (doc, _) in zip(pa, test, strict=True):
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc_pred)
    a.save(tmp_path)
    files = sorted(p.suffix for p in tmp_path.iterdir())
    assert ".pkl" not in files and ".pickle" not in files and ".joblib" not in files
    loaded = (ENTITY_EXTRACTORS | RELATION_EXTRACTORS)[name].load(tmp_path)
    assert [loaded.predict_spans(d) for d, _ in test] == pa
    f1 = score_entities([g.spans for _, g in test], pa).overall("strict")["f1"]
    floor = {"rules": 0.05, "gazetteer": 0.3, "crf": 0.5}[name]
    assert f1 > floor, f"{name} F1 {f1:.3f} on 100 test sentences after 300 training ones"


def _relation_corpus() -> list[Example]:
    examples = []
    names = ["Hasan Kleib", "Retno Marsudi", "Haiyani Rumondang", "Ida Fauziyah"]
    orgs = ["ILO", "PBB", "Kemnaker", "WTO"]
    for i in range(24):
        per, org = names[i % 4], orgs[(i // 4) % 4]
        text = f"{per} bekerja di {org}. Cuaca di Jakarta cerah."
        p = Span("p", 0, len(per), "PER")
        o = Span("o", text.index(org), text.index(org) + len(org), "ORG")
        g = Span("g", text.index("Jakarta"), text.index("Jakarta") + 7, "GPE")
        doc = Document(f"d{i}", text)
        examples.append(
            (
                doc,
                Layer(doc.id, "gold", "", (p, o, g), (Relation("r", "p", "o", "works_for"),), Provenance("x"), "gold"),
            )
        )
    return examples


@pytest.mark.parametrize("name", sorted(RELATION_EXTRACTORS))
def test_relation_baselines(name: str, schema: Schema, tmp_path: Path) -> None:
    data = _relation_corpus()
    model = RELATION_EXTRACTORS[name]()
    model.fit(data[:16], schema)
    for doc, gold in data[16:]:
        rels = model.predict_relations(doc, gold.spans)
        assert [(r.head, r.tail, r.label) for r in rels] == [("p", "o", "works_for")]
    model.save(tmp_path)
    loaded = (ENTITY_EXTRACTORS | RELATION_EXTRACTORS)[name].load(tmp_path)
    doc, gold = data[20]
    assert loaded.predict_relations(doc, gold.spans) == model.predict_relations(doc, gold.spans)


def test_the_pair_classifier_grid_equals_fitting_each_setting_alone(schema: Schema) -> None:
    import numpy as np

    from toolkit.baselines import fit_tuned_relations
    from toolkit.baselines.pairs import PairClassifier
    from toolkit.scoring.labels import LabelRule

    data = _relation_corpus()
    grid = PairClassifier.GRID
    fits = PairClassifier().fit_grid(data[:16], schema, grid)
    assert len(fits) == len(grid)
    assert len({id(w) for w in fits}) == len({g["c"] for g in grid})  # one regression per c, thresholds share it
    for params, weights in zip(grid, fits, strict=True):
        alone = PairClassifier(c=params["c"], threshold=params["threshold"])
        alone.fit(data[:16], schema)
        assert (weights.vocab, weights.classes) == (alone.vocab, alone.classes)
        assert np.array_equal(weights.coef, alone.coef) and np.array_equal(weights.intercept, alone.intercept)
    # tuning leaves the model as a fresh fit with the chosen setting would be
    rule = LabelRule.declared({"entities": list(schema.entity_labels), "relations": list(schema.relation_labels)}, "t")
    tuned = PairClassifier()
    results = fit_tuned_relations(tuned, data[:16], data[16:], schema, rule, [])
    assert results is not None and len(results) == len(grid)
    first_best = next(g for g in grid if results[f"c={g['c']},threshold={g['threshold']}"] == max(results.values()))
    assert (tuned.c, tuned.threshold) == (first_best["c"], first_best["threshold"])
    alone = PairClassifier(c=tuned.c, threshold=tuned.threshold)
    alone.fit(data[:16], schema)
    assert np.array_equal(tuned.coef, alone.coef) and tuned.vocab == alone.vocab


def test_pair_probabilities_are_one_sparse_product_equal_to_the_dense_reading(schema: Schema) -> None:
    """Every candidate pair of a document is scored in one sparse product; the probabilities are those of the
    fitted regression read one dense vector at a time (the old way), to rounding."""
    import numpy as np

    from toolkit.baselines.pairs import PairClassifier, PairContext, candidate_pairs, pair_features

    data = _relation_corpus()
    model = PairClassifier()
    model.fit(data[:16], schema)
    for doc, gold in data[16:]:
        pairs, probs = model._scores(doc, gold.spans)
        ctx = PairContext(doc, gold.spans)
        for (h, t), row in zip(pairs, probs, strict=True):
            x = np.zeros(len(model.vocab))
            for k, v in pair_features(ctx, h, t).items():
                if k in model.vocab:
                    x[model.vocab[k]] = v
            z = model.coef @ x + model.intercept
            if len(model.classes) == 2:
                p1 = 1.0 / (1.0 + np.exp(-z[0]))
                dense = np.array([1.0 - p1, p1])
            else:
                e = np.exp(z - z.max())
                dense = e / e.sum()
            assert np.allclose(row, dense, rtol=0, atol=1e-12)
        assert pairs == list(candidate_pairs(doc.text, gold.spans, schema))


def test_tuning_computes_probabilities_once_per_regularisation_setting(
    schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The grid's thresholds share one fit and its probabilities: validation is scored once per C, not per setting."""
    from toolkit.baselines import fit_tuned_relations
    from toolkit.baselines.pairs import PairClassifier
    from toolkit.scoring.labels import LabelRule

    calls = []
    original = PairClassifier._probabilities

    def counting(self: PairClassifier, feats: Any) -> Any:
        calls.append(len(feats))
        return original(self, feats)

    monkeypatch.setattr(PairClassifier, "_probabilities", counting)
    data = _relation_corpus()
    rule = LabelRule.declared({"entities": list(schema.entity_labels), "relations": list(schema.relation_labels)}, "t")
    fit_tuned_relations(PairClassifier(), data[:16], data[16:], schema, rule, [])
    distinct_c = len({g["c"] for g in PairClassifier.GRID})
    assert len(calls) == distinct_c * len(data[16:])  # one product per validation document and C


def test_a_large_label_set_is_fitted_with_saga_recorded_and_reloaded(
    schema: Schema, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from toolkit.baselines import pairs

    monkeypatch.setattr(pairs, "LBFGS_MAX_PARAMETERS", 0)  # every problem counts as large
    data = _relation_corpus()
    model = pairs.PairClassifier()
    model.fit(data[:16], schema)
    assert model.config()["solver"] == "saga"
    model.save(tmp_path)
    loaded = pairs.PairClassifier.load(tmp_path)
    assert loaded.config() == model.config()
    for doc, gold in data[16:]:
        assert loaded.predict_scored(doc, gold.spans) == model.predict_scored(doc, gold.spans)
