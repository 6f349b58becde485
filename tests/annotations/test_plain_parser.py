"""The chunked C-decoder reader: exact on well-formed JSON at any chunk size, and it gives up on the rest."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.annotations import importer, reader
from toolkit.annotations.importer import import_export
from toolkit.annotations.reader import _NotPlain, _plain_items
from toolkit.schema import Schema

GOLDEN = REPO / "tests" / "golden" / "export_two_annotators.json"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
    | st.sampled_from(['"', "\\", "]", "}", "[{", "\\u00e9", "😀", "\r\n"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def read(raw: bytes) -> list[object]:
    return list(_plain_items(io.BytesIO(raw)))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.text(max_size=5), json_values, max_size=4), max_size=6),
    st.integers(1, 64),
    st.sampled_from([None, 0, 2]),
    st.booleans(),
)
def test_reads_any_well_formed_list_at_any_chunk_size(
    items: list[dict[str, Any]], chunk: int, indent: int | None, ascii_only: bool
) -> None:
    raw = json.dumps(items, indent=indent, ensure_ascii=ascii_only).encode("utf-8")
    saved = reader._PLAIN_CHUNK
    reader._PLAIN_CHUNK = chunk
    try:
        assert read(b"  \n" + raw + b"\n") == json.loads(raw)
    finally:
        reader._PLAIN_CHUNK = saved


@pytest.mark.parametrize(
    "raw",
    [
        b'[{"a": 1}, {"b": ',  # truncated
        b'[{"a": 1} {"b": 2}]',  # missing comma
        b'[{"a": 1},]',  # trailing comma
        b'[{"a": 1}] junk',  # something after the list
        b'[{"a": NaN}]',  # not JSON
        b'[{"a": "\xff"}]',  # not UTF-8
        b'[{"a": "unterminated}]',
        b"[" + b"[" * 5000 + b"]" * 5000 + b"]",  # deeper than the C decoder recurses
        b'[{"a": 1}',  # the list never ends
    ],
)
def test_gives_up_on_anything_else(raw: bytes) -> None:
    with pytest.raises(_NotPlain):
        read(raw)


def test_import_is_identical_at_any_chunk_size(tmp_path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = import_export(GOLDEN, schema, out_dir=tmp_path / "ref")
    for chunk in (1, 7, 300):
        monkeypatch.setattr(reader, "_PLAIN_CHUNK", chunk)
        report = import_export(GOLDEN, schema, out_dir=tmp_path / str(chunk))
        assert Path(report.output or "").read_bytes() == Path(reference.output or "").read_bytes()
        assert report.counts == reference.counts


def test_a_broken_file_is_read_again_by_ijson_for_its_message(
    tmp_path: Path, schema: Schema, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: list[str] = []
    real = reader.tasks

    def spy(path: Path, fh: Any, parser: str) -> Any:
        used.append(parser)
        return real(path, fh, parser)

    monkeypatch.setattr(importer, "tasks", spy)
    import_export(GOLDEN, schema, out_dir=tmp_path / "ok")
    assert used == ["plain"]  # a well-formed export never needs ijson
    used.clear()
    broken = tmp_path / "broken.json"
    broken.write_bytes(GOLDEN.read_bytes()[:-40])
    with pytest.raises(importer.ToolkitError, match="not valid JSON"):
        import_export(broken, schema, out_dir=tmp_path / "out")
    assert used == ["plain", "stream"]
    assert not (tmp_path / "out" / "broken.jsonl").exists()
