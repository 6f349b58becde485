"""Rows of the dataset, from seed articles and adjudicated gold layers.

One row per document; the BIO view is derived from the character spans (see :mod:`bio`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit._io import sha256_file
from toolkit.dataset.bio import spans_to_bio
from toolkit.dataset.splits import SPLITS, SplitPlan, plan_splits
from toolkit.errors import ModelError, ToolkitError
from toolkit.model import Annotation, Document, layer_from_dict
from toolkit.schema import Schema
from toolkit.tokenize import doc_tokens


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


def read_gold(paths: Sequence[Path], seeds: Mapping[str, Document], schema: Schema) -> list[GoldDoc]:
    """Gold documents from ``toolkit annotations gold`` files, checked against the seeds and the schema."""
    out: dict[str, GoldDoc] = {}
    labels, rel_labels = set(schema.entity_labels), set(schema.relation_labels)
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DatasetBuildError(f"{path}: cannot read gold layers ({exc.strerror})") from exc
        for lineno, line in enumerate(lines, 1):
            where = f"{path}, line {lineno}"
            try:
                rec = json.loads(line)
                doc_id, text = rec["document"]["id"], rec["document"]["text"]
                gold = layer_from_dict(rec["gold"])
                support = rec.get("support", {})
            except (json.JSONDecodeError, KeyError, TypeError, ModelError) as exc:
                raise DatasetBuildError(f"{where}: not a gold record ({exc}); run `toolkit annotations gold`") from None
            seed = seeds.get(doc_id)
            if seed is None:
                raise DatasetBuildError(f"{where}: document {doc_id} is not in the seed store; ingest its page first")
            if seed.text != text:
                raise DatasetBuildError(
                    f"{where}: the gold layers of document {doc_id} were made on a different text than the seed "
                    "article; re-annotate it or restore the seed"
                )
            for s in gold.spans:
                if s.label not in labels:
                    raise DatasetBuildError(
                        f"{where}: document {doc_id}, span {s.id}: label {s.label!r} is not in the schema"
                    )
                seed.span_text(s)
            for r in gold.relations:
                if r.label not in rel_labels:
                    raise DatasetBuildError(
                        f"{where}: document {doc_id}, relation {r.id}: label {r.label!r} is not in the schema"
                    )
            if doc_id in out:
                raise DatasetBuildError(f"{where}: document {doc_id} has gold layers in two inputs; keep one")
            out[doc_id] = GoldDoc(seed, gold, support.get("spans", {}), support.get("relations", {}))
    return [out[k] for k in sorted(out)]


def _row(g: GoldDoc, schema: Schema, report: BuildReport) -> dict[str, Any]:
    doc, text = g.document, g.document.text
    tokens = doc_tokens(text, doc.metadata)
    bio = spans_to_bio(tokens, g.gold.spans)
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
    tag_ids = {name: i for i, name in enumerate(schema.bio_names())}
    ent_ids = {name: i for i, name in enumerate(schema.entity_labels)}
    rel_ids = {name: i for i, name in enumerate(schema.relation_labels)}
    source = doc.metadata.get("source") or {}
    return {
        "id": doc.id,
        "text": text,
        "outlet": doc.metadata.get("outlet"),
        "date": doc.metadata.get("date"),
        "source_file": source.get("file") if isinstance(source, Mapping) else None,
        "tokens": [text[a:b] for a, b in tokens],
        "token_starts": [a for a, _ in tokens],
        "token_ends": [b for _, b in tokens],
        "ner_tags": [tag_ids[t] for t in bio.tags],
        "entities": [
            {
                "id": s.id,
                "start": s.start,
                "end": s.end,
                "label": ent_ids[s.label],
                "text": text[s.start : s.end],
                "annotators": list(g.span_support.get(s.id, [])),
            }
            for s in g.gold.spans
        ],
        "relations": [
            {
                "id": r.id,
                "head": r.head,
                "tail": r.tail,
                "label": rel_ids[r.label],
                "annotators": list(g.relation_support.get(r.id, [])),
            }
            for r in g.gold.relations
        ],
    }


def iter_rows(
    golds: Sequence[GoldDoc], schema: Schema, plan: SplitPlan, report: BuildReport
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(split, row)`` for every document, in id order; the report is filled as rows go by."""
    counts = {s: 0 for s in SPLITS}
    train_surfaces: set[tuple[str, str]] = set()
    held_out: dict[str, list[tuple[str, str]]] = {"validation": [], "test": []}
    for g in golds:
        split = plan.assignment[g.document.id]
        counts[split] += 1
        text = g.document.text
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
        yield split, _row(g, schema, report)
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


def plan_for(golds: Sequence[GoldDoc], ratios: Sequence[float], seed: int, split_by: str = "hash") -> SplitPlan:
    """Hash splits, or (``split_by="metadata"``) the split each document records (a corpus's official one)."""
    plan = plan_splits([g.document for g in golds], ratios, seed)
    if split_by == "hash":
        return plan
    if split_by != "metadata":
        raise DatasetBuildError(f"--split-by must be hash or metadata, not {split_by!r}")
    assignment = {}
    for g in golds:
        split = SPLIT_ALIASES.get(str(g.document.metadata.get("split")))
        if split is None:
            raise DatasetBuildError(
                f"document {g.document.id} records no split (metadata 'split' is "
                f"{g.document.metadata.get('split')!r}); use --split-by hash"
            )
        assignment[g.document.id] = split
    return SplitPlan(assignment, plan.groups)


def input_checksums(paths: Sequence[Path]) -> list[dict[str, str]]:
    return [{"file": Path(p).name, "sha256": sha256_file(Path(p))} for p in paths]
