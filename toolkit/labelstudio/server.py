"""Running a local Label Studio: install the pinned server into its own virtualenv, start it
with offline settings on 127.0.0.1, check it really listens where asked, stop it by pid.

Label Studio is not a dependency of the toolkit (its pins would clash with ours): it lives in
``~/.cache/toolkit-ls/label-studio-<version>/`` (override with ``TOOLKIT_LS_HOME``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import LabelStudioError

LABEL_STUDIO_VERSION = "1.23.2"
OFFLINE_ENV = {
    "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
    "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
    "LABEL_STUDIO_SENTRY_DSN": "",
    "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
    "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
}
LOCAL_BACKEND_ENV = {
    "ML_BLOCK_LOCAL_IP": "false",
    "SSRF_PROTECTION_ENABLED": "false",
}
"""The server listens on 127.0.0.1 only; these let it reach a model backend and webhooks on this machine
(``toolkit ls backend``), which Label Studio refuses by default (local addresses are blocked)."""
# Label Studio also reads these bare names as admin credentials: never let them leak in.
_BARE_CREDENTIALS = ("USERNAME", "PASSWORD", "USER_TOKEN")


def ls_home() -> Path:
    return Path(os.environ.get("TOOLKIT_LS_HOME", Path.home() / ".cache" / "toolkit-ls"))


def executable(version: str = LABEL_STUDIO_VERSION) -> Path:
    return ls_home() / f"label-studio-{version}" / "bin" / "label-studio"


def ensure_installed(version: str = LABEL_STUDIO_VERSION) -> Path:
    """Install ``label-studio==version`` into its own cached virtualenv (once); return the executable.

    A stamp file marks a finished install, so an interrupted one is redone rather than trusted.
    """
    exe = executable(version)
    venv = exe.parent.parent
    stamp = venv / ".toolkit-installed"
    if stamp.exists() and exe.exists():
        return exe
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"label-studio=={version}"],
        capture_output=True,
        text=True,
    )
    if pip.returncode != 0 or not exe.exists():
        raise LabelStudioError(f"installing label-studio=={version} into {venv} failed: {pip.stderr.strip()[-500:]}")
    stamp.write_text(version + "\n", encoding="utf-8")
    return exe


def server_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _BARE_CREDENTIALS}
    env.update(OFFLINE_ENV)
    env.update(LOCAL_BACKEND_ENV)
    env["LABEL_STUDIO_BASE_DATA_DIR"] = str(data_dir)
    env.update(extra or {})
    return env


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) != 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def init_data_dir(data_dir: Path, env_extra: Mapping[str, str] | None = None, exe: Path | None = None) -> None:
    """Run the database migrations once (``label-studio init``) into ``data_dir``."""
    exe = exe or ensure_installed()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_env(data_dir, env_extra)
    env["HOME"] = str(data_dir / "home")
    (data_dir / "home").mkdir(exist_ok=True)
    done = subprocess.run(
        [str(exe), "init", "toolkit-init", "--no-browser"],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise LabelStudioError(f"label-studio init in {data_dir} failed: {done.stderr.strip()[-500:]}")


@dataclass
class Server:
    """A Label Studio process we started (and only we stop)."""

    data_dir: Path
    port: int
    env_extra: Mapping[str, str] = field(default_factory=dict)
    exe: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, timeout: float = 120.0) -> Server:
        if not port_is_free(self.port):
            raise LabelStudioError(f"port {self.port} on 127.0.0.1 is busy; choose another with --port")
        exe = self.exe or ensure_installed()
        env = server_env(self.data_dir, self.env_extra)
        env.setdefault("HOME", str(self.data_dir / "home"))
        Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                cwd=self.data_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LabelStudioError(f"Label Studio exited with {self.process.returncode}; see {self.log_path}")
            if self._healthy():
                if f":{self.port}" not in self.log_path.read_text(errors="replace"):
                    self.stop()
                    raise LabelStudioError(f"Label Studio did not bind port {self.port}; see {self.log_path}")
                return self
            time.sleep(0.5)
        self.stop()
        raise LabelStudioError(f"Label Studio did not answer on {self.url} within {timeout:.0f} s; see {self.log_path}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as resp:  # noqa: S310 - loopback URL we built
                return int(resp.status) == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        """Stop the process group we started, by pid (SIGTERM, then SIGKILL)."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
