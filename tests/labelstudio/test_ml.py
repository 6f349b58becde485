"""``backend_answers``: `ls connect` waits for a backend that is still starting, as a backend pasted with `&` before
`ls connect` is (it trains or loads its model before it listens)."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from toolkit.labelstudio.ml import backend_answers


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_backend_that_starts_late_is_waited_for() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    assert not backend_answers(url)  # nothing listens yet, and no wait asked: no
    servers: list[ThreadingHTTPServer] = []

    def start_later() -> None:
        time.sleep(1.5)
        servers.append(ThreadingHTTPServer(("127.0.0.1", port), _Health))
        servers[0].serve_forever()

    threading.Thread(target=start_later, daemon=True).start()
    began = time.monotonic()
    try:
        assert backend_answers(url + "/", wait_seconds=30)
        assert 1.0 < time.monotonic() - began < 30
    finally:
        while not servers:
            time.sleep(0.1)
        servers[0].shutdown()
        servers[0].server_close()


def test_a_backend_that_never_starts_is_given_up_on_after_the_wait() -> None:
    began = time.monotonic()
    assert not backend_answers(f"http://127.0.0.1:{_free_port()}", wait_seconds=1)
    assert 1.0 <= time.monotonic() - began < 10
