"""Reading the normalised layers files written by the importer (one task per line)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Document, Layer, layer_from_dict
from toolkit.schema import Schema

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
"""An e-mail address (what Label Studio's user fields hold); never written into what can be published."""

_Id = Annotated[StrictStr, Field(min_length=1)]


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _SpanRecord(_Record):
    id: _Id
    start: StrictInt
    end: StrictInt
    label: _Id


class _RelationRecord(_Record):
    id: _Id
    head: _Id
    tail: _Id
    label: _Id


class _ProvenanceRecord(_Record):
    source: StrictStr
    task_id: StrictInt | None = None
    annotation_id: StrictInt | None = None
    model_version: StrictStr | None = None


class _LayerRecord(_Record):
    document_id: _Id
    annotator: _Id
    kind: Literal["annotation", "prediction", "gold"] = "annotation"
    created_at: StrictStr = ""
    spans: list[_SpanRecord]
    relations: list[_RelationRecord]
    provenance: _ProvenanceRecord


class _DocumentRecord(_Record):
    id: _Id
    text: StrictStr
    metadata: dict[str, Any] = Field(default_factory=dict)


class _LayersLine(_Record):
    """The shape of one line of a layers file, checked (strictly: no number where a string belongs, no float or
    boolean offsets) before anything is built from it."""

    document: _DocumentRecord
    layers: list[_LayerRecord]


def _shape_error(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    if first["type"] in ("model_type", "dict_type"):
        first["msg"] = "should be a JSON object"
    value = repr(first.get("input"))
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"{where or 'the line'}: {first['msg'].lower()} (got {shown})"


def open_layers(path: Path) -> IO[bytes]:
    """A layers file opened for reading; the error says to import first."""
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise ToolkitError(
            f"{path}: cannot read layers ({exc.strerror}); run `toolkit annotations import` first"
        ) from None


def read_layers(
    path: Path, *, min_annotators: int = 0, schema: Schema | None = None
) -> Iterator[tuple[Document, list[Layer]]]:
    """Yield ``(document, layers)`` per line; errors name the file and line.

    With ``min_annotators``, a document with fewer human layers is yielded without its layers (an
    empty list) and they are not built: agreement needs two, and most documents of a big project
    have one.
    """
    path = Path(path)
    seen: dict[str, int] = {}
    with open_layers(path) as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            doc, layers = parse_layers_line(line, f"{path}, line {lineno}", min_annotators, schema)
            if doc.id in seen:
                raise ToolkitError(
                    f"{path}, lines {seen[doc.id]} and {lineno}: both hold document {doc.id}; a layers file has one "
                    "line per document (import the export again)"
                )
            seen[doc.id] = lineno
            yield doc, layers
    if not seen:
        raise ToolkitError(f"{path}: no documents (the file is empty); run `toolkit annotations import` on an export")


def parse_layers_line(
    line: bytes, at: str, min_annotators: int = 0, schema: Schema | None = None
) -> tuple[Document, list[Layer]]:
    """One line of a layers file (see :func:`read_layers`); errors start with ``at``. Every layer is checked
    (shape, offsets, ids, and with ``schema`` its labels), also those of a document returned without layers."""
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ToolkitError(
            f"{at}: not JSON ({exc}); a layers file is JSON lines written by `annotations import`"
        ) from None
    except RecursionError:
        raise ToolkitError(f"{at}: JSON nested too deep; not a layers record") from None
    try:
        _LayersLine.model_validate(rec)
    except ValidationError as exc:
        raise ToolkitError(f"{at}: not a layers record: {_shape_error(exc)}") from None
    for x in rec["layers"]:
        if x.get("kind") != "prediction" and EMAIL.search(x["annotator"]):
            raise ToolkitError(
                f"{at}: document {rec['document']['id']}: an annotator is named by an e-mail address; layers name "
                "annotators user:<Label Studio id> (import the export with `toolkit annotations import`)"
            )
    try:
        d = rec["document"]
        doc = Document(d["id"], d["text"], d.get("metadata", {}))
        layers = [layer_from_dict(x) for x in rec["layers"]]
        for layer in layers:
            layer.check_against(doc)
            if schema is not None:
                _check_labels(layer, schema)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ToolkitError(f"{at}: not a layers record ({exc})") from None
    except ModelError as exc:
        raise ToolkitError(f"{at}: {exc}") from None
    if min_annotators and sum(1 for x in layers if x.kind == "annotation") < min_annotators:
        return doc, []
    return doc, layers


def _check_labels(layer: Layer, schema: Schema) -> None:
    known = set(schema.entity_labels)
    for s in layer.spans:
        if s.label not in known:
            raise ModelError(
                f"document {layer.document_id}, annotator {layer.annotator}, span {s.id}: label {s.label!r} is not an "
                f"entity type of schema {schema.name} ({', '.join(schema.entity_labels)}); pass the schema the "
                "project was labelled with (--schema)"
            )
    relations = set(schema.relation_labels)
    for r in layer.relations:
        if r.label not in relations:
            raise ModelError(
                f"document {layer.document_id}, annotator {layer.annotator}, relation {r.id}: label {r.label!r} is not "
                f"a relation type of schema {schema.name}; pass the schema the project was labelled with (--schema)"
            )


def campaign_role(doc: Document) -> str | None:
    """The document's role in a Label Studio campaign (``control``, ``overlap``, ``single``), where its task had one."""
    campaign = doc.metadata.get("campaign")
    role = campaign.get("role") if isinstance(campaign, Mapping) else None
    return role if isinstance(role, str) else None


def is_control(doc: Document) -> bool:
    """A control task: annotated to score the annotators against its known gold, never a gold vote nor agreement."""
    return campaign_role(doc) == "control"
