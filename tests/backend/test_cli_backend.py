from __future__ import annotations

import socket
from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import main


def test_backend_needs_exactly_one_model_source(tmp_path: Path) -> None:
    neither = CliRunner().invoke(main, ["ls", "backend"])
    assert neither.exit_code == 1 and "exactly one of --release DIR" in neither.output
    both = CliRunner().invoke(main, ["ls", "backend", "--release", str(tmp_path), "--model", str(tmp_path)])
    assert both.exit_code == 1 and "exactly one of" in both.output


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
