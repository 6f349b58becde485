"""The one tag decoder: every tagging scheme is data, read back as seqeval reads it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE2, Entities

from toolkit.text.bio import SCHEMES, TagError, bio_to_spans, decode, encode

SEQEVAL = {"iob2": IOB2, "iob1": IOB1, "ioe2": IOE2, "iobes": IOBES, "bilou": BILOU}


@st.composite
def chunkings(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, str]]]:
    n = draw(st.integers(0, 14))
    chunks, i = [], 0
    while i < n:
        if draw(st.booleans()):
            i += 1
            continue
        j = min(n, i + draw(st.integers(1, 3)))
        chunks.append((i, j, draw(st.sampled_from(["PER", "LOC"]))))
        i = j
    return n, chunks


@settings(max_examples=300, deadline=None)
@given(chunkings())
def test_every_scheme_round_trips_and_equals_seqeval(case: tuple[int, list[tuple[int, int, str]]]) -> None:
    n, chunks = case
    for name, scheme in SCHEMES.items():
        tags = encode(n, chunks, scheme)
        assert decode(tags, scheme) == chunks, (name, tags)
        if name in SEQEVAL:  # seqeval's IOE1 drops a one-token E chunk before a chunk of its type (valid IOE1)
            found = sorted((e.start, e.end, e.tag) for e in Entities([tags], SEQEVAL[name]).entities[0])
            assert found == chunks, (name, tags)


@pytest.mark.parametrize(
    ("scheme", "tags", "chunks"),
    [
        ("iob1", ["I-PER", "B-PER", "O", "I-LOC"], [(0, 1, "PER"), (1, 2, "PER"), (3, 4, "LOC")]),
        ("iobes", ["S-PER", "B-LOC", "E-LOC"], [(0, 1, "PER"), (1, 3, "LOC")]),
        ("bilou", ["U-PER", "B-LOC", "I-LOC", "L-LOC"], [(0, 1, "PER"), (1, 4, "LOC")]),
        ("ioe1", ["I-PER", "E-PER", "E-PER", "I-LOC"], [(0, 2, "PER"), (2, 3, "PER"), (3, 4, "LOC")]),
        ("ioe2", ["I-PER", "E-PER", "E-LOC"], [(0, 2, "PER"), (2, 3, "LOC")]),
    ],
)
def test_known_sequences(scheme: str, tags: list[str], chunks: list[tuple[int, int, str]]) -> None:
    assert decode(tags, SCHEMES[scheme]) == chunks


def test_invalid_tags_error_open_or_drop() -> None:
    with pytest.raises(TagError) as err:
        decode(["O", "I-PER"], SCHEMES["iob2"])
    assert err.value.index == 1
    assert decode(["O", "I-PER", "I-PER"], SCHEMES["iob2"], "open") == [(1, 3, "PER")]
    assert decode(["O", "I-PER", "I-PER"], SCHEMES["iob2"], "drop") == []
    with pytest.raises(TagError, match="without an end tag"):
        decode(["B-PER", "I-PER"], SCHEMES["iobes"])
    assert decode(["B-PER", "I-PER", "S-LOC"], SCHEMES["iobes"], "drop") == [(2, 3, "LOC")]
    with pytest.raises(TagError, match=r"tag 'X-PER' is not O, B-X or I-X \(IOB2\)"):
        decode(["X-PER"], SCHEMES["iob2"], "open")
    with pytest.raises(TagError, match=r"O, B-X, I-X, L-X or U-X \(BILOU\)"):
        decode(["S-PER"], SCHEMES["bilou"])


def test_bio_to_spans_reads_the_taggers_iob2() -> None:
    tokens = [(0, 4), (5, 10), (11, 13)]
    assert [(s.start, s.end, s.label) for s in bio_to_spans(tokens, ["B-PER", "I-PER", "I-LOC"])] == [
        (0, 10, "PER"),
        (11, 13, "LOC"),
    ]
    assert [(s.start, s.end) for s in bio_to_spans(tokens, ["O", "I-PER", "B-LOC"], strict=True)] == [(11, 13)]
