"""Extractor baselines, registered by name (see :mod:`toolkit.baselines.base` for the interface)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.gazetteer import GazetteerExtractor
from toolkit.baselines.relations import PairBaseline, PairClassifier
from toolkit.baselines.rules import RuleExtractor

ENTITY_EXTRACTORS: Mapping[str, Callable[[], Any]] = {
    "rules": RuleExtractor,
    "gazetteer": GazetteerExtractor,
    "crf": CrfTagger,
}
RELATION_EXTRACTORS: Mapping[str, Callable[[], Any]] = {
    "pairs": PairBaseline,
    "pair-classifier": PairClassifier,
}
LOADERS: Mapping[str, Callable[[Path], Any]] = {
    "rules": RuleExtractor.load,
    "gazetteer": GazetteerExtractor.load,
    "crf": CrfTagger.load,
    "pairs": PairBaseline.load,
    "pair-classifier": PairClassifier.load,
}

__all__ = ["ENTITY_EXTRACTORS", "LOADERS", "RELATION_EXTRACTORS"]
