"""``toolkit ls push``: create or update the project, import articles as tasks, attach predictions.

Idempotent: tasks are matched to articles by ``data.article_id``; an article already on the
server is not imported again, and one whose text changed since it was pushed is refused
(before anything is imported). Predictions are attached once per task and model version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.annotations.results import layer_to_result
from toolkit.errors import LabelStudioError
from toolkit.labelstudio.client import Connection, Progress, call, find_project, translate_errors
from toolkit.labelstudio.tasks import build_task, text_sha256
from toolkit.model import Document, Layer
from toolkit.schema import HOW_TO, Schema, label_config

BATCH = 100
CAMPAIGN_BLOCK = ("<!-- toolkit campaign -->", "<!-- /toolkit campaign -->")
"""Where ``ls campaign`` keeps, in the project's instructions, how annotators reach their queue (``ls push`` keeps it
when it updates the guidelines)."""


def campaign_block(instructions: str) -> str:
    """The campaign part of a project's instructions ("" if there is none)."""
    start, end = CAMPAIGN_BLOCK
    if start in instructions and end in instructions:
        return instructions[instructions.index(start) : instructions.index(end) + len(end)]
    return ""


@dataclass(frozen=True)
class PushReport:
    url: str
    project_id: int
    title: str
    project_created: bool
    config_updated: bool
    tasks_imported: int
    tasks_already_there: int
    predictions_attached: int
    predictions_already_there: int


def _existing_tasks(conn: Connection, project_id: int) -> dict[str, Any]:
    """Tasks on the server by article id."""
    found: dict[str, Any] = {}
    task: Any
    with translate_errors(conn, f"list the tasks of project {project_id}"):
        for task in conn.client.tasks.list(project=project_id, fields="all"):
            article = (task.data or {}).get("article_id")
            if isinstance(article, str):
                found[article] = task
    return found


def _check_unchanged(conn: Connection, docs: Sequence[Document], existing: dict[str, Any], text_field: str) -> None:
    for doc in docs:
        task = existing.get(doc.id)
        if task is None:
            continue
        server_text = (task.data or {}).get(text_field)  # the field the schema's config shows
        if server_text != doc.text:
            raise LabelStudioError(
                f"{conn.url}: task {task.id} holds article {doc.id} with a different text "
                f"(server sha256 {text_sha256(str(server_text))[:12]}..., local {text_sha256(doc.text)[:12]}...); "
                "the article changed since it was pushed: annotations on the old text would not match. "
                "Re-ingest it as a new article (new file name) or push to a new project (--title)"
            )


def instructions_html(guidelines: str, url: str | None = None, schema: Schema | None = None) -> str:
    """The project's instructions (shown from the labelling page): a link to the guidelines, what the page
    itself says (schema version, how to label, hotkeys: one source, the schema), then the guidelines' text.

    The Markdown is rendered by markdown-it-py (CommonMark, raw HTML escaped, not passed through); its headings
    are moved two levels down (``#`` becomes ``<h3>``) to sit under Label Studio's own Instructions title.
    """
    from html import escape

    from markdown_it import MarkdownIt

    link = f'<p>Guidelines: <a href="{escape(url)}" target="_blank">{escape(url)}</a></p>\n' if url else ""
    page = ""
    if schema is not None:
        keys = ", ".join(f"{e.hotkey} {e.label}" for e in schema.entities if e.hotkey is not None)
        page = (
            f"<p><strong>{escape(schema.name)} {escape(schema.schema_version)}</strong>. {escape(HOW_TO)}"
            + (f" Hotkeys: {escape(keys)}." if keys else "")
            + "</p>\n"
        )
    md = MarkdownIt("commonmark", {"html": False})
    tokens = md.parse(guidelines)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return link + page + str(md.renderer.render(tokens, md.options, {}))


def ensure_project(
    conn: Connection, schema: Schema, title: str, project_id: int | None, instructions: str | None = None
) -> tuple[Any, bool, bool]:
    """The project (found by id or title, else created) with the schema's config and the instructions:
    (project, created, updated)."""
    config = label_config(schema)
    shown = {"expert_instruction": instructions, "show_instruction": True} if instructions else {}
    project: Any = find_project(conn, project_id=project_id, title=title)
    created = updated = False
    if project is None:
        project = call(
            conn,
            f"create project {title!r}",
            conn.client.projects.create,
            title=title,
            label_config=config,
            description=f"{schema.name} {schema.schema_version} (created by toolkit ls push)",
            **shown,
        )
        created = True
    else:
        changes: dict[str, Any] = {}
        if (project.label_config or "").strip() != config.strip():
            changes["label_config"] = config
        block = campaign_block(str(project.expert_instruction or ""))
        if instructions and block:  # the guidelines change, the campaign's part stays
            instructions = instructions.rstrip() + "\n" + block
            shown["expert_instruction"] = instructions
        if instructions and (project.expert_instruction != instructions or not project.show_instruction):
            changes.update(shown)
        if changes:
            what = " and ".join(
                n for k, n in (("label_config", "config"), ("expert_instruction", "instructions")) if k in changes
            )
            call(
                conn,
                f"update the {what} of project {project.id}",
                conn.client.projects.update,
                id=project.id,
                **changes,
            )
            updated = True
    return project, created, updated


def push(
    conn: Connection,
    schema: Schema,
    docs: Sequence[Document],
    *,
    title: str,
    project_id: int | None = None,
    predictions: Sequence[Layer] = (),
    progress: Progress | None = None,
    instructions: str | None = None,
) -> PushReport:
    """Bring the server's project in line with the schema and the articles."""
    by_id = {d.id: d for d in docs}
    for layer in predictions:
        if layer.document_id not in by_id:
            raise LabelStudioError(
                f"{layer.provenance.source}: prediction for article {layer.document_id!r}, "
                "which is not among the articles being pushed; check the file or run `toolkit seeds list`"
            )
        for span in layer.spans:
            covered = by_id[layer.document_id].span_text(span)
            if "\n" in covered and not schema.spans_cross_lines:
                raise LabelStudioError(
                    f"{layer.provenance.source}: article {layer.document_id}, span {span.id} {covered!r} runs "
                    "across a line break; the schema does not allow such spans: fix the predictions"
                )
            if span.label not in schema.entity_labels:
                raise LabelStudioError(
                    f"{layer.provenance.source}: article {layer.document_id}, span {span.id}: "
                    f"label {span.label!r} is not in the schema {list(schema.entity_labels)}"
                )

    project, created, updated = ensure_project(conn, schema, title, project_id, instructions)
    pid = int(project.id)
    existing = _existing_tasks(conn, pid)
    _check_unchanged(conn, docs, existing, schema.label_studio.text_field)
    new_docs = sorted((d for d in docs if d.id not in existing), key=lambda d: d.id)
    total = len(new_docs) + len(predictions)
    done = 0
    for start in range(0, len(new_docs), BATCH):
        batch = [build_task(d, schema.label_studio.text_field) for d in new_docs[start : start + BATCH]]
        call(
            conn,
            f"import tasks into project {project.id}",
            conn.client.projects.import_tasks,
            id=project.id,
            request=batch,
        )
        done += len(batch)
        if progress:
            progress(done, total)
    if new_docs:
        existing = _existing_tasks(conn, pid)

    attached = already = 0
    for layer in sorted(predictions, key=lambda p: (p.document_id, p.annotator)):
        task = existing[layer.document_id]
        with translate_errors(conn, f"list the predictions of task {task.id}"):
            versions = {p.model_version for p in conn.client.predictions.list(task=task.id)}
        if layer.annotator in versions:
            already += 1
        else:
            result = layer_to_result(layer, by_id[layer.document_id].text, schema)
            call(
                conn,
                f"attach a prediction to task {task.id}",
                conn.client.predictions.create,
                task=task.id,
                result=result,
                model_version=layer.annotator,
            )
            attached += 1
        done += 1
        if progress:
            progress(done, total)
    return PushReport(
        conn.url, pid, title, created, updated, len(new_docs), len(docs) - len(new_docs), attached, already
    )


def _review_task(task: object, n: int, schema: Schema) -> tuple[Document, dict[str, Any], list[dict[str, Any]]]:
    """(document, task data, predictions) of one task of a review file; errors name the task."""
    where = f"review task {n}"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise LabelStudioError(
            f"{where}: not a task object with data; give the file `toolkit annotations qa --review-tasks` wrote"
        )
    data = task["data"]
    text, article = data.get(schema.label_studio.text_field), data.get("article_id")
    if not isinstance(text, str) or not isinstance(article, str) or not article:
        raise LabelStudioError(f"{where}: data needs a text and an article_id; give the file `annotations qa` wrote")
    preds = task.get("predictions", [])
    if not isinstance(preds, list) or not all(
        isinstance(p, dict) and isinstance(p.get("result"), list) and p.get("model_version") for p in preds
    ):
        raise LabelStudioError(
            f"{where} (article {article}): predictions must be objects with model_version and result"
        )
    for p in preds:
        for r in p["result"]:
            value = r.get("value") if isinstance(r, dict) else None
            if isinstance(value, dict) and "start" in value:
                a, b = value.get("start"), value.get("end")
                if not (isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= len(text)) or text[
                    a:b
                ] != value.get("text"):
                    raise LabelStudioError(
                        f"{where} (article {article}), prediction {p['model_version']}, region {r.get('id')}: "
                        f"offsets [{a}, {b}) do not cover its text {value.get('text')!r}; regenerate the file"
                    )
    return Document(article, text), {**data, "text_sha256": text_sha256(text)}, preds


def push_review(
    conn: Connection, schema: Schema, tasks: Sequence[object], *, title: str, project_id: int | None = None
) -> PushReport:
    """Push a review file (``annotations qa --review-tasks``): new articles become tasks with the predictions
    inline; articles already in the project get the predictions attached (once per model version)."""
    parsed = [_review_task(t, n, schema) for n, t in enumerate(tasks, 1)]
    project, created, updated = ensure_project(conn, schema, title, project_id)
    pid = int(project.id)
    existing = _existing_tasks(conn, pid)
    _check_unchanged(conn, [d for d, _, _ in parsed], existing, schema.label_studio.text_field)
    new = [{"data": data, "predictions": preds} for d, data, preds in parsed if d.id not in existing]
    for start in range(0, len(new), BATCH):
        call(
            conn,
            f"import review tasks into project {pid}",
            conn.client.projects.import_tasks,
            id=pid,
            request=new[start : start + BATCH],
        )
    attached = sum(len(t["predictions"]) for t in new)
    already = 0
    for doc, _, preds in parsed:
        task = existing.get(doc.id)
        if task is None:
            continue
        with translate_errors(conn, f"list the predictions of task {task.id}"):
            versions = {p.model_version for p in conn.client.predictions.list(task=task.id)}
        for p in preds:
            if p["model_version"] in versions:
                already += 1
                continue
            call(
                conn,
                f"attach a review prediction to task {task.id}",
                conn.client.predictions.create,
                task=task.id,
                result=p["result"],
                model_version=p["model_version"],
                score=p.get("score"),
            )
            attached += 1
    return PushReport(conn.url, pid, title, created, updated, len(new), len(parsed) - len(new), attached, already)
