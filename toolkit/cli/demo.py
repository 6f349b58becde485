"""``toolkit demo``: the main job end to end."""

from __future__ import annotations

from pathlib import Path

import click

from toolkit.cli._common import _friendly


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/demo"),
    show_default=True,
    help="Folder for the demo's outputs (the committed files are never touched).",
)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path(), help="Project root.")
@_friendly
def demo(out: Path, root: Path) -> None:
    """Run the main job end to end on the committed seed (no server needed)."""
    from toolkit.demo import run_demo

    report = run_demo(root, out)
    for i, step in enumerate(report.steps, 1):
        click.echo(f"[{i}/{len(report.steps)}] {step.name}")
        for line in step.lines:
            click.echo(f"    {line}")
        for path in step.outputs:
            click.echo(f"    -> {path}")
    click.echo(f"done; outputs under {report.out_dir}/")
    card = next((s.outputs[0] for s in report.steps if s.name == "dataset release" and s.outputs), None)
    click.echo("next:")
    if card is not None:
        click.echo(f"    read the release's card: {card}")
        load = f"import datasets; print(datasets.load_dataset({str(card.parent)!r}))"
        click.echo(f'    load it: .venv/bin/python -c "{load}"')
    click.echo("    start Label Studio for annotators: make label-studio (docs/annotators.md)")
    click.echo("    start a project of your own: toolkit init DIR (docs/project-managers.md)")
