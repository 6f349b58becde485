"""Result files: one type each, written and read by it; the committed JSON Schema is generated from the types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO
from toolkit._io import dumps
from toolkit.benchmarks.results import EntityResult, RelationResult, json_schema, read_result, result_files
from toolkit.errors import ToolkitError

RESULTS = [f for folder in sorted((REPO / "benchmarks").glob("*/*.*.*/")) for f in result_files(folder)]


def test_the_committed_json_schema_is_the_types() -> None:
    committed = json.loads((REPO / "schemas" / "bench-result.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), (
        "schemas/bench-result.schema.json is stale: regenerate it with "
        "python -c 'from pathlib import Path; from toolkit.benchmarks.results import write_json_schema; "
        'write_json_schema(Path("schemas/bench-result.schema.json"))\''
    )


@pytest.mark.parametrize("path", RESULTS, ids=[str(p.relative_to(REPO)) for p in RESULTS])
def test_every_committed_result_reads_back_to_the_same_bytes(path: Path) -> None:
    result = read_result(path)
    assert isinstance(result, EntityResult | RelationResult)
    assert dumps(result.to_json_dict(), indent=1) + "\n" == path.read_text(encoding="utf-8")


def test_every_committed_result_validates_against_the_json_schema() -> None:
    import jsonschema

    schema = json.loads((REPO / "schemas" / "bench-result.schema.json").read_text(encoding="utf-8"))
    for path in RESULTS:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_a_result_file_with_a_misspelt_key_is_refused_naming_it(tmp_path: Path) -> None:
    data = json.loads(RESULTS[0].read_text(encoding="utf-8"))
    data["manifest_sha265"] = data.pop("manifest_sha256")
    (tmp_path / "crf.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"crf\.json: not a bench result \(.*manifest_sha2"):
        read_result(tmp_path / "crf.json")


def test_end_to_end_scores_are_read_by_entity_baseline() -> None:
    pair = read_result(REPO / "benchmarks" / "conll04" / "1.0.0" / "pair-classifier.json")
    assert isinstance(pair, RelationResult)
    e2e = pair.end_to_end()
    assert set(e2e) == {"crf"} and e2e["crf"].strict is not None and 0 < e2e["crf"].strict.micro.f1 < 1
