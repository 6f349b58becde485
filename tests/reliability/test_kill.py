"""A SIGKILL in the middle of an import or a release leaves the previous state intact and no half-written
file under a real name (only hidden ``.*.tmp`` leftovers may remain, which nothing reads)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks" / "speed"))
from generate import write_export


def visible(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def run_and_kill(args: list[str], writing: Path, cwd: Path) -> None:
    """Start the command, wait until its temporary output appears under ``writing``, then SIGKILL it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "toolkit", *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not (writing.exists() and any(p.name.startswith(".") and ".tmp" in p.name for p in writing.rglob("*"))):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the command finished before it could be killed midway; use a larger input")
        time.sleep(0.01)
    time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_killed_import_keeps_the_previous_layers(tmp_path: Path) -> None:
    export = write_export(6000, tmp_path / "big.json", seed=5)
    out = tmp_path / "layers"
    args = [
        "annotations",
        "import",
        str(export),
        "--out",
        str(out),
        "--schema",
        str(REPO / "schemas" / "schema.yaml"),
        "--seeds-dir",
        str(tmp_path / "none"),
    ]
    done = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    before = visible(out)
    assert set(before) == {"big.jsonl", "big.report.json"}
    run_and_kill(args, out, tmp_path)
    assert visible(out) == before


@pytest.mark.slow
def test_killed_release_leaves_no_release(tmp_path: Path) -> None:
    data = REPO / "benchmarks" / "data" / "idner-news-2k"
    files = [str(data / f) for f in ("train.txt", "dev.txt", "test.txt")]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "corpus",
            "import-conll",
            *files,
            "--out",
            "c",
            "--duplicates",
            "keep-all",
            "--cross-split",
            "keep-all",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    args = [
        "dataset",
        "release",
        "--name",
        "k",
        "--version",
        "1.0.0",
        "--seeds-dir",
        "c",
        "--gold",
        "c/gold.jsonl",
        "--split-by",
        "metadata",
        "--releases-dir",
        "rel",
        "--schema",
        str(REPO / "schemas" / "schema.yaml"),
    ]
    run_and_kill(args, tmp_path / "rel", tmp_path)
    assert not (tmp_path / "rel" / "k" / "1.0.0").exists()
    assert visible(tmp_path / "rel") == {} if (tmp_path / "rel").exists() else True
    done = subprocess.run([sys.executable, "-m", "toolkit", *args], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    verify = subprocess.run(
        [sys.executable, "-m", "toolkit", "dataset", "verify", "rel/k/1.0.0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stderr


def test_disk_full_during_import_and_release_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while writing: exit 1, one Error line naming the file, no traceback, no partial file, no empty folder,
    and the previous state intact."""
    import errno
    import os as os_module

    from click.testing import CliRunner

    from toolkit.cli import main

    export = REPO / "tests" / "golden" / "export_two_annotators.json"
    args = ["--schema", str(REPO / "schemas" / "schema.yaml")]
    ok = CliRunner().invoke(main, ["annotations", "import", str(export), "--out", str(tmp_path / "layers"), *args])
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in (tmp_path / "layers").iterdir()}
    real_write = os_module.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os_module.strerror(errno.ENOSPC))

    class FullFile:
        """A file object whose writes fail as on a full disk."""

        def __init__(self, fd: int, mode: str = "wb") -> None:
            self.fd = fd

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            os_module.close(self.fd)

        def write(self, data: bytes) -> int:
            return full(self.fd, data)

    import toolkit.annotations.importer as importer

    monkeypatch.setattr(importer.os, "fdopen", FullFile)
    for out in (tmp_path / "layers", tmp_path / "new" / "layers"):
        result = CliRunner().invoke(main, ["annotations", "import", str(export), "--out", str(out), *args])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        (line,) = [x for x in result.output.splitlines() if x.startswith("Error:")]
        assert "No space left on device; the disk is full" in line and "export_two_annotators.jsonl" in line
    assert {p.name: p.read_bytes() for p in (tmp_path / "layers").iterdir()} == before
    assert not (tmp_path / "new").exists()  # no empty folder left behind
    monkeypatch.undo()
    assert real_write is os_module.write

    gold = CliRunner().invoke(
        main,
        [
            "annotations",
            "gold",
            str(tmp_path / "layers" / "export_two_annotators.jsonl"),
            "--out",
            str(tmp_path / "gold"),
            *args,
        ],
    )
    assert gold.exit_code == 0, gold.output
    import pyarrow.parquet as pq

    def no_space(*a: object, **k: object) -> None:
        raise OSError(errno.ENOSPC, os_module.strerror(errno.ENOSPC))

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", no_space)
    release = [
        "dataset",
        "release",
        "--version",
        "1.0.0",
        "--name",
        "full",
        "--gold",
        str(tmp_path / "gold" / "export_two_annotators.jsonl"),
        "--releases-dir",
        str(tmp_path / "releases"),
        *args,
    ]
    result = CliRunner().invoke(main, release)
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("Error:")]
    assert "the disk is full" in line and "releases/full/1.0.0" in line
    assert not (tmp_path / "releases").exists()
