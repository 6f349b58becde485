"""Numbers from the environment: unset is the default, anything that is not a number of the range is refused by
name through every command that reads one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit._env import env_number
from toolkit.cli import main
from toolkit.errors import ToolkitError


def test_unset_or_empty_is_the_default_and_a_number_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOOLKIT_X", raising=False)
    assert env_number("TOOLKIT_X", 600.0) == 600.0
    monkeypatch.setenv("TOOLKIT_X", "  ")
    assert env_number("TOOLKIT_X", 3, integer=True) == 3
    monkeypatch.setenv("TOOLKIT_X", " 2.5 ")
    assert env_number("TOOLKIT_X", 600.0) == 2.5
    monkeypatch.setenv("TOOLKIT_X", "4")
    assert env_number("TOOLKIT_X", 1, integer=True, minimum=1) == 4


@pytest.mark.parametrize(
    ("value", "integer", "minimum"),
    [("abc", False, 0), ("nan", False, 0), ("-1", False, 0), ("2.5", True, 0), ("0", True, 1)],
)
def test_a_value_that_is_not_a_number_of_the_range_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, value: str, integer: bool, minimum: int
) -> None:
    monkeypatch.setenv("TOOLKIT_X", value)
    with pytest.raises(ToolkitError, match=rf"^\$TOOLKIT_X must be a .*of at least {minimum}, got '{value}'; unset it"):
        env_number("TOOLKIT_X", 1, integer=integer, minimum=minimum)


@pytest.mark.parametrize(("name", "value"), [("TOOLKIT_LOCK_TIMEOUT", "soon"), ("TOOLKIT_WORKERS", "0")])
def test_a_command_refuses_a_bad_number_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    """Both were silently replaced by their defaults before (a lock timeout of 'soon' waited 600 s)."""
    monkeypatch.setenv(name, value)
    page = REPO / "tests" / "golden" / "pages" / "suara-article.html"
    if name == "TOOLKIT_WORKERS":  # read where the status sets up its workers (a committed export, offline)
        args = ["ls", "status", "--export", str(REPO / "tests" / "golden" / "export_two_annotators.json")]
        args += ["--schema", str(REPO / "schemas" / "schema.yaml"), "--plot", str(tmp_path / "out" / "status.png")]
    else:
        args = ["seeds", "ingest", str(page), "--seeds-dir", str(tmp_path / "out")]
        args += ["--profiles", str(REPO / "seeds" / "outlets.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert f"Error: ${name} must be" in result.output and f"got '{value}'" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))
