"""Model help in the project's labels: the label map (checked, with the place rule), the cold start (rules,
places, recurring names), per-type precision and its threshold, and `predict served` equal to what the backend
serves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import REPO, idner_release
from toolkit.backend.app import Backend, make_app
from toolkit.backend.labelmap import LabelMapError, map_examples, parse_label_map
from toolkit.backend.served import (
    ServedModel,
    ServeOptions,
    acronyms_as_named,
    build_model,
    cold_start_model,
    describe_model,
    load_model,
    measured_below,
    place_spans,
    served_model,
    source_of,
    withheld_under,
)
from toolkit.cli import main
from toolkit.dataset.load import load_release
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.seeds import load_articles

MAP = ("LOC=GPE|LOC", "PER=PER", "ORG=ORG")
SEED = REPO / "seeds" / "articles.jsonl"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return idner_release(tmp_path_factory.mktemp("cold"), (200, 60, 20))


@pytest.fixture(scope="module")
def cold(release: Path, schema: Schema) -> ServedModel:
    return served_model(release, schema, ServeOptions(MAP, cold_start=True))[0]


def test_the_label_map_is_checked_against_the_corpus_and_the_schema(schema: Schema) -> None:
    corpus = ["LOC", "ORG", "PER"]
    for items, message in (
        (("LOC",), r"write OLD=NEW, or OLD=A\|B"),
        (("FAC=LOC",), r"the corpus has no label 'FAC' \(it has LOC, ORG, PER\)"),
        (("LOC=PLACE",), r"'PLACE' is not an entity type of schema id-news-er"),
        (("LOC=GPE", "LOC=LOC"), r"maps 'LOC' twice"),
        (("LOC=GPE|LOC|FAC",), r"write OLD=NEW"),
    ):
        with pytest.raises(LabelMapError, match=message):
            parse_label_map(items, corpus, schema)
    identity = parse_label_map((), corpus, schema)
    assert dict(identity.entries) == {"LOC": ("LOC",), "ORG": ("ORG",), "PER": ("PER",)}


def test_the_place_rule_splits_a_corpus_label_and_unmapped_labels_are_left_out(schema: Schema) -> None:
    text = "Presiden Jokowi tiba di Indonesia dan Sungai Ciliwung , kata Bank BRI ."
    spans = (
        Span("a", 9, 15, "PER"),
        Span("b", 24, 33, "LOC"),
        Span("c", 38, 53, "LOC"),
        Span("d", 61, 69, "FNB"),
    )
    gold = Layer("d1", "corpus", "", spans, (), Provenance("x"), "gold")
    label_map = parse_label_map(("LOC=GPE|LOC", "PER=PER"), ["FNB", "LOC", "PER"], schema)
    ((_, mapped),), counts = map_examples([(Document("d1", text), gold)], label_map)
    assert [(s.id, s.label) for s in mapped.spans] == [("a", "PER"), ("b", "GPE"), ("c", "LOC")]
    assert counts == {"PER->PER": 1, "LOC->GPE": 1, "LOC->LOC": 1, "FNB not mapped (left out)": 1}
    assert label_map.describe() == "LOC->GPE|LOC(place),PER->PER" and label_map.types() == ("GPE", "LOC", "PER")


def test_the_cold_start_proposes_schema_types_the_corpus_never_annotates(cold: ServedModel, schema: Schema) -> None:
    (seed,) = load_articles(SEED)
    layer, scores, _ = cold.layer(seed)
    labels = {s.label for s in layer.spans}
    assert {"GPE", "DATE", "QUANTITY", "ORG", "PER"} <= labels
    text = {seed.text[s.start : s.end]: s.label for s in layer.spans}
    assert text["Indonesia"] == "GPE" and text["Kamis (8/11/2017)"] == "DATE"
    assert all(s.label in schema.entity_labels for s in layer.spans)
    assert {s.id[0] for s in layer.spans} >= {"p", "q", "g"}  # the CRF, the rules and the places all served
    ordered = [(s.start, s.end, s.label) for s in layer.spans]
    assert ordered == sorted(ordered)  # in document order, as an imported layer, not grouped by source
    assert all(s.id in scores for s in layer.spans if s.id.startswith("p"))  # the CRF's regions carry a confidence
    assert not any(s.id in scores for s in layer.spans if s.id.startswith("q"))  # a rule has no probability
    assert "+map[LOC->GPE|LOC(place),ORG->ORG,PER->PER]" in cold.version and "+rules[" in cold.version
    lines = describe_model(cold, schema)
    assert "cannot propose: FAC, EVENT" in lines[1] and "GPE (crf+places, precision 0." in lines[0]
    assert cold.precision["DATE"] is None and cold.precision["PER"] is not None


def test_a_type_measured_under_the_threshold_is_never_proposed(release: Path, schema: Schema) -> None:
    strict, _ = served_model(release, schema, ServeOptions(MAP, cold_start=True, min_precision=0.99))
    assert strict.withheld
    for t, source in strict.withheld:  # each withheld from what was measured of it, and only from that
        assert measured_below(*strict.measured[t][source], 0.99), (t, source, strict.measured[t])
    withheld_types = {t for t in strict.measured if all(not strict.serves(t, s) for s in strict.sources(t))}
    assert withheld_types and withheld_types.isdisjoint(strict.proposes())
    (seed,) = load_articles(SEED)
    served = {(s.label, source_of(s.id)) for s in strict.layer(seed)[0].spans}
    assert served and not served & set(strict.withheld)


def test_a_source_is_withheld_for_one_type_and_the_types_other_sources_still_serve_it(
    release: Path, cold: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    model, _ = served_model(release, schema, ServeOptions(MAP, cold_start=True, min_precision=0.6))
    # the gazetteer's GPE is measured far under 0.6 on the corpus (it leaves many countries unlabelled); the CRF's
    # GPE is not, and one rule PER wrong of one proposed says nothing either way
    assert ("GPE", "places") in model.withheld and model.serves("GPE", "crf") and "GPE" in model.proposes()
    assert model.measured["PER"]["rules"] == (0, 1) and model.serves("PER", "rules")
    assert model.measured == cold.measured  # each source measured with every source on; the type as served after
    assert model.precision["GPE"] > cold.precision["GPE"] and model.precision["PER"] == cold.precision["PER"]
    (seed,) = load_articles(SEED)
    sources = {source_of(s.id) for s in model.layer(seed)[0].spans if s.label == "GPE"}
    assert sources == {"crf", "recurring"}  # Indonesia from the CRF, then where it recurs; none from the gazetteer
    lines = describe_model(model, schema)
    assert "GPE (crf, precision " in lines[0] and "places 0.10 [2/20] withheld" in lines[0]
    assert any(
        line.startswith("not proposed (precision measured under 0.6 with 95% confidence): GPE from places")
        for line in lines
    )
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert (loaded.withheld, loaded.measured) == (model.withheld, model.measured)
    assert describe_model(loaded, schema) == lines
    meta = json.loads((tmp_path / "m" / "served.json").read_text(encoding="utf-8"))
    meta["withheld"] = ["GPE"]  # as a model saved before sources were measured apart: the type from every source
    (tmp_path / "m" / "served.json").write_text(json.dumps(meta), encoding="utf-8")
    older = load_model(tmp_path / "m")
    assert "GPE" not in older.proposes() and not any(s.label == "GPE" for s in older.layer(seed)[0].spans)


@pytest.mark.parametrize(
    ("right", "proposed", "threshold", "below"),
    [
        (1, 33, 0.6, True),  # 3 %: its interval ends at 15 %
        (0, 1, 0.6, False),  # one wrong proposal: the interval reaches 79 %
        (0, 2, 0.6, False),  # 66 %
        (0, 2, 0.7, True),
        (6, 86, 0.15, True),
        (6, 86, 0.14, False),  # the interval ends at 14.4 %
        (0, 0, 0.6, False),  # never proposed: nothing to measure
        (0, 50, 0.0, False),  # no threshold
    ],
)
def test_a_source_is_withheld_only_when_measured_under_the_threshold_with_95_percent_confidence(
    right: int, proposed: int, threshold: float, below: bool
) -> None:
    assert measured_below(right, proposed, threshold) is below


def test_predict_served_writes_what_the_backend_serves(
    release: Path, cold: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    args = ["--release", str(release), "--cold-start", *(x for m in MAP for x in ("--label-map", m))]
    written, regions, version = _written_and_served(args, cold, schema, tmp_path)
    assert written == regions
    assert version == cold.version


def test_retraining_adds_the_project_gold_in_the_schemas_labels(release: Path, schema: Schema) -> None:
    rel = load_release(release)
    (seed,) = load_articles(SEED)
    start = seed.text.index("Indonesia")
    mine = Layer(seed.id, "gold", "", (Span("g1", start, start + 9, "GPE"),), (), Provenance("x"), "gold")
    model = build_model(
        rel.splits["train"],
        rel.splits["validation"],
        schema,
        rel.label_rule,
        "crf@retrained",
        {},
        ServeOptions(MAP),
        project=[(seed, mine)],
    )
    assert {"B-GPE", "B-LOC", "B-ORG", "B-PER"} <= set(model.crf.tags())
    assert model.trained_on["mapped"]["LOC->GPE"] > 0  # the corpus's countries are GPE too: one label set


def test_with_enough_project_gold_a_cold_start_source_serves_a_type_only_where_it_measures_better(
    release: Path, schema: Schema, tmp_path: Path
) -> None:
    """A project that marks dates without the weekday ("8/11/2017", where the rules give "Kamis (8/11/2017)"):
    from 10 gold documents on, the retraining measures both on held-out project gold and serves DATE from the
    project model alone; a type the held-out gold never marks (ROLE) keeps its cold-start source."""
    from toolkit.backend.served import MIN_PROJECT_DOCUMENTS, held_out

    rel = load_release(release)
    names = ["Ida Fauziyah", "Retno Marsudi", "Joko Widodo", "Sri Mulyani", "Budi Karya", "Erick Thohir"]
    days = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]
    project = []
    for i in range(20):
        date = f"{i % 27 + 1}/{i % 12 + 1}/2017"
        text = f"{names[i % 6]} tiba di Jakarta pada {days[i % 6]} ({date}) bersama {i + 3} negara anggota."
        spans = [
            Span("p", 0, len(names[i % 6]), "PER"),
            Span("g", text.index("Jakarta"), text.index("Jakarta") + 7, "GPE"),
            Span("d", text.index(date), text.index(date) + len(date), "DATE"),
        ]
        doc = Document(f"proj{i:02d}", text)
        project.append((doc, Layer(doc.id, "gold", "", tuple(spans), (), Provenance("x"), "gold")))
    assert 1 <= len(held_out(project)) < len(project)
    args = (rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, "crf@p", {}, ServeOptions(MAP, True))
    few = build_model(*args, project=project[: MIN_PROJECT_DOCUMENTS - 1])
    assert "DATE" in few.rule_types and "per_type_choice" not in few.trained_on  # too little gold: no choice
    model = build_model(*args, project=project)
    choice = model.trained_on["per_type_choice"]
    assert choice["DATE"]["serves"] == "project model", choice
    assert choice["DATE"]["project model"] > choice["DATE"]["with rules"]
    assert "DATE" not in model.rule_types and "ROLE" in model.rule_types and "ROLE" not in choice
    assert "+rules[" in model.version and "DATE" not in model.version.split("+rules[", 1)[1].split("]")[0]
    lines = describe_model(model, schema)
    assert any(line.startswith("chosen per type on") and "DATE project model" in line for line in lines)
    # what is served is also measured in the project's conventions, on the same held-out gold
    assert model.project_documents == len(held_out(project)) and model.measured_on_project["PER"]["crf"][1] > 0
    assert f"on {model.project_documents} held-out project gold document(s): crf " in lines[0]
    assert "DATE" not in model.measured_on_project or "rules" not in model.measured_on_project["DATE"]  # switched off
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert (loaded.measured_on_project, loaded.project_documents) == (
        model.measured_on_project,
        model.project_documents,
    )


@pytest.mark.parametrize(
    ("corpus", "project", "withheld"),
    [
        ((2, 20), None, True),  # the corpus alone measured it: under 0.6
        ((2, 20), (9, 10), False),  # the project's own gold measured it fine: its conventions decide
        ((50, 60), (0, 8), True),  # fine on the corpus, wrong in every held-out project document
        ((50, 60), (0, 1), False),  # one wrong proposal of one says nothing
    ],
)
def test_the_projects_held_out_gold_decides_what_is_withheld_where_it_measured_the_source(
    corpus: tuple[int, int], project: tuple[int, int] | None, withheld: bool
) -> None:
    model = ServedModel(None, None, "m", place_type="GPE", measured={"GPE": {"places": corpus}})
    if project is not None:
        model.measured_on_project, model.project_documents = {"GPE": {"places": project}}, 4
    assert (withheld_under(model, 0.6) == (("GPE", "places"),)) is withheld


@pytest.mark.parametrize(
    "text,served",
    [
        ("Organisasi Buruh Internasional (ILO", "Organisasi Buruh Internasional"),  # cut before the bracket
        ("(ILO", "ILO"),  # nothing before it: after it
        ("ILO)", "ILO"),
        ("Governing Body (GB) ILO", "Governing Body (GB) ILO"),  # balanced: as proposed
        ("a [b) c", "a"),
        ("(", None),
    ],
)
def test_a_proposed_name_never_holds_an_unbalanced_bracket(text: str, served: str | None) -> None:
    from toolkit.backend.served import balanced

    got = balanced(text, Span("p1", 0, len(text), "ORG"))
    assert (text[got.start : got.end] if got else None) == served
    assert got is None or (got.id, got.label) == ("p1", "ORG")


def _doc(did: str, text: str, *spans: tuple[str, str]) -> tuple[Document, Layer]:
    found = []
    for k, (name, label) in enumerate(spans):
        start = text.index(name)
        found.append(Span(f"s{k}", start, start + len(name), label))
    return Document(did, text), Layer(did, "gold", "", tuple(found), (), Provenance("x"), "gold")


def test_a_name_the_project_types_otherwise_takes_the_projects_type_in_the_corpus_too() -> None:
    """One name, one type in a training set: the corpus's ORG for "Golkar" becomes the project's PARTY; a name
    the project's gold types two ways decides nothing; other names keep the corpus's type."""
    from toolkit.backend.labelmap import adopt_project_names, project_names

    project = [
        _doc("p1", "Ketua Golkar bertemu PKB di Jakarta.", ("Golkar", "PARTY"), ("PKB", "PARTY"), ("Jakarta", "GPE")),
        _doc("p2", "Demokrat dan DPR.", ("Demokrat", "PARTY"), ("DPR", "ORG")),
        _doc("p3", "Fraksi Demokrat.", ("Demokrat", "ORG")),
    ]
    names = project_names(project)
    assert names == {("golkar",): "PARTY", ("pkb",): "PARTY", ("jakarta",): "GPE", ("dpr",): "ORG"}
    corpus = [
        _doc("c1", "GOLKAR dan Demokrat menolak, kata KPK.", ("GOLKAR", "ORG"), ("Demokrat", "ORG"), ("KPK", "ORG")),
        _doc("c2", "Jakarta hujan.", ("Jakarta", "GPE")),
    ]
    adopted, counts = adopt_project_names(corpus, names)
    assert [(s.label, corpus[0][0].span_text(s)) for s in adopted[0][1].spans] == [
        ("PARTY", "GOLKAR"),
        ("ORG", "Demokrat"),
        ("ORG", "KPK"),
    ]
    assert adopted[1] == corpus[1] and counts == {"ORG->PARTY": 1}


def test_with_no_corpus_the_cold_start_alone_is_served_in_the_schema(schema: Schema, tmp_path: Path) -> None:
    model = cold_start_model(schema)
    assert model.crf is None and model.proposes() == ("DATE", "GPE", "ORG", "PER", "QUANTITY", "ROLE")
    assert model.version == (
        "cold-start@id-news-er-1.0.2+rules[DATE,QUANTITY,ROLE,ORG,PER]+places[GPE,ORG]+recurring+structure"
    )
    (seed,) = load_articles(SEED)
    layer, scores, task_score = model.layer(seed)
    by_type = {t: sum(1 for s in layer.spans if s.label == t) for t in model.proposes()}
    assert all(by_type.values()), by_type  # each source proposes on the seed
    assert scores == {} and task_score is None  # rules have no confidence: none is made up
    by_id = {s.id: s for s in layer.spans}
    related = {(r.label, by_id[r.head].label, by_id[r.tail].label) for r in layer.relations}
    assert ("role_of", "ROLE", "ORG") in related  # by structure: "Kementerian ..." right after the ROLE
    prediction = model.predict(seed, schema)
    assert "score" not in prediction and all("score" not in r for r in prediction["result"])
    lines = describe_model(model, schema)
    assert "GPE (places, precision not measured)" in lines[0] and lines[1] == "it cannot propose: LOC, FAC, EVENT"
    assert lines[2].startswith("relations by structure") and lines[2].endswith(": alias_of, has_role, role_of")
    model.save(tmp_path / "model")
    again = load_model(tmp_path / "model")
    assert again.crf is None and not (tmp_path / "model" / "crf").exists() and again.stem == model.stem
    # a retraining is named after the stem, and build_model appends the sources it then has
    assert Backend(again, schema, None, 1, tmp_path / "work").base_version == "cold-start@id-news-er-1.0.2"
    assert again.layer(seed)[0] == layer and again.version == model.version


GOVERNMENTS = "Ia memuji pemerintah Indonesia, Pemerintah Jerman dan pemerintah Mugabe di Jakarta ."


def _found(model: ServedModel, text: str) -> list[tuple[str, str, str]]:
    return [(source_of(s.id), s.label, text[s.start : s.end]) for s in model.layer(Document("d", text))[0].spans]


def test_a_known_place_after_the_government_word_is_proposed_with_it_as_one_org(schema: Schema, tmp_path: Path) -> None:
    model = cold_start_model(schema)
    assert model.government_type == "ORG" and model.sources("ORG") == ("rules", "places")
    assert _found(model, GOVERNMENTS) == [
        ("places", "ORG", "pemerintah Indonesia"),  # the guidelines' one ORG, not the GPE inside it
        ("rules", "ORG", "Pemerintah Jerman"),  # the rules' organisation by its kind, found first
        ("places", "GPE", "Jakarta"),  # "pemerintah Mugabe": no known place, nothing from the gazetteer
    ]
    assert "ORG (rules+places, precision not measured)" in describe_model(model, schema)[0]
    # the ORG is withheld from the places alone: the place is proposed as before
    model.withheld = (("ORG", "places"),)
    assert ("places", "GPE", "Indonesia") in _found(model, GOVERNMENTS) and "ORG" in model.proposes()
    # a place something else proposed already stays as it is: a government over it would nest a name in a name
    start = GOVERNMENTS.index("Indonesia")
    crf = [Span("p1", start, start + 9, "GPE")]
    assert [(s.start, s.label) for s in place_spans(Document("d", GOVERNMENTS), None, "id", crf, "ORG")] == [
        (
            GOVERNMENTS.index("Pemerintah Jerman"),
            "ORG",
        )  # "Pemerintah Jerman" (no rules here): only "Indonesia" was taken
    ]
    # a model saved before governments were proposed serves what its version says: the place alone
    model.withheld = ()
    model.save(tmp_path / "model")
    meta = json.loads((tmp_path / "model" / "served.json").read_text(encoding="utf-8"))
    assert meta.pop("government_type") == "ORG"
    (tmp_path / "model" / "served.json").write_text(json.dumps(meta), encoding="utf-8")
    old = load_model(tmp_path / "model")
    assert old.government_type is None and ("places", "GPE", "Indonesia") in _found(old, GOVERNMENTS)


def test_an_acronym_in_brackets_takes_the_type_of_the_name_proposed_before_it(schema: Schema) -> None:
    model = cold_start_model(schema)
    text = "Ia menemui Organisasi Buruh Internasional (ILO) lalu membeli Bahan Bakar Minyak (BBM) di Jakarta (JKT) ."
    assert _found(model, text) == [
        ("rules", "ORG", "Organisasi Buruh Internasional"),
        ("rules", "ORG", "ILO"),  # the name's alias, of its type
        ("places", "GPE", "Jakarta"),  # "(BBM)": no name before it; "(JKT)": a place's, which the rules never type
    ]
    doc = Document("d", "Presiden Susilo Bambang Yudhoyono (SBY) datang .")
    acronym = Span("q1", 35, 38, "ORG")
    person = Span("p1", 9, 33, "PER")
    assert doc.text[acronym.start : acronym.end] == "SBY" and doc.text[person.start : person.end].endswith("Yudhoyono")
    assert acronyms_as_named(doc, [acronym], [person], {"ORG", "PER"}) == [Span("q1", 35, 38, "PER")]
    assert acronyms_as_named(doc, [acronym], [person], {"ORG"}) == []  # PER not served by the rules
    assert acronyms_as_named(doc, [acronym], [], {"ORG", "PER"}) == []
    not_bracketed = Span("q2", 9, 12, "ORG")  # other rule spans pass as they are
    assert acronyms_as_named(doc, [not_bracketed], [], {"ORG"}) == [not_bracketed]


def test_the_rules_are_served_only_in_their_language(schema: Schema) -> None:
    english = schema.model_copy(update={"language": "en"})
    model = cold_start_model(english)
    assert model.rule_types == () and model.proposes() == ("GPE",) and model.government_type is None
    assert "relations by structure" not in "".join(describe_model(model, english))  # GPE alone relates one way to none
    text = "The minister flew from Geneva to Jakarta on 8 November 2017 ."
    assert [(s.label, text[s.start : s.end]) for s in model.layer(Document("d", text))[0].spans] == [
        ("GPE", "Geneva"),
        ("GPE", "Jakarta"),
    ]


def test_a_retraining_with_no_corpus_learns_the_projects_gold_and_keeps_the_cold_start(schema: Schema) -> None:
    (seed,) = load_articles(SEED)
    start = seed.text.index("International Labour Conference")
    gold = Layer(seed.id, "gold", "", (Span("g1", start, start + 31, "EVENT"),), (), Provenance("x"), "gold")
    options = ServeOptions(cold_start=True)
    model = build_model([], [], schema, LabelRule.from_schema(schema), "v+ls1", {}, options, project=[(seed, gold)])
    assert model.crf is not None and "EVENT" in model.crf_types()  # the project's own type, learnt
    assert model.place_type == "GPE" and "DATE" in model.rule_types  # the cold start's sources stay
    assert model.relation_types and model.version.endswith("+structure")  # no relation gold: relations by structure
    assert model.stem == "v+ls1" and model.version.startswith("v+ls1+rules[")  # the sources once, after the name
    related = Layer(
        seed.id,
        "gold",
        "",
        (*gold.spans, *_role_and_ministry(seed)[0]),
        _role_and_ministry(seed)[1],
        Provenance("x"),
        "gold",
    )
    learnt = build_model([], [], schema, LabelRule.from_schema(schema), "v+ls1", {}, options, project=[(seed, related)])
    assert learnt.relations is not None and learnt.relation_types == ()  # relation gold: the classifier instead
    assert not learnt.version.endswith("+structure")
    layer, _, task_score = model.layer(seed)
    assert task_score is not None and ("EVENT", "International Labour Conference") in {
        (s.label, seed.text[s.start : s.end]) for s in layer.spans
    }


def test_predict_served_with_no_release_writes_what_the_backend_serves(schema: Schema, tmp_path: Path) -> None:
    model = cold_start_model(schema)
    written, regions, version = _written_and_served([], model, schema, tmp_path)
    assert regions and written == regions
    assert version == model.version
    out = tmp_path / "served.jsonl"
    for args, message in (
        (["--label-map", "LOC=GPE"], "--label-map and --min-precision apply to a model trained on a release"),
        (["--min-precision", "0.5"], "--label-map and --min-precision apply to a model trained on a release"),
    ):
        refused = CliRunner().invoke(main, ["predict", "served", "--articles", str(SEED), "--out", str(out), *args])
        assert refused.exit_code == 1 and message in refused.output
    no_articles = CliRunner().invoke(main, ["predict", "served", "--out", str(out)])
    assert no_articles.exit_code == 1 and "pass --articles FILE" in no_articles.output
    crf = CliRunner().invoke(main, ["predict", "crf", "--articles", str(SEED), "--out", str(out)])
    assert crf.exit_code == 1 and "learns from a release: pass --release DIR" in crf.output


def _role_and_ministry(seed: Document) -> tuple[tuple[Span, ...], tuple[Relation, ...]]:
    """The seed's first ROLE and the ministry after it, with role_of between them, and the person (project relation
    gold: one relation, and pairs with none)."""
    role = "Direktur Jenderal Pembinaan Hubungan Industrial dan Jaminan Sosial Tenaga Kerja"
    ministry, person = "Kementerian Ketenagakerjaan RI", "Haiyani Rumondang"
    a, b, c = seed.text.index(role), seed.text.index(ministry), seed.text.index(person)
    spans = (
        Span("r1", a, a + len(role), "ROLE"),
        Span("o1", b, b + len(ministry), "ORG"),
        Span("p1", c, c + len(person), "PER"),
    )
    return spans, (Relation("x1", "r1", "o1", "role_of"),)


def _written_and_served(
    args: list[str], model: ServedModel, schema: Schema, tmp_path: Path
) -> tuple[set[tuple[int, int, str]], set[tuple[int, int, str]], str]:
    """The seed's regions `predict served ARGS` writes and those the backend serving ``model`` answers, and the one
    model version both name (they are checked equal here)."""
    out = tmp_path / "served.jsonl"
    result = CliRunner().invoke(main, ["predict", "served", *args, "--articles", str(SEED), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    client = TestClient(make_app(Backend(model, schema, None, 2, tmp_path)))
    (seed,) = load_articles(SEED)
    body = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": seed.text}}]}).json()
    regions = {
        (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
        for r in body["results"][0]["result"]
        if r["type"] == "labels"
    }
    assert written["model_version"] == body["model_version"]
    return {(s["start"], s["end"], s["label"]) for s in written["spans"]}, regions, str(body["model_version"])
