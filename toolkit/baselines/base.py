"""The extractor interface: typed Protocols that mypy checks at the registries.

An entity extractor fits on training documents with their gold layers and predicts a layer of
spans for a document; a relation extractor predicts relations between given spans. Both record their
configuration (``config()``) and save to a folder in safe formats (JSON, crfsuite's own model file; never
pickle). A tunable one declares its grid (:class:`Tunable`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from toolkit._io import atomic_write_text, dumps
from toolkit.errors import ToolkitError
from toolkit.model import Document, Example, Layer, Provenance, Relation, Span
from toolkit.schema import Schema


class BaselineError(ToolkitError):
    """A baseline cannot be trained, saved or loaded."""


ConfigValue = str | int | float | bool
"""A value of a model's configuration, as its result file records it."""
Setting = Mapping[str, float]
"""One setting of a baseline's grid, by parameter name (``{"c1": 0.05, "c2": 0.1}``)."""


class Extractor(Protocol):
    """What every baseline has: a registered name, its configuration, and a folder it saves to and loads from
    (JSON and crfsuite's own model file; never pickle)."""

    name: ClassVar[str]

    def config(self) -> dict[str, ConfigValue]:
        """The settings a result file records (hyper-parameters, the language and the tables used)."""
        ...

    def save(self, folder: Path) -> None: ...


class EntityExtractor(Extractor, Protocol):
    """Fits on (document, gold layer) examples; predicts the spans of a document."""

    def fit(self, train: Sequence[Example], schema: Schema) -> None: ...
    def predict_spans(self, doc: Document) -> list[Span]: ...
    @classmethod
    def load(cls, folder: Path) -> Self: ...


class RelationExtractor(Extractor, Protocol):
    """Fits on (document, gold layer) examples; predicts the relations between given spans of a document."""

    def fit(self, train: Sequence[Example], schema: Schema) -> None: ...
    def predict_relations(self, doc: Document, spans: Sequence[Span]) -> list[Relation]: ...
    @classmethod
    def load(cls, folder: Path) -> Self: ...


@runtime_checkable
class Tunable(Protocol):
    """A baseline with hyper-parameters chosen on validation (:func:`toolkit.baselines.tuning.fit_tuned`).

    ``GRID``: the settings tried, in order (ties go to the earlier); ``fit_grid``: every setting fitted on train
    at once, sharing what the settings share (the CRF's features, the pair classifier's design matrix), one
    fitted model per setting; ``use``: take one of those fits with its setting.
    """

    GRID: ClassVar[tuple[Setting, ...]]

    def fit_grid(self, train: Sequence[Example], schema: Schema, grid: Sequence[Setting]) -> list[Any]: ...
    def use(self, fitted: Any, setting: Setting) -> None: ...


def as_layer(doc: Document, model: str, spans: Sequence[Span], relations: Sequence[Relation] = ()) -> Layer:
    return Layer(
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
