"""A SIGKILL in the middle of an import or a release leaves the previous state intact and no half-written
file under a real name; the hidden temporaries it leaves are removed by the next run of the command."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SmallDisk

sys.path.insert(0, str(REPO / "benchmarks" / "speed"))
from generate import write_export


def visible(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


def hidden(folder: Path) -> list[Path]:
    """Temporaries of a run (hidden files or folders: ``.*.toolkit.tmp``, ``.toolkit-stage-*``)."""
    return [p for p in folder.rglob("*") if p.name.startswith(".") and (".tmp" in p.name or "stage" in p.name)]


def run_and_kill(args: list[str], writing: Path, cwd: Path) -> None:
    """Start the command, wait until its temporary output appears under ``writing``, then SIGKILL it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "toolkit", *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not (writing.exists() and hidden(writing)):
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
    assert hidden(out), "the killed run left its temporaries (the next run removes them)"
    again = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert visible(out) == before and not hidden(out)


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
    assert not hidden(tmp_path / "rel"), "the next release removes what the killed one left"
    verify = subprocess.run(
        [sys.executable, "-m", "toolkit", "dataset", "verify", "rel/k/1.0.0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stderr


def test_disk_full_during_import_and_release_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_disk: SmallDisk
) -> None:
    """ENOSPC while writing (a real full file system for the import): exit 1, one Error line naming the file, no
    traceback, no partial file or temporary left, no empty folder, and the previous state intact."""
    import errno
    import os as os_module

    from click.testing import CliRunner

    from toolkit.cli import main

    export = REPO / "tests" / "golden" / "export_two_annotators.json"
    args = ["--schema", str(REPO / "schemas" / "schema.yaml")]
    layers = small_disk.path / "layers"
    ok = CliRunner().invoke(main, ["annotations", "import", str(export), "--out", str(layers), *args])
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in layers.iterdir()}
    small_disk.fill(free=1024)
    for out in (layers, small_disk.path / "new" / "layers"):
        result = CliRunner().invoke(main, ["annotations", "import", str(export), "--out", str(out), *args])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        (line,) = [x for x in result.output.splitlines() if x.startswith("Error:")]
        assert "No space left on device; the disk is full" in line and "layers" in line, line
    assert {p.name: p.read_bytes() for p in layers.iterdir()} == before  # nothing hidden left either
    assert not (small_disk.path / "new").exists()  # no empty folder left behind
    small_disk.empty()
    again = CliRunner().invoke(main, ["annotations", "import", str(export), "--out", str(layers), *args])
    assert again.exit_code == 0, again.output
    shutil.copytree(layers, tmp_path / "layers")

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
        "--ratios",
        "1,0,0",
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


@pytest.mark.slow
def test_doctor_lists_and_cleans_what_a_killed_run_left_and_never_a_running_ones(tmp_path: Path) -> None:
    export = write_export(6000, tmp_path / "big.json", seed=5)
    out = tmp_path / "layers"
    args = ["annotations", "import", str(export), "--out", str(out), "--schema", str(REPO / "schemas" / "schema.yaml")]
    run_and_kill(args, out, tmp_path)
    left = hidden(out)
    assert left
    sleeper = subprocess.Popen(["sleep", "60"])
    running = out / f".other.jsonl.pid{sleeper.pid}.x{'.toolkit.tmp'}"
    running.write_bytes(b"being written")

    def doctor(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "toolkit", "doctor", str(tmp_path), *extra], capture_output=True, text=True
        )

    try:
        listed = doctor()
        assert listed.returncode == 0, listed.stderr
        assert str(running) not in listed.stdout
        assert f"{len(left)} leftovers" in listed.stdout and "toolkit doctor --fix" in listed.stdout
        fixed = doctor("--fix")
        assert fixed.returncode == 0, fixed.stderr
        assert not [p for p in hidden(out) if p != running] and running.exists()
        assert "0 leftovers" in doctor().stdout
    finally:
        sleeper.kill()
        sleeper.wait()
    assert "1 leftovers" in doctor().stdout  # its writer is gone now
