from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from toolkit.annotations.gold import adjudicate, write_gold
from toolkit.annotations.importer import import_export
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema

TEXT = "Hasan Kleib bekerja di ILO, Jenewa."
DOC = Document("d", TEXT)
PER, ORG, GPE, LOC = (
    Span("p", 0, 11, "PER"),
    Span("o", 23, 26, "ORG"),
    Span("g", 28, 34, "GPE"),
    Span("l", 28, 34, "LOC"),
)


def layer(
    who: str,
    spans: list[Span],
    rels: list[Relation] | None = None,
    *,
    aid: int = 0,
    gt: bool = False,
    kind: str = "annotation",
) -> Layer:
    return Layer(
        "d", who, "", tuple(spans), tuple(rels or []), Provenance("s", annotation_id=aid, ground_truth=gt), kind
    )  # type: ignore[arg-type]


WORKS = Relation("r", "p", "o", "works_for")


def test_ground_truth_wins(schema: Schema) -> None:
    g = adjudicate(
        DOC,
        [layer("u1", [PER, ORG], [WORKS], aid=1), layer("u2", [PER], aid=2, gt=True), layer("u3", [PER, ORG], aid=3)],
        schema,
    )
    assert g is not None and g.policy == "ground_truth"
    assert [(s.start, s.end, s.label) for s in g.gold.spans] == [(0, 11, "PER")]
    assert g.span_support == {"g1": ("u1", "u2", "u3")}
    reasons = {(d["kind"], d.get("label"), d["reason"]) for d in g.disagreements}
    assert reasons == {
        ("span", "ORG", "not in the ground-truth annotation"),
        ("relation", "works_for", "not in the ground-truth annotation"),
    }


def test_several_ground_truths_use_the_latest_and_say_so(schema: Schema) -> None:
    g = adjudicate(DOC, [layer("u1", [PER], aid=5, gt=True), layer("u2", [ORG], aid=9, gt=True)], schema)
    assert g is not None
    assert [s.label for s in g.gold.spans] == ["ORG"]
    assert g.disagreements[0]["kind"] == "ground_truth_conflict"
    assert "used annotation 9 (u2)" in g.disagreements[0]["reason"]


def test_majority_keeps_items_most_annotators_made(schema: Schema) -> None:
    g = adjudicate(
        DOC,
        [
            layer("u1", [PER, ORG, GPE], [WORKS], aid=1),
            layer("u2", [PER, ORG, LOC], [WORKS], aid=2),
            layer("u3", [PER, GPE], aid=3),
        ],
        schema,
    )
    assert g is not None and g.policy == "majority"
    assert [(s.label, s.start) for s in g.gold.spans] == [("PER", 0), ("ORG", 23), ("GPE", 28)]
    assert g.span_support == {"g1": ("u1", "u2", "u3"), "g2": ("u1", "u2"), "g3": ("u1", "u3")}
    assert [(r.head, r.tail, r.label) for r in g.gold.relations] == [("g1", "g2", "works_for")]
    assert g.relation_support == {"gr1": ("u1", "u2")}
    (minority,) = g.disagreements
    assert (minority["label"], minority["reason"], minority["annotators"], minority["of"]) == (
        "LOC",
        "minority",
        ["u2"],
        3,
    )


def test_ties_are_disagreements(schema: Schema) -> None:
    g = adjudicate(DOC, [layer("u1", [PER, GPE], aid=1), layer("u2", [PER, LOC], aid=2)], schema)
    assert g is not None and [s.label for s in g.gold.spans] == ["PER"]
    assert sorted((d["label"], d["reason"]) for d in g.disagreements) == [("GPE", "tie"), ("LOC", "tie")]


def test_relation_needs_its_arguments_in_gold(schema: Schema) -> None:
    org2 = Span("o", 23, 27, "ORG")
    g = adjudicate(
        DOC,
        [layer("u1", [PER, ORG], [WORKS], aid=1), layer("u2", [PER, org2], [WORKS], aid=2), layer("u3", [PER], aid=3)],
        schema,
    )
    assert g is not None and g.gold.relations == ()
    assert any(d["kind"] == "relation" for d in g.disagreements)


def test_single_annotator_and_no_annotator(schema: Schema) -> None:
    g = adjudicate(DOC, [layer("u1", [PER, ORG], [WORKS], aid=1), layer("m", [GPE], kind="prediction")], schema)
    assert g is not None and g.policy == "single annotator" and len(g.gold.spans) == 2 and not g.disagreements
    assert adjudicate(DOC, [layer("m", [GPE], kind="prediction")], schema) is None


def test_symmetric_relations_match_either_way(schema: Schema) -> None:
    a, b = Span("a", 0, 11, "ORG"), Span("b", 23, 26, "ORG")
    g = adjudicate(
        DOC,
        [
            layer("u1", [a, b], [Relation("r", "a", "b", "alias_of")], aid=1),
            layer("u2", [a, b], [Relation("r", "b", "a", "alias_of")], aid=2),
        ],
        schema,
    )
    assert g is not None and len(g.gold.relations) == 1 and not g.disagreements


def test_write_gold_and_review_tasks(tmp_path: Path, schema: Schema) -> None:
    import_export(REPO / "tests" / "golden" / "export_two_annotators.json", schema, out_dir=tmp_path)
    summary = write_gold(
        tmp_path / "export_two_annotators.jsonl",
        tmp_path / "gold",
        review_tasks=tmp_path / "review.json",
        schema_path=REPO / "schemas" / "schema.yaml",
    )
    assert summary.policies == {"ground_truth": 1, "majority": 1, "single annotator": 1}
    assert (summary.spans, summary.relations, summary.disagreements) == (10, 2, 7)
    tasks = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert [t["data"]["article_id"] for t in tasks] == ["emoji-0001", "ilo-0001"]
    versions = [p["model_version"] for p in tasks[0]["predictions"]]
    assert versions == ["gold:majority", "candidate:user:1", "candidate:user:2"]
    for task in tasks:
        for pred in task["predictions"]:
            for r in pred["result"]:
                if r["type"] == "labels":
                    assert task["data"]["text"][r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
