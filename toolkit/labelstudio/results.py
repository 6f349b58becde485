"""Canonical layers <-> Label Studio ``result`` lists (regions and relations)."""

from __future__ import annotations

from typing import Any

from toolkit.model import Annotation
from toolkit.schema import LABELS_NAME, TEXT_NAME, Schema


def layer_to_result(layer: Annotation, text: str, schema: Schema) -> list[dict[str, Any]]:
    """Label Studio regions (code-point offsets, ``value.text`` from the text) and relations.

    Directed relations are drawn head -> tail (``direction: right``); symmetric ones ``bi``.
    """
    directed = {r.label: r.directed for r in schema.relations}
    result: list[dict[str, Any]] = [
        {
            "id": s.id,
            "from_name": LABELS_NAME,
            "to_name": TEXT_NAME,
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
