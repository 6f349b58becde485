"""Exports round-trip: importing an export gives the release's entities and relations back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, corpus_release, shared_data
from toolkit.dataset.load import load_release
from toolkit.dataset.release import release
from toolkit.formats import export_release, import_files
from toolkit.model import layer_from_dict
from toolkit.schema import load_schema

SCHEMA = REPO / "benchmarks" / "data" / "conll04" / "schema.yaml"


@pytest.fixture(scope="module")
def conll04(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = [shared_data("conll04") / f"{s}.CoNLL04.json" for s in ("train", "valid", "test")]
    return corpus_release(
        tmp_path_factory.mktemp("conll04"), "spans", files, name="conll04", schema_path=SCHEMA, license_id="other"
    )


def _release_items(
    path: Path,
) -> dict[str, list[tuple[str, list[tuple[int, int, str]], list[tuple[tuple[int, int], tuple[int, int], str]]]]]:
    out = {}
    for split, examples in load_release(path).splits.items():
        items = []
        for doc, gold in examples:
            by = {s.id: s for s in gold.spans}
            items.append(
                (
                    doc.text,
                    sorted((s.start, s.end, s.label) for s in gold.spans),
                    sorted(
                        ((by[r.head].start, by[r.head].end), (by[r.tail].start, by[r.tail].end), r.label)
                        for r in gold.relations
                    ),
                )
            )
        out[split] = sorted(items)
    return {k: v for k, v in out.items() if v}


def _imported_items(out: Path) -> dict[str, list[object]]:
    got: dict[str, list[object]] = {}
    for line in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold = layer_from_dict(rec["gold"])
        by = {s.id: s for s in gold.spans}
        got.setdefault(rec["document"]["metadata"]["split"], []).append(
            (
                rec["document"]["text"],
                sorted((s.start, s.end, s.label) for s in gold.spans),
                sorted(
                    ((by[r.head].start, by[r.head].end), (by[r.tail].start, by[r.tail].end), r.label)
                    for r in gold.relations
                ),
            )
        )
    return {k: sorted(v) for k, v in got.items()}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["spans", "brat"])
def test_span_json_and_brat_round_trip_entities_and_relations(conll04: Path, fmt: str, tmp_path: Path) -> None:
    export_release(conll04, fmt, tmp_path / "export")
    inputs = (
        sorted((tmp_path / "export").glob("*.json"))
        if fmt == "spans"
        else sorted(p for p in (tmp_path / "export").iterdir() if p.is_dir())
    )
    inputs = [p for p in inputs if p.name != "export.json"]
    import_files(fmt, inputs, tmp_path / "back", duplicates="keep-all", cross_split="keep-all")
    assert _imported_items(tmp_path / "back") == _release_items(conll04)


@pytest.mark.slow
def test_conll_round_trips_the_entities(conll04: Path, tmp_path: Path) -> None:
    export_release(conll04, "conll", tmp_path / "export")
    import_files(
        "conll",
        sorted((tmp_path / "export").glob("*.conll")),
        tmp_path / "back",
        duplicates="keep-all",
        cross_split="keep-all",
    )
    expected = {k: sorted((t, e, []) for t, e, _ in v) for k, v in _release_items(conll04).items()}
    assert _imported_items(tmp_path / "back") == expected


@pytest.mark.slow
def test_spacy_docbin_holds_text_spans_ents_and_relations(conll04: Path, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    export_release(conll04, "spacy", tmp_path / "export")
    docs = list(
        DocBin().from_bytes((tmp_path / "export" / "test.spacy").read_bytes()).get_docs(spacy.blank("xx").vocab)
    )
    got = sorted(
        (
            d.text,
            sorted((s.start_char, s.end_char, s.label_) for s in d.spans["sc"]),
            sorted(((a, b), (c, e), lab) for a, b, c, e, lab in d.user_data["relations"]),
        )
        for d in docs
    )
    assert got == _release_items(conll04)["test"]
    assert all(
        sorted((s.start_char, s.end_char) for s in d.ents) == sorted((s.start_char, s.end_char) for s in d.spans["sc"])
        for d in docs
    )


def test_spacy_and_brat_keep_a_text_with_line_breaks_and_nested_spans_exactly(tmp_path: Path) -> None:
    """The seed article: newlines between paragraphs and nested entities (only the outermost in doc.ents)."""
    import spacy
    from spacy.tokens import DocBin

    from toolkit.annotations.gold import write_gold
    from toolkit.annotations.importer import import_export

    schema = load_schema(REPO / "schemas" / "schema.yaml")
    (snapshot,) = [p for p in (REPO / "annotations" / "snapshots").glob("*.json") if p.name != "index.json"]
    layers = import_export(snapshot, schema, out_dir=tmp_path / "layers")
    gold = write_gold(Path(layers.output or ""), tmp_path / "gold", schema_path=REPO / "schemas" / "schema.yaml")
    rel = release(
        name="seed",
        version="1.0.0",
        schema=schema,
        seeds_path=REPO / "seeds" / "articles.jsonl",
        gold_paths=[Path(gold.output)],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp_path / "r",
        ratios=(0.0, 0.0, 1.0),
    ).path
    report = export_release(rel, "spacy", tmp_path / "spacy")
    assert report["splits"]["test"]["nested or overlapping entities only in spans['sc']"] == 5
    (doc,) = list(
        DocBin().from_bytes((tmp_path / "spacy" / "test.spacy").read_bytes()).get_docs(spacy.blank("xx").vocab)
    )
    expected = _release_items(rel)["test"]
    assert (doc.text, sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"])) == expected[0][:2]
    assert "\n" in doc.text and len(doc.ents) == len(doc.spans["sc"]) - 5
    export_release(rel, "brat", tmp_path / "brat")
    import_files("brat", [tmp_path / "brat" / "test"], tmp_path / "back")
    assert _imported_items(tmp_path / "back")["test"] == expected
