"""Language-chosen token features: Brown clusters from spacy-lookups-data, recorded with the CRF that used them."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from toolkit.baselines.base import Example
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.features import CLUSTER_PREFIXES, cluster_features, cluster_path, cluster_source, token_features
from toolkit.model import Annotation, Document, Provenance, Span
from toolkit.schema import Schema, load_schema

CONLL04_SCHEMA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "conll04" / "schema.yaml"


def test_cluster_paths_come_from_the_packaged_table() -> None:
    oswald, smith, boston = (cluster_path(w, "en") for w in ("Oswald", "Smith", "Boston"))
    assert oswald is not None and set(oswald) <= {"0", "1"}
    assert oswald == smith  # two surnames: one cluster
    assert boston is not None and boston != oswald
    assert (
        cluster_path("bOsToN", "en") == cluster_path("boston", "en") is not None
    )  # the lower-cased form when the case is unknown
    assert cluster_path("qzxvjwkq", "en") is None


def test_cluster_features_cover_the_token_and_its_neighbours() -> None:
    f = cluster_features(["Jack", "Ruby", "qzxvjwkq"], 1, "en")
    path = cluster_path("Ruby", "en")
    assert path is not None
    assert {f"0:bc{n}" for n in CLUSTER_PREFIXES} <= set(f)
    assert f["0:bc4"] == path[:4] and f["-1:bc20"] == (cluster_path("Jack", "en") or "")[:20]
    assert f["1:bc"] == "none"


@pytest.mark.parametrize(("lang", "has"), [("en", True), ("id", False)])
def test_only_languages_with_a_table_get_clusters(lang: str, has: bool) -> None:
    source = cluster_source(lang)
    assert (source is not None) is has
    if source:
        assert source == f"spacy-lookups-data {version('spacy-lookups-data')} en_lexeme_cluster.json.gz"
    f = token_features(["Jack", "Ruby"], 0, ["O", "O"], lang=lang, clusters=source is not None)
    assert any(k.endswith("bc4") for k in f) is has


def _english(n: int) -> list[Example]:
    people = ["Jack Ruby", "Lee Oswald", "Anne Morrow", "John Smith", "Mary Brown", "Bill Gordon"]
    places = ["Boston", "Dallas", "Memphis", "Chicago", "Denver", "Houston"]
    out = []
    for i in range(n):
        per, loc = people[i % 6], places[(i // 6) % 6]
        text = f"{per} lives in {loc} ."
        spans = (Span("p", 0, len(per), "Peop"), Span("l", text.index(loc), text.index(loc) + len(loc), "Loc"))
        doc = Document(f"d{i}", text)
        out.append((doc, Annotation(doc.id, "gold", "", spans, (), Provenance("x"), "gold")))
    return out


def test_an_english_crf_records_its_clusters_and_loads_them_back(tmp_path: Path) -> None:
    schema = load_schema(CONLL04_SCHEMA)
    assert schema.language == "en"
    data = _english(36)
    crf = CrfTagger()
    crf.fit(data[:30], schema)
    assert crf.clusters == cluster_source("en")
    crf.save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert config["clusters"] == cluster_source("en")
    loaded = CrfTagger.load(tmp_path)
    assert loaded.clusters == crf.clusters
    assert [loaded.predict_spans(d) for d, _ in data[30:]] == [crf.predict_spans(d) for d, _ in data[30:]]


def test_an_indonesian_crf_has_no_clusters(schema: Schema, tmp_path: Path) -> None:
    assert schema.language == "id"
    crf = CrfTagger()
    examples = [
        (
            Document(f"d{i}", "Hasan Kleib tiba di Jakarta ."),
            Annotation(f"d{i}", "gold", "", (Span("p", 0, 11, "PER"),), (), Provenance("x"), "gold"),
        )
        for i in range(6)
    ]
    crf.fit(examples, schema)
    assert crf.clusters is None
    crf.save(tmp_path)
    assert json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))["clusters"] is None
