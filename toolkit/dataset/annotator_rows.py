"""The ``annotations`` configuration of a release: every annotator's own layer, one row per (document, annotator).

Researchers who study disagreement, train on soft labels or adjudicate again need the layers the gold was made
from, not only the gold. A row holds the document's text (rows stand alone), the annotator as the layers name
them (``user:<Label Studio id>``: pseudonymous), their spans (with how each region was made, where Label Studio
recorded it: ``prediction``, ``prediction-changed``, ``manual``) and relations, whether the annotation started
from a pre-annotation, whether it is Label Studio's ground truth, and whether the document was a control task.

Rows of released documents go to the document's split; rows of control tasks (scored against known gold, never
released as gold) to a ``control`` split; layers of documents that are neither (no gold was made for them) and
model predictions are left out and counted. Read from the layers files ``annotations import`` writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Features, List, Value

from toolkit.annotations.layers import is_control, read_layers
from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer
from toolkit.schema import Schema

CONFIG = "annotations"
FOLDER = "annotations"
CONTROL_SPLIT = "control"


def annotation_features(schema: Schema) -> Features:
    return Features(
        {
            "document_id": Value("string"),
            "text": Value("string"),
            "annotator": Value("string"),
            "from_prediction": Value("bool"),
            "ground_truth": Value("bool"),
            "control": Value("bool"),
            "spans": List(
                {
                    "id": Value("string"),
                    "start": Value("int32"),
                    "end": Value("int32"),
                    "label": ClassLabel(names=list(schema.entity_labels)),
                    "text": Value("string"),
                    "origin": Value("string"),
                }
            ),
            "relations": List(
                {
                    "id": Value("string"),
                    "head": Value("string"),
                    "tail": Value("string"),
                    "label": ClassLabel(names=list(schema.relation_labels)),
                }
            ),
        }
    )


@dataclass(frozen=True)
class AnnotatorRows:
    """What the ``annotations`` configuration holds, and what was left out of it (counted by reason)."""

    rows: Mapping[str, int]  # split -> rows
    bytes: Mapping[str, int]  # split -> Arrow bytes (the card's num_bytes)
    annotators: int
    documents: int
    from_prediction: int
    left_out: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _row(doc: Document, layer: Layer, control: bool) -> dict[str, Any]:
    origins = layer.region_origins
    return {
        "document_id": doc.id,
        "text": doc.text,
        "annotator": layer.annotator,
        "from_prediction": layer.provenance.parent_prediction is not None
        or any(str(o).startswith("prediction") for o in origins.values()),
        "ground_truth": layer.provenance.ground_truth,
        "control": control,
        "spans": [
            {
                "id": s.id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": doc.text[s.start : s.end],
                "origin": str(origins.get(s.id, "")),
            }
            for s in sorted(layer.spans, key=lambda s: (s.start, s.end, s.label, s.id))
        ],
        "relations": [
            {"id": r.id, "head": r.head, "tail": r.tail, "label": r.label}
            for r in sorted(layer.relations, key=lambda r: (r.head, r.tail, r.label, r.id))
        ],
    }


def write_annotator_rows(
    out: Path, layers_paths: Sequence[Path], split_of: Mapping[str, str], schema: Schema
) -> AnnotatorRows:
    """Write ``out/annotations/<split>.parquet`` from the layers files (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    features = annotation_features(schema)
    by_split: dict[str, list[dict[str, Any]]] = {}
    left_out: Counter[str] = Counter()
    annotators: set[str] = set()
    documents: set[str] = set()
    for path in layers_paths:
        for doc, layers in read_layers(path, schema=schema):
            control = is_control(doc)
            split = CONTROL_SPLIT if control else split_of.get(doc.id)
            for layer in layers:
                if layer.kind != "annotation":
                    left_out[f"{layer.kind} layers (not an annotator's)"] += 1
                elif split is None:
                    left_out["layers of documents not in the release (no gold was made for them)"] += 1
                else:
                    by_split.setdefault(split, []).append(_row(doc, layer, control))
                    annotators.add(layer.annotator)
                    documents.add(doc.id)
    rows: dict[str, int] = {}
    sizes: dict[str, int] = {}
    arrow_schema = features.arrow_schema
    for split, items in sorted(by_split.items()):
        items.sort(key=lambda r: (r["document_id"], r["annotator"], r["ground_truth"]))
        seen = Counter((r["document_id"], r["annotator"]) for r in items)
        twice = next((k for k, n in seen.items() if n > 1 and not _ground_truth_pair(items, k)), None)
        if twice is not None:
            raise ToolkitError(
                f"document {twice[0]} has two layers of {twice[1]} in the layers files; pass each layers file once "
                "(`annotations import` keeps one layer per annotator and document)"
            )
        encoded = [features.encode_example(r) for r in items]
        table = pa.Table.from_pylist(encoded, schema=arrow_schema)
        (out / FOLDER).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, out / FOLDER / f"{split}.parquet", compression="zstd", write_statistics=False)
        rows[split] = table.num_rows
        sizes[split] = int(table.nbytes)
    return AnnotatorRows(
        rows,
        sizes,
        len(annotators),
        len(documents),
        sum(r["from_prediction"] for items in by_split.values() for r in items),
        dict(sorted(left_out.items())),
    )


def _ground_truth_pair(items: Sequence[Mapping[str, Any]], key: tuple[str, str]) -> bool:
    """One annotator may have both an annotation and Label Studio's ground truth of one task."""
    flags = [r["ground_truth"] for r in items if (r["document_id"], r["annotator"]) == key]
    return len(flags) == 2 and flags[0] != flags[1]
