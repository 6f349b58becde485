"""``toolkit dataset`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from toolkit.cli._common import (
    SEED,
    _echo_json,
    _friendly,
    _options,
    guidelines_for,
    in_project,
    json_option,
    project_of,
    schema_option,
    seeds_dir_option,
)
from toolkit.errors import ToolkitError
from toolkit.formats import WRITABLE


def _default_gold() -> list[Path]:
    return sorted(in_project("annotations/gold")().glob("*.jsonl"))


def _default_layers() -> list[Path]:
    return sorted(in_project("annotations/layers")().glob("*.jsonl"))


def _default_snapshots() -> list[Path]:
    return sorted(p for p in in_project("annotations/snapshots")().glob("*.json") if p.name != "index.json")


gold_option = click.option(
    "--gold",
    "gold_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Gold layer files (default: annotations/gold/*.jsonl). Repeatable.",
)
split_options = [
    click.option("--ratios", default="0.8,0.1,0.1", show_default=True, help="train,validation,test ratios."),
    click.option("--split-seed", type=SEED, default=0, show_default=True, help="Seed of the split hash."),
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


@click.group("dataset")
def dataset_group() -> None:
    """Build the Hugging Face dataset; release, diff, verify and push versions."""


@dataset_group.command("build")
@schema_option
@seeds_dir_option
@gold_option
@_split_opts
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("build/dataset"),
    show_default="build/dataset",
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
@click.option(
    "--name",
    help="Dataset name (folder under --releases-dir; default: the project's name, for another schema its name).",
)
@schema_option
@seeds_dir_option
@gold_option
@_split_opts
@click.option(
    "--releases-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("releases"),
    show_default="releases",
)
@click.option(
    "--previous", type=click.Path(path_type=Path, file_okay=False), help="Previous release, for the changelog diff."
)
@click.option(
    "--license",
    "license_id",
    help="Licence id for the card's metadata (default: the project's licence in toolkit.yaml, else cc-by-4.0 for a "
    "Label Studio project's annotations; for a corpus, unknown unless given: its own licence, as the import "
    "recorded it, is stated in the card).",
)
@click.option(
    "--agreement",
    "agreement_json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output of `toolkit annotations agree --json`, for the card.",
)
@click.option(
    "--campaign",
    "campaign_json",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output of `toolkit ls status --json`, for the card (overlap, control scores as a range).",
)
@click.option(
    "--guidelines",
    "guidelines_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The annotation guidelines the card points to (default: GUIDELINES.md beside the schema).",
)
@click.option(
    "--layers",
    "layers_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A layers file the gold was adjudicated from (repeatable): every annotator's layer is published as the "
    "`annotations` configuration (default: annotations/layers/*.jsonl when the gold is the default).",
)
@json_option
@_friendly
def dataset_release(
    version: str,
    name: str | None,
    schema_path: Path,
    seeds_dir: Path,
    gold_paths: tuple[Path, ...],
    ratios: str,
    split_seed: int,
    split_by: str,
    releases_dir: Path,
    previous: Path | None,
    license_id: str | None,
    agreement_json: Path | None,
    campaign_json: Path | None,
    guidelines_path: Path | None,
    layers_paths: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Write an immutable release folder: parquet splits, every annotator's layer, figures, dataset card, manifest."""
    from toolkit.dataset.release import load_agreement, load_campaign, release
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE

    agreement = load_agreement(agreement_json) if agreement_json else None
    schema = load_schema(schema_path)
    project = project_of(schema_path)  # its toolkit.yaml names the release and gives its licence
    result = release(
        name=name or (project.name if project else schema.name),
        version=version,
        schema=schema,
        seeds_path=seeds_dir / ARTICLES_FILE,
        gold_paths=list(gold_paths) or _default_gold(),
        snapshot_paths=[] if gold_paths else _default_snapshots(),  # explicit gold: its own files are the inputs
        guidelines_path=guidelines_path or guidelines_for(schema_path),
        releases_dir=releases_dir,
        ratios=_ratios(ratios),
        seed=split_seed,
        license_id=license_id or (project.license if project else None),
        previous=previous,
        agreement=agreement,
        split_by=split_by,
        campaign=load_campaign(campaign_json) if campaign_json else None,
        layers_paths=list(layers_paths) or ([] if gold_paths else _default_layers()),
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
        if not plan.token_set:
            click.echo("HF_TOKEN is not set: a real push needs it (a write token from huggingface.co/settings/tokens)")
        return
    url = push(plan)
    click.echo(f"pushed: {url} (recorded in {plan.folder.parent / 'published.json'})")


@dataset_group.command("export")
@click.argument("release_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(WRITABLE), required=True, help="A format of toolkit.formats.")
@click.option(
    "--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output folder (new or empty)."
)
@click.option("--replace", is_flag=True, help="Replace an earlier export in --out (only the files it listed).")
@json_option
@_friendly
def dataset_export(release_dir: Path, fmt: str, out: Path, replace: bool, as_json: bool) -> None:
    """Write a release in another format: spaCy DocBin, CoNLL BIO, brat standoff or token-span JSON.

    The release is checked against its manifest first; the export appears whole or not at all."""
    from toolkit.formats import export_release

    report = export_release(release_dir, fmt, out, replace=replace)
    if as_json:
        _echo_json(report)
        return
    for split, counts in report["splits"].items():
        click.echo(f"{split}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if report.get("file_names"):
        click.echo(
            f"{len(report['file_names'])} document ids are not plain file names: encoded (mapped in export.json)"
        )
    click.echo(f"wrote {out} ({fmt}; report: {out / 'export.json'})")
