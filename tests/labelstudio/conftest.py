"""A real Label Studio for the tests: installed once (cached), migrated once per session,
started per module on a free 127.0.0.1 port, stopped by pid even when tests fail."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
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


@contextlib.contextmanager
def running_backend(
    live: LiveServer, tmp: Path, title: str, retrain_every: int = 10, *, cold: bool = False
) -> Iterator[dict[str, Any]]:
    """`toolkit ls backend` in a subprocess on a free port, serving a CRF + pair classifier trained on a
    small idner-news-2k release (``cold``: neither a release nor a model, the cold start alone); it pulls ``title``
    from ``live`` to retrain. Stopped by its pid."""
    from tests.conftest import idner_release
    from toolkit.backend.served import cold_start_model, train_model
    from toolkit.dataset.load import load_release
    from toolkit.schema import load_schema

    tmp.mkdir(parents=True, exist_ok=True)
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    source: list[str] = []
    if cold:
        cold_model = cold_start_model(schema)
        version, stem = cold_model.version, cold_model.stem
    else:
        release = idner_release(tmp, (200, 50, 20), name="backend-mini")
        rel = load_release(release)
        about = {
            "dataset": rel.name,
            "version": rel.version,
            "manifest_sha256": rel.manifest_sha256,
            "release_path": str(release),
        }
        stem = version = f"crf+pair-classifier@{rel.manifest_sha256[:12]}"
        model = train_model(rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, version, about)
        model.save(tmp / "model")
        source = ["--model", str(tmp / "model")]
    port = ls_server.free_port()
    env = {**os.environ, "LABEL_STUDIO_URL": live.url, "LABEL_STUDIO_API_KEY": live.token}
    exe = Path(sys.executable).parent / "toolkit"
    cmd = [str(exe), "ls", "backend", *source, "--port", str(port), "--title", title]
    cmd += ["--retrain-every", str(retrain_every), "--work-dir", str(tmp / "work")]
    log_path = tmp / "backend.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    httpx.get(url + "/health", timeout=5)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None or time.time() > deadline:
                        raise AssertionError(log_path.read_text(errors="replace")) from None
                    time.sleep(0.3)
            yield {"url": url, "version": version, "stem": stem, "log": log_path}
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def on_server(script: str, live: LiveServer) -> str:
    """A documentation block made to run against ``live``: its address where the docs write
    `http://127.0.0.1:8080`, and the key read from ``$KEY`` where they write `LABEL_STUDIO_API_KEY=...`."""
    script = script.replace("http://127.0.0.1:8080", live.url)
    script = script.replace("LABEL_STUDIO_API_KEY=...", "LABEL_STUDIO_API_KEY=$KEY")
    assert "..." not in script.split("#")[0], script
    return script


@dataclass(frozen=True)
class Annotator:
    """A person who signed up through Label Studio's web form, as annotators do, with their own API token."""

    email: str
    password: str
    user_id: int
    token: str


def sign_up(url: str, email: str, password: str) -> Annotator:
    """Sign up through the web form (the CSRF token from the page, then the form post), then read the user's own
    token from ``/api/current-user/token`` in that session. Users made through the API cannot log in; these can."""
    import re

    with httpx.Client(base_url=url, follow_redirects=True, timeout=60) as web:
        page = web.get("/user/signup/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, f"no CSRF token on {url}/user/signup/"
        form = {"csrfmiddlewaretoken": found.group(1), "email": email, "password": password}
        done = web.post("/user/signup/", data=form, headers={"Referer": f"{url}/user/signup/"})
        assert done.status_code == 200 and "/user/signup" not in str(done.url), done.text[:300]
        token = web.get("/api/current-user/token").json()["token"]
        me = web.get("/api/current-user/whoami").json()
    return Annotator(email, password, int(me["id"]), str(token))
