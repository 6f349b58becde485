"""Plant annotation errors into a gold corpus, seeded (used by ``run.py``; importable on its own).

Of the N gold entities: relabel 4% (to another type of the corpus), move one boundary of 3% by one
token (grow into an unlabelled neighbour or shrink a multi-token span), delete 3%, and add spurious
single-token spans (2% of N) on unlabelled capitalised words. Each planted error records its
document, kind and region (the union of the old and new extents); a suspect counts as finding it
when its span overlaps that region in that document.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

from toolkit.model import Span
from toolkit.quality.corpus import QaDoc

SHARES = {"relabel": 0.04, "boundary": 0.03, "delete": 0.03, "spurious": 0.02}


@dataclass(frozen=True)
class Planted:
    doc_id: str
    kind: str
    start: int
    end: int
    before: str | None
    after: str | None


def plant(docs: Sequence[QaDoc], seed: int) -> tuple[list[QaDoc], list[Planted]]:
    rng = random.Random(seed)
    types = sorted({s.label for d in docs for s in d.gold.spans})
    entities = [(d, s) for d, doc in enumerate(docs) for s in doc.gold.spans]
    n = len(entities)
    want = {k: round(v * n) for k, v in SHARES.items()}
    order = list(range(n))
    rng.shuffle(order)
    spans: list[dict[str, Span]] = [{s.id: s for s in doc.gold.spans} for doc in docs]
    covered = [[False] * len(doc.tokens) for doc in docs]
    for d, doc in enumerate(docs):
        for s in doc.gold.spans:
            i, j = doc.token_span(s)
            for t in range(i, j):
                covered[d][t] = True
    planted: list[Planted] = []
    it = iter(order)

    def take(kind: str) -> None:
        done = 0
        while done < want[kind]:
            d, s = entities[next(it)]
            doc = docs[d]
            if s.id not in spans[d]:
                continue
            i, j = doc.token_span(s)
            if kind == "relabel":
                new = rng.choice([t for t in types if t != s.label])
                spans[d][s.id] = replace(s, label=new)
                planted.append(Planted(doc.document.id, kind, s.start, s.end, s.label, new))
            elif kind == "delete":
                del spans[d][s.id]
                planted.append(Planted(doc.document.id, kind, s.start, s.end, s.label, None))
            else:
                options = []
                if i > 0 and not covered[d][i - 1]:
                    options.append((i - 1, j))
                if j < len(doc.tokens) and not covered[d][j]:
                    options.append((i, j + 1))
                if j - i >= 2:
                    options += [(i + 1, j), (i, j - 1)]
                if not options:
                    continue
                a, b = rng.choice(options)
                start, end = doc.chars(a, b)
                spans[d][s.id] = Span(s.id, start, end, s.label)
                for t in range(a, b):
                    covered[d][t] = True
                planted.append(Planted(doc.document.id, kind, min(start, s.start), max(end, s.end), s.label, s.label))
            done += 1

    for kind in ("relabel", "boundary", "delete"):
        take(kind)
    candidates = [
        (d, t)
        for d, doc in enumerate(docs)
        for t, (a, b) in enumerate(doc.tokens)
        if not covered[d][t] and doc.document.text[a:b][:1].isupper() and doc.document.text[a:b].isalpha()
    ]
    for d, t in rng.sample(candidates, want["spurious"]):
        doc = docs[d]
        a, b = doc.tokens[t]
        sid = f"planted{len(planted)}"
        label = rng.choice(types)
        spans[d][sid] = Span(sid, a, b, label)
        planted.append(Planted(doc.document.id, "spurious", a, b, None, label))
    out = []
    for d, doc in enumerate(docs):
        kept = tuple(sorted(spans[d].values(), key=lambda s: (s.start, s.end)))
        ids = {s.id for s in kept}
        rels = tuple(r for r in doc.gold.relations if r.head in ids and r.tail in ids)
        out.append(replace(doc, gold=replace(doc.gold, spans=kept, relations=rels)))
    return out, planted
