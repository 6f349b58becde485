"""The annotators' model-help block, pasted whole against a real server of its own (its `ls push` makes the
project "id-news-er", which the other docs tests also make)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, doc_block, doc_block_before, project_copy, run_bash
from tests.labelstudio.conftest import LiveServer, on_server, sign_up
from toolkit.labelstudio.client import connect

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
PAGE = REPO / "docs" / "annotators.md"


def _gone(pid: int, seconds: float = 60) -> None:
    """Wait until process ``pid`` (not a child of this one: started by bash) has exited."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.2)
    raise AssertionError(f"process {pid} still runs {seconds} s after SIGTERM")


def test_the_annotators_backend_block_runs_as_written_pasted_at_once(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model-help block pasted whole, as a newcomer does: the backend starts in the background and trains for
    a while, `ls push --order uncertainty` makes the project, `ls connect --retrieve` waits for the backend and gets
    every task predicted; an annotator who signed up keeps most of the proposals, and the block's last line, after
    a pull and an import, says what they kept."""
    import os
    import signal
    import subprocess

    from toolkit.labelstudio import server as ls_server

    project_copy(tmp_path, monkeypatch, ("schemas", "seeds", "annotations", "benchmarks"))
    shutil.copy(REPO / "toolkit.yaml", tmp_path / "toolkit.yaml")
    run_bash(doc_block_before(REPO / "docs" / "researchers.md", "toolkit bench "), tmp_path)  # makes the release
    assert (tmp_path / "releases" / "idner-news-2k" / "1.1.0" / "manifest.json").is_file()
    block = doc_block(PAGE, "toolkit ls backend --release").rstrip("\n").split("\n")
    acceptance_line = block.pop()
    assert acceptance_line.startswith("toolkit annotations acceptance annotations/layers/<snapshot>.jsonl")
    port = ls_server.free_port()
    script = on_server("\n".join(block), live).replace("9090", str(port)) + "\necho $! > backend.pid\n"
    log = tmp_path / "block.log"
    try:
        with log.open("wb") as out:  # a file, not a pipe: the backend keeps running after bash ends
            env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
            done = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=tmp_path,
                env={**env, "KEY": live.token},
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=600,
            )
        said = log.read_text(encoding="utf-8", errors="replace")
        assert done.returncode == 0, said
        assert "predictions retrieved for 1 task(s)" in said and live.token not in said
        client = connect(live.url, live.token).client
        project = next(p for p in client.projects.list() if p.title == "id-news-er")
        person = sign_up(live.url, "helped@example.org", "pass-helped-2026")
        with httpx.Client(base_url=live.url, headers={"Authorization": f"Token {person.token}"}, timeout=60) as c:
            (task,) = c.get("/api/tasks/", params={"project": project.id, "fields": "all"}).json()["tasks"]
            (prediction,) = task["predictions"]
            assert prediction["model_version"].startswith("crf@idner-news-2k-1.1.0-")
            regions = [r for r in prediction["result"] if r["type"] == "labels"]
            assert len(regions) >= 10
            kept = [{**r, "origin": "prediction"} for r in regions[:-2]]  # two proposals deleted, the rest kept
            body = {"result": kept, "parent_prediction": prediction["id"], "lead_time": 60.0}
            assert c.post(f"/api/tasks/{task['id']}/annotations/", json=body).status_code == 201
    finally:
        pid = tmp_path / "backend.pid"
        if pid.is_file():
            os.kill(int(pid.read_text()), signal.SIGTERM)
            _gone(int(pid.read_text()))
    stopped = log.read_text(encoding="utf-8", errors="replace")  # stopped as a service manager stops it: cleanly
    assert "Application shutdown complete" in stopped and "leaked" not in stopped and "Traceback" not in stopped
    pulled = run_bash("toolkit ls pull\n", tmp_path, LABEL_STUDIO_URL=live.url, LABEL_STUDIO_API_KEY=live.token)
    snapshot = Path(pulled.splitlines()[0].strip())
    run_bash(f"toolkit annotations import {snapshot}\n", tmp_path)
    said = run_bash(acceptance_line.replace("<snapshot>", snapshot.stem) + "\n", tmp_path)
    assert f"spans: {len(regions)} predicted" in said and f"{len(regions) - 2} kept" in said and "2 deleted" in said
