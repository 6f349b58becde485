"""``toolkit annotations`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from toolkit.cli._common import (
    SEED,
    _echo_json,
    _friendly,
    in_project,
    json_option,
    label_map_option,
    parse_label_map,
    relation_map_option,
    schema_option,
    seeds_dir_option,
)


@click.group("annotations")
def annotations_group() -> None:
    """Import and validate Label Studio exports; agreement; adjudicated gold."""


@annotations_group.command("import")
@click.argument("snapshot", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@seeds_dir_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("annotations/layers"),
    show_default="annotations/layers",
    help="Folder for <snapshot>.jsonl (layers) and <snapshot>.report.json.",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Write the valid part and report every skip (default: fail on any error)."
)
@label_map_option
@relation_map_option
@click.option(
    "--keep-field",
    "keep_fields",
    multiple=True,
    help="A task data field to keep in the layers (repeatable). Kept by default: the text and the fields the "
    "toolkit's push writes (article_id, outlet, date, source_file, text_sha256); others are dropped and counted.",
)
@click.option(
    "--mask-emails", is_flag=True, help="Mask e-mail addresses in kept fields (default: such a task is refused)."
)
@click.option(
    "--annotator-map",
    type=click.Path(path_type=Path, dir_okay=False),
    help="PRIVATE: also write user:<id> -> e-mail and names (from exports that carry them) to this file (mode 0600). "
    "Keep it out of releases; nothing else the toolkit writes names a person.",
)
@json_option
@_friendly
def annotations_import(
    snapshot: Path,
    schema_path: Path,
    seeds_dir: Path,
    out: Path,
    skip_invalid: bool,
    label_map: tuple[str, ...],
    relation_map: tuple[str, ...],
    keep_fields: tuple[str, ...],
    mask_emails: bool,
    annotator_map: Path | None,
    as_json: bool,
) -> None:
    """Validate a Label Studio JSON export and write normalised layers."""
    from tqdm import tqdm

    from toolkit.annotations.import_report import AnnotationImportError, reasons_text
    from toolkit.annotations.importer import import_export
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema_obj = load_schema(schema_path)
    seeds = {d.id: d for d in load_articles(seeds_dir / ARTICLES_FILE)}
    try:
        with tqdm(unit=" tasks", desc="importing", leave=False, disable=None) as bar:

            def advance(n: int) -> None:
                bar.update(n)

            report = import_export(
                snapshot,
                schema_obj,
                out_dir=out,
                seeds=seeds,
                skip_invalid=skip_invalid,
                progress=advance,
                label_map=parse_label_map(label_map),
                relation_map=parse_label_map(relation_map, "--relation-map"),
                annotator_map=annotator_map,
                keep_fields=keep_fields,
                mask_emails=mask_emails,
            )
    except AnnotationImportError as exc:
        for problem in exc.problems[:50]:
            click.echo(f"{problem.severity}: {problem.render(str(snapshot))}", err=True)
        if len(exc.problems) > 50:
            click.echo(f"... and {len(exc.problems) - 50} more", err=True)
        raise
    if as_json:
        _echo_json(report.to_dict())
        return
    for problem in report.problems[:50]:
        click.echo(f"{problem.severity}: {problem.render(str(snapshot))}")
    if len(report.problems) > 50:
        click.echo(f"... and {len(report.problems) - 50} more (all in the report file)")
    for kind, c in report.counts.items():
        reasons = report.skipped.get(kind, {})
        why = f" ({reasons_text(reasons)})" if reasons else ""
        click.echo(f"{kind:<12} {c['in']:>7} in {c['written']:>7} written {c['skipped']:>7} skipped{why}")
    if report.repairs:
        click.echo("repairs: " + ", ".join(f"{k}: {v}" for k, v in report.repairs.items()))
    click.echo(f"wrote {report.output} (report: {Path(str(report.output)).with_suffix('.report.json')})")


@annotations_group.command("agree")
@click.argument("layers", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the 95% intervals (0: no intervals).",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Random seed of the bootstrap.")
@json_option
@_friendly
def annotations_agree(layers: Path, schema_path: Path, resamples: int, seed: int, as_json: bool) -> None:
    """Inter-annotator agreement: span/relation F1 and token kappa with bootstrap CIs."""
    from toolkit.annotations.agreement import MEASURES, agreement_file
    from toolkit.schema import load_schema

    report = agreement_file(layers, load_schema(schema_path), resamples=resamples, seed=seed)
    if as_json:
        _echo_json(report.to_dict())
        return
    if not report.documents:
        click.echo(
            f"no document has two or more annotators ({report.documents_skipped} with fewer); "
            "no agreement figure can be given"
        )
        return
    click.echo(
        f"{report.documents} documents with 2+ annotators ({report.documents_skipped} skipped), "
        f"annotators: {', '.join(report.annotators)}"
    )

    def fmt(x: float | None) -> str:
        return " n/a " if x is None else f"{x:.3f}"

    def interval(block: dict[str, Any]) -> str:
        if block.get("empty"):
            return "(n/a: neither annotator marked any)"
        if block["ci95"]:
            return f"[{block['ci95']['low']:.3f}, {block['ci95']['high']:.3f}]"
        if resamples == 0:
            return "(no intervals: --resamples 0)"
        return f"(an interval needs 2+ documents; {report.documents} here)"

    click.echo(f"{'measure':<14} {'pooled F1':>9} {'mean/pair':>9}  95% CI")
    for m in MEASURES:
        o = report.overall[m]
        pooled = None if o.get("empty") else o["f1_pooled"]
        click.echo(f"{m:<14} {fmt(pooled):>9} {fmt(o['f1_mean_over_pairs']):>9}  {interval(o)}")
    k = report.overall["kappa"]
    kci = interval(k)
    click.echo(f"{'token kappa':<14} {fmt(k['pooled']):>9} {fmt(k['mean_over_pairs']):>9}  {kci}")
    a = report.overall["alpha"]
    aci = interval(a)
    click.echo(f"{'token alpha':<14} {fmt(a['value']):>9} {'':>9}  {aci}")
    names = {
        "span_exact_f1": "exact",
        "span_overlap_f1": "overlap",
        "relation_f1": "F1",
        "kappa": "kappa",
        "alpha": "alpha",
    }
    click.echo(
        "per label: "
        + "; ".join(
            f"{label} " + " ".join(f"{names.get(k, k)} {fmt(v)}" for k, v in vals.items())
            for label, vals in report.per_label.items()
        )
    )
    for p in report.pairs:
        click.echo(
            f"pair {p['a']} ~ {p['b']}: {p['documents']} docs, exact {fmt(_shown(p, 'span_exact'))}, "
            f"overlap {fmt(_shown(p, 'span_overlap'))}, relation {fmt(_shown(p, 'relation'))}, kappa {fmt(p['kappa'])}"
        )


def _shown(pair: dict[str, Any], measure: str) -> float | None:
    """A pair's F1 as shown: None (n/a) where neither marked anything."""
    return None if pair.get(f"{measure}_empty") else pair.get(f"{measure}_f1")


@annotations_group.command("gold")
@click.argument("layers", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("annotations/gold"),
    show_default="annotations/gold",
    help="Folder for <layers>.jsonl with the gold layer of each document.",
)
@click.option(
    "--review-tasks",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a Label Studio task file of the documents with disagreements (candidates as predictions).",
)
@click.option(
    "--reviewed",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The layers of a review round (`ls review`, pulled and imported): a reviewer's decision is the gold.",
)
@json_option
@_friendly
def annotations_gold(
    layers: Path, schema_path: Path, out: Path, review_tasks: Path | None, reviewed: Path | None, as_json: bool
) -> None:
    """Adjudicate one gold layer per document (a review's decision, else ground truth, else majority)."""
    from toolkit.annotations.gold import write_gold

    summary = write_gold(layers, out, review_tasks=review_tasks, schema_path=schema_path, reviewed=reviewed)
    if as_json:
        _echo_json(summary.to_dict())
        return
    control = f", {summary.control_documents} control tasks left out" if summary.control_documents else ""
    click.echo(
        f"{summary.documents} documents adjudicated ({summary.without_annotations} without annotations{control}): "
        + ", ".join(f"{k} {v}" for k, v in summary.policies.items())
    )
    click.echo(
        f"gold: {summary.spans} spans, {summary.relations} relations; "
        f"{summary.disagreements} disagreements in {summary.documents_with_disagreements} documents"
        + (f"; {summary.reviewed} decided in review" if summary.reviewed else "")
    )
    click.echo(f"wrote {summary.output}")
    if review_tasks:
        click.echo(f"wrote {summary.review_tasks} review task(s) to {review_tasks}")


@annotations_group.command("qa")
@click.argument("gold", type=click.Path(path_type=Path))
@schema_option
@click.option("--split", "splits", multiple=True, help="Only these splits (repeatable; default: all).")
@click.option(
    "--detectors",
    default="",
    help="Comma-separated detectors (label_variation, boundary_variation, model, relations; default: all).",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Cross-validation folds of the model detector.",
)
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seed of the fold assignment.")
@click.option(
    "--top", type=click.IntRange(min=1), default=30, show_default=True, help="Suspects to show (the text output)."
)
@click.option(
    "--review-tasks",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a Label Studio task file with the suspects as predictions (push it with `toolkit ls push --review`).",
)
@click.option(
    "--max-review",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Most suspect documents in --review-tasks.",
)
@json_option
@_friendly
def annotations_qa(
    gold: Path,
    schema_path: Path,
    splits: tuple[str, ...],
    detectors: str,
    folds: int,
    seed: int,
    top: int,
    review_tasks: Path | None,
    max_review: int,
    as_json: bool,
) -> None:
    """Rank suspect annotations of a gold file or a release (GOLD_OR_RELEASE), most suspect first."""
    from toolkit._io import atomic_write_text, dumps
    from toolkit.quality.find import QaOptions, find_suspects
    from toolkit.quality.review import review_tasks as make_tasks
    from toolkit.schema import load_schema

    schema_obj = load_schema(schema_path)
    names = tuple(n.strip() for n in detectors.split(",") if n.strip())
    report = find_suspects(gold, schema_obj, QaOptions(folds, seed, names), splits)
    if review_tasks is not None:
        keep = set(list(dict.fromkeys(s.doc_id for s in report.suspects))[:max_review])  # the most suspect first
        tasks = make_tasks(report.docs, [s for s in report.suspects if s.doc_id in keep], schema_obj)
        atomic_write_text(review_tasks, dumps(tasks, indent=1) + "\n")
    if as_json:
        _echo_json([s.to_dict() for s in report.suspects])
        return
    summary = report.summary()
    click.echo(
        f"{summary['corpus']}: {summary['documents']} documents, {summary['spans']} spans, "
        f"{summary['relations']} relations; {summary['suspects']} suspects"
    )
    click.echo("by kind: " + ", ".join(f"{k} {v}" for k, v in summary["by_kind"].items()))
    click.echo(
        "by detector (items before merging): "
        + ", ".join(f"{k} {v} ({summary['seconds'][k]} s)" for k, v in summary["by_detector"].items())
    )
    for name, why in summary["skipped_detectors"].items():
        click.echo(f"skipped detector {name}: {why}")
    for rank, s in enumerate(report.suspects[:top], 1):
        change = f"{s.label or '(none)'} -> {s.suggestion or '?'}"
        if s.suggested_span:
            change += f" [{s.suggested_span[0]}, {s.suggested_span[1]})"
        click.echo(
            f"{rank:>4}. {s.score:.3f} {s.kind:<15} {s.doc_id} [{s.start}, {s.end}) {s.text!r} {change} "
            f"({', '.join(s.detectors)}): {s.reasons[0]}"
        )
    if review_tasks is not None:
        click.echo(f"wrote {len(tasks)} review task(s) to {review_tasks}; push them with `toolkit ls push --review`")


@annotations_group.command("acceptance")
@click.argument("layers", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@_friendly
def annotations_acceptance(layers: Path, as_json: bool) -> None:
    """What annotators did with pre-annotations, per model version: kept, relabelled, moved, deleted, added."""
    from toolkit.annotations.acceptance import acceptance

    report = acceptance(layers)
    if as_json:
        _echo_json(report)
        return
    if not report["model_versions"]:
        click.echo(
            f"no annotation in {layers} was made from a prediction "
            f"({report['annotations_not_from_a_prediction']} annotation(s) of tasks with predictions started empty)"
        )
        return
    for version, r in report["model_versions"].items():
        s, rel = r["spans"], r["relations"]
        share = f" ({s['kept_share']:.0%} kept)" if s["kept_share"] is not None else ""
        click.echo(f"{version}: {r['annotations_from_predictions']} annotation(s) made from its predictions")
        click.echo(
            f"  spans: {s['predicted']} predicted{share}: {s['kept']} kept, {s['relabelled']} relabelled, "
            f"{s['moved']} moved, {s['deleted']} deleted; {s['added']} added"
        )
        click.echo(
            f"  relations: {rel['predicted']} predicted: {rel['kept']} kept, {rel['relabelled']} relabelled, "
            f"{rel['deleted']} deleted; {rel['added']} added"
        )
        for kind, block in (("span", s), ("relation", rel)):
            for label, t in block["by_type"].items():
                kept = f" ({t['kept_share']:.0%} kept)" if t["kept_share"] is not None else ""
                outcomes = ", ".join(f"{t[k]} {k}" for k in t if k not in ("predicted", "kept_share") and t[k])
                click.echo(f"    {kind} {label}: {t['predicted']} predicted{kept}: {outcomes or 'nothing'}")
    click.echo(
        f"annotations not started from a prediction: {report['annotations_not_from_a_prediction']}; "
        f"whose prediction is not in the export: {report['annotations_whose_prediction_is_missing']}"
    )
