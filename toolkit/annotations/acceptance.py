"""How much the model helped: what annotators did with the pre-annotations they started from.

For every human annotation made from a prediction (Label Studio records ``parent_prediction`` on
the annotation and ``origin`` on each region; ``annotations import`` keeps both), each predicted
span is compared with the annotation:

- **kept**: the annotation has a region with the prediction's id (or, without ids, the same
  offsets) and the same label and offsets;
- **relabelled** / **moved**: the region is there with another label / other offsets (both: moved);
- **deleted**: no region of the annotation comes from it (by id, else by overlap);
- and the annotation's other regions are **added** (``origin: manual``, or no predicted counterpart).

Relations likewise: kept (same endpoints, as matched above, and label), relabelled, deleted, added.
Counts are per model version (the prediction's ``model_version``), in total and per type (the predicted
item's type; an added one's own), so a relation type the model gets wrong shows apart; annotations of tasks
with predictions that did not start from one are counted apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.annotations.layers import read_layers
from toolkit.model import Document, Layer

SPAN_OUTCOMES = ("kept", "relabelled", "moved", "deleted", "added")
RELATION_OUTCOMES = ("kept", "relabelled", "deleted", "added")


def _match_spans(pred: Layer, ann: Layer, by_id: bool) -> tuple[dict[str, str], Counter[tuple[str, str]]]:
    """Predicted span id -> annotation span id it became; and the span outcomes, as (type, outcome)."""
    out: Counter[tuple[str, str]] = Counter()
    became: dict[str, str] = {}
    ann_spans = {s.id: s for s in ann.spans}
    used: set[str] = set()
    for p in pred.spans:
        a = (
            ann_spans.get(p.id)
            if by_id
            else next((s for s in ann.spans if s.id not in used and (s.start, s.end) == (p.start, p.end)), None)
        )
        if a is None and not by_id:
            a = next((s for s in ann.spans if s.id not in used and s.start < p.end and p.start < s.end), None)
        if a is None:
            out[p.label, "deleted"] += 1
            continue
        used.add(a.id)
        became[p.id] = a.id
        if (a.start, a.end) != (p.start, p.end):
            out[p.label, "moved"] += 1
        elif a.label != p.label:
            out[p.label, "relabelled"] += 1
        else:
            out[p.label, "kept"] += 1
    out.update((s.label, "added") for s in ann.spans if s.id not in used)
    return became, out


def _match_relations(pred: Layer, ann: Layer, became: dict[str, str]) -> Counter[tuple[str, str]]:
    """The relation outcomes, as (type, outcome)."""
    out: Counter[tuple[str, str]] = Counter()
    ann_rel = {(r.head, r.tail): r.label for r in ann.relations}
    used: set[tuple[str, str]] = set()
    for r in pred.relations:
        key = (became.get(r.head, ""), became.get(r.tail, ""))
        if key not in ann_rel:
            out[r.label, "deleted"] += 1
            continue
        used.add(key)
        out[r.label, "kept" if ann_rel[key] == r.label else "relabelled"] += 1
    out.update((label, "added") for k, label in ann_rel.items() if k not in used)
    return out


@dataclass(frozen=True)
class Outcome:
    """What one annotator did with the prediction one annotation started from."""

    model_version: str
    annotator: str
    spans: Counter[tuple[str, str]]  # (type, outcome)
    relations: Counter[tuple[str, str]]
    predicted_spans: int
    predicted_relations: int


def outcomes(document_layers: Iterable[tuple[Document, list[Layer]]]) -> Iterator[Outcome | None]:
    """One outcome per human annotation made from a prediction; None for an annotation of a task with predictions
    that did not start from one. (Annotations whose prediction is not in the export are not yielded: see
    :func:`acceptance`.)"""
    for _, layers in document_layers:
        preds = {x.provenance.annotation_id: x for x in layers if x.kind == "prediction"}
        for layer in layers:
            if layer.kind != "annotation":
                continue
            parent = layer.provenance.parent_prediction
            if parent is None:
                if preds:
                    yield None
                continue
            pred = preds.get(parent)
            if pred is None:
                continue
            by_id = bool(layer.region_origins) or bool({s.id for s in pred.spans} & {s.id for s in layer.spans})
            became, span_counts = _match_spans(pred, layer, by_id)
            rel_counts = _match_relations(pred, layer, became)
            yield Outcome(
                pred.annotator, layer.annotator, span_counts, rel_counts, len(pred.spans), len(pred.relations)
            )


def totals(counts: Counter[tuple[str, str]]) -> Counter[str]:
    """(type, outcome) counts summed over the types."""
    total: Counter[str] = Counter()
    for (_, outcome), n in counts.items():
        total[outcome] += n
    return total


def _block(counts: Counter[tuple[str, str]], outcomes: tuple[str, ...], predicted: int) -> dict[str, Any]:
    """Outcome counts of one model version: the totals, the kept share, and the same per type."""
    total = totals(counts)
    by_type: dict[str, Any] = {}
    for label in sorted({t for t, _ in counts}):
        mine = {k: counts[label, k] for k in outcomes}
        offered = sum(v for k, v in mine.items() if k != "added")
        by_type[label] = {
            "predicted": offered,
            **mine,
            "kept_share": round(mine["kept"] / offered, 4) if offered else None,
        }
    return {
        "predicted": predicted,
        **{k: total[k] for k in outcomes},
        "kept_share": round(total["kept"] / predicted, 4) if predicted else None,
        "by_type": by_type,
    }


def acceptance(path: Path) -> dict[str, Any]:
    """Per model version: annotations made from its predictions and what became of its spans and relations."""
    spans: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    relations: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    made_from: Counter[str] = Counter()
    predicted_spans: Counter[str] = Counter()
    predicted_relations: Counter[str] = Counter()
    not_from_prediction = unmatched = 0
    for doc, layers in read_layers(path):
        made = [x for x in layers if x.kind == "annotation" and x.provenance.parent_prediction is not None]
        preds = {x.provenance.annotation_id for x in layers if x.kind == "prediction"}
        unmatched += sum(1 for x in made if x.provenance.parent_prediction not in preds)
        for o in outcomes([(doc, layers)]):
            if o is None:
                not_from_prediction += 1
                continue
            made_from[o.model_version] += 1
            predicted_spans[o.model_version] += o.predicted_spans
            predicted_relations[o.model_version] += o.predicted_relations
            spans[o.model_version].update(o.spans)
            relations[o.model_version].update(o.relations)
    versions: dict[str, Any] = {}
    for v in sorted(made_from):
        versions[v] = {
            "annotations_from_predictions": made_from[v],
            "spans": _block(spans[v], SPAN_OUTCOMES, predicted_spans[v]),
            "relations": _block(relations[v], RELATION_OUTCOMES, predicted_relations[v]),
        }
    return {
        "source": str(path),
        "model_versions": versions,
        "annotations_not_from_a_prediction": not_from_prediction,
        "annotations_whose_prediction_is_missing": unmatched,
    }
