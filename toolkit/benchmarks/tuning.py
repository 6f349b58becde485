"""Choosing a baseline's hyper-parameters on the validation split (never on test).

A baseline that can be tuned declares ``GRID`` (a tuple of parameter mappings) and ``with_params``;
each setting is trained on train and scored on validation (strict micro F1 under the dataset's
label rule); the best wins, ties going to the earlier setting. ``bench`` and ``predict`` both
call this, so a model ``predict`` trains is the one ``bench`` scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toolkit.baselines.base import as_layer
from toolkit.dataset.load import Example
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers


def _setting_name(params: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items())


def tune(
    model: Any, train: Sequence[Example], validation: Sequence[Example], schema: Schema, rule: LabelRule
) -> dict[str, float] | None:
    """Set the best of ``model.GRID`` on ``model`` (trained on train, scored on validation); F1 per setting.

    None (and the model untouched) when the model has no grid or there is no validation split.
    """
    grid = getattr(model, "GRID", None)
    if not grid or not validation:
        return None
    results: dict[str, float] = {}
    best: tuple[float, dict[str, Any]] | None = None
    gold = [g for _, g in validation]
    for params in grid:
        model.with_params(**params)
        model.fit(train, schema)
        pred = [as_layer(d, "tuning", model.predict_spans(d)) for d, _ in validation]
        f1 = float(score_layers(gold, pred, rule, entity_modes=("strict",)).entities.overall("strict")["f1"])
        results[_setting_name(dict(params))] = f1
        if best is None or f1 > best[0]:
            best = (f1, dict(params))
    assert best is not None
    model.with_params(**best[1])
    return results


def tune_relations(
    model: Any,
    train: Sequence[Example],
    validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    symmetric: Sequence[str],
) -> dict[str, float] | None:
    """:func:`tune` for a relation baseline: each setting scored by strict relation F1 on validation, given
    the gold entities."""
    grid = getattr(model, "GRID", None)
    if not grid or not validation or not any(g.relations for _, g in validation):
        return None
    results: dict[str, float] = {}
    best: tuple[float, dict[str, Any]] | None = None
    gold = [g for _, g in validation]
    for params in grid:
        model.with_params(**params)
        model.fit(train, schema)
        pred = [as_layer(d, "tuning", g.spans, model.predict_relations(d, g.spans)) for d, g in validation]
        scores = score_layers(gold, pred, rule, symmetric, entity_modes=(), relation_modes=("strict",))
        f1 = float(scores.relations.overall("strict")["f1"])
        results[_setting_name(dict(params))] = f1
        if best is None or f1 > best[0]:
            best = (f1, dict(params))
    assert best is not None
    model.with_params(**best[1])
    return results
