"""``toolkit ls connect``: register a model backend with a project, and order its tasks least confident first.

Through the SDK: the backend is added as the project's ML backend (Label Studio checks ``/health``
and ``/setup`` when it is added), a project webhook sends annotation created/updated events to its
``/webhook`` (the backend counts them and retrains; Label Studio 1.23.2 adds that webhook itself,
for all actions, when a backend is added, and it is added here only when missing), and the project asks the backend for
predictions of tasks that lack them when they are opened. ``retrieve_predictions`` runs the Data
Manager action "Retrieve predictions" over every task; ``least_confident_view`` adds a Data
Manager tab sorted by prediction score, lowest first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.errors import LabelStudioError
from toolkit.labelstudio.client import Connection, call, require_project, translate_errors

WEBHOOK_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED")
VIEW_TITLE = "least confident first"


@dataclass(frozen=True)
class ConnectReport:
    project_id: int
    backend_id: int
    backend_created: bool
    model_version: str
    webhook_id: int
    webhook_created: bool
    retrieved: int | None
    view_id: int | None
    model_described: tuple[str, ...] = ()  # what the project's instructions now say of the model


MODEL_BLOCK = ("<p><strong>Pre-annotations</strong> come from a model; check each one.</p><ul>", "</ul>")
"""How the model block starts and ends (Label Studio keeps the instructions' tags but drops HTML comments)."""


def with_model_block(instructions: str, described: Sequence[str]) -> str:
    """The instructions with a first block saying what the model proposes (replacing the one put there before)."""
    from html import escape

    start, end = MODEL_BLOCK
    if instructions.startswith(start) and end in instructions:
        instructions = instructions.split(end, 1)[1]
    items = "".join(f"<li>{escape(line)}</li>" for line in described)
    return f"{start}{items}{end}{instructions}"


def _model_block_update(project: Any, described: Sequence[str]) -> dict[str, Any]:
    """The project settings that open its instructions with ``described`` (replacing the block put there before)."""
    instructions = with_model_block(str(getattr(project, "expert_instruction", "") or ""), described)
    return {"expert_instruction": instructions, "show_instruction": True}


def backend_answers(backend_url: str, wait_seconds: float = 0.0) -> bool:
    """Whether the backend at ``backend_url`` answers ``/health``, asking again every half second for up to
    ``wait_seconds`` (a backend started in the background trains or loads its model before it listens)."""
    import time

    import httpx

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if httpx.get(f"{_base(backend_url)}/health", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def model_description(backend_url: str) -> tuple[str, ...]:
    """What the backend at ``backend_url`` says it proposes (its ``/health``); () if it says nothing."""
    import httpx

    try:
        answer = httpx.get(f"{_base(backend_url)}/health", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return ()
    lines = answer.get("describes") if isinstance(answer, dict) else None
    return tuple(str(x) for x in lines) if isinstance(lines, list) else ()


def describe_in_instructions(
    conn: Connection, described: Sequence[str], *, title: str, project_id: int | None = None
) -> int:
    """Replace the model block of the project's instructions with ``described`` (after a retraining: the new
    version, what it proposes and its measured precision); the project's id."""
    project = require_project(conn, project_id=project_id, title=title)
    call(
        conn,
        f"describe the model in the instructions of project {project.id}",
        conn.client.projects.update,
        id=project.id,
        **_model_block_update(project, described),
    )
    return int(project.id)


def _base(url: str) -> str:
    return url.rstrip("/")


def least_confident_view(conn: Connection, project_id: int) -> int:
    """A Data Manager tab of the project sorted by prediction score, ascending (created once)."""
    with translate_errors(conn, f"list the views of project {project_id}"):
        for view in conn.client.views.list(project=project_id):
            if ((view.data or {}).get("title") if isinstance(view.data, dict) else None) == VIEW_TITLE:
                return int(view.id)
    view = call(
        conn,
        f"create a view of project {project_id}",
        conn.client.views.create,
        project=project_id,
        data={"title": VIEW_TITLE, "ordering": ["tasks:predictions_score"]},
    )
    return int(view.id)


def retrieve_predictions(conn: Connection, project_id: int) -> int:
    """Ask the project's ML backend for predictions of every task (Data Manager: "Retrieve predictions");
    the number of tasks that have a prediction afterwards (the action itself answers with nothing)."""
    call(
        conn,
        f"retrieve predictions for project {project_id}",
        conn.client.actions.create,
        id="retrieve_tasks_predictions",
        project=project_id,
        selected_items={"all": True, "excluded": []},
    )
    with translate_errors(conn, f"list the predictions of project {project_id}"):
        return len({p.task for p in conn.client.predictions.list(project=project_id)})


def _found_or_added(
    conn: Connection, pid: int, nouns: tuple[str, str], api: Any, same: Callable[[Any], bool], **fields: Any
) -> tuple[Any, bool]:
    """The project's first object of ``api`` (the SDK's ``ml`` or ``webhooks``) that is ``same``, else a new
    one made with ``fields``; and whether it was made. ``nouns``: (what is listed, what is added), for errors."""
    with translate_errors(conn, f"list {nouns[0]} of project {pid}"):
        found = [x for x in api.list(project=pid) if same(x)]
    if found:
        return found[0], False
    return call(conn, f"add {nouns[1]} to project {pid}", api.create, project=pid, **fields), True


def connect_backend(
    conn: Connection,
    backend_url: str,
    *,
    title: str,
    project_id: int | None = None,
    retrieve: bool = False,
    order: bool = False,
) -> ConnectReport:
    project = require_project(conn, project_id=project_id, title=title)
    pid = int(project.id)
    url = _base(backend_url)
    backend, created = _found_or_added(
        conn,
        pid,
        ("the ML backends", f"the ML backend {url}"),
        conn.client.ml,
        lambda b: _base(str(b.url)) == url,
        url=url,
        title="toolkit",
    )
    state = str(getattr(backend, "state", "") or "")
    if state in ("DI", "ER"):
        raise LabelStudioError(
            f"{conn.url}: Label Studio cannot reach the backend at {url} (state {state}: "
            f"{getattr(backend, 'error_message', '') or 'no answer'}); "
            "start it with `toolkit ls backend` and check the URL"
        )
    described = model_description(url)
    # annotators read in the instructions what the model proposes and how precise it was measured
    told = _model_block_update(project, described) if described else {}
    call(
        conn,
        f"let project {pid} ask the backend for predictions",
        conn.client.projects.update,
        id=pid,
        evaluate_predictions_automatically=True,
        show_collab_predictions=True,
        model_version=str(backend.title),  # the live backend, by its title: Label Studio asks it, whatever its version
        **told,
    )
    hook_url = f"{url}/webhook"
    hook, hook_created = _found_or_added(
        conn,
        pid,
        ("the webhooks", "a webhook"),
        conn.client.webhooks,
        lambda h: str(h.url) == hook_url,
        url=hook_url,
        send_payload=True,
        send_for_all_actions=False,
        actions=list(WEBHOOK_ACTIONS),
        is_active=True,
    )
    retrieved = retrieve_predictions(conn, pid) if retrieve else None
    view = least_confident_view(conn, pid) if order else None
    return ConnectReport(
        pid,
        int(backend.id),
        created,
        str(getattr(backend, "model_version", "") or ""),
        int(hook.id),
        hook_created,
        retrieved,
        view,
        described,
    )
