"""``toolkit dataset export``: a release in the formats other tools read, one folder per format.

- ``spans``: ``<split>.json``, token-span JSON as CoNLL04/SpERT publish it (``tokens``; ``entities`` as
  ``[start, end, type]`` token indices, end exclusive; ``relations`` as ``[head_start, head_end,
  tail_start, tail_end, type]``); ``corpus import-spans`` reads it back;
- ``conll``: ``<split>.conll``, one ``TOKEN<TAB>TAG`` line per token (the release's BIO view: nested
  entities keep the outermost), a blank line between documents; ``corpus import-conll`` reads it back;
- ``brat``: ``<split>/<id>.txt`` (the exact text) and ``<id>.ann`` (``T`` entities with character offsets,
  ``R`` relations); ``corpus import-brat`` reads it back;
- ``spacy``: ``<split>.spacy``, a spaCy ``DocBin``: every entity in ``doc.spans["sc"]``, the outermost
  non-overlapping ones in ``doc.ents``, relations in ``doc.user_data["relations"]`` as
  ``(head_start, head_end, tail_start, tail_end, label)`` character offsets; the doc text is the release
  text exactly (whitespace other than one space between tokens becomes a whitespace token).

What a format cannot hold is counted in the report, never dropped silently: entities whose boundary
falls inside a token (widened to tokens in ``spans``/``conll``), nested entities (outside ``conll``),
relations whose arguments cannot be written.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_bytes, atomic_write_text, dumps
from toolkit.dataset.load import SPLITS, Example, Release, load_release
from toolkit.errors import ToolkitError
from toolkit.model import Span
from toolkit.text.tokens import doc_tokens


class ExportError(ToolkitError):
    """A release cannot be exported in the asked format."""


def _token_range(tokens: Sequence[tuple[int, int]], s: Span) -> tuple[int, int, bool]:
    """Token indices ``[i, j)`` covering a span, and whether its boundaries fall on token boundaries."""
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]
    i, j = bisect_right(ends, s.start), bisect_left(starts, s.end)
    aligned = i < j and starts[i] == s.start and ends[j - 1] == s.end
    return i, j, aligned


def _spans_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    items = []
    for doc, gold in examples:
        tokens = doc_tokens(doc.text, doc.metadata)
        where = {}
        ents = []
        for s in gold.spans:
            i, j, aligned = _token_range(tokens, s)
            if i >= j:
                counts["entities without a token (left out)"] += 1
                continue
            counts["entities"] += 1
            if not aligned:
                counts["entities widened to token boundaries"] += 1
            where[s.id] = (i, j)
            ents.append([i, j, s.label])
        rels = []
        for r in gold.relations:
            if r.head in where and r.tail in where:
                rels.append([*where[r.head], *where[r.tail], r.label])
                counts["relations"] += 1
            else:
                counts["relations whose argument was left out"] += 1
        items.append({"id": doc.id, "tokens": [doc.text[a:b] for a, b in tokens], "entities": ents, "relations": rels})
    atomic_write_text(out / f"{split}.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")


def _conll_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    from toolkit.text.bio import spans_to_bio

    lines = []
    for doc, gold in examples:
        tokens = doc_tokens(doc.text, doc.metadata)
        bio = spans_to_bio(tokens, gold.spans)
        counts["entities"] += len(gold.spans) - len(bio.dropped_nested) - len(bio.no_token)
        counts["nested entities outside the BIO view"] += len(bio.dropped_nested)
        counts["entities widened to token boundaries"] += len(bio.misaligned)
        counts["relations not in CoNLL"] += len(gold.relations)
        lines += [f"{doc.text[a:b]}\t{tag}" for (a, b), tag in zip(tokens, bio.tags, strict=True)]
        lines.append("")
    atomic_write_text(out / f"{split}.conll", "\n".join(lines) + "\n")


def _brat_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    folder = out / split
    for doc, gold in examples:
        t_ids = {s.id: f"T{k}" for k, s in enumerate(gold.spans, 1)}
        ann = [f"{t_ids[s.id]}\t{s.label} {s.start} {s.end}\t{doc.text[s.start : s.end]}" for s in gold.spans]
        ann += [f"R{k}\t{r.label} Arg1:{t_ids[r.head]} Arg2:{t_ids[r.tail]}" for k, r in enumerate(gold.relations, 1)]
        counts["entities"] += len(gold.spans)
        counts["relations"] += len(gold.relations)
        atomic_write_bytes(folder / f"{doc.id}.txt", doc.text.encode("utf-8"))
        atomic_write_text(folder / f"{doc.id}.ann", "".join(line + "\n" for line in ann))


def _spacy_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
        from spacy.util import filter_spans
    except ImportError:
        raise ExportError("the spacy format needs spaCy: pip install spacy") from None
    vocab = spacy.blank("xx").vocab
    docs = []
    for doc, gold in examples:
        words, spaces = _words_and_spaces(doc.text, doc_tokens(doc.text, doc.metadata))
        sdoc = Doc(vocab, words=words, spaces=spaces)
        assert sdoc.text == doc.text, "the spaCy doc must hold the release text exactly"
        spans = []
        for s in gold.spans:
            span = sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
            if span is None:
                span = sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                counts["entities widened to token boundaries"] += 1
            if span is None:
                counts["entities without a token (left out)"] += 1
                continue
            spans.append(span)
        sdoc.spans["sc"] = spans
        sdoc.ents = filter_spans(spans)
        counts["entities"] += len(spans)
        counts["nested or overlapping entities only in spans['sc']"] += len(spans) - len(sdoc.ents)
        by_id = {s.id: s for s in gold.spans}
        sdoc.user_data["id"] = doc.id
        sdoc.user_data["relations"] = [
            (by_id[r.head].start, by_id[r.head].end, by_id[r.tail].start, by_id[r.tail].end, r.label)
            for r in gold.relations
        ]
        counts["relations"] += len(gold.relations)
        docs.append(sdoc)
    atomic_write_bytes(out / f"{split}.spacy", DocBin(docs=docs, store_user_data=True).to_bytes())


def _words_and_spaces(text: str, tokens: Sequence[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy words and trailing-space flags that spell ``text`` exactly (other whitespace as its own token)."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for a, b in tokens:
        gap = text[pos:a]
        if gap and words and gap.startswith(" "):
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        words.append(text[a:b])
        spaces.append(False)
        pos = b
    tail = text[pos:]
    if tail and words and tail.startswith(" "):
        spaces[-1] = True
        tail = tail[1:]
    if tail:
        words.append(tail)
        spaces.append(False)
    return words, spaces


FORMATS: Mapping[str, Callable[[Sequence[Example], Path, str, Counter[str]], None]] = {
    "spans": _spans_split,
    "conll": _conll_split,
    "brat": _brat_split,
    "spacy": _spacy_split,
}


def export_release(release_dir: Path, fmt: str, out_dir: Path) -> dict[str, Any]:
    """Write every non-empty split of a release in ``fmt`` under ``out_dir``; returns what was written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    rel: Release = load_release(release_dir)
    out_dir = Path(out_dir)
    report: dict[str, Any] = {"release": f"{rel.name} {rel.version}", "format": fmt, "splits": {}}
    for split in SPLITS:
        examples = rel.splits.get(split) or []
        if not examples:
            continue
        counts: Counter[str] = Counter()
        FORMATS[fmt](examples, out_dir, split, counts)
        report["splits"][split] = {"documents": len(examples), **dict(sorted(counts.items()))}
    atomic_write_text(out_dir / "export.json", dumps(report, indent=1) + "\n")
    return report
