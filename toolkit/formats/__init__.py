"""Corpus formats: one module per format with its reader and writer, and one table of them.

- ``conll``: CoNLL/BIO token-per-line files (read: any tagging scheme of :data:`toolkit.text.bio.SCHEMES`;
  write: the release's BIO view);
- ``spans``: token-span JSON as CoNLL04 and SpERT-style corpora publish it (entities and relations);
- ``brat``: brat standoff folders (``.txt`` + ``.ann``; ``T`` entities, ``R`` relations);
- ``spacy``: spaCy's ``DocBin`` (written only).

Reading turns files into units of :mod:`toolkit.corpus`, written as documents and gold records
(``toolkit corpus import --format F``); writing exports a release (``toolkit dataset export --format F``). What
a format cannot hold is counted in the export's report, never dropped silently. **To add a format**: a module
here with ``read_units`` and/or ``write_split`` and one row of :data:`FORMATS`; the command line offers it by
name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from toolkit._io import atomic_write_text, dumps
from toolkit.corpus import CorpusError, Unit, split_of, write_units
from toolkit.dataset.load import SPLITS, load_release
from toolkit.errors import ToolkitError
from toolkit.formats import brat, conll, spacy, spans
from toolkit.model import Example
from toolkit.schema import Schema

Reader = Callable[[Path, str, Counter[str]], list[Unit]]
"""``(path, tagging scheme, tally of ignored lines) -> units``."""
Writer = Callable[[Sequence[Example], Path, str, Counter[str]], None]
"""``(examples of a split, output folder, split name, counts of what was changed or left out)``."""


class ExportError(ToolkitError):
    """A release cannot be exported in the asked format."""


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    reader: Reader | None
    writer: Writer | None
    inputs: Literal["files", "folders"] = "files"


FORMATS: Mapping[str, Format] = {
    "conll": Format("conll", "CoNLL/BIO: one token and its tag per line", conll.read_units, conll.write_split),
    "spans": Format("spans", "token-span JSON (CoNLL04, SpERT)", spans.read_units, spans.write_split),
    "brat": Format("brat", "brat standoff (.txt + .ann)", brat.read_units, brat.write_split, "folders"),
    "spacy": Format("spacy", "spaCy DocBin", None, spacy.write_split),
}
READABLE = tuple(name for name, f in FORMATS.items() if f.reader is not None)
WRITABLE = tuple(name for name, f in FORMATS.items() if f.writer is not None)


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
    """Read corpus files of one format and write them under ``out_dir`` (see :func:`toolkit.corpus.write_units`)."""
    reader = FORMATS[fmt].reader if fmt in FORMATS else None
    if reader is None:
        raise CorpusError(f"cannot read format {fmt!r}; choose from {', '.join(READABLE)}")
    ignored: Counter[str] = Counter()
    files = []
    for path in paths:
        units = reader(Path(path), scheme, ignored)
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


def export_release(release_dir: Path, fmt: str, out_dir: Path) -> dict[str, Any]:
    """Write every non-empty split of a release in ``fmt`` under ``out_dir``; returns what was written."""
    writer = FORMATS[fmt].writer if fmt in FORMATS else None
    if writer is None:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(WRITABLE)}")
    rel = load_release(release_dir)
    out_dir = Path(out_dir)
    report: dict[str, Any] = {"release": f"{rel.name} {rel.version}", "format": fmt, "splits": {}}
    for split in SPLITS:
        examples = rel.splits.get(split) or []
        if not examples:
            continue
        counts: Counter[str] = Counter()
        writer(examples, out_dir, split, counts)
        report["splits"][split] = {"documents": len(examples), **dict(sorted(counts.items()))}
    atomic_write_text(out_dir / "export.json", dumps(report, indent=1) + "\n")
    return report


__all__ = ["FORMATS", "READABLE", "WRITABLE", "ExportError", "Format", "export_release", "import_files"]
