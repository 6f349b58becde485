"""The review round: what goes back to Label Studio for a reviewer to decide.

Two kinds of documents: the overlapping ones whose annotators disagree (any span or relation that is not in the
majority), and every document annotated by an annotator whose control score falls under a threshold the project
manager sets. Each becomes a review task holding the candidate gold and each annotator's layer as predictions
(:func:`toolkit.annotations.gold.review_task`), pushed to a review project of its own; the reviewer's decision comes
back through ``ls pull``, ``annotations import`` and ``annotations gold --reviewed``, as gold with who agreed, who
was overruled and who reviewed it. Control tasks are never reviewed (their gold is known).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.annotations.gold import adjudicate, review_task
from toolkit.annotations.import_report import skips_summary
from toolkit.annotations.importer import import_export
from toolkit.annotations.layers import is_control, read_layers
from toolkit.campaign.status import CampaignStatus
from toolkit.errors import ToolkitError
from toolkit.schema import Schema


@dataclass(frozen=True)
class ReviewRound:
    tasks: tuple[dict[str, Any], ...]
    disagreements: int
    """Documents sent because their annotators disagree."""
    weak_annotators: tuple[str, ...]
    """Annotators whose control span F1 is under the threshold."""
    from_weak_annotators: int
    """Documents sent because a weak annotator annotated them (and not for a disagreement)."""


def weak_annotators(status: CampaignStatus, threshold: float | None) -> tuple[str, ...]:
    """Annotators whose span F1 on control tasks is under ``threshold`` (None: nobody is sent back for it)."""
    if threshold is None:
        return ()
    return tuple(a.id for a in status.annotators if a.control.span_f1 is not None and a.control.span_f1 < threshold)


def review_round(export: Path, schema: Schema, weak: tuple[str, ...] = ()) -> ReviewRound:
    """The review tasks of an export's campaign: disagreements of the overlapping documents, and documents of
    ``weak`` annotators."""
    tasks: list[dict[str, Any]] = []
    disagree = from_weak = 0
    with tempfile.TemporaryDirectory(prefix="toolkit-review-") as tmp:
        report = import_export(Path(export), schema, out_dir=Path(tmp), skip_invalid=True)
        if not report.counts["tasks"]["written"]:
            raise ToolkitError(
                f"{export}: no task of the export could be read (skipped: {skips_summary(report.skipped) or 'none'}); "
                "check it with `toolkit annotations import`, or export the project again"
            )
        for doc, layers in read_layers(Path(str(report.output))):
            if is_control(doc):
                continue
            humans = [x for x in layers if x.kind == "annotation" and not x.provenance.ground_truth]
            g = adjudicate(doc, humans, schema)
            if g is None:
                continue
            disputed = len(humans) > 1 and bool(g.disagreements)
            by_weak = any(h.annotator in weak for h in humans)
            if not (disputed or by_weak):
                continue
            task = review_task(g, humans, schema)
            task["data"]["review_reason"] = "disagreement" if disputed else "control score"
            tasks.append(task)
            disagree += disputed
            from_weak += by_weak and not disputed
    return ReviewRound(tuple(tasks), disagree, weak, from_weak)
