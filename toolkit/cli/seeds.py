"""``toolkit seeds`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _echo_json, _friendly, in_project, json_option, seeds_dir_option


@click.group()
def seeds() -> None:
    """Ingest scraped news pages into the seed article store."""


@seeds.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@seeds_dir_option
@click.option(
    "--profiles",
    type=click.Path(path_type=Path, dir_okay=False),
    default=in_project("seeds/outlets.yaml"),
    show_default="seeds/outlets.yaml",
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
