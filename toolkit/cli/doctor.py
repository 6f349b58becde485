"""``toolkit doctor``: what killed commands left behind, found and cleaned."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _echo_json, _friendly, json_option

PROJECT_FOLDERS = ("seeds", "annotations", "releases", "build", "benchmarks", "corpora", "exports")
"""Where a project's commands write (the folders checked when none is named)."""


@click.command("doctor")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--fix", is_flag=True, help="Finish committed outputs and remove the other leftovers.")
@json_option
@_friendly
def doctor(folders: tuple[Path, ...], fix: bool, as_json: bool) -> None:
    """Find the temporaries of killed toolkit commands (every command also cleans its own folder when it next
    runs); with --fix, finish or remove them. Temporaries of commands still running are never touched."""
    from toolkit._io import clean_leftover, find_leftovers

    roots = list(folders) or [Path(f) for f in PROJECT_FOLDERS if Path(f).is_dir()]
    found = [left for root in roots for left in find_leftovers(root)]
    rows = []
    for left in found:
        done = clean_leftover(left) if fix else None
        rows.append(
            {
                "path": str(left.path),
                "bytes": left.size,
                "committed": left.committed,
                "done": done if fix else None,
                "busy": fix and done is None,
            }
        )
    if as_json:
        _echo_json({"folders": [str(r) for r in roots], "leftovers": rows})
        return
    for row in rows:
        what = "committed outputs, not yet moved into place" if row["committed"] else "temporary"
        status = (
            f": {row['done']}"
            if row["done"]
            else (": busy (a command holds the folder); try later" if row["busy"] else "")
        )
        click.echo(f"{row['path']} ({row['bytes']:,} bytes, {what}){status}")
    total = sum(left.size for left in found)
    click.echo(
        f"{len(rows)} leftovers ({total:,} bytes) under {', '.join(map(str, roots)) or 'no project folder'}"
        + ("" if fix or not rows else "; run `toolkit doctor --fix` to clean them")
    )
