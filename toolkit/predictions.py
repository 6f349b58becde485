"""The toolkit's prediction format: JSONL, one document per line.

    {"id": "<article id>", "model_version": "rules-0.1",
     "spans": [{"id": "s1", "start": 0, "end": 9, "label": "GPE"}],
     "relations": [{"id": "r1", "head": "s1", "tail": "s2", "label": "located_in"}]}

Offsets are Python code points, half-open. Any external system that writes this format can
be pre-annotated in Label Studio and scored by the toolkit. A file must predict each document
on one line only; labels must be the schema's (with ``skip_invalid`` other labels are dropped
and counted, their relations with them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, jsonl_text, loads
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Layer, Provenance, Relation, Span, relation_records, span_records


class PredictionError(ToolkitError):
    """A prediction file is malformed."""


@dataclass
class PredictionSet:
    """The layers of a prediction file and what was dropped from it (``skip_invalid``)."""

    layers: list[Layer]
    skipped: Counter[str] = field(default_factory=Counter)
    lines: dict[str, int] = field(default_factory=dict)  # document id -> line


def _record_to_layer(rec: Any, source: str, default_version: str) -> Layer:
    if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or not rec.get("id"):
        raise PredictionError("a line must be an object with a string 'id' (the article id)")
    version = rec.get("model_version", default_version)
    if not isinstance(version, str) or not version:
        raise PredictionError("'model_version' must be a non-empty string")
    for key in ("spans", "relations"):
        items = rec.get(key, [])
        if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
            raise PredictionError(f"{key} must be a list of objects (see the format in toolkit/predictions.py)")
    try:
        spans = tuple(Span(str(s["id"]), s["start"], s["end"], s["label"]) for s in rec.get("spans", []))
        rels = tuple(
            Relation(str(r.get("id", f"r{i}")), str(r["head"]), str(r["tail"]), r["label"])
            for i, r in enumerate(rec.get("relations", []), 1)
        )
        for s in spans:
            if type(s.start) is not int or type(s.end) is not int or not isinstance(s.label, str):
                raise PredictionError(f"span {s.id}: start/end must be integers and label a string")
        for r in rels:
            if not isinstance(r.label, str):
                raise PredictionError(f"relation {r.id}: label must be a string")
        return Layer(rec["id"], version, "", spans, rels, Provenance(source, model_version=version), "prediction")
    except (KeyError, TypeError, AttributeError) as exc:
        raise PredictionError(f"missing or mistyped field {exc}; see the format in toolkit/predictions.py") from None
    except ModelError as exc:
        raise PredictionError(str(exc)) from None


def _check_labels(
    layer: Layer, entity_labels: set[str], relation_labels: set[str], skip: bool, skipped: Counter[str]
) -> Layer:
    """The layer with schema labels only: an error naming the first other label, or (``skip``) dropped and counted."""
    bad_span = next((s for s in layer.spans if s.label not in entity_labels), None)
    bad_rel = next((r for r in layer.relations if r.label not in relation_labels), None)
    if bad_span is None and bad_rel is None:
        return layer
    if not skip:
        if bad_span is not None:
            what = f"span {bad_span.id}: label {bad_span.label!r} is not an entity type of the schema"
            known = sorted(entity_labels)
        else:
            assert bad_rel is not None
            what = f"relation {bad_rel.id}: label {bad_rel.label!r} is not a relation type of the schema"
            known = sorted(relation_labels)
        raise PredictionError(
            f"document {layer.document_id}, {what} ({', '.join(known)}); map it to a schema type, "
            "or pass --skip-invalid to drop such predictions (counted)"
        )
    spans = tuple(s for s in layer.spans if s.label in entity_labels)
    for s in layer.spans:
        if s.label not in entity_labels:
            skipped[f"span label {s.label!r} not in the schema"] += 1
    ids = {s.id for s in spans}
    rels = []
    for r in layer.relations:
        if r.label not in relation_labels:
            skipped[f"relation label {r.label!r} not in the schema"] += 1
        elif r.head not in ids or r.tail not in ids:
            skipped["relation argument dropped"] += 1
        else:
            rels.append(r)
    return Layer(layer.document_id, layer.annotator, layer.created_at, spans, tuple(rels), layer.provenance, layer.kind)


def read_prediction_set(
    path: Path,
    default_version: str = "unversioned",
    *,
    entity_labels: Iterable[str] | None = None,
    relation_labels: Iterable[str] = (),
    skip_invalid: bool = False,
) -> PredictionSet:
    """Read a prediction JSONL file; errors name the file and line (and both lines of a repeated document)."""
    path = Path(path)
    out = PredictionSet([])
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
    except OSError as exc:
        raise PredictionError(f"{path}: cannot read predictions ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        at = exc.object.count(b"\n", 0, exc.start) + 1
        raise PredictionError(f"{path}, line {at}: not UTF-8 ({exc.reason}); save the file as UTF-8") from None
    ents = set(entity_labels) if entity_labels is not None else None
    rels = set(relation_labels)
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            layer = _record_to_layer(loads(line), str(path), default_version)
            if ents is not None:
                layer = _check_labels(layer, ents, rels, skip_invalid, out.skipped)
        except json.JSONDecodeError as exc:
            raise PredictionError(f"{path}, line {lineno}: not JSON ({exc.msg} at column {exc.colno})") from None
        except PredictionError as exc:
            raise PredictionError(f"{path}, line {lineno}: {exc}") from None
        first = out.lines.get(layer.document_id)
        if first is not None:
            raise PredictionError(
                f"{path}, lines {first} and {lineno}: both predict document {layer.document_id}; "
                "write one line per document (merge the two)"
            )
        out.lines[layer.document_id] = lineno
        out.layers.append(layer)
    if not out.layers:
        raise PredictionError(f"{path}: no predictions (the file is empty); write one JSON line per document")
    return out


def read_predictions(path: Path, default_version: str = "unversioned") -> list[Layer]:
    """The layers of a prediction file (no schema check; see :func:`read_prediction_set`)."""
    return read_prediction_set(path, default_version).layers


def layer_to_record(layer: Layer) -> dict[str, Any]:
    return {
        "id": layer.document_id,
        "model_version": layer.annotator,
        "spans": span_records(layer.spans),
        "relations": relation_records(layer.relations),
    }


def write_predictions(layers: Iterable[Layer], path: Path) -> int:
    records = sorted((layer_to_record(layer) for layer in layers), key=lambda r: r["id"])
    atomic_write_text(Path(path), jsonl_text(records))
    return len(records)
