"""The toolkit's prediction format: JSONL, one document per line.

    {"id": "<article id>", "model_version": "rules-0.1",
     "spans": [{"id": "s1", "start": 0, "end": 9, "label": "GPE"}],
     "relations": [{"id": "r1", "head": "s1", "tail": "s2", "label": "located_in"}]}

Offsets are Python code points, half-open. Any external system that writes this format can
be pre-annotated in Label Studio and scored by the toolkit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, jsonl_text
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Annotation, Provenance, Relation, Span, relation_records, span_records


class PredictionError(ToolkitError):
    """A prediction file is malformed."""


def _record_to_layer(rec: Any, source: str, default_version: str) -> Annotation:
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str):
        raise PredictionError("a line must be an object with a string 'id' (the article id)")
    version = rec.get("model_version", default_version)
    if not isinstance(version, str) or not version:
        raise PredictionError("'model_version' must be a non-empty string")
    try:
        spans = tuple(Span(str(s["id"]), s["start"], s["end"], s["label"]) for s in rec.get("spans", []))
        rels = tuple(
            Relation(str(r.get("id", f"r{i}")), str(r["head"]), str(r["tail"]), r["label"])
            for i, r in enumerate(rec.get("relations", []), 1)
        )
        for s in spans:
            if not isinstance(s.start, int) or not isinstance(s.end, int) or not isinstance(s.label, str):
                raise PredictionError(f"span {s.id}: start/end must be integers and label a string")
        return Annotation(rec["id"], version, "", spans, rels, Provenance(source, model_version=version), "prediction")
    except (KeyError, TypeError, AttributeError) as exc:
        raise PredictionError(f"missing or mistyped field {exc}; see the format in toolkit/predictions.py") from None
    except ModelError as exc:
        raise PredictionError(str(exc)) from None


def read_predictions(path: Path, default_version: str = "unversioned") -> list[Annotation]:
    """Read a prediction JSONL file into prediction layers; errors name the file and line."""
    path = Path(path)
    layers = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PredictionError(f"{path}: cannot read predictions ({exc})") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            layers.append(_record_to_layer(json.loads(line), str(path), default_version))
        except json.JSONDecodeError as exc:
            raise PredictionError(f"{path}, line {lineno}: not JSON ({exc.msg} at column {exc.colno})") from None
        except PredictionError as exc:
            raise PredictionError(f"{path}, line {lineno}: {exc}") from None
    return layers


def layer_to_record(layer: Annotation) -> dict[str, Any]:
    return {
        "id": layer.document_id,
        "model_version": layer.annotator,
        "spans": span_records(layer.spans),
        "relations": relation_records(layer.relations),
    }


def write_predictions(layers: Iterable[Annotation], path: Path) -> int:
    records = sorted((layer_to_record(layer) for layer in layers), key=lambda r: r["id"])
    atomic_write_text(Path(path), jsonl_text(records))
    return len(records)
