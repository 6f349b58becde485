"""A campaign on a Label Studio Community server: its settings written through the API and read back, each
annotator's queue, and control tasks with their gold.

What each setting becomes on Community (Label Studio sells the web UI for most of them only in Enterprise; the
open-source server has the fields):
- K and the share of overlapping tasks: the project's ``maximum_annotations`` (K) with the cohort share at 100 %
  (so the server never redraws it), and each task's own ``overlap`` as :mod:`toolkit.campaign.plan` draws it;
- who annotates what: one Data Manager tab per annotator (``annotate user:<id>``), filtered to the tasks assigned
  to them (``campaign_annotators`` in the task data) and ordered by ``campaign_rank``. Opened by its link
  (``/projects/<id>/data?tab=<tab>&labeling=1``) it serves that annotator's own tasks, so no task gets more than
  its annotators even through the Data Manager's queue (which ignores K); "Label All Tasks" is the server's own
  stream, which respects K too;
- overlapping tasks first: ``show_overlap_first`` and the rank; the stream order: ``sampling``;
- control tasks first: ``annotator_evaluation_enabled`` (the open-source stream then serves tasks with a
  ground-truth annotation first) and the rank; their overlap counts their gold annotation, so it is the number of
  annotators plus one and the gold never takes an annotator's place.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.annotations.results import layer_to_result
from toolkit.campaign.plan import (
    CampaignError,
    CampaignPlan,
    CampaignSettings,
    TaskState,
    annotators_field,
    campaign_meta,
    parse_annotators_field,
    plan_campaign,
)
from toolkit.labelstudio.client import Connection, call, require_project, translate_errors
from toolkit.labelstudio.push import CAMPAIGN_BLOCK, campaign_block, ensure_project
from toolkit.labelstudio.tasks import build_task
from toolkit.model import GoldRecord
from toolkit.schema import Schema

SAMPLING = {"sequential": "Sequential sampling", "uniform": "Uniform sampling"}
VIEW_PREFIX = "annotate user:"
HIDDEN_COLUMNS = [
    "tasks:annotators",
    "tasks:annotations_results",
    "tasks:annotations_ids",
    "tasks:data.campaign_annotators",
    "tasks:data.campaign_rank",
]
"""Columns an annotator's tab hides (others' work, the plumbing); hiding is not access control (see
docs/project-managers.md)."""


@dataclass(frozen=True)
class Change:
    what: str
    old: object
    new: object


@dataclass(frozen=True)
class AnnotatorQueue:
    annotator: str  # user:<id>
    tasks: int
    view_id: int | None
    link: str | None


@dataclass(frozen=True)
class CampaignReport:
    """What ``ls campaign`` found, changed (or would change, with ``dry_run``) and where annotators label."""

    url: str
    project_id: int
    dry_run: bool
    settings: CampaignSettings
    project_changes: tuple[Change, ...]
    tasks_by_role: Mapping[str, int]
    tasks_changed: int
    cohort_target: int
    cohort_kept_above_target: int
    queues: tuple[AnnotatorQueue, ...]
    views_created: int = 0
    views_updated: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)


def project_fields(settings: CampaignSettings, has_control: bool) -> dict[str, Any]:
    """The project fields a campaign sets (and reads back)."""
    evaluation = has_control and settings.control == "first"
    return {
        "maximum_annotations": settings.k,
        "overlap_cohort_percentage": 100,
        "show_overlap_first": settings.overlap_first,
        "sampling": SAMPLING[settings.sampling],
        "annotator_evaluation_enabled": evaluation,
        "show_ground_truth_first": evaluation,
    }


def campaign_annotators(conn: Connection, given: Sequence[int] | None) -> tuple[int, ...]:
    """The campaign's annotators: the ids given, checked against the server's users; else every user but the one
    whose key runs the campaign (the project manager, who makes the control gold)."""
    with translate_errors(conn, "list the users"):
        users = {int(u.id) for u in conn.client.users.list() if u.id is not None}
    if given:
        unknown = sorted(set(given) - users)
        if unknown:
            known = ", ".join(map(str, sorted(users)))
            raise CampaignError(
                f"{conn.url}: no user with id {', '.join(map(str, unknown))} (users: {known}); "
                "annotators sign up at /user/signup, then take part"
            )
        return tuple(sorted(set(given)))
    me = call(conn, "read the current user", conn.client.users.whoami)
    return tuple(sorted(users - {int(me.id)}))


def _task_states(conn: Connection, pid: int) -> tuple[list[TaskState], dict[int, Any]]:
    states: list[TaskState] = []
    raw: dict[int, Any] = {}
    task: Any
    with translate_errors(conn, f"list the tasks of project {pid}"):
        for task in conn.client.tasks.list(project=pid, fields="all"):
            data = task.data or {}
            meta = task.meta if isinstance(task.meta, dict) else {}
            campaign = (meta.get("toolkit") or {}).get("campaign") if isinstance(meta.get("toolkit"), dict) else None
            role = campaign.get("role") if isinstance(campaign, dict) else None
            done = frozenset(
                int(a["completed_by"])
                for a in task.annotations or []
                if isinstance(a, dict)
                and isinstance(a.get("completed_by"), int)
                and not a.get("was_cancelled")
                and not a.get("ground_truth")
            )
            given = data.get("article_id")
            article = given if isinstance(given, str) else f"task-{task.id}"
            skipped = frozenset(
                int(a["completed_by"])
                for a in task.annotations or []
                if isinstance(a, dict) and isinstance(a.get("completed_by"), int) and a.get("was_cancelled")
            )
            rank = data.get("campaign_rank")
            states.append(
                TaskState(
                    int(task.id),
                    article,
                    role if role in ("control", "overlap", "single") else None,
                    parse_annotators_field(data.get("campaign_annotators")),
                    done,
                    int(task.overlap or 1),
                    rank if isinstance(rank, int) else None,
                    skipped - done,
                )
            )
            raw[int(task.id)] = task
    return states, raw


def _view_data(uid: int) -> dict[str, Any]:
    return {
        "title": f"{VIEW_PREFIX}{uid}",
        "filters": {
            "conjunction": "and",
            "items": [
                {
                    "filter": "filter:tasks:data.campaign_annotators",
                    "operator": "contains",
                    "type": "String",
                    "value": f"|{uid}|",
                }
            ],
        },
        "ordering": ["tasks:data.campaign_rank"],
        "hiddenColumns": {"explore": HIDDEN_COLUMNS, "labeling": HIDDEN_COLUMNS},
    }


def queue_link(url: str, project_id: int, view_id: int) -> str:
    """Where an annotator labels: their own tab's labelling stream."""
    return f"{url}/projects/{project_id}/data?tab={view_id}&labeling=1"


def apply_campaign(
    conn: Connection,
    settings: CampaignSettings,
    *,
    title: str,
    project_id: int | None = None,
    dry_run: bool = False,
) -> CampaignReport:
    """Plan the campaign on the project's tasks, show what changes, and (unless ``dry_run``) write it and read the
    project back to check that the server kept every setting."""
    project = require_project(conn, project_id=project_id, title=title)
    pid = int(project.id)
    states, raw = _task_states(conn, pid)
    if not states:
        raise CampaignError(f"{conn.url}: project {pid} has no tasks yet; push the articles first (toolkit ls push)")
    plan = plan_campaign(settings, states)
    count_skipped = str(getattr(project, "skip_queue", "") or "") == "IGNORE_SKIPPED"
    has_control = any(a.role == "control" for a in plan.assignments)
    wanted = project_fields(settings, has_control)
    project_changes = tuple(
        Change(k, getattr(project, k, None), v) for k, v in wanted.items() if getattr(project, k, None) != v
    )
    changed = _task_changes(plan, raw, count_skipped)
    views = _existing_views(conn, pid)
    warnings = _warnings(plan, states)
    created = updated = 0
    if not dry_run:
        if project_changes:
            call(conn, f"update the campaign settings of project {pid}", conn.client.projects.update, id=pid, **wanted)
            back = call(conn, f"read project {pid} back", conn.client.projects.get, id=pid)
            lost = [k for k, v in wanted.items() if getattr(back, k, None) != v]
            if lost:
                raise CampaignError(
                    f"{conn.url}: project {pid} did not keep {', '.join(lost)} (asked {[wanted[k] for k in lost]}, "
                    f"has {[getattr(back, k, None) for k in lost]}); check the server's version (1.23.2 keeps them)"
                )
            # a new maximum_annotations rewrites the tasks' overlap on the server: compare with what it did
            _, raw = _task_states(conn, pid)
            changed = _task_changes(plan, raw, count_skipped)
        for task_id, fields in changed.items():
            call(conn, f"update task {task_id} for the campaign", conn.client.tasks.update, id=str(task_id), **fields)
        if changed:
            _, raw = _task_states(conn, pid)
            left = _task_changes(plan, raw, count_skipped)
            if left:
                first = next(iter(left))
                raise CampaignError(
                    f"{conn.url}: {len(left)} task(s) of project {pid} did not keep their campaign fields "
                    f"(task {first}: "
                    f"{sorted(left[first])}); run `toolkit ls campaign` again, and check the server's log"
                )
        for uid in settings.annotators:
            data = _view_data(uid)
            view = views.get(uid)
            if view is None:
                made = call(conn, f"add a tab for user:{uid}", conn.client.views.create, project=pid, data=data)
                views[uid] = (int(made.id), data)
                created += 1
            elif view[1] != data:
                call(
                    conn,
                    f"update the tab of user:{uid}",
                    conn.client.views.update,
                    id=str(view[0]),
                    project=pid,
                    data=data,
                )
                views[uid] = (view[0], data)
                updated += 1
        _instructions(conn, project, settings)
    load = plan.load()
    queues = tuple(
        AnnotatorQueue(
            f"user:{uid}",
            load.get(uid, 0),
            views[uid][0] if uid in views else None,
            queue_link(conn.url, pid, views[uid][0]) if uid in views else None,
        )
        for uid in settings.annotators
    )
    return CampaignReport(
        conn.url,
        pid,
        dry_run,
        settings,
        project_changes,
        plan.by_role(),
        len(changed),
        plan.cohort_target,
        plan.cohort_kept,
        queues,
        created,
        updated,
        warnings,
    )


def _finished(task: Any, count_skipped: bool) -> int:
    """Who finished the task as Label Studio counts it for ``is_labeled`` (its ground-truth annotation included)."""
    return len(
        {
            a.get("completed_by")
            for a in task.annotations or []
            if isinstance(a, dict) and a.get("result") is not None and (count_skipped or not a.get("was_cancelled"))
        }
    )


def _task_changes(plan: CampaignPlan, raw: Mapping[int, Any], count_skipped: bool = False) -> dict[int, dict[str, Any]]:
    """The fields of each task that differ from the plan: overlap, ``is_labeled`` (the server recomputes it when an
    annotation is saved, not when the overlap changes), the role in meta, the queue fields in data."""
    out: dict[int, dict[str, Any]] = {}
    for a in plan.assignments:
        task = raw[a.task_id]
        data = dict(task.data or {})
        meta = dict(task.meta) if isinstance(task.meta, dict) else {}
        fields: dict[str, Any] = {}
        if int(task.overlap or 1) != a.overlap:
            fields["overlap"] = a.overlap
        labeled = _finished(task, count_skipped) >= a.overlap
        if bool(task.is_labeled) != labeled:
            fields["is_labeled"] = labeled
        toolkit = dict(meta.get("toolkit") or {}) if isinstance(meta.get("toolkit"), dict) else {}
        role = campaign_meta(plan.settings, a.role)
        if toolkit.get("campaign") != role:
            fields["meta"] = {**meta, "toolkit": {**toolkit, "campaign": dict(role)}}
        queue = {"campaign_annotators": annotators_field(a.annotators), "campaign_rank": a.rank}
        if any(data.get(k) != v for k, v in queue.items()):
            fields["data"] = {**data, **queue}
        if fields:
            out[a.task_id] = fields
    return out


def _existing_views(conn: Connection, pid: int) -> dict[int, tuple[int, dict[str, Any]]]:
    out: dict[int, tuple[int, dict[str, Any]]] = {}
    with translate_errors(conn, f"list the tabs of project {pid}"):
        for view in conn.client.views.list(project=pid):
            data = view.data if isinstance(view.data, dict) else {}
            title = str(data.get("title") or "")
            if title.startswith(VIEW_PREFIX) and title[len(VIEW_PREFIX) :].isdigit():
                out[int(title[len(VIEW_PREFIX) :])] = (int(view.id), data)
    return out


def _warnings(plan: CampaignPlan, states: Sequence[TaskState]) -> tuple[str, ...]:
    out = []
    if plan.cohort_kept:
        out.append(
            f"{plan.cohort_kept} overlapping task(s) above the share are kept: someone has annotated them already"
        )
    allowed = set(plan.settings.annotators)
    outsiders = sorted({u for t in states for u in t.annotated_by} - allowed)
    if outsiders:
        out.append(
            "annotations by users outside the campaign are kept and counted: "
            + ", ".join(f"user:{u}" for u in outsiders)
        )
    return tuple(out)


def _instructions(conn: Connection, project: Any, settings: CampaignSettings) -> None:
    """Put how to reach one's queue into the project's instructions (replacing an earlier campaign block)."""
    start, end = CAMPAIGN_BLOCK
    text = str(getattr(project, "expert_instruction", "") or "")
    old = campaign_block(text)
    if old:
        text = text.replace(old, "")
    block = (
        f"{start}<h2>Where to label</h2><p>Open the link your project manager sent you: your own queue "
        "(<i>annotate user:&lt;your id&gt;</i> tab, labelling stream). It serves the tasks assigned to you, "
        "control tasks and tasks that others annotate too first; you never see another annotator's work there. "
        "Do not label from another person's tab, from <i>Label Tasks As Displayed</i> or by opening a task's row: "
        "that queue ignores how many annotators a task needs (<b>Label All Tasks</b> respects it, but may give two "
        "people the same task when they ask at the same moment).</p>"
        f"<p>Campaign: {settings.k} annotators on {settings.overlap_percent:g}% of the tasks, one on the rest.</p>{end}"
    )
    new = text.rstrip() + "\n" + block
    call(
        conn,
        f"update the instructions of project {project.id}",
        conn.client.projects.update,
        id=int(project.id),
        expert_instruction=new,
        show_instruction=True,
    )


@dataclass(frozen=True)
class ControlReport:
    url: str
    project_id: int
    tasks_imported: int
    gold_annotations_made: int
    already_there: int


def pick_controls(records: Sequence[GoldRecord], count: int, seed: int = 0) -> list[GoldRecord]:
    """``count`` records drawn at random (seeded) among those with at least one entity, in id order."""
    usable = sorted((r for r in records if r.gold.spans), key=lambda r: r.document.id)
    if count > len(usable):
        raise CampaignError(
            f"--count {count}: only {len(usable)} gold document(s) with entities to make control tasks of"
        )
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret
    return sorted(rng.sample(usable, count), key=lambda r: r.document.id)


def push_controls(
    conn: Connection,
    schema: Schema,
    records: Sequence[GoldRecord],
    *,
    title: str,
    project_id: int | None = None,
) -> ControlReport:
    """Import control tasks (their role in ``meta``) and give each its gold as a ground-truth annotation made by the
    key's user (the project is made from the schema if there is none). Idempotent: a control task already there with
    its gold is left alone; an article that is a plain task of the project cannot become a control task."""
    project, _, _ = ensure_project(conn, schema, title, project_id)
    pid = int(project.id)
    existing: dict[str, Any] = {}
    task: Any
    with translate_errors(conn, f"list the tasks of project {pid}"):
        for task in conn.client.tasks.list(project=pid, fields="all"):
            article = (task.data or {}).get("article_id")
            if isinstance(article, str):
                existing[article] = task
    new = []
    for r in records:
        task = existing.get(r.document.id)
        if task is None:
            payload = build_task(r.document, schema.label_studio.text_field)
            payload["meta"] = {"toolkit": {"campaign": {"role": "control"}}}
            new.append(payload)
            continue
        meta = task.meta if isinstance(task.meta, dict) else {}
        role = (
            ((meta.get("toolkit") or {}).get("campaign") or {}).get("role")
            if isinstance(meta.get("toolkit"), dict)
            else None
        )
        if role != "control":
            raise CampaignError(
                f"{conn.url}: article {r.document.id} is already task {task.id} of project {pid}, not a control task; "
                "choose control documents that are not in the campaign (--exclude-project or another gold file)"
            )
    if new:
        call(conn, f"import control tasks into project {pid}", conn.client.projects.import_tasks, id=pid, request=new)
        with translate_errors(conn, f"list the tasks of project {pid}"):
            listed: list[Any] = list(conn.client.tasks.list(project=pid, fields="all"))
        existing = {str((t.data or {}).get("article_id")): t for t in listed}
    made = already = 0
    for r in records:
        task = existing[r.document.id]
        if any(isinstance(a, dict) and a.get("ground_truth") for a in task.annotations or []):
            already += 1
            continue
        call(
            conn,
            f"add the control gold of task {task.id}",
            conn.client.annotations.create,
            id=int(task.id),
            result=layer_to_result(r.gold, r.document.text, schema),
            ground_truth=True,
        )
        made += 1
    return ControlReport(conn.url, pid, len(new), made, already)


def has_campaign(conn: Connection, project_id: int) -> bool:
    """Whether the project runs a campaign (it has annotators' queue tabs)."""
    return bool(_existing_views(conn, project_id))
