"""Relation patterns: type pairs the corpus almost never uses, and pairs related in one place and not another.

- rare type pair: a relation whose (head type, tail type) makes up less than ``RARE_SHARE`` of that
  relation type's uses in a corpus with at least ``MIN_USES`` of them; score ``1 - share``, times
  ``uses / (uses + 10)`` so that small corpora speak softly;
- inconsistent pair: the same two strings (normalised) are related as R in some documents and,
  elsewhere, stand in one sentence without a relation: ``n_related / (n_related + n_unrelated + 1)``
  for each unrelated place.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from toolkit.model import Span
from toolkit.quality.corpus import QaDoc
from toolkit.quality.suspects import Kind, Suspect
from toolkit.schema import Schema
from toolkit.text.sentences import sentence_bounds

RARE_SHARE = 0.02
MIN_USES = 20


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _rel_item(
    doc: QaDoc, h: Span, t: Span, label: str | None, suggestion: str, kind: Kind, score: float, reason: str
) -> Suspect:
    start, end = min(h.start, t.start), max(h.end, t.end)
    return Suspect(
        doc.document.id,
        start,
        end,
        doc.document.text[start:end],
        label,
        suggestion,
        kind,
        score,
        ("relations",),
        (reason,),
        head=(h.start, h.end, h.label),
        tail=(t.start, t.end, t.label),
        split=doc.split,
    )


def rare_type_pairs(docs: Sequence[QaDoc], schema: Schema) -> list[Suspect]:
    uses: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for doc in docs:
        spans = {s.id: s for s in doc.gold.spans}
        for r in doc.gold.relations:
            uses[r.label][(spans[r.head].label, spans[r.tail].label)] += 1
    out: list[Suspect] = []
    for doc in docs:
        spans = {s.id: s for s in doc.gold.spans}
        for r in doc.gold.relations:
            h, t = spans[r.head], spans[r.tail]
            total = sum(uses[r.label].values())
            share = uses[r.label][(h.label, t.label)] / total
            if total < MIN_USES or share >= RARE_SHARE:
                continue
            common = uses[r.label].most_common(1)[0][0]
            out.append(
                _rel_item(
                    doc,
                    h,
                    t,
                    label=r.label,
                    suggestion=r.label,
                    kind="relation",
                    score=(1 - share) * total / (total + 10),
                    reason=(
                        f"{r.label} links {h.label} -> {t.label} in {share:.1%} of its {total} uses "
                        f"(mostly {common[0]} -> {common[1]}); check the relation or its arguments' labels"
                    ),
                )
            )
    return out


def _sentence_of(bounds: Sequence[tuple[int, int]], span: Span) -> int:
    for k, (a, b) in enumerate(bounds):
        if a <= span.start < b:
            return k
    return -1


def inconsistent_pairs(docs: Sequence[QaDoc], schema: Schema) -> list[Suspect]:
    related: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for doc in docs:
        spans = {s.id: s for s in doc.gold.spans}
        text = doc.document.text
        for r in doc.gold.relations:
            h, t = spans[r.head], spans[r.tail]
            related[(_norm(text[h.start : h.end]), _norm(text[t.start : t.end]))][r.label] += 1
    if not related:
        return []
    places: list[tuple[QaDoc, Span, Span, str]] = []
    unrelated: Counter[tuple[str, str]] = Counter()
    for doc in docs:
        text = doc.document.text
        doc_spans = list(doc.gold.spans)
        linked = {(r.head, r.tail) for r in doc.gold.relations} | {(r.tail, r.head) for r in doc.gold.relations}
        bounds = sentence_bounds(text, [(s.start, s.end) for s in doc_spans])
        sentence = {s.id: _sentence_of(bounds, s) for s in doc_spans}
        for h in doc_spans:
            for t in doc_spans:
                if h.id == t.id or (h.id, t.id) in linked or sentence[h.id] != sentence[t.id]:
                    continue
                key = (_norm(text[h.start : h.end]), _norm(text[t.start : t.end]))
                if key in related:
                    label = related[key].most_common(1)[0][0]
                    if label in schema.relation_labels and schema.relation(label).allows(h.label, t.label):
                        places.append((doc, h, t, label))
                        unrelated[key] += 1
    out = []
    for doc, h, t, label in places:
        text = doc.document.text
        key = (_norm(text[h.start : h.end]), _norm(text[t.start : t.end]))
        n = sum(related[key].values())
        out.append(
            _rel_item(
                doc,
                h,
                t,
                label=None,
                suggestion=label,
                kind="missed_relation",
                score=n / (n + unrelated[key] + 1),
                reason=(
                    f"'{key[0]}' -> '{key[1]}' is {label} in {n} place(s) and unrelated in {unrelated[key]}, "
                    "here in one sentence"
                ),
            )
        )
    return out


def relation_patterns(docs: Sequence[QaDoc], schema: Schema) -> list[Suspect]:
    return rare_type_pairs(docs, schema) + inconsistent_pairs(docs, schema)
