"""CoNLL/BIO files: one token per line (tab or space separated; the first column is the token, the last
the tag, columns between - POS and the like - ignored), blank lines between sentences, optional
``-DOCSTART-`` lines, CRLF or LF. Tags in any scheme of :data:`toolkit.text.bio.SCHEMES` (IOB2 by
default; IOB1, IOE1, IOE2, IOBES, BILOU). Each sentence becomes a unit whose text is its tokens joined
by single spaces; errors name the file and the line of the offending token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.corpus.common import CorpusError, Unit, from_tokens
from toolkit.text.bio import SCHEMES, TagError, decode


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


def conll_units(path: Path, scheme: str = "iob2") -> list[Unit]:
    """Every sentence of a CoNLL file as a unit."""
    path = Path(path)
    out = []
    for sentence in read_conll(path):
        where = f"{path}, line {sentence.line}"
        spans = tags_to_token_spans(sentence.tags, scheme, where, sentence.lines)
        out.append(from_tokens(sentence.tokens, spans, (), where, {"file": path.name, "line": sentence.line}))
    return out
