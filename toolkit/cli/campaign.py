"""``toolkit ls campaign``, ``ls control``, ``ls status`` and ``ls review``: running an annotation campaign."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from toolkit.cli._common import SEED, _echo_json, _friendly, json_option, ls_project_options, ls_target, schema_option
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.campaign.server import CampaignReport
    from toolkit.campaign.status import CampaignStatus, Interval
    from toolkit.labelstudio.client import Connection


@click.command("campaign")
@schema_option
@ls_project_options
@click.option("--k", type=click.IntRange(1, 10), default=2, show_default=True, help="Annotators per overlapping task.")
@click.option(
    "--overlap",
    "overlap_percent",
    type=click.FloatRange(0, 100),
    default=20.0,
    show_default=True,
    help="Share of the tasks (percent, control tasks aside) that K annotators label; the rest one.",
)
@click.option(
    "--annotators",
    help="Label Studio user ids, comma-separated (default: every user but the one whose key runs the campaign).",
)
@click.option("--overlap-first/--overlap-mixed", default=True, show_default=True, help="Overlapping tasks first.")
@click.option(
    "--sampling",
    type=click.Choice(["uniform", "sequential"]),
    default="uniform",
    show_default=True,
    help="Stream order.",
)
@click.option(
    "--control",
    type=click.Choice(["first", "mixed"]),
    default="first",
    show_default=True,
    help="Control tasks (ls control) before everything else, or mixed into the stream.",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the cohort draw and the assignment.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--names", is_flag=True, help="Print each annotator's e-mail beside their id (terminal only).")
@json_option
@_friendly
def ls_campaign(
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    k: int,
    overlap_percent: float,
    annotators: str | None,
    overlap_first: bool,
    sampling: str,
    control: str,
    seed: int,
    dry_run: bool,
    names: bool,
    as_json: bool,
) -> None:
    """Run a campaign on the project: K annotators on a share of the tasks, control tasks, one queue per annotator.

    Shows what changes on the project before changing it (or only shows it, with --dry-run); reads the settings
    back from the server; prints each annotator's queue link (send it to them).
    """
    from toolkit.campaign.plan import CampaignSettings
    from toolkit.campaign.server import apply_campaign, campaign_annotators
    from toolkit.labelstudio.client import connect

    if names and as_json:
        raise ToolkitError("--names prints e-mails to the terminal only; it cannot go with --json")
    ids = _ids(annotators)
    conn = connect()
    settings = CampaignSettings(
        k,
        overlap_percent,
        campaign_annotators(conn, ids),
        overlap_first,
        "uniform" if sampling == "uniform" else "sequential",
        "first" if control == "first" else "mixed",
        seed,
    )
    target = ls_target(title, project_id, schema_path)
    report = apply_campaign(conn, settings, title=target.title, project_id=target.project_id, dry_run=dry_run)
    if as_json:
        _echo_json(report)
        return
    _echo_campaign(report, _names(conn) if names else {})


def _ids(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        return tuple(int(x.strip().removeprefix("user:")) for x in text.split(",") if x.strip())
    except ValueError:
        raise ToolkitError(
            f"--annotators takes Label Studio user ids like 2,3,4 (or user:2,user:3), got {text!r}"
        ) from None


def _names(conn: Connection) -> dict[str, str]:
    from toolkit.labelstudio.client import translate_errors

    with translate_errors(conn, "list the users"):
        return {f"user:{u.id}": str(u.email or "") for u in conn.client.users.list()}


def _echo_campaign(report: CampaignReport, names: dict[str, str]) -> None:
    s = report.settings
    verb = "would change" if report.dry_run else "changed"
    click.echo(f"{report.url}: project {report.project_id}, campaign K={s.k} on {s.overlap_percent:g}% of the tasks")
    if report.project_changes:
        for c in report.project_changes:
            click.echo(f"  {c.what}: {c.old!r} -> {c.new!r} ({verb})")
    else:
        click.echo("  project settings: already as asked")
    roles = report.tasks_by_role
    click.echo(
        f"  tasks: {roles['overlap']} overlapping (target {report.cohort_target}), {roles['single']} single, "
        f"{roles['control']} control; {report.tasks_changed} task(s) {verb}"
    )
    for w in report.warnings:
        click.echo(f"  note: {w}")
    if not report.dry_run:
        click.echo(f"  tabs: {report.views_created} created, {report.views_updated} updated; read back: as asked")
    click.echo("queues (send each annotator their own link):")
    for q in report.queues:
        who = f"{q.annotator} ({names[q.annotator]})" if q.annotator in names else q.annotator
        click.echo(f"  {who}: {q.tasks} tasks  {q.link or '(created when applied)'}")


@click.command("control")
@click.argument("gold", type=click.Path(path_type=Path))
@schema_option
@ls_project_options
@click.option("--count", type=click.IntRange(1), default=3, show_default=True, help="Control tasks to draw.")
@click.option("--split", default="test", show_default=True, help="Split of GOLD when it is a release folder.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the draw.")
@json_option
@_friendly
def ls_control(
    gold: Path,
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    count: int,
    split: str,
    seed: int,
    as_json: bool,
) -> None:
    """Push control tasks: documents whose gold is known (GOLD: a gold file or a release), with that gold as a
    ground-truth annotation (hidden from annotators); run `ls campaign` after to serve them to everyone."""
    from toolkit.campaign.server import pick_controls, push_controls
    from toolkit.labelstudio.client import connect
    from toolkit.schema import load_schema

    schema = load_schema(schema_path)
    records = _gold_records(gold, split)
    target = ls_target(title, project_id, schema_path)
    report = push_controls(
        connect(), schema, pick_controls(records, count, seed), title=target.title, project_id=target.project_id
    )
    if as_json:
        _echo_json(report)
        return
    click.echo(
        f"{report.url}: project {report.project_id}: {report.tasks_imported} control task(s) imported, "
        f"{report.gold_annotations_made} gold annotation(s) made, {report.already_there} already there"
    )
    click.echo("next: toolkit ls campaign (serves them to every annotator, first)")


def _gold_records(path: Path, split: str) -> list[Any]:
    from toolkit.annotations.gold_records import read_gold_records
    from toolkit.model import GoldRecord

    if path.is_dir():
        from toolkit.dataset.load import load_release

        rel = load_release(path)
        if not rel.splits.get(split):
            raise ToolkitError(f"{path}: no documents in split {split!r}; pass --split")
        return [GoldRecord(d, g, "release", {}, {}) for d, g in rel.splits[split]]
    return list(read_gold_records(path))


export_option = click.option(
    "--export",
    "export_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Read a Label Studio JSON export (or snapshot) instead of the live server.",
)


def _export(export_path: Path | None, title: str, project_id: int | None, tmp: Path) -> Path:
    if export_path is not None:
        return export_path
    from toolkit.labelstudio.client import connect, require_project
    from toolkit.labelstudio.pull import write_export

    conn = connect()
    project = require_project(conn, project_id=project_id, title=title)
    return write_export(conn, project, tmp / f"project-{project.id}.json")


@click.command("status")
@schema_option
@ls_project_options
@export_option
@click.option("--resamples", type=click.IntRange(0), default=1000, show_default=True, help="Bootstrap resamples.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--plot", type=click.Path(path_type=Path, dir_okay=False), help="Draw the agreement heatmap and progress (PNG)."
)
@click.option(
    "--names", is_flag=True, help="Print each annotator's e-mail beside their id (terminal only; live server)."
)
@json_option
@_friendly
def ls_status(
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    export_path: Path | None,
    resamples: int,
    seed: int,
    plot: Path | None,
    names: bool,
    as_json: bool,
) -> None:
    """The campaign's status: per annotator, per pair of annotators, and for the project."""
    from toolkit.campaign.status import campaign_status, plot_status
    from toolkit.schema import load_schema

    if names and (as_json or export_path is not None):
        raise ToolkitError(
            "--names prints e-mails to the terminal from the live server only (not with --json or --export)"
        )
    schema = load_schema(schema_path)
    with tempfile.TemporaryDirectory(prefix="toolkit-status-") as tmp:
        target = ls_target(title, project_id, schema_path)
        export = _export(export_path, target.title, target.project_id, Path(tmp))
        who: dict[str, str] = {}
        if names:
            from toolkit.labelstudio.client import connect

            who = _names(connect())
        status = campaign_status(export, schema, resamples=resamples, seed=seed, names=who)
    if plot is not None:
        plot_status(status, plot)
    if as_json:
        _echo_json(status.to_dict())
        return
    _echo_status(status)
    if plot is not None:
        click.echo(f"wrote {plot}")


def _ci(ci: Interval | None) -> str:
    return f" [{ci.low:.3f}, {ci.high:.3f}]" if ci else ""


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _echo_status(status: CampaignStatus) -> None:
    p = status.project
    click.echo(
        f"tasks: {p.tasks} ({p.overlap_tasks} overlapping, {p.single_tasks} single, {p.control_tasks} control"
        + (f", {p.outside_campaign} outside the campaign" if p.outside_campaign else "")
        + f"); done {p.done}, remaining {p.remaining} ({p.annotations_remaining} annotations); "
        f"overlapping complete {p.overlap_complete}/{p.overlap_tasks}"
    )
    from toolkit.annotations.import_report import skips_summary

    left_out = skips_summary(status.skipped)
    if left_out:
        click.echo(f"left out of these figures: {left_out}; `toolkit annotations import` on the export lists them")
    pace = f"{p.annotations_per_day:g} annotations/day" if p.annotations_per_day is not None else "no pace yet"
    click.echo(f"pace: {pace}; projected finish: {p.projected_finish or '-'}")
    click.echo(f"disagreements waiting for review: {p.disagreements_waiting} document(s) (toolkit ls review)")
    if p.over_k:
        click.echo(f"tasks with more annotators than given ({p.extra_annotations} extra annotation(s), kept):")
        for o in p.over_k:
            click.echo(
                f"  task {o.task_id} ({o.document_id}, {o.role}): {len(o.annotators)} of {o.assigned}: "
                + ", ".join(o.annotators)
            )
    click.echo(
        "annotators: submitted, skipped, median seconds [IQR], control span F1 [CI] (tasks), relation F1, "
        "pre-annotations kept"
    )
    for a in status.annotators:
        who = f"{a.id} ({a.name})" if a.name else a.id
        iqr = f" [{a.iqr_seconds.low:.0f}-{a.iqr_seconds.high:.0f}]" if a.iqr_seconds else ""
        c = a.control
        control = (
            f"{_num(c.span_f1)}{_ci(c.ci95)} ({c.tasks}), relation {_num(c.relation_f1)}"
            if c.tasks
            else "no control task"
        )
        pre = a.pre_annotations
        kept = f"{pre.kept_share:.0%} of {pre.predicted}" if pre.kept_share is not None else "-"
        click.echo(
            f"  {who}: {a.submitted} submitted, {a.skipped} skipped, {_num(a.median_seconds, 0)} s{iqr}; "
            f"control {control}; kept {kept}"
        )
    if status.pairs:
        click.echo(
            f"agreement on overlapping tasks ({status.agreement_documents} documents): span F1, relation F1, "
            "token kappa"
        )
        for q in status.pairs:
            click.echo(
                f"  {q.a} ~ {q.b} ({q.shared_tasks} shared): {_num(q.span_f1)}{_ci(q.span_f1_ci95)}, "
                f"{_num(q.relation_f1)}{_ci(q.relation_f1_ci95)}, {_num(q.kappa)}{_ci(q.kappa_ci95)}"
            )
    else:
        click.echo("agreement: no overlapping task has two annotators yet")


@click.command("review")
@schema_option
@ls_project_options
@export_option
@click.option(
    "--control-threshold",
    type=click.FloatRange(0, 1),
    help="Also review every task of an annotator whose control span F1 is under this.",
)
@click.option("--review-title", help="Title of the review project (default: '<project title> review').")
@click.option(
    "--tasks-out", type=click.Path(path_type=Path, dir_okay=False), help="Also write the review tasks to this file."
)
@click.option("--dry-run", is_flag=True, help="Count the review tasks; push nothing.")
@json_option
@_friendly
def ls_review(
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    export_path: Path | None,
    control_threshold: float | None,
    review_title: str | None,
    tasks_out: Path | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """The review round: disagreements of overlapping tasks (and tasks of annotators under the control threshold)
    pushed to a review project; bring the decisions back with `ls pull`, `annotations import` and
    `annotations gold --reviewed`."""
    from toolkit._io import atomic_write_text, dumps
    from toolkit.campaign.review import review_round, weak_annotators
    from toolkit.campaign.status import campaign_status
    from toolkit.labelstudio.client import connect, require_project
    from toolkit.labelstudio.push import push_review
    from toolkit.schema import load_schema

    schema = load_schema(schema_path)
    target = ls_target(title, project_id, schema_path)
    name = target.title
    with tempfile.TemporaryDirectory(prefix="toolkit-review-") as tmp:
        export = _export(export_path, name, target.project_id, Path(tmp))
        weak: tuple[str, ...] = ()
        if control_threshold is not None:
            weak = weak_annotators(campaign_status(export, schema, resamples=0), control_threshold)
        round_ = review_round(export, schema, weak)
    if tasks_out is not None:
        atomic_write_text(tasks_out, dumps(list(round_.tasks), indent=1) + "\n")
    pushed = None
    if not dry_run and round_.tasks:
        conn = connect()
        if not review_title and not name:  # found by its recorded id: "<its title on the server> review"
            name = str(require_project(conn, project_id=target.project_id, title="").title)
        pushed = push_review(conn, schema, list(round_.tasks), title=review_title or f"{name} review")
    summary = {
        "review_tasks": len(round_.tasks),
        "disagreements": round_.disagreements,
        "from_weak_annotators": round_.from_weak_annotators,
        "weak_annotators": list(round_.weak_annotators),
        "pushed": pushed,
    }
    if as_json:
        _echo_json(summary)
        return
    click.echo(
        f"{len(round_.tasks)} review task(s): {round_.disagreements} with disagreements, {round_.from_weak_annotators} "
        f"from annotators under the control threshold ({', '.join(round_.weak_annotators) or 'none'})"
    )
    if pushed is not None:
        click.echo(
            f"{pushed.url}: review project {pushed.project_id} {pushed.title!r}: {pushed.tasks_imported} imported"
        )
        click.echo(
            f"then: toolkit ls pull --title {pushed.title!r}; toolkit annotations import <that snapshot>; "
            "toolkit annotations gold <campaign layers> --reviewed <review layers>"
        )
