"""Choosing a baseline's hyper-parameters on the validation split (never on test).

A baseline that can be tuned declares ``GRID`` (a tuple of parameter mappings), ``fit_grid`` (every
setting fitted on train at once, sharing what the settings share) and ``use`` (take one of those fits);
each setting is scored on validation (strict micro F1 under the dataset's label rule); the best
wins, ties going to the earlier setting. ``bench`` and ``predict`` both call this, so a model
``predict`` trains is the one ``bench`` scored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from toolkit.baselines.base import as_layer
from toolkit.dataset.load import Example
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers


def _setting_name(params: dict[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in params.items())


def _search(
    model: Any, train: Sequence[Example], schema: Schema, grid: Sequence[Any], f1_on_validation: Callable[[], float]
) -> dict[str, float]:
    """Fit every setting of ``grid`` at once (``model.fit_grid``), score each with ``f1_on_validation``, leave the
    model with the best one's fit (ties keep the earlier setting); F1 per setting."""
    results: dict[str, float] = {}
    best: tuple[float, int] | None = None
    fitted = model.fit_grid(train, schema, grid)
    for k, params in enumerate(grid):
        model.use(fitted[k], **params)
        f1 = f1_on_validation()
        results[_setting_name(dict(params))] = f1
        if best is None or f1 > best[0]:
            best = (f1, k)
    assert best is not None
    model.use(fitted[best[1]], **grid[best[1]])
    return results


def tune(
    model: Any, train: Sequence[Example], validation: Sequence[Example], schema: Schema, rule: LabelRule
) -> dict[str, float] | None:
    """Fit ``model`` on train with the best of ``model.GRID`` (scored on validation); F1 per setting.

    The settings are trained at once (the CRF: features extracted once, settings on worker processes) and
    the best one's model is kept. None (and the model not fitted) when it has no grid or there is no
    validation split.
    """
    grid = getattr(model, "GRID", None)
    if not grid or not validation:
        return None
    gold = [g for _, g in validation]

    def f1_on_validation() -> float:
        pred = [as_layer(d, "tuning", model.predict_spans(d)) for d, _ in validation]
        return float(score_layers(gold, pred, rule, entity_modes=("strict",)).entities.overall("strict")["f1"])

    return _search(model, train, schema, grid, f1_on_validation)


def tune_relations(
    model: Any,
    train: Sequence[Example],
    validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    symmetric: Sequence[str],
) -> dict[str, float] | None:
    """:func:`tune` for a relation baseline: each setting scored by strict relation F1 on validation, given
    the gold entities (the pair classifier's ``fit_grid`` extracts the pairs' features once and fits one
    regression per ``c``)."""
    grid = getattr(model, "GRID", None)
    if not grid or not validation or not any(g.relations for _, g in validation):
        return None
    gold = [g for _, g in validation]

    def f1_on_validation() -> float:
        pred = [as_layer(d, "tuning", g.spans, model.predict_relations(d, g.spans)) for d, g in validation]
        scores = score_layers(gold, pred, rule, symmetric, entity_modes=(), relation_modes=("strict",))
        return float(scores.relations.overall("strict")["f1"])

    return _search(model, train, schema, grid, f1_on_validation)
