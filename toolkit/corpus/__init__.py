"""External corpora into the canonical model: CoNLL/BIO, token-span JSON (CoNLL04, SpERT-style), brat.

Every format is read into units (:mod:`common`) and written the same way - ``articles.jsonl``,
``gold.jsonl`` (with the types the corpus annotates) and ``corpus.json`` (input files with checksums,
counts, what was merged, dropped or kept) - so release, bench and score serve them unchanged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from toolkit.corpus.brat import brat_units
from toolkit.corpus.common import CorpusError, Unit, mapped, split_of, unit_example, write_units
from toolkit.corpus.conll import Sentence, conll_units, read_conll, tags_to_token_spans
from toolkit.corpus.spans import span_units
from toolkit.model import Annotation, Document
from toolkit.schema import Schema
from toolkit.text.bio import SCHEMES

Reader = Callable[[Path, str, Counter[str]], list[Unit]]
READERS: Mapping[str, Reader] = {
    "conll": lambda path, scheme, ignored: conll_units(path, scheme),
    "spans": lambda path, scheme, ignored: span_units(path),
    "brat": lambda path, scheme, ignored: brat_units(path, ignored),
}
"""Formats by name: each reads a file into units, given the tagging scheme (CoNLL) and a tally of the lines
it ignores (brat's E/A/M/N/# lines)."""


def import_files(
    fmt: str,
    paths: Sequence[Path],
    out_dir: Path,
    *,
    split: str | None = None,
    scheme: str = "iob2",
    label_map: Mapping[str, str] | None = None,
    schema: Schema | None = None,
    conflicts: str = "error",
    cross_split: str = "error",
    duplicates: str = "merge",
    about: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Read corpus files of one format and write them under ``out_dir`` (see :func:`write_units`)."""
    ignored: Counter[str] = Counter()
    files = []
    for path in paths:
        units = READERS[fmt](Path(path), scheme, ignored)
        files.append((Path(path), split or split_of(Path(path)), units))
    summary = write_units(
        files,
        out_dir,
        fmt=fmt,
        label_map=label_map,
        schema=schema,
        conflicts=conflicts,
        cross_split=cross_split,
        duplicates=duplicates,
        about=about,
    )
    if ignored:
        summary["ignored_lines"] = dict(sorted(ignored.items()))
    return summary


def write_corpus(
    paths: list[Path],
    out_dir: Path,
    *,
    scheme: str = "iob2",
    label_map: Mapping[str, str] | None = None,
    split: str | None = None,
    duplicates: str = "merge",
    cross_split: str = "error",
    conflicts: str = "error",
) -> dict[str, Any]:
    """Import CoNLL files (``toolkit corpus import-conll``)."""
    return import_files(
        "conll",
        paths,
        out_dir,
        split=split,
        scheme=scheme,
        label_map=label_map,
        duplicates=duplicates,
        cross_split=cross_split,
        conflicts=conflicts,
    )


def read_corpus(
    path: Path, *, split: str, scheme: str = "iob2", label_map: Mapping[str, str] | None = None
) -> list[tuple[Document, Annotation]]:
    """Every sentence of a CoNLL file as a (document, gold layer) pair, in memory (no duplicate handling)."""
    path = Path(path)
    dropped: Counter[str] = Counter()
    out = []
    for n, unit in enumerate(conll_units(path, scheme), 1):
        spans, rels = mapped(unit, label_map or {}, dropped)
        out.append(unit_example(unit, f"{path.stem}-{n:05d}", split, spans, rels))
    return out


__all__ = [
    "READERS",
    "SCHEMES",
    "CorpusError",
    "Sentence",
    "Unit",
    "brat_units",
    "conll_units",
    "import_files",
    "read_conll",
    "read_corpus",
    "span_units",
    "split_of",
    "tags_to_token_spans",
    "write_corpus",
    "write_units",
]
