"""``toolkit ls pull``: the project's full JSON export as a new, immutable snapshot file.

The export holds every task and every annotation, cancelled ones included. Label Studio's
export lists predictions by id only, so the pull fetches them and embeds the full prediction
objects (the shape Label Studio's import accepts). The snapshot is written to a temporary file
and linked into place only when complete; an existing snapshot is never overwritten. Its
sha256 and counts are recorded in ``index.json`` beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from toolkit._io import TEMP_SUFFIX, atomic_write_text, dumps, sha256_file, store_lock, temp_prefix
from toolkit.errors import LabelStudioError, OutputError
from toolkit.labelstudio.client import Connection, require_project, translate_errors

DEFAULT_SNAPSHOT_DIR = Path("annotations/snapshots")
INDEX_FILE = "index.json"


@dataclass(frozen=True)
class SnapshotCounts:
    tasks: int
    annotations: int
    cancelled: int
    annotators: int
    predictions: int
    drafts: int


@dataclass(frozen=True)
class SnapshotEntry:
    file: str
    sha256: str
    project_id: int
    project_title: str
    url: str
    pulled_at: str
    counts: SnapshotCounts


def count_export(tasks: list[dict[str, Any]]) -> SnapshotCounts:
    anns = [a for t in tasks for a in t.get("annotations") or []]
    cancelled = sum(1 for a in anns if a.get("was_cancelled"))
    annotators = {a.get("completed_by") for a in anns if a.get("completed_by") is not None}
    return SnapshotCounts(
        tasks=len(tasks),
        annotations=len(anns) - cancelled,
        cancelled=cancelled,
        annotators=len(annotators),
        predictions=sum(len(t.get("predictions") or []) for t in tasks),
        drafts=sum(len(t.get("drafts") or []) for t in tasks),
    )


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "project"


def _load_index(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["snapshots"]
        if isinstance(entries, list):
            return entries
    except (ValueError, KeyError, TypeError):
        pass
    raise OutputError(f"{path}: not a snapshot index; restore it from git before pulling")


def export_tasks(conn: Connection, project: Any, progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """The project's full JSON export (every task, every annotation, cancelled ones too), its predictions embedded as
    full objects (the export lists them by id), in task-id order.

    An export whose body is not JSON is asked for again, up to the connection's retries (1 s, 2 s, 4 s, ... apart):
    the server answered one of 4 simultaneous exports with an empty body once in the suite's parallel pulls
    (tests/labelstudio/test_network_faults.py makes a proxy answer with empty or broken bodies).

    ``progress`` is told the bytes received so far of the current request: 0 when a request starts (again, on a
    retry), then the running total after each chunk, so a counter shows the export being kept, never the sum of
    every attempt."""
    tasks: list[dict[str, Any]] = []
    for attempt in range(conn.retries + 1):
        chunks: list[bytes] = []
        received = 0
        if progress:
            progress(received)
        with translate_errors(conn, f"export project {project.id}"):
            for chunk in conn.client.projects.exports.download_sync(
                id=project.id, export_type="JSON", download_all_tasks=True
            ):
                chunks.append(chunk)
                received += len(chunk)
                if progress:
                    progress(received)
        try:
            loaded = json.loads(b"".join(chunks))
            if not isinstance(loaded, list):
                raise ValueError("not a list of tasks")
            tasks = loaded
            break
        except ValueError as exc:
            if attempt < conn.retries:
                time.sleep(2**attempt)
                continue
            raise LabelStudioError(
                f"{conn.url}: the export of project {project.id} is not a JSON task list ({exc})"
            ) from None

    with translate_errors(conn, f"list the predictions of project {project.id}"):
        preds = {p.id: p for p in conn.client.predictions.list(project=project.id)}
    for task in tasks:
        full = []
        for pred in task.get("predictions") or []:
            if isinstance(pred, int) and pred in preds:
                full.append(preds[pred].model_dump(mode="json", exclude_none=True))
            elif isinstance(pred, dict):
                full.append(pred)
            else:
                raise LabelStudioError(
                    f"{conn.url}: task {task.get('id')} lists prediction {pred!r}, which the server no longer has"
                )
        task["predictions"] = full
    tasks.sort(key=lambda t: t.get("id", 0))
    return tasks


def write_export(conn: Connection, project: Any, path: Path) -> Path:
    """:func:`export_tasks` written to ``path`` (a scratch copy for ``ls status`` and ``ls review``, not a snapshot)."""
    atomic_write_text(path, dumps(export_tasks(conn, project), indent=1) + "\n")
    return path


def pull(
    conn: Connection,
    *,
    title: str,
    project_id: int | None = None,
    out_dir: Path = DEFAULT_SNAPSHOT_DIR,
    progress: Callable[[int], None] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> SnapshotEntry:
    """Download the export of the project into a new snapshot file under ``out_dir``."""
    project = require_project(conn, project_id=project_id, title=title)
    out_dir = Path(out_dir)
    index_path = out_dir / INDEX_FILE
    _load_index(index_path)  # a broken index is refused before the download, and read again under the lock
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out_dir}: {exc.strerror}") from exc

    tasks = export_tasks(conn, project, progress)

    data = (dumps(tasks, indent=1) + "\n").encode("utf-8")
    with store_lock(out_dir):  # two pulls at once: each snapshot kept, and both in the index
        return _store_snapshot(conn, project, tasks, data, out_dir, now)


def _store_snapshot(
    conn: Connection,
    project: Any,
    tasks: list[dict[str, Any]],
    data: bytes,
    out_dir: Path,
    now: Callable[[], dt.datetime],
) -> SnapshotEntry:
    index_path = out_dir / INDEX_FILE
    index = _load_index(index_path)
    for _ in range(100):  # under the lock: a pull that took the same millisecond before us waits for the next one
        stamp = now().strftime("%Y%m%dT%H%M%S.%f")[:-3] + "Z"
        final = out_dir / f"{_slug(project.title)}-p{project.id}-{stamp}.json"
        if not final.exists():
            break
        time.sleep(0.002)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(final.name), suffix=TEMP_SUFFIX, dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o444)
        try:
            os.link(tmp, final)  # fails if the name exists: snapshots are never overwritten
        except FileExistsError:
            raise OutputError(f"{final} already exists; snapshots are immutable, pull again in a moment") from None
    finally:
        Path(tmp).unlink(missing_ok=True)

    entry = SnapshotEntry(
        file=final.name,
        sha256=sha256_file(final),
        project_id=int(project.id),
        project_title=str(project.title),
        url=conn.url,
        pulled_at=now().isoformat(timespec="seconds"),
        counts=count_export(tasks),
    )
    index.append(asdict(entry))
    index.sort(key=lambda e: e["file"])
    atomic_write_text(index_path, dumps({"snapshots": index}, indent=2) + "\n")
    return entry
