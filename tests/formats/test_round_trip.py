"""Each format writes only what its reader gives back: generated documents with the hard cases (TAB, line breaks,
U+2028 and CRLF inside entities, emoji, entities inside one token, nested spans, relations, empty splits) and
hostile document ids, written by each exporter and read back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit._io import NameTable, safe_name
from toolkit.corpus import ReadOptions, Skips
from toolkit.formats import brat, conll, spacy, spans
from toolkit.model import Document, Example, Layer, Provenance, Relation, Span
from toolkit.text.tokens import doc_tokens

CHARS = ["a", "B", "é", "😀", " ", " ", "\t", "\n", "\r\n", "\u2028", "\u0085", "-", "."]
LABELS = ["PER", "ORG"]


@st.composite
def examples(draw: st.DrawFn) -> list[Example]:
    out = []
    for k in range(draw(st.integers(0, 3))):
        text = "x" + "".join(draw(st.lists(st.sampled_from(CHARS), min_size=1, max_size=30))) + "y"
        raw = draw(
            st.lists(
                st.tuples(st.integers(0, len(text) - 1), st.integers(1, 8), st.sampled_from(LABELS)),
                max_size=5,
                unique_by=lambda t: (t[0], t[1], t[2]),
            )
        )
        keys = sorted({(a, min(a + n, len(text)), label) for a, n, label in raw})
        span_list = tuple(Span(f"s{i}", a, b, label) for i, (a, b, label) in enumerate(keys, 1))
        pairs = draw(
            st.lists(
                st.tuples(st.integers(0, max(len(span_list) - 1, 0)), st.integers(0, max(len(span_list) - 1, 0))),
                max_size=4,
                unique=True,
            )
        )
        rels = tuple(
            Relation(f"r{i}", span_list[h].id, span_list[t].id, "works_for")
            for i, (h, t) in enumerate(pairs, 1)
            if span_list and h != t
        )
        doc_id = draw(st.sampled_from(["d", "../../x", "2024/05/a", "CON", ".h", "Ab", "ab", "é😀", "a%2Fb"])) + str(k)
        doc = Document(doc_id, text, {})
        out.append((doc, Layer(doc_id, "gold", "", span_list, rels, Provenance("t"), "gold")))
    return out


def _keyed(text: str, span_list: tuple[Span, ...], rels: tuple[Relation, ...]) -> tuple[set[object], set[object]]:
    by = {s.id: (s.start, s.end, s.label) for s in span_list}
    return {by[s.id] for s in span_list}, {(by[r.head], by[r.tail], r.label) for r in rels}


def _unit_keys(unit: object) -> tuple[set[object], set[object]]:
    from toolkit.corpus import Unit

    assert isinstance(unit, Unit)
    return set(unit.spans), {(unit.spans[h], unit.spans[t], label) for h, t, label in unit.relations}


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(examples())
@SETTINGS
def test_brat_gives_back_the_texts_entities_relations_and_ids(
    tmp_path_factory: pytest.TempPathFactory, ex: list[Example]
) -> None:
    out = tmp_path_factory.mktemp("brat")
    names, counts = NameTable(), Counter[str]()
    brat.write_split(ex, out, "train", counts, names)
    (out / "export.json").write_text(json.dumps({"file_names": names.renamed}), encoding="utf-8")
    assert all(p.parent == out / "train" for p in (out / "train").rglob("*")) if ex else True
    units = list(brat.brat_units(out / "train", ReadOptions(), Skips())) if ex else []
    want = {doc.id: (doc.text, _keyed(doc.text, g.spans, g.relations)) for doc, g in ex}
    got = {u.doc_id: (u.text, _unit_keys(u)) for u in units}
    assert got == want
    assert counts["entities"] == sum(len(g.spans) for _, g in ex)


def _token_spans(unit: object) -> list[tuple[int, int, str]]:
    """A read-back unit's entities as token indices [i, j)."""
    from toolkit.corpus import Unit

    assert isinstance(unit, Unit) and unit.token_offsets is not None
    starts = {a: k for k, (a, _) in enumerate(unit.token_offsets)}
    ends = {b: k for k, (_, b) in enumerate(unit.token_offsets)}
    return [(starts[a], ends[b] + 1, label) for a, b, label in unit.spans]


@given(examples())
@SETTINGS
def test_span_json_gives_back_tokens_entities_relations_and_ids(
    tmp_path_factory: pytest.TempPathFactory, ex: list[Example]
) -> None:
    out = tmp_path_factory.mktemp("spans")
    counts: Counter[str] = Counter()
    spans.write_split(ex, out, "train", counts, NameTable())
    units = list(spans.span_units(out / "train.json"))
    assert [u.doc_id for u in units] == [doc.id for doc, _ in ex]
    for (doc, g), unit in zip(ex, units, strict=True):
        tokens = doc_tokens(doc.text, doc.metadata)
        assert unit.text == " ".join(doc.text[a:b] for a, b in tokens)
        expected: dict[tuple[int, int], str] = {}  # the first entity (in offset order) on each token range
        for s in sorted(g.spans, key=lambda s: (s.start, s.end, s.label, s.id)):
            i, j, _ = spans.token_range(tokens, s)
            if i < j:
                expected.setdefault((i, j), s.label)
        assert sorted(_token_spans(unit)) == sorted((i, j, label) for (i, j), label in expected.items())
    assert counts["entities"] == sum(len(u.spans) for u in units)
    assert counts["relations"] == sum(len(u.relations) for u in units)
    accounted = sum(v for k, v in counts.items() if k.startswith("entities ") and ("left out" in k or "merged" in k))
    assert counts["entities"] + accounted == sum(len(g.spans) for _, g in ex)
    rel_accounted = sum(v for k, v in counts.items() if k.startswith("relations "))
    assert counts["relations"] + rel_accounted == sum(len(g.relations) for _, g in ex)


@given(examples())
@SETTINGS
def test_conll_gives_back_the_entities_it_counts_on_their_tokens(
    tmp_path_factory: pytest.TempPathFactory, ex: list[Example]
) -> None:
    out = tmp_path_factory.mktemp("conll")
    counts: Counter[str] = Counter()
    conll.write_split(ex, out, "train", counts, NameTable())
    units = list(conll.conll_units(out / "train.conll"))
    assert len(units) == len(ex)
    assert counts["entities"] == sum(len(u.spans) for u in units)
    for (doc, g), unit in zip(ex, units, strict=True):
        tokens = doc_tokens(doc.text, doc.metadata)
        ranges = {(*spans.token_range(tokens, s)[:2], s.label) for s in g.spans}
        assert set(_token_spans(unit)) <= ranges, "every entity read back is an entity of the release, on its tokens"


@given(examples())
@SETTINGS
def test_spacy_keeps_the_text_and_relations_name_spans_of_the_doc(
    tmp_path_factory: pytest.TempPathFactory, ex: list[Example]
) -> None:
    import spacy as spacy_lib
    from spacy.tokens import DocBin

    out = tmp_path_factory.mktemp("spacy")
    counts: Counter[str] = Counter()
    spacy.write_split(ex, out, "train", counts, NameTable())
    docs = list(DocBin().from_bytes((out / "train.spacy").read_bytes()).get_docs(spacy_lib.blank("xx").vocab))
    assert [d.text for d in docs] == [doc.text for doc, _ in ex]
    assert [d.user_data["id"] for d in docs] == [doc.id for doc, _ in ex]
    for d in docs:
        placed = {(s.start_char, s.end_char) for s in d.spans["sc"]}
        for hs, he, ts, te, _ in d.user_data["relations"]:
            assert (hs, he) in placed and (ts, te) in placed, "a relation names a span of the doc"
    assert counts["relations"] + counts["relations whose argument was left out"] == sum(len(g.relations) for _, g in ex)


HOSTILE = [
    "../../../x",
    "2024/05/abc",
    "a\\b",
    "CON",
    "con.txt",
    ".hidden",
    "..",
    ".",
    "Ab",
    "ab",
    "x" * 300,
    "a%2Fb",
    "é😀",
    "sp ace",
    "new\nline",
    "tab\tid",
    "~",
]


def test_safe_names_never_leave_the_folder_and_are_unique() -> None:
    names = NameTable()
    made = [names.name(v) for v in HOSTILE]
    assert len({m.casefold() for m in made}) == len(made)
    for m in made:
        assert "/" not in m and "\\" not in m and m not in (".", "..") and not m.startswith(".")
        assert len(m.encode("utf-8")) <= 120 and "\n" not in m and "\t" not in m
    assert safe_name("doc-001_a.b") == "doc-001_a.b"  # plain ids are their own names
    assert names.renamed == {m: v for m, v in zip(made, HOSTILE, strict=True) if m != v}


def test_a_release_with_hostile_ids_exports_inside_its_folder_and_imports_to_the_same_ids(tmp_path: Path) -> None:
    """Through the real commands: span JSON with hostile ids -> release -> each export -> import (brat, spans)."""
    from click.testing import CliRunner

    from toolkit.cli import main

    items = [
        {
            "id": i,
            "tokens": ["Hasan", "Kleib", "di", "ILO", f"n{k}"],
            "entities": [[0, 2, "PER"], [3, 4, "ORG"]],
            "relations": [[0, 2, 3, 4, "works_for"]],
        }
        for k, i in enumerate(HOSTILE)
    ]
    (tmp_path / "train.json").write_text(json.dumps(items), encoding="utf-8")
    schema = str(REPO / "schemas" / "schema.yaml")
    run = CliRunner()
    for args in (
        ["corpus", "import-spans", str(tmp_path / "train.json"), "--out", str(tmp_path / "c"), "--schema", schema],
        [
            "dataset",
            "release",
            "--name",
            "h",
            "--version",
            "1.0.0",
            "--seeds-dir",
            str(tmp_path / "c"),
            "--gold",
            str(tmp_path / "c" / "gold.jsonl"),
            "--split-by",
            "metadata",
            "--releases-dir",
            str(tmp_path / "rel"),
            "--schema",
            schema,
        ],
    ):
        result = run.invoke(main, args)
        assert result.exit_code == 0, result.output
    release = tmp_path / "rel" / "h" / "1.0.0"
    for fmt in ("brat", "spans", "conll", "spacy"):
        out = tmp_path / "exports" / fmt
        result = run.invoke(main, ["dataset", "export", str(release), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        for p in (tmp_path / "exports").rglob("*"):
            assert p.resolve().is_relative_to((tmp_path / "exports").resolve())
        assert not (tmp_path / "x").exists() and not any(tmp_path.parent.glob("x"))
    for fmt, source in (
        ("brat", tmp_path / "exports" / "brat"),
        ("spans", tmp_path / "exports" / "spans" / "train.json"),
    ):
        back = tmp_path / "back" / fmt
        result = run.invoke(
            main, ["corpus", "import", str(source), "--format", fmt, "--out", str(back), "--schema", schema]
        )
        assert result.exit_code == 0, result.output
        ids = [json.loads(line)["id"] for line in (back / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
        assert sorted(ids) == sorted(HOSTILE)
