"""``toolkit annotations import``: a Label Studio full JSON export in, normalised layers out.

The export is read as a stream, task by task, so memory does not grow with the file: 4 MB
chunks decoded by the C JSON decoder, or, for anything that is not plain valid JSON, ijson (whose
messages say what is wrong). Clean results take a fast lane (:mod:`fastlane`); the rest go through
the full checks (:mod:`validate`). Each task becomes one line of the layers file:

    {"document": {"id", "text", "metadata": {"task_id", ...}}, "layers": [<layer>, ...]}

with one layer per human annotation (annotator ``user:<id>``) and one per prediction
(kind ``prediction``, annotator = model version). Cancelled annotations and drafts are counted
and skipped. Strict by default: any error fails the import and writes nothing; with
``skip_invalid`` the valid part is written and every skip is counted by reason.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from toolkit._gc import gc_paused
from toolkit._io import atomic_write_text, dumps, folders_removed_on_failure, sha256_file, write_failure
from toolkit.annotations.fastlane import fast_records
from toolkit.annotations.offsets import astral_positions
from toolkit.annotations.reader import HOW_TO_EXPORT, PARSERS, Reparse, json_min_task, open_stream, tasks
from toolkit.annotations.validate import Problem, ResultChecker, count_problems
from toolkit.errors import OutputError, ToolkitError
from toolkit.model import Document, Provenance, layer_record, relation_records, span_records
from toolkit.schema import Schema
from toolkit.seeds import article_id

DEFAULT_LAYERS_DIR = Path("annotations/layers")
log = logging.getLogger(__name__)


class AnnotationImportError(ToolkitError):
    """The export has errors; ``problems`` lists them all."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class ImportReport:
    source: str
    source_sha256: str
    output: str | None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_sha256": self.source_sha256,
            "output": self.output,
            "counts": self.counts,
            "skipped": self.skipped,
            "repairs": self.repairs,
            "superseded": self.superseded,
            "problem_counts": count_problems(self.problems),
            "problems": [p.to_dict() for p in self.problems],
        }


class _Tally:
    """in/written counters with skip reasons per kind of item, so the arithmetic can be checked."""

    KINDS = ("tasks", "annotations", "predictions", "regions", "relations", "drafts")

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.skips: dict[str, Counter[str]] = {k: Counter() for k in self.KINDS}

    def skip(self, kind: str, reason: str, n: int = 1) -> None:
        if n:
            self.skips[kind][reason] += n

    def result(self) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
        counts = {
            k: {"in": self.seen[k], "written": self.written[k], "skipped": sum(self.skips[k].values())}
            for k in self.KINDS
        }
        return counts, {k: dict(sorted(v.items())) for k, v in self.skips.items() if v}


def import_export(
    path: Path,
    schema: Schema,
    *,
    out_dir: Path = DEFAULT_LAYERS_DIR,
    seeds: Mapping[str, Document] | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    label_map: Mapping[str, str] | None = None,
    annotator_map: Path | None = None,
) -> ImportReport:
    """Validate and normalise an export; write ``out_dir/<stem>.jsonl`` and ``<stem>.report.json``.

    ``label_map``: OLD -> NEW labels (entity or relation types) applied before validation; NEW must be in the
    schema; an empty NEW drops the label (counted as skipped, with the relations it took part in).
    ``annotator_map``: only on explicit request, a private file of ``user:<id>`` -> the e-mail and names of
    exports that carry them (``label-studio export``); nothing else the import writes names a person.
    """
    label_map = check_label_map(label_map or {}, schema)
    if annotator_map is not None:
        write_annotator_map(path, annotator_map)
    with folders_removed_on_failure(Path(out_dir)):
        for parser in PARSERS[:-1]:
            try:
                with gc_paused():
                    return _import(path, schema, out_dir, seeds, skip_invalid, progress, label_map, parser=parser)
            except Reparse as exc:
                log.debug(
                    "%s: parser %s gave up (%s); reading it again with the next one", path, parser, type(exc).__name__
                )
        with gc_paused():
            return _import(path, schema, out_dir, seeds, skip_invalid, progress, label_map, parser=PARSERS[-1])


def _import(
    path: Path,
    schema: Schema,
    out_dir: Path,
    seeds: Mapping[str, Document] | None,
    skip_invalid: bool,
    progress: Callable[[int], None] | None,
    label_map: Mapping[str, str],
    *,
    parser: str,
) -> ImportReport:
    path = Path(path)
    fh = open_stream(path)
    source_sha = sha256_file(path)
    report = ImportReport(str(path), source_sha, None)
    tally = _Tally()
    out_path = Path(out_dir) / f"{path.stem}.jsonl"
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        tmp_fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tmp", dir=out_dir)
    except OSError as exc:
        fh.close()
        raise OutputError(f"cannot write into {out_dir}: {exc.strerror}") from exc
    seen_tasks: set[Any] = set()
    seen_articles: dict[str, Any] = {}
    repairs: Counter[str] = Counter()
    try:
        with fh, os.fdopen(tmp_fd, "wb") as out:
            for position, task in enumerate(tasks(path, fh, parser), 1):
                if position == 1 and json_min_task(task):
                    raise ToolkitError(
                        f"{path}: a JSON_MIN export (flat records, no 'data' or 'annotations'): it holds one "
                        f"annotation per task without annotators or ids; {HOW_TO_EXPORT}"
                    )
                tally.seen["tasks"] += 1
                line = _import_task(
                    task,
                    position,
                    schema,
                    path.name,
                    source_sha,
                    seeds,
                    seen_tasks,
                    seen_articles,
                    tally,
                    report,
                    repairs,
                    label_map,
                )
                if line is not None:
                    out.write(line)
                    tally.written["tasks"] += 1
                else:
                    tally.skip("tasks", "invalid task")
                if progress:
                    progress(1)
        report.counts, report.skipped = tally.result()
        report.repairs = dict(sorted(repairs.items()))
        if report.errors and not skip_invalid:
            first = report.errors[0].render("")  # the path starts the message once
            raise AnnotationImportError(
                f"{path}: {len(report.errors)} error(s), nothing written; first: {first} "
                "(fix them in Label Studio and pull again, or pass --skip-invalid to import the valid part)",
                report.problems,
            )
        Path(tmp_name).chmod(0o644)  # mkstemp makes 0600 files; layers are as readable as the reports
        report.output = str(out_path)
        atomic_write_text(out_path.with_suffix(".report.json"), dumps(report.to_dict(), indent=1) + "\n")
        Path(tmp_name).replace(out_path)
        return report
    except OSError as exc:
        raise write_failure(out_path, exc) from None
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _import_task(
    task: object,
    position: int,
    schema: Schema,
    source: str,
    source_sha: str,
    seeds: Mapping[str, Document] | None,
    seen_tasks: set[Any],
    seen_articles: dict[str, Any],
    tally: _Tally,
    report: ImportReport,
    repairs: Counter[str],
    label_map: Mapping[str, str],
) -> bytes | None:
    """One task -> one output line (or None if the task is unusable)."""
    task_ref: Any = f"#{position}"

    def task_error(code: str, message: str) -> None:
        report.problems.append(Problem("error", code, task_ref, None, None, message))

    if not isinstance(task, dict):
        task_error("task-not-object", f"item {position} of the export is not a task object; remove it")
        return None
    tid = task.get("id")
    if isinstance(tid, int) and not isinstance(tid, bool):
        task_ref = tid
    annotations = task.get("annotations") or []
    predictions = task.get("predictions") or []
    drafts = task.get("drafts") or []
    _count_contents(annotations, predictions, drafts, tally)
    tally.skip("drafts", "drafts are not annotations", len(drafts) if isinstance(drafts, list) else 0)
    if task_ref != tid:
        task_error("task-id", f"task id is {tid!r}; every task needs an integer id")
        _skip_contents(annotations, predictions, tally)
        return None
    if tid in seen_tasks:
        task_error("duplicate-task", f"task id {tid} appears twice in the export; export the project again")
        _skip_contents(annotations, predictions, tally)
        return None
    seen_tasks.add(tid)
    data = task.get("data")
    field_name = schema.label_studio.text_field
    text = data.get(field_name) if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        task_error("task-text", f"data.{field_name} is {type(text).__name__}, not a non-empty string")
        _skip_contents(annotations, predictions, tally)
        return None
    if not text.isascii() and not _is_unicode(text):
        task_error(
            "task-text",
            f"data.{field_name} holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not "
            "Unicode text; fix the task's text in Label Studio and pull again",
        )
        _skip_contents(annotations, predictions, tally)
        return None
    assert isinstance(data, dict)
    doc_id = data.get("article_id") if isinstance(data.get("article_id"), str) else article_id(text)
    assert isinstance(doc_id, str)
    if doc_id in seen_articles:
        task_error(
            "duplicate-article", f"article {doc_id} is also task {seen_articles[doc_id]}; delete one of the tasks"
        )
        _skip_contents(annotations, predictions, tally)
        return None
    seen_articles[doc_id] = tid
    if seeds is not None and doc_id in seeds and seeds[doc_id].text != text:
        task_error(
            "seed-text-differs",
            f"the text differs from seed article {doc_id} (seeds/articles.jsonl); "
            "the article changed after it was pushed: re-push it as a new article",
        )
        _skip_contents(annotations, predictions, tally)
        return None
    if not isinstance(annotations, list) or not isinstance(predictions, list):
        task_error("task-lists", "'annotations' and 'predictions' must be lists")
        _skip_contents(annotations, predictions, tally)
        return None

    checker = ResultChecker(text, schema, astral_positions(text), label_map)
    built: list[_Built] = []
    for ann in annotations:
        layer = _layer(ann, "annotation", tid, checker, source, source_sha, doc_id, tally, report, repairs)
        if layer is not None:
            built.append(layer)
    for pred in _predictions(predictions, annotations, tid, tally, report):
        layer = _layer(pred, "prediction", tid, checker, source, source_sha, doc_id, tally, report, repairs)
        if layer is not None:
            built.append(layer)
    layers = [b.record for b in _one_vote(built, tid, tally, report)]
    for record in layers:
        tally.written["annotations" if record["kind"] == "annotation" else "predictions"] += 1
        tally.written["regions"] += len(record["spans"])
        tally.written["relations"] += len(record["relations"])
    layers.sort(key=lambda d: (d["kind"], d["provenance"]["annotation_id"] or 0, d["annotator"]))
    extra = {k: v for k, v in sorted(data.items()) if k != field_name and isinstance(v, str | int | float | bool)}
    document = {"id": doc_id, "text": text, "metadata": {"task_id": tid, "snapshot": source, "data": extra}}
    return _line({"document": document, "layers": layers})


def check_label_map(label_map: Mapping[str, str], schema: Schema) -> dict[str, str]:
    """The map, checked before any export is read: every NEW label is a type of the schema (or empty: drop)."""
    known = set(schema.entity_labels) | set(schema.relation_labels)
    for old, new in label_map.items():
        if new and new not in known:
            raise ToolkitError(
                f"--label-map {old}={new}: {new!r} is not a type of schema {schema.name} "
                f"({', '.join(schema.entity_labels)}; relations {', '.join(schema.relation_labels)}); "
                f"map to one of them, or write {old}= to drop the label"
            )
    return dict(label_map)


@dataclass(frozen=True)
class _Built:
    """A layer record and what orders two annotations of one annotator (``updated_at``, then id)."""

    record: dict[str, Any]
    updated_at: str
    annotation_id: int


def _one_vote(built: list[_Built], tid: int, tally: _Tally, report: ImportReport) -> list[_Built]:
    """One layer per annotator: the latest of several submitted annotations (``updated_at``, then id).

    The others are counted as skipped and listed in the report (``superseded``)."""
    humans = [b.record["annotator"] for b in built if b.record["kind"] == "annotation"]
    if len(set(humans)) == len(humans):
        return built  # nobody voted twice
    by_annotator: dict[str, list[_Built]] = {}
    out = []
    for b in built:
        if b.record["kind"] == "annotation":
            by_annotator.setdefault(b.record["annotator"], []).append(b)
        else:
            out.append(b)
    for who, items in by_annotator.items():
        items.sort(key=lambda b: (_instant(b.updated_at), b.annotation_id))
        kept, dropped = items[-1], items[:-1]
        out.append(kept)
        for d in dropped:
            tally.skip("annotations", "superseded by a later annotation of the same annotator")
            tally.skip("regions", "annotation superseded", len(d.record["spans"]))
            tally.skip("relations", "annotation superseded", len(d.record["relations"]))
        if dropped:
            report.superseded.append(
                {
                    "task_id": tid,
                    "annotator": who,
                    "kept": kept.annotation_id,
                    "superseded": [d.annotation_id for d in dropped],
                }
            )
    return out


def _instant(stamp: str) -> tuple[int, str]:
    """An orderable form of a Label Studio timestamp (ISO 8601; unparsable ones sort first, as text)."""
    try:
        return (1, dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC).isoformat())
    except ValueError:
        return (0, stamp)


def _predictions(
    predictions: list[Any], annotations: list[Any], tid: int, tally: _Tally, report: ImportReport
) -> list[Any]:
    """The task's predictions as full objects: listed in ``task.predictions``, or (by id) embedded in the
    annotations made from them (``annotation.prediction``, as Label Studio's export has them)."""
    embedded: dict[int, dict[str, Any]] = {}
    for ann in annotations:
        pred = ann.get("prediction") if isinstance(ann, dict) else None
        if isinstance(pred, dict) and _is_int(pred.get("id")) and "result" in pred:
            embedded.setdefault(pred["id"], pred)
    out: list[Any] = []
    seen: set[int] = set()
    for item in predictions:
        if _is_int(item):
            if item in embedded:
                out.append(embedded[item])
                seen.add(item)
                continue
            tally.skip("predictions", "prediction listed by id only (pull with toolkit ls pull to embed it)")
            report.problems.append(
                Problem(
                    "warning",
                    "prediction-by-id",
                    tid,
                    item,
                    None,
                    "listed by id only; its content is not in the export: skipped",
                    "prediction",
                )
            )
            continue
        if isinstance(item, dict) and _is_int(item.get("id")):
            seen.add(item["id"])
        out.append(item)
    extra = [p for pid, p in sorted(embedded.items()) if pid not in seen]
    tally.seen["predictions"] += len(extra)  # in the export only inside annotations
    return out + extra


PERSONAL_FIELDS = ("email", "first_name", "last_name", "username")


def write_annotator_map(export: Path, target: Path) -> int:
    """The private ``user:<id>`` -> e-mail/names map of an export (mode 0600); the number of annotators in it."""
    people: dict[str, dict[str, Any]] = {}
    with open_stream(Path(export)) as fh:
        for task in tasks(Path(export), fh, "stream"):
            for ann in (task.get("annotations") or []) if isinstance(task, dict) else []:
                who = ann.get("completed_by") if isinstance(ann, dict) else None
                key = annotator_id(who)
                if key and isinstance(who, dict):
                    people[key] = {k: who[k] for k in PERSONAL_FIELDS if isinstance(who.get(k), str)}
                elif key:
                    people.setdefault(key, {})
    data = (dumps(dict(sorted(people.items())), indent=1) + "\n").encode("utf-8")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    Path(target).chmod(0o600)
    return len(people)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def annotator_id(value: object) -> str | None:
    """``user:<Label Studio id>`` from ``completed_by`` as the exports write it: an id, or (``label-studio
    export``) a user object. Nothing else of the object (e-mail, names) is ever read."""
    if _is_int(value):
        return f"user:{value}"
    if isinstance(value, dict) and _is_int(value.get("id")):
        return f"user:{value['id']}"
    return None


def _line(record: dict[str, Any]) -> bytes:
    """One JSON line. Key order is fixed by construction, so the output is deterministic without sorting.

    orjson writes UTF-8 about six times faster than json; what it refuses (an unpaired surrogate
    escape in a text, an integer beyond 64 bits) is written losslessly by json with escapes.
    """
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(record, separators=(",", ":")) + "\n").encode("ascii")


def _is_unicode(text: str) -> bool:
    """False if the text holds an unpaired surrogate (JSON allows the escape; no Unicode encoding does)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _results(items: object) -> list[object]:
    return items if isinstance(items, list) else []


def _count_contents(annotations: object, predictions: object, drafts: object, tally: _Tally) -> None:
    """Items in; their regions and relations are counted in where they are handled (_layer, _skip_contents)."""
    for kind, items in (("annotations", annotations), ("predictions", predictions), ("drafts", drafts)):
        tally.seen[kind] += len(_results(items))


def _count_result(result: object) -> tuple[int, int]:
    """(regions, relations) in a result."""
    if not isinstance(result, list):
        return 0, 0
    rels = sum(1 for r in result if isinstance(r, dict) and r.get("type") == "relation")
    return len(result) - rels, rels


def _skip_contents(annotations: object, predictions: object, tally: _Tally) -> None:
    for kind, items in (("annotations", annotations), ("predictions", predictions)):
        for item in _results(items):
            tally.skip(kind, "task invalid")
            regions, rels = _count_result(item.get("result") if isinstance(item, dict) else None)
            tally.seen["regions"] += regions
            tally.seen["relations"] += rels
            tally.skip("relations", "task invalid", rels)
            tally.skip("regions", "task invalid", regions)


def _flag(value: object) -> bool:
    """A JSON boolean or absent (by identity: 1 == True, but an integer is not a flag)."""
    return value is None or value is True or value is False


def _field_errors(item: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """(code, message) for fields of the wrong type: ids integers, flags JSON booleans, a known annotator."""
    aid = item.get("id")
    if kind == "annotation":  # the common case in one test: integer id and annotator, flags absent or booleans
        who = item.get("completed_by")
        if (
            type(aid) is int
            and (type(who) is int or (type(who) is dict and type(who.get("id")) is int))
            and _flag(item.get("was_cancelled"))
            and _flag(item.get("ground_truth"))
        ):
            return []
    elif type(aid) is int:
        return []
    out = []
    if not _is_int(aid):
        out.append((f"{kind}-id", f"id is {_kind_of(aid)}; Label Studio ids are integers: re-export the project"))
    flags = ("was_cancelled", "ground_truth") if kind == "annotation" else ()
    for name in flags:
        value = item.get(name)
        if value is not None and not isinstance(value, bool):
            out.append(
                (
                    "field-type",
                    f"{name} is {_kind_of(value)} {value!r}, not a JSON boolean (true/false); "
                    "fix the export (a hand-edited or converted file?) or export the project again",
                )
            )
    if kind == "annotation" and annotator_id(item.get("completed_by")) is None:
        out.append(
            (
                "no-annotator",
                f"completed_by is {_kind_of(item.get('completed_by'))}, not a Label Studio user id or user object; "
                "every annotation needs its annotator: export the project again",
            )
        )
    return out


def _kind_of(value: object) -> str:
    """What a value is, without showing it (it may be an e-mail address)."""
    return "missing" if value is None else type(value).__name__


def _region_origins(result: object) -> dict[str, str]:
    """Region id -> ``origin`` (``prediction``, ``prediction-changed``, ``manual``) where the export records it."""
    if not isinstance(result, list):
        return {}
    return {
        str(r["id"]): r["origin"]
        for r in result
        if isinstance(r, dict) and isinstance(r.get("origin"), str) and isinstance(r.get("id"), str | int)
    }


def _layer(
    item: object,
    kind: str,
    tid: int,
    checker: ResultChecker,
    source: str,
    source_sha: str,
    doc_id: str,
    tally: _Tally,
    report: ImportReport,
    repairs: Counter[str],
) -> _Built | None:
    plural = "annotations" if kind == "annotation" else "predictions"
    if not isinstance(item, dict):
        report.problems.append(Problem("error", f"{kind}-not-object", tid, None, None, f"an {kind} is not an object"))
        tally.skip(plural, f"invalid {kind}")
        return None
    aid = item.get("id")
    result = item.get("result")
    bad = _field_errors(item, kind)
    if bad:
        n_regions, n_rels = _count_result(result)
        for code, message in bad:
            report.problems.append(Problem("error", code, tid, aid if _is_int(aid) else None, None, message, kind))
        tally.seen["regions"] += n_regions
        tally.seen["relations"] += n_rels
        tally.skip(plural, f"invalid {kind} (mistyped or missing field)")
        tally.skip("regions", f"{kind} invalid", n_regions)
        tally.skip("relations", f"{kind} invalid", n_rels)
        return None
    cancelled = kind == "annotation" and item.get("was_cancelled") is True
    fast = None if cancelled else fast_records(result, checker)
    if fast is not None:
        spans, relations, n_rels, origins = fast
        tally.seen["regions"] += len(spans)
        tally.seen["relations"] += n_rels
    else:
        origins = _region_origins(result)
        n_regions, n_rels = _count_result(result)
        tally.seen["regions"] += n_regions
        tally.seen["relations"] += n_rels
        if cancelled:
            tally.skip(plural, "cancelled (skipped by the annotator)")
            tally.skip("regions", "annotation cancelled", n_regions)
            tally.skip("relations", "annotation cancelled", n_rels)
            return None
        checked = checker.check(result, tid, aid, kind)
        report.problems.extend(checked.problems)
        repairs.update(checked.repairs)
        if not isinstance(result, list):
            tally.skip(plural, f"invalid {kind}")
            return None
        for reason, n in checked.skipped.items():
            tally.skip("relations" if reason.startswith(("relation", "invalid relation")) else "regions", reason, n)
        spans, relations = span_records(checked.spans), relation_records(checked.relations)
    if kind == "annotation":
        annotator = annotator_id(item.get("completed_by")) or "user:unknown"
        version = None
    else:
        version = item.get("model_version") or "unversioned"
        annotator = str(version)
    parent = item.get("parent_prediction") if kind == "annotation" else None
    provenance = Provenance(
        source,
        source_sha,
        tid,
        aid,
        str(version) if version else None,
        item.get("ground_truth") is True,
        parent if _is_int(parent) else None,
    )
    record = layer_record(
        doc_id,
        annotator,
        "annotation" if kind == "annotation" else "prediction",
        str(item.get("created_at") or ""),
        spans,
        relations,
        provenance,
    )
    if origins:
        record["region_origins"] = {rid: origins[rid] for rid in sorted(origins)}
    return _Built(record, str(item.get("updated_at") or item.get("created_at") or ""), int(aid or 0))
