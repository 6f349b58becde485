"""``toolkit init``: a dataset project of one's own."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _friendly


def _starter_schema(name: str, language: str) -> str:
    """A small schema to start from (people, organisations, places; who works for whom), to be edited."""
    from toolkit.schema import parse_schema
    from toolkit.schema.from_ls import schema_yaml

    schema = parse_schema(
        {
            "schema_version": "0.1.0",
            "name": name,
            "language": language,
            "description": f"Entities and relations of the {name} project (a starter schema: edit it).",
            "span_overlap": "nested",
            "entities": [
                {"label": "PER", "definition": "A named person.", "color": "#cc1100", "hotkey": "1"},
                {"label": "ORG", "definition": "A named organisation.", "color": "#332288", "hotkey": "2"},
                {"label": "LOC", "definition": "A named place.", "color": "#117733", "hotkey": "3"},
            ],
            "relations": [
                {
                    "label": "works_for",
                    "definition": "The person works for the organisation.",
                    "color": "#ffd8b1",
                    "head": ["PER"],
                    "tail": ["ORG"],
                    "directed": True,
                }
            ],
        },
        source="toolkit init",
    )
    return schema_yaml(schema)


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="Project name (lower case, digits, dashes; default: from the folder's name).")
@click.option("--language", default="id", show_default=True, help="ISO 639 code of the texts, e.g. id or en.")
@click.option(
    "--from-ls-config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Make the schema from an existing Label Studio labelling config (XML) instead of the starter schema.",
)
@_friendly
def init(folder: Path, name: str | None, language: str, config: Path | None) -> None:
    """Start a dataset project of your own in FOLDER (new or empty): toolkit.yaml, a schema, guidelines to fill in."""
    from toolkit.errors import ToolkitError
    from toolkit.project import check_name, init_project, project_name

    slug = name or project_name(folder)
    check_name(slug, language)
    notes: list[str] = []
    if config is not None:
        from toolkit.schema.from_ls import schema_from_config, schema_yaml

        try:
            xml = config.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ToolkitError(f"{config}: cannot read the config ({exc})") from None
        made = schema_from_config(xml, source=str(config), name=slug, language=language)
        text = schema_yaml(made.schema)
        notes += [f"schema from {config.name}: {change}" for change in made.changed]
    else:
        text = _starter_schema(slug, language)
        notes.append("a starter schema (PER, ORG, LOC; works_for): edit schemas/schema.yaml")
    project = init_project(folder, slug, language, text, notes)
    click.echo(f"made project {project.name} in {project.root}")
    for note in notes:
        click.echo(f"  {note}")
    click.echo(f"next: cd {project.root}, fill in schemas/GUIDELINES.md, then see its README.md")
