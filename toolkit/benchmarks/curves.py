"""Learning curves (``toolkit bench RELEASE --learning-curve``): how test F1 grows with training documents.

For each repeat (seed), the train split is shuffled once and cut into nested subsets at the given
fractions (every subset holds the smaller ones), so a curve is monotone in data, not in luck. Each
baseline is tuned on validation and trained on each subset exactly as ``bench`` does, and scored on
test (strict micro F1, bootstrap 95% CI over documents). A power law F1(n) = a - b * n^(-c) is fitted
to the means (scipy's ``curve_fit``); from it, how many more training documents would give +0.01 and
+0.02 test F1, with an interval from the fit's covariance (parameters drawn from their fitted normal
distribution, 2.5th-97.5th percentiles; None where the curve never reaches the gain).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from toolkit._io import atomic_write_text, dumps
from toolkit.baselines import ENTITY_EXTRACTORS, fit_tuned
from toolkit.baselines.base import BaselineError, as_layer
from toolkit.benchmarks.results import CURVE_FILE
from toolkit.dataset.load import load_release
from toolkit.errors import ToolkitError
from toolkit.schema import Schema
from toolkit.scoring.report import score_layers

DEFAULT_FRACTIONS = (0.1, 0.25, 0.5, 0.75, 1.0)
GAINS = (0.01, 0.02)


def _power_law(n: Any, a: float, b: float, c: float) -> Any:
    return a - b * np.power(n, -c)


def fit_power_law(sizes: Sequence[float], f1: Sequence[float], samples: int = 2000, seed: int = 0) -> dict[str, Any]:
    """Fit F1(n) = a - b n^-c; documents needed for +0.01/+0.02 over the largest size, with intervals."""
    from scipy.optimize import curve_fit

    x, y = np.asarray(sizes, dtype=np.float64), np.asarray(f1, dtype=np.float64)
    if len(x) < 4:
        return {"fitted": False, "reason": "needs 4 or more training sizes"}
    try:
        params, cov = curve_fit(_power_law, x, y, p0=(min(1.0, y.max() + 0.05), 1.0, 0.5), maxfev=20000)
    except (RuntimeError, ValueError) as exc:
        return {"fitted": False, "reason": f"the power law does not fit ({exc})"}
    a, b, c = (float(v) for v in params)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(params, np.nan_to_num(cov), size=samples) if np.isfinite(cov).all() else None
    largest = float(x.max())
    out: dict[str, Any] = {
        "fitted": True,
        "a": a,
        "b": b,
        "c": c,
        "plateau_f1": a,
        "at_largest": float(_power_law(largest, a, b, c)),
    }
    for gain in GAINS:
        need = _extra_documents(a, b, c, largest, gain)
        entry: dict[str, Any] = {"extra_documents": need}
        if draws is not None:
            extra = [_extra_documents(float(d[0]), float(d[1]), float(d[2]), largest, gain) for d in draws]
            finite = [e for e in extra if e is not None]
            entry["ci95"] = (
                [float(np.percentile(finite, 2.5)), float(np.percentile(finite, 97.5))]
                if len(finite) > samples // 2
                else None
            )
            entry["share_of_draws_reaching_it"] = len(finite) / samples
        out[f"plus_{gain:.2f}"] = entry
    return out


def _extra_documents(a: float, b: float, c: float, largest: float, gain: float) -> float | None:
    """Training documents beyond ``largest`` for F1 to rise by ``gain`` on the fitted curve (None: never)."""
    target = a - b * largest ** (-c) + gain
    if b <= 0 or c <= 0 or target >= a:
        return None
    n = (b / (a - target)) ** (1.0 / c)
    return float(max(n - largest, 0.0))


def learning_curve(
    release_dir: Path,
    schema: Schema,
    *,
    out_root: Path = Path("benchmarks"),
    baselines: Sequence[str] = ("crf", "gazetteer"),
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
    repeats: int = 3,
    seed: int = 0,
    resamples: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write ``<out>/<dataset>/<version>/learning_curve.json`` and ``.png``; returns the JSON's path."""
    if not fractions or any(not 0 < f <= 1 for f in fractions):
        raise ToolkitError(f"--fractions must be numbers in (0, 1], got {list(fractions)}")
    if repeats < 1:
        raise ToolkitError(f"--repeats must be 1 or more, got {repeats}")
    rel = load_release(release_dir)
    train, validation, test = rel.splits["train"], rel.splits["validation"], rel.splits["test"]
    if not train or not test:
        raise ToolkitError(f"{release_dir}: a learning curve needs train and test splits")
    rule = rel.label_rule
    gold = [g for _, g in test]
    curves: dict[str, Any] = {}
    for name in baselines:
        points: list[dict[str, Any]] = []
        for fraction in sorted(fractions):
            runs: list[dict[str, Any]] = []
            f1s: list[float] = []
            for r in range(repeats):
                order = list(range(len(train)))
                random.Random(seed + r).shuffle(order)  # noqa: S311 - a seeded sample, not a secret
                subset = [train[i] for i in sorted(order[: max(1, round(fraction * len(train)))])]
                model = ENTITY_EXTRACTORS[name]()
                if progress:
                    progress(f"{name}: {len(subset)} training documents (repeat {r + 1}/{repeats})")
                try:
                    fit_tuned(model, subset, validation, schema, rule)
                except BaselineError as exc:
                    raise ToolkitError(f"{name}: {exc}") from None
                pred = [as_layer(d, name, model.predict_spans(d)) for d, _ in test]
                strict = score_layers(gold, pred, rule, entity_modes=("strict",)).entity_modes(resamples, seed).strict
                assert strict is not None
                ci95 = strict.ci95.to_json_dict() if strict.ci95 is not None else None
                runs.append({"seed": seed + r, "f1": strict.micro.f1, "ci95": ci95})
                f1s.append(strict.micro.f1)
            points.append(
                {
                    "fraction": fraction,
                    "documents": max(1, round(fraction * len(train))),
                    "f1_mean": float(np.mean(f1s)),
                    "f1_min": float(min(f1s)),
                    "f1_max": float(max(f1s)),
                    "runs": runs,
                }
            )
        fit = fit_power_law([float(p["documents"]) for p in points], [float(p["f1_mean"]) for p in points], seed=seed)
        curves[name] = {"points": points, "power_law": fit}
    result = {
        "dataset": rel.name,
        "version": rel.version,
        "manifest_sha256": rel.manifest_sha256,
        "train_documents": len(train),
        "fractions": sorted(fractions),
        "repeats": repeats,
        "seed": seed,
        "curves": curves,
    }
    folder = Path(out_root) / rel.name / rel.version
    path = folder / CURVE_FILE
    atomic_write_text(path, dumps(result, indent=1) + "\n")
    _plot(result, folder / "learning_curve.png")
    return path


def _plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, curve in sorted(result["curves"].items()):
        pts = curve["points"]
        n = [p["documents"] for p in pts]
        mean = [p["f1_mean"] for p in pts]
        low = [
            min(r["ci95"]["low"] for r in p["runs"] if r["ci95"]) if all(r["ci95"] for r in p["runs"]) else p["f1_min"]
            for p in pts
        ]
        high = [
            max(r["ci95"]["high"] for r in p["runs"] if r["ci95"]) if all(r["ci95"] for r in p["runs"]) else p["f1_max"]
            for p in pts
        ]
        line = ax.plot(n, mean, marker="o", label=name)[0]
        ax.fill_between(n, low, high, alpha=0.2, color=line.get_color())
        fit = curve["power_law"]
        if fit.get("fitted"):
            xs = np.linspace(min(n), max(n) * 2, 100)
            ax.plot(
                xs, _power_law(xs, fit["a"], fit["b"], fit["c"]), linestyle="--", color=line.get_color(), linewidth=1
            )
    ax.set_xlabel("training documents")
    ax.set_ylabel("test F1 (strict micro)")
    ax.set_title(
        f"{result['dataset']} {result['version']}: learning curves (mean of {result['repeats']} seeds; bands: 95% CIs)"
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
