"""Sentence bounds that never cut inside an entity, and the sentences configuration of a release."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO, corpus_release
from toolkit.text.sentences import sentence_bounds

GOLDEN = [
    ("Dr. Hasan bertemu Presiden. Lalu ia pergi.", ["Dr. Hasan bertemu Presiden.", "Lalu ia pergi."]),
    (
        "Kantor di Jl. Sudirman No. 5. Harga Rp. 60.000 naik.",
        ["Kantor di Jl. Sudirman No. 5.", "Harga Rp. 60.000 naik."],
    ),
    ("Naik 1.000,50 persen pada 8/11/2017. Itu benar.", ["Naik 1.000,50 persen pada 8/11/2017.", "Itu benar."]),
    ('"Kami setuju." Kata J. Smith dari U.S. Army.', ['"Kami setuju."', "Kata J. Smith dari U.S. Army."]),
    ("Paragraf satu\n\nParagraf dua.", ["Paragraf satu", "Paragraf dua."]),
    ("Mr. Smith met Gov. Brown in St. Louis. They talked.", ["Mr. Smith met Gov. Brown in St. Louis.", "They talked."]),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_golden_cases(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_bounds(text)] == expected


def test_a_cut_inside_an_entity_is_not_made() -> None:
    text = "Ia bekerja di PT. Maju Jaya. Kantor baru."
    entity = (text.index("PT."), text.index("Jaya") + 4)
    assert [text[a:b] for a, b in sentence_bounds(text, [entity])] == ["Ia bekerja di PT. Maju Jaya.", "Kantor baru."]


@given(
    st.lists(
        st.sampled_from(
            ["Ia", "pergi", "Dr.", "J.", "U.S.", "Rp.", "1.000,50", "ke", "Jakarta.", '"Ya."', "Baru", "\n", "!", "?"]
        ),
        max_size=40,
    ),
    st.data(),
)
def test_bounds_cover_every_word_once_and_respect_entities(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    spans = []
    if text:
        a = data.draw(st.integers(0, len(text) - 1))
        b = data.draw(st.integers(a + 1, len(text)))
        spans = [(a, b)]
    bounds = sentence_bounds(text, spans)
    covered = [i for a, b in bounds for i in range(a, b)]
    assert covered == sorted(set(covered))  # in order, no overlap
    assert {i for i, ch in enumerate(text) if not ch.isspace()} <= set(covered)
    for a, b in spans:  # an entity lies in one sentence
        assert any(x <= a and b <= y for x, y in bounds) or text[a:b].strip() == ""


@pytest.mark.slow
def test_release_has_a_sentences_configuration_loadable_without_the_toolkit(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "dataset",
            "release",
            "--version",
            "1.0.0",
            "--releases-dir",
            str(tmp_path),
            "--gold",
            str(_seed_gold(tmp_path)),
            "--ratios",
            "0,0,1",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    code = f"""
import json, sys
from datasets import load_dataset
s = load_dataset({str(tmp_path / "id-news-er" / "1.0.0")!r}, "sentences", cache_dir={str(tmp_path / "c1")!r})["test"]
d = load_dataset({str(tmp_path / "id-news-er" / "1.0.0")!r}, cache_dir={str(tmp_path / "c2")!r})["test"]
assert "toolkit" not in sys.modules
print(json.dumps({{"sentences": s.to_list(), "documents": d.to_list()}}))
"""
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf"), "PATH": "/usr/bin:/bin"},
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    data = json.loads(loaded.stdout.splitlines()[-1])
    (doc,) = data["documents"]
    sentences = data["sentences"]
    assert len(sentences) == 13 and [s["sentence_index"] for s in sentences] == list(range(13))
    assert sum(len(s["entities"]) for s in sentences) == len(doc["entities"])  # no entity is cut
    for s in sentences:
        assert doc["text"][s["start"] : s["end"]] == s["text"]
        for e in s["entities"]:
            assert s["text"][e["start"] : e["end"]] == e["text"]
        for a, b, tok in zip(s["token_starts"], s["token_ends"], s["tokens"], strict=True):
            assert s["text"][a:b] == tok
        ids = {e["id"] for e in s["entities"]}
        assert all(r["head"] in ids and r["tail"] in ids for r in s["relations"])
    card = (tmp_path / "id-news-er" / "1.0.0" / "README.md").read_text(encoding="utf-8")
    within = sum(len(s["relations"]) for s in sentences)
    assert f"({len(doc['relations']) - within} relations across sentences are in the document rows only)" in card


def _seed_gold(tmp_path: Path) -> Path:
    from toolkit.annotations.gold import write_gold
    from toolkit.annotations.importer import import_export
    from toolkit.schema import load_schema

    (snapshot,) = [p for p in (REPO / "annotations" / "snapshots").glob("*.json") if p.name != "index.json"]
    layers = import_export(snapshot, load_schema(REPO / "schemas" / "schema.yaml"), out_dir=tmp_path / "layers")
    return Path(
        write_gold(Path(layers.output or ""), tmp_path / "gold", schema_path=REPO / "schemas" / "schema.yaml").output
    )


def test_a_sentence_corpus_keeps_one_sentence_per_row(tmp_path: Path) -> None:
    (tmp_path / "test.json").write_text(
        json.dumps([{"tokens": ["Mr.", "Smith", "left", ".", "He", "came", "."], "entities": [[0, 2, "Peop"]]}])
    )
    schema = REPO / "benchmarks" / "data" / "conll04" / "schema.yaml"
    path = corpus_release(tmp_path, "spans", [tmp_path / "test.json"], name="s", schema_path=schema)
    import pyarrow.parquet as pq

    rows = pq.read_table(path / "sentences" / "test.parquet").to_pylist()
    assert len(rows) == 1 and rows[0]["text"] == "Mr. Smith left . He came ."
