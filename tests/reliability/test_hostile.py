"""Hostile content round-trips unchanged; names cannot escape their folders."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from toolkit.annotations.gold import write_gold
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.annotations.results import export_task
from toolkit.dataset.release import ReleaseError, release
from toolkit.labelstudio.pull import _slug
from toolkit.labelstudio.tasks import build_tasks
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import label_config, parse_schema
from toolkit.seeds import document_to_record

HOSTILE_LABELS = ["A&B <x>", 'say "hi"', "it's ]]> done", "\u200fRTL\u200f", "zw\u200dj", "emoji 😀"]
TEXT = 'Teks <b>&amp;</b> "kutip" ]]> \u200fעברית\u200f zw\u200dj 😀🎉 Jenewa & Swiss.\r\nBaris kedua.'


def hostile_schema_data() -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load((REPO / "schemas" / "schema.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for ent, name in zip(data["entities"], HOSTILE_LABELS, strict=False):
        old = ent["label"]
        ent["label"] = name
        for rel in data["relations"]:
            rel["head"] = [name if t == old else t for t in rel["head"]]
            rel["tail"] = [name if t == old else t for t in rel["tail"]]
    return data


def test_hostile_labels_and_text_round_trip(tmp_path: Path) -> None:
    schema = parse_schema(hostile_schema_data(), source="hostile")
    root = ET.fromstring(label_config(schema))
    assert [x.get("value") for x in root.iter("Label")][: len(HOSTILE_LABELS)] == HOSTILE_LABELS
    doc = Document("h1", TEXT, {"outlet": "<script>"})
    (task,) = build_tasks([doc])
    assert json.loads(json.dumps(task))["data"]["text"] == TEXT
    a, b = TEXT.index("Jenewa"), TEXT.index("Swiss")
    spans = (
        Span("s1", a, a + 6, HOSTILE_LABELS[2]),
        Span("s2", b, b + 5, HOSTILE_LABELS[2]),
        Span("s3", TEXT.index("😀"), TEXT.index("😀") + 2, HOSTILE_LABELS[5]),
    )
    layer = Layer(
        "h1", "user:1", "", spans, (Relation("r", "s1", "s2", "located_in"),), Provenance("x", annotation_id=3)
    )
    export = tmp_path / "hostile.json"
    export.write_text(
        json.dumps([export_task(1, TEXT, [layer], schema, {"article_id": "h1"})], ensure_ascii=False), encoding="utf-8"
    )
    report = import_export(export, schema, out_dir=tmp_path / "layers")
    ((doc2, (back,)),) = list(read_layers(Path(str(report.output))))
    assert doc2.text == TEXT
    assert [(s.start, s.end, s.label) for s in back.spans] == sorted((s.start, s.end, s.label) for s in spans)
    assert [doc2.span_text(s) for s in back.spans] == ["😀🎉", "Jenewa", "Swiss"]


def test_hostile_text_through_the_dataset(tmp_path: Path, schema: object) -> None:
    from toolkit.dataset.load import load_release
    from toolkit.schema import load_schema

    real = load_schema(REPO / "schemas" / "schema.yaml")
    doc = Document("h1", TEXT, {"outlet": "x", "source": {"file": "h.txt"}})
    a = TEXT.index("Jenewa")
    layer = Layer("h1", "user:1", "", (Span("s1", a, a + 6, "GPE"),), (), Provenance("x", annotation_id=1))
    export = tmp_path / "e.json"
    export.write_text(
        json.dumps([export_task(1, TEXT, [layer], real, {"article_id": "h1"})], ensure_ascii=False), encoding="utf-8"
    )
    r = import_export(export, real, out_dir=tmp_path / "l")
    g = write_gold(Path(str(r.output)), tmp_path / "g", schema_path=REPO / "schemas" / "schema.yaml")
    seeds = tmp_path / "articles.jsonl"
    seeds.write_text(json.dumps(document_to_record(doc), ensure_ascii=False) + "\n", encoding="utf-8")
    path = release(
        name="hostile",
        version="1.0.0",
        schema=real,
        seeds_path=seeds,
        gold_paths=[Path(g.output)],
        guidelines_path=REPO / "schemas" / "GUIDELINES.md",
        releases_dir=tmp_path / "rel",
        ratios=(1.0, 0.0, 0.0),
    ).path
    ((d, gl),) = [x for split in load_release(path).splits.values() for x in split]
    assert d.text == TEXT and d.span_text(gl.spans[0]) == "Jenewa"


@pytest.mark.parametrize("name", ["../evil", "/abs", "a/b", "nul\x00", "..", "UPPER"])
def test_release_names_cannot_escape(name: str, tmp_path: Path) -> None:
    from toolkit.schema import load_schema

    with pytest.raises(ReleaseError, match="must be lower-case letters"):
        release(
            name=name,
            version="1.0.0",
            schema=load_schema(REPO / "schemas" / "schema.yaml"),
            seeds_path=tmp_path / "s",
            gold_paths=[],
            guidelines_path=REPO / "schemas" / "GUIDELINES.md",
            releases_dir=tmp_path,
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("version", ["../1.0.0", "1.0.0/../../x", "1.0.0\x00", "/1.0.0"])
def test_release_versions_cannot_escape(version: str, tmp_path: Path) -> None:
    from toolkit.schema import load_schema

    with pytest.raises(ReleaseError, match="is not semantic"):
        release(
            name="ok",
            version=version,
            schema=load_schema(REPO / "schemas" / "schema.yaml"),
            seeds_path=tmp_path / "s",
            gold_paths=[],
            guidelines_path=REPO / "schemas" / "GUIDELINES.md",
            releases_dir=tmp_path,
        )


@pytest.mark.parametrize("title", ["../../etc/passwd", "/abs/title", "a\x00b", "Proyek <Berita> & 😀"])
def test_project_titles_make_safe_snapshot_names(title: str) -> None:
    slug = _slug(title)
    assert slug and "/" not in slug and ".." not in slug and "\x00" not in slug
    assert all(c.isalnum() or c == "-" for c in slug)


def test_no_pickle_anywhere_in_the_package() -> None:
    for path in (REPO / "toolkit").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for word in ("import pickle", "import joblib", "pickle.load", "joblib.load", "cloudpickle", "dill"):
            assert word not in source, f"{path}: {word}"
