from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit._io import atomic_write_bytes, dumps, jsonl_text
from toolkit.errors import OutputError


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.txt"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_atomic_write_into_unwritable_place_is_a_toolkit_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match=r"cannot write .*file/out.txt"):
        atomic_write_bytes(blocker / "out.txt", b"data")


def test_json_is_deterministic_and_keeps_unicode() -> None:
    assert dumps({"b": 1, "a": "Jenewa 😀"}) == '{"a": "Jenewa 😀", "b": 1}'
    assert jsonl_text([{"x": 1}, {"y": 2}]) == '{"x": 1}\n{"y": 2}\n'


@pytest.mark.parametrize("under", ["a-file", "a-file/deeper"])
def test_a_file_where_a_folder_belongs_is_named(tmp_path: Path, under: str) -> None:
    """The OS says only "File exists" or "Not a directory"."""
    from toolkit._io import atomic_write_text, write_failure
    from toolkit.errors import OutputError

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    target = tmp_path / under / "out.json"
    with pytest.raises(
        OutputError, match=rf"^cannot write {re.escape(str(target))}: .*a-file is a file, not a folder$"
    ):
        atomic_write_text(target, "{}")
    with pytest.raises(OSError) as failed:
        (tmp_path / under).mkdir(parents=True)
    assert str(write_failure(tmp_path / under, failed.value)).startswith(
        f"cannot write {tmp_path / under}: {tmp_path / 'a-file'} is a file, not a folder (nothing was written"
    )
