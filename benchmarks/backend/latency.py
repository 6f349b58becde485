"""/predict latency of `toolkit ls backend`, per task, beside the bare model on the same documents.

A model is trained on idner-news-2k (the release made from the vendored corpus, as `ls backend
--release` trains it: c1/c2 and the relation classifier tuned on validation) and served by the CLI
in a subprocess on 127.0.0.1; each document is sent alone (one task per request, as Label Studio
sends a task when it is opened) to POST /predict and timed end to end (HTTP included): the seed
article (~2,900 characters) and 100 idner-news-2k test documents. Reference, in the same run: the
same model's ``predict`` (marginals, regions, relations, confidence) called in-process. Writes
LATENCY.md and latency.json beside this file. Usage: python benchmarks/backend/latency.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "benchmarks" / "data" / "idner-news-2k"
PASSES = 10


def _post(client: httpx.Client, url: str, body: dict) -> dict:
    r = client.post(url, json=body, timeout=60)
    r.raise_for_status()
    return r.json()


def _stats(xs: list[float]) -> dict[str, float]:
    ms = 1000 * np.asarray(xs)
    return {"median_ms": round(float(np.median(ms)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2), "n": len(xs)}


def main() -> None:
    from toolkit.backend.served import train_model
    from toolkit.dataset.load import load_release
    from toolkit.dataset.release import release
    from toolkit.formats import import_files
    from toolkit.labelstudio.server import free_port
    from toolkit.model import Document
    from toolkit.schema import load_schema
    from toolkit.seeds import ARTICLES_FILE, load_articles

    schema = load_schema(REPO / "schemas" / "schema.yaml")
    seed = load_articles(REPO / "seeds" / ARTICLES_FILE)[0]
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        import_files(
            "conll",
            [DATA / f for f in ("train.txt", "dev.txt", "test.txt")],
            t / "corpus",
            duplicates="keep-all",
            cross_split="keep-all",
        )
        rel_path = release(
            name="idner-news-2k",
            version="1.0.0",
            schema=schema,
            seeds_path=t / "corpus" / "articles.jsonl",
            gold_paths=[t / "corpus" / "gold.jsonl"],
            guidelines_path=DATA / "README.md",
            releases_dir=t / "releases",
            split_by="metadata",
            license_id="mit",
        ).path
        rel = load_release(rel_path)
        t0 = time.perf_counter()
        model = train_model(rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, "crf@latency", {})
        train_s = time.perf_counter() - t0
        model.save(t / "model")
        docs = [("seed article", seed.text)] + [("idner-news-2k", d.text) for d, _ in rel.splits["test"][:100]]
        reference = {"seed article": [], "idner-news-2k": []}
        for _ in range(PASSES):
            for name, text in docs:
                t1 = time.perf_counter()
                model.predict(Document("d", text), schema)
                reference[name].append(time.perf_counter() - t1)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY")}
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "toolkit"),
                "ls",
                "backend",
                "--model",
                str(t / "model"),
                "--port",
                str(port),
                "--work-dir",
                str(t / "work"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            client = httpx.Client()
            for _ in range(300):
                try:
                    client.get(url + "/health", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            served = {"seed article": [], "idner-news-2k": []}
            for rep in range(PASSES + 1):
                for k, (name, text) in enumerate(docs):
                    t1 = time.perf_counter()
                    out = _post(client, url + "/predict", {"tasks": [{"id": k, "data": {"text": text}}]})
                    if rep:  # the first pass warms up
                        served[name].append(time.perf_counter() - t1)
                    assert len(out["results"]) == 1
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    result = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "training_seconds": round(train_s, 1),
        "served": {k: _stats(v) for k, v in served.items()},
        "reference_in_process": {k: _stats(v) for k, v in reference.items()},
    }
    result["ratio_median"] = {
        k: round(result["served"][k]["median_ms"] / result["reference_in_process"][k]["median_ms"], 2) for k in served
    }
    (HERE / "latency.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# `toolkit ls backend`: /predict latency per task",
        "",
        f"Generated by `python benchmarks/backend/latency.py` on {result['date']} ({result['cores']} cores); do not edit by hand. "
        f"One task per request over HTTP (uvicorn on 127.0.0.1), {PASSES} timed passes after a warm-up pass; reference: the same model's "
        f"`predict` in-process. Training at start (`--release`, tuned): {result['training_seconds']} s.",
        "",
        "| documents | /predict median | p95 | in-process median | ratio (median) |",
        "|---|---|---|---|---|",
    ]
    for k in served:
        s, r = result["served"][k], result["reference_in_process"][k]
        lines.append(
            f"| {k} ({s['n']} requests) | {s['median_ms']} ms | {s['p95_ms']} ms | {r['median_ms']} ms | {result['ratio_median'][k]}x |"
        )
    (HERE / "LATENCY.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
