"""A dataset project of one's own: ``toolkit.yaml`` at its root, found from any folder inside it.

``toolkit init DIR`` makes one (a schema, a guidelines template to fill in, ``seeds/``, ``annotations/``,
``benchmarks/``, a ``.gitignore`` and a README skeleton). Every command finds the project by walking up from the
working directory to ``toolkit.yaml`` (as git finds ``.git``) and resolves its default paths there (the schema,
the seeds, the layers and gold, the releases, the leaderboard); outside any project the defaults are relative to
the working directory, as before. This repository is one such project (id-news-er).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from toolkit._io import load_yaml, yaml_problem
from toolkit.errors import ToolkitError

PROJECT_FILE = "toolkit.yaml"


class ProjectError(ToolkitError):
    """A project file that cannot be read, or a folder that cannot hold a new project."""


NAME_LENGTH = 64
"""The longest project (and dataset) name; the schema refuses longer ones."""


class _ProjectFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=NAME_LENGTH)]
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    schema_path: str = Field("schemas/schema.yaml", alias="schema")
    guidelines: str | None = "schemas/GUIDELINES.md"
    license: str | None = None
    label_studio_project_id: int | None = None


@dataclass(frozen=True)
class Project:
    """A project: its root folder and what ``toolkit.yaml`` says."""

    root: Path
    name: str
    language: str
    schema: Path
    guidelines: Path | None
    license: str | None
    label_studio_project_id: int | None

    def path(self, relative: str) -> Path:
        """A default path of the project: relative to the working directory when it is the project's root (so
        messages read as before), else under the root."""
        if self.root.resolve() == Path.cwd().resolve():
            return Path(relative)
        return self.root / relative


FIX_PROJECT = "fix it (every command run in or below its folder reads it), or restore it from git"


def project_name(folder: Path) -> str:
    """The name a project gets from its folder: accents folded to ASCII ("Berita Ünï" -> "berita-uni"), other
    characters turned into '-', at most :data:`NAME_LENGTH` characters; "project" when nothing is left."""
    folded = unicodedata.normalize("NFKD", Path(folder).resolve().name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:NAME_LENGTH].strip("-") or "project"


def load_project(path: Path) -> Project:
    """The project whose ``toolkit.yaml`` is ``path``."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProjectError(f"{path}: not a readable project file ({yaml_problem(exc)}); {FIX_PROJECT}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: not a readable project file ({exc}); {FIX_PROJECT}") from None
    try:
        parsed = _ProjectFile.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise ProjectError(f"{path}: {where}: {first['msg']}; see `toolkit init --help`") from None
    root = path.parent
    return Project(
        root,
        parsed.name,
        parsed.language,
        root / parsed.schema_path,
        root / parsed.guidelines if parsed.guidelines else None,
        parsed.license,
        parsed.label_studio_project_id,
    )


def find_project(start: Path | None = None) -> Project | None:
    """The project holding ``start`` (default: the working directory), walking up to ``toolkit.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return load_project(candidate)
    return None


def default_path(relative: str) -> Path:
    """A default path: in the project holding the working directory, else relative to it."""
    project = find_project()
    return project.path(relative) if project is not None else Path(relative)


def record_label_studio_project(project: Project, project_id: int) -> Project:
    """Write the Label Studio project id into the project's ``toolkit.yaml`` (its comments and order kept), so the
    commands that talk to Label Studio find that project by id from then on, even when it is renamed there."""
    import io

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from toolkit._io import atomic_write_text, store_lock

    path = project.root / PROJECT_FILE
    round_trip = YAML()  # round-trip mode: the user's comments and key order survive
    round_trip.representer.add_representer(  # null stays "null" (ruamel's default writes nothing)
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    with store_lock(project.root):
        try:
            data = round_trip.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError) as exc:
            raise ProjectError(f"{path}: cannot record the Label Studio project id ({exc})") from None
        data["label_studio_project_id"] = project_id
        text = io.StringIO()
        round_trip.dump(data, text)
        atomic_write_text(path, text.getvalue())
    return load_project(path)


def project_schema() -> Path:
    project = find_project()
    return project.path(str(project.schema.relative_to(project.root))) if project else Path("schemas/schema.yaml")


GITIGNORE = """.venv/
build/
releases/
annotations/layers/
annotations/gold/
__pycache__/
"""


OUTLETS = """# Outlet profiles for `toolkit seeds ingest`: how to find the article body in a scraped page.
# A page that no profile's `detect` pattern matches uses `generic`, which keeps the whole extracted page as the
# body. Add a profile per outlet whose pages carry chrome (lists of other headlines) or a dateline; the fields
# are those of the toolkit's own seeds/outlets.yaml (detect, prefix, chrome_headings, related_headings, bullet,
# dateline).
"""
STARTER_OUTLETS = {"profiles": [], "generic": {"name": "generic", "outlet": None, "min_body_chars": 200}}


def _guidelines(name: str, schema_text: str) -> str:
    types = re.findall(r"^\s*- label: (\S+)", schema_text, flags=re.MULTILINE)
    sections = "\n".join(f"## {t}\n\nWhat a {t} is, with examples of what is and is not one.\n" for t in types)
    return f"""# {name}: annotation guidelines

Write here how annotators mark each type; the release publishes this file and records its sha256.
Until it is written, a release of this project says it has no guidelines of its own.

{sections}"""


def check_name(name: str, language: str) -> None:
    """A project's name and language as ``toolkit.yaml`` takes them, or an error naming the option."""
    try:
        _ProjectFile.model_validate({"name": name, "language": language})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise ProjectError(
            f"{'--' + str(first['loc'][0]) if first['loc'] else 'the project'} {first['input']!r}: {first['msg']} "
            f"(a name is lower-case letters, digits and dashes, at most {NAME_LENGTH}; a language an ISO 639 code "
            "such as id or en)"
        ) from None


def init_project(folder: Path, name: str, language: str, schema_text: str, notes: list[str]) -> Project:
    """Make a new project in ``folder`` (new or empty): ``toolkit.yaml``, ``schemas/schema.yaml`` (``schema_text``)
    and a guidelines template, ``seeds/``, ``annotations/snapshots/``, ``benchmarks/``, ``.gitignore`` and a
    README skeleton. ``notes`` are written into the README (what was chosen for the user)."""
    from toolkit._io import atomic_write_text

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise ProjectError(f"{folder}: not empty; toolkit init makes a project in a new or empty folder")
    if find_project(folder.parent if not folder.exists() else folder) is not None:
        outer = find_project(folder.parent if not folder.exists() else folder)
        assert outer is not None
        raise ProjectError(
            f"{folder}: inside project {outer.name} ({outer.root / PROJECT_FILE}); make a project outside it"
        )
    check_name(name, language)  # before anything is written
    for sub in ("schemas", "seeds/raw", "annotations/snapshots", "benchmarks"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    atomic_write_text(
        folder / PROJECT_FILE,
        yaml.safe_dump(
            {
                "name": name,
                "language": language,
                "schema": "schemas/schema.yaml",
                "guidelines": "schemas/GUIDELINES.md",
                "license": None,
                "label_studio_project_id": None,
            },
            sort_keys=False,
        ),
    )
    atomic_write_text(folder / "schemas" / "schema.yaml", schema_text)
    atomic_write_text(folder / "schemas" / "GUIDELINES.md", _guidelines(name, schema_text))
    atomic_write_text(folder / "seeds" / "outlets.yaml", OUTLETS + yaml.safe_dump(STARTER_OUTLETS, sort_keys=False))
    atomic_write_text(folder / ".gitignore", GITIGNORE)
    chosen = "".join(f"- {n}\n" for n in notes)
    atomic_write_text(
        folder / "README.md",
        f"""# {name}

An entity-and-relation dataset project ({language}), made with `toolkit init`.

1. Fill in `schemas/GUIDELINES.md`; check the schema: `toolkit schema check`.
2. Put scraped pages in `seeds/raw/` and ingest them: `toolkit seeds ingest seeds/raw/*`.
3. Push them to Label Studio: `toolkit ls push` (with `LABEL_STUDIO_URL` and `LABEL_STUDIO_API_KEY`).
   Model help from the first task: `toolkit ls backend &` serves pre-annotations in this schema (rules, places,
   recurring names) and retrains on your gold; `toolkit ls connect --backend http://127.0.0.1:9090 --retrieve`.
4. Pull, import, measure agreement, adjudicate: `toolkit ls pull`, `toolkit annotations import ...`,
   `toolkit annotations agree ...`, `toolkit annotations gold ...`.
5. Release and benchmark: `toolkit dataset release --version 1.0.0`, `toolkit bench releases/{name}/1.0.0`.

Every command run inside this folder uses this project's paths (`toolkit.yaml`).
{"" if not chosen else chr(10) + "Chosen for you when the project was made:" + chr(10) + chr(10) + chosen}""",
    )
    return load_project(folder / PROJECT_FILE)
