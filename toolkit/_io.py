"""Small I/O helpers: atomic writes, checksums, deterministic JSON."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from toolkit.errors import OutputError


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loads(text: str | bytes) -> Any:
    """JSON from a file a user gave: :func:`json.loads`, with nesting too deep for Python's parser raised as the
    :class:`json.JSONDecodeError` every reader already reports (file, line, how to fix), never a
    :class:`RecursionError` (``[`` 100,000 times is one line)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("JSON nested too deep", text if isinstance(text, str) else "", 0) from None


def load_yaml(text: str) -> Any:
    """YAML from a file a user gave (a schema, ``toolkit.yaml``, outlet profiles): :func:`yaml.safe_load`, with
    nesting too deep for PyYAML raised as the :class:`yaml.YAMLError` every reader already reports."""
    import yaml

    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise yaml.YAMLError("nested too deep") from None


def yaml_problem(exc: Exception) -> str:
    """A YAML error on one line: where (line and column, 1-based) and what, without PyYAML's multi-line excerpt."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}"


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
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        blocker = _file_in_the_way(path, exc)
        why = f"{blocker} is a file, not a folder" if blocker else f"{exc.strerror}; check that the folder is writable"
        raise OutputError(f"cannot write {path}: {why}") from exc
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


def _file_in_the_way(target: Path, exc: OSError) -> Path | None:
    """The file where a folder of ``target`` belongs, when that stopped a write (the OS says only "File exists" or
    "Not a directory")."""
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        for place in (Path(target), *Path(target).parents):
            if place.exists() and not place.is_dir():
                return place
    return None


def write_failure(target: Path, exc: OSError) -> OutputError:
    """One clear error for a failed write (disk full included), saying the previous state is intact."""
    full = "; the disk is full: free some space" if exc.errno == errno.ENOSPC else ""
    blocker = _file_in_the_way(target, exc)
    why = f"{blocker} is a file, not a folder" if blocker else exc.strerror or str(exc)
    return OutputError(f"cannot write {target}: {why}{full} (nothing was written; earlier files are untouched)")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def jsonl_text(records: Iterable[Any]) -> str:
    """One deterministic JSON document per line, each line ending in ``\\n``."""
    return "".join(dumps(r) + "\n" for r in records)


# --- Stores: one writer at a time, all outputs of a command or none ------------------------------------------------

LOCK_TIMEOUT_ENV = "TOOLKIT_LOCK_TIMEOUT"
"""Seconds a command waits for another toolkit command writing the same folder (default 600)."""
TEMP_SUFFIX = ".toolkit.tmp"
"""Every temporary file or folder the toolkit makes beside its outputs ends so (found and removed by the next run)."""
STAGE_PREFIX = ".toolkit-stage-"
COMMITTED = "COMMITTED"
_PID = re.compile(r"pid(\d+)[.-]")


def temp_prefix(name: str) -> str:
    """The start of a temporary's name beside ``name``: hidden, and naming the process writing it, so that
    :func:`recover` never removes the temporary of a command still running."""
    return f".{name}.pid{os.getpid()}."


def _writer_alive(path: Path) -> bool:
    """Whether the process that made this temporary still runs (False for a killed one, or an unknown one)."""
    m = _PID.search(path.name)
    if m is None:
        return False
    pid = int(m.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _lock_dir() -> Path:
    """One folder of lock files for the machine (``$TOOLKIT_LOCK_DIR`` or ``<tmp>/toolkit-locks``), shared by
    its users, so that no lock file is ever left in a user's folders."""
    folder = Path(os.environ.get("TOOLKIT_LOCK_DIR") or Path(tempfile.gettempdir()) / "toolkit-locks")
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o1777)  # like /tmp: every user may lock, nobody removes another's lock file
        except OSError as exc:
            raise OutputError(f"cannot make the lock folder {folder}: {exc.strerror}; set TOOLKIT_LOCK_DIR") from exc
    return folder


@contextmanager
def store_lock(folder: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of a folder the toolkit writes (a store: seeds, layers, gold, a corpus, releases, an export,
    benchmarks) while reading and writing it, so that two commands at once take turns instead of losing an
    update. The lock is an OS file lock (``filelock``) named by the folder's real path; a command waits up to
    ``$TOOLKIT_LOCK_TIMEOUT`` seconds (600) for another one, then stops without writing."""
    from filelock import FileLock, Timeout

    real = str(Path(folder).resolve())
    name = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:32] + ".lock"
    if timeout is None:
        from toolkit._env import env_number

        timeout = env_number(LOCK_TIMEOUT_ENV, 600.0)
    lock = FileLock(str(_lock_dir() / name), timeout=timeout, mode=0o666)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(
            f"{real}: another toolkit command has been writing this folder for {timeout:g} s; wait for it to "
            f"finish (or raise {LOCK_TIMEOUT_ENV}) and run again; nothing was written"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot lock {real}: {exc.strerror}; set TOOLKIT_LOCK_DIR to a writable folder") from exc
    try:
        yield
    finally:
        lock.release()


def leftovers(folder: Path, prefix: str = "") -> list[Path]:
    """Temporaries of toolkit commands that were killed while writing ``folder`` (not recursive; a temporary whose
    process still runs is not one); with ``prefix``, only those whose name starts with it."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.startswith(prefix)
        and (p.name.endswith(TEMP_SUFFIX) or p.name.startswith(STAGE_PREFIX))
        and not _writer_alive(p)
    )


def recover(folder: Path, prefix: str = "") -> list[str]:
    """Finish or undo what a killed command left in ``folder``; call it holding the lock of what it writes there
    (:func:`store_lock`).

    A stage that was committed (its list of files written) is completed; any other stage and every temporary
    file is removed. Returns what was done, one line each, for the command to report."""
    done = []
    for p in leftovers(folder, prefix):
        if p.name.startswith(STAGE_PREFIX) and (p / COMMITTED).is_file():
            _apply_stage(p, Path(folder))
            done.append(f"completed the outputs of an interrupted run ({p.name})")
            continue
        size = _size(p)
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        done.append(f"removed {p.name} ({size:,} bytes) left by an interrupted run")
    return done


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@dataclass(frozen=True)
class Leftover:
    """A temporary a killed toolkit command left: a file or folder, its size, and whether it is a committed stage
    (then finishing it completes the command's outputs) or something to remove."""

    path: Path
    size: int
    committed: bool


def find_leftovers(root: Path) -> list[Leftover]:
    """Every temporary killed toolkit commands left under ``root`` (recursively, not inside the temporaries; not
    those of commands still running)."""
    found: list[Leftover] = []
    root = Path(root)
    if not root.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in sorted([*dirnames, *filenames]):
            if (name.endswith(TEMP_SUFFIX) or name.startswith(STAGE_PREFIX)) and not _writer_alive(here / name):
                p = here / name
                found.append(Leftover(p, _size(p), p.is_dir() and (p / COMMITTED).is_file()))
        dirnames[:] = [d for d in dirnames if not (d.endswith(TEMP_SUFFIX) or d.startswith(STAGE_PREFIX))]
    return found


def clean_leftover(leftover: Leftover) -> str | None:
    """Finish or remove one leftover (its process is gone; under its folder's lock, without waiting: a folder a
    running command holds is left alone for now); what was done, or None if the folder is busy."""
    from filelock import Timeout

    try:
        with store_lock(leftover.path.parent, timeout=0):
            done = recover(leftover.path.parent, leftover.path.name)
    except OutputError as exc:
        if isinstance(exc.__cause__, Timeout) or "another toolkit command" in str(exc):
            return None
        raise
    return "; ".join(done) or "already gone"


class Stage:
    """Outputs of one command for one folder, written under a hidden stage folder inside it and moved into place
    together: :meth:`commit` first records the list of files (so a run killed while moving them is completed by
    the next one), then renames each (same file system, so each rename is atomic)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}pid{os.getpid()}-", dir=self.folder))
        self.dir.chmod(0o755)

    def path(self, name: str) -> Path:
        """Where to write the output ``name`` (a path relative to the folder)."""
        target = self.dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def commit(self) -> None:
        names = sorted(str(p.relative_to(self.dir)) for p in self.dir.rglob("*") if p.is_file())
        for name in names:
            (self.dir / name).chmod(0o644)
        marker = self.dir / (COMMITTED + TEMP_SUFFIX)
        marker.write_text("\n".join(names) + "\n", encoding="utf-8")
        with marker.open("rb") as fh:
            os.fsync(fh.fileno())
        marker.replace(self.dir / COMMITTED)
        _apply_stage(self.dir, self.folder)


def _apply_stage(stage: Path, folder: Path) -> None:
    names = [n for n in (stage / COMMITTED).read_text(encoding="utf-8").splitlines() if n]
    for name in names:
        src = stage / name
        if src.exists():  # absent: moved before the run was killed
            dest = folder / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            src.replace(dest)
    shutil.rmtree(stage, ignore_errors=True)


@contextmanager
def staged(folder: Path) -> Iterator[Stage]:
    """All the outputs of a command in ``folder``, or none: hold the folder's lock, finish or undo an interrupted
    earlier run (:func:`recover`), write under a :class:`Stage` and move everything into place at the end. On an
    error nothing changes (a folder made for the outputs is removed again)."""
    folder = Path(folder)
    with folders_removed_on_failure(folder), store_lock(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            recover(folder)
            stage = Stage(folder)
        except OSError as exc:
            raise write_failure(folder, exc) from None
        try:
            yield stage
            stage.commit()
        except OSError as exc:
            raise write_failure(folder, exc) from None
        finally:
            if stage.dir.exists() and not (stage.dir / COMMITTED).exists():
                shutil.rmtree(stage.dir, ignore_errors=True)


# --- File names from data ----------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}")
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
NAME_LIMIT = 120


def safe_name(value: str) -> str:
    """A file name for a value that comes from data (a document id, a label, an annotator id).

    A plain value (letters, digits, ``_ . -``, not starting with a dot, up to 120 characters, not a Windows
    device name) is its own name; any other is percent-encoded (``2024/05/abc`` -> ``2024%2F05%2Fabc``,
    ``..`` -> ``%2E.``), which is reversible and never holds a separator, and one still too long is cut with a
    checksum (``~`` + 16 hex digits, the only names with a ``~``). The name never leaves its folder and never
    nests; keep the value beside it (see :class:`NameTable`) to read it back."""
    if not value:
        raise ValueError("an empty value has no file name")
    if _PLAIN.fullmatch(value) and value.split(".")[0].lower() not in _DEVICES and not value.endswith("."):
        return value
    encoded = quote(value, safe="", errors="surrogatepass").replace("~", "%7E")
    if encoded[0] == "." or encoded.split(".")[0].lower() in _DEVICES:
        encoded = f"%{ord(encoded[0]):02X}" + encoded[1:]
    if encoded.endswith("."):
        encoded = encoded[:-1] + "%2E"
    if len(encoded) > NAME_LIMIT:
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        head = encoded[: NAME_LIMIT - 17]
        cut = head.rfind("%", len(head) - 2)  # do not keep half of a %XX
        encoded = (head[:cut] if cut >= 0 else head) + "~" + digest
    return encoded


class NameTable:
    """File names for the values of one folder: :func:`safe_name`, made unique also where case is ignored (macOS,
    Windows), with the values whose name differs recorded for the reader (``renamed``: name -> value)."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}
        self.renamed: dict[str, str] = {}

    def name(self, value: str) -> str:
        name = safe_name(value)
        if self._taken.get(name.casefold(), value) != value:
            digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
            name = name[: NAME_LIMIT - 17] + "~" + digest
        self._taken[name.casefold()] = value
        if name != value:
            self.renamed[name] = value
        return name
