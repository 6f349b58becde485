"""Canonical layers <-> Label Studio ``result`` lists (regions and relations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.model import Layer
from toolkit.schema import Schema


def layer_to_result(
    layer: Layer, text: str, schema: Schema, scores: Mapping[str, float] | None = None
) -> list[dict[str, Any]]:
    """Label Studio regions (code-point offsets, ``value.text`` from the text) and relations: the one builder of
    the ``result`` lists the toolkit sends (predictions, review tasks, control gold, test exports).

    Directed relations are drawn head -> tail (``direction: right``); symmetric ones ``bi``. ``scores``: a
    confidence per span or relation id (a model's pre-annotations), written as each item's ``score``.
    """
    directed = {r.label: r.directed for r in schema.relations}
    result: list[dict[str, Any]] = []
    for s in layer.spans:
        region: dict[str, Any] = {
            "id": s.id,
            "from_name": schema.label_studio.labels_name,
            "to_name": schema.label_studio.text_name,
            "type": "labels",
            "value": {"start": s.start, "end": s.end, "text": text[s.start : s.end], "labels": [s.label]},
        }
        if scores is not None and s.id in scores:
            region["score"] = scores[s.id]
        result.append(region)
    for r in layer.relations:
        relation: dict[str, Any] = {
            "type": "relation",
            "from_id": r.head,
            "to_id": r.tail,
            "direction": "right" if directed.get(r.label, True) else "bi",
            "labels": [r.label],
        }
        if scores is not None and r.id in scores:
            relation["score"] = scores[r.id]
        result.append(relation)
    return result


def export_task(
    task_id: int, text: str, layers: list[Layer], schema: Schema, extra_data: dict[str, Any]
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
