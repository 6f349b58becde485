"""Writes the bad-input corpus (files, cases.json, README.md). Run from the repository root:
    python tests/bad_inputs/make.py
Each case: the file, the toolkit command that reads it, and a regular expression the one-line
``Error:`` must match (it names the file and the location: task/annotation/region or line).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
T = "Hasan Kleib bekerja di ILO, Jenewa."


def region(rid: str, start: Any, end: Any, label: str = "PER", text: Any = "__auto__", **over: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": [label]}
    if text == "__auto__":
        text = T[start:end] if isinstance(start, int) and isinstance(end, int) else None
    if text is not None:
        value["text"] = text
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value, **over}


def rel(a: str, b: str, label: str = "works_for", direction: str = "right") -> dict[str, Any]:
    return {"type": "relation", "from_id": a, "to_id": b, "direction": direction, "labels": [label]}


def task(result: Any, tid: Any = 1, text: Any = T, **over: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "data": {"text": text, "article_id": "a1"},
        "annotations": [{"id": 10, "completed_by": 1, "result": result}],
        **over,
    }


PER, ORG = region("r1", 0, 11, "PER"), region("r2", 23, 26, "ORG")
EXPORTS: dict[str, tuple[Any, str]] = {
    "export-truncated.json": (
        b'[{"id": 1, "data": {"text": "abc"}',
        r"not valid JSON \(.*\); the export is truncated or corrupted",
    ),
    "export-not-a-list.json": (b'{"tasks": []}', r"a JSON object, not a Label Studio JSON export \(a list of tasks"),
    "export-cancelled-as-string.json": (
        [task([PER]) | {"annotations": [{"id": 10, "completed_by": 1, "was_cancelled": "false", "result": [PER]}]}],
        r"task 1, annotation 10: was_cancelled is str 'false', not a JSON boolean \(true/false\)",
    ),
    "export-cancelled-as-int.json": (
        [task([PER]) | {"annotations": [{"id": 10, "completed_by": 1, "was_cancelled": 1, "result": [PER]}]}],
        r"task 1, annotation 10: was_cancelled is int 1, not a JSON boolean",
    ),
    "export-ground-truth-as-string.json": (
        [task([PER]) | {"annotations": [{"id": 10, "completed_by": 1, "ground_truth": "false", "result": [PER]}]}],
        r"task 1, annotation 10: ground_truth is str 'false', not a JSON boolean",
    ),
    "export-no-annotator.json": (
        [task([PER]) | {"annotations": [{"id": 10, "result": [PER]}]}],
        r"task 1, annotation 10: completed_by is missing, not a Label Studio user id or user object",
    ),
    "export-completed-by-email.json": (
        [task([PER]) | {"annotations": [{"id": 10, "completed_by": "ann@example.org", "result": [PER]}]}],
        r"task 1, annotation 10: completed_by is str, not a Label Studio user id",  # the value is never shown
    ),
    "export-annotation-id-string.json": (
        [task([PER]) | {"annotations": [{"id": "10", "completed_by": 1, "result": [PER]}]}],
        r"task 1: id is str; Label Studio ids are integers",
    ),
    "export-json-min.json": (
        [{"id": 1, "text": T, "label": [{"start": 0, "end": 11, "text": "Hasan Kleib", "labels": ["PER"]}]}],
        r"a JSON_MIN export \(flat records, no 'data' or 'annotations'\)",
    ),
    "export-csv.csv": (b"id,text,label\n1,Hasan Kleib,PER\n", r"a CSV export, not a Label Studio JSON export"),
    "export-tsv.tsv": (b"id\ttext\tlabel\n1\tHasan Kleib\tPER\n", r"a TSV export, not a Label Studio JSON export"),
    "export-conll.conll": (b"-DOCSTART- -X- O\n\nHasan -X- _ B-PER\n", r"a CONLL2003 export, not a Label Studio"),
    "export-gzip.json.gz": (
        gzip.compress(b"[]", mtime=0),
        r"gzip-compressed, not a Label Studio JSON export .*decompress it first",
    ),
    "export-utf16.json": (
        json.dumps([task([PER])]).encode("utf-16"),
        r"UTF-16 text, not a Label Studio JSON export .*convert it to UTF-8",
    ),
    "export-span-across-lines.json": (
        [
            {
                "id": 1,
                "data": {"text": "Hasan\nKleib di ILO.", "article_id": "a1"},
                "annotations": [
                    {
                        "id": 10,
                        "completed_by": 1,
                        "result": [
                            {
                                "id": "r1",
                                "from_name": "label",
                                "to_name": "text",
                                "type": "labels",
                                "value": {"start": 0, "end": 11, "text": "Hasan\nKleib", "labels": ["PER"]},
                            }
                        ],
                    }
                ],
            }
        ],
        r"task 1, annotation 10, region r1: \[0, 11\) 'Hasan\\nKleib' runs across a line break",
    ),
    "export-empty.json": (b"", r"the file is empty"),
    "export-bom-truncated.json": (b"\xef\xbb\xbf[{", r"not valid JSON"),
    "export-not-utf8.json": (b'[{"id": 1, "data": {"text": "caf\xe9"}}]', r"not (valid JSON|UTF-8)"),
    "export-deeply-nested.json": (b"[" * 200_000, r"JSON nested more than 64 levels deep; not a Label Studio export"),
    "export-task-not-object.json": ([["not", "a", "task"]], r"task #1: item 1 of the export is not a task object"),
    "export-task-without-id.json": (
        [{"data": {"text": T}, "annotations": []}],
        r"task #1: task id is None; every task needs an integer id",
    ),
    "export-duplicate-task-ids.json": (
        [task([]), {**task([]), "data": {"text": T + " x", "article_id": "a2"}}],
        r"task 1: task id 1 appears twice",
    ),
    "export-task-without-data.json": (
        [{"id": 1, "annotations": []}],
        r"task 1: data\.text is NoneType, not a non-empty string",
    ),
    "export-text-not-string.json": ([task([], text=42)], r"task 1: data\.text is int, not a non-empty string"),
    "export-same-article-twice.json": (
        [task([]), task([], tid=2, text=T + " Lain.")],
        r"task 2: article a1 is also task 1, with another text",
    ),
    "export-annotations-not-list.json": (
        [{"id": 1, "data": {"text": T}, "annotations": {"id": 10}}],
        r"task 1: 'annotations' and 'predictions' must be lists",
    ),
    "export-result-not-list.json": ([task({"oops": 1})], r"task 1, annotation 10: 'result' is dict"),
    "export-region-not-object.json": (
        [task(["region"])],
        r"task 1, annotation 10: a result item is str 'region', not an object",
    ),
    "export-region-missing-offsets.json": (
        [task([region("r1", None, 11, text="Hasan Kleib")])],
        r"task 1, annotation 10, region r1: start is missing; offsets must be integers",
    ),
    "export-region-negative-offset.json": (
        [task([region("r1", -3, 5, text="x")])],
        r"task 1, annotation 10, region r1: offsets \[-3, 5\) are outside the text",
    ),
    "export-region-float-offset.json": (
        [task([region("r1", 0.0, 11, text="Hasan Kleib")])],
        r"task 1, annotation 10, region r1: start is float 0\.0",
    ),
    "export-region-string-offset.json": (
        [task([region("r1", "0", 11, text="Hasan Kleib")])],
        r"task 1, annotation 10, region r1: start is str '0'",
    ),
    "export-region-start-after-end.json": (
        [task([region("r1", 9, 3, text="")])],
        r"task 1, annotation 10, region r1: start 9 >= end 3",
    ),
    "export-region-past-end.json": (
        [task([region("r1", 28, 99, text="Jenewa.")])],
        r"task 1, annotation 10, region r1: offsets \[28, 99\) are outside the text \(35 code points\)",
    ),
    "export-region-text-mismatch.json": (
        [task([region("r1", 0, 11, text="Hasan Kleb")])],
        r"task 1, annotation 10, region r1: text\[0:11\] is 'Hasan Kleib' but value\.text is 'Hasan Kleb'",
    ),
    "export-unknown-label.json": (
        [task([region("r1", 0, 11, "PERSON")])],
        r"task 1, annotation 10, region r1: label 'PERSON' is not in the schema",
    ),
    "export-two-labels.json": (
        [task([{**PER, "value": {**PER["value"], "labels": ["PER", "ORG"]}}])],
        r"region r1: 2 labels \['PER', 'ORG'\] on one region",
    ),
    "export-unknown-from-name.json": (
        [task([region("r1", 0, 11, from_name="ner")])],
        r"region r1: from_name 'ner' is not in the config",
    ),
    "export-duplicate-region-ids.json": (
        [task([PER, region("r1", 23, 26, "ORG")])],
        r"region r1: two regions share this id",
    ),
    "export-relation-missing-endpoint.json": (
        [task([PER, rel("r1", "r9")])],
        r"task 1, annotation 10: relation 1 \(r1 -> r9\): 'r9' is not a region of this annotation",
    ),
    "export-relation-type-violation.json": (
        [task([PER, ORG, rel("r2", "r1")])],
        r"relation 1 \(r2 -> r1\): works_for needs PER -> ORG, got ORG -> PER",
    ),
    "export-relation-unknown-label.json": (
        [task([PER, ORG, rel("r1", "r2", "employs")])],
        r"relation label 'employs' is not in the schema",
    ),
    "export-self-relation.json": (
        [task([ORG, rel("r2", "r2", "part_of")])],
        r"region r2: relation 1 \(r2 -> r2\): a relation from a region to itself",
    ),
    "export-utf16-offsets-without-text.json": (
        [task([region("r1", 8, 14, "GPE", text=None)], text="Halo 😀 Jenewa")],
        r"region r1: offsets \[8, 14\) are outside the text \(13 code points\)",
    ),
}
CONLL: dict[str, tuple[bytes, str]] = {
    "conll-one-column.txt": (b"Joko B-PER\nWidodo\n", r"line 2: 1 column\(s\) in 'Widodo'; expected TOKEN \.\.\. TAG"),
    "conll-column-count.txt": (b"Joko PROPN B-PER\nWidodo I-PER\n", r"line 2: 2 columns where earlier lines have 3"),
    "conll-stray-tag.txt": (b"Joko X-PER\n", r"line 1: tag 'X-PER' is not O, B-X or I-X"),
    "conll-i-without-b.txt": (
        b"di O\nJoko I-PER\n",
        r"conll-i-without-b\.txt, line 2: I-PER without a preceding B-PER or I-PER \(IOB2\)",  # the token's own line
    ),
    "conll-mixed-endings-bad-tag.txt": (
        b"Joko B-PER\r\nWidodo I-PER\nke O\r\nSolo LOC\n",
        r"line 4: tag 'LOC' is not O, B-X or I-X",
    ),
    "conll-not-utf8.txt": (b"Caf\xe9 O\n", r"not UTF-8 \(byte 3\)"),
}
PAGES: dict[str, tuple[bytes, str]] = {
    "page-empty.txt": (b"", r"the file is empty"),
    "page-binary.txt": (b"Suara.com - \x00\x01\x02" * 50, r"binary data \(NUL byte at offset 12\)"),
    "page-no-body.txt": (
        b"Suara.com - Singkat.\nBerita Terkait\n-\nLain\n",
        r"no recognisable article body \(8 characters",
    ),
    "page-latin1.txt": (
        "Suara.com - Berita tentang café ".encode("latin-1") * 20,
        r"not UTF-8 \(invalid byte 0xe9 at offset 30\)",
    ),
}
SCHEMA_OK = (HERE.parents[1] / "schemas" / "schema.yaml").read_text(encoding="utf-8")
PER_COLOUR, ORG_COLOUR = re.findall(r'color: "(#[0-9a-f]{6})"', SCHEMA_OK)[:2]  # the schema lists PER, then ORG
SCHEMAS: dict[str, tuple[str, str]] = {
    "schema-unknown-key.yaml": (
        SCHEMA_OK.replace("span_overlap: nested", "span_overlap: nested\ncolour_scheme: dark"),
        r"colour_scheme: unknown key",
    ),
    "schema-duplicate-label.yaml": (
        SCHEMA_OK.replace("  - label: ORG\n", "  - label: PER\n", 1),
        r"duplicate entity label 'PER' \(2 times\)",
    ),
    "schema-unknown-type.yaml": (
        SCHEMA_OK.replace("head: [EVENT]\n    tail: [DATE]", "head: [EVENT]\n    tail: [TIME]"),
        r"relation 'held_on' tail names unknown entity type 'TIME'",
    ),
    "schema-colour-collision.yaml": (
        SCHEMA_OK.replace(f'color: "{ORG_COLOUR}"', f'color: "{PER_COLOUR}"'),
        rf"colour {PER_COLOUR} is used by 2 types \['PER', 'ORG'\]",
    ),
    "schema-hotkey-collision.yaml": (
        SCHEMA_OK.replace('hotkey: "2"', 'hotkey: "1"'),
        r"hotkey '1' is used by \['PER', 'ORG'\]",
    ),
    "schema-bad-yaml.yaml": ("entities: [\n  - label: PER\n", r"not valid YAML at line \d+, column \d+"),
    "schema-not-mapping.yaml": ("- just\n- a list\n", r"the schema must be a mapping"),
    "schema-bad-version.yaml": (
        re.sub(r"(?m)^schema_version: .*$", "schema_version: one", SCHEMA_OK),
        r"schema_version: String should match pattern",
    ),
}
GOLD = '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PER"}], "relations": []}\n'
PREDICTIONS: dict[str, tuple[str, str]] = {
    "pred-not-json.jsonl": ("{not json}\n", r"pred-not-json\.jsonl, line 1: not JSON"),
    "pred-no-id.jsonl": ('{"spans": []}\n', r"line 1: a line must be an object with a string 'id'"),
    "pred-bad-span.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 5, "end": 2, "label": "PER"}]}\n',
        r"line 1: span s1: offsets \[5, 2\)",
    ),
    "pred-missing-field.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "label": "PER"}]}\n',
        r"line 1: missing or mistyped field 'end'",
    ),
    "pred-relation-unknown-span.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 3, "label": "PER"}], "relations": [{"head": "s1", "tail": "zz", "label": "works_for"}]}\n',
        r"line 1: .*relation r1 tail 'zz' is not a span of this layer",
    ),
    "pred-unknown-document.jsonl": (
        '{"id": "nope", "spans": []}\n',
        r"predictions for 1 document\(s\) not in the reference, e\.g\. 'nope'",
    ),
    "pred-duplicate-document.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PER"}]}\n{"id": "a1", "spans": []}\n',
        r"pred-duplicate-document\.jsonl, lines 1 and 2: both predict document a1",
    ),
    "pred-label-outside-schema.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PERSON"}]}\n',
        r"line 1: document a1, span s1: label 'PERSON' is not an entity type of the schema .*--skip-invalid",
    ),
    "pred-empty.jsonl": ("", r"pred-empty\.jsonl: no predictions \(the file is empty\)"),
}
# ---- appended tables (span JSON, brat, LS configs, layers, gold, more predictions, backend) ----
TOKS = ["Hasan", "Kleib", "bekerja", "di", "ILO", ",", "Jenewa", "."]


def sent(entities: Any = (), relations: Any = (), tokens: Any = TOKS, **over: Any) -> dict[str, Any]:
    return {"tokens": tokens, "entities": list(entities), "relations": list(relations), **over}


SPANS: dict[str, tuple[Any, str | None]] = {
    "spans-empty.json": (b"", None),
    "spans-not-json.json": (b"Hasan Kleib PER\n", None),
    "spans-truncated.json": (b'[{"tokens": ["Hasan", "Kleib"]', None),
    "spans-object-not-sentence.json": ({"data": [sent()]}, None),
    "spans-item-not-object.json": ([["Hasan", "Kleib"]], None),
    "spans-no-tokens.json": ([{"entities": [[0, 2, "PER"]]}], None),
    "spans-empty-tokens.json": ([sent(tokens=[])], None),
    "spans-token-with-space.json": ([sent(tokens=["Hasan Kleib", "bekerja"])], None),
    "spans-token-empty-string.json": ([sent(tokens=["Hasan", "", "Kleib"])], None),
    "spans-token-number.json": ([sent(tokens=["Hasan", 7])], None),
    "spans-token-lone-surrogate.json": (b'[{"tokens": ["Hasan", "Kl\\ud800eib"], "entities": []}]', None),
    "spans-entities-not-list.json": ([sent(entities=[]) | {"entities": {"PER": [0, 2]}}], None),
    "spans-entity-two-items.json": ([sent([[0, 2]])], None),
    "spans-entity-past-end.json": ([sent([[6, 9, "GPE"]])], None),
    "spans-entity-empty-range.json": ([sent([[2, 2, "PER"]])], None),
    "spans-entity-float.json": ([sent([[0.0, 2, "PER"]])], None),
    "spans-entity-bool.json": ([sent([[False, 2, "PER"]])], None),
    "spans-entity-no-type.json": ([sent([[0, 2, " "]])], None),
    "spans-entity-unknown-type.json": ([sent([[0, 2, "PERSON"]])], None),
    "spans-duplicate-entity.json": ([sent([[0, 2, "PER"], [0, 2, "PER"]])], None),
    "spans-two-types-one-span.json": ([sent([[0, 2, "PER"], [0, 2, "ORG"]])], None),
    "spans-crossing-entities.json": ([sent([[0, 2, "PER"], [1, 3, "ORG"]])], None),
    "spans-relation-list-index.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": [0], "tail": 1, "type": "works_for"}])],
        None,
    ),
    "spans-relation-bool-index.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": False, "tail": True, "type": "works_for"}])],
        None,
    ),
    "spans-relation-index-out-of-range.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": 0, "tail": 5, "type": "works_for"}])],
        None,
    ),
    "spans-relation-unknown-argument.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [[0, 2, 6, 7, "works_for"]])],
        None,
    ),
    "spans-relation-no-type.json": ([sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": 0, "tail": 1}])], None),
    "spans-relation-not-list.json": ([sent([[0, 2, "PER"]]) | {"relations": "works_for"}], None),
    "spans-self-relation.json": ([sent([[4, 5, "ORG"]], [{"head": 0, "tail": 0, "type": "part_of"}])], None),
    "spans-duplicate-relation.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [[0, 2, 4, 5, "works_for"], [0, 2, 4, 5, "works_for"]])],
        None,
    ),
    "spans-relation-argument-types.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": 1, "tail": 0, "type": "works_for"}])],
        None,
    ),
    "spans-relation-unknown-type.json": (
        [sent([[0, 2, "PER"], [4, 5, "ORG"]], [{"head": 0, "tail": 1, "type": "employs"}])],
        None,
    ),
    "spans-deeply-nested.json": (b"[" * 200_000, None),
    "spans-jsonl-bad-line.jsonl": (
        (json.dumps(sent([[0, 2, "PER"]])) + "\n" + '{"tokens": ["a"\n').encode("utf-8"),
        None,
    ),
    "spans-jsonl-not-utf8.jsonl": (b'{"tokens": ["Caf\xe9"]}\n', None),
    "spans-jsonl-deeply-nested.jsonl": (b'{"tokens": ' + b"[" * 100_000 + b"\n", None),
    "spans-utf16.json": (json.dumps([sent()]).encode("utf-16"), None),
    "spans-gzip.json.gz": (gzip.compress(json.dumps([sent()]).encode("utf-8"), mtime=0), None),
}
BT = "Hasan Kleib bekerja di ILO, Jenewa.\n"


def brat(ann: str, txt: str = BT, name: str = "a") -> dict[str, bytes]:
    return {f"{name}.txt": txt.encode("utf-8"), f"{name}.ann": ann.encode("utf-8")}


E2 = "T1\tPER 0 11\tHasan Kleib\nT2\tORG 23 26\tILO\n"
BRAT: dict[str, tuple[dict[str, bytes] | bytes, str | None]] = {
    "brat-ann-without-txt": ({"a.ann": b"T1\tPER 0 11\tHasan Kleib\n", **brat(E2, name="b")}, None),
    "brat-txt-without-ann": ({"a.txt": BT.encode("utf-8"), **brat(E2, name="b")}, None),
    "brat-subfolder": ({**brat(E2), **{f"more/{k}": v for k, v in brat(E2, name="b").items()}}, None),
    "brat-no-documents": ({"annotation.conf": b"[entities]\nPER\n"}, None),
    "brat-text-mismatch": (brat("T1\tPER 0 11\tHasan Kleb\n"), None),
    "brat-offsets-past-end": (brat("T1\tGPE 28 99\tJenewa.\n"), None),
    "brat-offsets-not-numbers": (brat("T1\tPER a b\tHasan Kleib\n"), None),
    "brat-unknown-line": (brat(E2 + "X1\tsomething\n"), None),
    "brat-missing-tab.ann": (brat("T1 PER 0 11 Hasan Kleib\n"), None),
    "brat-discontinuous": (brat("T1\tPER 0 5;6 11\tHasan Kleib\n"), None),
    "brat-event-argument": (
        brat(E2 + "T3\tEVENT 12 19\tbekerja\nE1\tEVENT:T3 Agent:T1\nR1\tparticipant_in Arg1:T1 Arg2:E1\n"),
        None,
    ),
    "brat-relation-unknown-entity": (brat(E2 + "R1\tworks_for Arg1:T1 Arg2:T9\n"), None),
    "brat-relation-missing-argument": (brat(E2 + "R1\tworks_for Arg1:T1\n"), None),
    "brat-duplicate-ids": (brat("T1\tPER 0 11\tHasan Kleib\nT1\tORG 23 26\tILO\n"), None),
    "brat-duplicate-entity": (brat("T1\tPER 0 11\tHasan Kleib\nT2\tPER 0 11\tHasan Kleib\n"), None),
    "brat-two-types-one-span": (brat("T1\tPER 0 11\tHasan Kleib\nT2\tORG 0 11\tHasan Kleib\n"), None),
    "brat-crossing": (brat("T1\tPER 0 11\tHasan Kleib\nT2\tORG 6 19\tKleib bekerja\n"), None),
    "brat-self-relation": (brat(E2 + "R1\tpart_of Arg1:T2 Arg2:T2\n"), None),
    "brat-duplicate-relation": (
        brat(E2 + "R1\tworks_for Arg1:T1 Arg2:T2\nR2\tworks_for Arg1:T1 Arg2:T2\n"),
        None,
    ),
    "brat-relation-argument-types": (brat(E2 + "R1\tworks_for Arg1:T2 Arg2:T1\n"), None),
    "brat-unknown-label": (brat("T1\tPERSON 0 11\tHasan Kleib\n"), None),
    "brat-ann-not-utf8": ({"a.txt": BT.encode("utf-8"), "a.ann": "T1\tPER 0 11\tCafé\n".encode("latin-1")}, None),
    "brat-txt-not-utf8": ({"a.txt": "Café di ILO.\n".encode("latin-1"), "a.ann": b"T1\tORG 8 11\tILO\n"}, None),
    "brat-entity-across-lines": (brat("T1\tPER 0 11\tHasan\nKleib\n", txt="Hasan\nKleib di ILO.\n"), None),
    "brat-file-not-folder.ann": (b"T1\tPER 0 11\tHasan Kleib\n", None),
}
CONLL_MORE: dict[str, tuple[bytes, str | None]] = {
    "conll-tag-without-type.txt": (b"Joko B-\nWidodo I-\n", None),
    "conll-binary.txt": (b"Joko\x00 B-PER\n", None),
    "conll-utf16.txt": ("Joko B-PER\n".encode("utf-16"), None),
    "conll-e-tag-in-iob2.txt": (b"Joko B-PER\nWidodo E-PER\n", None),
    "conll-tag-type-changes.txt": (b"Joko B-PER\nWidodo I-ORG\n", None),
    "conll-json.txt": (b'[{"tokens": ["Joko"], "entities": []}]\n', None),
    "conll-html.txt": (b"<!DOCTYPE html><html><body><p>Joko B-PER</p></body></html>\n", None),
    "conll-empty.txt": (b"", None),
    "conll-only-docstart.txt": (b"-DOCSTART- -X- -X- O\n\n\n", None),
}
HTML_HEAD = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
PAGES_MORE: dict[str, tuple[bytes, str | None]] = {
    "page-tag-index.html": (
        (HTML_HEAD + "".join(f"<a href='/tag/{k}'>Berita {k}</a><br>" for k in range(40)) + "</body></html>").encode(),
        None,
    ),
    "page-script-only.html": ((HTML_HEAD + "<script>var a = 1;</script></body></html>").encode(), None),
    "page-empty-html.html": (b"<html></html>", None),
    "page-comment-only.html": (b"<!DOCTYPE html><!-- nothing here -->", None),
    "page-frameset.html": (b"<html><frameset><frame src='a.html'></frameset></html>", None),
    "page-declared-utf8-is-latin1.html": (
        (HTML_HEAD + "<article><p>" + "Berita tentang café di Jenewa. " * 30 + "</p></article></body></html>").encode(
            "latin-1"
        ),
        None,
    ),
    "page-unknown-charset.html": (
        b"<html><head><meta charset='x-no-such-charset'></head><body><p>"
        + b"Berita tentang caf\xe9 di Jenewa. " * 30
        + b"</p></body></html>",
        None,
    ),
    "page-gzip.html.gz": (gzip.compress((HTML_HEAD + "<p>ILO</p></body></html>").encode(), mtime=0), None),
    "page-pdf.pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", None),
    "page-png.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20, None),
    "page-rss.xml": (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Suara</title>'
        b"<item><title>ILO</title><link>https://example.org/a</link></item></channel></rss>",
        None,
    ),
    "page-nul-in-html.html": ((HTML_HEAD + "<p>ILO\x00 di Jenewa</p></body></html>").encode(), None),
    "page-no-letters.txt": (b"[" * 50_000, None),
}
LS_TEXT = '<Text name="text" value="$text"/>'
LSCONFIGS: dict[str, tuple[bytes | str, str | None]] = {
    "lsconfig-empty.xml": (b"", None),
    "lsconfig-not-xml.xml": ("Labels: PER, ORG\n", None),
    "lsconfig-truncated.xml": ('<View><Labels name="label" toName="text"><Label value="PER"/>', None),
    "lsconfig-no-labels.xml": (f"<View>{LS_TEXT}</View>", None),
    "lsconfig-no-text.xml": ('<View><Labels name="label" toName="text"><Label value="PER"/></Labels></View>', None),
    "lsconfig-duplicate-label.xml": (
        f'<View><Labels name="label" toName="text"><Label value="PER"/><Label value="PER"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-label-without-value.xml": (
        f'<View><Labels name="label" toName="text"><Label background="red"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-image-project.xml": (
        '<View><Image name="img" value="$image"/><RectangleLabels name="box" toName="img">'
        '<Label value="Car"/></RectangleLabels></View>',
        None,
    ),
    "lsconfig-choices-only.xml": (
        f'<View>{LS_TEXT}<Choices name="topic" toName="text"><Choice value="Politik"/></Choices></View>',
        None,
    ),
    "lsconfig-labels-to-unknown-name.xml": (
        f'<View><Labels name="label" toName="body"><Label value="PER"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-two-label-sets.xml": (
        f'<View><Labels name="a" toName="text"><Label value="PER"/></Labels>'
        f'<Labels name="b" toName="text"><Label value="ORG"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-external-entity.xml": (
        '<?xml version="1.0"?><!DOCTYPE View [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<View><Labels name="label" toName="text"><Label value="&x;"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-billion-laughs.xml": (
        '<?xml version="1.0"?><!DOCTYPE View [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        f'<View><Labels name="label" toName="text"><Label value="&d;"/></Labels>{LS_TEXT}</View>',
        None,
    ),
    "lsconfig-duplicate-relation.xml": (
        f'<View><Labels name="label" toName="text"><Label value="PER"/></Labels>{LS_TEXT}'
        '<Relations><Relation value="works_for"/><Relation value="works_for"/></Relations></View>',
        None,
    ),
    "lsconfig-not-utf8.xml": (
        f'<View><Labels name="label" toName="text"><Label value="Café"/></Labels>{LS_TEXT}</View>'.encode("latin-1"),
        None,
    ),
    "lsconfig-root-not-view.xml": (
        f'<Project><Labels name="label" toName="text"><Label value="PER"/></Labels>{LS_TEXT}</Project>',
        None,
    ),
}


def layers_line(spans: Any, relations: Any = (), text: Any = T, doc: Any = "a1", **over: Any) -> str:
    layer = {
        "document_id": doc,
        "annotator": "user:1",
        "kind": "annotation",
        "created_at": "2026-11-28T14:33:48Z",
        "spans": list(spans),
        "relations": list(relations),
        "provenance": {"source": "x.json", "task_id": 1, "annotation_id": 10, "model_version": None},
        **over,
    }
    return json.dumps({"document": {"id": doc, "text": text, "metadata": {}}, "layers": [layer]}) + "\n"


def sp(sid: str, start: Any, end: Any, label: str = "PER") -> dict[str, Any]:
    return {"id": sid, "start": start, "end": end, "label": label}


LAYERS: dict[str, tuple[str | bytes, str | None]] = {
    "layers-empty.jsonl": ("", None),
    "layers-not-json.jsonl": ("{not json}\n", None),
    "layers-not-object.jsonl": ("[1, 2]\n", None),
    "layers-no-document.jsonl": ('{"layers": []}\n', None),
    "layers-text-not-string.jsonl": (layers_line([], text=5), None),
    "layers-span-past-end.jsonl": (layers_line([sp("s1", 28, 99, "GPE")]), None),
    "layers-span-reversed.jsonl": (layers_line([sp("s1", 11, 0)]), None),
    "layers-span-float.jsonl": (layers_line([sp("s1", 0.5, 11)]), None),
    "layers-span-unknown-label.jsonl": (layers_line([sp("s1", 0, 11, "PERSON")]), None),
    "layers-duplicate-span-id.jsonl": (layers_line([sp("s1", 0, 11), sp("s1", 23, 26, "ORG")]), None),
    "layers-relation-unknown-span.jsonl": (
        layers_line([sp("s1", 0, 11)], [{"id": "r1", "head": "s1", "tail": "s9", "label": "works_for"}]),
        None,
    ),
    "layers-annotator-email.jsonl": (layers_line([sp("s1", 0, 11)], annotator="ann@example.org"), None),
    "layers-layer-for-other-document.jsonl": (
        json.dumps(
            {
                "document": {"id": "a1", "text": T, "metadata": {}},
                "layers": [json.loads(layers_line([]))["layers"][0] | {"document_id": "a2"}],
            }
        )
        + "\n",
        None,
    ),
    "layers-duplicate-document.jsonl": (layers_line([]) + layers_line([]), None),
    "layers-not-utf8.jsonl": (layers_line([]).replace("Jenewa", "Caf\udce9").encode("utf-8", "surrogateescape"), None),
    "layers-lone-surrogate.jsonl": (layers_line([], text="Hasan \ud800 Kleib"), None),
}
PREDICTIONS_MORE: dict[str, tuple[str | bytes, str | None]] = {
    "pred-float-offsets.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0.0, "end": 11, "label": "PER"}]}\n',
        None,
    ),
    "pred-bool-offsets.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": false, "end": 11, "label": "PER"}]}\n',
        None,
    ),
    "pred-spans-not-list.jsonl": ('{"id": "a1", "spans": {"s1": [0, 11]}}\n', None),
    "pred-relation-unknown-label.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PER"}, {"id": "s2", "start": 23, '
        '"end": 26, "label": "ORG"}], "relations": [{"id": "r1", "head": "s1", "tail": "s2", "label": "employs"}]}\n',
        None,
    ),
    "pred-not-utf8.jsonl": (b'{"id": "a1", "spans": [], "note": "caf\xe9"}\n', None),
    "pred-deeply-nested.jsonl": (b'{"id": "a1", "spans": ' + b"[" * 100_000 + b"\n", None),
    "pred-array-not-lines.json": ('[{"id": "a1", "spans": []}]\n', None),
    "pred-duplicate-span-id.jsonl": (
        '{"id": "a1", "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PER"}, {"id": "s1", "start": 23, '
        '"end": 26, "label": "ORG"}]}\n',
        None,
    ),
    "pred-id-not-string.jsonl": ('{"id": 1, "spans": []}\n', None),
}
GOLD_BAD: dict[str, tuple[str | bytes, str | None]] = {
    "gold-empty.jsonl": ("", None),
    "gold-not-json.jsonl": ("{not json}\n", None),
    "gold-duplicate-document.jsonl": (GOLD + GOLD, None),
}
GOLD_RECORD = {
    "document": {"id": "a1", "text": T, "metadata": {}},
    "gold": {
        "document_id": "a1",
        "annotator": "gold",
        "spans": [{"id": "s1", "start": 0, "end": 11, "label": "PER"}],
        "relations": [],
        "provenance": {"source": "adjudication"},
    },
}
GOLD_RECORDS: dict[str, tuple[str | bytes, str | None]] = {
    "gold-records-deeply-nested.jsonl": (b"[" * 100_000 + b"\n", None),
    "gold-records-null-line.jsonl": ("null\n", None),
    "gold-records-without-gold.jsonl": (json.dumps({"document": GOLD_RECORD["document"]}) + "\n", None),
    "gold-records-span-outside-text.jsonl": (
        json.dumps(
            {
                **GOLD_RECORD,
                "gold": {**GOLD_RECORD["gold"], "spans": [{"id": "s1", "start": 30, "end": 99, "label": "PER"}]},
            }
        )
        + "\n",
        None,
    ),
}
"""Gold files (`annotations gold` and `corpus import` write them) as `qa` reads them."""


def predict_body(tasks: Any) -> dict[str, Any]:
    return {"tasks": tasks, "project": "1.1700000000", "label_config": "", "params": {}}


BACKEND: dict[str, tuple[str, bytes | Any, int, str | None]] = {
    "backend-not-json.json": ("/predict", b"{tasks: [}", 400, None),
    "backend-empty-body.json": ("/predict", b"", 400, None),
    "backend-list-body.json": ("/predict", [1, 2], 400, None),
    "backend-tasks-not-list.json": ("/predict", {"tasks": {"id": 1}}, 400, None),
    "backend-task-not-object.json": ("/predict", predict_body(["text"]), 400, None),
    "backend-task-without-text.json": ("/predict", predict_body([{"id": 1, "data": {}}]), 400, None),
    "backend-text-not-string.json": ("/predict", predict_body([{"id": 1, "data": {"text": 42}}]), 400, None),
    "backend-lone-surrogate.json": (
        "/predict",
        b'{"tasks": [{"id": 3, "data": {"text": "Joko \\ud800 Widodo"}}]}',
        400,
        None,
    ),
    "backend-deeply-nested.json": ("/predict", b'{"tasks": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", 400, None),
    "backend-not-utf8.json": ("/predict", b'{"tasks": [{"id": 1, "data": {"text": "caf\xe9"}}]}', 400, None),
    "backend-too-large.json": (
        "/predict",
        predict_body([{"id": 1, "data": {"text": "Joko Widodo " * 2000}}]),
        413,
        None,
    ),
    "backend-webhook-cancel-as-string.json": (
        "/webhook",
        {"action": "ANNOTATION_CREATED", "annotation": {"was_cancelled": "false"}},
        400,
        None,
    ),
    "backend-webhook-not-object.json": ("/webhook", [1], 400, None),
    "backend-webhook-action-not-string.json": ("/webhook", {"action": 5}, 400, None),
    "backend-setup-not-json.json": ("/setup", b"<xml/>", 400, None),
}
NOT_FOR = {
    ("agree", "layers-duplicate-document.jsonl"),  # agreement reads ranges of lines in workers: one line at a time
    ("acceptance", "layers-span-unknown-label.jsonl"),  # acceptance compares layers; it takes no schema
}
"""Layers files not run through one of the three commands that read layers, and why."""


EXPECTED: dict[tuple[str, str], str] = {
    ("conll", "conll-empty.txt"): ": no documents to import \\(empty, or every one skipped\\)",
    ("conll", "conll-only-docstart.txt"): ": no documents to import \\(empty, or every one skipped\\)",
    ("page", "page-no-letters.txt"): ": no recognisable article body \\(not one letter in its 50,000 characters\\)",
    ("qa", "gold-records-deeply-nested.jsonl"): ", line 1: not a gold record \\(not JSON: JSON nested too deep\\)",
    (
        "qa",
        "gold-records-null-line.jsonl",
    ): ", line 1: not a gold record \\(a JSON object with 'document' and 'gold' expected, got null\\)",
    (
        "qa",
        "gold-records-without-gold.jsonl",
    ): ", line 1: not a gold record \\(no field 'gold' where one is needed\\)",
    ("qa", "gold-records-span-outside-text.jsonl"): ", line 1: .*s1.*\\[30, 99\\)",
    (
        "spans",
        "spans-empty.json",
    ): ": the file is empty; a span\\-JSON corpus is a JSON list or JSON lines of sentences",
    ("spans", "spans-not-json.json"): ": not JSON; a span\\-JSON corpus is a JSON list or JSON lines of sentences",
    (
        "spans",
        "spans-truncated.json",
    ): ": the JSON ends inside item 1, before the list closes: the file is truncated or cut off; not a span\\-JSON corpu",
    (
        "spans",
        "spans-object-not-sentence.json",
    ): ", line 1: not a sentence \\{tokens, entities, relations\\} with tokens",
    ("spans", "spans-item-not-object.json"): ", item 1: not a sentence \\{tokens, entities, relations\\} with tokens",
    ("spans", "spans-no-tokens.json"): ", item 1: not a sentence \\{tokens, entities, relations\\} with tokens",
    ("spans", "spans-empty-tokens.json"): ", item 1: not a sentence \\{tokens, entities, relations\\} with tokens",
    (
        "spans",
        "spans-token-with-space.json",
    ): ", item 1: token 0 is 'Hasan Kleib'; tokens must be non\\-empty strings without white space",
    (
        "spans",
        "spans-token-empty-string.json",
    ): ", item 1: token 1 is ''; tokens must be non\\-empty strings without white space",
    (
        "spans",
        "spans-token-number.json",
    ): ", item 1: token 1 is 7; tokens must be non\\-empty strings without white space",
    (
        "spans",
        "spans-token-lone-surrogate.json",
    ): ", item 1: the text holds a lone surrogate \\('\\\\ud800' at character 8\\), not Unicode text; fix the escape in the f",
    ("spans", "spans-entities-not-list.json"): ", item 1: entities is dict, not a list",
    (
        "spans",
        "spans-entity-two-items.json",
    ): ", item 1: an entity is \\[0, 2\\]; expected \\[start, end, type\\] or \\{start, end, type\\}",
    (
        "spans",
        "spans-entity-past-end.json",
    ): ", item 1: entity \\[6, 9, 'GPE'\\] is not \\[start, end, type\\] token indices inside the 8 tokens \\(end exclusive\\) wit",
    (
        "spans",
        "spans-entity-empty-range.json",
    ): ", item 1: entity \\[2, 2, 'PER'\\] is not \\[start, end, type\\] token indices inside the 8 tokens \\(end exclusive\\) wit",
    (
        "spans",
        "spans-entity-float.json",
    ): ", item 1: entity \\[0\\.0, 2, 'PER'\\] is not \\[start, end, type\\] token indices inside the 8 tokens \\(end exclusive\\) w",
    (
        "spans",
        "spans-entity-bool.json",
    ): ", item 1: entity \\[False, 2, 'PER'\\] is not \\[start, end, type\\] token indices inside the 8 tokens \\(end exclusive\\)",
    (
        "spans",
        "spans-entity-no-type.json",
    ): ", item 1: entity \\[0, 2, ' '\\] is not \\[start, end, type\\] token indices inside the 8 tokens \\(end exclusive\\) with ",
    (
        "spans",
        "spans-entity-unknown-type.json",
    ): ", item 1: entity 1: entity label 'PERSON' is not a type of schema id\\-news\\-er \\(PER, ORG, GPE, LOC, FAC, DATE, E",
    (
        "spans",
        "spans-duplicate-entity.json",
    ): ", item 1: entity 2: duplicates entity 1 \\(same offsets and label\\); delete one; fix the corpus, or pass \\-\\-skip\\-i",
    (
        "spans",
        "spans-two-types-one-span.json",
    ): ", item 1: entity 1: \\[0, 11\\) is ORG \\(entity 2\\) and PER: one span has one type; keep one of them; fix the corpus",
    (
        "spans",
        "spans-crossing-entities.json",
    ): ", item 1: entity 2: ORG \\[6, 19\\) crosses entity 1 PER \\[0, 11\\); the schema's span_overlap is 'nested': adjust th",
    (
        "spans",
        "spans-relation-list-index.json",
    ): ", item 1: relation \\{'head': \\[0\\], 'tail': 1, 'type': 'works_for'\\}: head and tail must be indices of its entitie",
    (
        "spans",
        "spans-relation-bool-index.json",
    ): ", item 1: relation \\{'head': False, 'tail': True, 'type': 'works_for'\\}: head and tail must be indices of its en",
    (
        "spans",
        "spans-relation-index-out-of-range.json",
    ): ", item 1: relation \\{'head': 0, 'tail': 5, 'type': 'works_for'\\}: head and tail must be indices of its entities",
    (
        "spans",
        "spans-relation-unknown-argument.json",
    ): ", item 1: relation \\[0, 2, 6, 7, 'works_for'\\] names an argument that is not an entity of the sentence",
    ("spans", "spans-relation-no-type.json"): ", item 1: relation \\{'head': 0, 'tail': 1\\} has no type",
    ("spans", "spans-relation-not-list.json"): ", item 1: relations is str, not a list",
    (
        "spans",
        "spans-self-relation.json",
    ): ", item 1: relation 1: a relation from a span to itself; delete it; fix the corpus, or pass \\-\\-skip\\-invalid to l",
    (
        "spans",
        "spans-duplicate-relation.json",
    ): ", item 1: relation 2: duplicates relation 1; delete one; fix the corpus, or pass \\-\\-skip\\-invalid to leave such ",
    (
        "spans",
        "spans-relation-argument-types.json",
    ): ", item 1: relation 1: works_for needs PER \\-> ORG, got ORG \\-> PER; check the direction or the entity types; fix",
    (
        "spans",
        "spans-relation-unknown-type.json",
    ): ", item 1: relation 1: relation label 'employs' is not a type of schema id\\-news\\-er \\(works_for, has_role, role_o",
    (
        "spans",
        "spans-deeply-nested.json",
    ): ": JSON nested more than 64 levels deep; not a span\\-JSON corpus \\(a list of sentences\\)",
    (
        "spans",
        "spans-jsonl-bad-line.jsonl",
    ): ", line 2: not JSON \\(Expecting ',' delimiter at column 1\\); each line of JSON lines is one sentence object",
    (
        "spans",
        "spans-jsonl-not-utf8.jsonl",
    ): ", line 1: not UTF\\-8 \\(invalid continuation byte\\); save the file as UTF\\-8",
    (
        "spans",
        "spans-jsonl-deeply-nested.jsonl",
    ): ", line 1: not JSON \\(JSON nested too deep at column 1\\); each line of JSON lines is one sentence object",
    (
        "spans",
        "spans-utf16.json",
    ): ": UTF\\-16 text: convert it to UTF\\-8 \\(iconv \\-f UTF\\-16 \\-t UTF\\-8\\); a span\\-JSON corpus is JSON in UTF\\-8",
    (
        "spans",
        "spans-gzip.json.gz",
    ): ": gzip\\-compressed: decompress it first \\(gunzip\\); a span\\-JSON corpus is JSON in UTF\\-8",
    ("brat", "brat-ann-without-txt"): "/a\\.ann: no a\\.txt beside it; a brat document is a \\.txt and its \\.ann",
    ("brat", "brat-txt-without-ann"): "/a\\.txt: no a\\.ann beside it; brat keeps a document's annotations there",
    (
        "brat",
        "brat-subfolder",
    ): "/more: a folder inside a brat folder of documents; import it separately \\(or give the root folder of an export,",
    ("brat", "brat-no-documents"): ": no \\.txt files; a brat corpus has NAME\\.txt and NAME\\.ann pairs",
    (
        "brat",
        "brat-text-mismatch",
    ): "/a\\.ann, line 1: the text at 0\\-11 is 'Hasan Kleib', the \\.ann says 'Hasan Kleb'",
    ("brat", "brat-offsets-past-end"): "/a\\.ann, line 1: offsets 28 99 are outside the text \\(36 characters\\)",
    ("brat", "brat-offsets-not-numbers"): "/a\\.ann, line 1: not an entity line \\(T1<TAB>Type START END<TAB>text\\)",
    (
        "brat",
        "brat-unknown-line",
    ): "/a\\.ann, line 3: unknown brat line kind 'X' \\(expected T, R, E, A, M, N, \\* or \\#\\)",
    ("brat", "brat-missing-tab.ann"): "/a\\.ann, line 1: not an entity line \\(T1<TAB>Type START END<TAB>text\\)",
    (
        "brat",
        "brat-discontinuous",
    ): "/a\\.ann, line 1: discontinuous entity T1 \\(0 5;6 11\\); a span is one range: split it into entities or join its fr",
    (
        "brat",
        "brat-event-argument",
    ): "/a\\.ann, R1 \\(line 5\\): relation argument E1 is an event; the canonical model relates entities only: pass \\-\\-event",
    (
        "brat",
        "brat-relation-unknown-entity",
    ): "/a\\.ann, R1 \\(line 3\\): relation argument T9 is not an entity of this document",
    (
        "brat",
        "brat-relation-missing-argument",
    ): "/a\\.ann, line 3: not a relation line \\(R1<TAB>Type Arg1:T1 Arg2:T2\\)",
    ("brat", "brat-duplicate-ids"): "/a\\.ann, line 2: entity id T1 is used twice",
    (
        "brat",
        "brat-duplicate-entity",
    ): "/a\\.ann: T2 \\(line 2\\): duplicates T1 \\(line 1\\) \\(same offsets and label\\); delete one; fix the corpus, or pass \\-\\-sk",
    (
        "brat",
        "brat-two-types-one-span",
    ): "/a\\.ann: T1 \\(line 1\\): \\[0, 11\\) is ORG \\(T2 \\(line 2\\)\\) and PER: one span has one type; keep one of them; fix the co",
    (
        "brat",
        "brat-crossing",
    ): "/a\\.ann: T2 \\(line 2\\): ORG \\[6, 19\\) crosses T1 \\(line 1\\) PER \\[0, 11\\); the schema's span_overlap is 'nested': adjus",
    (
        "brat",
        "brat-self-relation",
    ): "/a\\.ann: R1 \\(line 3\\): a relation from a span to itself; delete it; fix the corpus, or pass \\-\\-skip\\-invalid to le",
    (
        "brat",
        "brat-duplicate-relation",
    ): "/a\\.ann: R2 \\(line 4\\): duplicates R1 \\(line 3\\); delete one; fix the corpus, or pass \\-\\-skip\\-invalid to leave such ",
    (
        "brat",
        "brat-relation-argument-types",
    ): "/a\\.ann: R1 \\(line 3\\): works_for needs PER \\-> ORG, got ORG \\-> PER; check the direction or the entity types; fix ",
    (
        "brat",
        "brat-unknown-label",
    ): "/a\\.ann: T1 \\(line 1\\): entity label 'PERSON' is not a type of schema id\\-news\\-er \\(PER, ORG, GPE, LOC, FAC, DATE, ",
    (
        "brat",
        "brat-ann-not-utf8",
    ): "/a\\.ann: not UTF\\-8 \\(invalid continuation byte at byte 15\\); convert it \\(iconv \\-f WINDOWS\\-1252 \\-t UTF\\-8 if it cam",
    (
        "brat",
        "brat-txt-not-utf8",
    ): "/a\\.txt: not UTF\\-8 \\(invalid continuation byte at byte 3\\); convert it \\(iconv \\-f WINDOWS\\-1252 \\-t UTF\\-8 if it came",
    (
        "brat",
        "brat-entity-across-lines",
    ): "/a\\.ann, line 1: the text at 0\\-11 is 'Hasan\\\\nKleib', the \\.ann says 'Hasan'",
    ("brat", "brat-file-not-folder.ann"): "' is a file\\.",
    (
        "conll",
        "conll-tag-without-type.txt",
    ): ", line 1: tag 'B\\-' is not O, B\\-X or I\\-X \\(IOB2\\); check the tag, or pass the file's \\-\\-scheme \\(iob2, iob1, ioe2, ",
    ("conll", "conll-binary.txt"): ", line 1: binary data \\(a NUL byte\\); not a CoNLL text file",
    (
        "conll",
        "conll-utf16.txt",
    ): ": UTF\\-16 text: convert it to UTF\\-8 \\(iconv \\-f UTF\\-16 \\-t UTF\\-8\\); a CoNLL file is UTF\\-8 text",
    (
        "conll",
        "conll-e-tag-in-iob2.txt",
    ): ", line 2: tag 'E\\-PER' is not O, B\\-X or I\\-X \\(IOB2\\); check the tag, or pass the file's \\-\\-scheme \\(iob2, iob1, ioe",
    (
        "conll",
        "conll-tag-type-changes.txt",
    ): ", line 2: I\\-ORG without a preceding B\\-ORG or I\\-ORG \\(IOB2\\); use \\-\\-scheme iob1 if the file is IOB1",
    (
        "conll",
        "conll-json.txt",
    ): ", line 1: tag '\\[\\]\\}\\]' is not O, B\\-X or I\\-X \\(IOB2\\); check the tag, or pass the file's \\-\\-scheme \\(iob2, iob1, ioe2",
    (
        "conll",
        "conll-html.txt",
    ): ": an HTML page, not a CoNLL file \\(TOKEN \\.\\.\\. TAG lines\\); save the corpus's raw file",
    (
        "page",
        "page-tag-index.html",
    ): ": no recognisable article in this HTML page \\(trafilatura 2\\.3\\.1 finds none\\); pass the page of one article",
    (
        "page",
        "page-script-only.html",
    ): ": no recognisable article in this HTML page \\(trafilatura 2\\.3\\.1 finds none\\); pass the page of one article",
    (
        "page",
        "page-empty-html.html",
    ): ": no recognisable article in this HTML page \\(trafilatura 2\\.3\\.1 finds none\\); pass the page of one article",
    ("page", "page-comment-only.html"): ": not a readable HTML page \\(Document is empty\\)",
    (
        "page",
        "page-frameset.html",
    ): ": no recognisable article in this HTML page \\(trafilatura 2\\.3\\.1 finds none\\); pass the page of one article",
    (
        "page",
        "page-declared-utf8-is-latin1.html",
    ): ": declares charset 'utf\\-8' but is not utf\\-8 \\(invalid byte 0xe9 at offset 108\\); save it again",
    (
        "page",
        "page-unknown-charset.html",
    ): ": declares charset 'x\\-no\\-such\\-charset', which is not a known encoding \\(invalid byte 0xe9 at offset 80 as UTF\\-8",
    ("page", "page-gzip.html.gz"): ": gzip\\-compressed: decompress it first \\(gunzip\\)",
    ("page", "page-pdf.pdf"): ": a PDF document, not a web page: save the article's HTML page \\(or its text\\)",
    ("page", "page-png.png"): ": a PNG image, not a web page",
    ("page", "page-rss.xml"): ": a news feed \\(<rss>\\), not an article page; ingest the pages its items link to",
    ("page", "page-nul-in-html.html"): ": binary data \\(NUL byte at offset 84\\); pass a text page",
    ("ls-config", "lsconfig-empty.xml"): ": not a labelling config \\(XML: no element found: line 1, column 0\\)",
    ("ls-config", "lsconfig-not-xml.xml"): ": not a labelling config \\(XML: syntax error: line 1, column 0\\)",
    ("ls-config", "lsconfig-truncated.xml"): ": not a labelling config \\(XML: no element found: line 1, column 61\\)",
    (
        "ls-config",
        "lsconfig-no-labels.xml",
    ): ": the config needs exactly one <Labels> control on the text 'text' \\(found none\\)",
    (
        "ls-config",
        "lsconfig-no-text.xml",
    ): ': the config needs exactly one <Text name=\\.\\.\\. value="\\$field"> to label \\(0 found\\)',
    ("ls-config", "lsconfig-duplicate-label.xml"): ": invalid schema: duplicate entity label 'PER' \\(2 times\\)",
    (
        "ls-config",
        "lsconfig-label-without-value.xml",
    ): ": a <Label> of 'label' has no value= \\(Label Studio needs one per label: it is what results carry\\); give it one",
    (
        "ls-config",
        "lsconfig-image-project.xml",
    ): ": the config labels <Image name='img'>, not plain text; the toolkit labels a <Text> object with <Labels> \\(char",
    (
        "ls-config",
        "lsconfig-choices-only.xml",
    ): ": the config needs exactly one <Labels> control on the text 'text' \\(found none\\)",
    (
        "ls-config",
        "lsconfig-labels-to-unknown-name.xml",
    ): ": the config needs exactly one <Labels> control on the text 'text' \\(found 'label' \\-> 'body'\\)",
    (
        "ls-config",
        "lsconfig-two-label-sets.xml",
    ): ": the config needs exactly one <Labels> control on the text 'text' \\(found 'a' \\-> 'text', 'b' \\-> 'text'\\)",
    (
        "ls-config",
        "lsconfig-external-entity.xml",
    ): ": the config has a <!DOCTYPE> \\(a DTD, which can expand entities or read other files\\); Label Studio configs hav",
    (
        "ls-config",
        "lsconfig-billion-laughs.xml",
    ): ": the config has a <!DOCTYPE> \\(a DTD, which can expand entities or read other files\\); Label Studio configs hav",
    (
        "ls-config",
        "lsconfig-duplicate-relation.xml",
    ): ": invalid schema: duplicate relation label 'works_for' \\(2 times\\)",
    (
        "ls-config",
        "lsconfig-not-utf8.xml",
    ): ": not UTF\\-8 \\(invalid continuation byte at byte 58\\); save the config as UTF\\-8",
    (
        "ls-config",
        "lsconfig-root-not-view.xml",
    ): ": the root element is <Project>, not <View>; a Label Studio config is one <View> holding the <Text> and its <L",
    (
        "acceptance",
        "layers-empty.jsonl",
    ): ": no documents \\(the file is empty\\); run `toolkit annotations import` on an export",
    (
        "acceptance",
        "layers-not-json.jsonl",
    ): ", line 1: not JSON \\(unexpected character, expected a string key: line 1 column 2 \\(char 1\\)\\); a layers file is J",
    (
        "acceptance",
        "layers-not-object.jsonl",
    ): ", line 1: not a layers record: the line: should be a json object \\(got \\[1, 2\\]\\)",
    (
        "acceptance",
        "layers-no-document.jsonl",
    ): ", line 1: not a layers record: document: field required \\(got \\{'layers': \\[\\]\\}\\)",
    (
        "acceptance",
        "layers-text-not-string.jsonl",
    ): ", line 1: not a layers record: document\\.text: input should be a valid string \\(got 5\\)",
    (
        "acceptance",
        "layers-span-past-end.jsonl",
    ): ", line 1: document a1: span s1 \\[28, 99\\) ends past the text \\(35 code points\\); fix the span's offsets",
    (
        "acceptance",
        "layers-span-reversed.jsonl",
    ): ", line 1: span s1: offsets \\[11, 0\\) are not a non\\-empty half\\-open range; start must be >= 0 and < end",
    (
        "acceptance",
        "layers-span-float.jsonl",
    ): ", line 1: not a layers record: layers\\[0\\]\\.spans\\[0\\]\\.start: input should be a valid integer \\(got 0\\.5\\)",
    (
        "acceptance",
        "layers-duplicate-span-id.jsonl",
    ): ", line 1: document a1, annotator user:1: duplicate span ids \\['s1'\\]; give each region its own id",
    (
        "acceptance",
        "layers-relation-unknown-span.jsonl",
    ): ", line 1: document a1, annotator user:1: relation r1 tail 's9' is not a span of this layer; draw relations bet",
    (
        "acceptance",
        "layers-annotator-email.jsonl",
    ): ", line 1: document a1: an annotator is named by an e\\-mail address; layers name annotators user:<Label Studio i",
    (
        "acceptance",
        "layers-layer-for-other-document.jsonl",
    ): ", line 1: layer for document a2 checked against document a1",
    (
        "acceptance",
        "layers-duplicate-document.jsonl",
    ): ", lines 1 and 2: both hold document a1; a layers file has one line per document \\(import the export again\\)",
    (
        "acceptance",
        "layers-not-utf8.jsonl",
    ): ", line 1: not JSON \\(str is not valid UTF\\-8: surrogates not allowed: line 1 column 1 \\(char 0\\)\\); a layers file i",
    (
        "acceptance",
        "layers-lone-surrogate.jsonl",
    ): ", line 1: not JSON \\(no low surrogate in string: line 1 column 42 \\(char 41\\)\\); a layers file is JSON lines writt",
    (
        "agree",
        "layers-empty.jsonl",
    ): ": no documents \\(the file is empty\\); run `toolkit annotations import` on an export",
    (
        "agree",
        "layers-not-json.jsonl",
    ): ", line 1: not JSON \\(unexpected character, expected a string key: line 1 column 2 \\(char 1\\)\\); a layers file is J",
    (
        "agree",
        "layers-not-object.jsonl",
    ): ", line 1: not a layers record: the line: should be a json object \\(got \\[1, 2\\]\\)",
    (
        "agree",
        "layers-no-document.jsonl",
    ): ", line 1: not a layers record: document: field required \\(got \\{'layers': \\[\\]\\}\\)",
    (
        "agree",
        "layers-text-not-string.jsonl",
    ): ", line 1: not a layers record: document\\.text: input should be a valid string \\(got 5\\)",
    (
        "agree",
        "layers-span-past-end.jsonl",
    ): ", line 1: document a1: span s1 \\[28, 99\\) ends past the text \\(35 code points\\); fix the span's offsets",
    (
        "agree",
        "layers-span-reversed.jsonl",
    ): ", line 1: span s1: offsets \\[11, 0\\) are not a non\\-empty half\\-open range; start must be >= 0 and < end",
    (
        "agree",
        "layers-span-float.jsonl",
    ): ", line 1: not a layers record: layers\\[0\\]\\.spans\\[0\\]\\.start: input should be a valid integer \\(got 0\\.5\\)",
    (
        "agree",
        "layers-span-unknown-label.jsonl",
    ): ", line 1: document a1, annotator user:1, span s1: label 'PERSON' is not an entity type of schema id\\-news\\-er \\(P",
    (
        "agree",
        "layers-duplicate-span-id.jsonl",
    ): ", line 1: document a1, annotator user:1: duplicate span ids \\['s1'\\]; give each region its own id",
    (
        "agree",
        "layers-relation-unknown-span.jsonl",
    ): ", line 1: document a1, annotator user:1: relation r1 tail 's9' is not a span of this layer; draw relations bet",
    (
        "agree",
        "layers-annotator-email.jsonl",
    ): ", line 1: document a1: an annotator is named by an e\\-mail address; layers name annotators user:<Label Studio i",
    ("agree", "layers-layer-for-other-document.jsonl"): ", line 1: layer for document a2 checked against document a1",
    (
        "agree",
        "layers-not-utf8.jsonl",
    ): ", line 1: not JSON \\(str is not valid UTF\\-8: surrogates not allowed: line 1 column 1 \\(char 0\\)\\); a layers file i",
    (
        "agree",
        "layers-lone-surrogate.jsonl",
    ): ", line 1: not JSON \\(no low surrogate in string: line 1 column 42 \\(char 41\\)\\); a layers file is JSON lines writt",
    (
        "gold",
        "layers-empty.jsonl",
    ): ": no documents \\(the file is empty\\); run `toolkit annotations import` on an export",
    (
        "gold",
        "layers-not-json.jsonl",
    ): ", line 1: not JSON \\(unexpected character, expected a string key: line 1 column 2 \\(char 1\\)\\); a layers file is J",
    (
        "gold",
        "layers-not-object.jsonl",
    ): ", line 1: not a layers record: the line: should be a json object \\(got \\[1, 2\\]\\)",
    (
        "gold",
        "layers-no-document.jsonl",
    ): ", line 1: not a layers record: document: field required \\(got \\{'layers': \\[\\]\\}\\)",
    (
        "gold",
        "layers-text-not-string.jsonl",
    ): ", line 1: not a layers record: document\\.text: input should be a valid string \\(got 5\\)",
    (
        "gold",
        "layers-span-past-end.jsonl",
    ): ", line 1: document a1: span s1 \\[28, 99\\) ends past the text \\(35 code points\\); fix the span's offsets",
    (
        "gold",
        "layers-span-reversed.jsonl",
    ): ", line 1: span s1: offsets \\[11, 0\\) are not a non\\-empty half\\-open range; start must be >= 0 and < end",
    (
        "gold",
        "layers-span-float.jsonl",
    ): ", line 1: not a layers record: layers\\[0\\]\\.spans\\[0\\]\\.start: input should be a valid integer \\(got 0\\.5\\)",
    (
        "gold",
        "layers-span-unknown-label.jsonl",
    ): ", line 1: document a1, annotator user:1, span s1: label 'PERSON' is not an entity type of schema id\\-news\\-er \\(P",
    (
        "gold",
        "layers-duplicate-span-id.jsonl",
    ): ", line 1: document a1, annotator user:1: duplicate span ids \\['s1'\\]; give each region its own id",
    (
        "gold",
        "layers-relation-unknown-span.jsonl",
    ): ", line 1: document a1, annotator user:1: relation r1 tail 's9' is not a span of this layer; draw relations bet",
    (
        "gold",
        "layers-annotator-email.jsonl",
    ): ", line 1: document a1: an annotator is named by an e\\-mail address; layers name annotators user:<Label Studio i",
    ("gold", "layers-layer-for-other-document.jsonl"): ", line 1: layer for document a2 checked against document a1",
    (
        "gold",
        "layers-duplicate-document.jsonl",
    ): ", lines 1 and 2: both hold document a1; a layers file has one line per document \\(import the export again\\)",
    (
        "gold",
        "layers-not-utf8.jsonl",
    ): ", line 1: not JSON \\(str is not valid UTF\\-8: surrogates not allowed: line 1 column 1 \\(char 0\\)\\); a layers file i",
    (
        "gold",
        "layers-lone-surrogate.jsonl",
    ): ", line 1: not JSON \\(no low surrogate in string: line 1 column 42 \\(char 41\\)\\); a layers file is JSON lines writt",
    ("prediction", "pred-float-offsets.jsonl"): ", line 1: span s1: start/end must be integers and label a string",
    ("prediction", "pred-bool-offsets.jsonl"): ", line 1: span s1: offsets must be integers, not booleans",
    (
        "prediction",
        "pred-spans-not-list.jsonl",
    ): ", line 1: spans must be a list of objects \\(see the format in toolkit/predictions\\.py\\)",
    (
        "prediction",
        "pred-relation-unknown-label.jsonl",
    ): ", line 1: document a1, relation r1: label 'employs' is not a relation type of the schema \\(alias_of, has_role, ",
    (
        "prediction",
        "pred-not-utf8.jsonl",
    ): ", line 1: not UTF\\-8 \\(invalid continuation byte\\); save the file as UTF\\-8",
    ("prediction", "pred-deeply-nested.jsonl"): ", line 1: not JSON \\(JSON nested too deep\\)",
    (
        "prediction",
        "pred-array-not-lines.json",
    ): ", line 1: a line must be an object with a string 'id' \\(the article id\\)",
    (
        "prediction",
        "pred-duplicate-span-id.jsonl",
    ): ", line 1: document a1, annotator unversioned: duplicate span ids \\['s1'\\]; give each region its own id",
    (
        "prediction",
        "pred-id-not-string.jsonl",
    ): ", line 1: a line must be an object with a string 'id' \\(the article id\\)",
    (
        "reference",
        "gold-empty.jsonl",
    ): ": no reference documents \\(the file is empty\\); write one JSON line per document",
    ("reference", "gold-not-json.jsonl"): ", line 1: not JSON \\(Expecting property name enclosed in double quotes\\)",
    (
        "reference",
        "gold-duplicate-document.jsonl",
    ): ", lines 1 and 2: both predict document a1; write one line per document \\(merge the two\\)",
}


COMMANDS = {
    "export": ["annotations", "import", "{file}", "--out", "{out}"],
    "conll": ["corpus", "import-conll", "{file}", "--out", "{out}", "--split", "train"],
    "page": ["seeds", "ingest", "{file}", "--seeds-dir", "{out}"],
    "schema": ["schema", "config", "--schema", "{file}", "--out", "{out}/config.xml"],
    "prediction": ["score", "{here}/gold.jsonl", "{file}"],
    "reference": ["score", "{file}", "{here}/gold.jsonl"],
    "spans": [
        "corpus",
        "import-spans",
        "{file}",
        "--out",
        "{out}",
        "--split",
        "train",
        "--schema",
        "schemas/schema.yaml",
    ],
    "brat": [
        "corpus",
        "import-brat",
        "{file}",
        "--out",
        "{out}",
        "--split",
        "train",
        "--schema",
        "schemas/schema.yaml",
    ],
    "ls-config": ["schema", "from-ls-config", "{file}", "--out", "{out}/schema.yaml"],
    "acceptance": ["annotations", "acceptance", "{file}"],
    "agree": ["annotations", "agree", "{file}"],
    "gold": ["annotations", "gold", "{file}", "--out", "{out}"],
    "qa": ["annotations", "qa", "{file}", "--review-tasks", "{out}/review.json"],
}
SCENARIOS: tuple[tuple[str, str, str], ...] = (
    (
        "concurrent runs",
        "tests/reliability/test_concurrent.py::test_parallel_ingests_store_every_page",
        "8 ingests at once store every page",
    ),
    (
        "concurrent runs",
        "tests/reliability/test_concurrent.py::test_parallel_corpus_imports_into_one_folder_leave_one_whole_corpus",
        "corpus imports into one folder",
    ),
    (
        "concurrent runs",
        "tests/reliability/test_concurrent.py::test_parallel_exports_into_one_folder_one_wins_the_others_refuse",
        "exports into one folder",
    ),
    (
        "concurrent runs",
        "tests/reliability/test_concurrent.py::test_parallel_releases_of_one_version_make_one_release",
        "releases of one version",
    ),
    (
        "disk full",
        "tests/reliability/test_kill.py::test_disk_full_during_import_and_release_is_one_clear_error",
        "a real full tmpfs under import, gold, corpus import, release and export",
    ),
    (
        "SIGKILL",
        "tests/reliability/test_kill.py::test_killed_import_keeps_the_previous_layers",
        "an import killed midway",
    ),
    ("SIGKILL", "tests/reliability/test_kill.py::test_killed_release_leaves_no_release", "a release killed midway"),
    (
        "SIGKILL",
        "tests/reliability/test_kill.py::test_doctor_lists_and_cleans_what_a_killed_run_left_and_never_a_running_ones",
        "toolkit doctor after killed runs",
    ),
    (
        "each export",
        "tests/formats/test_round_trip.py::test_a_release_with_hostile_ids_exports_inside_its_folder_and_imports_to_the_same_ids",
        "hostile ids through every export and back",
    ),
    (
        "backend over HTTP",
        "tests/backend/test_bad_requests.py::test_bad_request",
        "the BACKEND table below, through the app",
    ),
)
"""Bad conditions rather than bad files: each is a test elsewhere in the suite (the harness checks it exists)."""


def _bytes(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode("utf-8", "surrogatepass")  # a lone surrogate written as the bytes a bad tool writes
    return json.dumps(content, ensure_ascii=False).encode("utf-8")


def _write(name: str, content: Any, folder: bool) -> None:
    path = HERE / name
    if folder:
        shutil.rmtree(path, ignore_errors=True)
        for inner, data in content.items():
            (path / inner).parent.mkdir(parents=True, exist_ok=True)
            (path / inner).write_bytes(data)
    else:
        path.write_bytes(_bytes(content))


def main() -> None:
    cases = []
    for kind, table in (
        ("export", EXPORTS),
        ("conll", CONLL),
        ("page", PAGES),
        ("schema", SCHEMAS),
        ("prediction", PREDICTIONS),
    ):
        for name, (content, message) in table.items():
            _write(name, content, folder=False)
            cases.append({"file": name, "kind": kind, "command": COMMANDS[kind], "error": message})
    for kind, more in (
        ("spans", SPANS),
        ("brat", BRAT),
        ("conll", CONLL_MORE),
        ("page", PAGES_MORE),
        ("ls-config", LSCONFIGS),
        ("acceptance", LAYERS),
        ("agree", LAYERS),
        ("gold", LAYERS),
        ("prediction", PREDICTIONS_MORE),
        ("reference", GOLD_BAD),
        ("qa", GOLD_RECORDS),
    ):
        for name, (content, _) in more.items():
            if (kind, name) in NOT_FOR:
                continue
            _write(name, content, folder=kind == "brat" and isinstance(content, dict))
            case = {"file": name, "kind": kind, "command": COMMANDS[kind], "error": EXPECTED[(kind, name)]}
            if name == "brat-file-not-folder.ann":
                case["exit"] = 2  # click's usage error: FOLDERS must be folders
            cases.append(case)
    backend = []
    for name, (route, body, status, _) in BACKEND.items():
        _write(name, body, folder=False)
        backend.append({"file": name, "route": route, "status": status})
    (HERE / "gold.jsonl").write_text(GOLD, encoding="utf-8")
    (HERE / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "backend.json").write_text(json.dumps(backend, indent=1) + "\n", encoding="utf-8")
    scenarios = [{"surface": s, "test": t, "what": w} for s, t, w in SCENARIOS]
    (HERE / "scenarios.json").write_text(json.dumps(scenarios, indent=1) + "\n", encoding="utf-8")
    kinds = sorted({c["kind"] for c in cases})
    lines = [
        "# Bad-input corpus",
        "",
        f"{len(cases)} malformed files through {len(kinds)} commands ({', '.join(kinds)}), {len(backend)} malformed",
        f"requests to the model backend, and {len(scenarios)} bad conditions (concurrent runs, a full disk, SIGKILL)",
        f"tested elsewhere: {len(cases) + len(backend) + len(scenarios)} cases. For each file,",
        "`tests/cli/test_bad_inputs.py` runs the command and checks: exit status 1, exactly one `Error:` line naming",
        "the file and the location and matching the expected pattern, no traceback, and no output file created or",
        "modified. Each request (`tests/backend/test_bad_requests.py`) gets its 4xx status and a reason, never a",
        "traceback. Regenerate with `python tests/bad_inputs/make.py`.",
        "",
        "| file | command | expected error (regex) |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{c['file']}` | `toolkit {' '.join(c['command'][:2])}` | `{c['error'].replace('|', '/')}` |" for c in cases
    ]
    lines += ["", "| request body | route | status |", "|---|---|---|"]
    lines += [f"| `{b['file']}` | `POST {b['route']}` | {b['status']} |" for b in backend]
    lines += ["", "| condition | test | what |", "|---|---|---|"]
    lines += [f"| {s['surface']} | `{s['test']}` | {s['what']} |" for s in scenarios]
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
