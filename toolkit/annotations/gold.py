"""Adjudication: one gold layer per document, by a declared policy.

Policy, in order:
1. ``ground_truth``: an annotation marked ground truth in Label Studio wins (if several are,
   the one with the highest annotation id, and the conflict is listed);
2. ``majority``: spans (same offsets and label) and relations (same argument spans, label and
   direction; symmetric types either way) that more than half of the annotators made.
Ties and minority items are listed as disagreements for review. Every gold item records which
annotators had it. A document with one annotator gets that annotator's layer (majority of one).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from toolkit.model import Document, GoldRecord, Layer, Provenance, Relation, Span
from toolkit.schema import Schema

SpanKey = tuple[int, int, str]
RelKey = tuple[SpanKey, SpanKey, str]


def _span_key(s: Span) -> SpanKey:
    return (s.start, s.end, s.label)


def _rel_keys(layer: Layer, symmetric: set[str]) -> dict[RelKey, Relation]:
    spans = {s.id: _span_key(s) for s in layer.spans}
    keys = {}
    for r in layer.relations:
        h, t = spans[r.head], spans[r.tail]
        if r.label in symmetric and t < h:
            h, t = t, h
        keys[(h, t, r.label)] = r
    return keys


def support(layers: Sequence[Layer], symmetric: set[str]) -> tuple[dict[SpanKey, list[str]], dict[RelKey, list[str]]]:
    spans: dict[SpanKey, list[str]] = defaultdict(list)
    rels: dict[RelKey, list[str]] = defaultdict(list)
    for layer in layers:
        for key in {_span_key(s) for s in layer.spans}:
            spans[key].append(layer.annotator)
        for rkey in _rel_keys(layer, symmetric):
            rels[rkey].append(layer.annotator)
    return spans, rels


def disputed(layers: Sequence[Layer], schema: Schema) -> bool:
    """Whether majority adjudication of these human layers leaves disagreements (an item made by half or fewer)."""
    symmetric = {r.label for r in schema.relations if not r.directed}
    spans, relations = support(layers, symmetric)
    n = len(layers)
    return any(2 * len(who) <= n for who in (*spans.values(), *relations.values()))


def adjudicate(document: Document, layers: Sequence[Layer], schema: Schema) -> GoldRecord | None:
    """The gold layer of one document from its human layers (None if it has none)."""
    humans = sorted(
        (x for x in layers if x.kind == "annotation"), key=lambda x: (x.provenance.annotation_id or 0, x.annotator)
    )
    if not humans:
        return None
    symmetric = {r.label for r in schema.relations if not r.directed}
    span_sup, rel_sup = support(humans, symmetric)
    n = len(humans)
    text = document.text
    disagreements: list[dict[str, Any]] = []
    truth = [x for x in humans if x.provenance.ground_truth]
    if truth:
        chosen = truth[-1]
        policy = "ground_truth"
        if len(truth) > 1:
            disagreements.append(
                {
                    "kind": "ground_truth_conflict",
                    "reason": f"{len(truth)} annotations are marked ground truth; used annotation "
                    f"{chosen.provenance.annotation_id} ({chosen.annotator})",
                }
            )
        keep_spans = {_span_key(s) for s in chosen.spans}
        keep_rels = set(_rel_keys(chosen, symmetric))
        reason = "not in the ground-truth annotation"
    else:
        policy = "majority" if n > 1 else "single annotator"
        keep_spans = {k for k, who in span_sup.items() if 2 * len(who) > n}
        keep_rels = {k for k, who in rel_sup.items() if 2 * len(who) > n and k[0] in keep_spans and k[1] in keep_spans}
        reason = ""
    for key, who in sorted(span_sup.items()):
        if key not in keep_spans:
            why = reason or ("tie" if 2 * len(who) == n else "minority")
            disagreements.append(
                {
                    "kind": "span",
                    "start": key[0],
                    "end": key[1],
                    "label": key[2],
                    "text": text[key[0] : key[1]],
                    "annotators": sorted(who),
                    "of": n,
                    "reason": why,
                }
            )
    for rkey, who in sorted(rel_sup.items()):
        if rkey not in keep_rels:
            why = reason or ("tie" if 2 * len(who) == n else "minority" if 2 * len(who) < n else "argument not in gold")
            disagreements.append(
                {
                    "kind": "relation",
                    "head": list(rkey[0]),
                    "tail": list(rkey[1]),
                    "label": rkey[2],
                    "annotators": sorted(who),
                    "of": n,
                    "reason": why,
                }
            )
    ordered = sorted(keep_spans)
    ids = {key: f"g{i}" for i, key in enumerate(ordered, 1)}
    spans = tuple(Span(ids[k], k[0], k[1], k[2]) for k in ordered)
    relations = tuple(Relation(f"gr{i}", ids[h], ids[t], label) for i, (h, t, label) in enumerate(sorted(keep_rels), 1))
    gold = Layer(
        document.id,
        "gold",
        "",
        spans,
        relations,
        Provenance(humans[0].provenance.source, humans[0].provenance.source_sha256, humans[0].provenance.task_id),
        "gold",
    )
    return GoldRecord(
        document,
        gold,
        policy,
        {ids[k]: tuple(sorted(span_sup.get(k, []))) for k in ordered},
        {f"gr{i}": tuple(sorted(rel_sup.get(k, []))) for i, k in enumerate(sorted(keep_rels), 1)},
        tuple(disagreements),
        tuple(sorted({x.annotator for x in humans})),
    )


def review_task(g: GoldRecord, layers: Sequence[Layer], schema: Schema) -> dict[str, Any]:
    """A Label Studio task for a document with disagreements: the gold and each annotator's layer as predictions."""
    from toolkit.annotations.results import layer_to_result

    preds = [{"model_version": "gold:" + g.policy, "result": layer_to_result(g.gold, g.document.text, schema)}]
    for layer in layers:
        if layer.kind == "annotation":
            preds.append(
                {
                    "model_version": f"candidate:{layer.annotator}",
                    "result": layer_to_result(layer, g.document.text, schema),
                }
            )
    return {
        "data": {"text": g.document.text, "article_id": g.document.id, "disagreements": len(g.disagreements)},
        "predictions": preds,
    }


def adjudicate_reviewed(document: Document, layers: Sequence[Layer], review: Layer, schema: Schema) -> GoldRecord:
    """The gold of a document a reviewer decided: the reviewer's layer, with who of the original annotators had each
    item (they agreed with the review) and every original item the review left out (overruled, and by whom)."""
    humans = [x for x in layers if x.kind == "annotation"]
    symmetric = {r.label for r in schema.relations if not r.directed}
    span_sup, rel_sup = support(humans, symmetric)
    kept_spans = {_span_key(s) for s in review.spans}
    kept_rels = set(_rel_keys(review, symmetric))
    ordered = sorted(kept_spans)
    ids = {key: f"g{i}" for i, key in enumerate(ordered, 1)}
    rel_order = sorted(kept_rels)
    spans = tuple(Span(ids[k], k[0], k[1], k[2]) for k in ordered)
    relations = tuple(Relation(f"gr{i}", ids[h], ids[t], label) for i, (h, t, label) in enumerate(rel_order, 1))
    p = review.provenance
    gold = Layer(document.id, "gold", "", spans, relations, Provenance(p.source, p.source_sha256, p.task_id), "gold")
    overruled: list[dict[str, Any]] = []
    for key, who in sorted(span_sup.items()):
        if key not in kept_spans:
            overruled.append(
                {
                    "kind": "span",
                    "start": key[0],
                    "end": key[1],
                    "label": key[2],
                    "text": document.text[key[0] : key[1]],
                }
                | {"annotators": sorted(who), "of": len(humans), "reason": f"overruled by review ({review.annotator})"}
            )
    for rkey, who in sorted(rel_sup.items()):
        if rkey not in kept_rels:
            overruled.append(
                {"kind": "relation", "head": list(rkey[0]), "tail": list(rkey[1]), "label": rkey[2]}
                | {"annotators": sorted(who), "of": len(humans), "reason": f"overruled by review ({review.annotator})"}
            )
    return GoldRecord(
        document,
        gold,
        "review",
        {ids[k]: tuple(sorted(span_sup.get(k, []))) for k in ordered},
        {f"gr{i}": tuple(sorted(rel_sup.get(k, []))) for i, k in enumerate(rel_order, 1)},
        tuple(overruled),
        tuple(sorted({x.annotator for x in humans})),
        reviewed_by=(review.annotator,),
    )


@dataclass(frozen=True)
class GoldSummary:
    """What ``annotations gold`` wrote: documents by policy, items, disagreements left for review."""

    output: str
    documents: int
    without_annotations: int
    control_documents: int
    policies: dict[str, int]
    spans: int
    relations: int
    disagreements: int
    documents_with_disagreements: int
    reviewed: int = 0
    review_tasks: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if self.review_tasks is None:
            del out["review_tasks"]
        return out


def reviewer_layers(path: Path) -> dict[str, Layer]:
    """The reviewer's layer of every document of a review round's layers file (the latest human layer of each)."""
    from toolkit.annotations.layers import read_layers
    from toolkit.errors import ToolkitError

    out: dict[str, Layer] = {}
    for doc, layers in read_layers(path):
        humans = sorted((x for x in layers if x.kind == "annotation"), key=lambda x: (x.created_at, x.annotator))
        if len(humans) > 1:
            raise ToolkitError(
                f"{path}: document {doc.id} has {len(humans)} reviews ({', '.join(x.annotator for x in humans)}); "
                "a review round gives each document one reviewer: delete the extra review in Label Studio"
            )
        if humans:
            out[doc.id] = humans[0]
    return out


def write_gold(
    layers_path: Path,
    out_dir: Path,
    *,
    review_tasks: Path | None = None,
    schema_path: Path | None = None,
    reviewed: Path | None = None,
) -> GoldSummary:
    """Adjudicate a layers file into ``out_dir/<name>`` (JSONL); optionally a review task file.

    Control tasks of a campaign are left out (they score annotators; their gold is known). ``reviewed``: the layers
    file of a review round (``ls review``, pulled and imported): a document a reviewer decided takes the reviewer's
    layer as its gold (policy ``review``), with who agreed and who was overruled. The gold and the review tasks are
    written together (the gold staged under its folder's lock, the tasks beside their file, both moved into place
    at the end): a failure leaves neither.
    """
    from contextlib import ExitStack

    from toolkit._gc import gc_paused
    from toolkit._io import atomic_open, dumps, staged
    from toolkit.annotations.layers import is_control, read_layers
    from toolkit.schema import DEFAULT_SCHEMA_PATH, load_schema

    schema = load_schema(schema_path or DEFAULT_SCHEMA_PATH)
    decided = reviewer_layers(reviewed) if reviewed is not None else {}
    out = Path(out_dir) / Path(layers_path).name
    documents = without = control = spans = relations = disagreements = with_disagreements = n_reviewed = 0
    policies: Counter[str] = Counter()
    tasks: list[dict[str, Any]] = []
    # One document at a time: memory does not grow with the layers file.
    with ExitStack() as outputs:
        review_fh = outputs.enter_context(atomic_open(Path(review_tasks))) if review_tasks is not None else None
        stage = outputs.enter_context(staged(Path(out_dir)))  # left first: the gold is in place before the tasks
        fh = outputs.enter_context(stage.path(out.name).open("wb"))
        outputs.enter_context(gc_paused())
        for doc, layers in read_layers(layers_path, schema=schema):
            if is_control(doc):
                control += 1
                continue
            review = decided.get(doc.id)
            g = (
                adjudicate_reviewed(doc, layers, review, schema)
                if review is not None
                else adjudicate(doc, layers, schema)
            )
            if g is None:
                without += 1
                continue
            fh.write((dumps(g.to_dict()) + "\n").encode("utf-8"))
            documents += 1
            n_reviewed += review is not None
            policies[g.policy] += 1
            spans += len(g.gold.spans)
            relations += len(g.gold.relations)
            if review is None:  # what a review overruled is decided, not waiting for review
                disagreements += len(g.disagreements)
                with_disagreements += bool(g.disagreements)
            if review_tasks is not None and g.disagreements and review is None:
                tasks.append(review_task(g, layers, schema))
        if review_fh is not None:
            review_fh.write((dumps(tasks, indent=1) + "\n").encode("utf-8"))
    return GoldSummary(
        str(out),
        documents,
        without,
        control,
        dict(sorted(policies.items())),
        spans,
        relations,
        disagreements,
        with_disagreements,
        n_reviewed,
        len(tasks) if review_tasks is not None else None,
    )
