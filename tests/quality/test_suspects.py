from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.quality.suspects import Suspect, merge_and_rank

DETECTORS = ("label_variation", "boundary_variation", "model")


def _item(doc: str, start: int, end: int, label: str | None, detector: str, score: float) -> Suspect:
    return Suspect(
        doc,
        start,
        end,
        "x" * (end - start),
        label,
        "PER",
        "missed" if label is None else "label",
        score,
        (detector,),
        (f"{detector} says so",),
    )


items = st.lists(
    st.builds(
        _item,
        st.sampled_from(["a", "b"]),
        st.integers(0, 20),
        st.integers(1, 5),
        st.sampled_from([None, "PER", "ORG"]),
        st.sampled_from(DETECTORS),
        st.floats(0.0, 1.0),
    ).map(
        lambda s: Suspect(
            s.doc_id, s.start, s.start + s.end, s.text, s.label, s.suggestion, s.kind, s.score, s.detectors, s.reasons
        )
    ),
    max_size=25,
)


def test_agreeing_detectors_combine_as_noisy_or() -> None:
    merged = merge_and_rank(
        [
            _item("a", 0, 5, "PER", "model", 0.5),
            _item("a", 0, 5, "PER", "label_variation", 0.6),
            _item("a", 0, 5, "PER", "model", 0.2),
        ]
    )
    (one,) = merged
    assert one.score == 1 - (1 - 0.5) * (1 - 0.6)
    assert one.detectors == ("label_variation", "model")
    assert one.reasons[0] == "label_variation says so"


def test_new_mentions_merge_when_they_overlap() -> None:
    merged = merge_and_rank(
        [
            _item("a", 0, 6, None, "model", 0.5),
            _item("a", 3, 9, None, "label_variation", 0.5),
            _item("a", 9, 12, None, "model", 0.9),
        ]
    )
    assert [(s.start, s.end, round(s.score, 3)) for s in merged] == [
        (9, 12, 0.9),
        (3, 9, 0.75),
    ]  # the lead of a tie: detectors by name


@settings(max_examples=80, deadline=None)
@given(items)
def test_ranking_is_sorted_bounded_and_independent_of_input_order(xs: list[Suspect]) -> None:
    ranked = merge_and_rank(xs)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert all(0.0 <= s.score <= 1.0 for s in ranked)
    shuffled = list(xs)
    random.Random(7).shuffle(shuffled)
    assert [s.to_dict() for s in merge_and_rank(shuffled)] == [s.to_dict() for s in ranked]
    # every input region is represented by an item overlapping it
    for x in xs:
        assert any(s.doc_id == x.doc_id and s.start < x.end and x.start < s.end for s in ranked)
