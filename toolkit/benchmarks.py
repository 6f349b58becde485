"""Benchmarks: train each baseline on a release's train split, score validation and test.

Results go to ``benchmarks/<dataset>/<version>/<baseline>.json`` with the metrics, bootstrap
intervals, config, seed, the release's manifest checksum and the toolkit version. A result file
for the same dataset and version made from a release with a different manifest checksum is
refused, so a score can never be attributed to the wrong data version. The leaderboard
(``benchmarks/README.md``) and the plots are regenerated from the result files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps, sha256_file
from toolkit.baselines import ENTITY_EXTRACTORS, RELATION_EXTRACTORS
from toolkit.baselines.base import BaselineError, Example
from toolkit.errors import ToolkitError
from toolkit.evaluate import ENTITY_MODES, bootstrap, score_entities, score_relations
from toolkit.model import Annotation, Document, Provenance, Relation, Span
from toolkit.schema import Schema

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    manifest_sha256: str
    splits: dict[str, list[Example]]


def load_release(path: Path) -> Release:
    """A release folder as (document, gold layer) pairs per split; token offsets ride in the metadata."""
    import pyarrow.parquet as pq
    from datasets import Features

    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ToolkitError(f"{path}: not a release folder ({exc}); run `toolkit dataset release`") from None
    splits: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for split in SPLITS:
        f = path / "data" / f"{split}.parquet"
        if not f.exists():
            continue
        table = pq.read_table(f)
        feats = Features.from_arrow_schema(table.schema)
        ents, rels = feats["entities"].feature["label"].names, feats["relations"].feature["label"].names
        for row in table.to_pylist():
            meta = {
                "outlet": row["outlet"],
                "date": row["date"],
                "token_offsets": [[a, b] for a, b in zip(row["token_starts"], row["token_ends"], strict=True)],
            }
            doc = Document(row["id"], row["text"], meta)
            spans = tuple(Span(e["id"], e["start"], e["end"], ents[e["label"]]) for e in row["entities"])
            relations = tuple(Relation(r["id"], r["head"], r["tail"], rels[r["label"]]) for r in row["relations"])
            splits[split].append((doc, Annotation(doc.id, "gold", "", spans, relations, Provenance(str(path)), "gold")))
    return Release(manifest["name"], manifest["version"], sha256_file(path / "manifest.json"), splits)


def _entity_report(
    gold: Sequence[Example], pred: Sequence[Sequence[Span]], resamples: int, seed: int
) -> dict[str, Any]:
    scores = score_entities([g.spans for _, g in gold], pred)
    out = scores.to_dict()
    for mode in ENTITY_MODES:
        out[mode]["ci95"] = bootstrap(scores.per_doc[mode], mode, resamples=resamples, seed=seed)
    out["documents"] = len(gold)
    return out


def _confusion(gold: Sequence[Example], pred: Sequence[Sequence[Span]]) -> dict[str, dict[str, int]]:
    """Gold type -> predicted type for same-boundary entities; ``O`` for missed and spurious ones."""
    table: dict[str, dict[str, int]] = {}

    def add(g: str, p: str) -> None:
        table.setdefault(g, {})[p] = table.setdefault(g, {}).get(p, 0) + 1

    for (_, layer), spans in zip(gold, pred, strict=True):
        by_pos = {(s.start, s.end): s.label for s in spans}
        gold_pos = {(s.start, s.end) for s in layer.spans}
        for s in layer.spans:
            add(s.label, by_pos.get((s.start, s.end), "O"))
        for pos, label in by_pos.items():
            if pos not in gold_pos:
                add("O", label)
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def run(
    release_dir: Path,
    schema: Schema,
    *,
    out_root: Path = Path("benchmarks"),
    baselines: Sequence[str] = tuple(ENTITY_EXTRACTORS),
    seed: int = 0,
    resamples: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Benchmark the entity baselines (and the relation baselines, when the train split has relations)."""
    from toolkit import __version__

    rel = load_release(release_dir)
    out_dir = Path(out_root) / rel.name / rel.version
    _check_checksum(out_dir, rel.manifest_sha256)
    train, validation, test = (rel.splits[s] for s in SPLITS)
    symmetric = [r.label for r in schema.relations if not r.directed]
    # Score only the types this dataset annotates (idner-news-2k has PER, ORG, LOC): a prediction of
    # another type is not an error the dataset can judge.
    labels = sorted({s.label for split in rel.splits.values() for _, g in split for s in g.spans})
    written = []
    best_spans: dict[str, list[list[Span]]] = {}
    for name in baselines:
        if progress:
            progress(f"{name}: training on {len(train)} documents")
        model = ENTITY_EXTRACTORS[name]()
        result: dict[str, Any] = {
            "baseline": name,
            "task": "entities",
            "dataset": rel.name,
            "version": rel.version,
            "manifest_sha256": rel.manifest_sha256,
            "toolkit_version": __version__,
            "seed": seed,
            "resamples": resamples,
            "labels_scored": labels,
        }
        try:
            tuning = model.tune(train, validation, schema) if hasattr(model, "tune") and validation else None
            model.fit(train, schema)
        except BaselineError as exc:
            result["skipped"] = str(exc)
            written.append(_write(out_dir / f"{name}.json", result))
            continue
        result["config"] = {k: v for k, v in vars(model).items() if isinstance(v, int | float | str)}
        if tuning:
            result["tuning_on_validation"] = tuning
        for split, data in (("train", train), ("validation", validation), ("test", test)):
            if not data:
                continue
            if progress:
                progress(f"{name}: predicting {split} ({len(data)} documents)")
            pred = [[x for x in model.predict_spans(doc) if x.label in labels] for doc, _ in data]
            result[split] = _entity_report(data, pred, resamples, seed)
            if split == "test":
                result["test"]["confusion"] = _confusion(data, pred)
                best_spans[name] = pred
        written.append(_write(out_dir / f"{name}.json", result))
    if any(g.relations for _, g in train):
        for name, make in RELATION_EXTRACTORS.items():
            written.append(_relation_bench(name, make(), rel, schema, symmetric, best_spans, out_dir, seed))
    return written


def _relation_bench(
    name: str,
    model: Any,
    rel: Release,
    schema: Schema,
    symmetric: list[str],
    predicted: dict[str, list[list[Span]]],
    out_dir: Path,
    seed: int,
) -> Path:
    from toolkit import __version__

    train, test = rel.splits["train"], rel.splits["test"]
    result: dict[str, Any] = {
        "baseline": name,
        "task": "relations",
        "dataset": rel.name,
        "version": rel.version,
        "manifest_sha256": rel.manifest_sha256,
        "toolkit_version": __version__,
        "seed": seed,
    }
    try:
        model.fit(train, schema)
    except BaselineError as exc:
        result["skipped"] = str(exc)
        return _write(out_dir / f"{name}.json", result)
    gold = [(g.spans, g.relations) for _, g in test]
    given = [(g.spans, model.predict_relations(d, g.spans)) for d, g in test]
    result["test_given_gold_entities"] = _strip(score_relations(gold, given, symmetric))
    if "crf" in predicted:
        e2e = [(spans, model.predict_relations(d, spans)) for (d, _), spans in zip(test, predicted["crf"], strict=True)]
        result["test_end_to_end_with_crf"] = _strip(score_relations(gold, e2e, symmetric))
    return _write(out_dir / f"{name}.json", result)


def _strip(scores: dict[str, Any]) -> dict[str, Any]:
    return {mode: {k: v for k, v in s.items() if k != "per_doc"} for mode, s in scores.items()}


def _check_checksum(out_dir: Path, manifest_sha: str) -> None:
    for f in sorted(out_dir.glob("*.json")):
        old = json.loads(f.read_text(encoding="utf-8")).get("manifest_sha256")
        if old and old != manifest_sha:
            raise ToolkitError(
                f"{f} was scored on a release with manifest sha256 {old[:12]}..., not {manifest_sha[:12]}...: the same "
                "dataset version with different data; release a new version instead of overwriting results"
            )


def _write(path: Path, result: dict[str, Any]) -> Path:
    atomic_write_text(path, dumps(result, indent=1) + "\n")
    return path
