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
from toolkit._io import atomic_write_text, dumps, sha256_file
from toolkit.annotations.fastlane import fast_records
from toolkit.annotations.offsets import astral_positions
from toolkit.annotations.reader import PARSERS, Reparse, open_stream, tasks
from toolkit.annotations.validate import Problem, ResultChecker, count_problems
from toolkit.errors import OutputError, ToolkitError
from toolkit.model import Document, Provenance, layer_record, relation_records, span_records
from toolkit.schema import TEXT_FIELD, Schema
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
) -> ImportReport:
    """Validate and normalise an export; write ``out_dir/<stem>.jsonl`` and ``<stem>.report.json``."""
    for parser in PARSERS[:-1]:
        try:
            with gc_paused():
                return _import(path, schema, out_dir, seeds, skip_invalid, progress, parser=parser)
        except Reparse as exc:
            log.debug(
                "%s: parser %s gave up (%s); reading it again with the next one", path, parser, type(exc).__name__
            )
    with gc_paused():
        return _import(path, schema, out_dir, seeds, skip_invalid, progress, parser=PARSERS[-1])


def _import(
    path: Path,
    schema: Schema,
    out_dir: Path,
    seeds: Mapping[str, Document] | None,
    skip_invalid: bool,
    progress: Callable[[int], None] | None,
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
            first = report.errors[0].render(str(path))
            raise AnnotationImportError(
                f"{path}: {len(report.errors)} error(s), nothing written; first: {first} "
                "(fix them in Label Studio and pull again, or pass --skip-invalid to import the valid part)",
                report.problems,
            )
        Path(tmp_name).replace(out_path)
        report.output = str(out_path)
        atomic_write_text(out_path.with_suffix(".report.json"), dumps(report.to_dict(), indent=1) + "\n")
        return report
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
    text = data.get(TEXT_FIELD) if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        task_error("task-text", f"data.{TEXT_FIELD} is {type(text).__name__}, not a non-empty string")
        _skip_contents(annotations, predictions, tally)
        return None
    if not text.isascii() and not _is_unicode(text):
        task_error(
            "task-text",
            f"data.{TEXT_FIELD} holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not "
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

    checker = ResultChecker(text, schema, astral_positions(text))
    layers: list[dict[str, Any]] = []
    for ann in annotations:
        layer = _layer(ann, "annotation", tid, checker, source, source_sha, doc_id, tally, report, repairs)
        if layer is not None:
            layers.append(layer)
    for pred in predictions:
        layer = _layer(pred, "prediction", tid, checker, source, source_sha, doc_id, tally, report, repairs)
        if layer is not None:
            layers.append(layer)
    layers.sort(key=lambda d: (d["kind"], d["provenance"]["annotation_id"] or 0, d["annotator"]))
    document = {"id": doc_id, "text": text, "metadata": {"task_id": tid, "snapshot": source}}
    return _line({"document": document, "layers": layers})


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
) -> dict[str, Any] | None:
    plural = "annotations" if kind == "annotation" else "predictions"
    if kind == "prediction" and isinstance(item, int):
        tally.skip(plural, "prediction listed by id only (pull with toolkit ls pull to embed it)")
        report.problems.append(
            Problem("warning", "prediction-by-id", tid, item, None, "prediction content not in the export; skipped")
        )
        return None
    if not isinstance(item, dict):
        report.problems.append(Problem("error", f"{kind}-not-object", tid, None, None, f"an {kind} is not an object"))
        tally.skip(plural, f"invalid {kind}")
        return None
    aid = item.get("id")
    result = item.get("result")
    cancelled = kind == "annotation" and item.get("was_cancelled")
    fast = None if cancelled else fast_records(result, checker)
    if fast is not None:
        spans, relations, n_rels = fast
        tally.seen["regions"] += len(spans)
        tally.seen["relations"] += n_rels
    else:
        n_regions, n_rels = _count_result(result)
        tally.seen["regions"] += n_regions
        tally.seen["relations"] += n_rels
        if cancelled:
            tally.skip(plural, "cancelled (skipped by the annotator)")
            tally.skip("regions", "annotation cancelled", n_regions)
            tally.skip("relations", "annotation cancelled", n_rels)
            return None
        checked = checker.check(result, tid, aid)
        report.problems.extend(checked.problems)
        repairs.update(checked.repairs)
        if not isinstance(result, list):
            tally.skip(plural, f"invalid {kind}")
            return None
        for reason, n in checked.skipped.items():
            tally.skip("regions" if "region" in reason else "relations", reason, n)
        spans, relations = span_records(checked.spans), relation_records(checked.relations)
    if kind == "annotation":
        who = item.get("completed_by")
        annotator = f"user:{who}" if who is not None else "user:unknown"
        version = None
    else:
        version = item.get("model_version") or "unversioned"
        annotator = str(version)
    provenance = Provenance(
        source,
        source_sha,
        tid,
        aid if isinstance(aid, int) else None,
        str(version) if version else None,
        bool(item.get("ground_truth")),
    )
    tally.written[plural] += 1
    tally.written["regions"] += len(spans)
    tally.written["relations"] += len(relations)
    return layer_record(
        doc_id,
        annotator,
        "annotation" if kind == "annotation" else "prediction",
        str(item.get("created_at") or ""),
        spans,
        relations,
        provenance,
    )
