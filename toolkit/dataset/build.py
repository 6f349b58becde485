"""Rows of the dataset, streamed from seed articles and adjudicated gold layers.

One row per document; the BIO view is derived from the character spans (see :mod:`bio`).
Two passes over the gold files keep memory flat however many documents there are:

1. :func:`index_gold` reads every record once, in ranges of whole lines: where it is (file, byte
   offset, line), its checks against the seed store, and its MinHash for near-duplicate grouping;
2. :func:`iter_batches` re-reads the records in document-id order, tokenises them, derives the
   BIO tags and appends them column by column to Arrow record batches (:mod:`columns`).

(Over 400 lines on purpose: the two passes share the record parsing, the range cutting and the unit
types that make the output identical with any number of workers; split apart they would be easier to
let drift.)
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa

from toolkit._arrays import Arr
from toolkit._gc import gc_paused
from toolkit._io import sha256_file
from toolkit._workers import worker_pool
from toolkit.annotations.rules import check_relations, check_spans
from toolkit.dataset.columns import ColumnBatch
from toolkit.dataset.minhash import NearDuplicates, signatures
from toolkit.dataset.splits import SPLITS, SplitPlan, assign_splits, check_split_sizes
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import GoldRecord
from toolkit.schema import Schema
from toolkit.seeds import iter_articles
from toolkit.text.bio import bio_ids, bio_ranges
from toolkit.text.tokens import doc_token_columns


class DatasetBuildError(ToolkitError):
    """The inputs of a dataset build are inconsistent."""


@dataclass
class BuildReport:
    documents: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    nested_dropped_from_bio: int = 0
    misaligned: list[dict[str, Any]] = field(default_factory=list)
    near_duplicate_groups: list[list[str]] = field(default_factory=list)
    surface_overlap: dict[str, float | None] = field(default_factory=dict)
    per_split_entities: dict[str, dict[str, int]] = field(default_factory=dict)
    per_split_relations: dict[str, dict[str, int]] = field(default_factory=dict)
    inputs: list[dict[str, str]] = field(default_factory=list)
    annotated_types: dict[str, list[str]] = field(default_factory=lambda: {"entities": [], "relations": []})
    documents_from_gold_records: int = 0  # not in the seed store: text and metadata from the gold records
    annotators_per_document: dict[str, int] = field(default_factory=dict)  # "2" -> documents with two annotators
    documents_reviewed: int = 0  # gold decided in a review round (recorded only where there is some)
    # a corpus's release: the schema's types it never annotates, left out of its ClassLabels (recorded where some are)
    schema_types_left_out: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": self.entities,
            "relations": self.relations,
            "tokens": self.tokens,
            "nested_dropped_from_bio": self.nested_dropped_from_bio,
            "misaligned": self.misaligned,
            "near_duplicate_groups": self.near_duplicate_groups,
            "surface_overlap_with_train": self.surface_overlap,
            "inputs": self.inputs,
            "annotated_types": self.annotated_types,
            "documents_from_gold_records": self.documents_from_gold_records,
            "annotators_per_document": self.annotators_per_document,
        } | (
            ({"documents_reviewed": self.documents_reviewed} if self.documents_reviewed else {})
            | ({"schema_types_left_out": self.schema_types_left_out} if self.schema_types_left_out else {})
        )


@dataclass(frozen=True)
class SeedInfo:
    """What the build needs of a seed article: a digest of its text and its metadata."""

    digest: bytes
    metadata: Mapping[str, Any]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def seed_index(path: Path) -> dict[str, SeedInfo]:
    """Digest and metadata of every seed article (not its text: the gold records carry it)."""
    return {d.id: SeedInfo(_digest(d.text), dict(d.metadata)) for d in iter_articles(path)}


@dataclass(frozen=True)
class GoldIndex:
    paths: tuple[Path, ...]
    where: Mapping[str, tuple[int, int, int]]  # document id -> (input, byte offset, line)
    near_duplicates: list[list[str]]
    from_gold: Mapping[str, SeedInfo]  # documents not in the seed store: text and metadata from their gold records


RANGE_BYTES = 1 << 20
"""Pass 1 works on ranges of whole lines of about this many bytes (a few hundred records)."""


@dataclass(frozen=True)
class _Range:
    """Whole lines of one gold input: ``size`` bytes from byte ``start``, the first being line ``first_line``."""

    n: int
    path: Path
    start: int
    size: int
    first_line: int


def _ranges(paths: Sequence[Path]) -> Iterator[_Range]:
    """The inputs cut into ranges of whole lines (read here only to count the lines: workers re-read them)."""
    for n, path in enumerate(paths):
        with _open(path) as fh:
            start, line = 0, 1
            while data := fh.read(RANGE_BYTES):
                data += fh.readline()
                yield _Range(n, Path(path), start, len(data), line)
                start, line = start + len(data), line + data.count(b"\n")


def _sign_range(r: _Range) -> tuple[_Range, list[tuple[str, bytes, int, int]], Arr]:
    """The range, (document id, text digest, byte offset, line) of each of its records, and the MinHash
    signatures of their texts (runs in workers)."""
    with _open(r.path) as fh:
        fh.seek(r.start)
        data = fh.read(r.size)
    docs, texts, offset = [], [], r.start
    with gc_paused():
        for lineno, line in enumerate(io.BytesIO(data), r.first_line):
            _, doc_id, text = _record(line, f"{r.path}, line {lineno}")
            docs.append((doc_id, _digest(text), offset, lineno))
            texts.append(text)
            offset += len(line)
    return r, docs, signatures(texts)


def index_gold(
    paths: Sequence[Path], seeds: Mapping[str, SeedInfo], threshold: float = 0.8, pool: Any = None
) -> GoldIndex:
    """Pass 1: locate and check every gold record, and group near-duplicate texts.

    Ranges of lines are parsed and signed in order, by worker processes when there is a pool; what
    comes back is checked against the seeds here.
    """
    found = NearDuplicates(threshold)
    where: dict[str, tuple[int, int, int]] = {}
    from_gold: dict[str, SeedInfo] = {}
    jobs = _ranges(paths)
    signed = pool.imap(_sign_range, jobs) if pool is not None else map(_sign_range, jobs)
    for r, docs, rows in signed:
        for doc_id, digest, offset, lineno in docs:
            at = f"{r.path}, line {lineno}"
            seed = seeds.get(doc_id)
            if seed is None:
                seed = from_gold[doc_id] = _seed_from_gold(r.path, offset, at)
            elif seed.digest != digest:
                raise DatasetBuildError(
                    f"{at}: the gold layers of document {doc_id} were made on a different text than the seed "
                    "article; re-annotate it or restore the seed"
                )
            if doc_id in where:
                raise DatasetBuildError(f"{at}: document {doc_id} has gold layers in two inputs; keep one")
            where[doc_id] = (r.n, offset, lineno)
        found.add_signatures([d[0] for d in docs], rows)
    return GoldIndex(tuple(Path(p) for p in paths), where, found.groups(), from_gold)


def _seed_from_gold(path: Path, offset: int, at: str) -> SeedInfo:
    """The seed of a document that is only in its gold record (a project the toolkit did not push): its text,
    and as metadata the Label Studio task data the import kept (outlet, date, source file when present)."""
    with _open(path) as fh:
        fh.seek(offset)
        rec, _, text = _record(fh.readline(), at)
    meta = rec["document"].get("metadata") or {}
    if not isinstance(meta, dict):
        raise _not_gold(at, "document metadata must be an object")
    data: dict[str, Any] = meta["data"] if isinstance(meta.get("data"), dict) else {}
    metadata = {
        "outlet": data.get("outlet") or meta.get("outlet"),
        "date": data.get("date") or meta.get("date"),
        "source": {"file": data.get("source_file") or meta.get("snapshot")},
        "split": meta.get("split"),
        "origin": "gold record",
    }
    return SeedInfo(_digest(text), metadata)


def _open(path: Path) -> IO[bytes]:
    try:
        return Path(path).open("rb")
    except OSError as exc:
        raise DatasetBuildError(f"{path}: cannot read gold layers ({exc.strerror})") from exc


def _not_gold(at: str, exc: object) -> DatasetBuildError:
    return DatasetBuildError(f"{at}: not a gold record ({exc}); run `toolkit annotations gold`")


def _record(line: bytes, at: str) -> tuple[dict[str, Any], str, str]:
    """A gold record with its document id and text, or an error naming the line."""
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise _not_gold(at, f"not JSON: {exc}") from None
    document = rec.get("document") if isinstance(rec, dict) else None
    if not isinstance(document, dict):
        raise _not_gold(at, "a JSON object with 'document' and 'gold' expected")
    doc_id, text = document.get("id"), document.get("text")
    if not isinstance(doc_id, str) or not isinstance(text, str):
        raise _not_gold(at, "the document id and text must be strings")
    return rec, doc_id, text


_FIX = (
    "re-import the corpus with --schema (and --label-map / --relation-map OLD=TYPE, or OLD= to drop it), or fix the "
    "gold"
)


def _gold_doc(
    line: bytes, at: str, seed: SeedInfo, labels: set[str], rel_labels: set[str], schema: Schema
) -> GoldRecord:
    """The gold record of a line, its document carrying the seed's metadata; checked against the schema: its labels
    and the rules of :mod:`toolkit.annotations.rules` (overlaps as ``span_overlap`` allows, relation types)."""
    rec, doc_id, text = _record(line, at)
    try:
        g = GoldRecord.from_dict({**rec, "document": {"id": doc_id, "text": text, "metadata": seed.metadata}}, at)
    except ModelError as exc:
        raise _not_gold(at, exc) from None
    for sp in g.gold.spans:
        if sp.label not in labels:
            raise DatasetBuildError(
                f"{at}: document {doc_id}, span {sp.id}: label {sp.label!r} is not an entity type of schema "
                f"{schema.name}; {_FIX}"
            )
    for r in g.gold.relations:
        if r.label not in rel_labels:
            raise DatasetBuildError(
                f"{at}: document {doc_id}, relation {r.id}: label {r.label!r} is not a relation type of schema "
                f"{schema.name}; {_FIX}"
            )
    _, broken = check_spans(g.gold.spans, schema.span_overlap)
    _, broken_rels = check_relations(g.gold.relations, g.gold.spans, schema)
    for b in (*broken, *broken_rels):
        raise DatasetBuildError(f"{at}: document {doc_id}, {b.item}: {b.message}; {_FIX}")
    return g


@dataclass(frozen=True)
class _Unit:
    """The rows of one record batch: up to ``batch`` documents of one split, in id order."""

    split: str
    docs: tuple[tuple[str, int, int, int, SeedInfo], ...]  # id, input, byte offset, line, seed
    paths: tuple[Path, ...]
    schema: Schema
    arrow_schema: pa.Schema


@dataclass
class _UnitStats:
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    tokens: int = 0
    nested: int = 0
    misaligned: list[dict[str, Any]] = field(default_factory=list)
    surfaces: list[tuple[str, str]] = field(default_factory=list)
    annotated_entities: set[str] = field(default_factory=set)
    annotated_relations: set[str] = field(default_factory=set)
    annotators_per_document: Counter[str] = field(default_factory=Counter)
    reviewed: int = 0


def _unit_rows(unit: _Unit) -> tuple[pa.RecordBatch, _UnitStats]:
    """Read, check, tokenise and tag the documents of one unit (in this process or a worker)."""
    schema = unit.schema
    labels, rel_labels = set(schema.entity_labels), set(schema.relation_labels)
    tag_ids = {name: i for i, name in enumerate(schema.bio_names())}
    rows = ColumnBatch(
        unit.arrow_schema,
        {name: i for i, name in enumerate(schema.entity_labels)},
        {name: i for i, name in enumerate(schema.relation_labels)},
    )
    stats = _UnitStats()
    with gc_paused(), ExitStack() as stack:
        handles: dict[int, IO[bytes]] = {}
        for _doc_id, n, offset, lineno, seed in unit.docs:
            if n not in handles:
                handles[n] = stack.enter_context(_open(unit.paths[n]))
            handles[n].seek(offset)
            g = _gold_doc(handles[n].readline(), f"{unit.paths[n]}, line {lineno}", seed, labels, rel_labels, schema)
            doc, text, spans = g.document, g.document.text, g.gold.spans
            stats.entities.update([s.label for s in spans])
            stats.surfaces += [(text[s.start : s.end].lower(), s.label) for s in spans]
            stats.relations.update([r.label for r in g.gold.relations])
            stats.annotators_per_document[str(len(g.annotators)) if g.annotators is not None else "unknown"] += 1
            stats.reviewed += g.reviewed_by is not None
            declared = g.annotated or {"entities": schema.entity_labels, "relations": schema.relation_labels}
            stats.annotated_entities.update(declared.get("entities", ()))
            stats.annotated_relations.update(declared.get("relations", ()))
            tokens, starts, ends = doc_token_columns(text, doc.metadata)
            bio = bio_ranges(starts, ends, spans)
            stats.tokens += len(tokens)
            stats.nested += len(bio.dropped_nested)
            for sid in bio.misaligned + bio.no_token:
                span = g.gold.span(sid)
                stats.misaligned.append(
                    {
                        "document": doc.id,
                        "span": sid,
                        "text": text[span.start : span.end],
                        "start": span.start,
                        "end": span.end,
                        "rule": "widened to token boundaries in the BIO view" if sid in bio.misaligned else "no token",
                    }
                )
            tags = bio_ids(len(tokens), bio.ranges, tag_ids)
            rows.add(doc, g.gold, g.span_support, g.relation_support, tokens, starts, ends, tags)
    return rows.take(), stats


def iter_batches(
    index: GoldIndex,
    seeds: Mapping[str, SeedInfo],
    schema: Schema,
    plan: SplitPlan,
    report: BuildReport,
    arrow_schema: pa.Schema,
    batch: int = 1000,
    pool: Any = None,
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """Pass 2: ``(split, record batch)`` of ``batch`` rows per split in id order; the report fills as they go.

    The units of work depend only on the data, so the output is the same with or without a pool.
    """
    by_split: dict[str, list[str]] = {s: [] for s in SPLITS}
    for doc_id in sorted(index.where):
        by_split[plan.assignment[doc_id]].append(doc_id)
    units = [
        _Unit(
            split,
            tuple((d, *index.where[d], seeds[d]) for d in ids[i : i + batch]),
            index.paths,
            schema,
            arrow_schema,
        )
        for split, ids in by_split.items()
        for i in range(0, len(ids), batch)
    ]
    train_surfaces: set[tuple[str, str]] = set()
    held_out: dict[str, list[tuple[str, str]]] = {"validation": [], "test": []}
    results = pool.imap(_unit_rows, units) if pool is not None else map(_unit_rows, units)
    for unit, (record_batch, stats) in zip(units, results, strict=True):
        split = unit.split
        for totals in (report.entities, report.per_split_entities.setdefault(split, {})):
            _add(totals, stats.entities)
        for totals in (report.relations, report.per_split_relations.setdefault(split, {})):
            _add(totals, stats.relations)
        report.tokens += stats.tokens
        _add(report.annotators_per_document, stats.annotators_per_document)
        report.documents_reviewed += stats.reviewed
        for kind, names in (("entities", stats.annotated_entities), ("relations", stats.annotated_relations)):
            report.annotated_types[kind] = sorted(set(report.annotated_types[kind]) | names)
        report.nested_dropped_from_bio += stats.nested
        report.misaligned += stats.misaligned
        if split == "train":
            train_surfaces.update(stats.surfaces)
        else:
            held_out[split] += stats.surfaces
        yield split, record_batch
    report.documents = {s: len(ids) for s, ids in by_split.items()}
    report.annotators_per_document = dict(sorted(report.annotators_per_document.items()))
    report.entities = dict(sorted(report.entities.items()))
    report.relations = dict(sorted(report.relations.items()))
    report.misaligned.sort(key=lambda m: str(m["document"]))  # stable: id order, as the documents are
    report.near_duplicate_groups = [list(g) for g in plan.groups]
    report.surface_overlap = {
        split: (sum(1 for m in mentions if m in train_surfaces) / len(mentions) if mentions else None)
        for split, mentions in held_out.items()
    }


def _add(totals: dict[str, int], counts: Mapping[str, int]) -> None:
    for label, n in counts.items():
        totals[label] = totals.get(label, 0) + n


@contextmanager
def build_workers(paths: Sequence[Path]) -> Iterator[Any]:
    """Worker processes for a big build, or None (see :mod:`toolkit._workers`); datasketch is loaded
    and the MinHash permutations made once, before forking, for every worker to inherit."""
    with worker_pool(paths, warm_up=lambda: signatures([""])) as pool:
        yield pool


SPLIT_ALIASES = {
    "train": "train",
    "dev": "validation",
    "valid": "validation",
    "validation": "validation",
    "test": "test",
}


def plan_for(
    index: GoldIndex, seeds: Mapping[str, SeedInfo], ratios: Sequence[float], seed: int, split_by: str = "hash"
) -> SplitPlan:
    """Hash splits, or (``split_by="metadata"``) the split each document records (a corpus's official one)."""
    plan = assign_splits(index.where, index.near_duplicates, ratios, seed)
    if split_by == "hash":
        check_split_sizes(plan, ratios)
        return plan
    if split_by != "metadata":
        raise DatasetBuildError(f"--split-by must be hash or metadata, not {split_by!r}")
    assignment = {}
    for doc_id in sorted(index.where):
        recorded = seeds[doc_id].metadata.get("split")
        split = SPLIT_ALIASES.get(str(recorded))
        if split is None:
            raise DatasetBuildError(
                f"document {doc_id} records no split (metadata 'split' is {recorded!r}); use --split-by hash"
            )
        assignment[doc_id] = split
    return SplitPlan(assignment, plan.groups)


def input_checksums(paths: Sequence[Path]) -> list[dict[str, str]]:
    return [{"file": Path(p).name, "sha256": sha256_file(Path(p))} for p in paths]
