"""Reading gold files back: the JSON lines ``annotations gold`` and ``corpus import-*`` write.

One reader for every stage that takes a gold file (scoring, ``qa``, the model backend's retraining):
each record's document (with its metadata), its gold layer checked against the text, and the types
the record declares it annotates; errors name the file and line; a document twice is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Annotation, Document, layer_from_dict


class GoldRecordError(ToolkitError):
    """A gold file cannot be read, or a line of it is not a gold record."""


@dataclass(frozen=True)
class GoldRecord:
    document: Document
    gold: Annotation
    annotated: dict[str, Any] | None  # the entity and relation types the record declares, if it does
    at: str  # "<file>, line <n>", for messages


def read_gold_records(path: Path) -> Iterator[GoldRecord]:
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise GoldRecordError(f"{path}: cannot read ({exc.strerror})") from None
    seen: set[str] = set()
    with fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                raise GoldRecordError(f"{path}: not UTF-8 ({exc.reason})") from None
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            at = f"{path}, line {lineno}"
            try:
                rec = json.loads(line)
                meta = rec["document"].get("metadata") or {}
                document = Document(rec["document"]["id"], rec["document"]["text"], meta)
                layer = layer_from_dict(rec["gold"])
                layer.check_against(document)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise GoldRecordError(
                    f"{at}: not a gold record ({type(exc).__name__}: {exc}); give the file `toolkit annotations gold` "
                    "or `toolkit corpus import-*` writes"
                ) from None
            except ModelError as exc:
                raise GoldRecordError(f"{at}: {exc}") from None
            if document.id in seen:
                raise GoldRecordError(f"{at}: document {document.id} appears twice; keep one gold record per document")
            seen.add(document.id)
            annotated = rec.get("annotated")
            yield GoldRecord(document, layer, annotated if isinstance(annotated, dict) else None, at)
