from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from toolkit.schema import Schema, load_schema

REPO = Path(__file__).resolve().parent.parent
SEED_RAW = REPO / "seeds" / "raw" / "000_52eeffeea49d3acd.txt"


IDNER = REPO / "benchmarks" / "data" / "idner-news-2k"
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data(name: str) -> Path:
    """``../shared/data/<name>`` (research-use corpora that are not vendored); a test that needs it fails with
    one line saying so when it is missing (CI has it: there a missing folder is a failure, not a skip)."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.fail(
            f"this test needs {folder} (not vendored: research use only); put the shared folder beside the "
            'repository, or leave these tests out with -m "not shared"',
            pytrace=False,
        )
    return folder


def project_copy(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, folders: Sequence[str] = ("schemas", "seeds", "annotations")
) -> Path:
    """``tmp`` holding a copy of the project's data folders, made the working directory: commands run with
    their defaults as in the repository and never write into the working tree."""
    for folder in folders:
        shutil.copytree(REPO / folder, tmp / folder)
    monkeypatch.chdir(tmp)
    return tmp


def corpus_release(
    tmp: Path,
    fmt: str,
    files: list[Path],
    *,
    name: str,
    schema_path: Path = REPO / "schemas" / "schema.yaml",
    **release_kw: Any,
) -> Path:
    """Import corpus files of ``fmt`` (as published: repeats and cross-split texts kept) and release them."""
    from toolkit.dataset.release import release
    from toolkit.formats import import_files

    import_files(fmt, files, tmp / "corpus", duplicates="keep-all", cross_split="keep-all")
    return release(
        name=name,
        version="1.0.0",
        schema=load_schema(schema_path),
        seeds_path=tmp / "corpus" / "articles.jsonl",
        gold_paths=[tmp / "corpus" / "gold.jsonl"],
        guidelines_path=schema_path.parent / "GUIDELINES.md",
        releases_dir=tmp / "releases",
        split_by="metadata",
        **release_kw,
    ).path


def idner_release(tmp: Path, sizes: tuple[int, int, int], name: str = "mini") -> Path:
    """A release of the first sentences of idner-news-2k's train, dev and test files (CRLF kept)."""
    for file, n in zip(("train.txt", "dev.txt", "test.txt"), sizes, strict=True):
        lines = (IDNER / file).read_bytes().decode("utf-8").split("\r\n\r\n")[:n]
        (tmp / file).write_bytes(("\r\n\r\n".join(lines) + "\r\n").encode("utf-8"))
    return corpus_release(tmp, "conll", [tmp / f for f in ("train.txt", "dev.txt", "test.txt")], name=name)


def doc_block(document: Path, holding: str) -> str:
    """The bash block of ``document`` holding ``holding``."""
    text = document.read_text(encoding="utf-8")
    return next(b.split("```", 1)[0] for b in text.split("```bash\n")[1:] if holding in b)


def doc_block_before(document: Path, marker: str) -> str:
    """The bash block of ``document`` holding ``marker``: its lines up to (not including) the first that starts so."""
    return doc_block(document, f"\n{marker}").split(f"\n{marker}", 1)[0] + "\n"


def run_bash(script: str, cwd: Path, **env: str) -> str:
    """``script`` run by bash as a newcomer pastes it (``toolkit`` on PATH, as in an activated virtualenv); its
    output, after it succeeded."""
    import os
    import subprocess
    import sys

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(REPO / "schemas" / "schema.yaml")


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the user's Hub token or writes caches outside tmp_path."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)


class SmallDisk:
    """A real file system of a few hundred KB (tmpfs) at ``path``; :meth:`fill` leaves ``free`` bytes on it, so the
    next write that needs more fails with ENOSPC as on a full disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self, free: int = 2048) -> None:
        import os

        self.empty()
        stat = os.statvfs(self.path)
        room = stat.f_bavail * stat.f_frsize - free
        with self.filler.open("wb") as fh:
            fh.write(b"\0" * max(room, 0))

    def empty(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 512 KB tmpfs mounted for the test (needs root, as the suite runs in CI; skipped otherwise, saying so)."""
    import os
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, done.stderr
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", str(mount)], check=True)


SHARED_FIXTURES = frozenset({"conll04"})
"""Fixtures that read ../shared/data: a test using one is marked ``shared``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests against a real Label Studio server are slow, and tests that read ../shared/data are ``shared``."""
    for item in items:
        if item.get_closest_marker("labelstudio") is not None:
            item.add_marker(pytest.mark.slow)
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)
