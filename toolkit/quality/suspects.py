"""Suspect annotations: what a detector reports, and how reports of several detectors are merged and ranked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

NOT_AN_ENTITY = "O"
"""The suggestion for a span that should not be there (the BIO tag people know)."""

Kind = Literal["label", "boundary", "spurious", "missed", "relation", "missed_relation"]


@dataclass(frozen=True)
class Suspect:
    """One suspect region of one document, as one detector (or, merged, several) saw it.

    ``label`` is the gold label (None for a mention or relation the gold lacks); ``suggestion`` the
    label to use instead (:data:`NOT_AN_ENTITY` to remove the span); ``suggested_span`` the extent to
    use when the boundary is the suspect. Relations carry their arguments in ``head``/``tail``.
    """

    doc_id: str
    start: int
    end: int
    text: str
    label: str | None
    suggestion: str | None
    kind: Kind
    score: float
    detectors: tuple[str, ...]
    reasons: tuple[str, ...]
    suggested_span: tuple[int, int] | None = None
    head: tuple[int, int, str] | None = None
    tail: tuple[int, int, str] | None = None
    split: str = ""
    extra: tuple[tuple[str, float], ...] = field(default=())  # per-detector scores, once merged

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "suggestion": self.suggestion,
            "reasons": list(self.reasons),
            "detectors": list(self.detectors),
            "score": round(self.score, 6),
            "kind": self.kind,
            "split": self.split,
        }
        if self.suggested_span is not None:
            out["suggested_span"] = list(self.suggested_span)
        if self.head is not None and self.tail is not None:
            out["head"] = {"start": self.head[0], "end": self.head[1], "label": self.head[2]}
            out["tail"] = {"start": self.tail[0], "end": self.tail[1], "label": self.tail[2]}
        if self.extra:
            out["detector_scores"] = {k: round(v, 6) for k, v in self.extra}
        return out


def _key(s: Suspect) -> tuple[Any, ...]:
    """Items about the same gold span (or the same relation) merge; new mentions merge when they overlap."""
    if s.kind in ("relation", "missed_relation"):
        return ("rel", s.doc_id, s.head, s.tail, s.label)
    if s.label is not None:
        return ("span", s.doc_id, s.start, s.end, s.label)
    return ("new", s.doc_id)


def _merge(group: Sequence[Suspect]) -> Suspect:
    best: dict[str, float] = {}
    for s in group:
        for d in s.detectors:
            best[d] = max(best.get(d, 0.0), s.score)
    miss = 1.0
    for v in best.values():
        miss *= 1.0 - v
    top = min(group, key=_order)
    reasons = tuple(dict.fromkeys(r for s in sorted(group, key=_order) for r in s.reasons))
    suggestion = top.suggestion
    suggested_span = top.suggested_span
    return Suspect(
        top.doc_id,
        top.start,
        top.end,
        top.text,
        top.label,
        suggestion,
        top.kind,
        1.0 - miss,
        tuple(sorted(best)),
        reasons,
        suggested_span,
        top.head,
        top.tail,
        top.split,
        tuple(sorted(best.items())),
    )


def _order(s: Suspect) -> tuple[Any, ...]:
    """Strongest first; ties broken by every field, so that no order of the input shows through."""
    return (-s.score, s.detectors, s.start, s.end, s.label or "", s.suggestion or "", s.kind, s.reasons)


def _overlap_groups(items: Sequence[Suspect]) -> list[list[Suspect]]:
    """New-mention items of one document: each joins the strongest group whose lead it overlaps."""
    groups: list[list[Suspect]] = []
    for s in sorted(items, key=_order):
        for g in groups:
            if g[0].start < s.end and s.start < g[0].end:
                g.append(s)
                break
        else:
            groups.append([s])
    return groups


def merge_and_rank(items: Iterable[Suspect]) -> list[Suspect]:
    """One item per region, scored ``1 - prod(1 - best score of each detector)``; highest first.

    Ties are broken by document, offsets and label, so the order is deterministic.
    """
    by_key: dict[tuple[Any, ...], list[Suspect]] = defaultdict(list)
    for s in items:
        by_key[_key(s)].append(s)
    merged: list[Suspect] = []
    for key, group in by_key.items():
        if key[0] == "new":
            merged.extend(_merge(g) for g in _overlap_groups(group))
        else:
            merged.append(_merge(group))
    return sorted(merged, key=lambda s: (-s.score, s.doc_id, *_order(s)[2:]))
