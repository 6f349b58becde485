"""Units of annotated text, and writing them as documents and gold records (what every corpus format shares).

A reader (CoNLL, span JSON, brat) turns a file into a stream of :class:`Unit` values: a text (a sentence's
tokens joined by single spaces, or a brat document's own text), its spans as character offsets and its
relations between them, and where each came from. :func:`write_units` then applies the label maps (entities
and relations separately; ``OLD=`` drops a label, and a relation whose argument was dropped goes with it,
counted), the rules every gold layer follows (:mod:`toolkit.annotations.rules`: no duplicate span, no second
type for one span, overlaps as the schema allows, no self or duplicate relation, relation arguments of the
allowed types; refused naming file, line and id, or with ``skip_invalid`` left out, counted and listed),
checks every label against the schema when one is given, merges identical duplicate units, refuses
conflicting duplicates and units that occur in two splits (unless told what to keep), and writes
``articles.jsonl``, ``gold.jsonl`` and ``corpus.json`` (the input files with their checksums, the counts and
everything merged, dropped, skipped or kept) under the output folder: all three or none, one unit in memory at
a time.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from toolkit._io import dumps, sha256_file, staged
from toolkit.annotations.rules import Broken, check_relations, check_spans
from toolkit.errors import ToolkitError
from toolkit.model import Document, GoldRecord, Layer, Provenance, Relation, Span
from toolkit.schema import Schema

DUPLICATES = ("merge", "keep-all")
CONFLICTS = ("error", "keep-first")
CROSS_SPLIT = ("error", "keep-first", "keep-all")


class CorpusError(ToolkitError):
    """A corpus file is malformed or inconsistent."""


@dataclass(frozen=True)
class Unit:
    """One annotated sentence or document of a corpus file."""

    text: str
    spans: tuple[tuple[int, int, str], ...]  # character offsets [start, end) and label
    relations: tuple[tuple[int, int, str], ...]  # head span index, tail span index, label
    where: str  # "file, line N" (or the file), for messages
    source: Mapping[str, Any]  # {"file", "line"}
    token_offsets: tuple[tuple[int, int], ...] | None = None  # the corpus's own tokens, when it has them
    doc_id: str | None = None  # the corpus's own id for the unit (a brat file name, an export's id)
    span_refs: tuple[str, ...] | None = None  # how messages name each span ("T3 (line 4)"); default "entity N"
    relation_refs: tuple[str, ...] | None = None  # the same for relations ("R2 (line 9)"); default "relation N"

    def span_ref(self, k: int) -> str:
        return self.span_refs[k] if self.span_refs is not None else f"entity {k + 1}"

    def relation_ref(self, k: int) -> str:
        return self.relation_refs[k] if self.relation_refs is not None else f"relation {k + 1}"


@dataclass(frozen=True)
class ReadOptions:
    """What a reader is told: the tagging scheme (CoNLL), and what to do with what a format may hold that the
    canonical model has no place for (brat): discontinuous entities and relations with an event argument are an
    ``error`` (the default) or skipped (``skip``: counted and listed)."""

    scheme: str = "iob2"
    discontinuous: str = "error"
    event_args: str = "error"


@dataclass
class Skips:
    """What an import left out (counted by reason, listed by place and id) or ignored by design (counted)."""

    counts: Counter[str] = field(default_factory=Counter)
    listed: list[dict[str, str]] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, where: str, item: str = "") -> None:
        self.counts[reason] += 1
        self.listed.append({"reason": reason, "where": where, "item": item})

    def ignore(self, kind: str, n: int = 1) -> None:
        self.ignored[kind] += n


def from_tokens(
    tokens: Sequence[str],
    spans: Sequence[tuple[int, int, str]],
    relations: Sequence[tuple[int, int, str]],
    where: str,
    source: Mapping[str, Any],
) -> Unit:
    """A unit from tokens (joined by single spaces) and token-index spans ``[i, j)``."""
    starts, pos = [], 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok) + 1
    offsets = tuple((a, a + len(t)) for a, t in zip(starts, tokens, strict=True))
    chars = tuple((offsets[i][0], offsets[j - 1][1], label) for i, j, label in spans)
    return Unit(" ".join(tokens), chars, tuple(relations), where, source, offsets)


def unit_example(
    unit: Unit, doc_id: str, split: str, spans: Sequence[tuple[int, int, str]], rels: Sequence[tuple[int, int, str]]
) -> tuple[Document, Layer]:
    """The document and gold layer of a unit (spans and relations as mapped)."""
    meta: dict[str, Any] = {
        "outlet": None,
        "date": None,
        "source": dict(unit.source),
        "split": split,
        "source_file": unit.source.get("file"),
    }
    if unit.token_offsets is not None:
        meta["token_offsets"] = [list(x) for x in unit.token_offsets]
    layer = Layer(
        doc_id,
        "gold",
        "",
        tuple(Span(f"s{k}", a, b, label) for k, (a, b, label) in enumerate(spans, 1)),
        tuple(Relation(f"r{k}", f"s{h + 1}", f"s{t + 1}", label) for k, (h, t, label) in enumerate(rels, 1)),
        Provenance(str(unit.source.get("file", ""))),
        "gold",
    )
    return Document(doc_id, unit.text, meta), layer


def mapped(
    unit: Unit, label_map: Mapping[str, str], dropped: Counter[str], relation_map: Mapping[str, str] | None = None
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The unit's spans and relations after the label maps (entity labels by ``label_map``, relation labels by
    ``relation_map``); what they drop is counted."""
    m = _mapped(unit, label_map, relation_map or {}, dropped)
    return m.spans, m.relations


def split_of(path: Path) -> str:
    """train / validation / test from a file name (train.txt, dev.txt, valid.CoNLL04.json, test/ ...)."""
    stem = Path(path).name.lower()
    for key, split in (("train", "train"), ("dev", "validation"), ("valid", "validation"), ("test", "test")):
        if key in stem:
            return split
    raise CorpusError(f"{path}: cannot tell its split from the name; name it train/dev/valid/test or pass --split")


@dataclass
class _Counts:
    documents: int = 0
    tokens: int = 0
    entities: int = 0
    relations: int = 0
    entities_dropped: int = 0
    relations_dropped: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass(frozen=True)
class _Mapped:
    spans: list[tuple[int, int, str]]
    relations: list[tuple[int, int, str]]
    span_origin: list[int]  # the unit's index of each span
    relation_origin: list[int]


def _mapped(
    unit: Unit, label_map: Mapping[str, str], relation_map: Mapping[str, str], dropped: Counter[str]
) -> _Mapped:
    keep: dict[int, int] = {}
    spans: list[tuple[int, int, str]] = []
    origin: list[int] = []
    for k, (a, b, label) in enumerate(unit.spans):
        new = label_map.get(label, label)
        if not new:
            dropped[f"entity label {label!r} (--label-map)"] += 1
            continue
        keep[k] = len(spans)
        spans.append((a, b, new))
        origin.append(k)
    rels, rel_origin = [], []
    for k, (h, t, label) in enumerate(unit.relations):
        new = relation_map.get(label, label)
        if not new:
            dropped[f"relation label {label!r} (--relation-map)"] += 1
        elif h not in keep or t not in keep:
            dropped["relation whose argument was dropped"] += 1
        else:
            rels.append((keep[h], keep[t], new))
            rel_origin.append(k)
    return _Mapped(spans, rels, origin, rel_origin)


def _check_map_targets(
    mapping: Mapping[str, str], option: str, kind: str, labels: Sequence[str], schema_name: str
) -> None:
    """A mapping onto a type the schema lacks is refused before any file is read, naming the option's item."""
    for src, dst in mapping.items():
        if dst and dst not in labels:
            split = (
                " (OLD=A|B splits a label only where a model is trained: ls backend, predict served)"
                if "|" in dst
                else ""
            )
            raise CorpusError(
                f"{option} {src}={dst}: {dst!r} is not {kind} of schema {schema_name} ({', '.join(labels)}){split}; "
                f"map to one of them, or {src}= to drop it"
            )


def _check_labels(unit: Unit, m: _Mapped, schema: Schema) -> None:
    for k, (_, _, label) in enumerate(m.spans):
        if label not in schema.entity_labels:
            raise CorpusError(
                f"{unit.where}: {unit.span_ref(m.span_origin[k])}: entity label {label!r} is not a type of schema "
                f"{schema.name} ({', '.join(schema.entity_labels)}); map it with --label-map {label}=TYPE or drop it "
                f"with --label-map {label}="
            )
    for k, (_, _, label) in enumerate(m.relations):
        if label not in schema.relation_labels:
            raise CorpusError(
                f"{unit.where}: {unit.relation_ref(m.relation_origin[k])}: relation label {label!r} is not a type of "
                f"schema {schema.name} ({', '.join(schema.relation_labels) or 'none'}); map it with --relation-map "
                f"{label}=TYPE or drop it with --relation-map {label}="
            )


def _utf8(unit: Unit) -> None:
    """Text and labels must be writable as UTF-8 (a JSON ``\\ud800`` escape decodes to a lone surrogate)."""
    for what, value in (("the text", unit.text), *((f"label {s[2]!r}", s[2]) for s in unit.spans)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CorpusError(
                f"{unit.where}: {what} holds a lone surrogate ({value[exc.start]!r} at character {exc.start}), not "
                "Unicode text; fix the escape in the file"
            ) from None


class _Rules:
    """The rules of :mod:`toolkit.annotations.rules` on one unit: refused naming file, line and id, or skipped
    (counted and listed) with ``skip_invalid``."""

    def __init__(self, schema: Schema | None, skip_invalid: bool, skips: Skips) -> None:
        self.schema = schema
        self.policy = schema.span_overlap if schema is not None else "allow"
        self.skip_invalid = skip_invalid
        self.skips = skips
        self.overlaps: Counter[str] = Counter()

    def apply(self, unit: Unit, m: _Mapped) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        spans = [Span(str(k), a, b, label) for k, (a, b, label) in enumerate(m.spans)]

        def span_ref(i: str) -> str:
            return unit.span_ref(m.span_origin[int(i)])

        kept, broken = check_spans(spans, self.policy, one_type_per_span=True, ref=span_ref)
        for b in broken:
            self._broken(unit, span_ref(b.item), b)
        if self.schema is None:  # counted for the release, which checks them against its schema
            self.overlaps["crossing"] += len(check_spans(kept, "nested")[1])
            self.overlaps["nested"] += len(check_spans(kept, "forbid")[1]) - len(check_spans(kept, "nested")[1])
        rels = [Relation(str(k), str(h), str(t), label) for k, (h, t, label) in enumerate(m.relations)]
        kept_rels, broken_rels = check_relations(
            rels, kept, self.schema, ref=lambda i: unit.relation_ref(m.relation_origin[int(i)])
        )
        for b in broken_rels:
            self._broken(unit, unit.relation_ref(m.relation_origin[int(b.item)]), b)
        kept.sort(key=lambda s: (s.start, s.end, s.label))
        position = {s.id: k for k, s in enumerate(kept)}
        return (
            [(s.start, s.end, s.label) for s in kept],
            [(position[r.head], position[r.tail], r.label) for r in kept_rels],
        )

    def _broken(self, unit: Unit, ref: str, b: Broken) -> None:
        if b.code == "relation-endpoint-invalid":
            self.skips.skip("relation whose argument was left out", unit.where, ref)
            return
        if not self.skip_invalid:
            raise CorpusError(
                f"{unit.where}: {ref}: {b.message}; fix the corpus, or pass --skip-invalid to leave such items out "
                "(counted, and listed in corpus.json)"
            )
        self.skips.skip(_REASONS.get(b.code, b.code), unit.where, ref)


_REASONS = {
    "duplicate-region": "duplicate entity",
    "two-types": "second type for one span",
    "overlap": "overlap the schema forbids",
    "self-relation": "relation from an entity to itself",
    "duplicate-relation": "duplicate relation",
    "relation-types": "relation between entity types the schema does not allow",
}


def write_units(
    files: Sequence[tuple[Path, str, Iterable[Unit]]],
    out_dir: Path,
    *,
    fmt: str,
    label_map: Mapping[str, str] | None = None,
    relation_map: Mapping[str, str] | None = None,
    schema: Schema | None = None,
    conflicts: str = "error",
    cross_split: str = "error",
    duplicates: str = "merge",
    skip_invalid: bool = False,
    skips: Skips | None = None,
    about: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write the units of ``(file, split, units)`` as ``articles.jsonl``, ``gold.jsonl`` and ``corpus.json``.

    ``duplicates``: ``merge`` identical repeats of a text in one split (counted), or ``keep-all`` as the corpus
    publishes them (then conflicting repeats are kept too, and listed); ``conflicts``: a repeat with other
    annotations is an ``error`` or ``keep-first``; ``cross_split``: a text in two splits is an ``error``, or
    ``keep-first`` / ``keep-all`` (listed either way). ``skips`` holds what the readers left out already.
    """
    if conflicts not in CONFLICTS or cross_split not in CROSS_SPLIT or duplicates not in DUPLICATES:
        raise CorpusError(f"--duplicates takes {DUPLICATES}, --conflicts {CONFLICTS}, --cross-split {CROSS_SPLIT}")
    if schema is not None:
        _check_map_targets(label_map or {}, "--label-map", "an entity type", schema.entity_labels, schema.name)
        _check_map_targets(relation_map or {}, "--relation-map", "a relation type", schema.relation_labels, schema.name)
    w = _Writer(
        dict(label_map or {}),
        dict(relation_map or {}),
        schema,
        conflicts,
        cross_split,
        duplicates,
        _Rules(schema, skip_invalid, skips if skips is not None else Skips()),
    )
    out_dir = Path(out_dir)
    with staged(out_dir) as stage:
        parts: list[tuple[Path, Path]] = []
        for k, (path, split, units) in enumerate(files):
            part = (stage.dir / f".articles-{k}.part", stage.dir / f".gold-{k}.part")
            parts.append(part)
            with part[0].open("wb") as articles, part[1].open("wb") as gold:
                w.file(Path(path), split, units, articles, gold)
        if not any(c.documents for c in w.counts.values()):
            names = ", ".join(str(path) for path, _, _ in files)
            raise CorpusError(
                f"{names}: no documents to import (empty, or every one skipped); check that the files hold the "
                "corpus (an empty split file is fine beside others)"
            )
        _merge([a for a, _ in parts], stage.path("articles.jsonl"), ("id",))
        declared = {k: sorted(v) for k, v in w.annotated.items()}  # the corpus's own types, not the schema's
        _merge([g for _, g in parts], stage.path("gold.jsonl"), ("document", "id"), {"annotated": declared})
        for a, g in parts:
            a.unlink()
            g.unlink()
        summary = w.summary(fmt, out_dir, files, about)
        stage.path("corpus.json").write_text(dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def _merge(parts: Sequence[Path], out: Path, key: tuple[str, ...], add: Mapping[str, Any] | None = None) -> None:
    """The lines of sorted part files, merged in id order (one line of each in memory), with the fields ``add``."""
    import orjson

    def ident(line: bytes) -> str:
        value: Any = orjson.loads(line)
        for k in key:
            value = value[k]
        return str(value)

    handles = [p.open("rb") for p in parts]
    try:
        with out.open("wb") as fh:
            for line in heapq.merge(*handles, key=ident):
                fh.write(line if add is None else (dumps({**orjson.loads(line), **add}) + "\n").encode("utf-8"))
    finally:
        for h in handles:
            h.close()


class _Writer:
    """The state of one corpus import: counts, what was seen (by a digest of the text), merged, kept or dropped."""

    def __init__(
        self,
        label_map: dict[str, str],
        relation_map: dict[str, str],
        schema: Schema | None,
        conflicts: str,
        cross_split: str,
        duplicates: str,
        rules: _Rules,
    ) -> None:
        self.label_map, self.relation_map, self.schema = label_map, relation_map, schema
        self.conflicts, self.cross_split, self.duplicates = conflicts, cross_split, duplicates
        self.rules = rules
        self.counts: dict[str, _Counts] = {}
        self.dropped: Counter[str] = Counter()
        self.merged: list[dict[str, str]] = []
        self.kept_first: list[dict[str, Any]] = []
        self.in_two_splits: list[dict[str, str]] = []
        self.kept_all: list[dict[str, Any]] = []
        self.seen: dict[bytes, tuple[str, str, bytes]] = {}
        self.ids: dict[str, str] = {}
        self.annotated: dict[str, set[str]] = {"entities": set(), "relations": set()}

    def file(self, path: Path, split: str, units: Iterable[Unit], articles: IO[bytes], gold: IO[bytes]) -> None:
        from toolkit.seeds import document_to_record

        c = self.counts.setdefault(split, _Counts())
        for n, unit in enumerate(units, 1):
            _utf8(unit)
            before = self.dropped.total()
            rel_before = sum(v for k, v in self.dropped.items() if k.startswith("relation"))
            m = _mapped(unit, self.label_map, self.relation_map, self.dropped)
            rel_drops = sum(v for k, v in self.dropped.items() if k.startswith("relation")) - rel_before
            c.relations_dropped += rel_drops
            c.entities_dropped += self.dropped.total() - before - rel_drops
            if self.schema is not None:
                _check_labels(unit, m, self.schema)
            spans, rels = self.rules.apply(unit, m)
            if not self._first(unit, split, spans, rels):
                continue
            doc_id = unit.doc_id or f"{path.stem if path.is_file() else path.name}-{n:05d}"
            if doc_id in self.ids:
                raise CorpusError(
                    f"{unit.where}: document id {doc_id!r} is also {self.ids[doc_id]}; ids must be unique: rename one "
                    "file (two input files with one name give the same ids)"
                )
            self.ids[doc_id] = unit.where
            doc, layer = unit_example(unit, doc_id, split, spans, rels)
            articles.write((dumps(document_to_record(doc)) + "\n").encode("utf-8"))
            record = GoldRecord(
                Document(doc_id, unit.text, {"split": split}),
                layer,
                "corpus",
                {s.id: ("corpus",) for s in layer.spans},
                {r.id: ("corpus",) for r in layer.relations},
            )
            self.annotated["entities"].update(s.label for s in layer.spans)
            self.annotated["relations"].update(r.label for r in layer.relations)
            gold.write((dumps(record.to_dict()) + "\n").encode("utf-8"))
            c.documents += 1
            c.tokens += len(unit.token_offsets) if unit.token_offsets is not None else len(unit.text.split())
            c.entities += len(spans)
            c.relations += len(rels)

    def _first(
        self, unit: Unit, split: str, spans: list[tuple[int, int, str]], rels: list[tuple[int, int, str]]
    ) -> bool:
        """Whether to write the unit: a repeat of a text is merged, kept, refused or dropped as told."""
        digest = hashlib.blake2b(unit.text.encode("utf-8"), digest_size=16).digest()
        key = hashlib.blake2b(repr((spans, rels)).encode("utf-8"), digest_size=16).digest()
        earlier = self.seen.get(digest)
        if earlier is None:
            self.seen[digest] = (split, unit.where, key)
            return True
        e_split, e_where, e_key = earlier
        if e_split != split:
            if self.cross_split == "error":
                raise CorpusError(
                    f"{unit.where}: the same text is also in {e_split} ({e_where}); a sentence in two splits "
                    "leaks test data into training: remove one, or pass --cross-split keep-first / keep-all"
                )
            self.in_two_splits.append({"text": unit.text[:80], "first": e_where, "also": unit.where})
            return self.cross_split != "keep-first"
        if self.duplicates == "keep-all":
            self.kept_all.append({"first": e_where, "also": unit.where, "same_annotations": e_key == key})
            return True
        if e_key == key:
            self.merged.append({"kept": e_where, "merged": unit.where})
            return False
        if self.conflicts == "error":
            raise CorpusError(
                f"{unit.where}: the same text as {e_where} with other annotations (here: "
                f"{_show(spans, rels, unit.text)}); fix one, or pass --conflicts keep-first"
            )
        self.kept_first.append({"kept": e_where, "dropped": unit.where})
        return False

    def summary(
        self, fmt: str, out_dir: Path, files: Sequence[tuple[Path, str, Any]], about: Mapping[str, str] | None
    ) -> dict[str, Any]:
        annotated = {k: sorted(v) for k, v in self.annotated.items()}
        skips = self.rules.skips
        summary: dict[str, Any] = {
            "format": fmt,
            "out": str(out_dir),
            "files": [{"file": p.name, "split": s, "sha256": _checksum(p)} for p, s, _ in files],
            "splits": {s: c.to_dict() for s, c in self.counts.items()},
            "annotated_types": annotated,
            "dropped": dict(sorted(self.dropped.items())),
            "duplicates": {"policy": self.duplicates, "merged": len(self.merged), "kept": self.kept_all},
            "conflicting_duplicates_kept_first": self.kept_first,
            "in_two_splits": {"policy": self.cross_split, "units": self.in_two_splits},
            "label_map": self.label_map,
            "merged": self.merged,
            **dict(about or {}),  # title, source text, citation, licence: for the card
        }
        if self.relation_map:
            summary["relation_map"] = self.relation_map
        if skips.counts:
            summary["skipped"] = {"counts": dict(sorted(skips.counts.items())), "items": skips.listed}
        if skips.ignored:
            summary["ignored_lines"] = dict(sorted(skips.ignored.items()))
        if self.rules.overlaps.total():
            summary["overlapping_entities"] = dict(sorted(self.rules.overlaps.items()))
        return summary


def _checksum(path: Path) -> str:
    """sha256 of a file, or of a folder's files in name order (brat corpora are folders)."""
    if Path(path).is_file():
        return sha256_file(Path(path))
    digest = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        digest.update(f.name.encode() + b"\0" + sha256_file(f).encode())
    return digest.hexdigest()


def _show(spans: list[tuple[int, int, str]], rels: list[tuple[int, int, str]], text: str) -> str:
    ents = ", ".join(f"{text[a:b]!r} {label}" for a, b, label in spans) or "no entities"
    return ents + (f"; {len(rels)} relations" if rels else "")
