from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from tests.conftest import REPO
from toolkit.cli import main
from toolkit.seeds import load_articles


def test_backend_takes_one_model_source_at_most(tmp_path: Path) -> None:
    both = CliRunner().invoke(main, ["ls", "backend", "--release", str(tmp_path), "--model", str(tmp_path)])
    assert both.exit_code == 1 and "give one of --release DIR" in both.output and "not both" in both.output
    mapped = CliRunner().invoke(main, ["ls", "backend", "--label-map", "LOC=GPE", "--port", str(_free_port())])
    assert mapped.exit_code == 1 and "--label-map and --min-precision apply to a model trained on a release" in (
        mapped.output
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_backend_with_neither_serves_the_cold_start_over_http(tmp_path: Path) -> None:
    """The CLI in a subprocess, as a project manager starts it on a new project: no release, no model."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    cmd = [str(Path(sys.executable).parent / "toolkit"), "ls", "backend", "--port", str(port)]
    log_path = tmp_path / "backend.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*cmd, "--work-dir", str(tmp_path / "work")], cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            url, deadline = f"http://127.0.0.1:{port}", time.time() + 60
            while True:
                try:
                    health = httpx.get(url + "/health", timeout=5).json()
                    break
                except httpx.TransportError:
                    assert proc.poll() is None and time.time() < deadline, log_path.read_text(errors="replace")
                    time.sleep(0.3)
            (seed,) = load_articles(REPO / "seeds" / "articles.jsonl")
            task = {"id": 7, "data": {"text": seed.text}}
            body = httpx.post(url + "/predict", json={"tasks": [task]}, timeout=60).json()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    said = log_path.read_text(errors="replace")
    assert health["model_version"].startswith("cold-start@id-news-er-"), health
    assert "serving the cold start in the project's schema" in said and "it cannot propose: LOC, FAC, EVENT" in said
    (prediction,) = body["results"]
    labels = {r["value"]["labels"][0] for r in prediction["result"] if r["type"] == "labels"}
    assert labels == {"DATE", "GPE", "ORG", "PER", "QUANTITY", "ROLE"} and "score" not in prediction
    assert {r["labels"][0] for r in prediction["result"] if r["type"] == "relation"} == {"role_of"}
    assert "Traceback" not in said


def test_backend_refuses_a_busy_port_and_a_folder_that_is_no_model(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        busy = CliRunner().invoke(main, ["ls", "backend", "--model", str(tmp_path), "--port", str(port)])
    assert busy.exit_code == 1 and f"port {port} on 127.0.0.1 is in use" in busy.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    empty = CliRunner().invoke(main, ["ls", "backend", "--model", str(tmp_path), "--port", str(free)])
    assert empty.exit_code == 1 and "not a served model folder" in empty.output and "Traceback" not in empty.output


def test_connect_without_a_server_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    result = CliRunner().invoke(main, ["ls", "connect", "--backend", "http://127.0.0.1:9"])
    assert result.exit_code == 1 and "no Label Studio URL" in result.output
