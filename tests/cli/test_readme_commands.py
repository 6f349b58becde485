"""Every `toolkit ...` command the README shows parses as written: the command exists, every option exists,
required options are there and values have the right type (a file that only exists after the steps before it
is the one thing not checked here). A renamed option or command fails this test, not a newcomer."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from tests.conftest import REPO
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
