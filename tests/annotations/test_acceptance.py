"""Pre-annotation acceptance: on a real Label Studio export (accepted in a real browser) and on planted edits."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.annotations.acceptance import acceptance
from toolkit.annotations.importer import import_export
from toolkit.cli import main
from toolkit.model import Provenance, Relation, Span, layer_record, relation_records, span_records
from toolkit.schema import load_schema

TEXT = "Menteri Retno Marsudi bertemu Dirjen ILO Guy Ryder di Jenewa pada Senin ."


def _at(word: str, label: str, sid: str) -> Span:
    a = TEXT.index(word)
    return Span(sid, a, a + len(word), label)


def _line(pred_spans, pred_rels, ann_spans, ann_rels, origins) -> bytes:
    pred = layer_record(
        "d1",
        "crf@x",
        "prediction",
        "",
        span_records(pred_spans),
        relation_records(pred_rels),
        Provenance("t", task_id=1, annotation_id=7, model_version="crf@x"),
    )
    ann = layer_record(
        "d1",
        "user:2",
        "annotation",
        "",
        span_records(ann_spans),
        relation_records(ann_rels),
        Provenance("t", task_id=1, annotation_id=3, parent_prediction=7),
    )
    ann["region_origins"] = origins
    empty = layer_record("d1", "user:4", "annotation", "", [], [], Provenance("t", task_id=1, annotation_id=4))
    return json.dumps({"document": {"id": "d1", "text": TEXT}, "layers": [ann, empty, pred]}).encode() + b"\n"


def test_kept_relabelled_moved_deleted_and_added_spans_and_relations(tmp_path: Path) -> None:
    pred = [
        _at("Retno Marsudi", "PER", "T1"),
        _at("ILO", "ORG", "T2"),
        _at("Guy", "PER", "T3"),
        _at("Jenewa", "LOC", "T4"),
        _at("Senin", "DATE", "T5"),
    ]
    ann = [
        _at("Retno Marsudi", "PER", "T1"),  # kept
        _at("ILO", "GPE", "T2"),  # relabelled
        _at("Guy Ryder", "PER", "T3"),  # moved (boundary corrected)
        _at("Senin", "DATE", "T5"),  # kept; Jenewa (T4) deleted
        _at("Dirjen", "ROLE", "n1"),  # added
    ]
    pred_rels = [Relation("R1", "T3", "T2", "works_for"), Relation("R2", "T1", "T4", "located_in")]
    ann_rels = [Relation("r1", "T3", "T2", "works_for"), Relation("r2", "T3", "n1", "has_role")]
    origins = {
        "T1": "prediction",
        "T2": "prediction-changed",
        "T3": "prediction-changed",
        "T5": "prediction",
        "n1": "manual",
    }
    path = tmp_path / "layers.jsonl"
    path.write_bytes(_line(pred, pred_rels, ann, ann_rels, origins))
    report = acceptance(path)
    (v,) = report["model_versions"].values()
    assert v["annotations_from_predictions"] == 1
    spans_by_type, relations_by_type = v["spans"].pop("by_type"), v["relations"].pop("by_type")
    assert v["spans"] == {
        "predicted": 5,
        "kept": 2,
        "relabelled": 1,
        "moved": 1,
        "deleted": 1,
        "added": 1,
        "kept_share": 0.4,
    }
    assert v["relations"] == {"predicted": 2, "kept": 1, "relabelled": 0, "deleted": 1, "added": 1, "kept_share": 0.5}
    # per type: the predicted item's type (an added one's own), so a type the model gets wrong shows apart
    assert relations_by_type == {
        "has_role": {"predicted": 0, "kept": 0, "relabelled": 0, "deleted": 0, "added": 1, "kept_share": None},
        "located_in": {"predicted": 1, "kept": 0, "relabelled": 0, "deleted": 1, "added": 0, "kept_share": 0.0},
        "works_for": {"predicted": 1, "kept": 1, "relabelled": 0, "deleted": 0, "added": 0, "kept_share": 1.0},
    }
    assert {t: (b["predicted"], b["kept_share"]) for t, b in spans_by_type.items()} == {
        "DATE": (1, 1.0),
        "LOC": (1, 0.0),
        "ORG": (1, 0.0),
        "PER": (2, 0.5),
        "ROLE": (0, None),
    }
    assert spans_by_type["ORG"]["relabelled"] == 1 and spans_by_type["PER"]["moved"] == 1
    text = CliRunner().invoke(main, ["annotations", "acceptance", str(path)]).output
    assert "    relation located_in: 1 predicted (0% kept): 1 deleted" in text
    assert "    relation works_for: 1 predicted (100% kept): 1 kept" in text
    assert report["annotations_not_from_a_prediction"] == 1


def test_real_export_accepted_in_the_browser_keeps_every_predicted_span(tmp_path: Path) -> None:
    export = REPO / "tests" / "golden" / "real_exports" / "export-api.json"
    report = import_export(export, load_schema(REPO / "schemas" / "schema.yaml"), out_dir=tmp_path)
    result = CliRunner().invoke(main, ["annotations", "acceptance", str(report.output), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert (
        got["model_versions"]["rules@0.1"]["spans"]["kept"]
        == got["model_versions"]["rules@0.1"]["spans"]["predicted"]
        == 16
    )
    text = CliRunner().invoke(main, ["annotations", "acceptance", str(report.output)]).output
    assert "rules@0.1: 1 annotation(s) made from its predictions" in text and "16 predicted (100% kept)" in text


def test_a_file_that_is_not_layers_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"document": {"id": "a", "text": "b"}}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["annotations", "acceptance", str(bad)])
    assert result.exit_code == 1 and "line 1: not a layers record" in result.output
