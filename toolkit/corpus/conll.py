"""CoNLL/BIO files: one token per line (tab or space separated; the first column is the token, the last
the tag, columns between - POS and the like - ignored), blank lines between sentences, optional
``-DOCSTART-`` lines, CRLF or LF. Tags in IOB2 or IOB1. Each sentence becomes a unit whose text is
its tokens joined by single spaces; errors name the file and the line of the offending token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from toolkit.corpus.common import CorpusError, Unit, from_tokens

SCHEMES = ("iob2", "iob1")
_TAG = re.compile(r"^(O|[BI]-\S+)$")


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
        tag = parts[-1]
        if not _TAG.match(tag):
            raise CorpusError(f"{path}, line {lineno}: tag {tag!r} is not O, B-X or I-X")
        tokens.append(parts[0])
        tags.append(tag)
        lines.append(lineno)
    if tokens:
        yield Sentence(tuple(tokens), tuple(tags), lines[0], tuple(lines))


def tags_to_token_spans(
    tags: tuple[str, ...], scheme: str, where: str, lines: tuple[int, ...] = ()
) -> list[tuple[int, int, str]]:
    """Token spans ``[i, j)`` with labels. IOB2: an ``I-X`` must continue an ``X`` (else an error naming the
    token's line). IOB1: ``I-X`` continues or starts an ``X``; ``B-X`` only separates two adjacent ``X``."""
    if scheme not in SCHEMES:
        raise CorpusError(f"unknown scheme {scheme!r}; use one of {SCHEMES}")
    spans: list[tuple[int, int, str]] = []
    cur: list[int | str] | None = None
    for k, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "O":
            cur = None
            continue
        continues = cur is not None and cur[2] == label and cur[1] == k
        if prefix == "I" and not continues and scheme == "iob2":
            at = f"{where.split(', line')[0]}, line {lines[k]}" if lines else f"{where}: token {k + 1}"
            raise CorpusError(
                f"{at}: {tag} without a preceding B-{label} or I-{label} (IOB2); use --scheme iob1 if the file is IOB1"
            )
        if prefix == "B" or not continues:
            cur = [k, k + 1, label]
            spans.append((k, k + 1, label))
        else:
            assert cur is not None
            cur[1] = k + 1
            spans[-1] = (int(cur[0]), k + 1, label)
    return spans


def conll_units(path: Path, scheme: str = "iob2") -> list[Unit]:
    """Every sentence of a CoNLL file as a unit."""
    path = Path(path)
    out = []
    for sentence in read_conll(path):
        where = f"{path}, line {sentence.line}"
        spans = tags_to_token_spans(sentence.tags, scheme, where, sentence.lines)
        out.append(from_tokens(sentence.tokens, spans, (), where, {"file": path.name, "line": sentence.line}))
    return out
