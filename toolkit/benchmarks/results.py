"""The result files of ``toolkit bench``, one type each, written and read by the same type.

``benchmarks/<dataset>/<version>/<baseline>.json``: an :class:`EntityResult` (``task: "entities"``) or a
:class:`RelationResult` (``task: "relations"``). The JSON Schema of both (``schemas/bench-result.schema.json``)
is generated from these types (``python -m toolkit.benchmarks.results``), and a test holds the committed file
to them; the leaderboard, ``predict`` and the tests read result files through :func:`read_result`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines.base import ConfigValue
from toolkit.errors import ToolkitError
from toolkit.scoring.results import EntityMode, Frozen, RelationModes

CURVE_FILE = "learning_curve.json"
"""Written beside the result files by ``bench --learning-curve``; not a result file."""
END_TO_END = "test_end_to_end_with_"
"""Prefix of a relation result's end-to-end scores, followed by the entity baseline whose spans it used."""


class EntitySplit(Frozen):
    """Scores of an entity baseline on one split, every mode, with what was left out of them."""

    strict: EntityMode
    exact: EntityMode | None = None
    partial: EntityMode | None = None
    ent_type: EntityMode | None = None
    documents: int
    not_annotated: dict[str, int]
    confusion: dict[str, dict[str, int]] | None = None
    """Gold type -> predicted type for same-boundary entities (``O``: missed or spurious); test only."""


class Identity(Frozen):
    """What every result records: which baseline on which data version, by whom and how."""

    baseline: str
    dataset: str
    version: str
    manifest_sha256: str
    toolkit_version: str
    seed: int
    skipped: str | None = None
    """Why the baseline could not run on this release (then no scores)."""
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    tuning_on_validation: dict[str, float] | None = None


class EntityResult(Identity):
    task: Literal["entities"]
    resamples: int
    labels_scored: list[str]
    train: EntitySplit | None = None
    validation: EntitySplit | None = None
    test: EntitySplit | None = None


class RelationResult(Identity):
    model_config = Identity.model_config | {"extra": "allow"}
    """End-to-end scores are keyed by the entity baseline (``test_end_to_end_with_crf``): read them with
    :meth:`end_to_end`."""

    task: Literal["relations"]
    test_given_gold_entities: RelationModes | None = None

    def end_to_end(self) -> dict[str, RelationModes]:
        """The end-to-end scores by entity baseline."""
        extra = self.model_extra or {}
        return {k.removeprefix(END_TO_END): RelationModes.model_validate(v) for k, v in extra.items()}


BenchResult = Annotated[EntityResult | RelationResult, Field(discriminator="task")]
_ADAPTER: TypeAdapter[EntityResult | RelationResult] = TypeAdapter(BenchResult)


def result_files(folder: Path) -> list[Path]:
    """The result files of one dataset version's folder, by name: JSON objects with a ``baseline`` and a ``task``
    (notes and learning curves beside them are left alone; a result file that does not fit its type is an error
    when it is read)."""
    out = []
    for f in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if f.name != CURVE_FILE and isinstance(data, dict) and "baseline" in data and "task" in data:
            out.append(f)
    return out


def write_result(path: Path, result: EntityResult | RelationResult) -> Path:
    atomic_write_text(path, dumps(result.to_json_dict(), indent=1) + "\n")
    return path


def read_result(path: Path) -> EntityResult | RelationResult:
    """A result file as its type; an error names the file and what does not fit."""
    try:
        return _ADAPTER.validate_python(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else None
        what = f"{'.'.join(map(str, first['loc']))}: {first['msg']}" if first else str(exc)
        raise ToolkitError(f"{path}: not a bench result ({what}); run `toolkit bench` again") from None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of result files (committed as ``schemas/bench-result.schema.json``)."""
    schema = _ADAPTER.json_schema()
    schema["$id"] = "bench-result.schema.json"
    schema["title"] = "toolkit bench result"
    return schema


def write_json_schema(path: Path) -> Path:
    """Write :func:`json_schema` (a test holds the committed file to the types)."""
    atomic_write_text(path, dumps(json_schema(), indent=1) + "\n")
    return path
