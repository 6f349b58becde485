"""A known gold for campaign tests, and annotators who copy it with planted noise.

The gold: sentences of idner-news-2k's test file with a person and an organisation, their PER/ORG/LOC spans,
and a ``works_for`` relation from the first person to the first organisation (the id-news-er schema allows it).
An annotator copies the gold of a task and, at their own rate, relabels a span, moves a boundary, drops a region,
adds a spurious one, or drops a relation: the noise is seeded per annotator and task, so a test can recompute
everything independently.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from tests.conftest import IDNER
from toolkit.formats.conll import read_corpus
from toolkit.model import Document, GoldRecord, Layer, Provenance, Relation, Span

NOISE = ("relabel", "shift", "drop", "add", "drop_relation")


def known_gold(n: int) -> list[GoldRecord]:
    out = []
    for doc, gold in read_corpus(IDNER / "test.txt", split="test"):
        people = [s for s in gold.spans if s.label == "PER"]
        orgs = [s for s in gold.spans if s.label == "ORG"]
        if not people or not orgs or len(doc.text) > 400 or len(gold.spans) < 3:
            continue
        layer = Layer(
            doc.id,
            "gold",
            "",
            gold.spans,
            (Relation("r1", people[0].id, orgs[0].id, "works_for"),),
            Provenance("idner-news-2k"),
            "gold",
        )
        out.append(GoldRecord(Document(doc.id, doc.text, {}), layer, "corpus", {}, {}))
        if len(out) == n:
            return out
    raise AssertionError(f"idner-news-2k's test file has fewer than {n} usable sentences")


def noisy_copy(record: GoldRecord, annotator: int, rate: float) -> Layer:
    """The gold of ``record`` as annotator ``annotator`` makes it: each kind of noise with probability ``rate``."""
    rng = random.Random(f"{annotator}:{record.document.id}")
    spans = list(record.gold.spans)
    relations = list(record.gold.relations)
    text = record.document.text
    if rng.random() < rate:  # relabel a span that no relation uses
        free = [i for i, s in enumerate(spans) if not any(s.id in (r.head, r.tail) for r in relations)]
        if free:
            i = rng.choice(free)
            spans[i] = replace(spans[i], label="LOC" if spans[i].label != "LOC" else "ORG")
    if rng.random() < rate:  # move the end of a multi-character span one character in
        i = rng.randrange(len(spans))
        if spans[i].end - spans[i].start > 2:
            spans[i] = replace(spans[i], end=spans[i].end - 1)
    if rng.random() < rate:  # drop a region (and the relations it takes part in)
        gone = spans.pop(rng.randrange(len(spans)))
        relations = [r for r in relations if gone.id not in (r.head, r.tail)]
    if rng.random() < rate:  # add a spurious region on a word no span covers
        taken = {(s.start, s.end) for s in spans}
        words = [(m, m + len(w)) for m, w in _words(text) if not any(a < m + len(w) and m < b for a, b in taken)]
        if words:
            a, b = rng.choice(words)
            spans.append(Span("x1", a, b, "ORG"))
    if rng.random() < rate and relations:
        relations = []
    return Layer(record.document.id, f"user:{annotator}", "", tuple(spans), tuple(relations), Provenance("test"))


def _words(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for w in text.split(" "):
        if w.isalpha() and w.islower():
            out.append((pos, w))
        pos += len(w) + 1
    return out


def write_project(tmp: Path, campaign: list[GoldRecord], control: list[GoldRecord]) -> None:
    """The project folder a campaign test runs in: the campaign's articles, the control gold, all gold known."""
    from toolkit._io import jsonl_text
    from toolkit.seeds import document_to_record

    (tmp / "seeds").mkdir(parents=True, exist_ok=True)
    (tmp / "seeds" / "articles.jsonl").write_text(
        jsonl_text(document_to_record(r.document) for r in sorted(campaign, key=lambda r: r.document.id)), "utf-8"
    )
    (tmp / "control.jsonl").write_text(jsonl_text(r.to_dict() for r in control), "utf-8")
