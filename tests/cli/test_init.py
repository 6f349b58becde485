"""`toolkit init`: a project of one's own, found from any folder inside it."""

from __future__ import annotations

from pathlib import Path

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


def test_ls_push_shows_and_a_release_cites_the_guidelines_the_project_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One rule for both: the project's guidelines (toolkit.yaml) for its schema, else GUIDELINES.md beside a schema."""
    from toolkit.cli._common import guidelines_for
    from toolkit.cli.ls import _instructions

    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "mine", "--language", "id"]).exit_code == 0
    root = tmp_path / "mine"
    settings = yaml.safe_load((root / "toolkit.yaml").read_text(encoding="utf-8"))
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Our guide\n\nMark every PER.\n", encoding="utf-8")
    (root / "toolkit.yaml").write_text(yaml.safe_dump({**settings, "guidelines": "docs/guide.md"}), encoding="utf-8")
    monkeypatch.chdir(root / "seeds")
    assert guidelines_for(root / "schemas" / "schema.yaml") == root / "docs" / "guide.md"
    html = _instructions(root / "schemas" / "schema.yaml", None)
    assert html is not None and "Mark every PER." in html
    other = tmp_path / "elsewhere" / "schema.yaml"
    assert guidelines_for(other) == other.parent / "GUIDELINES.md"  # never the project's for another schema
