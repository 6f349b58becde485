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

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import orjson

from toolkit._gc import gc_paused
from toolkit._io import Stage, dumps, sha256_file, staged, write_failure
from toolkit.annotations.import_report import AnnotationImportError, ImportReport
from toolkit.annotations.items import (
    AnnotationFact,
    Built,
    ImportRun,
    check_label_map,
    count_contents,
    embedded_predictions,
    instant,
    layer_of,
    one_vote,
    skip_contents,
    write_annotator_map,
)
from toolkit.annotations.layers import EMAIL
from toolkit.annotations.offsets import astral_positions
from toolkit.annotations.reader import HOW_TO_EXPORT, PARSERS, Reparse, json_min_task, open_stream, tasks
from toolkit.annotations.validate import Problem, ResultChecker
from toolkit.errors import ToolkitError
from toolkit.model import Document
from toolkit.schema import Schema
from toolkit.seeds import article_id

DEFAULT_LAYERS_DIR = Path("annotations/layers")


class LineSink(Protocol):
    """What :func:`import_export` tells of the layers file as it writes it."""

    def start(self) -> None:
        """A pass over the export begins (forget the lines of an earlier pass)."""

    def line(self, line: bytes) -> None:
        """One line of the layers file, as written."""


log = logging.getLogger(__name__)


def import_export(
    path: Path,
    schema: Schema,
    *,
    out_dir: Path = DEFAULT_LAYERS_DIR,
    seeds: Mapping[str, Document] | None = None,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    label_map: Mapping[str, str] | None = None,
    relation_map: Mapping[str, str] | None = None,
    annotator_map: Path | None = None,
    facts: list[AnnotationFact] | None = None,
    sink: LineSink | None = None,
    keep_fields: Sequence[str] = (),
    mask_emails: bool = False,
) -> ImportReport:
    """Validate and normalise an export; write ``out_dir/<stem>.jsonl`` and ``<stem>.report.json``.

    ``label_map``: OLD -> NEW entity labels applied before validation, ``relation_map`` the same for relation
    labels (separately: one name may be both); NEW must be in the schema; an empty NEW drops the label (counted
    as skipped, with the relations it took part in). The layers and the report are written together under the
    folder's lock (:func:`toolkit._io.staged`): both or neither.
    ``annotator_map``: only on explicit request, a private file of ``user:<id>`` -> the e-mail and names of
    exports that carry them (``label-studio export``); nothing else the import writes names a person.
    ``facts``: a list to fill with every human annotation's who, when and how long (``ls status``). ``sink``: told
    of every line as it is written (and of each fresh start, when an export is read again with a stricter parser),
    so a caller can work on the layers while the import runs. ``keep_fields``: task data fields to keep in the
    layers besides the text and the toolkit's own (:data:`TOOLKIT_FIELDS`); the others are dropped and counted.
    ``mask_emails``: an e-mail address in a kept field is masked instead of refused.
    """
    label_map = check_label_map(label_map or {}, schema)
    relation_map = check_label_map(relation_map or {}, schema, relations=True)
    with staged(Path(out_dir)) as stage:
        for parser in PARSERS:
            run = ImportRun(
                schema,
                Path(path).name,
                "",
                ImportReport(str(path), "", None),
                seeds,
                label_map,
                relation_map,
                keep_fields=frozenset(keep_fields),
                mask_emails=mask_emails,
            )
            run.people = {} if annotator_map is not None else None
            run.facts = [] if facts is not None else None
            if sink is not None:
                sink.start()
            try:
                with gc_paused():
                    report = _import(Path(path), Path(out_dir), stage, run, skip_invalid, progress, parser, sink)
            except Reparse as exc:
                if parser == PARSERS[-1]:
                    raise
                log.debug(
                    "%s: parser %s gave up (%s); reading it again with the next one", path, parser, type(exc).__name__
                )
                continue
            if annotator_map is not None and run.people is not None:
                write_annotator_map(run.people, annotator_map)
            if facts is not None and run.facts is not None:
                facts.extend(run.facts)
            return report
    raise AssertionError("unreachable: the last parser never asks to re-read")  # pragma: no cover


def _import(
    path: Path,
    out_dir: Path,
    stage: Stage,
    run: ImportRun,
    skip_invalid: bool,
    progress: Callable[[int], None] | None,
    parser: str,
    sink: LineSink | None = None,
) -> ImportReport:
    """One pass over the export with one parser (see :func:`import_export`)."""
    fh = open_stream(path)
    run.source_sha = sha256_file(path)  # every layer records it: known before the first line is written
    report = run.report
    report.source_sha256 = run.source_sha
    out_path = out_dir / f"{path.stem}.jsonl"
    try:
        with fh, stage.path(out_path.name).open("wb") as out:
            for position, task in enumerate(tasks(path, fh, parser), 1):
                if position == 1 and json_min_task(task):
                    raise ToolkitError(
                        f"{path}: a JSON_MIN export (flat records, no 'data' or 'annotations'): it holds one "
                        f"annotation per task without annotators or ids; {HOW_TO_EXPORT}"
                    )
                run.tally.seen["tasks"] += 1
                line = _import_task(task, position, run)
                if line is not None:
                    out.write(line)
                    if sink is not None:
                        sink.line(line)
                    run.tally.written["tasks"] += 1
                else:
                    run.tally.skip("tasks", "invalid task")
                if progress:
                    progress(1)
        if run.same_text:
            _merge_same_text(stage.path(out_path.name), run)
        report.counts, report.skipped = run.tally.result()
        report.repairs = dict(sorted(run.repairs.items()))
        if report.errors and not skip_invalid:
            first = report.errors[0].render("")  # the path starts the message once
            raise AnnotationImportError(
                f"{path}: {len(report.errors)} error(s), nothing written; first: {first} "
                "(fix them in Label Studio and pull again, or pass --skip-invalid to import the valid part)",
                report.problems,
            )
        report.output = str(out_path)
        stage.path(out_path.with_suffix(".report.json").name).write_text(
            dumps(report.to_dict(), indent=1) + "\n", encoding="utf-8"
        )
        return report
    except OSError as exc:
        raise write_failure(out_path, exc) from None


def _merge_same_text(layers_file: Path, run: ImportRun) -> None:
    """Tasks that hold the same text become one document with every task's annotations (compared as annotators
    are, one layer per annotator: the latest), written where the first task's was; listed in the report."""
    merged: dict[str, dict[str, Any]] = {}
    with layers_file.open("rb") as fh:
        for line in fh:
            record = orjson.loads(line)
            doc_id = record["document"]["id"]
            if doc_id in run.same_text:
                if doc_id in merged:
                    merged[doc_id]["layers"] += record["layers"]
                else:
                    merged[doc_id] = record
    for doc_id, record in merged.items():
        tids = run.same_text[doc_id]
        record["document"]["metadata"]["same_text_tasks"] = tids
        keep: list[dict[str, Any]] = []
        for layer in record["layers"]:
            votes = run.votes.get((doc_id, layer["annotator"]), [])
            if layer["kind"] == "annotation" and len(votes) > 1:
                latest = max(votes, key=lambda v: (instant(v[0]), v[1]))[1]
                if layer["provenance"]["annotation_id"] != latest:
                    run.tally.skip("annotations", "superseded by a later annotation of the same annotator")
                    run.tally.skip("regions", "annotation superseded", len(layer["spans"]))
                    run.tally.skip("relations", "annotation superseded", len(layer["relations"]))
                    run.tally.written["annotations"] -= 1
                    run.tally.written["regions"] -= len(layer["spans"])
                    run.tally.written["relations"] -= len(layer["relations"])
                    continue
            keep.append(layer)
        keep.sort(key=lambda d: (d["kind"], d["provenance"]["annotation_id"] or 0, d["annotator"]))
        record["layers"] = keep
        run.report.same_text.append({"document": doc_id, "tasks": tids})
    rewritten = layers_file.with_name(layers_file.name + ".merging")
    written: set[str] = set()
    with layers_file.open("rb") as src, rewritten.open("wb") as out:
        for line in src:
            doc_id = orjson.loads(line)["document"]["id"]
            if doc_id not in merged:
                out.write(line)
            elif doc_id not in written:
                out.write(_line(merged[doc_id]))
                written.add(doc_id)
    rewritten.replace(layers_file)


def _import_task(task: object, position: int, run: ImportRun) -> bytes | None:
    """One task -> one output line (or None if the task is unusable)."""
    task_ref: Any = f"#{position}"
    tally = run.tally

    def task_error(code: str, message: str) -> None:
        run.problem(Problem("error", code, task_ref, None, None, message))

    if not isinstance(task, dict):
        task_error("task-not-object", f"item {position} of the export is not a task object; remove it")
        return None
    tid = task.get("id")
    if isinstance(tid, int) and not isinstance(tid, bool):
        task_ref = tid
    annotations = task.get("annotations") or []
    predictions = task.get("predictions") or []
    drafts = task.get("drafts") or []
    count_contents(annotations, predictions, drafts, tally)
    tally.skip("drafts", "drafts are not annotations", len(drafts) if isinstance(drafts, list) else 0)
    if task_ref != tid:
        task_error("task-id", f"task id is {tid!r}; every task needs an integer id")
        skip_contents(annotations, predictions, tally)
        return None
    if tid in run.seen_tasks:
        task_error("duplicate-task", f"task id {tid} appears twice in the export; export the project again")
        skip_contents(annotations, predictions, tally)
        return None
    run.seen_tasks.add(tid)
    data = task.get("data")
    field_name = run.schema.label_studio.text_field
    text = data.get(field_name) if isinstance(data, dict) else None
    if not isinstance(text, str) or not text:
        task_error("task-text", f"data.{field_name} is {type(text).__name__}, not a non-empty string")
        skip_contents(annotations, predictions, tally)
        return None
    if not text.isascii() and not _is_unicode(text):
        task_error(
            "task-text",
            f"data.{field_name} holds an unpaired surrogate (a lone \\ud800-\\udfff escape), which is not "
            "Unicode text; fix the task's text in Label Studio and pull again",
        )
        skip_contents(annotations, predictions, tally)
        return None
    assert isinstance(data, dict)
    given = data.get("article_id")
    doc_id = given if isinstance(given, str) and given.strip() else article_id(text)  # empty: the id of the text
    assert isinstance(doc_id, str)
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    if doc_id in run.seen_articles:
        first, first_digest = run.seen_articles[doc_id]
        if first_digest != digest:
            task_error(
                "duplicate-article",
                f"article {doc_id} is also task {first}, with another text; give one of the tasks its own article_id "
                "or delete it",
            )
            skip_contents(annotations, predictions, tally)
            return None
        run.same_text.setdefault(doc_id, [first]).append(tid)  # one document: both tasks' annotations, compared
    else:
        run.seen_articles[doc_id] = (tid, digest)
    if run.seeds is not None and doc_id in run.seeds and run.seeds[doc_id].text != text:
        task_error(
            "seed-text-differs",
            f"the text differs from seed article {doc_id} (seeds/articles.jsonl); "
            "the article changed after it was pushed: re-push it as a new article",
        )
        skip_contents(annotations, predictions, tally)
        return None
    if not isinstance(annotations, list) or not isinstance(predictions, list):
        task_error("task-lists", "'annotations' and 'predictions' must be lists")
        skip_contents(annotations, predictions, tally)
        return None

    checker = ResultChecker(text, run.schema, astral_positions(text), run.label_map, run.relation_map)
    built: list[Built] = []
    for ann in annotations:
        layer = layer_of(ann, "annotation", tid, doc_id, checker, run)
        if layer is not None:
            built.append(layer)
    for pred in embedded_predictions(predictions, annotations, tid, run):
        layer = layer_of(pred, "prediction", tid, doc_id, checker, run)
        if layer is not None:
            built.append(layer)
    kept = one_vote(built, tid, run)
    for b in kept:
        if b.record["kind"] == "annotation":
            run.votes.setdefault((doc_id, b.record["annotator"]), []).append((b.updated_at, b.annotation_id))
    layers = [b.record for b in kept]
    for record in layers:
        tally.written["annotations" if record["kind"] == "annotation" else "predictions"] += 1
        tally.written["regions"] += len(record["spans"])
        tally.written["relations"] += len(record["relations"])
    layers.sort(key=lambda d: (d["kind"], d["provenance"]["annotation_id"] or 0, d["annotator"]))
    extra = _kept_fields(data, field_name, tid, run)
    if extra is None:
        skip_contents(annotations, predictions, tally)
        return None
    metadata: dict[str, Any] = {"task_id": tid, "snapshot": run.source, "data": extra}
    campaign = campaign_role(task.get("meta"), data.get("campaign_annotators"))
    if campaign is not None:
        metadata["campaign"] = campaign
    document = {"id": doc_id, "text": text, "metadata": metadata}
    return _line({"document": document, "layers": layers})


TOOLKIT_FIELDS = ("article_id", "outlet", "date", "source_file", "text_sha256")
"""Task data fields the toolkit's own ``ls push`` writes (from the seed store, naming no one): kept in the layers."""
EMAIL_MASK = "[e-mail]"


def _kept_fields(data: dict[str, Any], text_field: str, tid: int, run: ImportRun) -> dict[str, Any] | None:
    """The task data fields that go into the layers: the toolkit's own (:data:`TOOLKIT_FIELDS`) and those the
    user keeps (``keep_fields``); every other field is dropped and counted (it may name a reviewer or an
    assignee). A kept field holding an e-mail address is refused (None, with the problem; the task is skipped), or
    masked with ``mask_emails``."""
    fields = [(k, v) for k, v in sorted(data.items()) if k != text_field and not k.startswith(CAMPAIGN_FIELD_PREFIX)]
    keep = [(k, v) for k, v in fields if k in TOOLKIT_FIELDS or k in run.keep_fields]
    if not run.mask_emails:
        for k, v in keep:
            if isinstance(v, str) and EMAIL.search(v):
                run.problem(
                    Problem(
                        "error",
                        "email-in-field",
                        tid,
                        None,
                        None,
                        f"data.{k} holds an e-mail address, which must not reach layers or releases; drop the "
                        f"field (leave out --keep-field {k}) or pass --mask-emails",
                    )
                )
                return None
    kept: dict[str, Any] = {}
    run.tally.seen["fields"] += len(fields)
    for k, v in fields:
        if k not in TOOLKIT_FIELDS and k not in run.keep_fields:
            run.tally.skip("fields", f"data.{k} not kept (--keep-field {k} keeps it)")
        elif not isinstance(v, str | int | float | bool):
            run.tally.skip("fields", f"data.{k} is not a string, number or boolean")
        else:
            if isinstance(v, str) and EMAIL.search(v):
                v = EMAIL.sub(EMAIL_MASK, v)
                run.repairs[f"e-mail addresses masked in data.{k}"] += 1
            kept[k] = v
    run.tally.written["fields"] += len(kept)
    return kept


CAMPAIGN_FIELD_PREFIX = "campaign_"
"""Task data fields a campaign adds for Label Studio's Data Manager (who annotates a task, its place in the stream):
plumbing, not article metadata, so they are not copied into layers."""
CAMPAIGN_ROLES = ("control", "overlap", "single")


def campaign_role(meta: object, assigned: object = None) -> dict[str, Any] | None:
    """A task's place in a campaign (``toolkit ls campaign`` keeps it in the task's ``meta``, which annotators do
    not see): its role (a control task, one of the overlapping cohort, or annotated once), the campaign's K and the
    annotators it is assigned to (``user:<id>``, from the ``campaign_annotators`` data field)."""
    found = meta.get("toolkit") if isinstance(meta, dict) else None
    campaign = found.get("campaign") if isinstance(found, dict) else None
    if not isinstance(campaign, dict) or campaign.get("role") not in CAMPAIGN_ROLES:
        return None
    k = campaign.get("k")
    who = [f"user:{x}" for x in assigned.strip("|").split("|") if x.isdigit()] if isinstance(assigned, str) else []
    return {
        "role": campaign["role"],
        "k": k if isinstance(k, int) and not isinstance(k, bool) else None,
        "assigned": sorted(who, key=lambda u: int(u[5:])),
    }


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
