"""Token-span JSON and brat corpora, and what every corpus import does with repeats, splits and schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_data
from toolkit.corpus import CorpusError
from toolkit.formats import import_files
from toolkit.model import layer_from_dict
from toolkit.schema import parse_schema

SENT = {
    "tokens": ["John", "Smith", "works", "for", "Acme", "in", "Boston", "."],
    "entities": [[0, 2, "Peop"], [4, 5, "Org"], [6, 7, "Loc"]],
    "relations": [[0, 2, 4, 5, "Work_For"], [4, 5, 6, 7, "OrgBased_In"]],
}


def _gold(out: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


def test_span_json_entities_and_relations_by_span_or_by_index(tmp_path: Path) -> None:
    objects = {
        "tokens": SENT["tokens"],
        "entities": [
            {"start": 6, "end": 7, "type": "Loc"},
            {"start": 0, "end": 2, "type": "Peop"},
            {"start": 4, "end": 5, "type": "Org"},
        ],
        "relations": [{"head": 1, "tail": 2, "type": "Work_For"}, {"head": 2, "tail": 0, "type": "OrgBased_In"}],
    }
    (tmp_path / "train.json").write_text(json.dumps([SENT]), encoding="utf-8")
    (tmp_path / "test.jsonl").write_text(json.dumps(objects) + "\n", encoding="utf-8")
    summary = import_files(
        "spans", [tmp_path / "train.json", tmp_path / "test.jsonl"], tmp_path / "out", cross_split="keep-all"
    )
    assert summary["splits"]["train"]["relations"] == 2 and summary["splits"]["test"]["relations"] == 2
    a, b = _gold(tmp_path / "out")
    assert layer_from_dict(a["gold"]).relations == layer_from_dict(b["gold"]).relations  # same, whichever way written
    text = a["document"]["text"]
    spans = {s["id"]: text[s["start"] : s["end"]] for s in a["gold"]["spans"]}
    assert [(spans[r["head"]], r["label"], spans[r["tail"]]) for r in a["gold"]["relations"]] == [
        ("John Smith", "Work_For", "Acme"),
        ("Acme", "OrgBased_In", "Boston"),
    ]
    assert a["annotated"] == {"entities": ["Loc", "Org", "Peop"], "relations": ["OrgBased_In", "Work_For"]}
    corpus = json.loads((tmp_path / "out" / "corpus.json").read_text(encoding="utf-8"))
    assert [f["split"] for f in corpus["files"]] == ["train", "test"] and len(corpus["files"][0]["sha256"]) == 64


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"tokens": ["a"], "entities": [[0, 2, "X"]]},
            r"train\.json, item 1: entity \[0, 2, 'X'\] is not \[start, end, type\] token indices inside the 1 tokens",
        ),
        (
            {"tokens": ["a", "b"], "entities": [[0, 1, "X"]], "relations": [[0, 1, 1, 2, "R"]]},
            r"item 1: relation .* names an argument that is not an entity",
        ),
        ({"tokens": ["a b"]}, r"item 1: token 0 is 'a b'; tokens must be non-empty strings without white space"),
        ({"text": "no tokens"}, r"item 1: not a sentence"),
    ],
)
def test_span_json_errors_name_file_and_item(tmp_path: Path, item: dict[str, object], message: str) -> None:
    (tmp_path / "train.json").write_text(json.dumps([item]), encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        import_files("spans", [tmp_path / "train.json"], tmp_path / "out")


def _brat(folder: Path, name: str, text: str, ann: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8")


def test_brat_entities_relations_and_ignored_lines(tmp_path: Path) -> None:
    text = "John Smith works for Acme.\nAcme is in Boston."
    ann = (
        "T1\tPeop 0 10\tJohn Smith\nT2\tOrg 21 25\tAcme\nT3\tLoc 38 44\tBoston\nT4\tOrg 27 31\tAcme\n"
        "R1\tWork_For Arg1:T1 Arg2:T2\nR2\tOrgBased_In Arg1:T4 Arg2:T3\nA1\tNegated T1\n#1\tAnnotatorNotes T1\tchecked\n"
        "E1\tMeet:T1\n"
    )
    _brat(tmp_path / "train", "doc1", text, ann)
    summary = import_files("brat", [tmp_path / "train"], tmp_path / "out")
    assert summary["ignored_lines"] == {"attributes": 1, "events": 1, "notes": 1}
    (g,) = _gold(tmp_path / "out")
    assert [(s["start"], s["end"], s["label"]) for s in g["gold"]["spans"]] == [
        (0, 10, "Peop"),
        (21, 25, "Org"),
        (27, 31, "Org"),
        (38, 44, "Loc"),
    ]
    assert [r["label"] for r in g["gold"]["relations"]] == ["Work_For", "OrgBased_In"]
    assert g["document"]["text"] == text  # a brat document keeps its own text (line breaks included)


def test_brat_discontinuous_entity_is_refused_naming_its_line(tmp_path: Path) -> None:
    _brat(tmp_path / "test", "d", "New and old York", "T1\tLoc 0 3;12 16\tNew York\n")
    with pytest.raises(CorpusError, match=r"d\.ann, line 1: discontinuous entity T1 \(0 3;12 16\)"):
        import_files("brat", [tmp_path / "test"], tmp_path / "out")


def test_brat_text_mismatch_is_refused(tmp_path: Path) -> None:
    _brat(tmp_path / "test", "d", "Boston", "T1\tLoc 0 6\tBostan\n")
    with pytest.raises(CorpusError, match=r"line 1: the text at 0-6 is 'Boston', the \.ann says 'Bostan'"):
        import_files("brat", [tmp_path / "test"], tmp_path / "out")


def test_repeats_are_merged_conflicts_and_split_leaks_refused(tmp_path: Path) -> None:
    other = {**SENT, "entities": [[0, 2, "Peop"]], "relations": []}
    (tmp_path / "train.json").write_text(json.dumps([SENT, SENT]), encoding="utf-8")
    merged = import_files("spans", [tmp_path / "train.json"], tmp_path / "a")
    assert merged["splits"]["train"]["documents"] == 1 and merged["duplicates"]["merged"] == 1
    kept = import_files("spans", [tmp_path / "train.json"], tmp_path / "b", duplicates="keep-all")
    assert kept["splits"]["train"]["documents"] == 2 and len(kept["duplicates"]["kept"]) == 1
    (tmp_path / "train.json").write_text(json.dumps([SENT, other]), encoding="utf-8")
    with pytest.raises(
        CorpusError,
        match=r"train\.json, item 2: the same text as .*train\.json, item 1 with other annotations \(here: 'John Smith' Peop\)",
    ):
        import_files("spans", [tmp_path / "train.json"], tmp_path / "c")
    first = import_files("spans", [tmp_path / "train.json"], tmp_path / "d", conflicts="keep-first")
    assert first["splits"]["train"]["documents"] == 1 and len(first["conflicting_duplicates_kept_first"]) == 1
    (tmp_path / "train.json").write_text(json.dumps([SENT]), encoding="utf-8")
    (tmp_path / "test.json").write_text(json.dumps([SENT]), encoding="utf-8")
    with pytest.raises(
        CorpusError, match=r"test\.json, item 1: the same text is also in train \(.*train\.json, item 1\)"
    ):
        import_files("spans", [tmp_path / "train.json", tmp_path / "test.json"], tmp_path / "e")
    kept_first = import_files(
        "spans", [tmp_path / "train.json", tmp_path / "test.json"], tmp_path / "f", cross_split="keep-first"
    )
    assert kept_first["splits"]["test"]["documents"] == 0 and len(kept_first["in_two_splits"]["units"]) == 1


def test_labels_are_checked_against_the_schema_and_mapped_or_dropped(tmp_path: Path) -> None:
    schema = parse_schema(
        {
            "schema_version": "1.0.0",
            "name": "s",
            "language": "en",
            "span_overlap": "nested",
            "entities": [
                {"label": "PER", "definition": "p", "color": "#111111", "hotkey": "1"},
                {"label": "ORG", "definition": "o", "color": "#222222", "hotkey": "2"},
            ],
            "relations": [
                {
                    "label": "works_for",
                    "definition": "w",
                    "color": "#333333",
                    "head": ["PER"],
                    "tail": ["ORG"],
                    "directed": True,
                }
            ],
        },
        source="s",
    )
    (tmp_path / "train.json").write_text(json.dumps([SENT]), encoding="utf-8")
    with pytest.raises(
        CorpusError,
        match=r"train\.json, item 1: entity 1: entity label 'Peop' is not a type of schema s \(PER, ORG\); map it with --label-map Peop=TYPE or drop it with --label-map Peop=",
    ):
        import_files("spans", [tmp_path / "train.json"], tmp_path / "a", schema=schema)
    summary = import_files(
        "spans",
        [tmp_path / "train.json"],
        tmp_path / "b",
        schema=schema,
        label_map={"Peop": "PER", "Org": "ORG", "Loc": ""},
        relation_map={"Work_For": "works_for", "OrgBased_In": ""},
    )
    assert summary["splits"]["train"]["entities"] == 2 and summary["splits"]["train"]["relations"] == 1
    assert summary["dropped"] == {
        "entity label 'Loc' (--label-map)": 1,
        "relation label 'OrgBased_In' (--relation-map)": 1,
    }


@pytest.mark.shared
def test_conll04_as_published(tmp_path: Path) -> None:
    """The real corpus: counts as its SOURCE.md gives them when every sentence is kept."""
    files = [shared_data("conll04") / f"{s}.CoNLL04.json" for s in ("train", "valid", "test")]
    summary = import_files("spans", files, tmp_path, duplicates="keep-all", cross_split="keep-all")
    counts = {s: (c["documents"], c["entities"], c["relations"]) for s, c in summary["splits"].items()}
    assert counts == {"train": (922, 3377, 1283), "validation": (231, 893, 343), "test": (288, 1079, 422)}
    strict = import_files("spans", files, tmp_path / "merged", conflicts="keep-first", cross_split="keep-all")
    assert strict["duplicates"]["merged"] == 26 and len(strict["conflicting_duplicates_kept_first"]) == 2
