"""``toolkit corpus`` commands: external corpora into the canonical model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from toolkit.cli._common import (
    _echo_json,
    _friendly,
    _options,
    json_option,
    label_map_option,
    parse_label_map,
    relation_map_option,
)
from toolkit.formats import READABLE
from toolkit.text.bio import SCHEMES


@click.group("corpus")
def corpus_group() -> None:
    """Import external corpora (CoNLL/BIO, token-span JSON, brat) into the canonical model."""


corpus_options = [
    click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        required=True,
        help="Folder for articles.jsonl (documents), gold.jsonl (gold layers) and corpus.json (provenance).",
    ),
    label_map_option,
    relation_map_option,
    click.option(
        "--skip-invalid",
        is_flag=True,
        help="Leave out entities and relations that break a rule (duplicates, a second type for one span, overlaps "
        "the schema forbids, self or duplicate relations, argument types); counted and listed in corpus.json. "
        "Without it the first one stops the import, named by file, line and id.",
    ),
    click.option(
        "--schema",
        "schema_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Check every label (and relation argument types) against this schema while importing.",
    ),
    click.option("--split", help="Split of all the inputs (default: from each name: train/dev/valid/test)."),
    click.option(
        "--duplicates",
        type=click.Choice(["merge", "keep-all"]),
        default="merge",
        show_default=True,
        help="Identical repeats of a text in one split: merged (counted), or kept as the corpus publishes them.",
    ),
    click.option(
        "--conflicts",
        type=click.Choice(["error", "keep-first"]),
        default="error",
        show_default=True,
        help="A repeated text with other annotations: an error listing both, or keep the first (listed).",
    ),
    click.option(
        "--cross-split",
        type=click.Choice(["error", "keep-first", "keep-all"]),
        default="error",
        show_default=True,
        help="A text in two splits: an error naming both places, keep the first, or keep both (listed).",
    ),
    click.option("--title", help="The corpus's name, for the card."),
    click.option(
        "--source",
        "source_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A text about the corpus (its SOURCE.md or README: origin, authors, counts), quoted in the card.",
    ),
    click.option(
        "--citation",
        "citation_file",
        type=click.Path(path_type=Path, dir_okay=False),
        help="BibTeX of the corpus's paper, for the card's citation.",
    ),
    click.option("--license", "license_id", help="The corpus's licence (e.g. mit), for the card."),
    json_option,
]
_corpus_opts = _options(corpus_options)


def _run(fmt: str, paths: tuple[Path, ...], out: Path, options: dict[str, Any], as_json: bool, **extra: Any) -> None:
    from toolkit.formats import import_files
    from toolkit.schema import load_schema

    schema_path = options.pop("schema_path")
    about = {
        "title": options.pop("title"),
        "source_text": _read(options.pop("source_file")),
        "citation": _read(options.pop("citation_file")),
        "license": options.pop("license_id"),
    }
    summary = import_files(
        fmt,
        list(paths),
        out,
        label_map=parse_label_map(options.pop("label_map")),
        relation_map=parse_label_map(options.pop("relation_map"), "--relation-map"),
        schema=load_schema(schema_path) if schema_path else None,
        about={k: v for k, v in about.items() if v},
        **options,
        **extra,
    )
    if as_json:
        _echo_json(summary)
        return
    for name, c in summary["splits"].items():
        dropped = ""
        if c["entities_dropped"] or c["relations_dropped"]:
            dropped = f" ({c['entities_dropped']} entities, {c['relations_dropped']} relations dropped)"
        click.echo(
            f"{name}: {c['documents']} documents, {c['tokens']} tokens, {c['entities']} entities, "
            f"{c['relations']} relations{dropped}"
        )
    d = summary["duplicates"]
    click.echo(
        f"repeated texts: {d['merged']} merged, {len(d['kept'])} kept ({d['policy']}); "
        f"in two splits: {len(summary['in_two_splits']['units'])} ({summary['in_two_splits']['policy']}); "
        f"conflicting repeats kept first: {len(summary['conflicting_duplicates_kept_first'])}"
    )
    for what, n in summary.get("ignored_lines", {}).items():
        click.echo(f"ignored: {what} {n}")
    skipped = summary.get("skipped", {}).get("counts", {})
    for reason, n in skipped.items():
        click.echo(f"skipped: {reason} {n}")
    if skipped:
        click.echo(f"(each skipped item is listed with its file, line and id in {out}/corpus.json)")
    for kind, n in summary.get("overlapping_entities", {}).items():
        click.echo(f"overlapping entities: {n} {kind} pairs (checked against the schema's span_overlap at release)")
    click.echo(
        f"wrote {out}/articles.jsonl, gold.jsonl and corpus.json (release it with --seeds-dir {out} --gold "
        f"{out}/gold.jsonl --split-by metadata)"
    )


def _read(path: Path | None) -> str | None:
    from toolkit.errors import ToolkitError

    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError(f"{path}: cannot read ({exc})") from None


scheme_option = click.option(
    "--scheme", type=click.Choice(list(SCHEMES)), default="iob2", show_default=True, help="Tagging scheme (CoNLL)."
)


brat_options = _options(
    [
        click.option(
            "--discontinuous",
            type=click.Choice(["error", "skip"]),
            default="error",
            show_default=True,
            help="brat: a discontinuous entity (START END;START END) stops the import, or is left out with its "
            "relations (counted and listed).",
        ),
        click.option(
            "--event-args",
            type=click.Choice(["error", "skip"]),
            default="error",
            show_default=True,
            help="brat: a relation whose argument is an event stops the import, or is left out (counted and listed).",
        ),
    ]
)


@corpus_group.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--format", "fmt", type=click.Choice(READABLE), required=True, help="A format of toolkit.formats.")
@scheme_option
@brat_options
@_corpus_opts
@_friendly
def corpus_import_any(
    inputs: tuple[Path, ...], fmt: str, out: Path, scheme: str, as_json: bool, **options: Any
) -> None:
    """Read corpus files (folders for brat) of a format as documents with gold spans and relations."""
    _run(fmt, inputs, out, options, as_json, scheme=scheme)


@corpus_group.command("import-conll")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@scheme_option
@_corpus_opts
@_friendly
def corpus_import(files: tuple[Path, ...], out: Path, scheme: str, as_json: bool, **options: Any) -> None:
    """Read CoNLL files (tokens, tags; extra columns ignored): `corpus import --format conll`."""
    _run("conll", files, out, options, as_json, scheme=scheme)


@corpus_group.command("import-spans")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_corpus_opts
@_friendly
def corpus_import_spans(files: tuple[Path, ...], out: Path, as_json: bool, **options: Any) -> None:
    """Read token-span JSON (CoNLL04/SpERT style): `corpus import --format spans`."""
    _run("spans", files, out, options, as_json)


@corpus_group.command("import-brat")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@brat_options
@_corpus_opts
@_friendly
def corpus_import_brat(folders: tuple[Path, ...], out: Path, as_json: bool, **options: Any) -> None:
    """Read brat standoff folders (.txt + .ann; an export's root folder with its split folders):
    `corpus import --format brat`."""
    _run("brat", folders, out, options, as_json)
