"""The fast lane must agree with the full checker: same records when it answers, None otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from toolkit.annotations.fastlane import fast_records
from toolkit.annotations.offsets import astral_positions
from toolkit.annotations.validate import ResultChecker
from toolkit.schema import Schema

TEXT = "Hasan Kleib (ILO) bertemu Menaker di Jenewa pada 8 November 2017 😀."
LABELS = ["PER", "ORG", "GPE", "DATE", "ROLE", "EVENT", "NOPE"]
RELS = ["works_for", "has_role", "located_in", "held_on", "alias_of", "member_of", "unknown_rel"]


def full(result: object, checker: ResultChecker) -> tuple[bool, Any]:
    """(clean, records) from the full checker."""
    checked = checker.check(result, 1, 2)
    clean = not checked.problems and not checked.skipped and not checked.repairs
    spans = [{"id": s.id, "start": s.start, "end": s.end, "label": s.label} for s in checked.spans]
    rels = [{"id": r.id, "head": r.head, "tail": r.tail, "label": r.label} for r in checked.relations]
    return clean, (spans, rels)


def assert_agree(result: object, checker: ResultChecker) -> bool:
    fast = fast_records(result, checker)
    clean, records = full(result, checker)
    if fast is not None:
        assert clean, f"fast lane accepted a result the checker rejects: {result}"
        assert (fast[0], fast[1]) == records
        assert fast[2] == sum(1 for r in result if isinstance(r, dict) and r.get("type") == "relation")  # type: ignore[attr-defined]
    return fast is not None


def test_every_clean_result_of_the_golden_export_takes_the_fast_lane(schema: Schema) -> None:
    tasks = json.loads((REPO / "tests" / "golden" / "export_two_annotators.json").read_text(encoding="utf-8"))
    fast = slow = 0
    for task in tasks:
        text = task["data"]["text"]
        checker = ResultChecker(text, schema, astral_positions(text))
        for item in task.get("annotations", []) + task.get("predictions", []):
            if not isinstance(item, dict) or item.get("was_cancelled"):
                continue
            took_fast = assert_agree(item["result"], checker)
            clean, _ = full(item["result"], checker)
            assert took_fast == clean
            fast, slow = fast + took_fast, slow + (not took_fast)
    assert fast and slow  # the golden export has both clean and repaired/invalid results


def span(sub: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return start, start + len(sub)


# Plausible regions (some nested, one crossing), drawn mostly with a fitting label.
CANDIDATES = [
    (span("Hasan Kleib"), "PER"),
    (span("Hasan"), "PER"),
    (span("ILO"), "ORG"),
    (span("(ILO)"), "ORG"),
    (span("Menaker"), "ROLE"),
    (span("Jenewa"), "GPE"),
    (span("8 November 2017"), "DATE"),
    (span("Kleib (ILO"), "ORG"),
    (span("😀"), "EVENT"),
]

FITTING = {
    ("PER", "ORG"): "works_for",
    ("PER", "ROLE"): "has_role",
    ("ORG", "GPE"): "located_in",
    ("EVENT", "DATE"): "held_on",
    ("ORG", "ORG"): "alias_of",
    ("PER", "PER"): "alias_of",
}


@st.composite
def results(draw: st.DrawFn) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    picks = draw(st.lists(st.sampled_from(CANDIDATES), max_size=6, unique=True))
    ids = [f"r{i}" for i in range(len(picks))]
    for rid, ((start, end), label) in zip(ids, picks, strict=True):
        flaw = draw(st.sampled_from(["none"] * 30 + ["label", "offset", "text", "no-text", "id", "from_name"]))
        value: dict[str, Any] = {
            "start": start,
            "end": end,
            "text": TEXT[start:end],
            "labels": [draw(st.sampled_from(LABELS)) if flaw == "label" else label],
        }
        if flaw == "offset":
            value["end"] = draw(st.sampled_from([start, end + 1, len(TEXT) + 2, start - 1]))
        elif flaw == "text":
            value["text"] = TEXT[start:end].upper() + "?"
        elif flaw == "no-text":
            del value["text"]
        out.append(
            {
                "id": "r0" if flaw == "id" else rid,
                "to_name": "text",
                "type": "labels",
                "value": value,
                "from_name": "other" if flaw == "from_name" else "label",
            }
        )
    for _ in range(draw(st.integers(0, 4)) if len(ids) > 1 else 0):
        i, j = draw(st.permutations(range(len(ids))))[:2]
        fitting = FITTING.get((picks[i][1], picks[j][1]))
        label = fitting if fitting and draw(st.integers(0, 4)) else draw(st.sampled_from(RELS))
        out.append(
            {
                "type": "relation",
                "from_id": draw(st.sampled_from([ids[i]] * 9 + ["zz"])),
                "to_id": ids[j],
                "labels": [label],
                "direction": draw(st.sampled_from(["right"] * 6 + ["left", "bi", "up"])),
            }
        )
    return draw(st.permutations(out))


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(results())
def test_fast_lane_agrees_with_the_full_checker(result: list[dict[str, Any]]) -> None:
    from toolkit.schema import load_schema

    schema = load_schema(REPO / "schemas" / "schema.yaml")
    checker = ResultChecker(TEXT, schema, astral_positions(TEXT))
    took_fast = assert_agree(result, checker)
    if full(result, checker)[0]:
        assert took_fast  # every clean result with string ids is taken by the fast lane


def test_fast_lane_declines_what_it_does_not_check(schema: Schema) -> None:
    checker = ResultChecker(TEXT, schema, astral_positions(TEXT))
    ok = {
        "id": "a",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 11, "text": "Hasan Kleib", "labels": ["PER"]},
    }
    assert fast_records([ok], checker) is not None
    int_id = dict(ok, id=5)  # accepted by the full checker as "5", but not by the fast lane
    assert fast_records([int_id], checker) is None
    assert full([int_id], checker)[1][0][0]["id"] == "5"
    assert fast_records({"not": "a list"}, checker) is None
    assert fast_records([ok, "junk"], checker) is None
