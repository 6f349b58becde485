"""`toolkit ls backend` under load: /health while a 1.2 MB text is predicted, concurrent /predict clients, and an
oversized request body, against the same server idle in the same run.

A model is trained on the idner-news-2k release (as ``latency.py`` does) and served by the CLI in a subprocess on
127.0.0.1. Measured:

- /health latency idle (200 requests, the reference) and while one /predict of a 1.2 MB text (the seed article
  repeated) runs (one request every 20 ms until it ends); target: every answer under 100 ms;
- 8 clients sending 25 one-task /predict requests each at once, against the same 200 requests from one client;
- a 200 MB body, sent with and without a Content-Length: the answer (413) and the server's peak memory
  (VmHWM) before and after; target: no growth.

Writes LOAD.md and load.json beside this file. Usage: python benchmarks/backend/load.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
LARGE_CHARS = 1_200_000
CLIENTS, PER_CLIENT = 8, 25


def _ms(xs: list[float]) -> dict[str, float]:
    ms = 1000 * np.asarray(xs)
    return {
        "median_ms": round(float(np.median(ms)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "max_ms": round(float(ms.max()), 2),
        "n": len(xs),
    }


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _model(t: Path) -> tuple[Path, list[str], str]:
    from toolkit.backend.served import train_model
    from toolkit.dataset.load import load_release
    from toolkit.dataset.release import release
    from toolkit.formats import import_files
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema = load_schema(REPO / "schemas" / "schema.yaml")
    import_files(
        "conll", [DATA / f for f in ("train.txt", "dev.txt", "test.txt")], t / "corpus",
        duplicates="keep-all", cross_split="keep-all",
    )  # fmt: skip
    rel = load_release(
        release(
            name="idner-news-2k", version="1.0.0", schema=schema, seeds_path=t / "corpus" / "articles.jsonl",
            gold_paths=[t / "corpus" / "gold.jsonl"], guidelines_path=DATA / "README.md", releases_dir=t / "releases",
            split_by="metadata", license_id="mit",
        ).path
    )  # fmt: skip
    model = train_model(rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, "crf@load", {})
    model.save(t / "model")
    seed = load_articles(REPO / "seeds" / ARTICLES_FILE)[0].text
    large = (seed + "\n") * (LARGE_CHARS // (len(seed) + 1) + 1)
    return t / "model", [d.text for d, _ in rel.splits["test"][:200]], large[:LARGE_CHARS]


def main() -> None:
    from toolkit.labelstudio.server import free_port

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        model_dir, docs, large = _model(t)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY")}
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "toolkit"), "ls", "backend", "--model", str(model_dir), "--port",
             str(port), "--work-dir", str(t / "work"), "--predict-timeout", "900"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            client = httpx.Client(timeout=900)
            for _ in range(300):
                try:
                    client.get(url + "/health", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            result = _measure(client, url, docs, large, proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    result |= {"date": dt.date.today().isoformat(), "cores": os.cpu_count()}
    (HERE / "load.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (HERE / "LOAD.md").write_text(_render(result), encoding="utf-8")
    print(_render(result))


def _timed_get(client: httpx.Client, url: str) -> float:
    t0 = time.perf_counter()
    assert client.get(url).status_code == 200
    return time.perf_counter() - t0


def _measure(client: httpx.Client, url: str, docs: list[str], large: str, pid: int) -> dict[str, object]:
    for text in docs[:20]:  # warm up
        client.post(url + "/predict", json={"tasks": [{"id": 0, "data": {"text": text}}]})
    idle = [_timed_get(client, url + "/health") for _ in range(200)]

    busy: list[float] = []
    finished: list[float] = []

    def predict_large() -> None:
        t0 = time.perf_counter()
        r = httpx.post(url + "/predict", json={"tasks": [{"id": 1, "data": {"text": large}}]}, timeout=900)
        assert r.status_code == 200, r.text
        finished.append(time.perf_counter() - t0)

    worker = threading.Thread(target=predict_large)
    worker.start()
    time.sleep(0.5)
    with httpx.Client(timeout=60) as health_client:
        while worker.is_alive():
            busy.append(_timed_get(health_client, url + "/health"))
            time.sleep(0.02)
    worker.join()

    def one(text: str) -> float:
        t0 = time.perf_counter()
        with httpx.Client(timeout=300) as c:
            assert c.post(url + "/predict", json={"tasks": [{"id": 2, "data": {"text": text}}]}).status_code == 200
        return time.perf_counter() - t0

    requests = [docs[k % len(docs)] for k in range(CLIENTS * PER_CLIENT)]
    t0 = time.perf_counter()
    sequential = [one(text) for text in requests]
    sequential_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        concurrent = list(pool.map(one, requests))
    concurrent_s = time.perf_counter() - t0

    before = _peak_mb(pid)
    size = 200 * 2**20

    def body() -> Iterator[bytes]:
        chunk = b" " * 2**20
        for _ in range(size // len(chunk)):
            yield chunk

    oversized = {}
    for how, kwargs in (
        ("with Content-Length", {"content": b" " * size}),
        ("streamed, no Content-Length", {"content": body()}),
    ):
        t0 = time.perf_counter()
        try:
            status = client.post(url + "/predict", headers={"content-type": "application/json"}, **kwargs).status_code
        except httpx.HTTPError as exc:  # the server may close the connection once it has answered
            status = f"connection closed after the answer ({type(exc).__name__})"
        oversized[how] = {"status": status, "seconds": round(time.perf_counter() - t0, 2)}
    after = _peak_mb(pid)
    return {
        "health_idle": _ms(idle),
        "health_during_large_predict": _ms(busy),
        "large_text_chars": len(large),
        "large_predict_seconds": round(finished[0], 1),
        "predict_sequential": {**_ms(sequential), "seconds": round(sequential_s, 2)},
        "predict_concurrent": {**_ms(concurrent), "seconds": round(concurrent_s, 2), "clients": CLIENTS},
        "oversized_200mb": oversized,
        "server_peak_mb_before_oversized": round(before, 1),
        "server_peak_mb_after_oversized": round(after, 1),
    }


def _render(r: dict) -> str:  # type: ignore[type-arg]
    idle, busy = r["health_idle"], r["health_during_large_predict"]
    seq, conc = r["predict_sequential"], r["predict_concurrent"]
    rows = [
        "# `toolkit ls backend` under load",
        "",
        f"Generated by `python benchmarks/backend/load.py` on {r['date']} ({r['cores']} cores); do not edit by hand. "
        "Server: the CLI in a subprocess (uvicorn, 127.0.0.1), the CRF trained on idner-news-2k; predictions run on "
        "one worker process (spawned), off the event loop and its interpreter lock.",
        "",
        "| measure | median | p95 | max | ratio to the reference (median) |",
        "|---|---|---|---|---|",
        f"| /health idle (reference, {idle['n']} requests) | {idle['median_ms']} ms | {idle['p95_ms']} ms | "
        f"{idle['max_ms']} ms | 1.00x |",
        f"| /health while a {r['large_text_chars']:,}-character text is predicted ({busy['n']} requests over "
        f"{r['large_predict_seconds']} s) | {busy['median_ms']} ms | {busy['p95_ms']} ms | {busy['max_ms']} ms | "
        f"{busy['median_ms'] / idle['median_ms']:.2f}x |",
        f"| one-task /predict, one client (reference, {seq['n']} requests in {seq['seconds']} s) | "
        f"{seq['median_ms']} ms | {seq['p95_ms']} ms | {seq['max_ms']} ms | 1.00x |",
        f"| one-task /predict, {conc['clients']} clients at once ({conc['n']} requests in {conc['seconds']} s) | "
        f"{conc['median_ms']} ms | {conc['p95_ms']} ms | {conc['max_ms']} ms | "
        f"{conc['median_ms'] / seq['median_ms']:.2f}x (throughput {seq['seconds'] / conc['seconds']:.2f}x) |",
        "",
        f"Target: /health under 100 ms while a large text is predicted: max {busy['max_ms']} ms "
        f"({'met' if busy['max_ms'] < 100 else 'NOT met'}).",
        "",
        "A 200 MB request body (limit 20 MB): "
        + "; ".join(f"{how}: {v['status']} in {v['seconds']} s" for how, v in r["oversized_200mb"].items())
        + f". Server peak memory {r['server_peak_mb_before_oversized']} MB before, "
        f"{r['server_peak_mb_after_oversized']} MB after.",
    ]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    main()
