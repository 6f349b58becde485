"""The campaign plan: exactly the share overlaps, K annotators each, balanced, reproducible, stable once started."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.campaign.plan import (
    CampaignError,
    CampaignSettings,
    TaskState,
    annotators_field,
    parse_annotators_field,
    plan_campaign,
)


def _tasks(n: int, start: int = 1) -> list[TaskState]:
    return [TaskState(i, f"a{i:04d}", None, (), frozenset(), 1) for i in range(start, start + n)]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 80),
    share=st.floats(0, 100),
    k=st.integers(1, 4),
    extra=st.integers(0, 3),
    seed=st.integers(0, 5),
)
def test_the_share_is_exact_and_every_task_gets_its_annotators(
    n: int, share: float, k: int, extra: int, seed: int
) -> None:
    people = tuple(range(2, 2 + k + extra))
    plan = plan_campaign(CampaignSettings(k, share, people, seed=seed), _tasks(n))
    roles = plan.by_role()
    assert roles["overlap"] == round(share / 100 * n) == plan.cohort_target
    assert roles["overlap"] + roles["single"] == n and roles["control"] == 0
    for a in plan.assignments:
        assert len(a.annotators) == a.overlap == (k if a.role == "overlap" else 1)
        assert len(set(a.annotators)) == len(a.annotators) and set(a.annotators) <= set(people)
    load = plan.load()
    assert max(load.values()) - min(load.values()) <= k  # balanced up to one overlapping task
    assert sorted(a.rank for a in plan.assignments) == list(range(n))


def test_the_plan_is_reproducible_and_the_seed_draws_another_cohort() -> None:
    people = (2, 3, 4)
    one = plan_campaign(CampaignSettings(2, 20, people, seed=1), _tasks(50))
    assert one == plan_campaign(CampaignSettings(2, 20, people, seed=1), _tasks(50))
    other = plan_campaign(CampaignSettings(2, 20, people, seed=2), _tasks(50))
    assert {a.task_id for a in one.assignments if a.role == "overlap"} != {
        a.task_id for a in other.assignments if a.role == "overlap"
    }


def test_control_tasks_go_to_everyone_first_with_room_for_their_gold() -> None:
    tasks = _tasks(10) + [TaskState(100 + i, f"c{i}", "control", (), frozenset(), 1) for i in range(3)]
    plan = plan_campaign(CampaignSettings(2, 30, (2, 3, 4)), tasks)
    control = [a for a in plan.assignments if a.role == "control"]
    assert len(control) == 3 and all(a.annotators == (2, 3, 4) and a.overlap == 4 for a in control)
    assert sorted(a.rank for a in control) == [0, 1, 2]  # served first
    overlap = [a for a in plan.assignments if a.role == "overlap"]
    assert len(overlap) == 3 and sorted(a.rank for a in overlap) == [3, 4, 5]  # then the cohort
    mixed = plan_campaign(CampaignSettings(2, 30, (2, 3, 4), control="mixed", overlap_first=False), tasks)
    assert sorted(a.rank for a in mixed.assignments if a.role == "control") != [0, 1, 2]


def test_a_started_task_keeps_its_role_and_its_annotators_when_tasks_are_added() -> None:
    people = (2, 3, 4)
    first = plan_campaign(CampaignSettings(2, 20, people), _tasks(20))
    started = {a.task_id: a for a in first.assignments}
    states = [
        TaskState(
            a.task_id,
            f"a{a.task_id:04d}",
            a.role,
            a.annotators,
            frozenset(a.annotators[:1]),  # the first annotator of each task has submitted
            a.overlap,
        )
        for a in first.assignments
    ]
    again = plan_campaign(CampaignSettings(2, 20, people), states + _tasks(30, start=1000))
    for a in again.assignments:
        if a.task_id in started:
            assert a.role == started[a.task_id].role  # Label Studio's own cohort would be drawn again here
            assert started[a.task_id].annotators[0] in a.annotators
    assert again.by_role()["overlap"] == round(0.2 * 50)


def test_lowering_the_share_keeps_overlapping_tasks_under_way_and_says_so() -> None:
    people = (2, 3)
    first = plan_campaign(CampaignSettings(2, 50, people), _tasks(10))
    states = [
        TaskState(a.task_id, f"a{a.task_id:04d}", a.role, a.annotators, frozenset(a.annotators), a.overlap)
        for a in first.assignments
    ]
    lower = plan_campaign(CampaignSettings(2, 20, people), states)
    assert lower.by_role()["overlap"] == 5 and lower.cohort_target == 2 and lower.cohort_kept == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, r"--k must be 1 to 10"),
        ({"k": 11}, r"--k must be 1 to 10"),
        ({"overlap_percent": 120}, r"--overlap must be a share of the tasks from 0 to 100"),
        ({"overlap_percent": -1}, r"--overlap must be a share"),
        ({"annotators": ()}, r"a campaign needs annotators"),
        ({"annotators": (2, 2)}, r"names someone twice"),
        ({"k": 3, "annotators": (2, 3)}, r"--k 3 needs at least 3 annotators, the campaign has 2 \(user:2, user:3\)"),
    ],
)
def test_settings_that_cannot_work_are_refused(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"k": 2, "overlap_percent": 20, "annotators": (2, 3, 4)}
    with pytest.raises(CampaignError, match=message):
        plan_campaign(CampaignSettings(**(base | kwargs)), _tasks(5))  # type: ignore[arg-type]


def test_the_annotators_field_never_matches_a_longer_id() -> None:
    field = annotators_field([2, 12])
    assert field == "|2|12|" and "|1|" not in field and parse_annotators_field(field) == (2, 12)
    assert parse_annotators_field(None) == () and parse_annotators_field("|x|") == ()
    assert Counter(field.split("|"))["2"] == 1
