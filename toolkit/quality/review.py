"""Suspects as Label Studio review tasks: the gold and the gold with the suggestions applied, as predictions.

One task per document with suspects, most suspect documents first. Its two predictions are
``qa:gold`` (the gold as it is) and ``qa:suggested`` (every suggestion applied: relabelled, moved,
removed and added spans, added relations); each suspect region carries its reasons in the region's
``meta.text`` (shown in Label Studio's region details), and each prediction's ``score`` is the
document's highest suspect score, so the Data Manager sorts by it. The reviewer starts from either,
fixes, submits; ``ls pull``, ``annotations import`` and ``annotations gold`` bring the fixes back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from toolkit.annotations.results import layer_to_result
from toolkit.model import Layer, Relation, Span
from toolkit.quality.corpus import QaDoc
from toolkit.quality.suspects import NOT_AN_ENTITY, Suspect
from toolkit.schema import Schema


def _suggested(gold: Layer, items: Sequence[Suspect]) -> tuple[Layer, dict[str, list[str]]]:
    spans = {s.id: s for s in gold.spans}
    by_extent = {(s.start, s.end, s.label): s.id for s in gold.spans}
    notes: dict[str, list[str]] = defaultdict(list)
    relations = list(gold.relations)
    added = 0
    for it in items:
        note = f"qa {it.score:.2f} [{', '.join(it.detectors)}]: " + "; ".join(it.reasons)
        if it.kind in ("relation", "missed_relation"):
            if it.kind == "missed_relation" and it.head and it.tail and it.suggestion:
                ids = {(s.start, s.end, s.label): s.id for s in spans.values()}
                h, t = ids.get(it.head), ids.get(it.tail)
                if h and t:
                    relations.append(Relation(f"qa-r{len(relations) + 1}", h, t, it.suggestion))
                    notes[h].append(note)
            elif it.head:
                sid = by_extent.get(it.head)
                if sid:
                    notes[sid].append(note)
            continue
        if it.label is None:
            if it.suggestion and it.suggestion != NOT_AN_ENTITY:
                added += 1
                sid = f"qa{added}"
                spans[sid] = Span(sid, it.start, it.end, it.suggestion)
                notes[sid].append(note)
            continue
        sid = by_extent.get((it.start, it.end, it.label))
        if sid is None or sid not in spans:
            continue
        notes[sid].append(note)
        if it.suggestion == NOT_AN_ENTITY:
            del spans[sid]
        elif it.kind == "boundary" and it.suggested_span:
            spans[sid] = replace(spans[sid], start=it.suggested_span[0], end=it.suggested_span[1])
        elif it.suggestion:
            spans[sid] = replace(spans[sid], label=it.suggestion)
    kept = {s.id for s in spans.values()}
    rels = tuple(r for r in relations if r.head in kept and r.tail in kept)
    ordered = tuple(sorted(spans.values(), key=lambda s: (s.start, s.end, s.id)))
    return replace(gold, spans=_no_overlap(ordered), relations=rels), notes


def _no_overlap(spans: Sequence[Span]) -> tuple[Span, ...]:
    """Drop an added or moved span that would now cross another (the reviewer sees the note on the other)."""
    out: list[Span] = []
    for s in spans:
        if any(o.start < s.end and s.start < o.end and not (o.start <= s.start and s.end <= o.end) for o in out):
            continue
        out.append(s)
    return tuple(out)


def _with_notes(result: list[dict[str, Any]], notes: dict[str, list[str]]) -> list[dict[str, Any]]:
    for r in result:
        if r.get("id") in notes:
            r["meta"] = {"text": notes[r["id"]]}
    return result


def review_tasks(docs: Sequence[QaDoc], suspects: Sequence[Suspect], schema: Schema) -> list[dict[str, Any]]:
    by_doc: dict[str, list[Suspect]] = defaultdict(list)
    for s in suspects:
        by_doc[s.doc_id].append(s)
    index = {d.document.id: d for d in docs}
    order = sorted(by_doc, key=lambda d: (-max(s.score for s in by_doc[d]), d))
    tasks = []
    for doc_id in order:
        doc, items = index[doc_id], by_doc[doc_id]
        text = doc.document.text
        top = round(max(s.score for s in items), 6)
        suggested, notes = _suggested(doc.gold, items)
        gold_notes = {k: v for k, v in notes.items() if k in {s.id for s in doc.gold.spans}}
        tasks.append(
            {
                "data": {
                    schema.label_studio.text_field: text,
                    "article_id": doc_id,
                    "qa_suspects": len(items),
                    "qa_top_score": top,
                },
                "predictions": [
                    {
                        "model_version": "qa:gold",
                        "score": top,
                        "result": _with_notes(layer_to_result(doc.gold, text, schema), gold_notes),
                    },
                    {
                        "model_version": "qa:suggested",
                        "score": top,
                        "result": _with_notes(layer_to_result(suggested, text, schema), notes),
                    },
                ],
            }
        )
    return tasks
