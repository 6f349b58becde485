"""Every malformed input in tests/bad_inputs/ gives exit status 1, one `Error:` line naming the file and
the location, no traceback, and leaves no output behind (see tests/bad_inputs/README.md)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.cli import main

HERE = REPO / "tests" / "bad_inputs"
CASES: list[dict[str, Any]] = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


SCENARIOS: list[dict[str, str]] = json.loads((HERE / "scenarios.json").read_text(encoding="utf-8"))
REQUESTS: list[dict[str, Any]] = json.loads((HERE / "backend.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_covers_every_surface_and_is_documented() -> None:
    total = len(CASES) + len(REQUESTS) + len(SCENARIOS)
    assert total >= 200
    for page in ("README.md", "docs/index.md"):  # the layout table states the count
        assert f"`tests/bad_inputs/` ({total} bad inputs)" in (REPO / page).read_text(encoding="utf-8"), page
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert all(f"`{c['file']}`" in readme for c in CASES + REQUESTS)
    assert {c["kind"] for c in CASES} == {
        "export",
        "conll",
        "page",
        "schema",
        "prediction",
        "reference",
        "spans",
        "brat",
        "ls-config",
        "acceptance",
        "agree",
        "gold",
        "qa",
    }
    assert {s["surface"] for s in SCENARIOS} >= {"concurrent runs", "disk full", "SIGKILL", "backend over HTTP"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["test"].split("::")[1] for s in SCENARIOS])
def test_every_scenario_names_a_test_that_exists(scenario: dict[str, str]) -> None:
    file, name = scenario["test"].split("::")
    assert re.search(rf"^def {name}\(", (REPO / file).read_text(encoding="utf-8"), re.MULTILINE), scenario["test"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['file']}" for c in CASES])
def test_bad_input(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    if case["kind"] == "page":
        shutil.copytree(REPO / "seeds", out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.exists() else {}
    args = [a.format(file=HERE / case["file"], out=out, here=HERE) for a in case["command"]]
    result = CliRunner().invoke(main, args)
    output = result.output
    assert result.exit_code == case.get("exit", 1), output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert case["file"] in errors[0]
    assert re.search(case["error"], errors[0]), errors[0]
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} if out.exists() else {}
    assert after == before, "an output file was created or modified"


UNREADABLE = {
    "export-truncated.json",
    "export-not-a-list.json",
    "export-json-min.json",
    "export-csv.csv",
    "export-tsv.tsv",
    "export-conll.conll",
    "export-gzip.json.gz",
    "export-utf16.json",
    "export-empty.json",
    "export-bom-truncated.json",
    "export-not-utf8.json",
    "export-deeply-nested.json",
}
"""Exports that cannot be read as a whole (not JSON, not a list of tasks, another format): refused even with
--skip-invalid, naming what they are."""
EXPORT_CASES = [c for c in CASES if c["kind"] == "export" and c["file"] not in UNREADABLE]


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_export_is_refused_whole_even_with_skip_invalid(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c["file"] == name)
    from toolkit.annotations.importer import import_export
    from toolkit.errors import ToolkitError
    from toolkit.schema import load_schema

    with pytest.raises(ToolkitError) as err:
        import_export(HERE / name, load_schema(REPO / "schemas" / "schema.yaml"), out_dir=tmp_path, skip_invalid=True)
    assert name in str(err.value) and re.search(case["error"], str(err.value)), str(err.value)
    assert not any(tmp_path.iterdir()), "nothing is written for an export that cannot be read"


@pytest.mark.parametrize("case", EXPORT_CASES, ids=[c["file"] for c in EXPORT_CASES])
def test_counts_add_up_on_every_bad_export(case: dict[str, Any], tmp_path: Path) -> None:
    """With --skip-invalid, whatever can be read is counted: in = written + skipped, skips by reason."""
    from toolkit.annotations.importer import import_export
    from toolkit.schema import load_schema

    report = import_export(
        HERE / case["file"], load_schema(REPO / "schemas" / "schema.yaml"), out_dir=tmp_path, skip_invalid=True
    )
    for kind, c in report.counts.items():
        assert c["in"] == c["written"] + c["skipped"], kind
        assert c["skipped"] == sum(report.skipped.get(kind, {}).values()), kind
    assert report.errors, "a bad export must report at least one error"
