"""Reading gold files back: the JSON lines ``annotations gold`` and ``corpus import-*`` write.

One reader for every stage that takes a gold file (scoring, ``qa``, the model backend's retraining): each
line a :class:`~toolkit.model.GoldRecord` (its gold layer checked against the text); errors name the file and
line; a document twice is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from toolkit._io import loads
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import GoldRecord


class GoldRecordError(ToolkitError):
    """A gold file cannot be read, or a line of it is not a gold record."""


HOW = "give the file `toolkit annotations gold` or `toolkit corpus import` writes"


def read_gold_records(path: Path) -> Iterator[GoldRecord]:
    """The records of a gold file, in file order; each knows its line (``source``)."""
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
                record = GoldRecord.from_dict(loads(line), at)
            except json.JSONDecodeError as exc:
                raise GoldRecordError(f"{at}: not a gold record (not JSON: {exc.msg}); {HOW}") from None
            except ModelError as exc:
                hint = f"; {HOW}" if str(exc).startswith("not a gold record") else ""
                raise GoldRecordError(f"{at}: {exc}{hint}") from None
            if record.document.id in seen:
                raise GoldRecordError(
                    f"{at}: document {record.document.id} appears twice; keep one gold record per document"
                )
            seen.add(record.document.id)
            yield record
