"""CoNLL/BIO files: one token per line (tab or space separated; the first column is the token, the last
the tag, columns between - POS and the like - ignored), blank lines between sentences, optional
``-DOCSTART-`` lines, CRLF or LF. Tags in any scheme of :data:`toolkit.text.bio.SCHEMES` (IOB2 by
default; IOB1, IOE1, IOE2, IOBES, BILOU). Each sentence becomes a unit whose text is its tokens joined
by single spaces; errors name the file and the line of the offending token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit._io import NameTable, atomic_write_text
from toolkit.annotations.reader import packed_format
from toolkit.corpus import CorpusError, ReadOptions, Skips, Unit, from_tokens, mapped, unit_example
from toolkit.model import Example
from toolkit.text.bio import SCHEMES, TagError, decode, spans_to_bio
from toolkit.text.tokens import doc_tokens


@dataclass(frozen=True)
class Sentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    line: int  # line number of the first token
    lines: tuple[int, ...] = ()  # the line of every token


def read_conll(path: Path) -> Iterator[Sentence]:
    """Sentences of a CoNLL file; errors name the file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from exc
    packed = packed_format(raw[:4])
    if packed is not None:
        raise CorpusError(f"{path}: {packed}; a CoNLL file is UTF-8 text")
    if raw.lstrip()[:14].lower().startswith((b"<!doctype html", b"<html")):
        raise CorpusError(f"{path}: an HTML page, not a CoNLL file (TOKEN ... TAG lines); save the corpus's raw file")
    if b"\0" in raw:
        at = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise CorpusError(f"{path}, line {at}: binary data (a NUL byte); not a CoNLL text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 (byte {exc.start}); convert it first") from None
    tokens: list[str] = []
    tags: list[str] = []
    lines: list[int] = []
    columns: int | None = None
    for lineno, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("-DOCSTART-"):
            if tokens:
                yield Sentence(tuple(tokens), tuple(tags), lines[0], tuple(lines))
                tokens, tags, lines = [], [], []
            continue
        parts = stripped.split("\t") if "\t" in stripped else stripped.split()
        if len(parts) < 2:
            raise CorpusError(f"{path}, line {lineno}: {len(parts)} column(s) in {stripped!r}; expected TOKEN ... TAG")
        if columns is None:
            columns = len(parts)
        elif len(parts) != columns:
            raise CorpusError(f"{path}, line {lineno}: {len(parts)} columns where earlier lines have {columns}")
        tokens.append(parts[0])
        tags.append(parts[-1])  # checked against the scheme when the sentence is decoded
        lines.append(lineno)
    if tokens:
        yield Sentence(tuple(tokens), tuple(tags), lines[0], tuple(lines))


def tags_to_token_spans(
    tags: tuple[str, ...], scheme: str, where: str, lines: tuple[int, ...] = ()
) -> list[tuple[int, int, str]]:
    """Token spans ``[i, j)`` with labels, decoded under a tagging scheme of :data:`toolkit.text.bio.SCHEMES`
    (a tag that breaks it is an error naming the offending token's line)."""
    if scheme not in SCHEMES:
        raise CorpusError(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    try:
        return decode(tags, SCHEMES[scheme], "error")
    except TagError as exc:
        at = f"{where.split(', line')[0]}, line {lines[exc.index]}" if lines else f"{where}: token {exc.index + 1}"
        tag = tags[exc.index]
        prefix, _, label = tag.partition("-")
        if scheme == "iob2" and prefix == "I":
            raise CorpusError(
                f"{at}: {tag} without a preceding B-{label} or I-{label} (IOB2); use --scheme iob1 if the file is IOB1"
            ) from None
        raise CorpusError(f"{at}: {exc}; check the tag, or pass the file's --scheme ({', '.join(SCHEMES)})") from None


def conll_units(path: Path, scheme: str = "iob2") -> Iterator[Unit]:
    """Every sentence of a CoNLL file as a unit, one at a time."""
    path = Path(path)
    for sentence in read_conll(path):
        where = f"{path}, line {sentence.line}"
        spans = tags_to_token_spans(sentence.tags, scheme, where, sentence.lines)
        yield from_tokens(sentence.tokens, spans, (), where, {"file": path.name, "line": sentence.line})


def read_corpus(
    path: Path, *, split: str, scheme: str = "iob2", label_map: Mapping[str, str] | None = None
) -> list[Example]:
    """Every sentence of a CoNLL file as a (document, gold layer) pair, in memory (no duplicate handling)."""
    path = Path(path)
    dropped: Counter[str] = Counter()
    out = []
    for n, unit in enumerate(conll_units(path, scheme), 1):
        spans, rels = mapped(unit, label_map or {}, dropped)
        out.append(unit_example(unit, f"{path.stem}-{n:05d}", split, spans, rels))
    return out


def read_units(path: Path, options: ReadOptions, skips: Skips) -> Iterator[Unit]:
    return conll_units(path, options.scheme)


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str], names: NameTable) -> None:
    """``<split>.conll``: one ``TOKEN<TAB>TAG`` line per token (the BIO view: nested entities keep the outermost),
    a blank line between documents; relations are not written (counted)."""
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
