"""Canonical layers <-> Label Studio ``result`` lists (regions and relations)."""

from __future__ import annotations

from typing import Any

from toolkit.model import Annotation
from toolkit.schema import Schema


def layer_to_result(layer: Annotation, text: str, schema: Schema) -> list[dict[str, Any]]:
    """Label Studio regions (code-point offsets, ``value.text`` from the text) and relations.

    Directed relations are drawn head -> tail (``direction: right``); symmetric ones ``bi``.
    """
    directed = {r.label: r.directed for r in schema.relations}
    result: list[dict[str, Any]] = [
        {
            "id": s.id,
            "from_name": schema.label_studio.labels_name,
            "to_name": schema.label_studio.text_name,
            "type": "labels",
            "value": {"start": s.start, "end": s.end, "text": text[s.start : s.end], "labels": [s.label]},
        }
        for s in layer.spans
    ]
    result += [
        {
            "type": "relation",
            "from_id": r.head,
            "to_id": r.tail,
            "direction": "right" if directed.get(r.label, True) else "bi",
            "labels": [r.label],
        }
        for r in layer.relations
    ]
    return result


def export_task(
    task_id: int, text: str, layers: list[Annotation], schema: Schema, extra_data: dict[str, Any]
) -> dict[str, Any]:
    """A task in Label Studio's full-export shape holding these layers (annotations and predictions)."""
    annotations, predictions = [], []
    for n, layer in enumerate(layers, 1):
        item: dict[str, Any] = {
            "id": layer.provenance.annotation_id or task_id * 1000 + n,
            "result": layer_to_result(layer, text, schema),
            "created_at": layer.created_at,
        }
        if layer.kind == "prediction":
            item["model_version"] = layer.annotator
            predictions.append(item)
        else:
            who = layer.annotator.removeprefix("user:")
            item.update(
                completed_by=int(who) if who.isdigit() else who,
                was_cancelled=False,
                ground_truth=layer.provenance.ground_truth,
            )
            annotations.append(item)
    data = {schema.label_studio.text_field: text, **extra_data}
    return {"id": task_id, "data": data, "annotations": annotations, "predictions": predictions}
