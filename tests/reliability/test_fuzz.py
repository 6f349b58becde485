"""Mutated exports: the importer either succeeds with a valid model or raises ToolkitError, nothing else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import read_layers
from toolkit.errors import ToolkitError
from toolkit.schema import Schema

VALID: list[Any] = json.loads((REPO / "tests" / "golden" / "export_two_annotators.json").read_text(encoding="utf-8"))
RAW = (REPO / "tests" / "golden" / "export_two_annotators.json").read_bytes()
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = [p for p in paths(VALID) if p]


def mutate(data: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    data = json.loads(json.dumps(data))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if how == "drop":
        if isinstance(parent, dict):
            del parent[last]
        else:
            parent.pop(last)
    elif how == "retype":
        parent[last] = value
    elif how == "shuffle_ids" and isinstance(parent, list) and len(parent) > 1:
        parent.reverse()
    return data


def check(path: Path, schema: Schema, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(dir=out))  # one folder per example: what a refused import leaves is its own
    try:
        report = import_export(path, schema, out_dir=out, skip_invalid=True)
    except ToolkitError:  # refused whole: then nothing may be written
        assert not out.exists() or not any(out.iterdir()), "a refused import left files behind"
        return
    for doc, layers in read_layers(Path(str(report.output))):
        for layer in layers:
            layer.check_against(doc)
    for kind, c in report.counts.items():
        assert c["in"] == c["written"] + c["skipped"], kind


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(ALL_PATHS), st.sampled_from(["drop", "retype", "shuffle_ids"]), VALUES)
def test_mutated_structure(tmp_path: Path, schema: Schema, path: tuple[Any, ...], how: str, value: Any) -> None:
    f = tmp_path / "m.json"
    f.write_text(json.dumps(mutate(VALID, path, how, value)), encoding="utf-8")
    check(f, schema, tmp_path / "out")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(RAW)), st.binary(max_size=8))
def test_cut_and_corrupted_bytes(tmp_path: Path, schema: Schema, cut: int, junk: bytes) -> None:
    f = tmp_path / "c.json"
    f.write_bytes(RAW[:cut] + junk)
    check(f, schema, tmp_path / "out")
