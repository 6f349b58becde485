"""``toolkit ls backend`` (a Label Studio ML backend) and ``toolkit ls connect`` (register it with a project)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from toolkit.cli._common import (
    _echo_json,
    _friendly,
    check_no_corpus_options,
    in_project,
    json_option,
    ls_project_options,
    ls_target,
    schema_option,
    serve_options,
)
from toolkit.cli.ls import order_option
from toolkit.errors import ToolkitError


def _port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise ToolkitError(f"port {port} on 127.0.0.1 is in use; pass another --port") from None


@click.command("backend")
@click.option("--port", type=click.IntRange(1, 65535), default=9090, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--release",
    "release_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Train on this release (with neither --release nor --model: the cold start alone, in the project's schema).",
)
@click.option("--model", "model_dir", type=click.Path(path_type=Path, file_okay=False), help="Serve this saved model.")
@schema_option
@ls_project_options
@click.option(
    "--retrain-every",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Retrain after this many new annotations.",
)
@click.option(
    "--work-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("build/backend"),
    show_default="build/backend",
    help="Where retrained models are written.",
)
@click.option("--save-model", type=click.Path(path_type=Path, file_okay=False), help="Also keep the start model here.")
@click.option(
    "--max-request-mb",
    type=click.FloatRange(min=0.001),
    default=20.0,
    show_default=True,
    help="Refuse request bodies larger than this (413).",
)
@serve_options
@click.option(
    "--predict-timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds a prediction may take before /predict answers 504.",
)
@_friendly
def ls_backend(
    port: int,
    release_dir: Path | None,
    model_dir: Path | None,
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    retrain_every: int,
    work_dir: Path,
    save_model: Path | None,
    max_request_mb: float,
    label_map: tuple[str, ...],
    cold_start: bool,
    min_precision: float,
    predict_timeout: float,
) -> None:
    """Serve the CRF and the relation classifier to Label Studio as an ML backend (pre-annotations, retraining).

    With neither --release nor --model, it serves the cold start alone in the project's schema (the rules, the place
    gazetteer, recurring names), and its retraining learns from the project's own gold."""
    import uvicorn

    from toolkit.backend.app import Backend, make_app
    from toolkit.backend.served import ServeOptions, cold_start_model, describe_model, load_model, served_model
    from toolkit.backend.training import TrainingSetup
    from toolkit.labelstudio.client import KEY_ENV, URL_ENV
    from toolkit.schema import load_schema

    if release_dir is not None and model_dir is not None:
        raise ToolkitError("give one of --release DIR (train on it) and --model DIR (serve a saved model), not both")
    _port_free(port)
    schema_obj = load_schema(schema_path)
    if release_dir is None and model_dir is None:
        check_no_corpus_options(label_map, min_precision)
        click.echo("no --release or --model: serving the cold start in the project's schema", err=True)
        model = cold_start_model(schema_obj)
    elif model_dir is not None:
        if label_map or cold_start or min_precision:
            raise ToolkitError("--label-map, --cold-start and --min-precision shape a model trained here (--release)")
        model = load_model(model_dir)
    else:
        assert release_dir is not None
        click.echo(f"training on {release_dir} ...", err=True)
        model, _ = served_model(release_dir, schema_obj, ServeOptions(label_map, cold_start, min_precision))
    # a retraining starts where the served model did: its own record of its release (none: the cold start) and options
    base: str | None = model.trained_on.get("release_path")
    options = ServeOptions.from_dict(model.trained_on.get("serve_options", {}))
    for line in describe_model(model, schema_obj):
        click.echo(line, err=True)
    if save_model:
        model.save(save_model)
    url, key = os.environ.get(URL_ENV, ""), os.environ.get(KEY_ENV, "")
    target = ls_target(title, project_id, schema_path)  # the project whose annotations retrain the model
    setup = (
        TrainingSetup(str(Path(schema_path).resolve()), base, target.project_id, url, key, target.title, options)
        if url and key
        else None
    )
    backend = Backend(model, schema_obj, setup, retrain_every, work_dir, model_dir=model_dir)
    click.echo(f"serving {model.version} at http://127.0.0.1:{port} (Label Studio ML backend protocol)", err=True)
    if setup is None:
        click.echo(f"retraining is off: set {URL_ENV} and {KEY_ENV} to let the backend pull the project", err=True)
    else:
        click.echo(
            f"retraining after every {retrain_every} new annotation(s) of project {target.title or target.project_id}",
            err=True,
        )
    app = make_app(backend, max_body=int(max_request_mb * 2**20), timeout=predict_timeout)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="info")


@click.command("connect")
@click.option("--backend", "backend_url", required=True, help="The backend's URL, e.g. http://127.0.0.1:9090.")
@ls_project_options
@click.option("--retrieve", is_flag=True, help="Ask the backend for predictions of every task now.")
@click.option(
    "--wait",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Seconds to wait for a backend that is still starting (training or loading its model); 0: do not wait.",
)
@order_option
@schema_option
@json_option
@_friendly
def ls_connect(
    backend_url: str,
    title: str | None,
    project_id: int | None,
    retrieve: bool,
    wait: int,
    order: str | None,
    schema_path: Path,
    as_json: bool,
) -> None:
    """Register a model backend with the project on $LABEL_STUDIO_URL (predictions, annotation webhooks)."""
    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.ml import backend_answers, connect_backend

    conn = connect()  # Label Studio's address and key first: no wait for a command that cannot run
    if wait and not backend_answers(backend_url):
        click.echo(f"waiting up to {wait} s for the backend at {backend_url} to answer (it may be training)", err=True)
        backend_answers(backend_url, wait)
    target = ls_target(title, project_id, schema_path)
    report = connect_backend(
        conn,
        backend_url,
        title=target.title,
        project_id=target.project_id,
        retrieve=retrieve,
        order=order is not None,
    )
    if as_json:
        _echo_json(report)
        return
    state = {True: "added", False: "already there"}
    click.echo(
        f"project {report.project_id}: backend {report.backend_id} ({state[report.backend_created]}), "
        f"model version {report.model_version or '?'}; webhook {report.webhook_id} ({state[report.webhook_created]})"
    )
    if report.retrieved is not None:
        click.echo(f"predictions retrieved for {report.retrieved} task(s)")
    if report.view_id is not None:
        click.echo(f"Data Manager tab 'least confident first': view {report.view_id}")
    if report.model_described:
        click.echo("the project's instructions now open with what the model proposes:")
        for line in report.model_described:
            click.echo(f"  {line}")
