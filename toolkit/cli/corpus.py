"""``toolkit corpus`` commands: external corpora into the canonical model."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _echo_json, _friendly, json_option, label_map_option, parse_label_map


@click.group("corpus")
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
@label_map_option
@click.option("--split", help="Split of all the files (default: from each file name: train/dev/test).")
@json_option
@_friendly
def corpus_import(
    files: tuple[Path, ...], out: Path, scheme: str, label_map: tuple[str, ...], split: str | None, as_json: bool
) -> None:
    """Read CoNLL files (tokens, tags; extra columns ignored) as documents with gold spans."""
    from toolkit.corpus import write_corpus

    mapping = parse_label_map(label_map)
    summary = write_corpus(list(files), out, scheme=scheme, label_map=mapping, split=split)
    if as_json:
        _echo_json(summary)
        return
    for name, c in summary["splits"].items():  # type: ignore[attr-defined]
        dropped = f" ({c['entities_dropped']} dropped by --label-map)" if c["entities_dropped"] else ""
        click.echo(f"{name}: {c['documents']} sentences, {c['tokens']} tokens, {c['entities']} entities{dropped}")
    click.echo(
        f"wrote {out}/articles.jsonl and {out}/gold.jsonl (build it with --seeds-dir {out} --gold "
        f"{out}/gold.jsonl --split-by metadata)"
    )
