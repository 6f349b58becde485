"""The committed seed snapshot (the embedded default) is intact and matches its annotation source."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from tests.conftest import REPO
from toolkit.schema import Schema
from toolkit.seeds import ARTICLES_FILE, load_articles

SNAPSHOTS = REPO / "annotations" / "snapshots"


def _index() -> list[dict[str, Any]]:
    entries = json.loads((SNAPSHOTS / "index.json").read_text(encoding="utf-8"))["snapshots"]
    assert isinstance(entries, list)
    return entries


def test_every_indexed_snapshot_matches_its_checksum() -> None:
    entries = _index()
    assert entries
    for entry in entries:
        data = (SNAPSHOTS / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
    listed = {e["file"] for e in entries}
    on_disk = {p.name for p in SNAPSHOTS.glob("*.json")} - {"index.json"}
    assert listed == on_disk


def test_seed_gold_is_complete_and_consistent(schema: Schema) -> None:
    (entry,) = [e for e in _index() if e["project_title"] == "id-news-er seed"]
    assert entry["counts"] == {
        "tasks": 1,
        "annotations": 1,
        "cancelled": 0,
        "annotators": 1,
        "predictions": 0,
        "drafts": 0,
    }
    (task,) = json.loads((SNAPSHOTS / entry["file"]).read_text(encoding="utf-8"))
    (seed,) = load_articles(REPO / "seeds" / ARTICLES_FILE)
    assert task["data"]["article_id"] == seed.id and task["data"]["text"] == seed.text
    (ann,) = task["annotations"]
    regions = {r["id"]: r for r in ann["result"] if r["type"] == "labels"}
    relations = [r for r in ann["result"] if r["type"] == "relation"]
    assert len(regions) == 50 and len(relations) == 21
    for region in regions.values():
        v = region["value"]
        assert seed.text[v["start"] : v["end"]] == v["text"]
        assert v["labels"][0] in schema.entity_labels
    for rel in relations:
        head, tail = regions[rel["from_id"]], regions[rel["to_id"]]
        assert schema.relation(rel["labels"][0]).allows(head["value"]["labels"][0], tail["value"]["labels"][0])
    labels = sorted({r["value"]["labels"][0] for r in regions.values()})
    assert labels == ["DATE", "EVENT", "GPE", "ORG", "PER", "QUANTITY", "ROLE"]


def test_snapshot_was_made_from_the_committed_annotation_source() -> None:
    sys.path.insert(0, str(REPO / "annotations" / "seed_gold"))
    try:
        from annotate import build_layer  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    layer, _ = build_layer()
    (entry,) = [e for e in _index() if e["project_title"] == "id-news-er seed"]
    (task,) = json.loads((SNAPSHOTS / entry["file"]).read_text(encoding="utf-8"))
    result = task["annotations"][0]["result"]
    spans = {
        (r["id"], r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
        for r in result
        if r["type"] == "labels"
    }
    assert spans == {(s.id, s.start, s.end, s.label) for s in layer.spans}
    rels = {(r["from_id"], r["to_id"], r["labels"][0]) for r in result if r["type"] == "relation"}
    assert rels == {(r.head, r.tail, r.label) for r in layer.relations}
