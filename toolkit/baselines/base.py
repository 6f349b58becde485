"""The extractor interface and registries.

An entity extractor fits on training documents with their gold layers and predicts a layer of
spans for a document; a relation extractor predicts relations between given spans. Both save to
a folder in safe formats (JSON, crfsuite's own model file; never pickle) with their config.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from toolkit._io import atomic_write_text, dumps
from toolkit.errors import ToolkitError
from toolkit.model import Annotation, Document, Provenance, Relation, Span
from toolkit.schema import Schema

Example = tuple[Document, Annotation]
Progress = Callable[[int, int], None]


class BaselineError(ToolkitError):
    """A baseline cannot be trained, saved or loaded."""


class EntityExtractor(Protocol):
    name: str

    def fit(self, train: Sequence[Example], schema: Schema, progress: Progress | None = None) -> None: ...
    def predict_spans(self, doc: Document) -> list[Span]: ...
    def save(self, folder: Path) -> None: ...


class RelationExtractor(Protocol):
    name: str

    def fit(self, train: Sequence[Example], schema: Schema) -> None: ...
    def predict_relations(self, doc: Document, spans: Sequence[Span]) -> list[Relation]: ...
    def save(self, folder: Path) -> None: ...


def as_layer(doc: Document, model: str, spans: Sequence[Span], relations: Sequence[Relation] = ()) -> Annotation:
    return Annotation(
        doc.id, model, "", tuple(spans), tuple(relations), Provenance("predicted", model_version=model), "prediction"
    )


def write_config(folder: Path, name: str, config: Mapping[str, Any]) -> None:
    atomic_write_text(Path(folder) / "config.json", dumps({"baseline": name, **config}, indent=1) + "\n")


def read_config(folder: Path, name: str) -> dict[str, Any]:
    path = Path(folder) / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BaselineError(f"{path}: cannot read the model config ({exc})") from None
    if config.get("baseline") != name:
        raise BaselineError(f"{path}: a {config.get('baseline')!r} model, not {name!r}")
    return dict(config)


def spans_in_order(spans: Sequence[Span]) -> list[Span]:
    return [
        Span(f"T{i}", s.start, s.end, s.label)
        for i, s in enumerate(sorted(spans, key=lambda s: (s.start, s.end, s.label)), 1)
    ]


def record_training_data(folder: Path, trained_on: Mapping[str, Any]) -> None:
    """Add the dataset the model was trained on (release name, version, manifest checksum) to its config."""
    path = Path(folder) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["trained_on"] = dict(trained_on)
    atomic_write_text(path, dumps(config, indent=1) + "\n")
