"""One annotation or prediction of a task -> one layer record, under the import's rules.

Typed fields (integer ids, JSON-boolean flags, a known annotator), pseudonymous annotators
(``user:<id>`` from an id or a user object, nothing else of it read), the fast lane or the full checks
of the result, region origins and ``parent_prediction``, predictions embedded in annotations, and one
vote per annotator (the latest of several submissions). Every skip is counted in the tally.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import dumps
from toolkit.annotations.fastlane import fast_records
from toolkit.annotations.import_report import ImportReport, Tally
from toolkit.annotations.validate import Problem, ResultChecker
from toolkit.errors import ToolkitError
from toolkit.model import Document, Provenance, layer_record, relation_records, span_records
from toolkit.schema import Schema


def check_label_map(label_map: Mapping[str, str], schema: Schema, *, relations: bool = False) -> dict[str, str]:
    """The map, checked before any export is read: every NEW label is an entity type of the schema (a relation
    type with ``relations``), or empty (drop)."""
    known = schema.relation_labels if relations else schema.entity_labels
    option, kind = ("--relation-map", "relation") if relations else ("--label-map", "entity")
    for old, new in label_map.items():
        if new and new not in known:
            raise ToolkitError(
                f"{option} {old}={new}: {new!r} is not a{'n' if kind == 'entity' else ''} {kind} type of schema "
                f"{schema.name} ({', '.join(known) or 'none'}); map to one of them, or write {old}= to drop the label"
            )
    return dict(label_map)


@dataclass(frozen=True, slots=True)
class AnnotationFact:
    """What a campaign's status needs of one human annotation, whether or not it became a layer."""

    task_id: int
    annotator: str
    cancelled: bool
    ground_truth: bool
    lead_time: float | None  # seconds the annotator spent, as Label Studio measured it
    created_at: str
    updated_at: str


@dataclass
class ImportRun:
    """What one import keeps while it reads the export: its rules and source, what it has seen of the tasks,
    and every count and problem (the report). One per import; the helpers below take it instead of a dozen
    arguments."""

    schema: Schema
    source: str  # the export's file name, as layers name their source
    source_sha: str
    report: ImportReport
    seeds: Mapping[str, Document] | None = None
    label_map: Mapping[str, str] = field(default_factory=dict)
    relation_map: Mapping[str, str] = field(default_factory=dict)
    keep_fields: frozenset[str] = frozenset()
    mask_emails: bool = False
    tally: Tally = field(default_factory=Tally)
    repairs: Counter[str] = field(default_factory=Counter)
    seen_tasks: set[int] = field(default_factory=set)
    seen_articles: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    """Article id -> the first task that holds it and a digest of its text."""
    same_text: dict[str, list[int]] = field(default_factory=dict)
    """Article id -> the tasks that hold its very text (two or more): one document, every task's annotations."""
    votes: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    """(article id, annotator) -> (updated_at, annotation id) of each layer written, to keep one per annotator when
    tasks of the same text are merged."""
    people: dict[str, dict[str, str]] | None = None
    """``user:<id>`` -> e-mail and names, collected only when a private annotator map is asked for."""
    facts: list[AnnotationFact] | None = None
    """Every human annotation's who, when and how long (cancelled ones too), collected for ``ls status``."""

    def problem(self, problem: Problem) -> None:
        self.report.problems.append(problem)


@dataclass(frozen=True)
class Built:
    """A layer record and what orders two annotations of one annotator (``updated_at``, then id)."""

    record: dict[str, Any]
    updated_at: str
    annotation_id: int


def one_vote(built: list[Built], tid: int, run: ImportRun) -> list[Built]:
    """One layer per annotator: the latest of several submitted annotations (``updated_at``, then id).

    The others are counted as skipped and listed in the report (``superseded``)."""
    tally, report = run.tally, run.report
    humans = [b.record["annotator"] for b in built if b.record["kind"] == "annotation"]
    if len(set(humans)) == len(humans):
        return built  # nobody voted twice
    by_annotator: dict[str, list[Built]] = {}
    out = []
    for b in built:
        if b.record["kind"] == "annotation":
            by_annotator.setdefault(b.record["annotator"], []).append(b)
        else:
            out.append(b)
    for who, items in by_annotator.items():
        items.sort(key=lambda b: (instant(b.updated_at), b.annotation_id))
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


def instant(stamp: str) -> tuple[int, str]:
    """An orderable form of a Label Studio timestamp (ISO 8601; unparsable ones sort first, as text)."""
    try:
        return (1, dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC).isoformat())
    except ValueError:
        return (0, stamp)


def embedded_predictions(predictions: list[Any], annotations: list[Any], tid: int, run: ImportRun) -> list[Any]:
    """The task's predictions as full objects: listed in ``task.predictions``, or (by id) embedded in the
    annotations made from them (``annotation.prediction``, as Label Studio's export has them)."""
    tally, report = run.tally, run.report
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


def _note_person(who: object, people: dict[str, dict[str, str]]) -> None:
    """Keep the e-mail and names of a ``completed_by`` user object for the private map (nothing else reads them)."""
    key = annotator_id(who)
    if key and isinstance(who, dict):
        people[key] = {k: who[k] for k in PERSONAL_FIELDS if isinstance(who.get(k), str)}
    elif key:
        people.setdefault(key, {})


def write_annotator_map(people: Mapping[str, Mapping[str, str]], target: Path) -> int:
    """The private ``user:<id>`` -> e-mail/names map an import collected (mode 0600); the number of annotators."""
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


def _results(items: object) -> list[object]:
    return items if isinstance(items, list) else []


def count_contents(annotations: object, predictions: object, drafts: object, tally: Tally) -> None:
    """Items in; their regions and relations are counted in where they are handled (_layer, _skip_contents)."""
    for kind, items in (("annotations", annotations), ("predictions", predictions), ("drafts", drafts)):
        tally.seen[kind] += len(_results(items))


def _count_result(result: object) -> tuple[int, int]:
    """(regions, relations) in a result."""
    if not isinstance(result, list):
        return 0, 0
    rels = sum(1 for r in result if isinstance(r, dict) and r.get("type") == "relation")
    return len(result) - rels, rels


def skip_contents(annotations: object, predictions: object, tally: Tally) -> None:
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


def layer_of(item: object, kind: str, tid: int, doc_id: str, checker: ResultChecker, run: ImportRun) -> Built | None:
    """One annotation or prediction of task ``tid`` as a layer record under the import's rules (None: skipped,
    counted and reported)."""
    tally, report, repairs, source, source_sha = run.tally, run.report, run.repairs, run.source, run.source_sha
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
    if kind == "annotation" and run.people is not None:
        _note_person(item.get("completed_by"), run.people)
    if kind == "annotation" and run.facts is not None:
        lead = item.get("lead_time")
        run.facts.append(
            AnnotationFact(
                tid,
                annotator_id(item.get("completed_by")) or "user:unknown",
                item.get("was_cancelled") is True,
                item.get("ground_truth") is True,
                float(lead) if isinstance(lead, int | float) and not isinstance(lead, bool) else None,
                str(item.get("created_at") or ""),
                str(item.get("updated_at") or item.get("created_at") or ""),
            )
        )
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
        origins,
    )
    return Built(record, str(item.get("updated_at") or item.get("created_at") or ""), int(aid or 0))
