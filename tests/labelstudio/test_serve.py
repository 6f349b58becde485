"""`toolkit ls serve` starts a real Label Studio, tells annotators how to begin, stops on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.labelstudio.server import free_port, port_is_free

pytestmark = pytest.mark.labelstudio


def test_serve_prints_url_and_login_and_stops_on_interrupt(ls_template: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ls_template, data)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "ls", "serve", "--port", str(port), "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "Press Ctrl-C to stop" in line or not line:
                break
        out = "".join(lines)
        assert f"is running at http://127.0.0.1:{port}" in out
        assert f"http://127.0.0.1:{port}/user/signup" in out
        assert "Access Token" in out and "LABEL_STUDIO_API_KEY" in out
        assert not port_is_free(port)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        deadline = time.monotonic() + 20
        while not port_is_free(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert port_is_free(port), "the server kept running after Ctrl-C"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_refuses_a_busy_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "toolkit", "ls", "serve", "--port", str(port), "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Error: port {port} on 127.0.0.1 is busy; choose another with --port" in done.stderr
