"""``toolkit ls`` commands."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli._common import (
    _echo_json,
    _friendly,
    _project_schema,
    guidelines_for,
    in_project,
    json_option,
    ls_project_options,
    ls_target,
    schema_option,
    seeds_dir_option,
)
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.schema import Schema


@click.group("ls")
def ls_group() -> None:
    """Label Studio: task files, push, pull, and a local server for annotators."""


@ls_group.command("tasks")
@seeds_dir_option
@schema_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=in_project("build/labelstudio/tasks.json"),
    show_default="build/labelstudio/tasks.json",
    help="Task file to write (Label Studio: Import > upload).",
)
@_friendly
def ls_tasks(seeds_dir: Path, schema_path: Path, out: Path) -> None:
    """Write the Label Studio task file, one task per article (the text in the data field the schema's config
    shows)."""
    from toolkit.labelstudio.tasks import write_tasks
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    docs = load_articles(seeds_dir / ARTICLES_FILE)
    if not docs:
        raise ToolkitError(f"{seeds_dir / ARTICLES_FILE}: no articles; run `toolkit seeds ingest PAGE...` first")
    report = write_tasks(docs, out, load_schema(schema_path).label_studio.text_field)
    click.echo(f"wrote {report.tasks} task(s) ({report.characters} characters) to {report.path}")


order_option = click.option(
    "--order",
    type=click.Choice(["uncertainty"]),
    help="Add a Data Manager tab with the least confident tasks first (prediction score, ascending).",
)


@ls_group.command("push")
@seeds_dir_option
@schema_option
@ls_project_options
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Prediction JSONL to attach as pre-annotations (one model_version per line).",
)
@click.option(
    "--review",
    "review_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Push a review task file (`toolkit annotations qa --review-tasks`) instead of the seed articles.",
)
@order_option
@click.option(
    "--guidelines-url",
    help="Where annotators read the guidelines (linked from the labelling page's instructions).",
)
@json_option
@_friendly
def ls_push(
    seeds_dir: Path,
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    predictions_path: Path | None,
    review_path: Path | None,
    order: str | None,
    guidelines_url: str | None,
    as_json: bool,
) -> None:
    """Create/update the project on $LABEL_STUDIO_URL and import the articles as tasks."""
    from tqdm import tqdm

    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.push import push
    from toolkit.predictions import read_predictions
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema_obj = load_schema(schema_path)
    if review_path is not None:
        _push_review(review_path, schema_obj, title, project_id, as_json)
        return
    docs = load_articles(seeds_dir / ARTICLES_FILE)
    if not docs:
        raise ToolkitError(f"{seeds_dir / ARTICLES_FILE}: no articles; run `toolkit seeds ingest PAGE...` first")
    preds = read_predictions(predictions_path) if predictions_path else []
    target = ls_target(title, project_id, schema_path)
    conn = connect()
    with tqdm(desc="pushing", unit="item", leave=False, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = push(
                conn,
                schema_obj,
                docs,
                title=target.title or schema_obj.name,
                project_id=target.project_id,
                predictions=preds,
                progress=progress,
                instructions=_instructions(schema_path, guidelines_url, schema_obj),
            )
        except ToolkitError as exc:
            raise target.explain(exc) from None
    recorded = None
    if target.record_in is not None:
        from toolkit.project import record_label_studio_project

        recorded = record_label_studio_project(target.record_in, report.project_id)
    view = None
    if order is not None:
        from toolkit.labelstudio.ml import least_confident_view

        view = least_confident_view(conn, report.project_id)
    if as_json:
        _echo_json({**asdict(report), "view_id": view} if view is not None else report)
        return
    state = "created" if report.project_created else ("config updated" if report.config_updated else "up to date")
    click.echo(f"{report.url}: project {report.project_id} {report.title!r} ({state})")
    if recorded is not None:
        click.echo(
            f"recorded in {recorded.root / 'toolkit.yaml'}: label_studio_project_id {report.project_id} (the project's "
            "Label Studio commands use it from now on)"
        )
    click.echo(f"tasks: {report.tasks_imported} imported, {report.tasks_already_there} already there")
    if preds:
        click.echo(
            f"predictions: {report.predictions_attached} attached, {report.predictions_already_there} already there"
        )
    if view is not None:
        click.echo(f"Data Manager tab 'least confident first' (prediction score, ascending): view {view}")
    if report.tasks_imported and not as_json:
        from toolkit.campaign.server import has_campaign

        if has_campaign(conn, report.project_id):
            click.echo(
                f"this project runs a campaign: run `toolkit ls campaign` again to assign the {report.tasks_imported} "
                "new task(s) to annotators"
            )


def _instructions(schema_path: Path, url: str | None, schema: Schema | None = None) -> str | None:
    """The schema's guidelines (:func:`guidelines_for`), as the project's instructions; None if there are none."""
    from toolkit.labelstudio.push import instructions_html

    path = guidelines_for(schema_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return instructions_html("", url, schema) if url else None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError(f"{path}: cannot read the guidelines ({exc})") from None
    return instructions_html(text, url, schema)


def _push_review(path: Path, schema_obj: Schema, title: str | None, project_id: int | None, as_json: bool) -> None:
    import json

    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.push import push_review

    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ToolkitError(
            f"{path}: cannot read the review file ({exc}); write it with `annotations qa --review-tasks`"
        ) from None
    if not isinstance(tasks, list):
        raise ToolkitError(
            f"{path}: a review file is a JSON list of tasks; write it with `annotations qa --review-tasks`"
        )
    report = push_review(connect(), schema_obj, tasks, title=title or schema_obj.name, project_id=project_id)
    if as_json:
        _echo_json(report)
        return
    click.echo(f"{report.url}: project {report.project_id} {report.title!r}")
    click.echo(f"review tasks: {report.tasks_imported} imported, {report.tasks_already_there} already there")
    click.echo(f"predictions: {report.predictions_attached} attached, {report.predictions_already_there} already there")


@ls_group.command("pull")
@ls_project_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("annotations/snapshots"),
    show_default="annotations/snapshots",
    help="Snapshot folder (an index.json there records every snapshot).",
)
@json_option
@_friendly
def ls_pull(title: str | None, project_id: int | None, out: Path, as_json: bool) -> None:
    """Download the project's full export as a new immutable snapshot."""
    from tqdm import tqdm

    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.pull import pull

    target = ls_target(title, project_id, _project_schema())
    conn = connect()
    with tqdm(unit="B", unit_scale=True, desc="downloading", leave=False, disable=None) as bar:

        def advance(received: int) -> None:  # bytes of the current request so far: 0 again on a retry
            bar.n = received
            bar.refresh()

        try:
            entry = pull(conn, title=target.title, project_id=target.project_id, out_dir=out, progress=advance)
        except ToolkitError as exc:
            raise target.explain(exc) from None
    if as_json:
        _echo_json(entry)
        return
    c = entry.counts
    click.echo(f"{out / entry.file}")
    click.echo(f"  sha256 {entry.sha256}")
    click.echo(
        f"  {c.tasks} tasks, {c.annotations} annotations, {c.cancelled} cancelled, {c.annotators} annotators, "
        f"{c.predictions} predictions, {c.drafts} drafts"
    )


@ls_group.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path.home() / ".local" / "share" / "toolkit-label-studio",
    show_default=True,
    help="Where Label Studio keeps its database and uploads (outside the repo).",
)
@_friendly
def ls_serve(port: int, data_dir: Path) -> None:
    """Start a local Label Studio for annotators (offline settings; Ctrl-C, SIGTERM or SIGHUP stops it)."""
    import os
    import signal

    from toolkit.labelstudio import server as ls_server

    def stop_on(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # as Ctrl-C: the finally below stops the server we started

    # a service manager, `kill`, a closed terminal; and Ctrl-C even when started from a script in the
    # background (a shell without job control starts those with SIGINT ignored, and Python keeps it so)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, stop_on)

    if not ls_server.executable().exists():
        click.echo(f"installing label-studio {ls_server.LABEL_STUDIO_VERSION} into {ls_server.ls_home()} (once)...")
    ls_server.ensure_installed()
    data_dir.mkdir(parents=True, exist_ok=True)
    srv = ls_server.Server(data_dir, port)
    # Everything after the server may exist sits inside the try: a Ctrl-C while it starts or while the
    # instructions print must still stop it (outside, click would say "Aborted!" and leave it running).
    try:
        srv.start()
        user = os.environ.get("LABEL_STUDIO_USERNAME")
        click.echo(f"Label Studio {ls_server.LABEL_STUDIO_VERSION} is running at {srv.url} (data in {data_dir})")
        if user:
            click.echo(f"Log in as {user} with the password in LABEL_STUDIO_PASSWORD.")
        else:
            click.echo(f"Open {srv.url}/user/signup and create an account (it stays on this machine).")
        click.echo("API key for toolkit ls push/pull: Account & Settings > Access Token (set LABEL_STUDIO_API_KEY).")
        click.echo(f"Then: export LABEL_STUDIO_URL={srv.url}; toolkit ls push; annotate; toolkit ls pull")
        click.echo(
            f"Guidelines: {guidelines_for(_project_schema())}. Server log: {srv.log_path}. Press Ctrl-C to stop."
        )
        click.echo(f"pid {os.getpid()} (SIGTERM or SIGHUP stops Label Studio too)")
        assert srv.process is not None
        code = srv.process.wait()
        raise ToolkitError(f"Label Studio exited by itself with {code}; see {srv.log_path}")
    except KeyboardInterrupt:
        click.echo("stopping Label Studio")
    finally:
        srv.stop()
