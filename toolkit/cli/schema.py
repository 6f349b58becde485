"""``toolkit schema`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _echo_json, _friendly, json_option, schema_option
from toolkit.errors import ToolkitError


@click.group()
def schema() -> None:
    """Check the entity/relation schema and generate the Label Studio config."""


@schema.command("check")
@schema_option
@json_option
@_friendly
def schema_check(schema_path: Path, as_json: bool) -> None:
    """Validate the schema file and summarise its types."""
    from toolkit.schema import TEXT_CONTRAST, hard_to_read, load_schema

    s = load_schema(schema_path)
    faint = hard_to_read(s)
    if as_json:
        _echo_json(s.model_dump(mode="json"))
        return
    click.echo(f"{schema_path}: {s.name} {s.schema_version} (language {s.language}), span overlap: {s.span_overlap}")
    click.echo(f"{len(s.entities)} entity types:")
    for e in s.entities:
        click.echo(f"  {e.label:<10} hotkey {e.hotkey or '-'}  {e.color}")
    click.echo(f"{len(s.relations)} relation types:")
    for r in s.relations:
        arrow = "->" if r.directed else "<->"
        click.echo(f"  {r.label:<15} {'/'.join(r.head)} {arrow} {'/'.join(r.tail)}")
    if faint:
        click.echo(
            f"note: hard to read as text on white (contrast under {TEXT_CONTRAST}:1, as Label Studio's side panels "
            "show labels): "
            + ", ".join(f"{label} {colour} {r}:1" for label, colour, r in faint)
            + "; choose darker colours in the schema"
        )


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


@schema.command("from-ls-config")
@click.argument("config", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the schema here (else print it).")
@click.option("--name", help="Schema name (default: the project's name, inside a project made by toolkit init).")
@click.option("--language", default="und", show_default=True, help="ISO 639 code of the texts, e.g. id or en.")
@click.option("--span-overlap", type=click.Choice(["forbid", "nested", "allow"]), default="nested", show_default=True)
@click.option("--drop-unsupported", is_flag=True, help="Leave out controls the schema cannot represent (listed).")
@_friendly
def schema_from_ls_config(
    config: Path, out: Path | None, name: str | None, language: str, span_overlap: str, drop_unsupported: bool
) -> None:
    """Make a schema from an existing Label Studio labelling config (XML)."""
    import re

    from toolkit._io import atomic_write_text
    from toolkit.schema.from_ls import schema_from_config, schema_yaml

    try:
        xml = config.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ToolkitError(f"{config}: cannot read the config ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ToolkitError(
            f"{config}: not UTF-8 ({exc.reason} at byte {exc.start}); save the config as UTF-8"
        ) from None
    if name is None:
        from toolkit.project import find_project

        project = find_project()
        if project is None:
            raise ToolkitError(
                f"{config}: name the schema with --name (a file name is no dataset's name), or run this inside a "
                "project made by `toolkit init`"
            )
        name = project.name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "project"
    made = schema_from_config(
        xml,
        source=str(config),
        name=name or slug,
        language=language,
        span_overlap=span_overlap,  # type: ignore[arg-type]  # click.Choice above
        drop_unsupported=drop_unsupported,
    )
    text = schema_yaml(made.schema)
    if out is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(out, text)
    s = made.schema
    click.echo(
        f"{config}: {len(s.entities)} entity types ({', '.join(s.entity_labels)}), {len(s.relations)} relation "
        f"types; control {s.label_studio.labels_name!r} on {s.label_studio.text_name!r} "
        f"(data.{s.label_studio.text_field})",
        err=True,
    )
    for what in made.dropped:
        click.echo(f"  left out: {what}", err=True)
    for what in made.changed:
        click.echo(f"  chosen: {what}", err=True)
    if out is not None:
        click.echo(
            f"wrote {out}; write a GUIDELINES.md beside it, then: toolkit annotations import EXPORT --schema {out}",
            err=True,
        )
