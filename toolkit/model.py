"""The canonical model every stage speaks: documents, spans, relations, layers.

Offsets are Python code points, half-open ``[start, end)``: the text of a span
is ``document.text[span.start:span.end]``. Token and BIO views are derived
from these offsets, never the reverse. Values are frozen; "changing" one means
building a new one (``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from toolkit.errors import ModelError

JSONValue = Any
"""A value that ``json.dumps`` accepts (kept loose on purpose: metadata is free-form)."""

LayerKind = Literal["annotation", "prediction", "gold"]


def _frozen_mapping(value: Mapping[str, JSONValue]) -> Mapping[str, JSONValue]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True, slots=True)
class Document:
    """One article: a stable id, its cleaned text and free-form metadata."""

    id: str
    text: str
    metadata: Mapping[str, JSONValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("a document needs a non-empty id")
        object.__setattr__(self, "metadata", _frozen_mapping(self.metadata))

    def span_text(self, span: Span) -> str:
        """The text a span covers, after checking it lies inside this document."""
        if span.end > len(self.text):
            raise ModelError(
                f"document {self.id}: span {span.id} [{span.start}, {span.end}) ends past "
                f"the text ({len(self.text)} code points); fix the span's offsets"
            )
        return self.text[span.start : span.end]


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled character span, half-open ``[start, end)`` in code points."""

    id: str
    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("a span needs a non-empty id")
        if isinstance(self.start, bool) or isinstance(self.end, bool):
            raise ModelError(f"span {self.id}: offsets must be integers, not booleans")
        if not 0 <= self.start < self.end:
            raise ModelError(
                f"span {self.id}: offsets [{self.start}, {self.end}) are not a non-empty "
                "half-open range; start must be >= 0 and < end"
            )
        if not self.label:
            raise ModelError(f"span {self.id}: empty label")


@dataclass(frozen=True, slots=True)
class Relation:
    """A labelled relation from a head span to a tail span (ids of spans in the same layer)."""

    id: str
    head: str
    tail: str
    label: str

    def __post_init__(self) -> None:
        if not self.id:
            raise ModelError("a relation needs a non-empty id")
        if not self.label:
            raise ModelError(f"relation {self.id}: empty label")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a layer came from: the export file and the Label Studio ids inside it."""

    source: str
    source_sha256: str = ""
    task_id: int | None = None
    annotation_id: int | None = None
    model_version: str | None = None
    ground_truth: bool = False
    parent_prediction: int | None = None  # the prediction an annotation was made from (Label Studio's id)


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of a document: the spans and relations one annotator, one model or the adjudication made
    (``kind``: ``annotation``, ``prediction`` or ``gold``)."""

    document_id: str
    annotator: str
    created_at: str
    spans: tuple[Span, ...]
    relations: tuple[Relation, ...]
    provenance: Provenance
    kind: LayerKind = "annotation"
    region_origins: Mapping[str, str] = field(default_factory=dict)
    """Region id -> how the annotator made it (Label Studio's ``origin``: ``prediction``, ``prediction-changed``,
    ``manual``), where the export records it: what :mod:`toolkit.annotations.acceptance` measures."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", tuple(self.spans))
        object.__setattr__(self, "relations", tuple(self.relations))
        object.__setattr__(self, "region_origins", MappingProxyType(dict(self.region_origins)))
        where = f"document {self.document_id}, annotator {self.annotator}"
        span_ids = [s.id for s in self.spans]
        if len(set(span_ids)) != len(span_ids):
            dupes = sorted({i for i in span_ids if span_ids.count(i) > 1})
            raise ModelError(f"{where}: duplicate span ids {dupes}; give each region its own id")
        known = set(span_ids)
        for rel in self.relations:
            for end_name, ref in (("head", rel.head), ("tail", rel.tail)):
                if ref not in known:
                    raise ModelError(
                        f"{where}: relation {rel.id} {end_name} {ref!r} is not a span of this "
                        "layer; draw relations between existing regions only"
                    )

    def span(self, span_id: str) -> Span:
        """The span with this id."""
        for s in self.spans:
            if s.id == span_id:
                return s
        raise ModelError(f"document {self.document_id}: no span with id {span_id!r}")

    def check_against(self, document: Document) -> None:
        """Raise :class:`ModelError` unless every span lies inside ``document.text``."""
        if document.id != self.document_id:
            raise ModelError(f"layer for document {self.document_id} checked against document {document.id}")
        for s in self.spans:
            document.span_text(s)


Example = tuple[Document, Layer]
"""A document with its gold layer: what baselines train on and are scored against."""


def layer_to_dict(layer: Layer) -> dict[str, JSONValue]:
    """A layer as plain JSON-ready data (the normalised layers file format)."""
    p = layer.provenance
    return layer_record(
        layer.document_id,
        layer.annotator,
        layer.kind,
        layer.created_at,
        span_records(layer.spans),
        relation_records(layer.relations),
        p,
        layer.region_origins,
    )


def span_records(spans: Iterable[Span]) -> list[dict[str, JSONValue]]:
    """Spans as the JSON records of the layers file."""
    return [{"id": s.id, "start": s.start, "end": s.end, "label": s.label} for s in spans]


def relation_records(relations: Iterable[Relation]) -> list[dict[str, JSONValue]]:
    """Relations as the JSON records of the layers file."""
    return [{"id": r.id, "head": r.head, "tail": r.tail, "label": r.label} for r in relations]


def layer_record(
    document_id: str,
    annotator: str,
    kind: LayerKind,
    created_at: str,
    spans: list[dict[str, JSONValue]],
    relations: list[dict[str, JSONValue]],
    p: Provenance,
    region_origins: Mapping[str, str] | None = None,
) -> dict[str, JSONValue]:
    """The layers-file record from already JSON-ready span and relation records (key order fixed;
    ``region_origins`` only where there are some, by region id)."""
    record: dict[str, JSONValue] = {
        "document_id": document_id,
        "annotator": annotator,
        "kind": kind,
        "created_at": created_at,
        "spans": spans,
        "relations": relations,
        "provenance": {
            "source": p.source,
            "source_sha256": p.source_sha256,
            "task_id": p.task_id,
            "annotation_id": p.annotation_id,
            "model_version": p.model_version,
            "ground_truth": p.ground_truth,
            "parent_prediction": p.parent_prediction,
        },
    }
    if region_origins:
        record["region_origins"] = {rid: region_origins[rid] for rid in sorted(region_origins)}
    return record


def layer_from_dict(data: Mapping[str, JSONValue]) -> Layer:
    """Inverse of :func:`layer_to_dict`; raises :class:`ModelError` on malformed data."""
    try:
        return Layer(
            document_id=data["document_id"],
            annotator=data["annotator"],
            created_at=data.get("created_at", ""),
            spans=tuple(Span(s["id"], s["start"], s["end"], s["label"]) for s in data["spans"]),
            relations=tuple(Relation(r["id"], r["head"], r["tail"], r["label"]) for r in data["relations"]),
            provenance=Provenance(**data["provenance"]),
            kind=data.get("kind", "annotation"),
            region_origins=dict(data.get("region_origins") or {}),
        )
    except (KeyError, TypeError) as exc:
        raise ModelError(f"not a layer record: {exc}") from None


Support = Mapping[str, tuple[str, ...]]
"""Gold item id -> the annotators (``user:<id>``, or ``corpus``) who had it."""


@dataclass(frozen=True, slots=True)
class GoldRecord:
    """One document's gold layer and how it was made: a line of a gold file (``annotations gold`` writes them
    from annotators' layers, ``corpus import`` from a published corpus, the review round from a reviewer).

    ``annotators`` (who annotated the document) and ``annotated`` (the entity and relation types the record
    declares it annotates) are None where the source does not record them; ``source`` says where the record was
    read ("<file>, line <n>"), for messages, and is not written.
    """

    document: Document
    gold: Layer
    policy: str
    span_support: Support
    relation_support: Support
    disagreements: tuple[Mapping[str, JSONValue], ...] = ()
    annotators: tuple[str, ...] | None = None
    annotated: Mapping[str, tuple[str, ...]] | None = None
    source: str = ""
    reviewed_by: tuple[str, ...] | None = None
    """Who decided the gold in a review round (``user:<id>``); None where no review decided it."""

    def to_dict(self) -> dict[str, JSONValue]:
        d = self.document
        out: dict[str, JSONValue] = {
            "document": {"id": d.id, "text": d.text, "metadata": dict(d.metadata)},
            "gold": layer_to_dict(self.gold),
            "policy": self.policy,
            "support": {
                "spans": {k: list(v) for k, v in self.span_support.items()},
                "relations": {k: list(v) for k, v in self.relation_support.items()},
            },
            "disagreements": [dict(x) for x in self.disagreements],
        }
        if self.annotators is not None:
            out["annotators"] = list(self.annotators)
        if self.annotated is not None:
            out["annotated"] = {k: list(v) for k, v in self.annotated.items()}
        if self.reviewed_by is not None:
            out["reviewed_by"] = list(self.reviewed_by)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, JSONValue], source: str = "") -> GoldRecord:
        """Inverse of :meth:`to_dict`; raises :class:`ModelError` on a record that is not one (the layer is checked
        against the text)."""
        if not isinstance(data, Mapping):
            kind = "null" if data is None else type(data).__name__
            raise ModelError(f"not a gold record (a JSON object with 'document' and 'gold' expected, got {kind})")
        try:
            d = data["document"]
            document = Document(d["id"], d["text"], d.get("metadata") or {})
            if not isinstance(document.id, str) or not isinstance(document.text, str):
                raise TypeError("the document id and text must be strings")
            gold = layer_from_dict(data["gold"])
            support = data.get("support") or {}
            who = data.get("annotators")
            reviewers = data.get("reviewed_by")
            declared = data.get("annotated")
            if declared is not None and not (
                isinstance(declared, Mapping)
                and all(isinstance(declared.get(k, []), list) for k in ("entities", "relations"))
            ):
                raise TypeError('\'annotated\' must be {"entities": [...], "relations": [...]}')
            record = cls(
                document,
                gold,
                str(data.get("policy") or ""),
                {str(k): tuple(v) for k, v in (support.get("spans") or {}).items()},
                {str(k): tuple(v) for k, v in (support.get("relations") or {}).items()},
                tuple(data.get("disagreements") or ()),
                tuple(who) if isinstance(who, list) else None,
                {k: tuple(v) for k, v in declared.items()} if declared is not None else None,
                source,
                tuple(reviewers) if isinstance(reviewers, list) else None,
            )
        except KeyError as exc:
            raise ModelError(f"not a gold record (no field {exc} where one is needed)") from None
        except (TypeError, AttributeError) as exc:
            raise ModelError(f"not a gold record ({exc})") from None
        gold.check_against(document)
        return record


def __getattr__(name: str) -> object:
    """``Annotation``: the layer class's old name, kept for code written against it (deprecated)."""
    if name == "Annotation":
        import warnings

        warnings.warn("toolkit.model.Annotation is deprecated: use Layer", DeprecationWarning, stacklevel=2)
        return Layer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
