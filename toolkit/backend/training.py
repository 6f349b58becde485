"""Retraining from the project's own annotations, in a separate process.

A job pulls the project's full export (a snapshot, as ``ls pull`` makes), imports it exactly as
``annotations import --skip-invalid`` does (cancelled annotations, drafts and predictions are never
gold; invalid annotations are skipped and counted), adjudicates gold as ``annotations gold`` does,
and trains on the release's train split plus that gold (a document annotated in Label Studio
replaces the release's copy), tuned on the release's validation split. It runs in a spawned
process, so the server keeps answering with the previous model; the job writes the new model to a
folder and returns what it trained on.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.annotations.gold_records import read_gold_records
from toolkit.backend.served import ServeOptions, build_model
from toolkit.model import Example
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule


@dataclass(frozen=True)
class TrainingSetup:
    """Everything a training job needs, as plain values (it crosses a process boundary)."""

    schema_path: str
    release: str | None
    project_id: int | None
    url: str
    api_key: str
    name: str
    options: ServeOptions = field(default_factory=ServeOptions)


def _gold_examples(path: Path) -> list[Example]:
    return [(r.document, r.gold) for r in read_gold_records(path)]


def base_examples(
    release: str | None, schema: Schema
) -> tuple[list[Example], list[Example], dict[str, Any], LabelRule]:
    """(train, validation, what they are, label rule) of the release the backend starts from."""
    from toolkit.dataset.load import load_release

    if release is None:
        return [], [], {}, LabelRule.from_schema(schema)
    rel = load_release(Path(release))
    about = {"dataset": rel.name, "version": rel.version, "manifest_sha256": rel.manifest_sha256}
    return list(rel.splits["train"]), list(rel.splits["validation"]), about, rel.label_rule


def retrain(setup: TrainingSetup, out_dir: str, version: str) -> dict[str, Any]:
    """Pull, import, adjudicate, train and save to ``out_dir``; a summary of the job (raises ToolkitError)."""
    from toolkit.annotations.gold import write_gold
    from toolkit.annotations.importer import import_export
    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.pull import pull
    from toolkit.schema import load_schema

    schema = load_schema(Path(setup.schema_path))
    train, validation, about, rule = base_examples(setup.release, schema)
    with tempfile.TemporaryDirectory(prefix="toolkit-backend-") as tmp:
        conn = connect(setup.url, setup.api_key)
        entry = pull(conn, title=setup.name, project_id=setup.project_id, out_dir=Path(tmp) / "snapshots")
        snapshot = Path(tmp) / "snapshots" / entry.file
        report = import_export(snapshot, schema, out_dir=Path(tmp) / "layers", skip_invalid=True)
        layers = Path(str(report.output))
        gold = write_gold(layers, Path(tmp) / "gold", schema_path=Path(setup.schema_path))
        annotated = _gold_examples(Path(gold.output))
    # the corpus through the label map, the project's gold in the schema's own labels: one label set
    model = build_model(
        train,
        validation,
        schema,
        rule,
        version,
        {**about, "label_studio_snapshot_sha256": entry.sha256, "label_studio_documents": len(annotated)},
        setup.options,
        project=annotated,
    )
    mine = {d.id for d, _ in annotated}
    examples = [ex for ex in train if ex[0].id not in mine] + annotated
    model.save(Path(out_dir))
    skipped = {k: v for k, v in report.skipped.items() if any(v.values())}
    return {
        "version": version,
        "documents_from_label_studio": len(annotated),
        "training_documents": len(examples),
        "snapshot_sha256": entry.sha256,
        "annotations_imported": report.counts.get("annotations", {}).get("written", 0),
        "skipped": skipped,
    }
