"""The import's report and counters: what came in, what was written, and every skip by reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.annotations.validate import Problem, count_problems
from toolkit.errors import ToolkitError


class AnnotationImportError(ToolkitError):
    """The export has errors; ``problems`` lists them all."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass
class ImportReport:
    source: str
    source_sha256: str
    output: str | None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)
    same_text: list[dict[str, Any]] = field(default_factory=list)
    """Tasks holding the same text, merged into one document: ``{"document", "tasks"}``."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_sha256": self.source_sha256,
            "output": self.output,
            "counts": self.counts,
            "skipped": self.skipped,
            "repairs": self.repairs,
            "superseded": self.superseded,
            **({"same_text": self.same_text} if self.same_text else {}),
            "problem_counts": count_problems(self.problems),
            "problems": [p.to_dict() for p in self.problems],
        }


def reasons_text(reasons: Mapping[str, int]) -> str:
    """Skip reasons of one kind of item in words: "invalid task: 2; no text: 1"."""
    return "; ".join(f"{r}: {n}" for r, n in reasons.items())


def skips_summary(skipped: Mapping[str, Mapping[str, int]], kinds: tuple[str, ...] = ("tasks", "annotations")) -> str:
    """``skipped`` of a report in words, for the kinds given: "2 tasks (not a task object: 2)"; "" when none."""
    return ", ".join(
        f"{sum(reasons.values())} {kind} ({reasons_text(reasons)})" for kind in kinds if (reasons := skipped.get(kind))
    )


class Tally:
    """in/written counters with skip reasons per kind of item, so the arithmetic can be checked."""

    KINDS = ("tasks", "annotations", "predictions", "regions", "relations", "drafts", "fields")
    """``fields``: task data fields besides the text and the article id (kept in the layers, or dropped)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.written: Counter[str] = Counter()
        self.skips: dict[str, Counter[str]] = {k: Counter() for k in self.KINDS}

    def skip(self, kind: str, reason: str, n: int = 1) -> None:
        if n:
            self.skips[kind][reason] += n

    def result(self) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
        counts = {
            k: {"in": self.seen[k], "written": self.written[k], "skipped": sum(self.skips[k].values())}
            for k in self.KINDS
        }
        return counts, {k: dict(sorted(v.items())) for k, v in self.skips.items() if v}
