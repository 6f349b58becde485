"""Network faults between the toolkit and a real Label Studio: bounded retries, clear errors, no snapshot
left behind, and success once the fault is gone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.labelstudio.conftest import LiveServer
from toolkit.errors import LabelStudioError
from toolkit.labelstudio.client import connect
from toolkit.labelstudio.pull import pull
from toolkit.labelstudio.push import push
from toolkit.schema import load_schema
from toolkit.seeds import ARTICLES_FILE, load_articles

from .proxy import FaultProxy

pytestmark = pytest.mark.labelstudio
TITLE = "faults"


@pytest.fixture(scope="module")
def proxy(live: LiveServer) -> Iterator[FaultProxy]:
    conn = connect(live.url, live.token)
    push(
        conn, load_schema(REPO / "schemas" / "schema.yaml"), load_articles(REPO / "seeds" / ARTICLES_FILE), title=TITLE
    )
    p = FaultProxy(live.server.port)
    try:
        yield p
    finally:
        p.close()


def snapshots(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_502_answers_are_retried_then_reported(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    proxy.mode, before = "http502", proxy.connections
    with pytest.raises(
        LabelStudioError, match=r"kept failing while trying to list projects \(HTTP 502 after retries\)"
    ):
        pull(connect(proxy.url, live.token, retries=2), title=TITLE, out_dir=tmp_path)
    assert proxy.connections - before == 3  # one try and two retries
    assert snapshots(tmp_path) == []
    proxy.mode = "pass"
    entry = pull(connect(proxy.url, live.token, retries=2), title=TITLE, out_dir=tmp_path)
    assert entry.counts.tasks == 1


def test_connection_cut_mid_answer(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    proxy.mode, proxy.cut_after = "cut", 300
    with pytest.raises(LabelStudioError, match=r"(cannot reach Label Studio at|rejected|not a JSON task list)"):
        pull(connect(proxy.url, live.token, retries=1), title=TITLE, out_dir=tmp_path)
    assert snapshots(tmp_path) == []
    proxy.mode = "pass"
    assert pull(connect(proxy.url, live.token, retries=1), title=TITLE, out_dir=tmp_path).counts.tasks == 1


def test_slow_server_times_out(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    proxy.mode, proxy.delay = "delay", 3.0
    with pytest.raises(LabelStudioError, match=r"did not answer in time while trying to list projects"):
        pull(connect(proxy.url, live.token, retries=0, timeout=1.0), title=TITLE, out_dir=tmp_path)
    assert snapshots(tmp_path) == []
    proxy.mode = "pass"


def test_server_killed_then_restarted(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    live.server.stop()
    try:
        with pytest.raises(LabelStudioError, match=rf"cannot reach Label Studio at {live.url}"):
            pull(connect(live.url, live.token, retries=1), title=TITLE, out_dir=tmp_path)
        assert snapshots(tmp_path) == []
    finally:
        live.server.start()
    entry = pull(connect(live.url, live.token), title=TITLE, out_dir=tmp_path)
    assert entry.counts.tasks == 1 and snapshots(tmp_path) == sorted([entry.file, "index.json"])


def test_empty_export_body_is_asked_for_again(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    proxy.mode, proxy.empty_count, before = "empty", 1, proxy.emptied
    entry = pull(connect(proxy.url, live.token, retries=1), title=TITLE, out_dir=tmp_path)
    assert proxy.emptied - before == 1  # the server's empty answer was seen, then asked for again
    assert entry.counts.tasks == 1 and snapshots(tmp_path) == sorted([entry.file, "index.json"])
    proxy.mode = "pass"


def test_progress_restarts_with_an_export_asked_for_again(live: LiveServer, tmp_path: Path) -> None:
    """A broken first answer, then the export: the counter ends at the kept export's size, not at the sum of both
    answers. The project is large enough (120 tasks) for its export to arrive in several chunks."""
    article = load_articles(REPO / "seeds" / ARTICLES_FILE)[0]
    docs = [replace(article, id=f"copy-{n:03d}") for n in range(120)]
    push(connect(live.url, live.token), load_schema(REPO / "schemas" / "schema.yaml"), docs, title="faults-large")
    exported = len(b"".join(download(live, "faults-large")))
    broken = b'[{"id": 1, "data": {"text": "' + b"x" * 5000  # 5,029 bytes of a cut-off JSON list

    seen: list[int] = []
    p = FaultProxy(live.server.port)
    try:
        p.mode, p.empty_count, p.empty_body = "empty", 1, broken
        entry = pull(
            connect(p.url, live.token, retries=1), title="faults-large", out_dir=tmp_path, progress=seen.append
        )
    finally:
        p.close()
    assert p.emptied == 1 and entry.counts.tasks == 120
    restart = seen.index(0, 1)  # the retry starts again from 0
    assert seen[:restart] == [0, len(broken)]
    kept = seen[restart:]
    assert len(kept) > 2, f"the export came in {len(kept) - 1} chunk(s); the test needs several"
    assert kept == sorted(kept) and kept[-1] == exported


def download(live: LiveServer, title: str) -> list[bytes]:
    """The project's export as the server sends it, straight (no proxy)."""
    conn = connect(live.url, live.token)
    project = next(p for p in conn.client.projects.list() if p.title == title)
    return list(conn.client.projects.exports.download_sync(id=project.id, export_type="JSON", download_all_tasks=True))


def test_empty_export_bodies_past_the_retries_are_reported(proxy: FaultProxy, live: LiveServer, tmp_path: Path) -> None:
    proxy.mode, proxy.empty_count, before = "empty", 5, proxy.emptied
    try:
        with pytest.raises(LabelStudioError, match=r"the export of project \d+ is not a JSON task list"):
            pull(connect(proxy.url, live.token, retries=1), title=TITLE, out_dir=tmp_path)
        assert proxy.emptied - before == 2  # one try and one retry, no more
        assert snapshots(tmp_path) == []
    finally:
        proxy.mode, proxy.empty_count = "pass", 0
