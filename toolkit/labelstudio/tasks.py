"""Label Studio task files: the JSON list that Label Studio's "Import" accepts.

One task per article. ``data.text`` is the text annotators label (the ``$text`` the
generated config points at); the article id, its text checksum and a few metadata
fields ride along so that exports can be matched back to seed articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps, sha256_bytes
from toolkit.model import Document
from toolkit.schema import TEXT_FIELD

DEFAULT_TASKS_PATH = Path("build/labelstudio/tasks.json")


def text_sha256(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def build_task(doc: Document, text_field: str = TEXT_FIELD) -> dict[str, Any]:
    """The Label Studio task for one article (flat ``data`` fields show as Data Manager columns); the text under
    ``text_field``, the data field the schema's labelling config shows (``$text`` unless it came from a config)."""
    source = doc.metadata.get("source") or {}
    return {
        "data": {
            text_field: doc.text,
            "article_id": doc.id,
            "text_sha256": text_sha256(doc.text),
            "outlet": doc.metadata.get("outlet"),
            "date": doc.metadata.get("date"),
            "source_file": source.get("file") if hasattr(source, "get") else None,
        }
    }


def build_tasks(docs: Iterable[Document], text_field: str = TEXT_FIELD) -> list[dict[str, Any]]:
    """Tasks in article-id order (deterministic)."""
    return [build_task(d, text_field) for d in sorted(docs, key=lambda d: d.id)]


@dataclass(frozen=True)
class TasksReport:
    path: Path
    tasks: int
    characters: int


def write_tasks(docs: Iterable[Document], path: Path = DEFAULT_TASKS_PATH, text_field: str = TEXT_FIELD) -> TasksReport:
    """Write the task file atomically; returns what was written."""
    tasks = build_tasks(docs, text_field)
    atomic_write_text(Path(path), dumps(tasks, indent=2) + "\n")
    return TasksReport(Path(path), len(tasks), sum(len(t["data"][text_field]) for t in tasks))
