"""Commands that write a store, run at the same time as separate processes: they take turns on the store's lock, so
nothing any of them reports written is lost, and nothing half-written or temporary is left."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_RAW

pytestmark = pytest.mark.slow

SCHEMA = str(REPO / "schemas" / "schema.yaml")


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append((p.returncode, stdout, stderr))
    return out


def no_temporaries(folder: Path) -> None:
    left = [p for p in folder.rglob("*") if p.name.startswith(".") and (".tmp" in p.name or "stage" in p.name)]
    assert not left, left


def test_parallel_ingests_store_every_page(tmp_path: Path) -> None:
    text = SEED_RAW.read_text(encoding="utf-8")
    pages = []
    for k in range(8):
        page = tmp_path / f"page-{k}.txt"
        page.write_text(text.replace("Suara.com - ", f"Suara.com - Berita nomor {k}. ", 1), encoding="utf-8")
        pages.append(page)
    seeds = tmp_path / "seeds"
    ingest = [
        "seeds",
        "ingest",
        "--seeds-dir",
        str(seeds),
        "--profiles",
        str(REPO / "seeds" / "outlets.yaml"),
        "--json",
    ]
    results = finish([start([*ingest, str(p)], tmp_path) for p in pages])
    assert all(rc == 0 for rc, _, _ in results), [err for _, _, err in results]
    added = [json.loads(out)["counts"]["added"] for _, out, _ in results]
    assert added == [1] * 8
    stored = (seeds / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(stored) == 8, "every page a run reported added is in the store"
    assert sorted(p.name for p in (seeds / "raw").iterdir()) == sorted(p.name for p in pages)
    no_temporaries(seeds)


def test_parallel_corpus_imports_into_one_folder_leave_one_whole_corpus(tmp_path: Path) -> None:
    data = REPO / "benchmarks" / "data" / "idner-news-2k"
    inputs = [[data / "train.txt"], [data / "dev.txt"], [data / "test.txt"], [data / "dev.txt", data / "test.txt"]]
    out = tmp_path / "corpus"
    results = finish(
        [
            start(
                ["corpus", "import-conll", *map(str, files), "--out", str(out), "--cross-split", "keep-all"], tmp_path
            )
            for files in inputs
        ]
    )
    assert all(rc == 0 for rc, _, _ in results), [err for _, _, err in results]
    summary = json.loads((out / "corpus.json").read_text(encoding="utf-8"))
    articles = [json.loads(line)["id"] for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = [
        json.loads(line)["document"]["id"] for line in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert articles == gold, "the three files come from one run"
    assert len(articles) == sum(s["documents"] for s in summary["splits"].values())
    no_temporaries(out)


def test_parallel_exports_into_one_folder_one_wins_the_others_refuse(tmp_path: Path) -> None:
    from tests.conftest import idner_release

    (tmp_path / "r").mkdir()
    release = idner_release(tmp_path / "r", (60, 20, 20))
    out = tmp_path / "export"
    results = finish(
        [start(["dataset", "export", str(release), "--format", "brat", "--out", str(out)], tmp_path) for _ in range(3)]
    )
    codes = sorted(rc for rc, _, _ in results)
    assert codes == [0, 1, 1], results
    for rc, _, err in results:
        if rc == 1:
            assert "not empty" in err and "--replace" in err and "Traceback" not in err, err
    listed = json.loads((out / "export.json").read_text(encoding="utf-8"))["files"]
    present = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file() and p.name != "export.json")
    assert sorted(listed) == present
    no_temporaries(tmp_path)


def test_parallel_releases_of_one_version_make_one_release(tmp_path: Path) -> None:
    data = REPO / "benchmarks" / "data" / "idner-news-2k"
    subprocess.run(
        [sys.executable, "-m", "toolkit", "corpus", "import-conll", str(data / "dev.txt"), "--out", "c"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    args = [
        "dataset",
        "release",
        "--name",
        "p",
        "--version",
        "1.0.0",
        "--seeds-dir",
        "c",
        "--gold",
        "c/gold.jsonl",
        "--releases-dir",
        "rel",
        "--schema",
        SCHEMA,
        "--json",
    ]
    results = finish([start(args, tmp_path) for _ in range(3)])
    assert all(rc == 0 for rc, _, _ in results), [err for _, _, err in results]
    statuses = sorted(json.loads(out)["status"] for _, out, _ in results)
    assert statuses == ["created", "unchanged", "unchanged"]
    verify = subprocess.run(
        [sys.executable, "-m", "toolkit", "dataset", "verify", "rel/p/1.0.0"], cwd=tmp_path, capture_output=True
    )
    assert verify.returncode == 0
    no_temporaries(tmp_path / "rel")
