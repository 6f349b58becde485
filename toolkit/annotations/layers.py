"""Reading the normalised layers files written by the importer (one task per line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Annotation, Document, layer_from_dict


def read_layers(path: Path) -> Iterator[tuple[Document, list[Annotation]]]:
    """Yield ``(document, layers)`` per line; errors name the file and line."""
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ToolkitError(
            f"{path}: cannot read layers ({exc.strerror}); run `toolkit annotations import` first"
        ) from exc
    with fh:
        for lineno, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
                d = rec["document"]
                doc = Document(d["id"], d["text"], d.get("metadata", {}))
                layers = [layer_from_dict(x) for x in rec["layers"]]
                for layer in layers:
                    layer.check_against(doc)
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ToolkitError(f"{path}, line {lineno}: not a layers record ({exc})") from None
            except ModelError as exc:
                raise ToolkitError(f"{path}, line {lineno}: {exc}") from None
            yield doc, layers
