"""Reading what ``toolkit score`` compares: a reference and one or two systems' predictions.

The reference (GOLD) may be any gold file the toolkit writes - the records of ``annotations
gold`` or of ``corpus import-*`` (``{"document", "gold", ...}`` per line) - a release folder (one
split), or a file in the prediction format. A layers file (``annotations import``) holds one layer
per annotator, not one reference: it is refused with the commands that take it. Predictions are
the prediction format or gold records (another annotator's adjudicated layer). Which labels
count follows :mod:`labels`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import loads
from toolkit.annotations.gold_records import read_gold_records
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Document, Layer, Provenance
from toolkit.predictions import PredictionError, read_prediction_set
from toolkit.schema import Schema
from toolkit.scoring.intervals import paired_test
from toolkit.scoring.labels import LabelRule, union_declared
from toolkit.scoring.report import score_layers
from toolkit.scoring.results import PairedTest, ScoreReport


class ScoreInputError(ToolkitError):
    """A file given to ``score`` is not what it should be."""


@dataclass(frozen=True)
class Side:
    """Layers by document id, with the texts (when the file has them) and what was dropped."""

    layers: dict[str, Layer]
    texts: dict[str, str]
    rule: LabelRule | None
    skipped: dict[str, int]


def _first_record(path: Path, role: str) -> Any:
    lineno = 0
    try:
        with path.open("rb") as fh:
            for raw in fh:
                lineno += 1  # named in the errors below
                if raw.strip():
                    return loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ScoreInputError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ScoreInputError(f"{path}, line {lineno}: not UTF-8 ({exc.reason}); save the file as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ScoreInputError(f"{path}, line {lineno}: not JSON ({exc.msg})") from None
    raise ScoreInputError(f"{path}: no {role} (the file is empty); write one JSON line per document")


def _gold_records(path: Path, schema: Schema) -> Side:
    layers: dict[str, Layer] = {}
    texts: dict[str, str] = {}
    declared = []
    entity_labels, relation_labels = set(schema.entity_labels), set(schema.relation_labels)
    for r in read_gold_records(path):
        bad = [s.label for s in r.gold.spans if s.label not in entity_labels]
        bad += [x.label for x in r.gold.relations if x.label not in relation_labels]
        if bad:
            raise ScoreInputError(
                f"{r.source}: document {r.document.id}: label {bad[0]!r} is not in the schema {schema.name}; "
                "pass the schema the gold was made with (--schema)"
            )
        layers[r.document.id], texts[r.document.id] = r.gold, r.document.text
        declared.append(r.annotated)
    union = union_declared(declared)
    rule = LabelRule.declared(union, f"declared by the gold records of {path.name}") if union else None
    return Side(layers, texts, rule, {})


def read_side(
    path: Path, schema: Schema, *, split: str = "test", skip_invalid: bool = False, role: str = "predictions"
) -> Side:
    """Layers of a gold file, a release split or a prediction file."""
    path = Path(path)
    if path.is_dir():
        from toolkit.dataset.load import load_release

        rel = load_release(path)
        if split not in rel.splits or not rel.splits[split]:
            have = [s for s, docs in rel.splits.items() if docs]
            raise ScoreInputError(f"{path}: no split {split!r} (it has {', '.join(have)}); pass --split")
        rule = LabelRule.declared(rel.annotated_types, f"declared by release {rel.name} {rel.version}")
        pairs = rel.splits[split]
        return Side({d.id: g for d, g in pairs}, {d.id: d.text for d, _ in pairs}, rule, {})
    first = _first_record(path, role)
    if isinstance(first, dict) and "document" in first and "gold" in first:
        return _gold_records(path, schema)
    if isinstance(first, dict) and "document" in first and "layers" in first:
        raise ScoreInputError(
            f"{path}: a layers file (one layer per annotator, from `toolkit annotations import`), not one reference; "
            "adjudicate it with `toolkit annotations gold`, or compare its annotators with `toolkit annotations agree`"
        )
    try:
        preds = read_prediction_set(
            path,
            entity_labels=schema.entity_labels,
            relation_labels=schema.relation_labels,
            skip_invalid=skip_invalid,
        )
    except PredictionError as exc:
        raise ScoreInputError(str(exc)) from None
    return Side({x.document_id: x for x in preds.layers}, {}, None, dict(preds.skipped))


def _aligned(gold: Side, pred: Side, path: Path, schema: Schema) -> tuple[list[Layer], int]:
    extra = sorted(set(pred.layers) - set(gold.layers))
    if extra:
        raise ScoreInputError(
            f"{path}: predictions for {len(extra)} document(s) not in the reference, e.g. {extra[0]!r}; "
            "score against the split they were predicted for (--split)"
        )
    out = []
    missing = 0
    for doc_id in sorted(gold.layers):
        layer = pred.layers.get(doc_id)
        if layer is None:
            missing += 1  # a document without a prediction line predicts nothing
            layer = Layer(doc_id, "none", "", (), (), Provenance(str(path)), "prediction")
        text = gold.texts.get(doc_id)
        if text is not None:
            try:
                layer.check_against(Document(doc_id, text))
            except ModelError as exc:
                raise ScoreInputError(f"{path}: {exc}") from None
            if not schema.spans_cross_lines:
                for s in layer.spans:
                    if "\n" in text[s.start : s.end]:
                        raise ScoreInputError(
                            f"{path}: document {doc_id}, span {s.id} [{s.start}, {s.end}) crosses a line break "
                            f"({text[s.start : s.end]!r}); the schema does not allow spans across lines"
                        )
        out.append(layer)
    return out, missing


def score_files(
    gold: Path,
    pred: Path,
    schema: Schema,
    *,
    split: str = "test",
    compare: Path | None = None,
    resamples: int = 1000,
    seed: int = 0,
    skip_invalid: bool = False,
) -> ScoreReport:
    """``toolkit score``: the report of :func:`toolkit.scoring.report.score_layers` for files."""
    ref = read_side(gold, schema, split=split, role="reference documents")
    if not ref.layers:
        raise ScoreInputError(f"{gold}: no reference documents")
    rule = ref.rule or LabelRule.from_schema(schema)
    symmetric = [r.label for r in schema.relations if not r.directed]
    g = [ref.layers[k] for k in sorted(ref.layers)]
    side = read_side(pred, schema, skip_invalid=skip_invalid)
    p, missing = _aligned(ref, side, pred, schema)
    scores = score_layers(g, p, rule, symmetric)
    paired = None
    if compare is not None:
        other_side = read_side(compare, schema, skip_invalid=skip_invalid)
        q, _ = _aligned(ref, other_side, compare, schema)
        other = score_layers(g, q, rule, symmetric)
        test = paired_test(
            scores.entities.per_doc["strict"], other.entities.per_doc["strict"], seed=seed, trials=resamples
        )
        paired = PairedTest.model_validate(test)
    extra = {"paired": paired} if paired is not None else {}
    return scores.report(resamples, seed).model_copy(
        update={"documents_without_predictions": missing, "skipped": side.skipped, **extra}
    )
