"""Inputs of the wrong kind get one clear error, never a traceback; outputs have the right modes; cards load
cleanly in datasets; the vendored corpus is byte for byte what its checksums say."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.cli import main

GOLDEN = REPO / "tests" / "golden" / "export_two_annotators.json"
SCHEMA = ["--schema", str(REPO / "schemas" / "schema.yaml")]


def test_vendored_idner_news_2k_matches_its_checksums() -> None:
    folder = REPO / "benchmarks" / "data" / "idner-news-2k"
    for line in (folder / "VENDORED.sha256").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert b"\r\n" in (folder / "train.txt").read_bytes()  # CRLF kept (.gitattributes)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layers")
    result = CliRunner().invoke(main, ["annotations", "import", str(GOLDEN), "--out", str(out), *SCHEMA])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def gold(imported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gold")
    result = CliRunner().invoke(
        main, ["annotations", "gold", str(imported / "export_two_annotators.jsonl"), "--out", str(out), *SCHEMA]
    )
    assert result.exit_code == 0, result.output
    return out / "export_two_annotators.jsonl"


def test_layers_and_reports_are_world_readable(imported: Path) -> None:
    for f in imported.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o644, f


def test_agree_with_zero_resamples_gives_figures_without_intervals(imported: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["annotations", "agree", str(imported / "export_two_annotators.jsonl"), "--resamples", "0", "--json", *SCHEMA],
    )
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["overall"]
    assert overall["span_exact"]["f1_pooled"] == pytest.approx(0.625) and overall["span_exact"]["ci95"] is None
    negative = CliRunner().invoke(
        main, ["annotations", "agree", str(imported / "export_two_annotators.jsonl"), "--resamples", "-1", *SCHEMA]
    )
    assert negative.exit_code == 2 and "Invalid value for '--resamples': -1 is not in the range x>=0" in negative.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", r"not JSON .*; --agreement takes agreement figures"),
        (
            '{"documents": 2}',
            r"not agreement figures \(expected 'documents' and 'overall' with span_exact, span_overlap, relation, kappa\)",
        ),
        (
            '{"counts": {}, "source_sha256": "x", "problems": []}',
            r"an import report \(`annotations import`\), not agreement figures",
        ),
    ],
)
def test_release_refuses_an_agreement_file_of_the_wrong_kind(
    gold: Path, tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "agreement.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "dataset",
            "release",
            "--version",
            "1.0.0",
            "--gold",
            str(gold),
            "--releases-dir",
            str(tmp_path / "r"),
            "--agreement",
            str(tmp_path / "agreement.json"),
            *SCHEMA,
        ],
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    import re

    assert re.search(message, result.output), result.output
    assert not (tmp_path / "r").exists()


def test_release_with_a_schema_outside_schemas_needs_its_guidelines(gold: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    schema = tmp_path / "elsewhere" / "schema.yaml"
    schema.write_bytes((REPO / "schemas" / "schema.yaml").read_bytes())
    args = [
        "dataset",
        "release",
        "--version",
        "1.0.0",
        "--gold",
        str(gold),
        "--releases-dir",
        str(tmp_path / "r"),
        "--schema",
        str(schema),
        "--ratios",
        "1,0,0",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "elsewhere/GUIDELINES.md: no annotation guidelines there" in result.output
        and "--guidelines PATH" in result.output
    )
    ok = CliRunner().invoke(main, [*args, "--guidelines", str(REPO / "schemas" / "GUIDELINES.md")])
    assert ok.exit_code == 0, ok.output


def test_a_release_card_loads_in_datasets_without_warnings(
    gold: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from datasets import load_dataset

    released = CliRunner().invoke(
        main,
        [
            "dataset",
            "release",
            "--version",
            "1.0.0",
            "--name",
            "cards",
            "--ratios",
            "1,0,0",
            "--gold",
            str(gold),
            "--releases-dir",
            str(tmp_path / "r"),
            *SCHEMA,
        ],
    )
    assert released.exit_code == 0, released.output
    with caplog.at_level(logging.WARNING):
        ds = load_dataset(str(tmp_path / "r" / "cards" / "1.0.0"), cache_dir=str(tmp_path / "cache"))
    assert sum(len(split) for split in ds.values()) == 3
    assert not [
        r for r in caplog.records if "malformed" in r.getMessage() or "Ignoring part of dataset_info" in r.getMessage()
    ]
    card = (tmp_path / "r" / "cards" / "1.0.0" / "README.md").read_text(encoding="utf-8")
    assert "num_bytes" in card


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_numeric_option_is_range_checked() -> None:
    unranged = [
        f"toolkit {' '.join(path)} --{param.name}"
        for path, command in _commands(main)
        for param in command.params
        if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType))
        and not isinstance(param.type, (click.IntRange, click.FloatRange))
    ]
    assert unranged == []


def test_a_seed_numpy_cannot_take_is_refused_by_name(imported: Path) -> None:
    layers = str(imported / "export_two_annotators.jsonl")
    for seed in ("-1", str(2**32)):
        refused = CliRunner().invoke(main, ["annotations", "agree", layers, "--seed", seed, *SCHEMA])
        assert refused.exit_code == 2, refused.output
        assert f"Invalid value for '--seed': {seed} is not in the range 0<=x<=4294967295" in refused.output
    largest = CliRunner().invoke(main, ["annotations", "agree", layers, "--seed", str(2**32 - 1), "--json", *SCHEMA])
    assert largest.exit_code == 0, largest.output
    assert json.loads(largest.output)["overall"]["span_exact"]["ci95"] is not None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name: [\n", r"not valid YAML at line 2, column 1: expected the node content"),
        ("[" * 100_000, r"not valid YAML: nested too deep"),
    ],
)
def test_a_broken_project_file_is_one_error_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, problem: str
) -> None:
    (tmp_path / "toolkit.yaml").write_text(content, encoding="utf-8")
    (tmp_path / "below").mkdir()
    monkeypatch.chdir(tmp_path / "below")
    result = CliRunner().invoke(main, ["schema", "check"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output  # not a traceback
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "toolkit.yaml: not a readable project file" in errors[0], result.output
    assert re.search(problem, errors[0]) and "restore it from git" in errors[0]


@pytest.mark.parametrize("option", ["--schema", "--profiles"])
def test_yaml_nested_too_deep_is_refused_by_name(tmp_path: Path, option: str) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000, encoding="utf-8")
    page = REPO / "tests" / "golden" / "pages" / "suara-article.html"
    args = (
        ["schema", "check", "--schema", str(deep)]
        if option == "--schema"
        else ["seeds", "ingest", str(page), "--seeds-dir", str(tmp_path / "s"), "--profiles", str(deep)]
    )
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert f"Error: {deep}" in result.output and "not valid YAML: nested too deep" in result.output
    assert not (tmp_path / "s").exists()
