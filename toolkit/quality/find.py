"""``annotations qa``: run the declared detectors over a corpus and rank what they find."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.quality.corpus import QaDoc, load_corpus
from toolkit.quality.cross_validated import model_disagreement
from toolkit.quality.relation_patterns import relation_patterns
from toolkit.quality.suspects import Suspect, merge_and_rank
from toolkit.quality.variation import boundary_variation, label_variation
from toolkit.schema import Schema


@dataclass(frozen=True)
class QaOptions:
    folds: int = 5
    seed: int = 0
    detectors: tuple[str, ...] = ()  # empty: all


Detector = Callable[[Sequence[QaDoc], Schema, QaOptions], list[Suspect]]

DETECTORS: dict[str, Detector] = {
    "label_variation": lambda docs, schema, opt: label_variation(docs),
    "boundary_variation": lambda docs, schema, opt: boundary_variation(docs),
    "model": lambda docs, schema, opt: model_disagreement(docs, schema, opt.folds, opt.seed)[0],
    "relations": lambda docs, schema, opt: relation_patterns(docs, schema),
}
"""Every detector ``qa`` runs, by name (``--detectors`` picks some)."""


def _model_needs(docs: Sequence[QaDoc], options: QaOptions) -> str | None:
    if len(docs) < max(2, options.folds):
        need = max(2, options.folds)
        return f"{options.folds}-fold cross-validation needs at least {need} documents; the corpus has {len(docs)}"
    if not any(d.gold.spans for d in docs):
        return "the gold has no entities to learn from"
    return None


def _relations_need(docs: Sequence[QaDoc], options: QaOptions) -> str | None:
    return None if any(d.gold.relations for d in docs) else "the gold has no relations"


NEEDS: dict[str, Callable[[Sequence[QaDoc], QaOptions], str | None]] = {
    "model": _model_needs,
    "relations": _relations_need,
}
"""Why a detector cannot run on a corpus (None: it can); a skipped detector is reported, never silent."""


@dataclass(frozen=True)
class QaReport:
    corpus: str
    docs: tuple[QaDoc, ...]  # what was read (a review task file is made from them)
    suspects: list[Suspect]
    by_detector: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return len(self.docs)

    @property
    def spans(self) -> int:
        return sum(len(d.gold.spans) for d in self.docs)

    @property
    def relations(self) -> int:
        return sum(len(d.gold.relations) for d in self.docs)

    def summary(self) -> dict[str, Any]:
        kinds = Counter(s.kind for s in self.suspects)
        return {
            "corpus": self.corpus,
            "documents": self.documents,
            "spans": self.spans,
            "relations": self.relations,
            "suspects": len(self.suspects),
            "by_kind": dict(sorted(kinds.items())),
            "by_detector": dict(sorted(self.by_detector.items())),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "skipped_detectors": dict(sorted(self.skipped.items())),
        }


def run_detectors(docs: Sequence[QaDoc], schema: Schema, options: QaOptions) -> dict[str, list[Suspect]]:
    """Each chosen detector's own items (unmerged), by name."""
    names = options.detectors or tuple(DETECTORS)
    unknown = [n for n in names if n not in DETECTORS]
    if unknown:
        raise ToolkitError(f"unknown detector {unknown[0]!r}; choose from {', '.join(DETECTORS)}")
    return {n: DETECTORS[n](docs, schema, options) for n in names}


def find_suspects(path: Path, schema: Schema, options: QaOptions = QaOptions(), splits: Sequence[str] = ()) -> QaReport:
    docs, name = load_corpus(path, splits)
    found: dict[str, list[Suspect]] = {}
    seconds: dict[str, float] = {}
    skipped: dict[str, str] = {}
    for n in options.detectors or tuple(DETECTORS):
        why = NEEDS[n](docs, options) if n in NEEDS else None
        if why is not None:
            skipped[n] = why
            continue
        t0 = time.perf_counter()
        found.update(run_detectors(docs, schema, QaOptions(options.folds, options.seed, (n,))))
        seconds[n] = time.perf_counter() - t0
    ranked = merge_and_rank(s for items in found.values() for s in items)
    return QaReport(
        name,
        tuple(docs),
        ranked,
        {n: len(items) for n, items in found.items()},
        seconds,
        skipped,
    )
