"""`ls status` and `ls review` over an export file with tasks they cannot read (offline: --export needs no
server): the status says what it left out of its figures; a review round with no readable task is refused naming
the export, not a scratch file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.cli import main

SCHEMA = ["--schema", str(REPO / "schemas" / "schema.yaml")]
GOLDEN = REPO / "tests" / "golden" / "export_two_annotators.json"


def _export(tmp_path: Path, extra: list[object], keep: bool) -> Path:
    tasks = json.loads(GOLDEN.read_text(encoding="utf-8")) if keep else []
    path = tmp_path / "export.json"
    path.write_text(json.dumps([*tasks, *extra]), encoding="utf-8")
    return path


def test_status_names_the_tasks_it_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    export = _export(tmp_path, [[1, 2], {"id": 99, "data": {"text": 5}, "annotations": []}], keep=True)
    result = CliRunner().invoke(main, ["ls", "status", "--export", str(export), *SCHEMA])
    assert result.exit_code == 0, result.output
    assert "left out of these figures: 2 tasks (" in result.output
    tasks = len(json.loads(GOLDEN.read_text(encoding="utf-8")))
    assert f"tasks: {tasks} (" in result.output


@pytest.mark.parametrize("extra", [[[1, 2]], [{"id": 1, "data": {"text": ""}, "annotations": []}]])
def test_a_review_round_with_no_readable_task_is_refused_naming_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[object]
) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    export = _export(tmp_path, extra, keep=False)
    result = CliRunner().invoke(main, ["ls", "review", "--export", str(export), *SCHEMA])
    assert result.exit_code == 1, result.output
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert error.startswith(f"Error: {export}: no task of the export could be read (skipped: 1 tasks (")
    assert "toolkit-review-" not in result.output
