from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.model import Span
from toolkit.text.bio import bio_ids, bio_ranges, bio_to_spans, spans_to_bio
from toolkit.text.tokens import _TOKEN, doc_token_columns, token_arrays, token_columns, tokenize


def words(text: str) -> list[str]:
    return [text[a:b] for a, b in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hak-hak pekerja-pekerja migran", ["hak-hak", "pekerja-pekerja", "migran"]),
        ("program-program ILO.", ["program-program", "ILO", "."]),
        ("bukunya dan ILO-nya", ["bukunya", "dan", "ILO-nya"]),
        ("Kementerian Ketenagakerjaan RI, PBB", ["Kementerian", "Ketenagakerjaan", "RI", ",", "PBB"]),
        ("Kamis (8/11/2017).", ["Kamis", "(", "8/11/2017", ")", "."]),
        ("Rp1.000.000 atau 3,5 persen", ["Rp", "1.000.000", "atau", "3,5", "persen"]),
        ("Rp60 Jutaan", ["Rp", "60", "Jutaan"]),
        ("352 ribu dan 1.000,50", ["352", "ribu", "dan", "1.000,50"]),
        (
            'sesi ke-331 "Governing Body (GB) ILO"',
            ["sesi", "ke-331", '"', "Governing", "Body", "(", "GB", ")", "ILO", '"'],
        ),
        ("30 Oktober- 9 November", ["30", "Oktober", "-", "9", "November"]),
        ("Warga 😀🎉 Jakarta", ["Warga", "😀", "🎉", "Jakarta"]),
    ],
)
def test_indonesian_tokenizer_cases(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_seed_text_tokens_cover_every_character() -> None:
    from toolkit.seeds import ARTICLES_FILE, load_articles

    (doc,) = load_articles(REPO / "seeds" / ARTICLES_FILE)
    tokens = tokenize(doc.text)
    covered = "".join(doc.text[a:b] for a, b in tokens)
    assert covered == "".join(doc.text.split())
    assert all(a < b for a, b in tokens) and all(b <= c for (_, b), (c, _) in itertools.pairwise(tokens))


@given(st.text(max_size=80))
def test_tokenizer_never_loses_a_character(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(text[a:b] for a, b in tokens) == "".join(ch for ch in text if not ch.isspace()) or all(
        not text[a:b].isspace() for a, b in tokens
    )
    assert all(text[a:b].strip() == text[a:b] and a < b for a, b in tokens)


LABELS = ["PER", "ORG", "GPE"]


@given(st.text(alphabet=st.sampled_from("ab1 .,/-$RpUS\u00e9\U0001f600\n_") | st.characters(), max_size=120))
def test_bulk_tokenizer_equals_finditer(text: str) -> None:
    tokens, starts, ends = token_arrays(text)
    assert list(zip(starts, ends, strict=True)) == [m.span() for m in _TOKEN.finditer(text)]
    assert tokens == [text[a:b] for a, b in zip(starts, ends, strict=True)]
    columns = token_columns(text)
    assert columns[0] == tokens and columns[1].tolist() == starts and columns[2].tolist() == ends
    assert columns[1].dtype == columns[2].dtype == np.int64


def test_recorded_token_offsets_are_kept() -> None:
    tokens, starts, ends = doc_token_columns("Rp 60.000 ,", {"token_offsets": [[0, 2], [3, 9], [10, 11]]})
    assert tokens == ["Rp", "60.000", ","] and starts.tolist() == [0, 3, 10] and ends.tolist() == [2, 9, 11]


@st.composite
def text_and_any_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    """Spans anywhere: misaligned, nested, crossing, over whitespace only, past every token."""
    pieces = st.sampled_from(["Jakarta", "ILO-nya", "di", ",", "8/11/2017", "😀", "RI", " ", "  "])
    text = "".join(draw(st.lists(pieces, min_size=0, max_size=12)))
    spans = []
    for n in range(draw(st.integers(0, 8)) if len(text) > 1 else 0):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(f"s{n}", start, end, draw(st.sampled_from(LABELS))))
    return text, spans


@given(text_and_any_spans())
def test_bio_ranges_on_arrays_equal_one_span_at_a_time(case: tuple[str, list[Span]]) -> None:
    """The build's path (numpy offsets, ids) gives what the list path gives (the tags of spans_to_bio)."""
    text, spans = case
    _, starts, ends = token_columns(text)
    on_arrays, on_lists = bio_ranges(starts, ends, spans), bio_ranges(starts.tolist(), ends.tolist(), spans)
    assert on_arrays == on_lists
    tag_ids = {name: i for i, name in enumerate(["O"] + [f"{p}-{x}" for x in LABELS for p in "BI"])}
    names = {i: name for name, i in tag_ids.items()}
    expected = spans_to_bio(tokenize(text), spans).tags
    assert [names[i] for i in bio_ids(len(starts), on_arrays.ranges, tag_ids).tolist()] == expected


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    toks = draw(
        st.lists(
            st.sampled_from(["Jakarta", "ILO", "di", ",", "pekerja-pekerja", "8/11/2017", "😀", "RI"]),
            min_size=1,
            max_size=15,
        )
    )
    text = " ".join(toks)
    offsets = tokenize(text)
    spans, k, n = [], 0, 0
    while k < len(offsets):
        length = draw(st.integers(0, 3))
        if length and k + length <= len(offsets):
            n += 1
            spans.append(Span(f"s{n}", offsets[k][0], offsets[k + length - 1][1], draw(st.sampled_from(LABELS))))
            k += length
        k += 1
    return text, spans


@given(text_and_spans())
def test_bio_round_trip_on_token_aligned_spans(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    tokens = tokenize(text)
    bio = spans_to_bio(tokens, spans)
    assert not bio.misaligned and not bio.dropped_nested
    back = bio_to_spans(tokens, bio.tags)
    assert [(s.start, s.end, s.label) for s in back] == [(s.start, s.end, s.label) for s in spans]


def test_nested_keeps_outermost_and_misaligned_is_widened() -> None:
    text = "Wakil Tetap RI untuk PBB dan ILO-nya"
    tokens = tokenize(text)
    role, gpe = Span("r", 0, 24, "ROLE"), Span("g", 12, 14, "GPE")
    ilo = Span("i", 29, 32, "ORG")  # inside the token "ILO-nya"
    bio = spans_to_bio(tokens, [gpe, role, ilo])
    assert bio.dropped_nested == ["g"] and bio.misaligned == ["i"]
    assert bio.tags == ["B-ROLE", "I-ROLE", "I-ROLE", "I-ROLE", "I-ROLE", "O", "B-ORG"]


def test_stray_inside_tag_starts_a_span() -> None:
    tokens = tokenize("a b c")
    assert [(s.start, s.end, s.label) for s in bio_to_spans(tokens, ["I-PER", "I-ORG", "O"])] == [
        (0, 1, "PER"),
        (2, 3, "ORG"),
    ]


@pytest.mark.parametrize("sep", ["\n", "\r\n", " \n\n "])
def test_a_decoded_span_never_runs_across_a_line_break_given_the_text(sep: str) -> None:
    """A tagger that continues a mention over a paragraph break proposes what the import refuses (the schema's
    spans_cross_lines is false by default): with the text, the span is cut there; within a line, nothing changes."""
    text = f"Presiden Joko{sep}Widodo tiba"
    tokens = tokenize(text)
    tags = ["B-ROLE", "B-PER", "I-PER", "O"]
    cut = [(text[s.start : s.end], s.label) for s in bio_to_spans(tokens, tags, text=text)]
    assert cut == [("Presiden", "ROLE"), ("Joko", "PER"), ("Widodo", "PER")]
    whole = [(text[s.start : s.end], s.label) for s in bio_to_spans(tokens, tags)]
    assert whole == [("Presiden", "ROLE"), (f"Joko{sep}Widodo", "PER")]
    same = "Presiden Joko Widodo tiba"
    assert bio_to_spans(tokenize(same), tags, text=same) == bio_to_spans(tokenize(same), tags)
