"""The ``toolkit`` command line: options in, typed library calls, rendered results out.

The ``cli`` package is the only code that prints or exits. Every :class:`ToolkitError` becomes a
one-line ``Error: ...`` on stderr and exit status 1, without a traceback. One module per command
group; this module builds the top-level group from them.
"""

import click

from toolkit import __version__
from toolkit.cli import annotations as annotations_cli
from toolkit.cli import backend, campaign, corpus, dataset, demo, doctor, evaluate, init, ls, schema, seeds
from toolkit.cli._common import _friendly


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="toolkit")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (debug level) to stderr.")
@_friendly  # a broken toolkit.yaml above the working directory is one Error: line, for every command
def main(verbose: bool) -> None:
    """Turn news articles into a versioned, benchmarked entity-and-relation dataset.

    Inside a project (a folder with toolkit.yaml, or below one; `toolkit init` makes one) the default paths are
    the project's."""
    from pathlib import Path

    from toolkit.project import find_project

    project = find_project()
    if project is not None and project.root.resolve() != Path.cwd().resolve():
        click.echo(f"project {project.name} ({project.root})", err=True)
    if verbose:
        import logging
        import sys

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        for name in ("toolkit", "httpx", "label_studio_sdk", "huggingface_hub"):
            logger = logging.getLogger(name)
            logger.setLevel(logging.DEBUG)
            if not any(getattr(h, "_toolkit", False) for h in logger.handlers):
                handler._toolkit = True  # type: ignore[attr-defined]  # our mark: add the handler once per process
                logger.addHandler(handler)


for command in (
    schema.schema,
    seeds.seeds,
    ls.ls_group,
    annotations_cli.annotations_group,
    dataset.dataset_group,
    corpus.corpus_group,
    evaluate.bench,
    evaluate.predict,
    evaluate.score,
    demo.demo,
    doctor.doctor,
    init.init,
):
    main.add_command(command)
ls.ls_group.add_command(backend.ls_backend)
ls.ls_group.add_command(backend.ls_connect)
for ls_command in (campaign.ls_campaign, campaign.ls_control, campaign.ls_status, campaign.ls_review):
    ls.ls_group.add_command(ls_command)
