"""spaCy's ``DocBin`` (written only): ``<split>.spacy`` with every entity in ``doc.spans["sc"]``, the outermost
non-overlapping ones in ``doc.ents``, relations in ``doc.user_data["relations"]`` as ``(head_start, head_end,
tail_start, tail_end, label)`` character offsets of the spans as placed (an entity widened to token boundaries
is named by its widened offsets); the doc text is the release text exactly (whitespace other
than one space between tokens becomes a whitespace token). Needs spaCy (``pip install spacy``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from toolkit._io import NameTable, atomic_write_bytes
from toolkit.errors import ToolkitError
from toolkit.model import Example
from toolkit.text.tokens import doc_tokens


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str], names: NameTable) -> None:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
        from spacy.util import filter_spans
    except ImportError:
        raise ToolkitError("the spacy format needs spaCy: pip install spacy") from None
    vocab = spacy.blank("xx").vocab
    docs = []
    for doc, gold in examples:
        words, spaces = _words_and_spaces(doc.text, doc_tokens(doc.text, doc.metadata))
        sdoc = Doc(vocab, words=words, spaces=spaces)
        assert sdoc.text == doc.text, "the spaCy doc must hold the release text exactly"
        spans = []
        placed: dict[str, tuple[int, int]] = {}  # where each entity went (widened ones too): relations follow
        for s in gold.spans:
            span = sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="strict")
            if span is None:
                span = sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                counts["entities widened to token boundaries"] += 1
            if span is None:
                counts["entities without a token (left out)"] += 1
                continue
            spans.append(span)
            placed[s.id] = (span.start_char, span.end_char)
        sdoc.spans["sc"] = spans
        sdoc.ents = filter_spans(spans)
        counts["entities"] += len(spans)
        counts["nested or overlapping entities only in spans['sc']"] += len(spans) - len(sdoc.ents)
        sdoc.user_data["id"] = doc.id
        relations = []
        for r in gold.relations:
            if r.head in placed and r.tail in placed:
                relations.append((*placed[r.head], *placed[r.tail], r.label))
            else:
                counts["relations whose argument was left out"] += 1
        sdoc.user_data["relations"] = relations
        counts["relations"] += len(relations)
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
