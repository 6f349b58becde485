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
def main() -> None:
    """Turn news articles into a versioned, benchmarked entity-and-relation dataset."""


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
    """Label Studio: task files for annotators (push/pull/serve need a server)."""


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
