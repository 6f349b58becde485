"""Every `toolkit ...` command the README shows parses as written: the command exists, every option exists,
required options are there and values have the right type (a file that only exists after the steps before it
is the one thing not checked here). A renamed option or command fails this test, not a newcomer."""

from __future__ import annotations

import hashlib
import re
import shlex
from pathlib import Path

import click
import pytest

from tests.conftest import REPO, doc_block, doc_block_before, run_bash
from toolkit.cli import main

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _commands() -> list[tuple[str, str]]:
    """(file:line, command) of every `toolkit` command in the bash blocks of the README and the docs, continuation
    lines joined; shell redirections, pipes, background marks and comments cut."""
    found: list[tuple[str, str]] = []
    for document in DOCUMENTS:
        found += [(f"{document.name}:{n}", c) for n, c in _commands_of(document)]
    return found


def _commands_of(document: Path) -> list[tuple[int, str]]:
    lines = document.read_text(encoding="utf-8").split("\n")
    found: list[tuple[int, str]] = []
    in_block, start, parts = False, 0, []
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_block = line.strip() == "```bash"
            continue
        if not in_block:
            continue
        if not parts:
            start = number
        parts.append(line.rstrip("\\").strip())
        if line.endswith("\\"):
            continue
        command = " ".join(parts).split(" #", 1)[0]
        parts = []
        command = re.split(r" (?:>|\||&&|&)(?: |$)", command)[0].strip()
        command = re.sub(r"^(?:[A-Z_]+=\S*\s+)+", "", command)  # HF_TOKEN=... toolkit ...
        if command.startswith("toolkit "):
            found.append((start, command))
    return found


COMMANDS = _commands()


def test_the_readme_shows_many_commands() -> None:
    assert len(COMMANDS) >= 30


@pytest.mark.parametrize("line,command", COMMANDS, ids=[where for where, _ in COMMANDS])
def test_a_readme_command_parses(line: str, command: str) -> None:
    words = shlex.split(command)[1:]
    ctx = main.make_context("toolkit", list(words))
    cmd: click.Command = main
    args = [*ctx.protected_args, *ctx.args]
    while isinstance(cmd, click.Group) and args:
        name, sub, args = cmd.resolve_command(ctx, args)
        assert sub is not None, f"{line}: no command {name!r}"
        cmd = sub
        try:
            ctx = cmd.make_context(name or "", list(args), parent=ctx)
        except click.BadParameter as exc:
            assert "does not exist" in str(exc), f"{line}: {command}: {exc}"
            return
        except click.UsageError as exc:
            pytest.fail(f"{line}: {command}: {exc}")
        args = [*getattr(ctx, "protected_args", []), *ctx.args] if isinstance(cmd, click.Group) else []


def test_the_readmes_own_project_commands_run_as_written(tmp_path: Path) -> None:
    """The README's project-manager block, pasted in a clone with pages in ~/pages: a project of one's own is made
    beside it and its pages ingested there (the Label Studio steps after it run in tests/labelstudio)."""
    import shutil

    script = doc_block_before(REPO / "README.md", "toolkit ls push")
    assert script.startswith("toolkit init ../my-project") and "cd ../my-project" in script
    (tmp_path / "home" / "pages").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "golden" / "pages" / "suara-article.html", tmp_path / "home" / "pages")
    (tmp_path / "clone").mkdir()
    out = run_bash(script, tmp_path / "clone", HOME=str(tmp_path / "home"))
    assert "suara-article.html: added article" in out
    assert (tmp_path / "my-project" / "seeds" / "articles.jsonl").is_file()
    assert not list((tmp_path / "clone").iterdir())  # nothing written where the commands were pasted
    # the project managers' page: the same start, then the schema checked inside the new project
    (tmp_path / "second" / "clone").mkdir(parents=True)
    script = doc_block(REPO / "docs" / "project-managers.md", "cd ../my-project && toolkit schema check")
    checked = run_bash(script, tmp_path / "second" / "clone")
    assert "made project my-project in ../my-project" in checked and "1 relation types:" in checked


@pytest.mark.slow
def test_the_researchers_commands_run_as_written_and_rebuild_the_leaderboards_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Baselines section's commands, run by bash as a newcomer pastes them in a clone, make the releases the
    committed leaderboard was scored on (same manifest sha256), so `toolkit bench` on them is not refused; the project
    managers' import and qa blocks then run in the same clone."""
    import json

    from tests.conftest import project_copy

    project_copy(tmp_path, monkeypatch, ("schemas", "seeds", "annotations", "benchmarks"))
    script = doc_block_before(REPO / "docs" / "researchers.md", "toolkit bench ")
    assert "toolkit dataset release --name idner-news-2k" in script and "toolkit annotations gold" in script
    run_bash(script, tmp_path)
    for release in ("id-news-er/0.2.0", "idner-news-2k/1.1.0"):
        made = hashlib.sha256((tmp_path / "releases" / release / "manifest.json").read_bytes()).hexdigest()
        for result in sorted((REPO / "benchmarks" / release).glob("*.json")):
            scored = json.loads(result.read_text(encoding="utf-8"))["manifest_sha256"]
            assert scored == made, f"{result.name} was scored on {scored[:12]}, the commands make {made[:12]}"
    # the README's researchers' block on them: the leaderboard rewritten byte for byte, the CRF's row scored again
    scored = run_bash(doc_block(REPO / "README.md", "toolkit bench releases/id-news-er/0.2.0"), tmp_path)
    for release in ("id-news-er/0.2.0", "idner-news-2k/1.1.0"):
        for result in sorted((REPO / "benchmarks" / release).iterdir()):
            made_result = tmp_path / "benchmarks" / release / result.name
            assert made_result.read_bytes() == result.read_bytes(), f"{release}/{result.name} differs"
    assert (tmp_path / "benchmarks" / "README.md").read_bytes() == (REPO / "benchmarks" / "README.md").read_bytes()
    crf = json.loads((REPO / "benchmarks" / "idner-news-2k" / "1.1.0" / "crf.json").read_text(encoding="utf-8"))
    strict = crf["test"]["strict"]["micro"]
    assert f"strict    {strict['precision']:.4f} / {strict['recall']:.4f} / {strict['f1']:.4f}" in scored, scored
    # the Baselines block's lines after bench: predictions on the seed articles (pre-annotations; `ls push` with
    # them runs in tests/labelstudio), and two systems compared on the test split (preds-a: the CRF's above)
    after = doc_block(REPO / "docs" / "researchers.md", "toolkit bench ").split("\ntoolkit bench ", 1)[1]
    after = "\n".join(line for line in after.splitlines()[2:] if not line.startswith("toolkit ls push"))
    assert after.startswith("toolkit predict crf") and "--compare preds-b.jsonl" in after, after
    (tmp_path / "preds.jsonl").rename(tmp_path / "preds-a.jsonl")
    gazetteer = "toolkit predict gazetteer --release releases/idner-news-2k/1.1.0 --schema schemas/idner-news-2k.yaml"
    compared = run_bash(f"{gazetteer} --out preds-b.jsonl\n{after}\n", tmp_path)
    assert (tmp_path / "preds.jsonl").is_file() and "paired bootstrap" in compared.lower(), compared
    # then the project managers' quality blocks in the same clone, their placeholders filled with this repository's
    # files (the commands that need a live server, after `&& toolkit ls`, are run by tests/labelstudio)
    snapshot = next(p.stem for p in (REPO / "annotations" / "snapshots").glob("*.json") if p.name != "index.json")
    filled = {
        "<snapshot>": snapshot,
        "<export>": str(REPO / "tests" / "golden" / "real_exports" / "export-api"),
        "GOLD": f"annotations/gold/{snapshot}.jsonl",
    }
    for holding in ("toolkit annotations import <export>.json", "toolkit annotations qa GOLD"):
        script = doc_block(REPO / "docs" / "project-managers.md", holding)
        for placeholder, value in filled.items():
            script = script.replace(placeholder, value)
        script = "\n".join(line.split(" && toolkit ls ")[0] for line in script.splitlines())
        assert "<" not in script.replace("< ", ""), script
        run_bash(script, tmp_path)
    assert (tmp_path / "suspects.json").is_file() and (tmp_path / "review.json").is_file()
    assert json.loads((tmp_path / "suspects.json").read_text(encoding="utf-8"))  # idner-news-2k train has some


@pytest.mark.slow
@pytest.mark.shared
def test_the_conll04_block_runs_as_written_and_rebuilds_its_leaderboard_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The researchers' CoNLL04 block, pasted in a clone that has ../shared beside it: the corpus imported from
    there, released, benchmarked and exported to spaCy; the leaderboard it writes (every result, figure and the
    README) is byte for byte the one committed, so the committed CoNLL04 scores are what the commands give."""
    from tests.conftest import SHARED_DATA, project_copy, shared_data

    shared_data("conll04")
    clone = tmp_path / "clone"
    clone.mkdir()
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)
    project_copy(clone, monkeypatch, ("schemas", "benchmarks"))
    script = doc_block(REPO / "docs" / "researchers.md", "toolkit corpus import-spans ../shared/data/conll04")
    out = run_bash(script, clone)
    assert "wrote build/conll04-spacy" in out
    committed = REPO / "benchmarks" / "conll04" / "1.0.0"
    made = clone / "benchmarks" / "conll04" / "1.0.0"
    assert sorted(p.name for p in made.iterdir()) == sorted(p.name for p in committed.iterdir())
    for result in sorted(committed.iterdir()):
        assert (made / result.name).read_bytes() == result.read_bytes(), result.name
    assert (clone / "benchmarks" / "README.md").read_bytes() == (REPO / "benchmarks" / "README.md").read_bytes()


def _benchmark_commands() -> list[tuple[str, list[str]]]:
    """(file:line, words) of every `.venv/bin/python benchmarks/...` command in the bash blocks of the docs."""
    found = []
    for document in DOCUMENTS:
        in_block = False
        for number, line in enumerate(document.read_text(encoding="utf-8").split("\n"), 1):
            if line.startswith("```"):
                in_block = line.strip() == "```bash"
            elif in_block and line.startswith(".venv/bin/python benchmarks/"):
                found.append((f"{document.name}:{number}", shlex.split(line.split(" #", 1)[0])[1:]))
    return found


BENCHMARK_COMMANDS = _benchmark_commands()


@pytest.mark.parametrize("line,words", BENCHMARK_COMMANDS, ids=[where for where, _ in BENCHMARK_COMMANDS])
def test_a_documented_benchmark_command_names_a_script_and_options_it_has(line: str, words: list[str]) -> None:
    """The speed benchmark's commands take minutes to an hour: here each script exists and knows every option the
    docs give it (its --help, run)."""
    import subprocess
    import sys

    script = REPO / words[0]
    assert script.is_file(), f"{line}: no {words[0]}"
    helped = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0, f"{line}: {helped.stderr}"
    for option in (w for w in words[1:] if w.startswith("--")):
        known = re.search(rf"{re.escape(option.split('=', 1)[0])}(?![\w-])", helped.stdout)
        assert known, f"{line}: {words[0]} has no option {option}"
