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
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                rec = loads(line)
                doc = Document(rec["id"], rec["text"], rec.get("metadata", {}))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise SeedError(f"{path}, line {lineno}: not an article record ({exc}); restore it from git") from None
            yield doc


def load_articles(path: Path) -> list[Document]:
    """Read ``articles.jsonl``; a missing file is an empty store."""
    return list(iter_articles(path))
