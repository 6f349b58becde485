"""Every annotator's layer (the `annotations` configuration), the card's figures and croissant.json, on a release
made from a real Label Studio export with two annotators and model pre-annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from tests.conftest import REPO
from toolkit.annotations.gold import write_gold
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.dataset.release import ReleaseResult, release, verify
from toolkit.schema import Schema

EXPORT = REPO / "tests" / "golden" / "real_exports" / "export-api.json"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> tuple[ReleaseResult, Path]:
    tmp = tmp_path_factory.mktemp("layers-release")
    layers = Path(str(import_export(EXPORT, schema, out_dir=tmp / "layers").output))
    gold = Path(write_gold(layers, tmp / "gold", schema_path=REPO / "schemas" / "schema.yaml").output)
    result = release(
        name="two-annotators",
        version="1.0.0",
        schema=schema,
        seeds_path=tmp / "no-store.jsonl",
        gold_paths=[gold],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp / "releases",
        ratios=(0.0, 0.0, 1.0),
        layers_paths=[layers],
    )
    return result, layers


def test_every_annotators_layer_is_a_row_loaded_by_plain_datasets(
    made: tuple[ReleaseResult, Path], schema: Schema
) -> None:
    from datasets import load_dataset

    result, layers = made
    ds = load_dataset(str(result.path), "annotations")
    rows = [r for split in ds.values() for r in split]
    expected = {(doc.id, x.annotator): x for doc, xs in read_layers(layers) for x in xs if x.kind == "annotation"}
    assert {(r["document_id"], r["annotator"]) for r in rows} == set(expected)
    names = ds[next(iter(ds))].features["spans"].feature["label"].names
    for r in rows:
        layer = expected[(r["document_id"], r["annotator"])]
        assert r["annotator"].startswith("user:") and "@" not in json.dumps(r)
        assert sorted((s["start"], s["end"], names[s["label"]]) for s in r["spans"]) == sorted(
            (s.start, s.end, s.label) for s in layer.spans
        )
        assert all(r["text"][s["start"] : s["end"]] == s["text"] for s in r["spans"])
        assert len(r["relations"]) == len(layer.relations)
        assert r["from_prediction"] == (
            layer.provenance.parent_prediction is not None
            or any(o.startswith("prediction") for o in layer.region_origins.values())
        )
    assert any(r["from_prediction"] for r in rows), "the export's annotations were made from pre-annotations"
    assert result.summary["annotator_rows"] == len(rows)


def test_the_card_and_manifest_describe_the_rows_and_the_figures(made: tuple[ReleaseResult, Path]) -> None:
    result, _ = made
    card = (result.path / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    configs = {c["config_name"]: c for c in front["configs"]}
    assert configs["annotations"]["data_files"] == [{"split": "test", "path": "annotations/test.parquet"}]
    info = {i["config_name"]: i for i in front["dataset_info"]}
    split_info = info["annotations"]["splits"][0]
    table = pq.read_table(result.path / "annotations" / "test.parquet")
    assert split_info["num_examples"] == table.num_rows
    assert abs(split_info["num_bytes"] - table.nbytes) <= 0.01 * table.nbytes  # Arrow size, as written
    assert all(s["num_bytes"] > 0 for s in info["sentences"]["splits"])
    assert "### Every annotator's layer" in card and "left out" in card.lower()  # the prediction layers, counted
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    figures = [line.split("](")[1].rstrip(")") for line in card.splitlines() if line.startswith("![")]
    assert {"figures/entities.png", "figures/relations.png", "figures/annotators.png"} <= set(figures)
    for figure in figures:
        assert figure in manifest["files"]
        assert (result.path / figure).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "croissant.json" in manifest["files"]
    assert verify(result.path)["files"] == len(manifest["files"])


def test_croissant_validates_and_reads_back_every_record_set(made: tuple[ReleaseResult, Path], schema: Schema) -> None:
    import mlcroissant as mlc

    result, _ = made
    dataset = mlc.Dataset(jsonld=str(result.path / "croissant.json"))
    report = dataset.metadata.issues
    assert not report.errors, report.report()
    meta = json.loads((result.path / "croissant.json").read_text(encoding="utf-8"))
    assert meta["rai:dataAnnotationPlatform"].startswith("Label Studio")
    assert "pseudonymous" in meta["rai:annotatorDemographics"] and "rai:machineAnnotationTools" in meta
    for name, folder in (("default", "data"), ("sentences", "sentences"), ("annotations", "annotations")):
        records = list(dataset.records(name))
        rows = sum(pq.read_table(p).num_rows for p in (result.path / folder).glob("*.parquet"))
        assert len(records) == rows, name
    first = next(iter(dataset.records("default")))
    text = first["default/text"].decode()
    for entity in first["default/entities"]:
        start, end = entity["default/entities/start"], entity["default/entities/end"]
        assert text[start:end] == entity["default/entities/text"].decode()
    labels = [r["entity_types/label"] for r in dataset.records("entity_types")]
    assert [x.decode() if isinstance(x, bytes) else x for x in labels] == list(schema.entity_labels)


def test_figures_and_croissant_are_byte_identical_on_a_second_release(
    made: tuple[ReleaseResult, Path], schema: Schema, tmp_path: Path
) -> None:
    result, layers = made
    gold = next((layers.parent.parent / "gold").glob("*.jsonl"))
    again = release(
        name="two-annotators",
        version="1.0.0",
        schema=schema,
        seeds_path=tmp_path / "no-store.jsonl",
        gold_paths=[gold],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp_path / "releases",
        ratios=(0.0, 0.0, 1.0),
        layers_paths=[layers],
    )
    for name in ("croissant.json", "figures/entities.png", "annotations/test.parquet", "manifest.json"):
        assert (again.path / name).read_bytes() == (result.path / name).read_bytes(), name


def test_a_release_without_layers_says_it_has_the_gold_only(
    made: tuple[ReleaseResult, Path], schema: Schema, tmp_path: Path
) -> None:
    _, layers = made
    gold = next((layers.parent.parent / "gold").glob("*.jsonl"))
    plain = release(
        name="gold-only",
        version="1.0.0",
        schema=schema,
        seeds_path=tmp_path / "no-store.jsonl",
        gold_paths=[gold],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp_path / "releases",
        ratios=(0.0, 0.0, 1.0),
    )
    card = (plain.path / "README.md").read_text(encoding="utf-8")
    assert "no `annotations` configuration" in card and not (plain.path / "annotations").exists()
    configs = [c["config_name"] for c in yaml.safe_load(card.split("---\n")[1])["configs"]]
    assert "annotations" not in configs


def _tiny_corpus_release(tmp_path: Path, org: str, import_kw: dict[str, Any], **release_kw: Any) -> Path:
    """Two CoNLL sentences (PER, LOC; then "Bank BRI" as ``org``) imported under tmp_path/corpus and released."""
    from toolkit.dataset.release import release
    from toolkit.formats import import_files
    from toolkit.schema import load_schema

    conll = tmp_path / "train.txt"
    conll.write_text(
        f"Joko B-PER\nWidodo I-PER\ndi O\nJakarta B-LOC\n.\tO\n\nBank B-{org}\nBRI I-{org}\n", encoding="utf-8"
    )
    import_files("conll", [conll], tmp_path / "corpus", **import_kw)
    return release(
        name="tiny",
        version="1.0.0",
        schema=load_schema(REPO / "schemas" / "schema.yaml"),
        seeds_path=tmp_path / "corpus" / "articles.jsonl",
        gold_paths=[tmp_path / "corpus" / "gold.jsonl"],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp_path / "releases",
        split_by="metadata",
        **release_kw,
    ).path


def test_a_corpus_card_says_what_the_corpus_is_and_what_its_import_changed(tmp_path: Path) -> None:
    """A corpus released without a licence: 'not stated' and 'unknown', never a default passed off as its own; the
    types and relations are the corpus's, and the label map's drops are in the card."""
    path = _tiny_corpus_release(tmp_path, "FNB", {"label_map": {"FNB": None}, "about": {"title": "Tiny"}})
    card = (path / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert front["license"] == "unknown" and front["pretty_name"] == "tiny (entities)"
    assert "Not stated: the corpus import recorded no licence" in card and "cc-by-4.0" not in card
    assert "Tiny: LOC, PER entities (no relations) in id text." in card
    assert "## What the import changed" in card and "FNB -> (dropped)" in card
    assert "Dropped by the label map: 1 entity label 'FNB'" in card
    assert "see Source" not in card and "no per-annotator (`annotations`) configuration" in card
    # the ClassLabels are what the corpus annotates (in the schema's order), and the card names what was left out
    from datasets import load_dataset

    features = load_dataset(str(path), split="train").features
    assert features["entities"].feature["label"].names == ["PER", "LOC"]
    assert features["ner_tags"].feature.names == ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    assert features["relations"].feature["label"].names == []
    assert "restricted to the types this corpus annotates (left out of the ClassLabels: entities ORG, GPE, FAC" in card
    report = json.loads((path / "build_report.json").read_text(encoding="utf-8"))
    assert report["schema_types_left_out"]["relations"][0] == "works_for"


def _section_table(card: str, heading: str) -> list[list[str]]:
    """The rows (cells) of the first table under ``## heading`` in the card."""
    section = card.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[1:]]  # past the header


def card_claims_hold(path: Path) -> None:
    """Every figure the card states, read back against the release's own data: the splits' documents, entities and
    relations, each type's count per split, the ClassLabels and example counts of the metadata, the types annotated,
    the licence and the inputs."""
    from collections import Counter

    from datasets import load_dataset

    card = (path / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    report = json.loads((path / "build_report.json").read_text(encoding="utf-8"))
    ds = load_dataset(str(path))
    info = {i["config_name"]: i for i in front["dataset_info"]}["default"]
    assert {s["name"]: s["num_examples"] for s in info["splits"]} == {k: v.num_rows for k, v in ds.items()}
    names = next(iter(ds.values())).features["entities"].feature["label"].names
    declared = next(f for f in info["features"] if f["name"] == "entities")
    shown = declared["list"][3]["dtype"]["class_label"]["names"]
    assert {int(k): v for k, v in shown.items()} == dict(enumerate(names))
    counted: dict[str, Counter[str]] = {}
    for split, rows in ds.items():
        label = rows.features["entities"].feature["label"].names
        counted[split] = Counter(label[e["label"]] for r in rows for e in r["entities"])
        docs, ents, rels = len(rows), sum(len(r["entities"]) for r in rows), sum(len(r["relations"]) for r in rows)
        assert [split, str(docs), str(ents), str(rels)] in _section_table(card, "Splits"), split
    table = _section_table(card, "Entity types")
    header = card.split("\n## Entity types\n", 1)[1].split("| label | ", 1)[1].split(" |\n", 1)[0].split(" | ")
    for cells in table:
        for split, n in zip(header, cells[1:], strict=True):
            assert counted[split][cells[0]] == int(n), (cells[0], split)
    annotated = ", ".join(manifest["annotated_types"]["entities"])
    assert f"Types annotated: {annotated} " in card
    croissant = json.loads((path / "croissant.json").read_text(encoding="utf-8"))
    assert front["license"] in json.dumps(croissant["license"]).lower()  # one licence, stated twice
    assert report["inputs"] == manifest["inputs"]  # the sources, with their sha256
    corpus = path.parents[2] / "corpus" / "corpus.json"  # beside the releases folder in these tests, for a corpus
    if corpus.is_file():  # a corpus's card names each of its files
        files = json.loads(corpus.read_text(encoding="utf-8"))["files"]
        assert files and all(f"`{item['file']}`" in card for item in files), files
    else:  # a Label Studio release's card says where its texts come from
        total, from_records = sum(report["documents"].values()), report["documents_from_gold_records"]
        assert (f"Texts: all {total} documents come from the annotated records" in card) == (from_records == total)


def test_the_cards_claims_are_the_datas(made: tuple[ReleaseResult, Path], tmp_path: Path) -> None:
    """Read back on a release of Label Studio work and on a corpus's release."""
    card_claims_hold(made[0].path)
    corpus = _tiny_corpus_release(tmp_path, "ORG", {"about": {"title": "Tiny", "license": "mit"}}, license_id="mit")
    card_claims_hold(corpus)
    assert "license: mit" in (corpus / "README.md").read_text(encoding="utf-8")
