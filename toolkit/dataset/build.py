"""Rows of the dataset, streamed from seed articles and adjudicated gold layers.

One row per document; the BIO view is derived from the character spans (see :mod:`bio`).
Two passes over the gold files keep memory flat however many documents there are:

1. :func:`index_gold` reads every record once: where it is (file, byte offset, line), its
   checks against the seed store, and its MinHash for near-duplicate grouping;
2. :func:`iter_batches` re-reads the records in document-id order, tokenises them, derives the
   BIO tags and appends them column by column to Arrow record batches (:mod:`columns`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa

from toolkit._gc import gc_paused
from toolkit._io import sha256_file
from toolkit.dataset.bio import bio_ids, bio_ranges
from toolkit.dataset.columns import ColumnBatch
from toolkit.dataset.splits import SPLITS, NearDuplicates, SplitPlan, assign_splits
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Annotation, Document, layer_from_dict
from toolkit.schema import Schema
from toolkit.seeds import iter_articles
from toolkit.tokenize import doc_token_arrays


class DatasetBuildError(ToolkitError):
    """The inputs of a dataset build are inconsistent."""


@dataclass(frozen=True)
class GoldDoc:
    document: Document
    gold: Annotation
    span_support: Mapping[str, Sequence[str]]
    relation_support: Mapping[str, Sequence[str]]


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
        }


@dataclass(frozen=True)
class SeedInfo:
    """What the build needs of a seed article: a digest of its text and its metadata."""

    digest: bytes
    metadata: Mapping[str, Any]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def seed_index(path: Path) -> dict[str, SeedInfo]:
    """Digest and metadata of every seed article (not its text: the gold records carry it)."""
    return {d.id: SeedInfo(_digest(d.text), d.metadata) for d in iter_articles(path)}


@dataclass(frozen=True)
class GoldIndex:
    paths: tuple[Path, ...]
    where: Mapping[str, tuple[int, int, int]]  # document id -> (input, byte offset, line)
    near_duplicates: list[list[str]]


def index_gold(paths: Sequence[Path], seeds: Mapping[str, SeedInfo], threshold: float = 0.8) -> GoldIndex:
    """Pass 1: locate and check every gold record, and group near-duplicate texts."""
    where: dict[str, tuple[int, int, int]] = {}
    found = NearDuplicates(threshold)
    for n, path in enumerate(paths):
        fh = _open(path)
        with fh, gc_paused():
            offset = 0
            for lineno, line in enumerate(fh, 1):
                at = f"{path}, line {lineno}"
                _, doc_id, text = _record(line, at)
                seed = seeds.get(doc_id)
                if seed is None:
                    raise DatasetBuildError(f"{at}: document {doc_id} is not in the seed store; ingest its page first")
                if seed.digest != _digest(text):
                    raise DatasetBuildError(
                        f"{at}: the gold layers of document {doc_id} were made on a different text than the seed "
                        "article; re-annotate it or restore the seed"
                    )
                if doc_id in where:
                    raise DatasetBuildError(f"{at}: document {doc_id} has gold layers in two inputs; keep one")
                where[doc_id] = (n, offset, lineno)
                offset += len(line)
                found.add(doc_id, text)
    return GoldIndex(tuple(Path(p) for p in paths), where, found.groups())


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
        doc_id, text = rec["document"]["id"], rec["document"]["text"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise _not_gold(at, exc) from None
    if not isinstance(doc_id, str) or not isinstance(text, str):
        raise _not_gold(at, "the document id and text must be strings")
    return rec, doc_id, text


def _gold_doc(line: bytes, at: str, seed: SeedInfo, labels: set[str], rel_labels: set[str]) -> GoldDoc:
    rec, doc_id, text = _record(line, at)
    try:
        gold = layer_from_dict(rec["gold"])
        support = rec.get("support", {})
    except (KeyError, TypeError, ModelError) as exc:
        raise _not_gold(at, exc) from None
    document = Document(doc_id, text, seed.metadata)
    for s in gold.spans:
        if s.label not in labels:
            raise DatasetBuildError(f"{at}: document {doc_id}, span {s.id}: label {s.label!r} is not in the schema")
        document.span_text(s)
    for r in gold.relations:
        if r.label not in rel_labels:
            raise DatasetBuildError(f"{at}: document {doc_id}, relation {r.id}: label {r.label!r} is not in the schema")
    return GoldDoc(document, gold, support.get("spans", {}), support.get("relations", {}))


def iter_gold(index: GoldIndex, seeds: Mapping[str, SeedInfo], schema: Schema) -> Iterator[GoldDoc]:
    """Pass 2: the gold documents in id order, each checked against the schema."""
    labels, rel_labels = set(schema.entity_labels), set(schema.relation_labels)
    with ExitStack() as stack:
        handles = [stack.enter_context(_open(p)) for p in index.paths]
        for doc_id in sorted(index.where):
            n, offset, lineno = index.where[doc_id]
            handles[n].seek(offset)
            line = handles[n].readline()
            yield _gold_doc(line, f"{index.paths[n]}, line {lineno}", seeds[doc_id], labels, rel_labels)


def iter_batches(
    index: GoldIndex,
    seeds: Mapping[str, SeedInfo],
    schema: Schema,
    plan: SplitPlan,
    report: BuildReport,
    arrow_schema: pa.Schema,
    batch: int = 1000,
) -> Iterator[tuple[str, pa.RecordBatch]]:
    """``(split, record batch)`` of at most ``batch`` rows, rows in id order; the report fills as they go."""
    tag_ids = {name: i for i, name in enumerate(schema.bio_names())}
    ent_ids = {name: i for i, name in enumerate(schema.entity_labels)}
    rel_ids = {name: i for i, name in enumerate(schema.relation_labels)}
    pending = {s: ColumnBatch(arrow_schema, ent_ids, rel_ids) for s in SPLITS}
    counts = {s: 0 for s in SPLITS}
    train_surfaces: set[tuple[str, str]] = set()
    held_out: dict[str, list[tuple[str, str]]] = {"validation": [], "test": []}
    with gc_paused():
        for g in iter_gold(index, seeds, schema):
            doc, text = g.document, g.document.text
            split = plan.assignment[doc.id]
            counts[split] += 1
            labels = report.per_split_entities.setdefault(split, {})
            for s in g.gold.spans:
                report.entities[s.label] = report.entities.get(s.label, 0) + 1
                labels[s.label] = labels.get(s.label, 0) + 1
                surface = (text[s.start : s.end].lower(), s.label)
                if split == "train":
                    train_surfaces.add(surface)
                else:
                    held_out[split].append(surface)
            rels = report.per_split_relations.setdefault(split, {})
            for r in g.gold.relations:
                report.relations[r.label] = report.relations.get(r.label, 0) + 1
                rels[r.label] = rels.get(r.label, 0) + 1
            tokens, starts, ends = doc_token_arrays(text, doc.metadata)
            bio = bio_ranges(starts, ends, g.gold.spans)
            report.tokens += len(tokens)
            report.nested_dropped_from_bio += len(bio.dropped_nested)
            for sid in bio.misaligned + bio.no_token:
                span = g.gold.span(sid)
                report.misaligned.append(
                    {
                        "document": doc.id,
                        "span": sid,
                        "text": text[span.start : span.end],
                        "start": span.start,
                        "end": span.end,
                        "rule": "widened to token boundaries in the BIO view" if sid in bio.misaligned else "no token",
                    }
                )
            rows = pending[split]
            rows.add(
                doc,
                g.gold,
                g.span_support,
                g.relation_support,
                tokens,
                starts,
                ends,
                bio_ids(len(tokens), bio.ranges, tag_ids),
            )
            if len(rows) >= batch:
                yield split, rows.take()
    for split in SPLITS:
        if len(pending[split]):
            yield split, pending[split].take()
    report.documents = counts
    report.entities = dict(sorted(report.entities.items()))
    report.relations = dict(sorted(report.relations.items()))
    report.near_duplicate_groups = [list(g) for g in plan.groups]
    report.surface_overlap = {
        split: (sum(1 for m in mentions if m in train_surfaces) / len(mentions) if mentions else None)
        for split, mentions in held_out.items()
    }


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
