"""``toolkit schema`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _echo_json, _friendly, json_option, schema_option


@click.group()
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
