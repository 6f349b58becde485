"""A small loopback TCP proxy between the client and the real Label Studio, to inject faults.

Modes: ``pass`` (forward), ``delay`` (hold each answer ``delay`` seconds), ``cut`` (forward the request,
then close after the first ``cut_after`` bytes of the answer), ``http502`` (answer 502 without forwarding),
``empty`` (answer the next ``empty_count`` requests whose request line holds ``empty_path`` with 200 and the body
``empty_body``, empty unless set, then close that connection; every other request is forwarded).
Only 127.0.0.1; the accept loop and every connection end when the proxy is closed.
"""

from __future__ import annotations

import socket
import threading
import time


class FaultProxy:
    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.mode = "pass"
        self.delay = 0.0
        self.cut_after = 200
        self.empty_path = "/export"
        self.empty_count = 0
        self.empty_body = b""
        self.emptied = 0
        self.connections = 0
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _empties(self, data: bytes) -> bool:
        """Whether this request is one to answer with an empty body (and count it)."""
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        with self._lock:
            if self.empty_count > 0 and self.empty_path in line:
                self.empty_count -= 1
                self.emptied += 1
                return True
        return False

    def _handle(self, client: socket.socket) -> None:
        mode = self.mode
        try:
            client.settimeout(10)
            if mode == "http502":
                client.recv(65536)
                client.sendall(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 11\r\nConnection: close\r\n\r\nbad gateway"
                )
                return
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        sent = 0
        try:

            def pump_up() -> None:
                try:
                    while not self._stop.is_set():
                        data = client.recv(65536)
                        if not data:
                            break
                        if mode == "empty" and self._empties(data):
                            # HTTP/1.1 clients send a request once the last answer is read, so nothing is in flight
                            body = self.empty_body
                            client.sendall(
                                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                                + body
                            )
                            client.shutdown(socket.SHUT_RDWR)
                            upstream.close()
                            break
                        upstream.sendall(data)
                except OSError:
                    pass

            threading.Thread(target=pump_up, daemon=True).start()
            while not self._stop.is_set():
                data = upstream.recv(65536)
                if not data:
                    break
                if mode == "delay":
                    time.sleep(self.delay)
                if mode == "cut":
                    client.sendall(data[: max(0, self.cut_after - sent)])
                    sent += len(data)
                    if sent >= self.cut_after:
                        client.shutdown(socket.SHUT_RDWR)
                        break
                    continue
                client.sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()
            client.close()
