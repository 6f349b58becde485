"""What every command group shares: error translation, JSON output, common options."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.project import Project

F = TypeVar("F", bound=Callable[..., Any])

SEED = click.IntRange(0, 2**32 - 1)
"""Every ``--seed``: numpy's and scikit-learn's generators take 0 to 2**32 - 1, and one range for all keeps a
seed that works for one command working for the others."""


def _friendly(func: F) -> F:
    """Turn library errors into click's ``Error: ...`` with exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToolkitError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # the last resort: a disk full or a vanished file where no stage expected it
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}; check free space and permissions") from None

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


def in_project(relative: str) -> Callable[[], Path]:
    """A click default: ``relative`` in the project holding the working directory (``toolkit.yaml``), else
    relative to the working directory."""

    def default() -> Path:
        from toolkit.project import default_path

        return default_path(relative)

    return default


def _project_schema() -> Path:
    from toolkit.project import project_schema

    return project_schema()


def project_of(schema_path: Path) -> Project | None:
    """The project holding the working directory, when ``schema_path`` is its schema: then its ``toolkit.yaml``
    settings (name, guidelines, licence, Label Studio project) apply; to another schema they never do."""
    from toolkit.project import find_project

    project = find_project()
    return project if project is not None and Path(schema_path).resolve() == project.schema.resolve() else None


def guidelines_for(schema_path: Path) -> Path:
    """A schema's guidelines: the project's (``toolkit.yaml``) when it is the project's schema, else
    ``GUIDELINES.md`` beside it; never another project's. ``ls push`` shows them, ``dataset release`` cites them."""
    project = project_of(schema_path)
    if project is not None and project.guidelines:
        return project.guidelines
    return Path(schema_path).parent / "GUIDELINES.md"


schema_option = click.option(
    "--schema",
    "schema_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=_project_schema,
    show_default="schemas/schema.yaml of the project",
    help="Entity/relation schema file.",
)
seeds_dir_option = click.option(
    "--seeds-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=in_project("seeds"),
    show_default="seeds",
    help="Folder holding articles.jsonl and raw/.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def _options(options: list[Callable[[Any], Any]]) -> Callable[[F], F]:
    """Apply a declared group of click options, in order."""

    def apply(func: F) -> F:
        decorated: Any = func
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]  # click options keep the callable's type

    return apply


ls_project_options = _options(
    [
        click.option(
            "--title",
            help="Label Studio project title (default: the id toolkit.yaml recorded at the first push, else the "
            "schema's name).",
        ),
        click.option("--project-id", type=click.IntRange(min=1), help="Label Studio project id (overrides --title)."),
    ]
)


@dataclasses.dataclass(frozen=True)
class LsTarget:
    """The Label Studio project a command works on: by id when one is known, else by title."""

    title: str
    project_id: int | None
    record_in: Project | None = None  # the toolkit project whose first push records the id (no --title or id)
    recorded: bool = False  # the id is the one toolkit.yaml recorded

    def explain(self, exc: ToolkitError) -> ToolkitError:
        """A Label Studio error, with where a recorded id came from and how to choose another project."""
        if not self.recorded:
            return exc
        return type(exc)(
            f"{exc} (project {self.project_id} is the one toolkit.yaml recorded at the first `toolkit ls push`; "
            "pass --title or --project-id, or set label_studio_project_id in toolkit.yaml)"
        )


def ls_target(title: str | None, project_id: int | None, schema_path: Path) -> LsTarget:
    """``--project-id``, else ``--title``, else the id ``toolkit.yaml`` recorded at the project's first ``ls push``,
    else the schema's name as the title (and a push then records the id, when the schema is the project's)."""
    if project_id is not None or title:
        return LsTarget(title or "", project_id)
    from toolkit.schema import load_schema

    project = project_of(schema_path)
    if project is not None and project.label_studio_project_id is not None:
        return LsTarget("", project.label_studio_project_id, recorded=True)
    return LsTarget(load_schema(schema_path).name, None, project)


def parse_label_map(items: tuple[str, ...], option: str = "--label-map") -> dict[str, str]:
    """``OLD=NEW`` options (``OLD=`` drops the label) as a mapping; anything else is refused."""
    mapping: dict[str, str] = {}
    for item in items:
        src, sep, dst = item.partition("=")
        if not sep or not src.strip():
            raise ToolkitError(f"{option} takes OLD=NEW (or OLD= to drop the label), got {item!r}")
        if src in mapping and mapping[src] != dst:
            raise ToolkitError(f"{option} maps {src!r} twice ({mapping[src]!r} and {dst!r}); keep one")
        mapping[src] = dst
    return mapping


label_map_option = click.option(
    "--label-map",
    "label_map",
    multiple=True,
    help="OLD=NEW: rename an entity label of the input to a schema type; OLD= drops it (counted). Repeatable.",
)
relation_map_option = click.option(
    "--relation-map",
    "relation_map",
    multiple=True,
    help="OLD=NEW: rename a relation label of the input to a schema type; OLD= drops it (counted). Repeatable. "
    "Entity and relation labels map separately: one name may be both.",
)


serve_options = _options(
    [
        click.option(
            "--label-map",
            "label_map",
            multiple=True,
            help="CORPUS=TYPE: train on the release's gold relabelled into the schema's types (repeatable); "
            "CORPUS=A|B: A when the mention is a known place (country, region, city), else B. A corpus label without "
            "one is not proposed.",
        ),
        click.option("--cold-start", is_flag=True, help="Let the rules propose the schema types the model cannot."),
        click.option(
            "--min-precision",
            type=click.FloatRange(0.0, 1.0),
            default=0.0,
            show_default=True,
            help=(
                "Withhold a source (crf, rules, places, recurring) for a type when its precision on the release's "
                "validation split is below this with 95% confidence; the type's other sources still propose it."
            ),
        ),
    ]
)
"""How the served model speaks the project's labels: the options of `ls backend` and `predict served`."""


def check_no_corpus_options(label_map: tuple[str, ...], min_precision: float) -> None:
    """With no release the cold start alone is served: a label map has no corpus to map, and no precision can be
    measured (no validation split), so both are refused rather than ignored."""
    if label_map or min_precision:
        raise ToolkitError(
            "--label-map and --min-precision apply to a model trained on a release: pass --release DIR, or leave "
            "them out to serve the cold start (rules, places, recurring names) in the project's schema"
        )
