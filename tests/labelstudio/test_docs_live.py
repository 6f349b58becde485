"""The annotators' page's Label Studio blocks, run by bash against a real server in a copy of this repository, with
the server's address and key put where the page writes `http://127.0.0.1:8080` and `...`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, doc_block, project_copy, run_bash
from tests.labelstudio.conftest import LiveServer
from toolkit.cli import main
from toolkit.labelstudio.client import connect

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
PAGE = REPO / "docs" / "annotators.md"


def _filled(script: str, live: LiveServer) -> str:
    script = script.replace("http://127.0.0.1:8080", live.url).replace(
        "LABEL_STUDIO_API_KEY=...", "LABEL_STUDIO_API_KEY=$KEY"
    )
    assert "..." not in script.split("#")[0], script
    return script


def test_the_annotators_push_and_pull_blocks_run_as_written(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds", "annotations"))
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the page's `.venv/bin/toolkit`, as in a clone
    runner = CliRunner()  # the predictions the block attaches: the rule baseline's, on the seed articles
    snapshot = next(p for p in Path("annotations/snapshots").glob("*.json") if p.name != "index.json")
    assert runner.invoke(main, ["annotations", "import", str(snapshot)]).exit_code == 0
    assert runner.invoke(main, ["annotations", "gold", f"annotations/layers/{snapshot.stem}.jsonl"]).exit_code == 0
    made = runner.invoke(main, ["dataset", "release", "--version", "0.2.0", "--ratios", "0,0,1"])
    assert made.exit_code == 0, made.output
    release, articles = "releases/id-news-er/0.2.0", "seeds/articles.jsonl"
    predicted = runner.invoke(
        main,
        [
            "predict",
            "rules",
            "--release",
            release,
            "--split",
            "articles",
            "--articles",
            articles,
            "--out",
            "preds.jsonl",
        ],
    )
    assert predicted.exit_code == 0, predicted.output

    pushed = run_bash(_filled(doc_block(PAGE, "ls push --predictions preds.jsonl"), live), tmp_path, KEY=live.token)
    assert "'id-news-er' (created)" in pushed and "predictions: 1 attached" in pushed
    assert live.token not in pushed
    project = next(p for p in connect(live.url, live.token).client.projects.list() if p.title == "id-news-er")
    assert len(list(connect(live.url, live.token).client.tasks.list(project=project.id))) == 1

    # the pull block, with the address and key of the push block's `export` lines in the environment
    pulled = run_bash(
        doc_block(PAGE, ".venv/bin/toolkit ls pull"),
        tmp_path,
        LABEL_STUDIO_URL=live.url,
        LABEL_STUDIO_API_KEY=live.token,
    )
    first = pulled.splitlines()[0]
    assert first.startswith("annotations/snapshots/id-news-er-p") and first.endswith(".json")
    assert "1 tasks, 0 annotations, 0 cancelled, 0 annotators, 1 predictions, 0 drafts" in pulled
    index = json.loads((tmp_path / "annotations" / "snapshots" / "index.json").read_text(encoding="utf-8"))
    assert any(e["file"] == Path(first).name for e in index["snapshots"])
