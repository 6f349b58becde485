"""``toolkit ls status``: the project manager's view of a campaign, from an export (the live server's, or a file).

One pass imports the export exactly as ``annotations import --skip-invalid`` does (into a temporary folder),
collecting each human annotation's who, when and how long; then, from the layers:
- per annotator (``user:<id>``): tasks submitted and skipped, median seconds per task and its IQR (Label Studio's
  ``lead_time``), the score on control tasks (their layers against the control gold, strict span and relation F1
  with bootstrap CIs: what ``toolkit score`` gives for the same layers), what they did with pre-annotations;
- per pair of annotators: agreement on the documents both annotated, control tasks left out (what ``annotations
  agree`` gives: span F1, relation F1, token kappa, each with a CI, and the number of shared tasks);
- for the project: tasks, done, remaining, overlapping tasks complete, tasks with more annotators than they were
  given (the extra annotations kept, counted and listed), the pace and the projected finish, and documents whose
  disagreements wait for review.
Figures are from the one scoring engine: agreement is :mod:`toolkit.annotations.agreement`, the control score
:func:`toolkit.scoring.report.score_layers`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from toolkit._workers import worker_pool
from toolkit.annotations.acceptance import outcomes, totals
from toolkit.annotations.agreement import StreamingAgreement
from toolkit.annotations.importer import import_export
from toolkit.annotations.items import AnnotationFact
from toolkit.annotations.layers import open_layers, parse_layers_line
from toolkit.model import Document, Layer
from toolkit.schema import Schema
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.report import score_layers


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class ControlScore:
    """An annotator against the control gold, on the control tasks they annotated."""

    tasks: int
    span_f1: float | None
    ci95: Interval | None
    relation_f1: float | None
    relation_ci95: Interval | None


@dataclass(frozen=True)
class PreAnnotations:
    """What an annotator did with the predictions they started from (spans)."""

    annotations_from_predictions: int
    predicted: int
    kept: int
    relabelled: int
    moved: int
    deleted: int
    added: int
    kept_share: float | None


@dataclass(frozen=True)
class AnnotatorStatus:
    id: str
    submitted: int
    skipped: int
    median_seconds: float | None
    iqr_seconds: Interval | None
    control: ControlScore
    pre_annotations: PreAnnotations
    first_at: str | None
    last_at: str | None
    name: str | None = None
    """The Label Studio user's e-mail, only when asked for on the terminal (never written)."""


@dataclass(frozen=True)
class PairStatus:
    a: str
    b: str
    shared_tasks: int
    span_f1: float | None  # None: neither marked any span on their shared tasks (n/a)
    span_f1_ci95: Interval | None
    relation_f1: float | None
    relation_f1_ci95: Interval | None
    kappa: float | None
    kappa_ci95: Interval | None


@dataclass(frozen=True)
class OverAnnotated:
    task_id: int
    document_id: str
    role: str
    assigned: int
    annotators: tuple[str, ...]


@dataclass(frozen=True)
class ProjectStatus:
    k: int | None
    """Annotators per overlapping task (None: no campaign)."""
    tasks: int
    done: int
    remaining: int
    overlap_tasks: int
    overlap_complete: int
    control_tasks: int
    single_tasks: int
    outside_campaign: int
    """Tasks without a campaign role (pushed after the last ``ls campaign``, or no campaign at all)."""
    annotations_remaining: int
    annotations_per_day: float | None
    projected_finish: str | None
    over_k: tuple[OverAnnotated, ...]
    extra_annotations: int
    disagreements_waiting: int
    """Overlapping documents whose annotators disagree (what ``ls review`` sends back)."""


@dataclass(frozen=True)
class CampaignStatus:
    source: str
    annotators: tuple[AnnotatorStatus, ...]
    pairs: tuple[PairStatus, ...]
    project: ProjectStatus
    agreement_documents: int
    progress: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Per annotator, tasks submitted per day (UTC dates, days with none left out)."""
    skipped: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` shape (no names: ``name`` is left out of anything written)."""
        out = asdict(self)
        for a in out["annotators"]:
            a.pop("name", None)
        return out

    @property
    def control_range(self) -> tuple[float, float] | None:
        """The lowest and highest control span F1 over annotators (the release card's range)."""
        scores = [a.control.span_f1 for a in self.annotators if a.control.span_f1 is not None]
        return (min(scores), max(scores)) if scores else None


STATUS_MEASURES = ("span_exact", "relation")
"""What status shows of agreement (with token kappa, which every agreement computes)."""


def _interval(ci: Mapping[str, Any] | None) -> Interval | None:
    return Interval(float(ci["low"]), float(ci["high"])) if ci else None


def _iso(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Doc:
    task_id: int
    k: int | None
    role: str | None
    assigned: tuple[str, ...]
    annotated_by: frozenset[str]


def campaign_status(
    export: Path,
    schema: Schema,
    *,
    resamples: int = 1000,
    seed: int = 0,
    names: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> CampaignStatus:
    """The status of the campaign an export records (see the module docstring)."""
    facts: list[AnnotationFact] = []
    with tempfile.TemporaryDirectory(prefix="toolkit-status-") as tmp, worker_pool([Path(export)]) as pool:
        # agreement is scored on the workers while the import writes the layers (the figures of `annotations
        # agree` on the same export; the pooled intervals are not shown here)
        scoring = StreamingAgreement(pool, str(Path(tmp) / f"{Path(export).stem}.jsonl"), schema, STATUS_MEASURES)
        report = import_export(Path(export), schema, out_dir=Path(tmp), skip_invalid=True, facts=facts, sink=scoring)
        layers_path = Path(str(report.output))
        docs, control_pairs, accepted = _read(layers_path)
        agreed = scoring.result(resamples=resamples, seed=seed, pooled_intervals=False)
    waiting = sum(1 for d in agreed.per_document if d["disputed"])
    rule = LabelRule.from_schema(schema)
    symmetric = [r.label for r in schema.relations if not r.directed]
    controls = {
        who: _control(gold, mine, rule, symmetric, resamples, seed) for who, (gold, mine) in control_pairs.items()
    }
    pre = _pre_annotations(accepted)
    humans_seen = {f.annotator for f in facts if not f.ground_truth} | {a for d in docs.values() for a in d.assigned}
    annotators = tuple(
        _annotator(who, facts, controls.get(who), pre.get(who), (names or {}).get(who))
        for who in sorted(humans_seen, key=_user_order)
    )
    pairs = tuple(
        PairStatus(
            p["a"],
            p["b"],
            p["documents"],
            None if p.get("span_exact_empty") else p["span_exact_f1"],
            _interval(p.get("span_exact_ci95")),
            None if p.get("relation_empty") else p["relation_f1"],
            _interval(p.get("relation_ci95")),
            p["kappa"],
            _interval(p.get("kappa_ci95")),
        )
        for p in agreed.pairs
    )
    project = _project(docs, facts, waiting, now or dt.datetime.now(dt.UTC))
    daily: dict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        stamp = _iso(f.created_at)
        if not f.cancelled and not f.ground_truth and stamp is not None:
            daily[f.annotator][stamp.date().isoformat()] += 1
    progress = {who: tuple(sorted(days.items())) for who, days in sorted(daily.items())}
    return CampaignStatus(str(export), annotators, pairs, project, agreed.documents, progress, report.skipped)


def _read(
    path: Path,
) -> tuple[dict[str, _Doc], dict[str, tuple[list[Layer], list[Layer]]], list[tuple[Document, list[Layer]]]]:
    """One pass over the layers file: each task's role and who annotated it; the control tasks' layers (gold and
    annotators'); the documents whose annotations started from a prediction. Layers are built only for those."""
    docs: dict[str, _Doc] = {}
    control: dict[str, tuple[list[Layer], list[Layer]]] = defaultdict(lambda: ([], []))
    accepted: list[tuple[Document, list[Layer]]] = []
    with open_layers(path) as fh:
        for lineno, line in enumerate(fh, 1):
            rec = orjson.loads(line)
            meta = rec["document"].get("metadata") or {}
            records = rec["layers"]
            found = meta.get("campaign")
            campaign: dict[str, Any] = found if isinstance(found, dict) else {}
            role = campaign.get("role")
            k = campaign.get("k")
            humans = [x for x in records if x["kind"] == "annotation" and not x["provenance"]["ground_truth"]]
            truth = [x for x in records if x["kind"] == "annotation" and x["provenance"]["ground_truth"]]
            docs[rec["document"]["id"]] = _Doc(
                int(meta.get("task_id") or 0),
                k if isinstance(k, int) else None,
                role if isinstance(role, str) else None,
                tuple(campaign.get("assigned") or ()),
                frozenset(x["annotator"] for x in humans),
            )
            started = any(x["provenance"].get("parent_prediction") is not None for x in humans)
            if not ((role == "control" and truth) or started):
                continue
            doc, layers = parse_layers_line(line, f"{path}, line {lineno}")
            human_layers = [x for x in layers if x.kind == "annotation" and not x.provenance.ground_truth]
            if role == "control" and truth:
                gold = next(x for x in layers if x.kind == "annotation" and x.provenance.ground_truth)
                for h in human_layers:
                    control[h.annotator][0].append(gold)
                    control[h.annotator][1].append(h)
            if started:
                accepted.append((doc, human_layers + [x for x in layers if x.kind == "prediction"]))
    return docs, control, accepted


def _user_order(who: str) -> tuple[int, str]:
    tail = who.removeprefix("user:")
    return (int(tail), who) if tail.isdigit() else (1 << 62, who)


def _control(
    gold: Sequence[Layer], mine: Sequence[Layer], rule: LabelRule, symmetric: Sequence[str], resamples: int, seed: int
) -> ControlScore:
    scores = score_layers(gold, mine, rule, symmetric, entity_modes=("strict",), relation_modes=("strict",))
    ents = scores.entity_modes(resamples, seed).strict
    rels = scores.relation_modes(resamples, seed).strict
    assert ents is not None and rels is not None
    return ControlScore(
        len(gold),
        None if ents.micro.empty else ents.micro.f1,
        Interval(ents.ci95.low, ents.ci95.high) if ents.ci95 and not ents.micro.empty else None,
        None if rels.micro.empty else rels.micro.f1,
        Interval(rels.ci95.low, rels.ci95.high) if rels.ci95 and not rels.micro.empty else None,
    )


def _pre_annotations(docs: Sequence[tuple[Document, list[Layer]]]) -> dict[str, PreAnnotations]:
    made: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    spans: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes(docs):
        if o is None:
            continue
        made[o.annotator] += 1
        predicted[o.annotator] += o.predicted_spans
        spans[o.annotator].update(totals(o.spans))
    out = {}
    for who in made:
        c = spans[who]
        share = round(c["kept"] / predicted[who], 4) if predicted[who] else None
        out[who] = PreAnnotations(
            made[who], predicted[who], c["kept"], c["relabelled"], c["moved"], c["deleted"], c["added"], share
        )
    return out


def _annotator(
    who: str,
    facts: Sequence[AnnotationFact],
    control: ControlScore | None,
    pre: PreAnnotations | None,
    name: str | None,
) -> AnnotatorStatus:
    mine = [f for f in facts if f.annotator == who and not f.ground_truth]
    done = [f for f in mine if not f.cancelled]
    seconds = np.array([f.lead_time for f in done if f.lead_time is not None], dtype=np.float64)
    stamps = sorted(t for f in mine if (t := _iso(f.created_at)) is not None)
    return AnnotatorStatus(
        who,
        len({f.task_id for f in done}),
        len({f.task_id for f in mine if f.cancelled}),
        float(np.median(seconds)) if len(seconds) else None,
        Interval(*(float(x) for x in np.percentile(seconds, [25, 75]))) if len(seconds) else None,
        control or ControlScore(0, None, None, None, None),
        pre or PreAnnotations(0, 0, 0, 0, 0, 0, 0, None),
        stamps[0].isoformat(timespec="seconds") if stamps else None,
        stamps[-1].isoformat(timespec="seconds") if stamps else None,
        name,
    )


def _project(
    docs: Mapping[str, _Doc], facts: Sequence[AnnotationFact], waiting: int, now: dt.datetime
) -> ProjectStatus:
    done = overlap_complete = remaining_annotations = extra = 0
    roles: Counter[str] = Counter()
    ks = Counter(d.k for d in docs.values() if d.k is not None)
    over: list[OverAnnotated] = []
    for doc_id, d in sorted(docs.items(), key=lambda x: x[1].task_id):
        roles[d.role or "none"] += 1
        who = d.annotated_by
        target = len(d.assigned) if d.assigned else 1
        if d.role is not None and len(who) > target:
            over.append(OverAnnotated(d.task_id, doc_id, d.role, target, tuple(sorted(who, key=_user_order))))
            extra += len(who) - target
        # a control task waits for every annotator; another task for as many annotators as it was given (who they
        # are is the stream's choice: Label Studio's own queue serves any annotator a task that still needs one)
        missing = len(set(d.assigned) - who) if d.role == "control" else max(0, target - len(who))
        remaining_annotations += missing
        done += missing == 0
        if d.role == "overlap" and missing == 0:
            overlap_complete += 1
    stamps = sorted(t for f in facts if not f.cancelled and not f.ground_truth and (t := _iso(f.created_at)))
    per_day: float | None = None
    finish: str | None = None
    if len(stamps) >= 2 and stamps[-1] > stamps[0]:
        days = (stamps[-1] - stamps[0]).total_seconds() / 86400
        per_day = len(stamps) / max(days, 1 / 24)  # at least an hour's span, so a burst does not read as infinite pace
        if remaining_annotations == 0:
            finish = stamps[-1].isoformat(timespec="seconds")
        else:
            finish = (now + dt.timedelta(days=remaining_annotations / per_day)).isoformat(timespec="seconds")
    return ProjectStatus(
        ks.most_common(1)[0][0] if ks else None,
        len(docs),
        done,
        len(docs) - done,
        roles["overlap"],
        overlap_complete,
        roles["control"],
        roles["single"],
        roles["none"],
        remaining_annotations,
        round(per_day, 2) if per_day is not None else None,
        finish,
        tuple(over),
        extra,
        waiting,
    )


def plot_status(status: CampaignStatus, path: Path) -> Path:
    """Two panels: span F1 between each pair of annotators (a heatmap), and each annotator's submitted annotations
    over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from toolkit._io import atomic_open

    people = [a.id for a in status.annotators]
    index = {p: i for i, p in enumerate(people)}
    grid = np.full((len(people), len(people)), np.nan)
    for p in status.pairs:
        grid[index[p.a], index[p.b]] = grid[index[p.b], index[p.a]] = np.nan if p.span_f1 is None else p.span_f1
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    shown = left.imshow(grid, vmin=0, vmax=1, cmap="viridis")
    left.set_xticks(range(len(people)), people, rotation=45)
    left.set_yticks(range(len(people)), people)
    for p in status.pairs:
        for i, j in ((index[p.a], index[p.b]), (index[p.b], index[p.a])):
            shown_f1 = "n/a" if p.span_f1 is None else f"{p.span_f1:.2f}"
            left.text(j, i, f"{shown_f1}\n{p.shared_tasks} docs", ha="center", va="center", fontsize=7, color="w")
    left.set_title("span F1 between annotators (overlapping tasks)")
    fig.colorbar(shown, ax=left, fraction=0.046)
    days = sorted({day for series in status.progress.values() for day, _ in series})
    for who, series in status.progress.items():
        per_day = dict(series)
        right.plot(days, np.cumsum([per_day.get(d, 0) for d in days]), marker="o", label=who)
    right.set_title("annotations submitted, cumulative")
    right.set_ylabel("annotations")
    right.tick_params(axis="x", rotation=30, labelsize=7)
    if status.progress:
        right.legend(fontsize=7)
    fig.tight_layout()
    with atomic_open(Path(path)) as fh:
        fig.savefig(fh, format="png", metadata={"Software": None})
    plt.close(fig)
    return Path(path)
