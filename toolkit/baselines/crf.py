"""A CRF sequence tagger (sklearn-crfsuite) with features for Indonesian news.

Features: the word, affixes (general and Indonesian: meN-, ber-, di-, -kan, -nya, ...), shape,
case, neighbours within two tokens, cue words (honorifics and speech verbs before names,
organisation and place words), word frequency in general Indonesian text (wordfreq's offline
lists), and a gazetteer of the training spans - built jackknife-style (5 folds) for the training
sentences so that the tagger does not learn to trust a gazetteer that contains the very sentence.
Deterministic (L-BFGS); c1/c2 are chosen on the validation split only. Saved as crfsuite's own
model file plus JSON (config and gazetteer); no pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_bytes, atomic_write_text, dumps
from toolkit.baselines.base import BaselineError, Example, Progress, read_config, spans_in_order, write_config
from toolkit.baselines.features import gazetteer_tags, place_tags, token_features
from toolkit.baselines.gazetteer import MAX_LEN, learn_entries
from toolkit.dataset.bio import bio_to_spans, spans_to_bio
from toolkit.model import Document, Span
from toolkit.schema import Schema
from toolkit.tokenize import doc_tokens

FOLDS = 5
GRID = ((0.05, 0.01), (0.1, 0.05), (0.05, 0.1), (0.2, 0.01))
"""c1/c2 settings tried on the validation split, in order (ties keep the earlier one)."""


def _words(doc: Document) -> tuple[list[tuple[int, int]], list[str]]:
    tokens = doc_tokens(doc.text, doc.metadata)
    return tokens, [doc.text[a:b] for a, b in tokens]


PLACE_GAZETTEER = frozenset({"en"})
"""Languages whose texts get the package place-name gazetteer feature (idner-news-2k's tuned CRF is kept as it is)."""


def _features(words: Sequence[str], entries: dict[tuple[str, ...], str], lang: str = "id") -> list[dict[str, Any]]:
    gaz = gazetteer_tags(words, entries, MAX_LEN)
    places = place_tags(words, lang) if lang in PLACE_GAZETTEER else None
    return [token_features(words, i, gaz, lang=lang, places=places) for i in range(len(words))]


class CrfTagger:
    name = "crf"
    GRID = tuple({"c1": c1, "c2": c2} for c1, c2 in GRID)

    def __init__(self, c1: float = 0.05, c2: float = 0.1, max_iterations: int = 150, language: str = "id") -> None:
        self.c1, self.c2, self.max_iterations = c1, c2, max_iterations
        self.language = language  # of the texts: word frequencies, affixes and cue words (set from the schema)
        self.entries: dict[tuple[str, ...], str] = {}
        self._crf: Any = None

    def _training_data(self, train: Sequence[Example]) -> tuple[list[list[dict[str, Any]]], list[list[str]]]:
        xs: list[list[dict[str, Any]]] = [[] for _ in train]
        ys: list[list[str]] = []
        for fold in range(FOLDS):
            entries = learn_entries([ex for i, ex in enumerate(train) if i % FOLDS != fold])
            for i, (doc, _) in enumerate(train):
                if i % FOLDS == fold:
                    xs[i] = _features(_words(doc)[1], entries, self.language)
        for doc, gold in train:
            tokens, _ = _words(doc)
            ys.append(spans_to_bio(tokens, gold.spans).tags)
        return xs, ys

    def fit(self, train: Sequence[Example], schema: Schema, progress: Progress | None = None) -> None:
        import sklearn_crfsuite

        if not train:
            raise BaselineError("the CRF needs training documents; the train split is empty")
        self.language = schema.language
        xs, ys = self._training_data(train)
        self.entries = learn_entries(train)
        self._crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs",
            c1=self.c1,
            c2=self.c2,
            max_iterations=self.max_iterations,
            all_possible_transitions=True,
        )
        self._crf.fit(xs, ys)
        if progress:
            progress(1, 1)

    def with_params(self, c1: float, c2: float) -> None:
        """Set the regularisation (``toolkit.benchmarks.tuning`` tries :data:`GRID` on validation)."""
        self.c1, self.c2 = c1, c2

    def predict_spans(self, doc: Document) -> list[Span]:
        if self._crf is None:
            raise BaselineError("the CRF is not trained or loaded")
        tokens, words = _words(doc)
        if not words:
            return []
        tags = self._crf.predict_single(_features(words, self.entries, self.language))
        return spans_in_order(bio_to_spans(tokens, tags))

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        write_config(
            folder,
            self.name,
            {
                "c1": self.c1,
                "c2": self.c2,
                "max_iterations": self.max_iterations,
                "folds": FOLDS,
                "language": self.language,
            },
        )
        atomic_write_text(
            folder / "gazetteer.json", dumps(sorted([" ".join(k), v] for k, v in self.entries.items())) + "\n"
        )
        source = getattr(getattr(self._crf, "modelfile", None), "name", None)
        if not source or not Path(source).exists():
            raise BaselineError("the CRF is not trained: nothing to save")
        atomic_write_bytes(folder / "model.crfsuite", Path(source).read_bytes())

    @classmethod
    def load(cls, folder: Path) -> CrfTagger:
        import sklearn_crfsuite

        config = read_config(folder, cls.name)
        model = cls(config["c1"], config["c2"], config["max_iterations"], config.get("language", "id"))
        try:
            rows = json.loads((Path(folder) / "gazetteer.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{folder}/gazetteer.json: cannot read ({exc})") from None
        model.entries = {tuple(k.split(" ")): v for k, v in rows}
        model._crf = sklearn_crfsuite.CRF(model_filename=str(Path(folder) / "model.crfsuite"))
        return model
