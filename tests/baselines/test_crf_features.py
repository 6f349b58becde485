"""Language-chosen token features: Brown clusters and general-text capitalisation from spacy-lookups-data, recorded
with the CRF that used them."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

from toolkit.baselines import crf_features as features
from toolkit.baselines.base import BaselineError, Example
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.crf_features import (
    CLUSTER_PREFIXES,
    WORD_CASE,
    WORD_CLUSTERS,
    PackedTable,
    case_features,
    case_source,
    cluster_features,
    cluster_path,
    cluster_source,
    title_share,
    token_features,
)
from toolkit.model import Document, Layer, Provenance, Span
from toolkit.schema import Schema, load_schema

CONLL04_SCHEMA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "conll04" / "schema.yaml"


def test_a_packed_table_answers_as_the_dict_it_was_made_from() -> None:
    table = {"Boston": 3.0, "boston": -1.5, "Zürich": 12.0, "": 7.0}
    packed = PackedTable(table.items())
    assert len(packed) == 4
    assert {w: packed.get(w) for w in table} == table
    assert packed.get("BOSTON") is None and packed.get("Bosto") is None
    assert PackedTable(iter([])).get("x") is None


def test_a_packed_table_refuses_two_words_with_one_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "_key", lambda word: 1)
    with pytest.raises(BaselineError, match="share a 64-bit hash"):
        PackedTable([("a", 1.0), ("b", 2.0)])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted({*WORD_CLUSTERS.values(), *WORD_CASE.values()}))
def test_every_declared_table_packs_whole(name: str) -> None:
    # a million words each, no two sharing a hash (PackedTable raises if they did)
    assert len(features._table(name)) == 1_000_001


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


def test_title_share_reads_how_general_text_writes_the_word() -> None:
    # spaCy's English probabilities: "Washington" is mostly a name, "will" mostly a verb, "the" never capitalised
    # but at a sentence's start
    assert title_share("washington", "en") == title_share("Washington", "en") == "4"
    assert title_share("Will", "en") == "0"
    assert title_share("THE", "en") in {"0", "1"}
    assert title_share("qzxvjwkq", "en") == "unseen"
    assert int(title_share("Bush", "en")) > int(title_share("Will", "en"))


def test_case_features_cover_the_token_and_its_neighbours() -> None:
    f = case_features(["Will", "Washington", "qzxvjwkq"], 1, "en")
    assert f == {"-1:gcap": title_share("Will", "en"), "0:gcap": "4", "1:gcap": "unseen"}
    assert set(case_features(["Washington"], 0, "en")) == {"0:gcap"}


TABLES = {
    "clusters": (cluster_source, "en_lexeme_cluster.json.gz", "0:bc4"),
    "case": (case_source, "en_lexeme_prob.json.gz", "0:gcap"),
}


@pytest.mark.parametrize("kind", sorted(TABLES))
@pytest.mark.parametrize(("lang", "has"), [("en", True), ("id", False)])
def test_only_languages_with_a_table_get_its_features(kind: str, lang: str, has: bool) -> None:
    source_of, table, key = TABLES[kind]
    source = source_of(lang)
    assert (source is not None) is has
    if source:
        assert source == f"spacy-lookups-data {version('spacy-lookups-data')} {table}"
    f = token_features(["Jack", "Ruby"], 0, ["O", "O"], lang=lang, **{kind: source is not None})
    assert (key in f) is has


def _english(n: int) -> list[Example]:
    people = ["Jack Ruby", "Lee Oswald", "Anne Morrow", "John Smith", "Mary Brown", "Bill Gordon"]
    places = ["Boston", "Dallas", "Memphis", "Chicago", "Denver", "Houston"]
    out = []
    for i in range(n):
        per, loc = people[i % 6], places[(i // 6) % 6]
        text = f"{per} lives in {loc} ."
        spans = (Span("p", 0, len(per), "Peop"), Span("l", text.index(loc), text.index(loc) + len(loc), "Loc"))
        doc = Document(f"d{i}", text)
        out.append((doc, Layer(doc.id, "gold", "", spans, (), Provenance("x"), "gold")))
    return out


def test_an_english_crf_records_its_tables_and_loads_them_back(tmp_path: Path) -> None:
    schema = load_schema(CONLL04_SCHEMA)
    assert schema.language == "en"
    data = _english(36)
    crf = CrfTagger()
    crf.fit(data[:30], schema)
    assert crf.clusters == cluster_source("en") and crf.case == case_source("en")
    crf.save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert config["clusters"] == cluster_source("en") and config["case"] == case_source("en")
    loaded = CrfTagger.load(tmp_path)
    assert (loaded.clusters, loaded.case) == (crf.clusters, crf.case)
    assert [loaded.predict_spans(d) for d, _ in data[30:]] == [crf.predict_spans(d) for d, _ in data[30:]]
    # a model saved before the case features has no "case" key: it is fed no case features
    config.pop("case")
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    older = CrfTagger.load(tmp_path)
    assert older.case is None and older.clusters == crf.clusters
    assert older._lexicon() == ("en", True, False)


def test_an_indonesian_crf_has_no_table_features(schema: Schema, tmp_path: Path) -> None:
    assert schema.language == "id"
    crf = CrfTagger()
    examples = [
        (
            Document(f"d{i}", "Hasan Kleib tiba di Jakarta ."),
            Layer(f"d{i}", "gold", "", (Span("p", 0, 11, "PER"),), (), Provenance("x"), "gold"),
        )
        for i in range(6)
    ]
    crf.fit(examples, schema)
    assert crf.clusters is None and crf.case is None
    crf.save(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert config["clusters"] is None and config["case"] is None
