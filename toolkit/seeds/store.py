"""The article store: ``seeds/articles.jsonl`` (one cleaned article per line, sorted by id) and ``seeds/raw/``
(the pages as scraped)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from toolkit._io import dumps, loads
from toolkit.errors import SeedError
from toolkit.model import Document

DEFAULT_SEEDS_DIR = Path("seeds")
ARTICLES_FILE = "articles.jsonl"
RAW_DIR = "raw"


def document_to_record(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "text": doc.text, "metadata": json.loads(dumps(dict(doc.metadata)))}


def iter_articles(path: Path) -> Iterator[Document]:
    """The articles of ``articles.jsonl``, one at a time; a missing file is an empty store."""
    path = Path(path)
    if not path.exists():
        return
    how = "an articles file is the JSON lines `toolkit seeds ingest` writes (restore a project's from git)"
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            at = f"{path}, line {lineno}"
            if not raw.strip():
                continue
            try:
                rec = loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise SeedError(f"{at}: not UTF-8 ({exc.reason}); {how}") from None
            except json.JSONDecodeError as exc:
                raise SeedError(f"{at}: not JSON ({exc.msg}); {how}") from None
            if not isinstance(rec, dict):
                kind = "null" if rec is None else type(rec).__name__
                raise SeedError(f"{at}: not an article record (a JSON object expected, got {kind}); {how}")
            if not isinstance(rec.get("id"), str) or not isinstance(rec.get("text"), str):
                raise SeedError(f"{at}: not an article record (a string 'id' and 'text' expected); {how}")
            metadata = rec.get("metadata") or {}
            if not isinstance(metadata, dict):
                raise SeedError(f"{at}: not an article record ('metadata' must be an object); {how}")
            yield Document(rec["id"], rec["text"], metadata)


def load_articles(path: Path) -> list[Document]:
    """Read ``articles.jsonl``; a missing file is an empty store."""
    return list(iter_articles(path))
