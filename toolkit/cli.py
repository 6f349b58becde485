"""The ``toolkit`` command line: options in, typed library calls, rendered results out.

This is the only module that prints or exits. Every :class:`ToolkitError` becomes a
one-line ``Error: ...`` on stderr and exit status 1, without a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from toolkit import __version__
from toolkit.errors import ToolkitError

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(func: F) -> F:
    """Turn library errors into click's ``Error: ...`` with exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToolkitError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def _json_default(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "items"):
        return dict(value.items())
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, default=_json_default, ensure_ascii=False, indent=2, sort_keys=True))


schema_option = click.option(
    "--schema",
    "schema_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("schemas/schema.yaml"),
    show_default=True,
    help="Entity/relation schema file.",
)
seeds_dir_option = click.option(
    "--seeds-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("seeds"),
    show_default=True,
    help="Folder holding articles.jsonl and raw/.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="toolkit")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (debug level) to stderr.")
def main(verbose: bool) -> None:
    """Turn news articles into a versioned, benchmarked entity-and-relation dataset."""
    if verbose:
        import logging
        import sys

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        for name in ("toolkit", "httpx", "label_studio_sdk", "huggingface_hub"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.DEBUG)
            if not any(getattr(h, "_toolkit", False) for h in logger.handlers):
                handler._toolkit = True  # type: ignore[attr-defined]
                logger.addHandler(handler)


# --- schema ------------------------------------------------------------------------------------


@main.group()
def schema() -> None:
    """Check the entity/relation schema and generate the Label Studio config."""


@schema.command("check")
@schema_option
@json_option
@_friendly
def schema_check(schema_path: Path, as_json: bool) -> None:
    """Validate the schema file and summarise its types."""
    from toolkit.schema import load_schema

    s = load_schema(schema_path)
    if as_json:
        _echo_json(s.model_dump(mode="json"))
        return
    click.echo(f"{schema_path}: {s.name} {s.schema_version} (language {s.language}), span overlap: {s.span_overlap}")
    click.echo(f"{len(s.entities)} entity types:")
    for e in s.entities:
        click.echo(f"  {e.label:<10} hotkey {e.hotkey}  {e.color}")
    click.echo(f"{len(s.relations)} relation types:")
    for r in s.relations:
        arrow = "->" if r.directed else "<->"
        click.echo(f"  {r.label:<15} {'/'.join(r.head)} {arrow} {'/'.join(r.tail)}")


@schema.command("config")
@schema_option
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the XML here instead of printing it."
)
@_friendly
def schema_config(schema_path: Path, out: Path | None) -> None:
    """Generate the Label Studio labelling config (XML) from the schema."""
    from toolkit._io import atomic_write_text
    from toolkit.schema import label_config, load_schema

    xml = label_config(load_schema(schema_path))
    if out is None:
        click.echo(xml, nl=False)
    else:
        atomic_write_text(out, xml)
        click.echo(f"wrote {out}", err=True)


# --- seeds -------------------------------------------------------------------------------------


@main.group()
def seeds() -> None:
    """Ingest scraped news pages into the seed article store."""


@seeds.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@seeds_dir_option
@click.option(
    "--profiles",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("seeds/outlets.yaml"),
    show_default=True,
    help="Outlet profiles (how to find each outlet's article body).",
)
@click.option("--replace", is_flag=True, help="Replace articles whose raw page changed since they were ingested.")
@json_option
@_friendly
def seeds_ingest(paths: tuple[Path, ...], seeds_dir: Path, profiles: Path, replace: bool, as_json: bool) -> None:
    """Clean scraped pages and store them as articles (idempotent)."""
    from toolkit.seeds import ingest, load_profiles

    report = ingest(list(paths), seeds_dir, load_profiles(profiles), replace=replace)
    if as_json:
        _echo_json(report)
        return
    for f in report.files:
        cut = ", ".join(f"{k} {v}" for k, v in f.cut.items())
        note = f" - {f.note}" if f.note else ""
        click.echo(f"{f.path}: {f.status} article {f.article_id} ({f.chars} characters; cut {cut}){note}")
        for w in f.warnings:
            click.echo(f"  warning: {w}")
    counts = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    click.echo(f"{report.store}: {report.articles_total} article(s) ({counts})")


@seeds.command("list")
@seeds_dir_option
@json_option
@_friendly
def seeds_list(seeds_dir: Path, as_json: bool) -> None:
    """List the stored articles."""
    from toolkit.seeds import ARTICLES_FILE, document_to_record, load_articles

    docs = load_articles(seeds_dir / ARTICLES_FILE)
    if as_json:
        _echo_json([document_to_record(d) for d in docs])
        return
    for d in docs:
        first = d.text.split("\n", 1)[0]
        click.echo(f"{d.id}  {d.metadata.get('date') or '-':<10}  {len(d.text):>6} chars  {first[:60]}")
    click.echo(f"{len(docs)} article(s) in {seeds_dir / ARTICLES_FILE}")


# --- label studio ------------------------------------------------------------------------------


@main.group("ls")
def ls_group() -> None:
    """Label Studio: task files, push, pull, and a local server for annotators."""


@ls_group.command("tasks")
@seeds_dir_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("build/labelstudio/tasks.json"),
    show_default=True,
    help="Task file to write (Label Studio: Import > upload).",
)
@_friendly
def ls_tasks(seeds_dir: Path, out: Path) -> None:
    """Write the Label Studio task file, one task per article."""
    from toolkit.labelstudio.tasks import write_tasks
    from toolkit.seeds import ARTICLES_FILE, load_articles

    docs = load_articles(seeds_dir / ARTICLES_FILE)
    if not docs:
        raise ToolkitError(f"{seeds_dir / ARTICLES_FILE}: no articles; run `toolkit seeds ingest PAGE...` first")
    report = write_tasks(docs, out)
    click.echo(f"wrote {report.tasks} task(s) ({report.characters} characters) to {report.path}")


project_options = [
    click.option("--title", help="Project title (default: the schema name)."),
    click.option("--project-id", type=int, help="Project id (overrides --title)."),
]


def _options(options: list[Callable[[Any], Any]]) -> Callable[[F], F]:
    """Apply a declared group of click options, in order."""

    def apply(func: F) -> F:
        decorated: Any = func
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]  # click options keep the callable's type

    return apply


_project_opts = _options(project_options)


@ls_group.command("push")
@seeds_dir_option
@schema_option
@_project_opts
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Prediction JSONL to attach as pre-annotations (one model_version per line).",
)
@json_option
@_friendly
def ls_push(
    seeds_dir: Path,
    schema_path: Path,
    title: str | None,
    project_id: int | None,
    predictions_path: Path | None,
    as_json: bool,
) -> None:
    """Create/update the project on $LABEL_STUDIO_URL and import the articles as tasks."""
    from tqdm import tqdm

    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.push import push
    from toolkit.predictions import read_predictions
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema_obj = load_schema(schema_path)
    docs = load_articles(seeds_dir / ARTICLES_FILE)
    if not docs:
        raise ToolkitError(f"{seeds_dir / ARTICLES_FILE}: no articles; run `toolkit seeds ingest PAGE...` first")
    preds = read_predictions(predictions_path) if predictions_path else []
    conn = connect()
    with tqdm(desc="pushing", unit="item", leave=False, disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        report = push(
            conn,
            schema_obj,
            docs,
            title=title or schema_obj.name,
            project_id=project_id,
            predictions=preds,
            progress=progress,
        )
    if as_json:
        _echo_json(report)
        return
    state = "created" if report.project_created else ("config updated" if report.config_updated else "up to date")
    click.echo(f"{report.url}: project {report.project_id} {report.title!r} ({state})")
    click.echo(f"tasks: {report.tasks_imported} imported, {report.tasks_already_there} already there")
    if preds:
        click.echo(
            f"predictions: {report.predictions_attached} attached, {report.predictions_already_there} already there"
        )


@ls_group.command("pull")
@_project_opts
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("annotations/snapshots"),
    show_default=True,
    help="Snapshot folder (an index.json there records every snapshot).",
)
@json_option
@_friendly
def ls_pull(title: str | None, project_id: int | None, out: Path, as_json: bool) -> None:
    """Download the project's full export as a new immutable snapshot."""
    from tqdm import tqdm

    from toolkit.labelstudio.client import connect
    from toolkit.labelstudio.pull import pull
    from toolkit.schema import load_schema

    if title is None and project_id is None:
        title = load_schema(Path("schemas/schema.yaml")).name
    conn = connect()
    with tqdm(unit="B", unit_scale=True, desc="downloading", leave=False, disable=None) as bar:

        def advance(nbytes: int) -> None:
            bar.update(nbytes)

        entry = pull(conn, title=title or "", project_id=project_id, out_dir=out, progress=advance)
    if as_json:
        _echo_json(entry)
        return
    c = entry.counts
    click.echo(f"{out / entry.file}")
    click.echo(f"  sha256 {entry.sha256}")
    click.echo(
        f"  {c.tasks} tasks, {c.annotations} annotations, {c.cancelled} cancelled, {c.annotators} annotators, "
        f"{c.predictions} predictions, {c.drafts} drafts"
    )


@ls_group.command("serve")
@click.option("--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path.home() / ".local" / "share" / "toolkit-label-studio",
    show_default=True,
    help="Where Label Studio keeps its database and uploads (outside the repo).",
)
@_friendly
def ls_serve(port: int, data_dir: Path) -> None:
    """Start a local Label Studio for annotators (offline settings; Ctrl-C stops it)."""
    import os

    from toolkit.labelstudio import server as ls_server

    if not ls_server.executable().exists():
        click.echo(f"installing label-studio {ls_server.LABEL_STUDIO_VERSION} into {ls_server.ls_home()} (once)...")
    ls_server.ensure_installed()
    data_dir.mkdir(parents=True, exist_ok=True)
    srv = ls_server.Server(data_dir, port).start()
    user = os.environ.get("LABEL_STUDIO_USERNAME")
    click.echo(f"Label Studio {ls_server.LABEL_STUDIO_VERSION} is running at {srv.url} (data in {data_dir})")
    if user:
        click.echo(f"Log in as {user} with the password in LABEL_STUDIO_PASSWORD.")
    else:
        click.echo(f"Open {srv.url}/user/signup and create an account (it stays on this machine).")
    click.echo("API key for toolkit ls push/pull: Account & Settings > Access Token (set LABEL_STUDIO_API_KEY).")
    click.echo(f"Then: export LABEL_STUDIO_URL={srv.url}; toolkit ls push; annotate; toolkit ls pull")
    click.echo(f"Guidelines: schemas/GUIDELINES.md. Server log: {srv.log_path}. Press Ctrl-C to stop.")
    try:
        assert srv.process is not None
        srv.process.wait()
    except KeyboardInterrupt:
        click.echo("stopping Label Studio")
    finally:
        srv.stop()


# --- annotations -------------------------------------------------------------------------------


@main.group("annotations")
def annotations_group() -> None:
    """Import and validate Label Studio exports; agreement; adjudicated gold."""


@annotations_group.command("import")
@click.argument("snapshot", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@seeds_dir_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("annotations/layers"),
    show_default=True,
    help="Folder for <snapshot>.jsonl (layers) and <snapshot>.report.json.",
)
@click.option(
    "--skip-invalid", is_flag=True, help="Write the valid part and report every skip (default: fail on any error)."
)
@json_option
@_friendly
def annotations_import(
    snapshot: Path, schema_path: Path, seeds_dir: Path, out: Path, skip_invalid: bool, as_json: bool
) -> None:
    """Validate a Label Studio JSON export and write normalised layers."""
    from tqdm import tqdm

    from toolkit.annotations.importer import AnnotationImportError, import_export
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema_obj = load_schema(schema_path)
    seeds = {d.id: d for d in load_articles(seeds_dir / ARTICLES_FILE)}
    try:
        with tqdm(unit=" tasks", desc="importing", leave=False, disable=None) as bar:

            def advance(n: int) -> None:
                bar.update(n)

            report = import_export(
                snapshot, schema_obj, out_dir=out, seeds=seeds, skip_invalid=skip_invalid, progress=advance
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
        why = f" ({'; '.join(f'{r}: {n}' for r, n in reasons.items())})" if reasons else ""
        click.echo(f"{kind:<12} {c['in']:>7} in {c['written']:>7} written {c['skipped']:>7} skipped{why}")
    if report.repairs:
        click.echo("repairs: " + ", ".join(f"{k}: {v}" for k, v in report.repairs.items()))
    click.echo(f"wrote {report.output} (report: {Path(str(report.output)).with_suffix('.report.json')})")


@annotations_group.command("agree")
@click.argument("layers", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples for the 95% intervals.")
@click.option("--seed", default=0, show_default=True, help="Random seed of the bootstrap.")
@json_option
@_friendly
def annotations_agree(layers: Path, schema_path: Path, resamples: int, seed: int, as_json: bool) -> None:
    """Inter-annotator agreement: span/relation F1 and token kappa with bootstrap CIs."""
    from toolkit.annotations.agreement import MEASURES, agreement
    from toolkit.annotations.layers import read_layers
    from toolkit.schema import load_schema

    report = agreement(read_layers(layers), load_schema(schema_path), resamples=resamples, seed=seed)
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
        return "  -  " if x is None else f"{x:.3f}"

    click.echo(f"{'measure':<14} {'pooled F1':>9} {'mean/pair':>9}  95% CI")
    for m in MEASURES:
        o = report.overall[m]
        ci = f"[{o['ci95']['low']:.3f}, {o['ci95']['high']:.3f}]" if o["ci95"] else "(needs 2+ documents)"
        click.echo(f"{m:<14} {fmt(o['f1_pooled']):>9} {fmt(o['f1_mean_over_pairs']):>9}  {ci}")
    k = report.overall["kappa"]
    kci = f"[{k['ci95']['low']:.3f}, {k['ci95']['high']:.3f}]" if k["ci95"] else "(needs 2+ documents)"
    click.echo(f"{'token kappa':<14} {'':>9} {fmt(k['mean_over_pairs']):>9}  {kci}")
    click.echo(
        "per label (F1): "
        + "; ".join(f"{label} " + "/".join(fmt(v) for v in vals.values()) for label, vals in report.per_label.items())
    )
    for p in report.pairs:
        click.echo(
            f"pair {p['a']} ~ {p['b']}: {p['documents']} docs, exact {fmt(p['span_exact_f1'])}, "
            f"overlap {fmt(p['span_overlap_f1'])}, relation {fmt(p['relation_f1'])}, kappa {fmt(p['kappa'])}"
        )


@annotations_group.command("gold")
@click.argument("layers", type=click.Path(path_type=Path, dir_okay=False))
@schema_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("annotations/gold"),
    show_default=True,
    help="Folder for <layers>.jsonl with the gold layer of each document.",
)
@click.option(
    "--review-tasks",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a Label Studio task file of the documents with disagreements (candidates as predictions).",
)
@json_option
@_friendly
def annotations_gold(layers: Path, schema_path: Path, out: Path, review_tasks: Path | None, as_json: bool) -> None:
    """Adjudicate one gold layer per document (ground truth, else majority)."""
    from toolkit.annotations.gold import write_gold

    summary = write_gold(layers, out, review_tasks=review_tasks, schema_path=schema_path)
    if as_json:
        _echo_json(summary)
        return
    click.echo(
        f"{summary['documents']} documents adjudicated ({summary['without_annotations']} without annotations): "
        + ", ".join(f"{k} {v}" for k, v in summary["policies"].items())
    )
    click.echo(
        f"gold: {summary['spans']} spans, {summary['relations']} relations; "
        f"{summary['disagreements']} disagreements in {summary['documents_with_disagreements']} documents"
    )
    click.echo(f"wrote {summary['output']}")
    if review_tasks:
        click.echo(f"wrote {summary['review_tasks']} review task(s) to {review_tasks}")


# --- dataset -----------------------------------------------------------------------------------


def _default_gold() -> list[Path]:
    return sorted(Path("annotations/gold").glob("*.jsonl"))


def _default_snapshots() -> list[Path]:
    return sorted(p for p in Path("annotations/snapshots").glob("*.json") if p.name != "index.json")


gold_option = click.option(
    "--gold",
    "gold_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Gold layer files (default: annotations/gold/*.jsonl). Repeatable.",
)
split_options = [
    click.option("--ratios", default="0.8,0.1,0.1", show_default=True, help="train,validation,test ratios."),
    click.option("--split-seed", default=0, show_default=True, help="Seed of the split hash."),
    click.option(
        "--split-by",
        type=click.Choice(["hash", "metadata"]),
        default="hash",
        show_default=True,
        help="Seeded hash splits, or the split each document records (a corpus's official one).",
    ),
]


def _ratios(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",")]
    except ValueError:
        raise ToolkitError(f"--ratios must be three numbers like 0.8,0.1,0.1, got {text!r}") from None


_split_opts = _options(split_options)


@main.group("dataset")
def dataset_group() -> None:
    """Build the Hugging Face dataset; release, diff, verify and push versions."""


@dataset_group.command("build")
@schema_option
@seeds_dir_option
@gold_option
@_split_opts
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), default=Path("build/dataset"), show_default=True
)
@json_option
@_friendly
def dataset_build(
    schema_path: Path,
    seeds_dir: Path,
    gold_paths: tuple[Path, ...],
    ratios: str,
    split_seed: int,
    split_by: str,
    out: Path,
    as_json: bool,
) -> None:
    """Build the splits (parquet) and a build report from seeds and gold layers."""
    from toolkit.dataset.release import build_draft
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE

    report = build_draft(
        schema=load_schema(schema_path),
        seeds_path=seeds_dir / ARTICLES_FILE,
        gold_paths=list(gold_paths) or _default_gold(),
        out_dir=out,
        ratios=_ratios(ratios),
        seed=split_seed,
        split_by=split_by,
    )
    if as_json:
        _echo_json(report)
        return
    _echo_build(report)
    click.echo(f"wrote {out}/data/*.parquet and {out}/build_report.json")


def _echo_build(report: dict[str, Any]) -> None:
    click.echo("documents: " + ", ".join(f"{k} {v}" for k, v in report["documents"].items()))
    click.echo(
        f"entities: {sum(report['entities'].values())} ({', '.join(f'{k} {v}' for k, v in report['entities'].items())})"
    )
    click.echo(f"relations: {sum(report['relations'].values())}; tokens: {report['tokens']}")
    click.echo(
        f"nested entities kept out of the BIO view: {report['nested_dropped_from_bio']}; "
        f"entities misaligned with tokens: {len(report['misaligned'])}"
    )
    for m in report["misaligned"]:
        click.echo(f"  misaligned: {m['document']} {m['span']} {m['text']!r} [{m['start']}, {m['end']}): {m['rule']}")
    click.echo(
        f"near-duplicate groups: {len(report['near_duplicate_groups'])}; "
        f"surface overlap with train: {report['surface_overlap_with_train']}"
    )


@dataset_group.command("release")
@click.option("--version", "version", required=True, help="Semantic version of this release, e.g. 1.0.0.")
@click.option("--name", default="id-news-er", show_default=True, help="Dataset name (folder under --releases-dir).")
@schema_option
@seeds_dir_option
@gold_option
@_split_opts
@click.option(
    "--releases-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("releases"), show_default=True
)
@click.option(
    "--previous", type=click.Path(path_type=Path, file_okay=False), help="Previous release, for the changelog diff."
)
@click.option("--license", "license_id", default="cc-by-4.0", show_default=True, help="Licence of the annotations.")
@click.option(
    "--agreement",
    "agreement_json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output of `toolkit annotations agree --json`, for the card.",
)
@json_option
@_friendly
def dataset_release(
    version: str,
    name: str,
    schema_path: Path,
    seeds_dir: Path,
    gold_paths: tuple[Path, ...],
    ratios: str,
    split_seed: int,
    split_by: str,
    releases_dir: Path,
    previous: Path | None,
    license_id: str,
    agreement_json: Path | None,
    as_json: bool,
) -> None:
    """Write an immutable release folder: parquet splits, dataset card, manifest."""
    from toolkit.dataset.release import release
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE

    agreement = json.loads(agreement_json.read_text(encoding="utf-8")) if agreement_json else None
    result = release(
        name=name,
        version=version,
        schema=load_schema(schema_path),
        seeds_path=seeds_dir / ARTICLES_FILE,
        gold_paths=list(gold_paths) or _default_gold(),
        snapshot_paths=_default_snapshots(),
        guidelines_path=schema_path.parent / "GUIDELINES.md",
        releases_dir=releases_dir,
        ratios=_ratios(ratios),
        seed=split_seed,
        license_id=license_id,
        previous=previous,
        agreement=agreement,
        split_by=split_by,
    )
    if as_json:
        _echo_json({"path": result.path, "status": result.status, **result.summary})
        return
    verb = "released" if result.status == "created" else "already released with identical content:"
    click.echo(f"{verb} {result.path}")
    click.echo(
        f"  documents {result.summary['documents']}, entities {result.summary['entities']}, "
        f"relations {result.summary['relations']}"
    )


@dataset_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path, file_okay=False))
@click.argument("new", type=click.Path(path_type=Path, file_okay=False))
@json_option
@_friendly
def dataset_diff(old: Path, new: Path, as_json: bool) -> None:
    """What changed between two releases: documents, entities and relations."""
    from toolkit.dataset.diff import changelog_entry, diff_releases

    diff = diff_releases(old, new)
    if as_json:
        _echo_json(diff)
        return
    click.echo(changelog_entry(new.name, diff, old.name), nl=False)


@dataset_group.command("verify")
@click.argument("release_dir", type=click.Path(path_type=Path, file_okay=False))
@_friendly
def dataset_verify(release_dir: Path) -> None:
    """Check a release folder against its manifest."""
    from toolkit.dataset.release import verify

    result = verify(release_dir)
    click.echo(
        f"{release_dir}: {result['files']} files match the manifest (sha256 {result['manifest_sha256'][:12]}...)"
    )


@dataset_group.command("push")
@click.argument("release_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--repo-id", required=True, help="Hub dataset repository, OWNER/NAME.")
@click.option("--dry-run", is_flag=True, help="Check everything up to the upload, upload nothing.")
@_friendly
def dataset_push(release_dir: Path, repo_id: str, dry_run: bool) -> None:
    """Upload a release to the Hugging Face Hub (token in $HF_TOKEN) and tag it v<version>."""
    from toolkit.dataset.hub import plan_push, push

    plan = plan_push(release_dir, repo_id)
    click.echo(f"{plan.folder}: {plan.files} files verified; would push to {plan.repo_id} and tag {plan.tag}")
    if dry_run:
        return
    url = push(plan)
    click.echo(f"pushed: {url}")


# --- corpora, baselines, scores ----------------------------------------------------------------


@main.group("corpus")
def corpus_group() -> None:
    """Import external corpora (CoNLL/BIO) into the canonical model."""


@corpus_group.command("import-conll")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for articles.jsonl (documents) and gold.jsonl (gold layers).",
)
@click.option("--scheme", type=click.Choice(["iob2", "iob1"]), default="iob2", show_default=True)
@click.option("--label-map", "label_map", multiple=True, help="FROM=TO, e.g. LOC=GPE. Repeatable.")
@click.option("--split", help="Split of all the files (default: from each file name: train/dev/test).")
@json_option
@_friendly
def corpus_import(
    files: tuple[Path, ...], out: Path, scheme: str, label_map: tuple[str, ...], split: str | None, as_json: bool
) -> None:
    """Read CoNLL files (tokens, tags; extra columns ignored) as documents with gold spans."""
    from toolkit.corpus import write_corpus

    mapping = {}
    for item in label_map:
        src, sep, dst = item.partition("=")
        if not sep or not src or not dst:
            raise ToolkitError(f"--label-map takes FROM=TO, got {item!r}")
        mapping[src] = dst
    summary = write_corpus(list(files), out, scheme=scheme, label_map=mapping, split=split)
    if as_json:
        _echo_json(summary)
        return
    for name, c in summary["splits"].items():  # type: ignore[attr-defined]
        click.echo(f"{name}: {c['documents']} sentences, {c['tokens']} tokens, {c['entities']} entities")
    click.echo(
        f"wrote {out}/articles.jsonl and {out}/gold.jsonl (build it with --seeds-dir {out} --gold "
        f"{out}/gold.jsonl --split-by metadata)"
    )


@main.command("bench")
@click.argument("releases", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@schema_option
@click.option("--baseline", "baselines", multiple=True, help="Entity baselines to run (default: all).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("benchmarks"), show_default=True)
@click.option("--seed", default=0, show_default=True)
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples for the intervals.")
@_friendly
def bench(
    releases: tuple[Path, ...], schema_path: Path, baselines: tuple[str, ...], out: Path, seed: int, resamples: int
) -> None:
    """Train and score every baseline on dataset releases; regenerate the leaderboard and plots."""
    from toolkit.baselines import ENTITY_EXTRACTORS
    from toolkit.benchmarks import run
    from toolkit.leaderboard import regenerate
    from toolkit.schema import load_schema

    unknown = sorted(set(baselines) - set(ENTITY_EXTRACTORS))
    if unknown:
        raise ToolkitError(f"unknown baseline(s) {unknown}; choose from {sorted(ENTITY_EXTRACTORS)}")
    schema_obj = load_schema(schema_path)
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


@main.command("predict")
@click.argument("baseline")
@click.option(
    "--release",
    "release_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Release whose train split the baseline learns from.",
)
@click.option("--split", default="test", show_default=True, help="Split to predict, or 'articles' with --articles.")
@click.option(
    "--articles", type=click.Path(path_type=Path, dir_okay=False), help="Predict these seed articles instead."
)
@click.option("--relations", "relation_baseline", help="Also predict relations with this relation baseline.")
@click.option("--save-model", type=click.Path(path_type=Path, file_okay=False), help="Keep the trained model here.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Prediction JSONL.")
@schema_option
@_friendly
def predict(
    baseline: str,
    release_dir: Path,
    split: str,
    articles: Path | None,
    relation_baseline: str | None,
    save_model: Path | None,
    out: Path,
    schema_path: Path,
) -> None:
    """Train a baseline on a release and write predictions (JSONL: pre-annotations or scoring input)."""
    from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS
    from toolkit.baselines.base import as_layer
    from toolkit.benchmarks import load_release
    from toolkit.predictions import write_predictions
    from toolkit.schema import load_schema
    from toolkit.seeds import load_articles

    if baseline not in ENTITY_EXTRACTORS:
        raise ToolkitError(f"unknown baseline {baseline!r}; choose from {sorted(ENTITY_EXTRACTORS)}")
    if relation_baseline and relation_baseline not in RELATION_EXTRACTORS:
        raise ToolkitError(
            f"unknown relation baseline {relation_baseline!r}; choose from {sorted(RELATION_EXTRACTORS)}"
        )
    schema_obj = load_schema(schema_path)
    rel = load_release(release_dir)
    model = ENTITY_EXTRACTORS[baseline]()
    model.fit(rel.splits["train"], schema_obj)
    rmodel = RELATION_EXTRACTORS[relation_baseline]() if relation_baseline else None
    if rmodel is not None:
        rmodel.fit(rel.splits["train"], schema_obj)
    if save_model:
        from toolkit.baselines.base import record_training_data

        model.save(save_model)
        record_training_data(
            save_model, {"dataset": rel.name, "version": rel.version, "manifest_sha256": rel.manifest_sha256}
        )
    docs = load_articles(articles) if articles else [d for d, _ in rel.splits.get(split, [])]
    if not docs:
        raise ToolkitError(f"nothing to predict: split {split!r} of {release_dir} is empty; pass --split or --articles")
    version = f"{baseline}@{rel.name}-{rel.version}"
    layers = []
    for doc in docs:
        spans = model.predict_spans(doc)
        relations = rmodel.predict_relations(doc, spans) if rmodel is not None else []
        layers.append(as_layer(doc, version, spans, relations))
    n = write_predictions(layers, out)
    click.echo(f"wrote {n} document(s) of predictions by {version} to {out}")


@main.command("score")
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("pred", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--split", default="test", show_default=True, help="Split of GOLD when it is a release folder.")
@click.option(
    "--compare", type=click.Path(path_type=Path, dir_okay=False), help="A second system's predictions: paired test."
)
@click.option("--resamples", default=1000, show_default=True)
@click.option("--seed", default=0, show_default=True)
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
    schema_path: Path,
    as_json: bool,
) -> None:
    """Score predictions (JSONL) against gold (a release folder, or JSONL in the same format)."""
    from toolkit.schema import load_schema
    from toolkit.scorefiles import score_files

    report = score_files(
        gold, pred, load_schema(schema_path), split=split, compare=compare, resamples=resamples, seed=seed
    )
    if as_json:
        _echo_json(report)
        return
    click.echo(f"{report['documents']} documents; entity scores (micro P / R / F1, macro F1, 95% CI of micro F1):")
    for mode, block in report["entities"].items():
        m, ci = block["micro"], block["ci95"]
        ci_text = f"[{ci['low']:.4f}, {ci['high']:.4f}]" if ci else "(needs 2+ documents)"
        click.echo(
            f"  {mode:<9} {m['precision']:.4f} / {m['recall']:.4f} / {m['f1']:.4f}  "
            f"macro {block['macro_f1']:.4f}  {ci_text}"
        )
    for label, row in report["entities"]["strict"]["per_label"].items():
        click.echo(f"    {label:<10} P {row['precision']:.4f} R {row['recall']:.4f} F1 {row['f1']:.4f}")
    for mode, block in report["relations"].items():
        m = block["micro"]
        click.echo(
            f"  relations {mode:<10} {m['precision']:.4f} / {m['recall']:.4f} / {m['f1']:.4f}  "
            f"macro {block['macro_f1']:.4f}"
        )
    if "paired" in report:
        t = report["paired"]
        click.echo(f"paired {t['method']}: F1 difference {t['difference']:+.4f}, p = {t['p_value']:.4f}")


# --- demo --------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/demo"),
    show_default=True,
    help="Folder for the demo's outputs (the committed files are never touched).",
)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path(), help="Project root.")
@_friendly
def demo(out: Path, root: Path) -> None:
    """Run the main job end to end on the committed seed (no server needed)."""
    from toolkit.pipeline import run_demo

    report = run_demo(root, out)
    for i, step in enumerate(report.steps, 1):
        click.echo(f"[{i}/{len(report.steps)}] {step.name}")
        for line in step.lines:
            click.echo(f"    {line}")
        for path in step.outputs:
            click.echo(f"    -> {path}")
    click.echo(f"done; outputs under {report.out_dir}/")
