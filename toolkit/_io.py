"""Small I/O helpers: atomic writes, checksums, deterministic JSON."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from toolkit.errors import OutputError


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Deterministic JSON: sorted keys, real UTF-8 characters, no trailing spaces."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent)


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only when the block ends without an error.

    It is written beside ``path`` under a temporary name, fsynced, then renamed over ``path``:
    readers see either the old file or the new one, never a half-written file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}; check that the folder is writable") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp_name).chmod(0o644)
        Path(tmp_name).replace(path)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror}; check free space and permissions") from exc
        raise


@contextmanager
def folders_removed_on_failure(folder: Path) -> Iterator[None]:
    """``folder`` and the folders above it that do not exist yet are removed again (when empty) if the block fails:
    a failed command leaves no empty folder behind."""
    folder = Path(folder)
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    try:
        yield
    except BaseException:
        for f in missing:  # innermost first
            try:
                f.rmdir()
            except OSError:
                break
        raise


def write_failure(target: Path, exc: OSError) -> OutputError:
    """One clear error for a failed write (disk full included), saying the previous state is intact."""
    full = "; the disk is full: free some space" if exc.errno == errno.ENOSPC else ""
    return OutputError(
        f"cannot write {target}: {exc.strerror}{full} (nothing was written; earlier files are untouched)"
    )


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def jsonl_text(records: Iterable[Any]) -> str:
    """One deterministic JSON document per line, each line ending in ``\\n``."""
    return "".join(dumps(r) + "\n" for r in records)
