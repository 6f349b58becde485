from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from toolkit.corpus import CorpusError
from toolkit.formats import import_files
from toolkit.formats.conll import conll_units, read_conll, read_corpus
from toolkit.seeds import load_articles


def write(tmp_path: Path, name: str, content: str, newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes(content.replace("\n", newline).encode("utf-8"))
    return path


SAMPLE = "-DOCSTART- -X- O\n\nMenurut ADP O\nHaposan NOUN B-PER\nSitorus PROPN I-PER\ndi ADP O\nPPP PROPN B-ORG\n. PUNCT O\n\nDi ADP O\nJakarta PROPN B-LOC\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_reads_extra_columns_docstart_and_crlf(tmp_path: Path, newline: str) -> None:
    path = write(tmp_path, "train.txt", SAMPLE, newline)
    pairs = read_corpus(path, split="train")
    assert len(pairs) == 2
    doc, gold = pairs[0]
    assert doc.text == "Menurut Haposan Sitorus di PPP ."
    assert [(doc.text[s.start : s.end], s.label) for s in gold.spans] == [("Haposan Sitorus", "PER"), ("PPP", "ORG")]
    assert doc.metadata["split"] == "train" and doc.metadata["token_offsets"][1] == [8, 15]


def test_mixed_line_endings_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "dev.txt"
    path.write_bytes(b"A\tB-PER\r\nB\tI-PER\nC\tO\r\n\r\nD\tB-ORG\n")
    assert [s.tags for s in read_conll(path)] == [("B-PER", "I-PER", "O"), ("B-ORG",)]


def test_iob1_and_label_map(tmp_path: Path) -> None:
    path = write(tmp_path, "test.txt", "Joko I-PER\nWidodo I-PER\nAni B-PER\nke O\nSolo I-LOC\n")
    with pytest.raises(
        CorpusError,
        match=r"test\.txt, line 1: I-PER without a preceding B-PER or I-PER \(IOB2\); use --scheme iob1",
    ):
        read_corpus(path, split="test")
    ((doc, gold),) = read_corpus(path, split="test", scheme="iob1", label_map={"LOC": "GPE"})
    assert [(doc.text[s.start : s.end], s.label) for s in gold.spans] == [
        ("Joko Widodo", "PER"),
        ("Ani", "PER"),
        ("Solo", "GPE"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Joko B-PER\nWidodo\n", r"bad\.txt, line 2: 1 column\(s\) in 'Widodo'; expected TOKEN \.\.\. TAG"),
        ("Joko NOUN B-PER\nWidodo I-PER\n", r"bad\.txt, line 2: 2 columns where earlier lines have 3"),
        ("Joko X-PER\n", r"bad\.txt, line 1: tag 'X-PER' is not O, B-X or I-X"),
        ("Joko BPER\n", r"bad\.txt, line 1: tag 'BPER' is not O, B-X or I-X"),
    ],
)
def test_malformed_lines_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CorpusError, match=message):
        list(conll_units(write(tmp_path, "bad.txt", content)))


def test_write_corpus_for_the_dataset_path(tmp_path: Path) -> None:
    files = [write(tmp_path, "train.txt", SAMPLE), write(tmp_path, "dev.txt", "Ani B-PER\n")]
    summary = import_files("conll", files, tmp_path / "out")
    assert summary["splits"] == {
        "train": {
            "documents": 2,
            "tokens": 8,
            "entities": 3,
            "relations": 0,
            "entities_dropped": 0,
            "relations_dropped": 0,
        },
        "validation": {
            "documents": 1,
            "tokens": 1,
            "entities": 1,
            "relations": 0,
            "entities_dropped": 0,
            "relations_dropped": 0,
        },
    }
    docs = load_articles(tmp_path / "out" / "articles.jsonl")
    assert [d.id for d in docs] == ["dev-00001", "train-00001", "train-00002"]
    with pytest.raises(CorpusError, match="cannot tell its split from the name"):
        import_files("conll", [write(tmp_path, "other.txt", "A O\n")], tmp_path / "o2")


def test_label_map_can_drop_a_label_and_counts_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    conll = tmp_path / "train.txt"
    conll.write_text("Hasan B-PER\nKleib I-PER\ndi O\nILO B-ORG\n\nJenewa B-LOC\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "corpus",
            "import-conll",
            str(conll),
            "--out",
            str(tmp_path / "c"),
            "--label-map",
            "ORG=",
            "--label-map",
            "LOC=GPE",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "train: 2 documents, 5 tokens, 2 entities, 0 relations (1 entities, 0 relations dropped)" in result.output
    golds = [json.loads(line) for line in (tmp_path / "c" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(s["label"] for g in golds for s in g["gold"]["spans"]) == ["GPE", "PER"]
    assert golds[0]["annotated"] == {"entities": ["GPE", "PER"], "relations": []}


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ("LOC=NOPE", r"--label-map LOC=NOPE: 'NOPE' is not an entity type of schema id-news-er \(PER, ORG, "),
        ("LOC=GPE|LOC", r"--label-map LOC=GPE\|LOC: .*OLD=A\|B splits a label only where a model is trained"),
    ],
)
def test_a_label_map_onto_a_type_the_schema_lacks_is_refused_before_reading(
    tmp_path: Path, item: str, problem: str
) -> None:
    """Before: the first entity of the file was refused, as if the corpus were wrong."""
    from click.testing import CliRunner

    from tests.conftest import REPO
    from toolkit.cli import main

    conll = tmp_path / "train.txt"
    conll.write_text("Jenewa B-LOC\n", encoding="utf-8")
    args = ["corpus", "import-conll", str(conll), "--out", str(tmp_path / "c"), "--label-map", item]
    result = CliRunner().invoke(main, [*args, "--schema", str(REPO / "schemas" / "schema.yaml")])
    assert result.exit_code == 1 and re.search(problem, result.output), result.output
    assert "or LOC= to drop it" in result.output and not (tmp_path / "c").exists()
