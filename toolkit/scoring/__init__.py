"""Scoring: one engine for models and annotators.

- :mod:`prf`: count rows and the one P/R/F1 convention (empty sets score 0.0, flagged ``empty``);
- :mod:`entities`: the four entity modes (SemEval-2013 9.1, as nervaluate; ``strict`` = seqeval);
- :mod:`relations`: relation modes ``strict`` and ``boundaries``, symmetric types either way;
- :mod:`intervals`: bootstrap intervals over documents, paired tests;
- :mod:`kappa`: token Cohen's kappa from confusion matrices;
- :mod:`labels`: which labels count (the types the dataset annotates);
- :mod:`report`: reference layers vs predicted layers -> the report of ``score``/``bench``, and of
  ``agree`` with one annotator as the reference (:mod:`toolkit.annotations.agreement`).

A pure engine at the bottom of the stages: it imports only the model, the schema and numpy, and never
reads a file (the stages above read gold, layers and prediction files and hand it layers).
"""

from toolkit.scoring.entities import ENTITY_MODES, HALF_CREDIT, EntityScores, score_entities
from toolkit.scoring.intervals import bootstrap, paired_test
from toolkit.scoring.labels import LabelRule, NotAnnotated
from toolkit.scoring.prf import prf
from toolkit.scoring.relations import RELATION_MODES, RelationScores, score_relations
from toolkit.scoring.report import Scores, score_layers

__all__ = [
    "ENTITY_MODES",
    "HALF_CREDIT",
    "RELATION_MODES",
    "EntityScores",
    "LabelRule",
    "NotAnnotated",
    "RelationScores",
    "Scores",
    "bootstrap",
    "paired_test",
    "prf",
    "score_entities",
    "score_layers",
    "score_relations",
]
