"""A campaign's settings and who annotates which task: a pure plan, computed from the tasks as they stand.

Label Studio Community keeps the fields behind overlap (``maximum_annotations``, ``overlap_cohort_percentage``, a
task's ``overlap``) but draws the overlapping cohort at random and draws it again whenever tasks are imported, so a
task with one annotation can drop out of it. The toolkit draws the cohort itself, once and reproducibly (a seeded
hash of the article id), and keeps a task in its role once anyone has annotated it:

- **overlap**: exactly ``round(share x tasks)`` of the non-control tasks, each for ``k`` annotators;
- **single**: every other task, for one annotator;
- **control**: tasks with known gold (``ls control``), for every annotator; their gold annotation counts toward
  Label Studio's overlap, so their overlap is the number of annotators plus one.

Each task is assigned to that many annotators, balanced (the least loaded first, ties by a seeded hash), and
ranked in the order annotators meet it (control tasks first, then the cohort when ``overlap_first``). The plan
is written to the server by :mod:`toolkit.campaign.server`: the task's ``overlap``, its role in ``meta`` (which
annotators do not see) and ``campaign_annotators``/``campaign_rank`` in its data, which each annotator's Data
Manager tab filters and orders by.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from toolkit.errors import ToolkitError

Role = Literal["control", "overlap", "single"]
Sampling = Literal["sequential", "uniform"]
ControlOrder = Literal["first", "mixed"]
MAX_K = 10


class CampaignError(ToolkitError):
    """Campaign settings that cannot work, or a project that cannot run them."""


@dataclass(frozen=True)
class CampaignSettings:
    """What a project manager chooses (``toolkit ls campaign``)."""

    k: int
    """Annotators per overlapping task."""
    overlap_percent: float
    """Share of the (non-control) tasks annotated by ``k`` annotators, in percent; the rest by one."""
    annotators: tuple[int, ...]
    """Label Studio user ids of the annotators."""
    overlap_first: bool = True
    sampling: Sampling = "uniform"
    control: ControlOrder = "first"
    seed: int = 0

    def check(self) -> None:
        """Refuse settings that cannot give what they say (Label Studio range-checks none of them)."""
        if not 1 <= self.k <= MAX_K:
            raise CampaignError(f"--k must be 1 to {MAX_K} annotators per overlapping task, got {self.k}")
        if not 0 <= self.overlap_percent <= 100:
            raise CampaignError(
                f"--overlap must be a share of the tasks from 0 to 100 (percent), got {self.overlap_percent}"
            )
        if not self.annotators:
            raise CampaignError("a campaign needs annotators: sign them up in Label Studio, or pass --annotators IDS")
        if len(set(self.annotators)) != len(self.annotators):
            raise CampaignError(f"--annotators names someone twice: {list(self.annotators)}")
        if self.overlap_percent > 0 and self.k > len(self.annotators):
            raise CampaignError(
                f"--k {self.k} needs at least {self.k} annotators, the campaign has {len(self.annotators)} "
                f"({', '.join(f'user:{a}' for a in self.annotators)}); lower --k or add annotators"
            )


@dataclass(frozen=True)
class TaskState:
    """A task as the server has it, with what the plan needs to know."""

    id: int
    article_id: str
    role: Role | None
    """The role the campaign gave it before (None: new to the campaign)."""
    assigned: tuple[int, ...]
    annotated_by: frozenset[int]
    """Who submitted an annotation of it (ground-truth annotations aside)."""
    overlap: int
    rank: int | None = None
    skipped_by: frozenset[int] = frozenset()
    """Who skipped it: the task goes to someone else the next time the plan is made."""


@dataclass(frozen=True)
class Assignment:
    task_id: int
    role: Role
    annotators: tuple[int, ...]
    overlap: int
    rank: int


@dataclass(frozen=True)
class CampaignPlan:
    settings: CampaignSettings
    assignments: tuple[Assignment, ...]
    cohort_target: int
    """The number of overlapping tasks the share asks for."""
    cohort_kept: int
    """Overlapping tasks kept above the target because they are under way (the share was lowered)."""

    def by_role(self) -> dict[str, int]:
        counts = Counter(a.role for a in self.assignments)
        return {r: counts.get(r, 0) for r in ("control", "overlap", "single")}

    def load(self) -> dict[int, int]:
        """Tasks per annotator."""
        counts: Counter[int] = Counter()
        for a in self.assignments:
            counts.update(a.annotators)
        return {u: counts.get(u, 0) for u in self.settings.annotators}


def _hash(seed: int, *parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, (seed, *parts))).encode("utf-8")).hexdigest()


def plan_campaign(
    settings: CampaignSettings, tasks: Sequence[TaskState], control_ids: Sequence[int] = ()
) -> CampaignPlan:
    """Who annotates each task, its overlap and its place in the stream (see the module docstring)."""
    settings.check()
    control = set(control_ids) | {t.id for t in tasks if t.role == "control"}
    others = [t for t in tasks if t.id not in control]
    target = round(settings.overlap_percent / 100 * len(others))
    by_hash = sorted(others, key=lambda t: _hash(settings.seed, "cohort", t.article_id))
    started = {t.id for t in others if t.annotated_by}
    # a task keeps its role once someone annotated it; the rest are drawn by the seeded hash order
    cohort = {t.id for t in others if t.role == "overlap" and t.id in started}
    fixed_single = {t.id for t in others if t.role == "single" and t.id in started}
    for t in by_hash:
        if len(cohort) >= target:
            break
        if t.id not in cohort and t.id not in fixed_single:
            cohort.add(t.id)
    kept = max(0, len(cohort) - target)
    load: Counter[int] = Counter()
    chosen: dict[int, tuple[int, ...]] = {}
    allowed = set(settings.annotators)
    # tasks under way first, so that who annotated them is kept among their annotators
    for t in sorted(tasks, key=lambda t: (not t.annotated_by, _hash(settings.seed, "assign", t.article_id))):
        if t.id in control:
            chosen[t.id] = tuple(settings.annotators)
            continue
        need = settings.k if t.id in cohort else 1
        keep = sorted(t.annotated_by)  # who did the work stays assigned (an extra annotation is kept, not hidden)
        for u in t.assigned:  # then the earlier assignment, for a plan that does not move on every run
            if len(keep) < need and u in allowed and u not in keep and u not in t.skipped_by:
                keep.append(u)
        free = [u for u in settings.annotators if u not in keep and u not in t.skipped_by]
        free.sort(key=lambda u: (load[u], _hash(settings.seed, "who", t.article_id, u)))
        who = tuple(sorted([*keep, *free[: max(0, need - len(keep))]]))
        load.update(who)
        chosen[t.id] = who
    order = _stream_order(settings, tasks, control, cohort)
    out = []
    for rank, t in enumerate(order):
        role: Role = "control" if t.id in control else "overlap" if t.id in cohort else "single"
        who = chosen[t.id]
        overlap = len(who) + 1 if role == "control" else len(who)
        out.append(Assignment(t.id, role, who, overlap, rank))
    return CampaignPlan(settings, tuple(sorted(out, key=lambda a: a.task_id)), target, kept)


def _stream_order(
    settings: CampaignSettings, tasks: Sequence[TaskState], control: set[int], cohort: set[int]
) -> list[TaskState]:
    def group(t: TaskState) -> int:
        if t.id in control and settings.control == "first":
            return 0
        if t.id in cohort and settings.overlap_first:
            return 1
        return 2

    def within(t: TaskState) -> str:
        return _hash(settings.seed, "rank", t.article_id) if settings.sampling == "uniform" else f"{t.id:012d}"

    return sorted(tasks, key=lambda t: (group(t), within(t)))


def annotators_field(annotators: Sequence[int]) -> str:
    """The ``campaign_annotators`` data field: ``|2|4|`` (delimited, so that a tab's ``contains |2|`` never matches
    ``|12|``)."""
    return "|" + "|".join(str(u) for u in sorted(annotators)) + "|"


def parse_annotators_field(value: object) -> tuple[int, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(sorted(int(x) for x in value.strip("|").split("|") if x.isdigit()))


def campaign_meta(settings: CampaignSettings, role: Role) -> Mapping[str, object]:
    """The task's ``meta.toolkit.campaign``: its role and the campaign's settings (annotators do not see meta)."""
    return {
        "role": role,
        "k": settings.k,
        "overlap_percent": settings.overlap_percent,
        "seed": settings.seed,
    }
