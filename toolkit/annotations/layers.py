"""Reading the normalised layers files written by the importer (one task per line)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

import orjson

from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Document, Layer, layer_from_dict


def open_layers(path: Path) -> IO[bytes]:
    """A layers file opened for reading; the error says to import first."""
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise ToolkitError(
            f"{path}: cannot read layers ({exc.strerror}); run `toolkit annotations import` first"
        ) from None


def read_layers(path: Path, *, min_annotators: int = 0) -> Iterator[tuple[Document, list[Layer]]]:
    """Yield ``(document, layers)`` per line; errors name the file and line.

    With ``min_annotators``, a document with fewer human layers is yielded without its layers (an
    empty list) and they are not built: agreement needs two, and most documents of a big project
    have one.
    """
    path = Path(path)
    with open_layers(path) as fh:
        for lineno, line in enumerate(fh, 1):
            yield parse_layers_line(line, f"{path}, line {lineno}", min_annotators)


def parse_layers_line(line: bytes, at: str, min_annotators: int = 0) -> tuple[Document, list[Layer]]:
    """One line of a layers file (see :func:`read_layers`); errors start with ``at``."""
    try:
        rec = orjson.loads(line)
        d = rec["document"]
        doc = Document(d["id"], d["text"], d.get("metadata", {}))
        records = rec["layers"]
        if min_annotators and sum(1 for x in records if x.get("kind") == "annotation") < min_annotators:
            return doc, []
        layers = [layer_from_dict(x) for x in records]
        for layer in layers:
            layer.check_against(doc)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ToolkitError(f"{at}: not a layers record ({exc})") from None
    except ModelError as exc:
        raise ToolkitError(f"{at}: {exc}") from None
    return doc, layers


def campaign_role(doc: Document) -> str | None:
    """The document's role in a Label Studio campaign (``control``, ``overlap``, ``single``), where its task had one."""
    campaign = doc.metadata.get("campaign")
    role = campaign.get("role") if isinstance(campaign, Mapping) else None
    return role if isinstance(role, str) else None


def is_control(doc: Document) -> bool:
    """A control task: annotated to score the annotators against its known gold, never a gold vote nor agreement."""
    return campaign_role(doc) == "control"
