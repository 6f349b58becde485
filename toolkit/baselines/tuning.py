"""Training a baseline as ``bench`` scores it: hyper-parameters chosen on the validation split (never on test).

A :class:`~toolkit.baselines.base.Tunable` baseline's ``GRID`` settings are all fitted on train at once
(``fit_grid``: they share their features), each is scored on validation (strict micro F1 under the dataset's
label rule; relations with the gold entities), and the best one is kept (``use``), ties going to the earlier
setting. A baseline without a grid, or a dataset without validation, is simply fitted. ``bench``, ``predict``,
learning curves and the model backend all train through :func:`fit_tuned` / :func:`fit_tuned_relations`, so a
model ``predict`` trains is the one ``bench`` scored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from toolkit.baselines.base import EntityExtractor, RelationExtractor, Setting, Tunable, as_layer
from toolkit.model import Example
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers

Tuning = dict[str, float]
"""Validation F1 of each setting of the grid, by the setting's name (``c1=0.05,c2=0.1``)."""


def setting_name(setting: Setting) -> str:
    return ",".join(f"{k}={v}" for k, v in setting.items())


def _search(model: Tunable, train: Sequence[Example], schema: Schema, f1_on_validation: Callable[[], float]) -> Tuning:
    """Fit every setting of the model's grid at once, score each with ``f1_on_validation``, leave the model with the
    best one's fit (ties keep the earlier setting); F1 per setting."""
    grid = model.GRID
    results: Tuning = {}
    best: tuple[float, int] | None = None
    fitted = model.fit_grid(train, schema, grid)
    for k, setting in enumerate(grid):
        model.use(fitted[k], setting)
        f1 = f1_on_validation()
        results[setting_name(setting)] = f1
        if best is None or f1 > best[0]:
            best = (f1, k)
    assert best is not None
    model.use(fitted[best[1]], grid[best[1]])
    return results


def fit_tuned(
    model: EntityExtractor, train: Sequence[Example], validation: Sequence[Example], schema: Schema, rule: LabelRule
) -> Tuning | None:
    """Fit ``model`` on train with the best setting of its grid on validation; F1 per setting. Without a grid or a
    validation split the model is fitted as it is, and None is returned."""
    if not isinstance(model, Tunable) or not model.GRID or not validation:
        model.fit(train, schema)
        return None
    gold = [g for _, g in validation]

    def f1_on_validation() -> float:
        pred = [as_layer(d, "tuning", model.predict_spans(d)) for d, _ in validation]
        return float(score_layers(gold, pred, rule, entity_modes=("strict",)).entities.overall("strict")["f1"])

    return _search(model, train, schema, f1_on_validation)


def fit_tuned_relations(
    model: RelationExtractor,
    train: Sequence[Example],
    validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    symmetric: Collection[str],
) -> Tuning | None:
    """:func:`fit_tuned` for a relation baseline: each setting scored by strict relation F1 on validation, given
    the gold entities; validation without relations cannot choose, so the model is fitted as it is."""
    if not isinstance(model, Tunable) or not model.GRID or not any(g.relations for _, g in validation):
        model.fit(train, schema)
        return None
    gold = [g for _, g in validation]

    def f1_on_validation() -> float:
        pred = [as_layer(d, "tuning", g.spans, model.predict_relations(d, g.spans)) for d, g in validation]
        scores = score_layers(gold, pred, rule, symmetric, entity_modes=(), relation_modes=("strict",))
        return float(scores.relations.overall("strict")["f1"])

    return _search(model, train, schema, f1_on_validation)
