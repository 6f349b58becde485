"""Inter-annotator agreement: the scoring engine with one annotator as the reference.

For every pair of annotators (in sorted order, the first as the reference) on the documents both
annotated, agreement is exactly what ``toolkit score`` reports for the second annotator's layers
as predictions against the first's as gold (:func:`toolkit.scoring.report.score_layers`, the
schema's label rule): ``span_exact`` is the ``strict`` entity mode, ``span_overlap`` the
``ent_type`` mode, ``relation`` the ``strict`` relation mode. Figures are per pair, averaged over
pairs, and pooled (counts added over all pairs and documents), per label and per document, with
percentile bootstrap 95% intervals over documents (:mod:`intervals`; a pair's over the documents both
annotated). Token agreement is Cohen's kappa and Krippendorff's alpha (nominal) (:mod:`kappa`), overall
and per label, from per-document confusion and coincidence matrices, equal to scikit-learn's and the
``krippendorff`` package's on the same tokens. Control tasks of a campaign are left out (counted): they
score annotators against known gold; agreement is measured on the overlapping cohort.

Documents are scored in chunks that keep only count rows and confusion matrices, so memory does
not hold the layers; a big layers file is read in ranges of lines by worker processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations, islice
from pathlib import Path
from typing import Any

import numpy as np

from toolkit._gc import gc_paused
from toolkit._workers import worker_pool
from toolkit.annotations.gold import disputed
from toolkit.annotations.layers import is_control, open_layers, parse_layers_line
from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer
from toolkit.schema import Schema
from toolkit.scoring.entities import HALF_CREDIT, ents_of
from toolkit.scoring.intervals import bootstrap
from toolkit.scoring.kappa import alpha_of, coincidences, confusion, kappa_of, one_label, token_label_ids
from toolkit.scoring.labels import LabelRule
from toolkit.scoring.prf import Arr, f1_of, prf
from toolkit.scoring.report import score_layers
from toolkit.text.tokens import doc_token_columns

MEASURES = ("span_exact", "span_overlap", "relation")
MEASURE_MODES = {
    "span_exact": ("entities", "strict"),
    "span_overlap": ("entities", "ent_type"),
    "relation": ("relations", "strict"),
}
CHUNK = 1000
"""Documents scored together (and the unit of work of a worker)."""


@dataclass(frozen=True)
class AgreementReport:
    documents: int
    documents_skipped: int
    control_documents: int
    annotators: tuple[str, ...]
    pairs: tuple[dict[str, Any], ...]
    overall: dict[str, Any]
    per_label: dict[str, dict[str, float | None]]
    per_document: tuple[dict[str, Any], ...]
    labels_scored: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "documents_skipped": self.documents_skipped,
            "control_documents": self.control_documents,
            "annotators": list(self.annotators),
            "pairs": list(self.pairs),
            "overall": self.overall,
            "per_label": self.per_label,
            "per_document": list(self.per_document),
            "labels_scored": self.labels_scored,
        }


@dataclass
class _PairPart:
    """One pair of annotators on the documents of one chunk that both annotated."""

    docs: list[int]  # positions in the chunk
    rows: dict[str, Arr]  # measure -> (documents, 5) counts
    labels: dict[str, dict[str, Arr]]  # measure -> label -> (5,) counts
    matrices: Arr  # (documents, k*k) token confusion matrices


@dataclass
class _Chunk:
    doc_ids: list[str] = field(default_factory=list)
    doc_annotators: list[list[str]] = field(default_factory=list)
    doc_disputed: list[bool] = field(default_factory=list)
    pairs: dict[tuple[str, str], _PairPart] = field(default_factory=dict)
    skipped: int = 0
    control: int = 0


def _humans(doc: Document, layers: Sequence[Layer]) -> dict[str, Layer]:
    out: dict[str, Layer] = {}
    for layer in layers:
        if layer.kind != "annotation":
            continue
        if layer.annotator in out:
            raise ToolkitError(
                f"document {doc.id}: two layers by {layer.annotator}; one annotator has one vote: "
                "import the export again with the current toolkit (it keeps each annotator's latest annotation)"
            )
        out[layer.annotator] = layer
    return out


def _score_chunk(
    items: Sequence[tuple[Document, Sequence[Layer]]], schema: Schema, measures: Sequence[str] = MEASURES
) -> _Chunk:
    """Counts of every pair on a chunk of documents (the unit of work), for the ``measures`` asked."""
    rule = LabelRule.from_schema(schema)
    symmetric = [r.label for r in schema.relations if not r.directed]
    label_ids = {label: i for i, label in enumerate(schema.entity_labels, 1)}
    k = len(label_ids) + 1
    out = _Chunk()
    collected: dict[tuple[str, str], tuple[list[int], list[Layer], list[Layer], list[Arr]]] = {}
    for doc, layers in items:
        if is_control(doc):  # scored against its gold, never against each other (the cohort is a random sample)
            out.control += 1
            continue
        humans = _humans(doc, layers)
        if len(humans) < 2:
            out.skipped += 1
            continue
        position = len(out.doc_ids)
        out.doc_ids.append(doc.id)
        out.doc_annotators.append(sorted(humans))
        out.doc_disputed.append(disputed(list(humans.values()), schema))
        _, starts, ends = doc_token_columns(doc.text, doc.metadata)
        tokens = {
            who: token_label_ids(starts, ends, ents_of(rule.keep(layer.spans, ())[0]), label_ids)
            for who, layer in humans.items()
        }
        for a, b in combinations(sorted(humans), 2):
            docs, ref, other, matrices = collected.setdefault((a, b), ([], [], [], []))
            docs.append(position)
            ref.append(humans[a])
            other.append(humans[b])
            matrices.append(confusion(tokens[a], tokens[b], k))
    for pair, (docs, ref, other, matrices) in collected.items():
        wanted = {m: MEASURE_MODES[m] for m in measures}
        entity_modes = tuple(mode for kind, mode in wanted.values() if kind == "entities")
        relation_modes = tuple(mode for kind, mode in wanted.values() if kind == "relations")
        scores = score_layers(ref, other, rule, symmetric, entity_modes=entity_modes, relation_modes=relation_modes)
        rows: dict[str, Arr] = {}
        labels: dict[str, dict[str, Arr]] = {}
        for m, (kind, mode) in wanted.items():
            part = scores.entities if kind == "entities" else scores.relations
            rows[m] = part.per_doc[mode]
            labels[m] = dict(part.per_label[mode])
        out.pairs[pair] = _PairPart(docs, rows, labels, np.array(matrices, dtype=np.int64))
    return out


def _chunks(docs: Iterable[tuple[Document, Sequence[Layer]]], schema: Schema) -> Iterator[_Chunk]:
    it = iter(docs)
    while batch := list(islice(it, CHUNK)):
        yield _score_chunk(batch, schema)


def _line_chunk(args: tuple[str, int, list[bytes], Schema, tuple[str, ...]]) -> _Chunk:
    """Parse and score a range of lines of a layers file (runs in workers)."""
    path, first_line, lines, schema, measures = args
    with gc_paused():
        items = [
            parse_layers_line(line, f"{path}, line {n}", 2, schema)
            for n, line in enumerate(lines, first_line)
            if line.strip()
        ]
        return _score_chunk(items, schema, measures)


def agreement_file(
    path: Path,
    schema: Schema,
    *,
    resamples: int = 1000,
    seed: int = 0,
    pooled_intervals: bool = True,
    measures: tuple[str, ...] = MEASURES,
) -> AgreementReport:
    """:func:`agreement` of a layers file; big files are read and scored by worker processes. ``measures``: the
    span and relation measures to compute (``ls status`` asks for ``span_exact`` and ``relation`` only)."""
    path = Path(path)
    fh = open_layers(path)
    if not fh.read(1 << 16).strip():
        fh.close()
        raise ToolkitError(f"{path}: no documents (the file is empty); run `toolkit annotations import` on an export")
    fh.seek(0)

    def jobs() -> Iterator[tuple[str, int, list[bytes], Schema, tuple[str, ...]]]:
        line = 1
        while batch := list(islice(fh, CHUNK)):
            yield str(path), line, batch, schema, measures
            line += len(batch)

    with fh, worker_pool([path]) as pool:
        chunks = pool.imap(_line_chunk, jobs()) if pool is not None else map(_line_chunk, jobs())
        return _report(chunks, schema, resamples, seed, pooled_intervals, measures)


class StreamingAgreement:
    """Agreement computed while a layers file is being written: ranges of lines are scored on forked workers as
    they arrive (an import's :class:`~toolkit.annotations.importer.LineSink`), so the scoring runs beside the import
    instead of after it; :meth:`result` waits for the last range. The figures are those of :func:`agreement_file`
    on the finished file."""

    def __init__(self, pool: Any, path: str, schema: Schema, measures: tuple[str, ...] = MEASURES) -> None:
        self.pool, self.path, self.schema, self.measures = pool, path, schema, measures
        self.pending: list[Any] = []
        self.batch: list[bytes] = []
        self.first = 1

    def start(self) -> None:
        self.pending, self.batch, self.first = [], [], 1

    def line(self, line: bytes) -> None:
        self.batch.append(line)
        if len(self.batch) >= CHUNK:
            self._send()

    def _send(self) -> None:
        job = (self.path, self.first, self.batch, self.schema, self.measures)
        self.pending.append(self.pool.apply_async(_line_chunk, (job,)) if self.pool is not None else _line_chunk(job))
        self.first += len(self.batch)
        self.batch = []

    def result(self, *, resamples: int = 1000, seed: int = 0, pooled_intervals: bool = True) -> AgreementReport:
        if self.batch:
            self._send()
        chunks = (p if isinstance(p, _Chunk) else p.get() for p in self.pending)
        return _report(chunks, self.schema, resamples, seed, pooled_intervals, self.measures)


def agreement(
    docs: Iterable[tuple[Document, Sequence[Layer]]],
    schema: Schema,
    *,
    resamples: int = 1000,
    seed: int = 0,
) -> AgreementReport:
    """Agreement on the documents with two or more human layers (see the module docstring)."""
    return _report(_chunks(docs, schema), schema, resamples, seed)


def _report(
    chunks: Iterable[_Chunk],
    schema: Schema,
    resamples: int,
    seed: int,
    pooled_intervals: bool = True,
    measures: Sequence[str] = MEASURES,
) -> AgreementReport:
    """The report of the chunks' counts; ``pooled_intervals=False`` leaves out the intervals of the pooled figures
    (every pair keeps its own: what ``ls status`` shows)."""
    modes = {m: MEASURE_MODES[m] for m in measures}
    if resamples < 0:
        raise ToolkitError(f"--resamples must be 0 (no intervals) or more, got {resamples}")
    k = len(schema.entity_labels) + 1
    doc_ids: list[str] = []
    doc_annotators: list[list[str]] = []
    doc_disputed: list[bool] = []
    skipped = control = 0
    pair_idx: dict[tuple[str, str], list[Arr]] = {}
    pair_rows: dict[tuple[str, str], dict[str, list[Arr]]] = {}
    pair_mats: dict[tuple[str, str], list[Arr]] = {}
    label_sums: dict[str, dict[str, Arr]] = {m: {} for m in measures}
    with gc_paused():
        for chunk in chunks:
            offset = len(doc_ids)
            doc_ids += chunk.doc_ids
            doc_annotators += chunk.doc_annotators
            doc_disputed += chunk.doc_disputed
            skipped += chunk.skipped
            control += chunk.control
            for pair, part in chunk.pairs.items():
                pair_idx.setdefault(pair, []).append(np.array(part.docs, dtype=np.int64) + offset)
                rows = pair_rows.setdefault(pair, {m: [] for m in measures})
                for m in measures:
                    rows[m].append(part.rows[m])
                    for label, c in part.labels[m].items():
                        label_sums[m][label] = label_sums[m].get(label, 0) + c
                pair_mats.setdefault(pair, []).append(part.matrices)
    n = len(doc_ids)
    pooled = {m: np.zeros((n, 5), dtype=np.int64) for m in measures}
    doc_matrices = np.zeros((n, k * k), dtype=np.int64)
    pairs = sorted(pair_idx)
    rows_out = []
    kappas: list[float | None] = []
    idx_of: dict[tuple[str, str], Arr] = {}
    mats_of: dict[tuple[str, str], Arr] = {}
    for pair in pairs:
        idx = idx_of[pair] = np.concatenate(pair_idx[pair])
        mats = mats_of[pair] = np.concatenate(pair_mats[pair])
        row: dict[str, Any] = {"a": pair[0], "b": pair[1], "documents": len(idx)}
        for m, (_, mode) in modes.items():
            counts = np.concatenate(pair_rows[pair][m])
            pooled[m][idx] += counts
            row[f"{m}_f1"] = f1_of(counts.sum(axis=0), mode in HALF_CREDIT)
            row[f"{m}_ci95"] = bootstrap(counts, half_credit=mode in HALF_CREDIT, resamples=resamples, seed=seed)
            if not counts.any():  # neither marked anything: 0.0 by the one convention, shown as n/a
                row[f"{m}_empty"] = True
        doc_matrices[idx] += mats
        kappa = _none_if_nan(float(kappa_of(mats.sum(axis=0), k)))
        row["kappa"] = kappa
        own = np.arange(len(mats))  # the pair's own documents, resampled as the pooled figures resample all
        row["kappa_ci95"] = _percentile(_kappa_samples([(own, mats)], len(mats), k, resamples, seed), resamples, seed)
        kappas.append(kappa)
        rows_out.append(row)
    overall: dict[str, Any] = {}
    pooled_resamples = resamples if pooled_intervals else 0
    for m, (_, mode) in modes.items():
        half = mode in HALF_CREDIT
        f1s = [r[f"{m}_f1"] for r in rows_out if not r.get(f"{m}_empty")]  # pairs with something to agree on
        total = pooled[m].sum(axis=0)
        overall[m] = {
            "f1_pooled": f1_of(total, half) if n else None,
            "f1_mean_over_pairs": float(np.mean(f1s)) if f1s else None,
            "precision_pooled": float(prf(total, half)["precision"]) if n else None,
            "recall_pooled": float(prf(total, half)["recall"]) if n else None,
            "ci95": bootstrap(pooled[m], half_credit=half, resamples=pooled_resamples, seed=seed),
        }
        if n and not total.any():  # the convention of `score`: 0.0 flagged empty (shown as n/a)
            overall[m]["empty"] = True
    samples = _kappa_samples([(idx_of[p], mats_of[p]) for p in pairs], n, k, pooled_resamples, seed)
    overall["kappa"] = {
        "mean_over_pairs": float(np.mean([x for x in kappas if x is not None])) if any(kappas) else None,
        "pooled": _none_if_nan(float(kappa_of(doc_matrices.sum(axis=0), k))) if n else None,
        "ci95": _percentile(samples, pooled_resamples, seed),
    }
    coinc = coincidences(doc_matrices, np.array([len(a) for a in doc_annotators]), k) if n else np.zeros((0, k * k))
    overall["alpha"] = {
        "value": _none_if_nan(float(alpha_of(coinc.sum(axis=0), k))) if n else None,
        "ci95": _percentile(_alpha_samples(coinc, k, pooled_resamples, seed), pooled_resamples, seed),
    }
    per_label: dict[str, dict[str, float | None]] = {}
    for m, (_, mode) in modes.items():
        for label, c in sorted(label_sums[m].items()):
            per_label.setdefault(label, {})[f"{m}_f1"] = f1_of(c, mode in HALF_CREDIT)
    if n:
        pooled_confusion, pooled_coinc = doc_matrices.sum(axis=0), coinc.sum(axis=0)
        for i, label in enumerate(schema.entity_labels, 1):
            if label in per_label:  # token agreement on this label against every other token
                per_label[label]["kappa"] = _none_if_nan(float(kappa_of(one_label(pooled_confusion, k, i), 2)))
                per_label[label]["alpha"] = _none_if_nan(float(alpha_of(one_label(pooled_coinc, k, i), 2)))
    doc_f1 = {m: prf(pooled[m], modes[m][1] in HALF_CREDIT)["f1"].tolist() for m in measures}
    doc_kappa = kappa_of(doc_matrices, k).tolist() if n else []
    per_document = tuple(
        {
            "id": doc_id,
            "annotators": doc_annotators[i],
            "disputed": doc_disputed[i],  # majority adjudication leaves disagreements (what a review decides)
            **{f"{m}_f1": doc_f1[m][i] for m in measures},
            "kappa": _none_if_nan(doc_kappa[i]),
        }
        for i, doc_id in enumerate(doc_ids)
    )
    annotators = tuple(sorted({who for names in doc_annotators for who in names}))
    rule = LabelRule.from_schema(schema)
    return AgreementReport(
        n, skipped, control, annotators, tuple(rows_out), overall, per_label, per_document, rule.to_dict()
    )


def _none_if_nan(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


BLOCK = 50
"""Bootstrap resamples whose document weights are held at once (memory: BLOCK x documents)."""


def _weight_blocks(n: int, resamples: int, seed: int) -> Iterator[Arr]:
    """Bootstrap resamples of ``n`` documents as (block, n) multiplicity matrices, ``BLOCK`` resamples at a time
    (one document draw per resample, as the bootstrap of :mod:`intervals` draws them)."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < resamples:
        size = min(BLOCK, resamples - done)
        yield np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(size)]).astype(np.float64)
        done += size


def _kappa_samples(pairs: list[tuple[Arr, Arr]], n: int, k: int, resamples: int, seed: int) -> Arr | None:
    """The mean over pairs of each pair's kappa, for every bootstrap resample of the documents."""
    if n < 2 or not resamples or not pairs:
        return None
    out: list[Arr] = []
    for weights in _weight_blocks(n, resamples, seed):
        kappas = np.stack([kappa_of(weights[:, idx] @ mats.astype(np.float64), k) for idx, mats in pairs])
        valid = ~np.isnan(kappas)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(valid, kappas, 0.0).sum(axis=0) / valid.sum(axis=0))
    return np.concatenate(out)


def _alpha_samples(coinc: Arr, k: int, resamples: int, seed: int) -> Arr | None:
    """Alpha of every bootstrap resample of the documents (the same resamples as the other intervals)."""
    if len(coinc) < 2 or not resamples:
        return None
    blocks: list[Arr] = [alpha_of(weights @ coinc, k) for weights in _weight_blocks(len(coinc), resamples, seed)]
    return np.concatenate(blocks)


def _percentile(samples: Arr | None, resamples: int, seed: int) -> dict[str, Any] | None:
    if samples is None:
        return None
    defined = samples[~np.isnan(samples)]
    if not len(defined):
        return None
    low, high = np.percentile(defined, [2.5, 97.5])
    return {"low": float(low), "high": float(high), "resamples": resamples, "seed": seed}
