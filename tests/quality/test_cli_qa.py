from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, idner_release
from tests.quality.conftest import sentence, write_gold
from toolkit.cli import main

KEYS = {"doc_id", "start", "end", "text", "label", "suggestion", "reasons", "detectors", "score"}


@pytest.fixture(scope="module")
def mini_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return idner_release(tmp_path_factory.mktemp("qa"), (150, 40, 40))


def _qa(*args: str) -> list[dict]:
    result = CliRunner().invoke(
        main, ["annotations", "qa", *args, "--schema", str(REPO / "schemas" / "schema.yaml"), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.slow
def test_qa_on_a_release_lists_suspects_most_suspect_first(mini_release: Path) -> None:
    items = _qa(str(mini_release), "--split", "train", "--split", "validation")
    assert items, "a real corpus always has suspects"
    assert [x["score"] for x in items] == sorted((x["score"] for x in items), reverse=True)
    texts = {}
    from toolkit.dataset.load import load_release

    for split in load_release(mini_release).splits.values():
        texts.update({d.id: d.text for d, _ in split})
    for x in items:
        assert set(x) >= KEYS
        assert texts[x["doc_id"]][x["start"] : x["end"]] == x["text"]
        assert x["split"] in ("train", "validation")
        assert x["reasons"] and x["detectors"] and 0 < x["score"] <= 1
        if x["label"] is None and x["kind"] == "missed":
            assert x["suggestion"] not in (None, "O")
    assert {"model", "label_variation"} <= {d for x in items for d in x["detectors"]}
    assert _qa(str(mini_release), "--split", "train", "--split", "validation") == items  # deterministic


@pytest.mark.slow
def test_qa_writes_review_tasks_with_the_gold_and_the_suggestions(mini_release: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    result = CliRunner().invoke(
        main,
        [
            "annotations",
            "qa",
            str(mini_release),
            "--detectors",
            "label_variation,model",
            "--review-tasks",
            str(out),
            "--max-review",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote 5 review task(s)" in result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert len(tasks) == 5
    scores = [t["data"]["qa_top_score"] for t in tasks]
    assert scores == sorted(scores, reverse=True)
    for t in tasks:
        text = t["data"]["text"]
        versions = [p["model_version"] for p in t["predictions"]]
        assert versions == ["qa:gold", "qa:suggested"]
        noted = 0
        for p in t["predictions"]:
            assert p["score"] == t["data"]["qa_top_score"]
            for r in p["result"]:
                if r["type"] == "labels":
                    assert text[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
                    noted += "meta" in r
        assert noted >= 1


def test_qa_on_the_synthetic_corpus_finds_the_planted_label(tmp_path: Path) -> None:
    docs = [sentence(f"d{k}", ["Kata", "Jokowi", "kemarin"], [None, "PER", None]) for k in range(8)]
    docs.append(sentence("odd", ["Kata", "Jokowi", "lagi"], [None, "ORG", None]))
    gold = write_gold(tmp_path / "gold.jsonl", docs)
    items = _qa(str(gold), "--detectors", "label_variation")
    assert items[0]["doc_id"] == "odd" and items[0]["suggestion"] == "PER"
    text = CliRunner().invoke(main, ["annotations", "qa", str(gold), "--folds", "20"]).output
    assert "skipped detector model: 20-fold cross-validation needs at least 20 documents; the corpus has 9" in text
    assert "skipped detector relations: the gold has no relations" in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"document": {"id": "a", "text": "x"}}\n', "line 1: not a gold record"),
        ("not json\n", "line 1: not a gold record"),
        (
            '{"document": {"id": "a", "text": "ab"}, "gold": {"annotator": "gold", "created_at": "", "document_id": "a", "kind": "gold", "provenance": {"source": "t"}, "relations": [], "spans": [{"id": "s1", "start": 0, "end": 9, "label": "PER"}]}}\n',
            "line 1: document a: span s1 [0, 9) ends past the text",
        ),
        ("", "no gold records"),
    ],
)
def test_qa_refuses_bad_input_with_file_and_line(tmp_path: Path, content: str, expected: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["annotations", "qa", str(bad)])
    assert result.exit_code == 1
    assert expected in result.output and str(bad) in result.output
    assert "Traceback" not in result.output


def test_qa_refuses_an_unknown_detector_and_a_missing_file(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", [sentence("a", ["Jokowi"], ["PER"])])
    result = CliRunner().invoke(main, ["annotations", "qa", str(gold), "--detectors", "vibes"])
    assert result.exit_code == 1 and "unknown detector 'vibes'" in result.output
    result = CliRunner().invoke(main, ["annotations", "qa", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and "no such file or folder" in result.output
