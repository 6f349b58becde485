"""The served model: the tuned CRF and the pair classifier, as Label Studio predictions with a confidence.

Confidence (least confidence over tokens, as active learning uses it): a region's ``score`` is the
lowest marginal probability ``P(y_t = ŷ_t | x)`` of the CRF's Viterbi tags over the region's tokens;
the task's ``score`` is the same minimum over **all** tokens of the text (the tokens tagged ``O``
included, so a possible missed name also lowers it); a relation's ``score`` is the classifier's
probability of its label. Sorting tasks by ascending score puts the least confident first.

In the project's labels from the first task (:func:`build_model`): a corpus's gold is mapped onto the schema
before training (:mod:`toolkit.backend.labelmap`), so the CRF proposes schema types only; with ``cold_start`` the
rule baseline proposes the schema types the CRF cannot (dates, quantities, roles), a rule region carrying no
score (a rule has no probability); each type's precision is measured on the (mapped) validation split where it is
annotated, and a type measured below ``min_precision`` is not proposed.

With neither a corpus nor a saved model (:func:`cold_start_model`), the cold start alone is served in the project's
schema: the rules, the place gazetteer and recurring names, with no CRF and so no confidence score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._io import atomic_write_text, dumps
from toolkit.annotations.results import layer_to_result
from toolkit.backend.labelmap import (
    GOVERNMENT_WORDS,
    adopt_project_names,
    government_before,
    is_country,
    is_place,
    map_examples,
    parse_label_map,
    project_names,
)
from toolkit.baselines import fit_tuned, fit_tuned_relations
from toolkit.baselines.base import as_layer
from toolkit.baselines.crf import CrfTagger
from toolkit.baselines.pairs import PairClassifier
from toolkit.baselines.rules import ACRONYM, RULES, RuleExtractor
from toolkit.baselines.rules import LANGUAGE as RULES_LANGUAGE
from toolkit.baselines.structure import proposable, structural_relations
from toolkit.errors import ToolkitError
from toolkit.model import Document, Example, Layer, Span
from toolkit.schema import RelationType, Schema
from toolkit.scoring.entities import score_entities
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.prf import COR, INC, PAR, SPU, prf
from toolkit.text.bio import bio_to_spans, token_range

if TYPE_CHECKING:
    from toolkit.dataset.load import Release

NAME_TYPES = ("ORG", "PER", "FAC", "EVENT")
"""Types whose names may hold a place's name that is not annotated apart (Pemerintah Indonesia)."""
RULE_TYPES = tuple(dict.fromkeys(label for label, _ in RULES))
"""The types the rule baseline proposes (dates, quantities, roles, people after cue words, organisations by kind)."""
SOURCES: tuple[tuple[str, str], ...] = (("crf", "p"), ("rules", "q"), ("places", "g"), ("recurring", "c"))
"""The served model's sources, in the order :meth:`ServedModel.layer` adds their regions, with the id prefix of those
regions: each source's precision is measured per type, and a source can be withheld for one type alone."""
PREFIX = dict(SOURCES)
SOURCE_OF = {prefix: name for name, prefix in SOURCES}


def source_of(region_id: str) -> str:
    """The source that proposed a served region, from its id (``p3`` -> ``crf``)."""
    return SOURCE_OF[region_id.rstrip("0123456789")]


CONFIDENCE = 0.95
"""How sure a measurement must be before ``--min-precision`` withholds a source: the upper end of the Wilson interval
of its precision at this confidence is under the threshold (0 right of 1 proposal says nothing; 1 of 33 does)."""
GOVERNMENT_TYPE = "ORG"
"""The type the place gazetteer gives a known place's government named with it ("pemerintah Indonesia", one ORG in
the guidelines), where the schema declares it and the language has a government word
(:data:`toolkit.backend.labelmap.GOVERNMENT_WORDS`)."""
PLACE_TYPES = ("GPE", "LOC")
"""The type the place gazetteer proposes when no label map names one (a cold start without a corpus): the first of
these the schema declares (GPE, a place with a government, as ``--label-map LOC=GPE|LOC`` maps a known place)."""


class BackendError(ToolkitError):
    """The backend's model cannot be trained, loaded or applied."""


def token_confidences(crf: CrfTagger, doc: Document) -> tuple[list[tuple[int, int]], list[str], list[float]]:
    """Tokens, the CRF's Viterbi tags and each token's ``P(y_t = ŷ_t | x)``."""
    tokens, tags, probs = crf.marginals(doc)
    return tokens, tags, [p.get(t, 0.0) for p, t in zip(probs, tags, strict=True)]


def least_confidence(crf: CrfTagger, doc: Document) -> float:
    """The task score: the lowest ``P(y_t = ŷ_t | x)`` over the text's tokens (1.0 for a text without tokens)."""
    return min(token_confidences(crf, doc)[2], default=1.0)


@dataclass
class ServedModel:
    crf: CrfTagger | None  # None: the cold start alone (no corpus, no project gold yet)
    relations: PairClassifier | None
    version: str
    trained_on: dict[str, Any] = field(default_factory=dict)
    rule_types: tuple[str, ...] = ()  # schema types the rule baseline adds (cold start)
    precision: dict[str, float | None] = field(default_factory=dict)  # per type, on validation (None: unmeasured)
    withheld: tuple[tuple[str, str], ...] = ()  # (type, source) measured below the precision threshold: not served
    place_type: str | None = None  # the type the place gazetteer adds (cold start), e.g. GPE
    propagate: bool = False  # a mention proposed once is proposed wherever its words recur in the text
    language: str = "id"  # of the texts (the CRF's when there is one): the place gazetteer's names
    relation_types: tuple[RelationType, ...] = ()  # the schema's, for relations by structure (no classifier)
    stem: str = ""  # the version without its sources (+map[...]+rules[...]...): what a retraining is named after
    measured: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # type -> source -> (right, proposed)
    measured_on_project: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # the same, held-out gold
    project_documents: int = 0  # how many held-out project gold documents measured_on_project was measured on
    government_type: str | None = None  # the places' type for a known place's government ("pemerintah Indonesia")

    def crf_types(self) -> set[str]:
        """The types the CRF proposes (none without a CRF)."""
        return {tag[2:] for tag in self.crf.tags() if tag != "O"} if self.crf is not None else set()

    def sources(self, label: str) -> tuple[str, ...]:
        """The sources that propose ``label`` (recurring names only copy what the others propose), withheld or not."""
        on = {
            "crf": label in self.crf_types(),
            "rules": label in self.rule_types,
            "places": label in self.place_types(),
            "recurring": False,
        }
        return tuple(name for name, _ in SOURCES if on[name])

    def place_types(self) -> tuple[str | None, str | None]:
        """The types the place gazetteer proposes: a place's, and a government's named with its place (None: not)."""
        return self.place_type, self.government_type

    def serves(self, label: str, source: str) -> bool:
        """Whether ``source``'s regions of ``label`` are served (not withheld for that type)."""
        return (label, source) not in self.withheld

    def proposes(self) -> tuple[str, ...]:
        """The schema types this model can propose: those with a source that is not withheld."""
        types = self.crf_types() | set(self.rule_types) | {t for t in self.place_types() if t}
        return tuple(sorted(t for t in types if any(self.serves(t, s) for s in self.sources(t))))

    def layer(self, doc: Document) -> tuple[Layer, dict[str, float], float | None]:
        """The pre-annotation of one text: its layer, each item's confidence (rule regions have none) and the task's
        score (least confidence over all tokens; None without a CRF, which alone gives a confidence)."""
        spans: list[Span] = []
        scores: dict[str, float] = {}
        confidence: list[float] = []
        if self.crf is not None:
            tokens, tags, confidence = token_confidences(self.crf, doc)
            cut = None if self.crf.cross_lines else doc.text  # a span across a line break the import would refuse
            found = [balanced(doc.text, s) for s in bio_to_spans(tokens, tags, text=cut) if self.serves(s.label, "crf")]
            spans = [
                Span(f"{PREFIX['crf']}{k}", s.start, s.end, s.label) for k, s in enumerate((s for s in found if s), 1)
            ]
            starts, ends = [a for a, _ in tokens], [b for _, b in tokens]
            for s in spans:
                i, j = token_range(starts, ends, s.start, s.end)
                scores[s.id] = round(min(confidence[i:j]), 6)
        if self.rule_types:
            types = {t for t in self.rule_types if self.serves(t, "rules")}
            spans += _fitting(acronyms_as_named(doc, rule_spans(doc, types), spans, types), spans, PREFIX["rules"])
        place, government = (t if t and self.serves(t, "places") else None for t in self.place_types())
        if place or government:
            gazetteer = place_spans(doc, place, self.language, spans, government)
            spans += _fitting(gazetteer, spans, PREFIX["places"])
        if self.propagate:
            copies = [s for s in _recurring(doc, spans) if self.serves(s.label, "recurring")]
            spans += _fitting(copies, spans, PREFIX["recurring"])
        # document order, as an imported layer lists its spans (toolkit.annotations.validate), and as Label Studio
        # then lists the regions; the ids keep naming the source
        spans.sort(key=lambda s: (s.start, s.end, s.label, s.id))
        relations = []
        if self.relations is not None and spans:
            for rel, p in self.relations.predict_scored(doc, spans):
                relations.append(rel)
                scores[rel.id] = round(p, 6)
        elif self.relation_types and spans:  # no probability: no score
            relations = structural_relations(doc.text, spans, self.relation_types)
        task_score = round(min(confidence, default=1.0), 6) if self.crf is not None else None
        return as_layer(doc, self.version, spans, relations), scores, task_score

    def predict(self, doc: Document, schema: Schema) -> dict[str, Any]:
        """One Label Studio prediction: ``{"result": [...], "score": s, "model_version": v}`` (no score without a
        CRF: the rules have no confidence, and a made-up one would misorder the tasks)."""
        layer, scores, task_score = self.layer(doc)
        result = layer_to_result(layer, doc.text, schema, scores)
        scored = {"score": task_score} if task_score is not None else {}
        return {"result": result, **scored, "model_version": self.version}

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        if self.crf is not None:
            self.crf.save(folder / "crf")
        if self.relations is not None:
            self.relations.save(folder / "relations")
        meta = {
            "version": self.version,
            "trained_on": self.trained_on,
            "rule_types": list(self.rule_types),
            "precision": self.precision,
            "withheld": [list(w) for w in self.withheld],
            "place_type": self.place_type,
            "government_type": self.government_type,
            "propagate": self.propagate,
            "crf": self.crf is not None,
            "language": self.language,
            "relation_types": [r.model_dump(mode="json") for r in self.relation_types],
            "stem": self.stem,
            "measured": counts_json(self.measured),
            "measured_on_project": counts_json(self.measured_on_project),
            "project_documents": self.project_documents,
        }
        atomic_write_text(folder / "served.json", dumps(meta, indent=1) + "\n")


BRACKETS = {"(": ")", "[": "]", "{": "}"}


def balanced(text: str, span: Span) -> Span | None:
    """The span without an unbalanced bracket (a name never holds one): cut before the first one, or after it when
    nothing comes before ("Organisasi Buruh Internasional (ILO" is "Organisasi Buruh Internasional", "(ILO" is
    "ILO"); None when nothing is left."""
    covered = text[span.start : span.end]
    opened: list[int] = []
    cut = None
    for i, ch in enumerate(covered):
        if ch in BRACKETS:
            opened.append(i)
        elif ch in BRACKETS.values():
            if opened and BRACKETS[covered[opened[-1]]] == ch:
                opened.pop()
            else:
                cut = i  # a closing bracket that nothing opened
                break
    if cut is None:
        if not opened:
            return span
        cut = opened[0]
    before = covered[:cut].rstrip()
    if before:  # what is left may hold another unbalanced one ("a [b) c")
        return balanced(text, Span(span.id, span.start, span.start + len(before), span.label))
    after = covered[cut + 1 :]
    start = span.start + cut + 1 + len(after) - len(after.lstrip())
    return balanced(text, Span(span.id, start, span.end, span.label)) if start < span.end else None


def _fitting(candidates: Sequence[Span], spans: Sequence[Span], prefix: str) -> list[Span]:
    """The candidates that neither repeat nor cross a span already proposed, or one another (nesting is kept), in
    order, with ids ``<prefix>1``, ``<prefix>2``, ..."""
    taken = [(s.start, s.end) for s in spans]
    out: list[Span] = []
    for s in candidates:
        crosses = any(
            a < s.end and s.start < b and not ((a <= s.start and s.end <= b) or (s.start <= a and b <= s.end))
            for a, b in taken
        )
        if (s.start, s.end) not in taken and not crosses:
            out.append(Span(f"{prefix}{len(out) + 1}", s.start, s.end, s.label))
            taken.append((s.start, s.end))
    return out


def rule_spans(doc: Document, types: set[str]) -> list[Span]:
    """The rule baseline's spans of ``types``."""
    rules = RuleExtractor()
    rules.labels = types
    return [s for s in rules.predict_spans(doc) if s.label in types]


def acronyms_as_named(doc: Document, found: Sequence[Span], spans: Sequence[Span], types: Container[str]) -> list[Span]:
    """The rules' spans, each acronym in brackets ("(ILO)") with the type of the name proposed right before the bracket
    (the guidelines: an abbreviation in brackets right after a full name is its own span, of the same type), and left
    out where no name of ``types`` is proposed there: after a name nobody proposes, an acronym is as often a product
    or a programme's ("Bahan Bakar Minyak (BBM)") as an organisation's (benchmarks/backend/COLD_START.md counts
    it)."""
    named = [s for s in (*spans, *found) if s.label in NAME_TYPES or s.label in PLACE_TYPES]
    out: list[Span] = []
    for s in found:
        before = name_end_before(doc.text, s)
        if before is None:  # not an acronym in brackets
            out.append(s)
            continue
        names = [n for n in named if n.end == before and n.start < before]
        if names:
            name = max(names, key=lambda n: n.end - n.start)  # the longest name ending there
            if name.label in types:
                out.append(Span(s.id, s.start, s.end, name.label))
    return out


_ACRONYM = re.compile(ACRONYM)


def name_end_before(text: str, span: Span) -> int | None:
    """Where the name an acronym in brackets abbreviates would end: before its bracket and the spaces before that; None
    when ``span`` is not what the rules' :data:`~toolkit.baselines.rules.ACRONYM` finds there."""
    found = _ACRONYM.match(text, span.start)  # the look-behind sees the bracket before the span
    if found is None or found.end() != span.end:
        return None
    return len(text[: span.start - 1].rstrip(" \t"))


_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*(?:[ \t]+[A-Z][\w'-]*)*")


def place_spans(
    doc: Document, label: str | None, language: str, spans: Sequence[Span] = (), government: str | None = None
) -> list[Span]:
    """Places the gazetteer knows (countries, regions, cities), found in runs of capitalised words (the longest known
    part of each run); not inside a proposed name (a place in an organisation's name is part of it), and a
    sentence's capitalised first word only when it is a country (Tata is a Moroccan province and an Indonesian
    word). With ``government``, a place right after the language's government word is proposed with that word as
    one span of that type ("pemerintah Indonesia", ORG), unless something proposed already overlaps the two (the
    CRF's "Indonesia" stays as it is: a government over it would nest a name in a name). ``label`` None: only
    governments."""
    names = [s for s in spans if s.label in NAME_TYPES]
    out: list[Span] = []
    for run in _CAPITALISED.finditer(doc.text):
        words = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                a, b = words[i][0], words[j - 1][1]
                words_ = doc.text[a:b]
                first = re.search(r"(?:^|[.!?]\s+|\n)$", doc.text[:a]) is not None
                inside = any(s.start <= a and b <= s.end for s in names)
                if (
                    not words_.isupper()  # ILO is no city
                    and not inside
                    and not (first and " " not in words_ and not is_country(words_, language))
                    and is_place(words_, language)
                ):
                    by = government_before(doc.text, a, language) if government else None
                    if by is not None and not any(s.start < b and by < s.end for s in spans):
                        out.append(Span("candidate", by, b, str(government)))
                    elif label is not None:
                        out.append(Span("candidate", a, b, label))
                    i = j - 1
                    break
            i += 1
    return out


def _recurring(doc: Document, spans: Sequence[Span]) -> list[Span]:
    """Each proposed mention's other occurrences in the text (whole words, same case), with its type: a name a
    news text repeats is the same entity (document-level label consistency)."""
    out: list[Span] = []
    seen: set[str] = set()
    for s in sorted(spans, key=lambda s: (s.start - s.end, s.start)):  # longest first
        words = doc.text[s.start : s.end]
        if words in seen or len(words) < 2 or not words[0].isupper():
            continue
        seen.add(words)
        for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", doc.text):
            inside = any(x.start <= m.start() and m.end() <= x.end for x in spans)  # "Haiyani" of "Haiyani R."
            if not inside:
                out.append(Span("candidate", m.start(), m.end(), s.label))
    return sorted(out, key=lambda s: (s.start, -s.end))


def load_model(folder: Path) -> ServedModel:
    folder = Path(folder)
    try:
        meta = json.loads((folder / "served.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackendError(
            f"{folder}: not a served model folder ({exc}); train one with `toolkit ls backend --release`"
        ) from None
    rel = PairClassifier.load(folder / "relations") if (folder / "relations").is_dir() else None
    crf = CrfTagger.load(folder / "crf") if meta.get("crf", True) else None
    return ServedModel(
        crf,
        rel,
        str(meta["version"]),
        dict(meta.get("trained_on", {})),
        tuple(meta.get("rule_types", ())),
        dict(meta.get("precision", {})),
        withheld_from(meta.get("withheld", ())),
        meta.get("place_type"),
        bool(meta.get("propagate", False)),
        str(meta.get("language", crf.language if crf is not None else "id")),
        tuple(RelationType.model_validate(r) for r in meta.get("relation_types", ())),
        str(meta.get("stem", "")),
        counts_from_json(meta.get("measured", {})),
        counts_from_json(meta.get("measured_on_project", {})),
        int(meta.get("project_documents", 0)),
        meta.get("government_type"),  # None in a model saved before governments were proposed, as its version says
    )


def counts_json(counts: Mapping[str, Mapping[str, tuple[int, int]]]) -> dict[str, dict[str, list[int]]]:
    """Per type and source, (right, proposed), as saved (JSON lists); read back by :func:`counts_from_json`."""
    return {t: {s: list(c) for s, c in by.items()} for t, by in counts.items()}


def counts_from_json(saved: dict[str, Any]) -> dict[str, dict[str, tuple[int, int]]]:
    """:func:`counts_json`'s output read back."""
    return {t: {s: (int(c[0]), int(c[1])) for s, c in by.items()} for t, by in saved.items()}


def withheld_from(saved: Sequence[Any]) -> tuple[tuple[str, str], ...]:
    """A saved model's withheld sources: ``[type, source]`` pairs, or a bare type (a model saved before sources were
    measured apart, when a type was withheld from every source)."""
    pairs: list[tuple[str, str]] = []
    for w in saved:
        pairs += [(w, name) for name, _ in SOURCES] if isinstance(w, str) else [(str(w[0]), str(w[1]))]
    return tuple(pairs)


def train_model(
    train: Sequence[Example],
    validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    version: str,
    trained_on: dict[str, Any],
) -> ServedModel:
    """The configuration ``bench`` scores: c1/c2 (and the classifier's C and threshold) tuned on validation."""
    if not train:
        raise BackendError("nothing to train on: no training documents")
    crf = CrfTagger()
    fit_tuned(crf, train, validation, schema, rule)
    relations: PairClassifier | None = None
    if any(g.relations for _, g in train):
        relations = PairClassifier()
        symmetric = [r.label for r in schema.relations if not r.directed]
        fit_tuned_relations(relations, train, validation, schema, rule, symmetric)
    return ServedModel(crf, relations, version, trained_on, language=crf.language)


def _relate_by_structure(model: ServedModel, schema: Schema) -> None:
    """Let the model relate the mentions it proposes by how they sit in the text (:mod:`toolkit.baselines.structure`)
    where the schema allows that for some pair of its types; the version says so (``+structure``)."""
    if proposable(schema.relations, model.proposes()):
        model.relation_types = tuple(schema.relations)
        model.version += "+structure"


def rule_types_for(schema: Schema) -> tuple[str, ...]:
    """The schema types the cold start's rules propose: those the rules know, where the schema's language is the
    rules' own (their patterns are Indonesian words)."""
    if schema.language != RULES_LANGUAGE:
        return ()
    return tuple(t for t in RULE_TYPES if t in schema.entity_labels)


def place_type_for(schema: Schema) -> str | None:
    """The type the place gazetteer proposes when no label map names one (:data:`PLACE_TYPES`)."""
    return next((t for t in PLACE_TYPES if t in schema.entity_labels), None)


def government_type_for(schema: Schema, place_type: str | None) -> str | None:
    """The type the place gazetteer gives a government named with its place (:data:`GOVERNMENT_TYPE`), where there is
    a place gazetteer, the schema declares that type and its language has a government word."""
    known = GOVERNMENT_TYPE in schema.entity_labels and schema.language in GOVERNMENT_WORDS
    return GOVERNMENT_TYPE if place_type and known else None


def places_version(place_type: str | None, government_type: str | None) -> str:
    """What the model version says of the place gazetteer: ``+places[GPE,ORG]`` (nothing when it proposes nothing)."""
    types = [t for t in (place_type, government_type) if t]
    return f"+places[{','.join(types)}]" if types else ""


def cold_start_model(schema: Schema) -> ServedModel:
    """What ``toolkit ls backend`` and ``toolkit predict served`` serve with neither a release nor a saved model: the
    cold start alone in the project's schema (rules, places, recurring names), nothing measured; the backend's
    retraining then trains on the project's own gold."""
    rule_types, place_type = rule_types_for(schema), place_type_for(schema)
    government_type = government_type_for(schema, place_type)
    stem = version = f"cold-start@{schema.name}-{schema.schema_version}"
    version += f"+rules[{','.join(rule_types)}]" if rule_types else ""
    version += places_version(place_type, government_type)
    version += "+recurring"
    about = {"serve_options": ServeOptions(cold_start=True).to_dict()}
    model = ServedModel(
        None,
        None,
        version,
        about,
        rule_types,
        place_type=place_type,
        government_type=government_type,
        propagate=True,
        language=schema.language,
        stem=stem,
    )
    _relate_by_structure(model, schema)
    model.precision = {t: None for t in model.proposes()}  # no annotated text to measure on
    return model


@dataclass(frozen=True)
class ServeOptions:
    """How the served model speaks the project's labels (the ``ls backend`` and ``predict served`` options)."""

    label_map: tuple[str, ...] = ()  # --label-map OLD=NEW / OLD=A|B
    cold_start: bool = False  # --cold-start: the rules propose the schema types the model cannot
    min_precision: float = 0.0  # --min-precision: a type measured below it on validation is not proposed

    def to_dict(self) -> dict[str, Any]:
        """As a saved model records them (``trained_on["serve_options"]``)."""
        return {"label_map": list(self.label_map), "cold_start": self.cold_start, "min_precision": self.min_precision}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServeOptions:
        return cls(
            tuple(data.get("label_map", ())),
            bool(data.get("cold_start", False)),
            float(data.get("min_precision", 0.0)),
        )


def build_model(
    corpus_train: Sequence[Example],
    corpus_validation: Sequence[Example],
    schema: Schema,
    rule: LabelRule,
    version: str,
    trained_on: dict[str, Any],
    options: ServeOptions = ServeOptions(),
    project: Sequence[Example] = (),
    adopt_names: bool = True,
) -> ServedModel:
    """The served model in the project's labels: the corpus mapped onto the schema (``options.label_map``), the
    project's own gold (``project``, already in the schema's labels) added, replacing the corpus's copy of a
    document; rule types for the cold start; per-type precision measured on the mapped validation split.

    A name the project's gold types one way takes that type in the corpus too (the corpus's ORG for a party the
    project calls PARTY), so that no name has two types in one training set; ``adopt_names=False`` leaves the
    corpus's types (an ablation: benchmarks/backend/CONVENTIONS.md measures both)."""
    stem = version  # the sources are appended below
    on_project: tuple[int, dict[str, dict[str, tuple[int, int]]]] = (0, {})
    corpus_labels = sorted({s.label for _, g in (*corpus_train, *corpus_validation) for s in g.spans})
    label_map = parse_label_map(options.label_map, corpus_labels, schema)
    train, mapped = map_examples(corpus_train, label_map)
    validation, _ = map_examples(corpus_validation, label_map)
    mine = {d.id for d, _ in project}
    corpus = [ex for ex in train if ex[0].id not in mine]
    # a name the project's gold types otherwise takes the project's type in the corpus too: one name, one type
    names = project_names(project) if adopt_names else {}
    corpus_val = [ex for ex in validation if ex[0].id not in mine]
    train, adopted = adopt_project_names(corpus, names)
    validation, _ = adopt_project_names(corpus_val, names)
    train += list(project)
    types = sorted(set(label_map.types()) | {s.label for _, g in project for s in g.spans})
    mapped_rule = LabelRule.declared(
        {"entities": types, "relations": sorted(rule.relations)}, f"{rule.source}, through the label map"
    )
    identity = all(v == (k,) for k, v in label_map.entries.items()) and set(label_map.entries) == set(corpus_labels)
    rule_types = rule_types_for(schema) if options.cold_start else ()
    place_type = next((v[0] for v in label_map.entries.values() if len(v) > 1), None) if options.cold_start else None
    if options.cold_start and not corpus_labels:  # no corpus (the project's gold alone): places as the cold start has
        place_type = place_type_for(schema)
    government_type = government_type_for(schema, place_type)
    version += "" if identity else f"+map[{label_map.describe()}]"
    about = {**trained_on, "label_map": label_map.to_dict(), "mapped": dict(sorted(mapped.items()))}
    if adopted:
        about["relabelled_as_the_project_names_them"] = dict(sorted(adopted.items()))
    if (rule_types or place_type) and len(project) >= MIN_PROJECT_DOCUMENTS:
        # enough gold of the project's own: per type, a cold-start source goes where the project model is better
        held = held_out(project)
        fit = [ex for ex in project if ex[0].id not in held]  # the held-out fifth's names stay out of the trial
        fit_names = project_names(fit) if adopt_names else {}
        trial_train = adopt_project_names(corpus, fit_names)[0] + fit
        trial_val = adopt_project_names(corpus_val, fit_names)[0]
        trial = train_model(trial_train, trial_val, schema, mapped_rule, version, {})
        trial.rule_types, trial.place_type, trial.propagate = rule_types, place_type, True
        trial.government_type = government_type
        held_gold = [ex for ex in project if ex[0].id in held]
        choice = choose_sources(trial, held_gold)
        rule_types = tuple(t for t in rule_types if choice.get(t, {}).get("serves") != "project model")
        place_type, government_type = (
            None if choice.get(t or "", {}).get("serves") == "project model" else t
            for t in (place_type, government_type)
        )
        about["per_type_choice"] = choice
        # what is served, measured in the project's own conventions: the chosen sources on the held-out gold
        trial.rule_types, trial.place_type, trial.government_type = rule_types, place_type, government_type
        on_project = (len(held_gold), measured_precision(trial, held_gold, trial.proposes())[1])
    version += f"+rules[{','.join(rule_types)}]" if rule_types else ""
    version += places_version(place_type, government_type)
    version += "+recurring" if options.cold_start else ""
    model = train_model(train, validation, schema, mapped_rule, version, about)
    model.rule_types, model.place_type, model.propagate = rule_types, place_type, options.cold_start
    model.government_type = government_type
    model.stem = stem
    model.precision, model.measured = measured_precision(model, validation, model.proposes())
    model.project_documents, model.measured_on_project = on_project
    model.withheld = withheld_under(model, options.min_precision)
    if model.withheld:  # a type's precision as served, without its withheld sources: what annotators are shown
        model.precision = measured_precision(model, validation, model.proposes())[0]
    if options.cold_start and model.relations is None:  # no relation gold to train the classifier on
        _relate_by_structure(model, schema)
    return model


MIN_PROJECT_DOCUMENTS = 10
"""From this many gold documents of the project's own on, a retraining with ``--cold-start`` chooses per type between
the cold start's sources (rules, place gazetteer) and the project model alone (the CRF trained with the project's
gold), by strict F1 on a held-out fifth of that gold (:func:`choose_sources`): a source is switched off where the
project model alone measures strictly better."""


def held_out(project: Sequence[Example]) -> set[str]:
    """The ids of a fifth of the project's gold documents (by a stable hash of the id; at least one), held out to
    choose the sources on."""
    import hashlib

    ids = sorted(d.id for d, _ in project)
    held = {i for i in ids if hashlib.sha256(i.encode("utf-8", "surrogatepass")).digest()[0] % 5 == 0}
    return held or {ids[-1]}


def choose_sources(trial: ServedModel, held: Sequence[Example]) -> dict[str, dict[str, Any]]:
    """Per type a cold-start source adds: strict F1 on the held-out project gold of the project model alone and with
    the cold start's source, and which is served (the project model alone only where it measures strictly
    better)."""
    annotated = {s.label for _, g in held for s in g.spans}
    gold = [list(g.spans) for _, g in held]
    with_source = [list(trial.layer(doc)[0].spans) for doc, _ in held]
    cold = set(trial.rule_types) | {t for t in trial.place_types() if t}
    # the cold-start sources of each type they add (ORG: the rules' and the governments' together)
    sources = {t: "+".join(s for s in trial.sources(t) if s != "crf") for t in cold}
    alone = ServedModel(trial.crf, None, trial.version, propagate=trial.propagate, language=trial.language)
    without = [list(alone.layer(doc)[0].spans) for doc, _ in held]
    out: dict[str, dict[str, Any]] = {}
    for t, source in sorted(sources.items()):
        if t not in annotated:
            continue  # the held-out gold never marks it: nothing to measure, the cold start stays
        f1 = {
            name: round(float(prf(score_entities(gold, pred, {t}, ("strict",)).per_label["strict"][t])["f1"]), 4)
            for name, pred in (("project model", without), (f"with {source}", with_source))
        }
        # no evidence either way (a tie) keeps what was served: the switch needs the project model strictly better
        serves = "project model" if f1["project model"] > f1[f"with {source}"] else f"with {source}"
        out[t] = {**f1, "serves": serves, "documents": len(held)}
    return out


def measured_precision(
    model: ServedModel, examples: Sequence[Example], types: Sequence[str]
) -> tuple[dict[str, float | None], dict[str, dict[str, tuple[int, int]]]]:
    """Strict per-type precision of what the model serves (every source) on annotated examples, None for a type the
    examples do not annotate or that was never proposed there; and per type, each source's regions alone scored the
    same way, as (right, proposed) counts (only the sources that proposed the type there)."""
    annotated = set(types) & {s.label for _, g in examples for s in g.spans}
    if not examples:
        return {t: None for t in types}, {}
    gold = [list(g.spans) for _, g in examples]
    pred = [list(model.layer(doc)[0].spans) for doc, _ in examples]

    def proposed(c: Any) -> int:
        return int(c[COR] + c[INC] + c[PAR] + c[SPU])

    def per_label(predicted: list[list[Span]]) -> dict[str, Any]:
        """Strict count rows per type, only of the types proposed there (nothing to measure otherwise)."""
        rows = score_entities(gold, predicted, annotated, ("strict",)).per_label["strict"]
        return {t: c for t, c in rows.items() if proposed(c)}

    overall = per_label(pred)
    precision: dict[str, float | None] = {
        t: round(float(prf(overall[t])["precision"]), 4) if t in overall else None for t in types
    }
    by_source: dict[str, dict[str, tuple[int, int]]] = {}
    for name, _ in SOURCES:
        for t, c in per_label([[s for s in spans if source_of(s.id) == name] for spans in pred]).items():
            by_source.setdefault(t, {})[name] = (int(c[COR]), proposed(c))
    return precision, {t: by_source[t] for t in sorted(by_source)}


def withheld_under(model: ServedModel, threshold: float) -> tuple[tuple[str, str], ...]:
    """The (type, source) pairs whose precision is measured under ``threshold`` (:func:`measured_below`): on the
    project's held-out gold where the source proposed the type there (the project's conventions decide), else on the
    corpus's validation split."""
    counts = {(t, s): c for t, by in model.measured.items() for s, c in by.items()}
    counts |= {(t, s): c for t, by in model.measured_on_project.items() for s, c in by.items()}
    order = {name: i for i, (name, _) in enumerate(SOURCES)}
    below = [key for key, (right, proposed) in counts.items() if measured_below(right, proposed, threshold)]
    return tuple(sorted(below, key=lambda key: (key[0], order[key[1]])))


def measured_below(right: int, proposed: int, threshold: float) -> bool:
    """Whether ``right`` of ``proposed`` shows a precision under ``threshold`` with :data:`CONFIDENCE`: the upper end
    of its Wilson interval is under it (scipy's binomial test)."""
    if not proposed or threshold <= 0:
        return False
    from scipy.stats import binomtest

    interval = binomtest(right, proposed).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return bool(interval.high < threshold)


def source_figures(by_source: Mapping[str, Sequence[int]], withheld: Container[str] = ()) -> str:
    """Each source's measured precision with its counts (``crf 0.81 [59/73], places 0.07 [6/86] withheld``)."""
    return ", ".join(
        f"{name} {right / proposed:.2f} [{right}/{proposed}]{' withheld' if name in withheld else ''}"
        for name, (right, proposed) in by_source.items()
    )


def describe_model(model: ServedModel, schema: Schema) -> list[str]:
    """What the served model proposes, from which source, how precise it was measured to be, and what it cannot
    propose: the backend's start message (and what annotators are told)."""
    proposes = model.proposes()

    def one(t: str) -> str:
        p = model.precision.get(t)
        served = [name for name in model.sources(t) if model.serves(t, name)]
        on_project = model.measured_on_project.get(t, {})

        # "withheld" beside the measurement that withheld it: the project's gold decides where it measured the source
        withheld = {name for name, _ in SOURCES if not model.serves(t, name)}
        corpus = source_figures(model.measured.get(t, {}), withheld - set(on_project))
        measured = f"{'not measured' if p is None else f'{p:.2f}'}{f': {corpus}' if corpus else ''}"
        if on_project:
            documents = f"{model.project_documents} held-out project gold document(s)"
            measured += f"; on {documents}: {source_figures(on_project, withheld)}"
        return f"{t} ({'+'.join(served)}, precision {measured})"

    lines = [f"model {model.version} proposes: {', '.join(one(t) for t in proposes) or 'nothing'}"]
    cannot = [t for t in schema.entity_labels if t not in proposes]
    if cannot:
        lines.append(f"it cannot propose: {', '.join(cannot)}")
    if model.relation_types:
        relations = proposable(model.relation_types, proposes)
        lines.append(
            f"relations by structure (nested or adjacent mentions of types the schema relates one way only; precision "
            f"not measured): {', '.join(relations) or 'none'}"
        )
    if model.withheld:
        threshold = model.trained_on.get("serve_options", {}).get("min_precision")
        under = f"under {threshold:g}" if threshold else "under the threshold"
        lines.append(
            f"not proposed (precision measured {under} with {CONFIDENCE:.0%} confidence): "
            + ", ".join(f"{t} from {source}" for t, source in model.withheld)
        )
    choice = model.trained_on.get("per_type_choice") or {}
    if choice:

        def measured(c: dict[str, Any]) -> str:
            return ", ".join(f"{k} {v:.2f}" for k, v in c.items() if k not in ("serves", "documents"))

        documents = next(iter(choice.values()))["documents"]
        lines.append(
            f"chosen per type on {documents} held-out project gold document(s), strict F1: "
            + ", ".join(f"{t} {c['serves']} ({measured(c)})" for t, c in choice.items())
        )
    label_map = model.trained_on.get("label_map")
    if label_map:
        lines.append("trained through the label map " + ", ".join(f"{k}->{'|'.join(v)}" for k, v in label_map.items()))
    return lines


def served_model(release_dir: Path, schema: Schema, options: ServeOptions) -> tuple[ServedModel, Release]:
    """The model ``toolkit ls backend --release`` serves (and ``toolkit predict served`` writes), with its release."""
    from toolkit.dataset.load import load_release

    rel = load_release(release_dir)
    baselines = "crf+pair-classifier" if any(g.relations for _, g in rel.splits["train"]) else "crf"
    version = f"{baselines}@{rel.name}-{rel.version}-{rel.manifest_sha256[:12]}"
    about = {
        "dataset": rel.name,
        "version": rel.version,
        "manifest_sha256": rel.manifest_sha256,
        "release_path": str(Path(release_dir).resolve()),
        "serve_options": options.to_dict(),
    }
    model = build_model(rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, version, about, options)
    return model, rel
