"""A real Label Studio for the tests: installed once (cached), migrated once per session,
started per module on a free 127.0.0.1 port, stopped by pid even when tests fail."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.labelstudio import server as ls_server

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "annotate-2026"
# A known key: the tests search every output for it (it must never appear).
ADMIN_TOKEN = "5ecre7key0123456789abcdef0123456789abcde"
CREDENTIALS = {
    "LABEL_STUDIO_USERNAME": ADMIN_EMAIL,
    "LABEL_STUDIO_PASSWORD": ADMIN_PASSWORD,
    "LABEL_STUDIO_USER_TOKEN": ADMIN_TOKEN,
}


@dataclass(frozen=True)
class LiveServer:
    url: str
    token: str
    server: ls_server.Server


@pytest.fixture(scope="session")
def ls_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated data dir per session (``label-studio init`` takes ~40 s)."""
    exe = ls_server.ensure_installed()
    data = tmp_path_factory.mktemp("ls-template")
    ls_server.init_data_dir(data, CREDENTIALS, exe)
    return data


@pytest.fixture(scope="module")
def live(ls_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("ls-data") / "data"
    shutil.copytree(ls_template, data)
    srv = ls_server.Server(data, ls_server.free_port(), CREDENTIALS)
    try:
        srv.start()
        yield LiveServer(srv.url, ADMIN_TOKEN, srv)
    finally:
        srv.stop()


@pytest.fixture
def ls_env(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> LiveServer:
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.token)
    return live
