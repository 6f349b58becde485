"""Writes the bad-input corpus (files, cases.json, README.md). Run from the repository root:
    python tests/bad_inputs/make.py
Each case: the file, the toolkit command that reads it, and a regular expression the one-line
``Error:`` must match (it names the file and the location: task/annotation/region or line).
"""

from __future__ import annotations

import gzip
import json
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
        SCHEMA_OK.replace('color: "#332288"', 'color: "#cc6677"'),
        r"colour #cc6677 is used by 2 types \['PER', 'ORG'\]",
    ),
    "schema-hotkey-collision.yaml": (
        SCHEMA_OK.replace('hotkey: "2"', 'hotkey: "1"'),
        r"hotkey '1' is used by \['PER', 'ORG'\]",
    ),
    "schema-bad-yaml.yaml": ("entities: [\n  - label: PER\n", r"not valid YAML at line \d+, column \d+"),
    "schema-not-mapping.yaml": ("- just\n- a list\n", r"the schema must be a mapping"),
    "schema-bad-version.yaml": (
        SCHEMA_OK.replace("schema_version: 1.0.1", "schema_version: one"),
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
COMMANDS = {
    "export": ["annotations", "import", "{file}", "--out", "{out}"],
    "conll": ["corpus", "import-conll", "{file}", "--out", "{out}", "--split", "train"],
    "page": ["seeds", "ingest", "{file}", "--seeds-dir", "{out}"],
    "schema": ["schema", "config", "--schema", "{file}", "--out", "{out}/config.xml"],
    "prediction": ["score", "{here}/gold.jsonl", "{file}"],
}


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
            if isinstance(content, bytes):
                data = content
            elif isinstance(content, str):
                data = content.encode("utf-8")
            else:
                data = json.dumps(content, ensure_ascii=False).encode("utf-8")
            (HERE / name).write_bytes(data)
            cases.append({"file": name, "kind": kind, "command": COMMANDS[kind], "error": message})
    (HERE / "gold.jsonl").write_text(GOLD, encoding="utf-8")
    (HERE / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        "# Bad-input corpus",
        "",
        f"{len(cases)} malformed inputs. For each, `tests/test_bad_inputs.py` runs the command and",
        "checks: exit status 1, exactly one `Error:` line naming the file and the location and matching the",
        "expected pattern, no traceback, and no output file created or modified. Regenerate with",
        "`python tests/bad_inputs/make.py`.",
        "",
        "| file | command | expected error (regex) |",
        "|---|---|---|",
    ]
    lines += [
        f"| `{c['file']}` | `toolkit {' '.join(c['command'][:2])}` | `{c['error'].replace('|', '/')}` |" for c in cases
    ]
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
