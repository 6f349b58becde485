"""Extractor baselines, registered by name; the registries are typed by the Protocols of
:mod:`toolkit.baselines.base`, so mypy checks every baseline against the interface.

To add a baseline: a class with ``name``, ``fit``, ``predict_spans`` (or ``predict_relations``), ``config``,
``save`` and a ``load`` classmethod (and ``GRID``, ``fit_grid``, ``use`` if it is tuned on validation), and one
row in the table below. ``toolkit bench`` and ``toolkit predict`` offer it by that name.
"""

from __future__ import annotations

from collections.abc import Mapping

from toolkit.baselines.base import EntityExtractor, RelationExtractor
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.gazetteer import GazetteerExtractor
from toolkit.baselines.pairs import PairBaseline, PairClassifier
from toolkit.baselines.rules import RuleExtractor
from toolkit.baselines.tuning import fit_tuned, fit_tuned_relations

ENTITY_EXTRACTORS: Mapping[str, type[EntityExtractor]] = {
    "rules": RuleExtractor,
    "gazetteer": GazetteerExtractor,
    "crf": CrfTagger,
}
RELATION_EXTRACTORS: Mapping[str, type[RelationExtractor]] = {
    "pairs": PairBaseline,
    "pair-classifier": PairClassifier,
}

__all__ = [
    "ENTITY_EXTRACTORS",
    "RELATION_EXTRACTORS",
    "EntityExtractor",
    "RelationExtractor",
    "fit_tuned",
    "fit_tuned_relations",
]
