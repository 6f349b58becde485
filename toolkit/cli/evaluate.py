"""``toolkit bench``, ``predict`` and ``score``: evaluating baselines and predictions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit.cli._common import (
    SEED,
    _echo_json,
    _friendly,
    check_no_corpus_options,
    in_project,
    json_option,
    schema_option,
    serve_options,
)
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.model import Document
    from toolkit.scoring.results import EntityMode, RelationMode


@click.command("bench")
@click.argument("releases", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@schema_option
@click.option("--baseline", "baselines", multiple=True, help="Entity baselines to run (default: all).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("benchmarks"),
    show_default="benchmarks",
)
@click.option(
    "--seed", type=SEED, default=0, show_default=True, help="Seed of the bootstrap (recorded in each result)."
)
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the intervals (0: no intervals).",
)
@click.option("--learning-curve", is_flag=True, help="Score each baseline on nested subsets of train instead.")
@click.option(
    "--fractions", default="0.1,0.25,0.5,0.75,1.0", show_default=True, help="Subsets of train (learning curve)."
)
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Seeds per subset size (learning curve).",
)
@_friendly
def bench(
    releases: tuple[Path, ...],
    schema_path: Path,
    baselines: tuple[str, ...],
    out: Path,
    seed: int,
    resamples: int,
    learning_curve: bool,
    fractions: str,
    repeats: int,
) -> None:
    """Train and score every baseline on dataset releases; regenerate the leaderboard and plots."""
    from toolkit.baselines import ENTITY_EXTRACTORS
    from toolkit.benchmarks import run
    from toolkit.benchmarks.leaderboard import regenerate
    from toolkit.schema import load_schema

    unknown = sorted(set(baselines) - set(ENTITY_EXTRACTORS))
    if unknown:
        raise ToolkitError(f"unknown baseline(s) {unknown}; choose from {sorted(ENTITY_EXTRACTORS)}")
    schema_obj = load_schema(schema_path)
    if learning_curve:
        from toolkit.benchmarks.curves import learning_curve as curve

        try:
            chosen = [float(x) for x in fractions.split(",")]
        except ValueError:
            raise ToolkitError(f"--fractions must be numbers like 0.1,0.5,1.0, got {fractions!r}") from None
        for release_dir in releases:
            path = curve(
                release_dir,
                schema_obj,
                out_root=out,
                baselines=baselines or ("crf", "gazetteer"),
                fractions=chosen,
                repeats=repeats,
                seed=seed,
                resamples=resamples,
                progress=lambda msg: click.echo(f"  {msg}", err=True),
            )
            _echo_curve(path)
        click.echo(f"wrote {regenerate(out)}")  # the leaderboard shows the curve's plot
        return
    for release_dir in releases:
        run(
            release_dir,
            schema_obj,
            out_root=out,
            baselines=baselines or tuple(ENTITY_EXTRACTORS),
            seed=seed,
            resamples=resamples,
            progress=lambda msg: click.echo(f"  {msg}", err=True),
        )
    board = regenerate(out)
    click.echo(board.read_text(encoding="utf-8"))
    click.echo(f"wrote {board}")


@click.command("predict")
@click.argument("baseline")
@click.option(
    "--release",
    "release_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Release whose train split the baseline learns from (`served` without it: the cold start alone).",
)
@click.option("--split", default="test", show_default=True, help="Split to predict, or 'articles' with --articles.")
@click.option(
    "--articles", type=click.Path(path_type=Path, dir_okay=False), help="Predict these seed articles instead."
)
@click.option("--relations", "relation_baseline", help="Also predict relations with this relation baseline.")
@click.option(
    "--gold-entities",
    is_flag=True,
    help="Predict relations over the split's gold entities (the leaderboard's relations with gold entities).",
)
@click.option("--save-model", type=click.Path(path_type=Path, file_okay=False), help="Keep the trained model here.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Prediction JSONL.")
@serve_options
@schema_option
@_friendly
def predict(
    baseline: str,
    release_dir: Path | None,
    split: str,
    articles: Path | None,
    relation_baseline: str | None,
    gold_entities: bool,
    save_model: Path | None,
    out: Path,
    label_map: tuple[str, ...],
    cold_start: bool,
    min_precision: float,
    schema_path: Path,
) -> None:
    """Train a baseline on a release as `bench` does and write predictions (JSONL: pre-annotations or scoring input).

    BASELINE `served` writes exactly what `toolkit ls backend --release DIR` with the same options serves (the
    label map, the cold start, the precision threshold), so that `toolkit score` can measure it; with no --release,
    what `toolkit ls backend` serves with neither a release nor a model (the cold start alone, --articles FILE)."""
    from toolkit.benchmarks import predict as lib
    from toolkit.dataset.load import load_release
    from toolkit.predictions import write_predictions
    from toolkit.schema import load_schema
    from toolkit.seeds import load_articles

    if baseline == "served":
        _predict_served(release_dir, split, articles, out, schema_path, label_map, cold_start, min_precision)
        return
    if label_map or cold_start or min_precision:
        raise ToolkitError("--label-map, --cold-start and --min-precision shape the `served` model only")
    if release_dir is None:
        raise ToolkitError(f"baseline {baseline!r} learns from a release: pass --release DIR")
    lib.check_names(baseline, relation_baseline)
    if gold_entities and (articles is not None or not relation_baseline):
        raise ToolkitError(
            "--gold-entities predicts relations over a split's gold entities: pass --relations NAME, not --articles"
        )
    rel = load_release(release_dir)
    examples = rel.splits.get(split, [])
    docs = _documents(load_articles(articles) if articles else [d for d, _ in examples], articles, split, release_dir)
    trained = lib.train(rel, load_schema(schema_path), baseline, relation_baseline)
    if save_model:
        lib.save_model(trained, save_model)
    layers = lib.predict_given_gold_entities(trained, examples) if gold_entities else lib.predict(trained, docs)
    n = write_predictions(layers, out)
    click.echo(f"wrote {n} document(s) of predictions by {trained.version} to {out}")


def _documents(docs: list[Document], articles: Path | None, split: str, release_dir: Path | None) -> list[Document]:
    """What to predict, refused when there is nothing (before a model is trained for it)."""
    if docs:
        return docs
    if articles is not None:
        raise ToolkitError(f"{articles}: no articles to predict (the file is empty); pass the articles file to predict")
    raise ToolkitError(f"nothing to predict: split {split!r} of {release_dir} is empty; pass --split or --articles")


def _predict_served(
    release_dir: Path | None,
    split: str,
    articles: Path | None,
    out: Path,
    schema_path: Path,
    label_map: tuple[str, ...],
    cold_start: bool,
    min_precision: float,
) -> None:
    from toolkit.backend.served import ServeOptions, cold_start_model, describe_model, served_model
    from toolkit.predictions import write_predictions
    from toolkit.schema import load_schema
    from toolkit.seeds import load_articles

    schema = load_schema(schema_path)
    if release_dir is None:
        check_no_corpus_options(label_map, min_precision)
        if articles is None:
            raise ToolkitError("with no --release there is no split to predict: pass --articles FILE")
        docs = _documents(load_articles(articles), articles, split, None)
        model = cold_start_model(schema)
    else:
        given = _documents(load_articles(articles), articles, split, release_dir) if articles else None  # first
        model, rel = served_model(release_dir, schema, ServeOptions(label_map, cold_start, min_precision))
        docs = given or _documents([d for d, _ in rel.splits.get(split, [])], articles, split, release_dir)
    for line in describe_model(model, schema):
        click.echo(line, err=True)
    n = write_predictions([model.layer(doc)[0] for doc in docs], out)
    click.echo(f"wrote {n} document(s) of predictions by {model.version} to {out}")


@click.command("score")
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("pred", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--split", default="test", show_default=True, help="Split of GOLD when it is a release folder.")
@click.option(
    "--compare", type=click.Path(path_type=Path, dir_okay=False), help="A second system's predictions: paired test."
)
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples (0: no intervals).",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--skip-invalid", is_flag=True, help="Drop (and count) predicted labels outside the schema.")
@schema_option
@json_option
@_friendly
def score(
    gold: Path,
    pred: Path,
    split: str,
    compare: Path | None,
    resamples: int,
    seed: int,
    skip_invalid: bool,
    schema_path: Path,
    as_json: bool,
) -> None:
    """Score predictions against a reference.

    GOLD: a gold file (`annotations gold`, `corpus import-*`), a release folder (--split) or a file in
    the prediction format. PRED: the prediction format, or gold records of another annotator.
    """
    from toolkit.benchmarks.score import score_files
    from toolkit.schema import load_schema

    if resamples < 0:
        raise ToolkitError(f"--resamples must be 0 (no intervals) or more, got {resamples}")
    report = score_files(
        gold,
        pred,
        load_schema(schema_path),
        split=split,
        compare=compare,
        resamples=resamples,
        seed=seed,
        skip_invalid=skip_invalid,
    )
    if as_json:
        _echo_json(report.to_json_dict())
        return
    scored = report.labels_scored
    click.echo(
        f"{report.documents} documents ({report.documents_without_predictions} without predictions); "
        f"types scored ({scored.rule}): {', '.join(scored.entities) or '-'}; "
        f"relations: {', '.join(scored.relations) or '-'}"
    )
    for kind, counts in (("entities", report.not_annotated.entities), ("relations", report.not_annotated.relations)):
        if counts:
            listed = ", ".join(f"{label} {n}" for label, n in counts.items())
            click.echo(f"  predicted {kind} of types not annotated in this dataset (not scored): {listed}")
    for what, n in report.skipped.items():
        click.echo(f"  skipped: {what}: {n}")
    click.echo("entity scores (micro P / R / F1, macro F1, 95% CI of micro F1):")
    for mode, block in report.entities.modes().items():
        click.echo(f"  {mode:<9} {_score_line(block)}")
    strict = report.entities.strict
    for label, row in (strict.per_label if strict is not None else {}).items():
        click.echo(f"    {label:<10} P {row.precision:.4f} R {row.recall:.4f} F1 {row.f1:.4f}")
    for rmode, rblock in report.relations.modes().items():
        click.echo(f"  relations {rmode:<10} {_score_line(rblock)}")
    if report.paired is not None:
        t = report.paired
        p = "-" if t.p_value is None else f"{t.p_value:.4f}"
        click.echo(f"paired {t.method}: F1 difference {t.difference:+.4f}, p = {p}")


def _score_line(block: EntityMode | RelationMode) -> str:
    """One line of P / R / F1, macro F1 and the interval; 'n/a' when neither side has any item."""
    m, ci = block.micro, block.ci95
    if m.empty:
        return "n/a (no items in the reference or the predictions)"
    ci_text = f"[{ci.low:.4f}, {ci.high:.4f}]" if ci else "(no interval: needs 2+ documents and resamples)"
    return f"{m.precision:.4f} / {m.recall:.4f} / {m.f1:.4f}  macro {block.macro_f1:.4f}  {ci_text}"


def _echo_curve(path: Path) -> None:
    import json as _json

    result = _json.loads(path.read_text(encoding="utf-8"))
    for name, curve in result["curves"].items():
        pts = ", ".join(f"{p['documents']} docs {p['f1_mean']:.4f}" for p in curve["points"])
        click.echo(f"{result['dataset']} {result['version']} {name}: {pts}")
        fit = curve["power_law"]
        if fit.get("fitted"):
            for gain in ("plus_0.01", "plus_0.02"):
                e = fit[gain]
                need = (
                    "never on this curve"
                    if e["extra_documents"] is None
                    else f"{e['extra_documents']:.0f} more documents"
                )
                ci = f" (95% {e['ci95'][0]:.0f}-{e['ci95'][1]:.0f})" if e.get("ci95") else ""
                click.echo(f"  {gain.replace('plus_', '+')} F1: {need}{ci}")
    click.echo(f"wrote {path} and {path.with_suffix('.png')}")
