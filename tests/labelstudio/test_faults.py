"""Transient server faults are retried a bounded number of times, then reported clearly.

A small loopback HTTP server stands in for a failing Label Studio (it answers 503, or cuts the
connection); the real server's behaviour is covered in test_live.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from toolkit.errors import LabelStudioError
from toolkit.labelstudio.client import connect
from toolkit.labelstudio.pull import pull


class _Faulty(BaseHTTPRequestHandler):
    hits = 0
    mode = "503"

    def do_GET(self) -> None:
        type(self).hits += 1
        if self.mode == "reset":
            self.connection.shutdown(2)  # cut the connection without an answer
            return
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"detail": "maintenance"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def faulty() -> Iterator[tuple[str, type[_Faulty]]]:
    handler = type("Handler", (_Faulty,), {"hits": 0})
    httpd = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("mode", "message"),
    [("503", r"kept failing .* \(HTTP 503 after retries\)"), ("reset", r"cannot reach Label Studio")],
)
def test_bounded_retries_then_a_clear_error(
    faulty: tuple[str, type[_Faulty]], tmp_path: Path, mode: str, message: str
) -> None:
    url, handler = faulty
    handler.mode = mode
    key = "faultkey000000000000000000000000000000000"
    conn = connect(url, key, retries=2)
    with pytest.raises(LabelStudioError, match=message) as info:
        pull(conn, title="x", out_dir=tmp_path / "snaps")
    assert handler.hits == 3  # the first try and two retries, no more
    assert key not in str(info.value)
    assert not (tmp_path / "snaps").exists()


def test_missing_url_or_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(LabelStudioError, match=r"no Label Studio URL: set LABEL_STUDIO_URL"):
        connect()
    with pytest.raises(LabelStudioError, match=r"no API key for http://h:1: set LABEL_STUDIO_API_KEY"):
        connect("http://user:pw@h:1/")
    with pytest.raises(LabelStudioError, match=r"must be http:// or https:// and a host, got 'ftp://h'"):
        connect("ftp://h", "k")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1", r"is not a URL \(Invalid IPv6 URL\)"),
        ("http://127.0.0.1:99999", r"is not a URL \(Port out of range 0-65535\)"),
        ("https://user:secret@[bad", r"is not a URL \(Invalid IPv6 URL\)"),
        ("http://", r"must be http:// or https:// and a host, got 'http://'"),
    ],
)
def test_a_url_that_is_not_one_is_refused_without_showing_it(url: str, problem: str) -> None:
    with pytest.raises(LabelStudioError, match=rf"^LABEL_STUDIO_URL {problem}") as info:
        connect(url, "k")
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("value", ["x", "-1", "2.5"])
def test_retries_from_the_environment_must_be_a_whole_number(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from toolkit.errors import ToolkitError

    monkeypatch.setenv("TOOLKIT_LS_RETRIES", value)
    with pytest.raises(
        ToolkitError, match=rf"\$TOOLKIT_LS_RETRIES must be a whole number of at least 0, got '{value}'"
    ):
        connect("http://127.0.0.1:1", "k")
    monkeypatch.setenv("TOOLKIT_LS_RETRIES", " 0 ")
    assert connect("http://127.0.0.1:1", "k").url == "http://127.0.0.1:1"
