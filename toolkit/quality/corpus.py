"""The documents ``qa`` reads: a gold file (``annotations gold`` / ``corpus import-*``) or a release folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.annotations.gold_records import read_gold_records
from toolkit.errors import ToolkitError
from toolkit.model import Document, Layer, Span
from toolkit.text.bio import token_range
from toolkit.text.tokens import doc_tokens


class QaInputError(ToolkitError):
    """The input of ``annotations qa`` is not a gold file or a release."""


@dataclass(frozen=True)
class QaDoc:
    """A document with its gold layer, its split and its tokens (character offsets)."""

    document: Document
    gold: Layer
    split: str
    tokens: tuple[tuple[int, int], ...]

    def token_span(self, span: Span) -> tuple[int, int]:
        """Token indices ``[i, j)`` that share a character with the span."""
        return token_range([a for a, _ in self.tokens], [b for _, b in self.tokens], span.start, span.end)

    def chars(self, i: int, j: int) -> tuple[int, int]:
        """Character offsets of tokens ``[i, j)``."""
        return self.tokens[i][0], self.tokens[j - 1][1]


def _qa_doc(document: Document, gold: Layer, split: str) -> QaDoc:
    return QaDoc(document, gold, split, tuple(doc_tokens(document.text, document.metadata)))


def _gold_file(path: Path) -> list[QaDoc]:
    docs = []
    for r in read_gold_records(path):
        split = r.document.metadata.get("split")
        docs.append(_qa_doc(r.document, r.gold, split if isinstance(split, str) else "unsplit"))
    if not docs:
        raise QaInputError(f"{path}: no gold records (the file is empty)")
    return docs


def load_corpus(path: Path, splits: Sequence[str] = ()) -> tuple[list[QaDoc], str]:
    """Documents of a gold file or a release (all splits, or those named); and a name for reports."""
    path = Path(path)
    if path.is_dir():
        from toolkit.dataset.load import load_release

        rel = load_release(path)
        unknown = [s for s in splits if s not in rel.splits]
        if unknown:
            raise QaInputError(f"{path}: no split {unknown[0]!r} (it has {', '.join(rel.splits)})")
        docs = [_qa_doc(d, g, s) for s, pairs in rel.splits.items() if not splits or s in splits for d, g in pairs]
        if not docs:
            raise QaInputError(f"{path}: the release has no documents in {', '.join(splits) or 'any split'}")
        return docs, f"{rel.name} {rel.version}"
    if not path.exists():
        raise QaInputError(f"{path}: no such file or folder; give a gold file or a release folder")
    docs = _gold_file(path)
    if splits:
        docs = [d for d in docs if d.split in splits]
        if not docs:
            raise QaInputError(f"{path}: no documents in split(s) {', '.join(splits)}")
    return docs, path.name
