from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from toolkit.model import Document, Layer, Provenance, Relation, Span, layer_to_dict
from toolkit.quality.corpus import QaDoc
from toolkit.text.tokens import doc_tokens

Ent = tuple[str, str]  # (surface text, label) - found in the sentence by its first occurrence after the last one


def make_doc(
    doc_id: str,
    text: str,
    ents: Sequence[tuple[int, int, str]],
    rels: Sequence[tuple[int, int, str]] = (),
    split: str = "train",
) -> QaDoc:
    spans = tuple(Span(f"s{k}", a, b, lab) for k, (a, b, lab) in enumerate(ents, 1))
    relations = tuple(Relation(f"r{k}", f"s{h + 1}", f"s{t + 1}", lab) for k, (h, t, lab) in enumerate(rels, 1))
    gold = Layer(doc_id, "gold", "", spans, relations, Provenance("test"), "gold")
    doc = Document(doc_id, text, {"split": split})
    return QaDoc(doc, gold, split, tuple(doc_tokens(text)))


def sentence(doc_id: str, words: Sequence[str], labels: Sequence[str | None], split: str = "train") -> QaDoc:
    """A document of space-separated words; ``labels[k]`` labels word k alone (None: no entity)."""
    text, ents, pos = "", [], 0
    for w, lab in zip(words, labels, strict=True):
        if text:
            text += " "
            pos += 1
        if lab:
            ents.append((pos, pos + len(w), lab))
        text += w
        pos += len(w)
    return make_doc(doc_id, text, ents, split=split)


def write_gold(path: Path, docs: Sequence[QaDoc]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            rec = {
                "document": {"id": d.document.id, "text": d.document.text, "metadata": dict(d.document.metadata)},
                "gold": layer_to_dict(d.gold),
            }
            fh.write(json.dumps(rec) + "\n")
    return path
