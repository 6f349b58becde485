from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.annotations.import_report import AnnotationImportError
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.annotations.results import export_task
from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer, Provenance, Relation, Span
from toolkit.schema import Schema

GOLDEN = REPO / "tests" / "golden"
T = "Hasan Kleib bekerja di ILO, Jenewa."
PER, ORG, GPE = (0, 11), (23, 26), (28, 34)


def region(rid: str, start: int, end: int, label: str, text: str | None = None, **over: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": [label]}
    value["text"] = T[start:end] if text is None else text
    item = {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}
    item.update(over)
    return item


def rel(src: str, dst: str, label: str, direction: str = "right") -> dict[str, Any]:
    return {"type": "relation", "from_id": src, "to_id": dst, "direction": direction, "labels": [label]}


def export(tmp_path: Path, result: list[Any], text: str = T, extra_tasks: list[Any] | None = None) -> Path:
    tasks = [
        {
            "id": 7,
            "data": {"text": text, "article_id": "a1"},
            "annotations": [{"id": 70, "completed_by": 1, "result": result}],
        }
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks + (extra_tasks or [])), encoding="utf-8")
    return path


def first_error(tmp_path: Path, schema: Schema, result: list[Any], **kw: Any) -> str:
    path = export(tmp_path, result, **kw)
    with pytest.raises(AnnotationImportError) as info:
        import_export(path, schema, out_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "export.jsonl").exists()
    assert not list((tmp_path / "out").glob("*"))  # nothing written, not even a temp file
    errors = [p for p in info.value.problems if p.severity == "error"]
    return errors[0].render("export.json")


def test_golden_export_gives_golden_layers(tmp_path: Path, schema: Schema) -> None:
    report = import_export(GOLDEN / "export_two_annotators.json", schema, out_dir=tmp_path)
    produced = (tmp_path / "export_two_annotators.jsonl").read_bytes()
    assert produced == (GOLDEN / "export_two_annotators.layers.jsonl").read_bytes()
    assert report.counts["tasks"] == {"in": 3, "written": 3, "skipped": 0}
    assert report.counts["annotations"] == {"in": 6, "written": 5, "skipped": 1}
    assert report.skipped["annotations"] == {"cancelled (skipped by the annotator)": 1}
    assert report.counts["drafts"] == {"in": 1, "written": 0, "skipped": 1}
    assert report.repairs == {"UTF-16 offsets converted": 4}
    docs = {d.id: (d, layers) for d, layers in read_layers(tmp_path / "export_two_annotators.jsonl")}
    emoji_doc, emoji_layers = docs["emoji-0001"]
    kinds = sorted((x.kind, x.annotator) for x in emoji_layers)
    assert kinds == [("annotation", "user:1"), ("annotation", "user:2"), ("prediction", "rules-0.1")]
    old = next(x for x in emoji_layers if x.annotator == "user:1")
    assert [emoji_doc.span_text(s) for s in old.spans] == ["Presiden", "Joko Widodo", "Jakarta", "Indonesia"]
    crlf_doc, (crlf,) = docs["crlf-0001"]
    assert crlf_doc.span_text(crlf.span("c2")) == "Jenewa"
    # the report file repeats the counts and lists every warning
    saved = json.loads((tmp_path / "export_two_annotators.report.json").read_text(encoding="utf-8"))
    assert saved["problem_counts"] == {"warning:utf16-offsets": 4}


def test_import_is_deterministic(tmp_path: Path, schema: Schema) -> None:
    import_export(GOLDEN / "export_two_annotators.json", schema, out_dir=tmp_path / "a")
    import_export(GOLDEN / "export_two_annotators.json", schema, out_dir=tmp_path / "b")
    for name in ("export_two_annotators.jsonl", "export_two_annotators.report.json"):
        a = (tmp_path / "a" / name).read_text(encoding="utf-8").replace(str(tmp_path / "a"), "")
        b = (tmp_path / "b" / name).read_text(encoding="utf-8").replace(str(tmp_path / "b"), "")
        assert a == b


def test_counts_add_up(tmp_path: Path, schema: Schema) -> None:
    bad = [
        region("r1", *PER, "PER"),
        region("r2", *ORG, "NOPE"),
        rel("r1", "r2", "works_for"),
        rel("r1", "zz", "works_for"),
    ]
    report = import_export(export(tmp_path, bad), schema, out_dir=tmp_path / "o", skip_invalid=True)
    for kind, c in report.counts.items():
        assert c["in"] == c["written"] + c["skipped"], kind
        assert c["skipped"] == sum(report.skipped.get(kind, {}).values()), kind
    assert report.counts["regions"] == {"in": 2, "written": 1, "skipped": 1}
    assert report.counts["relations"] == {"in": 2, "written": 0, "skipped": 2}


RULES: list[tuple[str, list[Any], str]] = [
    (
        "unknown label",
        [region("r1", *PER, "PERSON")],
        "task 7, annotation 70, region r1: label 'PERSON' is not in the schema (PER, ORG, GPE, LOC, FAC, DATE, EVENT, ROLE, "
        "QUANTITY); relabel the region or add the type to schemas/schema.yaml",
    ),
    (
        "unknown from_name",
        [region("r1", *PER, "PER", from_name="ner")],
        "task 7, annotation 70, region r1: from_name 'ner' is not in the config (expected 'label'); the task was labelled "
        "with another config: make its schema with `toolkit schema from-ls-config`",
    ),
    (
        "unknown to_name",
        [region("r1", *PER, "PER", to_name="body")],
        "task 7, annotation 70, region r1: to_name 'body' is not in the config (expected 'text')",
    ),
    (
        "two labels",
        [
            {
                **region("r1", *PER, "PER"),
                "value": {"start": 0, "end": 11, "text": "Hasan Kleib", "labels": ["PER", "ORG"]},
            }
        ],
        "task 7, annotation 70, region r1: 2 labels ['PER', 'ORG'] on one region; the schema allows one: keep one",
    ),
    (
        "offset past the end",
        [region("r1", 28, 99, "GPE", text="Jenewa.")],
        "task 7, annotation 70, region r1: offsets [28, 99) are outside the text (35 code points); redraw the region",
    ),
    (
        "start >= end",
        [region("r1", 11, 5, "PER", text="")],
        "task 7, annotation 70, region r1: start 11 >= end 5; redraw the region",
    ),
    (
        "float offset",
        [region("r1", 0.0, 11, "PER", text="Hasan Kleib")],  # type: ignore[arg-type]
        "task 7, annotation 70, region r1: start is float 0.0; offsets must be integers (code points)",
    ),
    (
        "string offset",
        [region("r1", "0", 11, "PER", text="Hasan Kleib")],  # type: ignore[arg-type]
        "task 7, annotation 70, region r1: start is str '0'; offsets must be integers (code points)",
    ),
    (
        "text mismatch",
        [region("r1", 0, 11, "PER", text="Hasan Kleb")],
        "task 7, annotation 70, region r1: text[0:11] is 'Hasan Kleib' but value.text is 'Hasan Kleb'; the offsets do not "
        "fit this text: redraw the region or check the task text",
    ),
    (
        "relation endpoint missing",
        [region("r1", *PER, "PER"), rel("r1", "r9", "works_for")],
        "task 7, annotation 70: relation 1 (r1 -> r9): 'r9' is not a region of this annotation; delete the relation",
    ),
    (
        "relation label unknown",
        [region("r1", *PER, "PER"), region("r2", *ORG, "ORG"), rel("r1", "r2", "employs")],
        "task 7, annotation 70: relation 1 (r1 -> r2): relation label 'employs' is not in the schema (works_for, has_role, "
        "role_of, member_of, part_of, located_in, held_on, participant_in, organized_by, alias_of)",
    ),
    (
        "relation types",
        [region("r1", *PER, "PER"), region("r2", *ORG, "ORG"), rel("r2", "r1", "works_for")],
        "task 7, annotation 70: relation 1 (r2 -> r1): works_for needs PER -> ORG, got ORG -> PER; check the arrow "
        "direction or the region labels",
    ),
    (
        "self relation",
        [region("r1", *ORG, "ORG"), rel("r1", "r1", "part_of")],
        "task 7, annotation 70, region r1: relation 1 (r1 -> r1): a relation from a region to itself; delete it",
    ),
    (
        "duplicate relation",
        [
            region("r1", *PER, "PER"),
            region("r2", *ORG, "ORG"),
            rel("r1", "r2", "works_for"),
            rel("r2", "r1", "works_for", "left"),
        ],
        "task 7, annotation 70: relation 2 (r2 -> r1): duplicates relation 1 (r1 -> r2); delete one",
    ),
    (
        "directed drawn bi",
        [region("r1", *PER, "PER"), region("r2", *ORG, "ORG"), rel("r1", "r2", "works_for", "bi")],
        "task 7, annotation 70: relation 1 (r1 -> r2): works_for is directed but drawn both ways; set its arrow head -> tail",
    ),
    (
        "bad direction",
        [region("r1", *PER, "PER"), region("r2", *ORG, "ORG"), rel("r1", "r2", "works_for", "up")],
        "task 7, annotation 70: relation 1 (r1 -> r2): direction 'up' is not right, left or bi",
    ),
    (
        "crossing spans",
        [region("r1", 0, 11, "PER"), region("r2", 6, 19, "ORG")],
        "task 7, annotation 70, region r2: ORG [6, 19) crosses region r1 PER [0, 11); the schema's span_overlap is "
        "'nested': adjust the boundaries",
    ),
    (
        "duplicate region",
        [region("r1", *PER, "PER"), region("r2", *PER, "PER")],
        "task 7, annotation 70, region r2: duplicates region r1 (same offsets and label); delete one",
    ),
    (
        "duplicate region id",
        [region("r1", *PER, "PER"), region("r1", *ORG, "ORG")],
        "task 7, annotation 70, region r1: two regions share this id; give each region its own id",
    ),
    (
        "result not a list",
        {"oops": 1},  # type: ignore[dict-item]
        "task 7, annotation 70: 'result' is dict {'oops': 1}, not a list of regions; re-export the task",
    ),
]


@pytest.mark.parametrize(("result", "message"), [(r, m) for _, r, m in RULES], ids=[n for n, _, _ in RULES])
def test_each_validation_rule(tmp_path: Path, schema: Schema, result: list[Any], message: str) -> None:
    assert first_error(tmp_path, schema, result) == f"export.json: {message}"


def test_direction_left_and_symmetric_bi(tmp_path: Path, schema: Schema) -> None:
    result = [
        region("r1", *PER, "PER"),
        region("r2", *ORG, "ORG"),
        region("r3", *GPE, "GPE"),
        rel("r2", "r1", "works_for", "left"),
        rel("r2", "r3", "located_in"),
        rel("r3", "r2", "alias_of", "bi"),
    ]
    import_export(export(tmp_path, result), schema, out_dir=tmp_path / "o")
    ((_, (layer,)),) = list(read_layers(tmp_path / "o" / "export.jsonl"))
    assert {(r.head, r.tail, r.label) for r in layer.relations} == {
        ("r1", "r2", "works_for"),
        ("r2", "r3", "located_in"),
        ("r3", "r2", "alias_of"),
    }


def test_nested_spans_allowed_by_schema(tmp_path: Path, schema: Schema) -> None:
    result = [region("r1", 12, 26, "EVENT", text=T[12:26]), region("r2", *ORG, "ORG")]
    report = import_export(export(tmp_path, result), schema, out_dir=tmp_path / "o")
    assert report.counts["regions"]["written"] == 2


def test_task_level_rules(tmp_path: Path, schema: Schema) -> None:
    dup = [{"id": 8, "data": {"text": T + " Lain.", "article_id": "a1"}, "annotations": []}]
    assert first_error(tmp_path, schema, [], extra_tasks=dup) == (
        "export.json: task 8: article a1 is also task 7, with another text; give one of the tasks its own article_id "
        "or delete it"
    )
    seeds = {"a1": Document("a1", T + " Berubah.")}
    path = export(tmp_path, [])
    with pytest.raises(AnnotationImportError) as info:
        import_export(path, schema, out_dir=tmp_path / "o2", seeds=seeds)
    assert info.value.problems[0].render("e") == (
        "e: task 7: the text differs from seed article a1 (seeds/articles.jsonl); the article changed after it was "
        "pushed: re-push it as a new article"
    )


def test_an_unpaired_surrogate_in_a_text_is_a_task_error(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "export.json"
    bad = {
        "id": 9,
        "data": {"text": "abc \ud800 def", "article_id": "a9"},
        "annotations": [{"id": 90, "result": [], "completed_by": 1}],
    }
    good = {
        "id": 7,
        "data": {"text": T, "article_id": "a1"},
        "annotations": [{"id": 70, "result": [], "completed_by": 1}],
    }
    path.write_text(json.dumps([good, bad]), encoding="utf-8")  # ensure_ascii writes the lone \ud800 escape
    with pytest.raises(AnnotationImportError) as info:
        import_export(path, schema, out_dir=tmp_path / "o")
    assert info.value.problems[0].render("e") == (
        "e: task 9: data.text holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not Unicode "
        "text; fix the task's text in Label Studio and pull again"
    )
    report = import_export(path, schema, out_dir=tmp_path / "o", skip_invalid=True)
    assert report.counts["tasks"] == {"in": 2, "written": 1, "skipped": 1}
    assert report.counts["annotations"] == {"in": 2, "written": 1, "skipped": 1}


def test_skip_invalid_writes_the_valid_part(tmp_path: Path, schema: Schema) -> None:
    result = [
        region("r1", *PER, "PER"),
        region("r2", *ORG, "ORG"),
        region("r3", 0, 99, "GPE", text="x"),
        rel("r1", "r2", "works_for"),
        rel("r1", "r3", "works_for"),
    ]
    report = import_export(export(tmp_path, result), schema, out_dir=tmp_path / "o", skip_invalid=True)
    assert [p.code for p in report.errors] == ["offset-range", "relation-endpoint-invalid"]
    ((_, (layer,)),) = list(read_layers(tmp_path / "o" / "export.jsonl"))
    assert [s.id for s in layer.spans] == ["r1", "r2"] and [r.label for r in layer.relations] == ["works_for"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"the file is empty"),
        (b'{"tasks": []}', r"a JSON object, not a Label Studio JSON export \(a list of tasks"),
        (b'[{"id": 1, "data": {"text": "abc"}', r"not valid JSON .*truncated or corrupted"),
        (b'[{"id": 1, "data": {"text": "caf\xe9"}}]', r"not (valid JSON|UTF-8)"),
    ],
)
def test_unreadable_exports(tmp_path: Path, schema: Schema, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ToolkitError, match=message):
        import_export(path, schema, out_dir=tmp_path / "o")
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_bom_is_accepted(tmp_path: Path, schema: Schema) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (GOLDEN / "export_two_annotators.json").read_bytes())
    assert import_export(path, schema, out_dir=tmp_path / "o").counts["tasks"]["written"] == 3


LABELS = ["PER", "ORG", "GPE", "DATE"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[Layer]]:
    words = draw(
        st.lists(st.sampled_from(["Jakarta", "😀", "ILO", "di", "\r\n", "Hasan", "(8/11)"]), min_size=1, max_size=12)
    )
    text = " ".join(words)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    spans = [
        Span(f"s{i}", a, b, draw(st.sampled_from(LABELS))) for i, (a, b) in enumerate(itertools.pairwise(cuts)) if a < b
    ]
    spans = spans[::2]  # non-overlapping
    rels = []
    pers = [s for s in spans if s.label == "PER"]
    orgs = [s for s in spans if s.label == "ORG"]
    if pers and orgs:
        rels.append(Relation("r1", pers[0].id, orgs[0].id, "works_for"))
    layer = Layer("d1", "user:3", "", tuple(spans), tuple(rels), Provenance("x", annotation_id=5))
    return text, [layer]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents())
def test_import_export_import_is_stable(tmp_path: Path, schema: Schema, doc: tuple[str, list[Layer]]) -> None:
    schema = schema.model_copy(update={"spans_cross_lines": True})  # generated spans may cross line breaks
    text, layers = doc
    task = export_task(1, text, layers, schema, {"article_id": "d1"})
    first = tmp_path / "first.json"
    first.write_text(json.dumps([task]), encoding="utf-8")
    import_export(first, schema, out_dir=tmp_path / "o1")
    ((d1, l1),) = list(read_layers(tmp_path / "o1" / "first.jsonl"))
    again = export_task(1, d1.text, l1, schema, {"article_id": d1.id})
    second = tmp_path / "first.json"  # same name, so the provenance field is the same too
    second.write_text(json.dumps([again]), encoding="utf-8")
    import_export(second, schema, out_dir=tmp_path / "o2")
    assert (tmp_path / "o1" / "first.jsonl").read_bytes() == (tmp_path / "o2" / "first.jsonl").read_bytes()
    assert [(s.start, s.end, s.label) for s in l1[0].spans] == sorted(
        (s.start, s.end, s.label) for s in layers[0].spans
    )


CRLF = "Menteri Retno Marsudi tiba di Jenewa,\r\nSwiss pada Senin."


def _crossing_export(tmp_path: Path, given: str) -> Path:
    start, end = CRLF.index("Jenewa"), CRLF.index("Swiss") + 5
    region = {
        "id": "c2",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": given, "labels": ["GPE"]},
    }
    task = {
        "id": 2,
        "data": {"text": CRLF, "article_id": "crlf"},
        "annotations": [{"id": 21, "completed_by": 1, "result": [region]}],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    return path


def test_a_span_across_a_line_break_is_an_error_unless_the_schema_allows_it(tmp_path: Path, schema: Schema) -> None:
    path = _crossing_export(tmp_path, "Jenewa,\r\nSwiss")
    with pytest.raises(AnnotationImportError) as info:
        import_export(path, schema, out_dir=tmp_path / "strict")
    assert info.value.problems[0].render("e") == (
        "e: task 2, annotation 21, region c2: [30, 44) 'Jenewa,\\r\\nSwiss' runs across a line break; a mention "
        "never spans two paragraphs: redraw it as separate regions (or set spans_cross_lines: true in the schema)"
    )
    report = import_export(path, schema, out_dir=tmp_path / "skip", skip_invalid=True)
    assert report.counts["regions"] == {"in": 1, "written": 0, "skipped": 1}
    allowing = schema.model_copy(update={"spans_cross_lines": True})
    report = import_export(path, allowing, out_dir=tmp_path / "allowed")
    assert report.counts["regions"]["written"] == 1


def test_the_ui_literal_backslash_n_is_repaired_where_spans_may_cross_lines(tmp_path: Path, schema: Schema) -> None:
    path = _crossing_export(tmp_path, "Jenewa,\\nSwiss")  # what some UI versions copy into value.text
    report = import_export(path, schema.model_copy(update={"spans_cross_lines": True}), out_dir=tmp_path)
    assert report.repairs == {"literal \\n in value.text": 1}


def test_a_prediction_listed_by_id_only_is_counted_and_named_as_a_prediction(tmp_path: Path, schema: Schema) -> None:
    """Label Studio's raw exports list predictions by id; without their content they are skipped, counted, named."""
    task = {
        "id": 1,
        "data": {"text": T},
        "annotations": [{"id": 10, "completed_by": 1, "result": [], "prediction": {}}],
        "predictions": [7],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    report = import_export(path, schema, out_dir=tmp_path / "o")
    assert report.counts["predictions"] == {"in": 1, "written": 0, "skipped": 1}
    (warning,) = [p for p in report.problems if p.code == "prediction-by-id"]
    assert (
        warning.render("e") == "e: task 1, prediction 7: listed by id only; its content is not in the export: skipped"
    )


def test_the_same_text_in_two_tasks_is_one_document_with_both_tasks_annotations(tmp_path: Path, schema: Schema) -> None:
    """As a real project turned into an export has it: the text twice, annotated in each task; nothing is dropped,
    the annotators are compared on one document, and an annotator in both tasks counts once (the latest)."""

    def ann(aid: int, who: int, label: str, updated: str) -> dict[str, object]:
        region = {
            "id": f"r{aid}",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 11, "text": T[0:11], "labels": [label]},
        }
        return {"id": aid, "completed_by": who, "updated_at": updated, "result": [region]}

    tasks = [
        {"id": 1, "data": {"text": T}, "annotations": [ann(10, 1, "PER", "2026-01-01T00:00:00Z")]},
        {"id": 2, "data": {"text": "Lain sekali."}, "annotations": [ann(20, 1, "PER", "2026-01-01T00:00:00Z")]},
        {
            "id": 3,
            "data": {"text": T},
            "annotations": [ann(30, 2, "ORG", "2026-01-02T00:00:00Z"), ann(31, 1, "ORG", "2026-01-03T00:00:00Z")],
        },
    ]
    tasks[1]["annotations"][0]["result"][0]["value"] = {"start": 0, "end": 4, "text": "Lain", "labels": ["PER"]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = import_export(path, schema, out_dir=tmp_path / "o")
    lines = [json.loads(x) for x in (tmp_path / "o" / "export.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["document"]["metadata"]["task_id"] for r in lines] == [1, 2]  # where the first task was
    merged = lines[0]
    assert merged["document"]["metadata"]["same_text_tasks"] == [1, 3]
    by = {layer["annotator"]: layer for layer in merged["layers"]}
    assert set(by) == {"user:1", "user:2"}
    assert by["user:1"]["provenance"]["annotation_id"] == 31  # the latest of user 1's two
    assert report.to_dict()["same_text"] == [{"document": merged["document"]["id"], "tasks": [1, 3]}]
    counts = report.counts["annotations"]
    assert counts["in"] == 4 and counts["written"] == 3 and counts["skipped"] == 1
