"""`toolkit init`: a project of one's own, found from any folder inside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.cli import main
from toolkit.project import default_path, find_project


def test_init_from_a_label_studio_config_names_the_schema_after_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    config = tmp_path / "config.xml"
    assert (
        runner.invoke(
            main, ["schema", "config", "--schema", str(REPO / "schemas/schema.yaml"), "--out", str(config)]
        ).exit_code
        == 0
    )
    made = runner.invoke(main, ["init", "berita-saya", "--from-ls-config", str(config), "--language", "id"])
    assert made.exit_code == 0, made.output
    root = tmp_path / "berita-saya"
    for name in ("toolkit.yaml", "schemas/schema.yaml", "schemas/GUIDELINES.md", ".gitignore", "README.md"):
        assert (root / name).is_file(), name
    for name in ("seeds/raw", "annotations/snapshots", "benchmarks"):
        assert (root / name).is_dir(), name
    schema = yaml.safe_load((root / "schemas/schema.yaml").read_text(encoding="utf-8"))
    assert schema["name"] == "berita-saya" and schema["language"] == "id"  # never "config"
    assert "## PER" in (root / "schemas/GUIDELINES.md").read_text(encoding="utf-8")
    monkeypatch.chdir(root / "seeds" / "raw")
    checked = runner.invoke(main, ["schema", "check", "--json"])
    assert checked.exit_code == 0, checked.output
    assert '"name": "berita-saya"' in checked.output  # the project's schema, found by walking up
    assert f"project berita-saya ({root})" in checked.output  # said on stderr (mixed in by the runner)
    project = find_project()
    assert project is not None and project.root == root
    assert default_path("releases") == root / "releases"


def test_init_refuses_a_used_folder_and_a_folder_inside_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("x", encoding="utf-8")
    used = runner.invoke(main, ["init", "used"])
    assert (
        used.exit_code == 1 and "used: not empty; toolkit init makes a project in a new or empty folder" in used.output
    )
    assert runner.invoke(main, ["init", "outer"]).exit_code == 0
    inner = runner.invoke(main, ["init", "outer/inner"])
    assert inner.exit_code == 1 and "inside project outer" in inner.output
    bad = runner.invoke(main, ["init", "x", "--name", "Not A Name"])
    assert bad.exit_code == 1 and "name" in bad.output and "Traceback" not in bad.output


def test_the_starter_schema_is_valid_and_outside_a_project_paths_are_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_project() is None and default_path("releases") == Path("releases")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "mine", "--language", "en"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "mine")
    checked = runner.invoke(main, ["schema", "check"])
    assert checked.exit_code == 0, checked.output
    assert "project mine" not in checked.output  # at the root: nothing to say
    assert default_path("releases") == Path("releases")
    import wcag_contrast_ratio as wcag
    from matplotlib.colors import to_rgb

    from toolkit.schema import load_schema

    starter = load_schema(tmp_path / "mine" / "schemas" / "schema.yaml")
    assert starter.label_studio.granularity == "word"  # drags snap to words
    for ent in starter.entities:  # readable as text on white in Label Studio's side panels
        assert wcag.rgb(to_rgb(ent.color), (1.0, 1.0, 1.0)) >= 4.5, (ent.label, ent.color)


def test_this_repository_is_a_project() -> None:
    project = find_project(REPO / "toolkit")
    assert project is not None and project.name == "id-news-er" and project.schema == REPO / "schemas" / "schema.yaml"


def test_a_schema_from_a_config_is_never_named_after_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    config = tmp_path / "config.xml"
    assert (
        runner.invoke(
            main, ["schema", "config", "--schema", str(REPO / "schemas/schema.yaml"), "--out", str(config)]
        ).exit_code
        == 0
    )
    unnamed = runner.invoke(main, ["schema", "from-ls-config", str(config), "--out", "s.yaml"])
    assert unnamed.exit_code == 1 and "name the schema with --name (a file name is no dataset's name)" in unnamed.output
    named = runner.invoke(main, ["schema", "from-ls-config", str(config), "--name", "berita", "--out", "s.yaml"])
    assert named.exit_code == 0 and yaml.safe_load(Path("s.yaml").read_text(encoding="utf-8"))["name"] == "berita"


def _new_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, **settings: object) -> Path:
    """``toolkit init NAME`` in ``tmp_path``, then these ``toolkit.yaml`` settings changed; returns its root."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", name, "--language", "id"]).exit_code == 0
    root = tmp_path / name
    if settings:
        written = yaml.safe_load((root / "toolkit.yaml").read_text(encoding="utf-8"))
        (root / "toolkit.yaml").write_text(yaml.safe_dump({**written, **settings}), encoding="utf-8")
    return root


def test_ls_push_shows_and_a_release_cites_the_guidelines_the_project_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One rule for both: the project's guidelines (toolkit.yaml) for its schema, else GUIDELINES.md beside a schema."""
    from toolkit.cli._common import guidelines_for
    from toolkit.cli.ls import _instructions

    root = _new_project(tmp_path, monkeypatch, "mine", guidelines="docs/guide.md")
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Our guide\n\nMark every PER.\n", encoding="utf-8")
    monkeypatch.chdir(root / "seeds")
    assert guidelines_for(root / "schemas" / "schema.yaml") == root / "docs" / "guide.md"
    html = _instructions(root / "schemas" / "schema.yaml", None)
    assert html is not None and "Mark every PER." in html
    other = tmp_path / "elsewhere" / "schema.yaml"
    assert guidelines_for(other) == other.parent / "GUIDELINES.md"  # never the project's for another schema


def test_a_new_project_ingests_pages_and_names_and_licenses_its_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh project has outlet profiles (the generic one), and a release takes the project's name and licence."""
    runner = CliRunner()
    root = _new_project(tmp_path, monkeypatch, "kabar", license="cc-by-sa-4.0")
    text = "Presiden Joko Widodo meresmikan jalan tol baru di Jawa Tengah pada Senin. " * 4
    (root / "seeds" / "raw" / "a.txt").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    ingested = runner.invoke(main, ["seeds", "ingest", "seeds/raw/a.txt"])
    assert ingested.exit_code == 0 and "added article" in ingested.output, ingested.output
    from toolkit._io import jsonl_text
    from toolkit.model import Layer, Provenance, Span, layer_to_dict
    from toolkit.seeds import ARTICLES_FILE, load_articles

    (doc,) = load_articles(root / "seeds" / ARTICLES_FILE)
    # model help from the first task, with no corpus: the cold start in the project's own schema
    served = runner.invoke(main, ["predict", "served", "--articles", "seeds/articles.jsonl", "--out", "pre.jsonl"])
    assert served.exit_code == 0 and "cold-start@kabar-" in served.output, served.output
    proposed = {(s["label"], doc.text[s["start"] : s["end"]]) for s in _jsonl(root / "pre.jsonl")[0]["spans"]}
    assert proposed == {("LOC", "Jawa Tengah")}  # the starter schema's place type (it has no GPE, ROLE or DATE)
    start = doc.text.index("Joko")
    gold = Layer(doc.id, "gold", "", (Span("g1", start, start + 11, "PER"),), (), Provenance("hand"), "gold")
    line = {"document": {"id": doc.id, "text": doc.text, "metadata": {}}, "gold": layer_to_dict(gold)}
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "annotations" / "gold" / "hand.jsonl").write_text(jsonl_text([line]), encoding="utf-8")
    released = runner.invoke(main, ["dataset", "release", "--version", "0.1.0", "--ratios", "0,0,1"])
    assert released.exit_code == 0, released.output
    card = (root / "releases" / "kabar" / "0.1.0" / "README.md").read_text(encoding="utf-8")
    assert "license: cc-by-sa-4.0" in card


def test_ls_push_records_the_project_id_keeping_toolkit_yaml_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.cli._common import ls_target
    from toolkit.project import record_label_studio_project

    root = _new_project(tmp_path, monkeypatch, "mine")
    written = "# my notes about this project\n" + (root / "toolkit.yaml").read_text(encoding="utf-8")
    (root / "toolkit.yaml").write_text(written, encoding="utf-8")
    monkeypatch.chdir(root)
    schema = root / "schemas" / "schema.yaml"
    first = ls_target(None, None, schema)
    assert (first.title, first.project_id, first.record_in is not None) == ("mine", None, True)
    assert ls_target(None, None, REPO / "schemas" / "schema.yaml").record_in is None  # another schema: never
    project = record_label_studio_project(first.record_in, 42)
    assert project.label_studio_project_id == 42
    assert (root / "toolkit.yaml").read_text(encoding="utf-8") == written.replace(
        "label_studio_project_id: null", "label_studio_project_id: 42"
    )
    later = ls_target(None, None, schema)
    assert (later.project_id, later.recorded, later.record_in) == (42, True, None)
    assert ls_target("other", None, schema).project_id is None  # --title chooses another project
    assert ls_target(None, 7, schema).project_id == 7


def test_an_error_about_the_recorded_label_studio_project_says_where_the_id_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.labelstudio.server import free_port

    root = _new_project(tmp_path, monkeypatch, "mine", label_studio_project_id=4242)
    monkeypatch.chdir(root)
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "k" * 40)
    monkeypatch.setenv("TOOLKIT_LS_RETRIES", "0")  # nothing listens there: fail at once
    pulled = CliRunner().invoke(main, ["ls", "pull"])
    assert pulled.exit_code == 1 and "Traceback" not in pulled.output
    assert "project 4242 is the one toolkit.yaml recorded at the first `toolkit ls push`" in pulled.output
    other = CliRunner().invoke(main, ["ls", "pull", "--title", "other"])
    assert other.exit_code == 1 and "toolkit.yaml recorded" not in other.output


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("Berita Ünï", "berita-uni"),  # accents folded (was "berita-n")
        ("新闻", "project"),  # nothing ASCII left
        ("b" * 200, "b" * 64),  # cut to the longest name (was refused by the schema)
        ("--Café--", "cafe"),
    ],
)
def test_a_project_is_named_after_its_folder_as_a_dataset_name_can_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "--", folder])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / folder / "toolkit.yaml").read_text(encoding="utf-8"))["name"] == name
    assert yaml.safe_load((tmp_path / folder / "schemas" / "schema.yaml").read_text(encoding="utf-8"))["name"] == name


def test_a_name_too_long_is_refused_by_its_option_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "new", "--name", "a" * 65])
    assert result.exit_code == 1
    assert "Error: --name 'aaaa" in result.output and "at most 64 characters" in result.output
    assert not (tmp_path / "new").exists()


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
