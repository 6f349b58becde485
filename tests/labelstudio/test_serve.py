"""`toolkit ls serve` starts a real Label Studio, tells annotators how to begin, stops on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.labelstudio.server import free_port, port_is_free

pytestmark = pytest.mark.labelstudio


@dataclass(frozen=True)
class Serving:
    proc: subprocess.Popen[str]
    port: int
    data: Path


@contextlib.contextmanager
def serving(ls_template: Path, tmp_path: Path, sigint_ignored: bool = False) -> Iterator[Serving]:
    """``toolkit ls serve`` on a copy of the migrated data dir; afterwards nothing it started is left.
    ``sigint_ignored``: started as a script's background job is (SIGINT ignored, inherited through exec)."""
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
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None,
    )
    try:
        yield Serving(proc, port, data)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        _kill(_server_pids(data))  # only if the command failed to: the server it left behind


def _server_pids(data: Path) -> list[int]:
    """The processes serving ``data`` (found by the data dir in their environment)."""
    pids = []
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            environ = (proc_dir / "environ").read_bytes()
        except OSError:
            continue
        if f"LABEL_STUDIO_BASE_DATA_DIR={data}".encode() in environ.split(b"\0"):
            pids.append(int(proc_dir.name))
    return pids


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):  # already gone
            os.kill(pid, signal.SIGKILL)


def _until_ready(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Press Ctrl-C to stop" in line or not line:
            break
    return "".join(lines)


def _interrupt_and_check_stopped(srv: Serving, before: str, how: signal.Signals = signal.SIGINT) -> str:
    """Ctrl-C (or another signal); the command must exit 0 and the server it started must be gone."""
    srv.proc.send_signal(how)
    code = srv.proc.wait(timeout=60)
    assert srv.proc.stdout is not None
    out = before + srv.proc.stdout.read()
    assert code == 0, out
    assert "stopping Label Studio" in out and "Aborted" not in out
    deadline = time.monotonic() + 20
    while not port_is_free(srv.port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert port_is_free(srv.port), f"the server kept running after {how.name}"
    assert not _server_pids(srv.data), f"a Label Studio process outlived {how.name}"
    return out


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["typed", "started-by-a-script-in-the-background"])
def test_serve_prints_url_and_login_and_stops_on_interrupt(
    ls_template: Path, tmp_path: Path, sigint_ignored: bool
) -> None:
    with serving(ls_template, tmp_path, sigint_ignored) as srv:
        out = _until_ready(srv.proc)
        assert f"is running at http://127.0.0.1:{srv.port}" in out
        assert f"http://127.0.0.1:{srv.port}/user/signup" in out
        assert "Access Token" in out and "LABEL_STUDIO_API_KEY" in out
        assert not port_is_free(srv.port)
        _interrupt_and_check_stopped(srv, out)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_stop_label_studio_as_ctrl_c_does(
    ls_template: Path, tmp_path: Path, how: signal.Signals
) -> None:
    """A service manager or `kill` sends SIGTERM, a closed terminal SIGHUP: the server goes with the command."""
    with serving(ls_template, tmp_path) as srv:
        out = _until_ready(srv.proc)
        assert srv.proc.stdout is not None
        assert "SIGTERM or SIGHUP stops Label Studio too" in srv.proc.stdout.readline()
        _interrupt_and_check_stopped(srv, out, how)


def test_ctrl_c_while_the_server_starts_still_stops_it(ls_template: Path, tmp_path: Path) -> None:
    """The signal lands while the command still waits for the health check: no orphaned server."""
    with serving(ls_template, tmp_path) as srv:
        deadline = time.monotonic() + 120
        while port_is_free(srv.port) and srv.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not port_is_free(srv.port), "the server never listened"
        _interrupt_and_check_stopped(srv, "")


def test_serve_says_so_when_the_server_dies(ls_template: Path, tmp_path: Path) -> None:
    with serving(ls_template, tmp_path) as srv:
        _until_ready(srv.proc)
        servers = _server_pids(srv.data)
        assert servers
        _kill(servers)
        code = srv.proc.wait(timeout=60)
        assert srv.proc.stdout is not None
        out = srv.proc.stdout.read()
        assert code == 1, out
        assert "Error: Label Studio exited by itself with -9; see " in out and "server.log" in out
        assert "Traceback" not in out


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
