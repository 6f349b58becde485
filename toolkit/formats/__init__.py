"""Corpus formats: one module per format with its reader and writer, and one table of them.

- ``conll``: CoNLL/BIO token-per-line files (read: any tagging scheme of :data:`toolkit.text.bio.SCHEMES`;
  write: the release's BIO view);
- ``spans``: token-span JSON as CoNLL04 and SpERT-style corpora publish it (entities and relations);
- ``brat``: brat standoff folders (``.txt`` + ``.ann``; ``T`` entities, ``R`` relations);
- ``spacy``: spaCy's ``DocBin`` (written only).

Reading turns files into units of :mod:`toolkit.corpus`, written as documents and gold records
(``toolkit corpus import --format F``); writing exports a release (``toolkit dataset export --format F``). What
a format cannot hold is refused or counted in the export's report, never dropped silently. **To add a format**: a module
here with ``read_units`` and/or ``write_split`` and one row of :data:`FORMATS`; the command line offers it by
name.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from toolkit._io import (
    TEMP_SUFFIX,
    NameTable,
    dumps,
    folders_removed_on_failure,
    recover,
    sha256_file,
    store_lock,
    temp_prefix,
    write_failure,
)
from toolkit.corpus import CorpusError, ReadOptions, Skips, Unit, split_of, write_units
from toolkit.errors import OutputError, ToolkitError
from toolkit.formats import brat, conll, spacy, spans
from toolkit.model import Example
from toolkit.schema import Schema

Reader = Callable[[Path, ReadOptions, Skips], Iterable[Unit]]
"""``(path, options, what was skipped or ignored) -> units``, streamed."""
Writer = Callable[[Sequence[Example], Path, str, Counter[str], NameTable], None]
"""``(examples of a split, output folder, split name, counts of what was changed or left out, file names)``."""


class ExportError(ToolkitError):
    """A release cannot be exported in the asked format."""


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    reader: Reader | None
    writer: Writer | None
    inputs: Literal["files", "folders"] = "files"
    plain_labels: bool = False
    """Whether labels must be one word (no white space): the format separates fields by white space."""


FORMATS: Mapping[str, Format] = {
    "conll": Format(
        "conll", "CoNLL/BIO: one token and its tag per line", conll.read_units, conll.write_split, plain_labels=True
    ),
    "spans": Format("spans", "token-span JSON (CoNLL04, SpERT)", spans.read_units, spans.write_split),
    "brat": Format(
        "brat", "brat standoff (.txt + .ann)", brat.read_units, brat.write_split, "folders", plain_labels=True
    ),
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
    relation_map: Mapping[str, str] | None = None,
    schema: Schema | None = None,
    conflicts: str = "error",
    cross_split: str = "error",
    duplicates: str = "merge",
    skip_invalid: bool = False,
    discontinuous: str = "error",
    event_args: str = "error",
    about: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Read corpus files of one format and write them under ``out_dir`` (see :func:`toolkit.corpus.write_units`).

    A folder input of a folder format that holds split folders (an export's root) is read split by split."""
    reader = FORMATS[fmt].reader if fmt in FORMATS else None
    if reader is None:
        raise CorpusError(f"cannot read format {fmt!r}; choose from {', '.join(READABLE)}")
    options = ReadOptions(scheme, discontinuous, event_args)
    skips = Skips()
    inputs: list[tuple[Path, str | None]] = []
    for path in paths:
        folders = brat.split_folders(Path(path)) if FORMATS[fmt].inputs == "folders" and split is None else []
        inputs += folders or [(Path(path), None)]
    files = [(p, split or known or split_of(p), reader(p, options, skips)) for p, known in inputs]
    return write_units(
        files,
        out_dir,
        fmt=fmt,
        label_map=label_map,
        relation_map=relation_map,
        schema=schema,
        conflicts=conflicts,
        cross_split=cross_split,
        duplicates=duplicates,
        skip_invalid=skip_invalid,
        skips=skips,
        about=about,
    )


_WHITE = re.compile(r"\s")
_KIND = {"entities": "entity", "relations": "relation"}


def export_release(release_dir: Path, fmt: str, out_dir: Path, *, replace: bool = False) -> dict[str, Any]:
    """Write every non-empty split of a release in ``fmt`` under ``out_dir``; returns what was written.

    The release is first checked against its manifest. ``out_dir`` must be new or empty; with ``replace`` it
    may hold an earlier export (only the files that export listed), which the new one replaces. The export is
    written beside ``out_dir`` and moved into place at the end: all of it or nothing. ``export.json`` lists the
    files with their checksums, what the format could not hold (counted), and the file names that differ from
    the document ids (``file_names``), so that importing the export gives the same ids."""
    from toolkit.dataset.load import SPLITS, load_release  # datasets and pyarrow: only when exporting
    from toolkit.dataset.release import verify

    form = FORMATS.get(fmt)
    if form is None or form.writer is None:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(WRITABLE)}")
    writer = form.writer
    verify(release_dir)
    rel = load_release(release_dir)
    if form.plain_labels:
        for kind, labels in rel.annotated_types.items():
            for label in labels:
                if _WHITE.search(label):
                    raise ExportError(
                        f"{release_dir}: {_KIND[kind]} type {label!r} holds white space, which {fmt} uses between "
                        "fields; export as spans or spacy, or rename the type in the schema and release again"
                    )
    out_dir = Path(out_dir)
    with folders_removed_on_failure(out_dir.parent), store_lock(out_dir):
        recover(out_dir.parent, f".{out_dir.name}.")
        earlier = _earlier_export(out_dir, replace)
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(out_dir.name), suffix=TEMP_SUFFIX, dir=out_dir.parent))
        except OSError as exc:
            raise write_failure(out_dir, exc) from None
        try:
            tmp.chmod(0o755)
            report: dict[str, Any] = {"release": f"{rel.name} {rel.version}", "format": fmt, "splits": {}}
            names = NameTable()
            for split in SPLITS:
                examples = rel.splits.get(split) or []
                if not examples:
                    continue
                counts: Counter[str] = Counter()
                writer(examples, tmp, split, counts, names)
                report["splits"][split] = {"documents": len(examples), **dict(sorted(counts.items()))}
            if names.renamed:
                report["file_names"] = dict(sorted(names.renamed.items()))
            report["files"] = {str(p.relative_to(tmp)): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
            (tmp / "export.json").write_text(dumps(report, indent=1) + "\n", encoding="utf-8")
            for d in (p for p in tmp.rglob("*") if p.is_dir()):
                d.chmod(0o755)
            if earlier is not None:
                old = out_dir.parent / f"{temp_prefix(out_dir.name)}replaced{TEMP_SUFFIX}"
                out_dir.replace(old)
                tmp.replace(out_dir)
                shutil.rmtree(old, ignore_errors=True)
            else:
                if out_dir.exists():
                    out_dir.rmdir()  # empty (checked)
                tmp.replace(out_dir)
        except OSError as exc:
            raise write_failure(out_dir, exc) from None
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return report


def _earlier_export(out_dir: Path, replace: bool) -> dict[str, Any] | None:
    """The earlier export in ``out_dir`` to replace (None if the folder is new or empty); refuses anything else."""
    import json

    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: a file, not a folder; choose a folder for the export")
    present = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    if not present and not any(out_dir.iterdir()):
        return None
    if not replace:
        raise OutputError(
            f"{out_dir}: not empty ({len(present)} files); choose a new folder, or pass --replace to replace an "
            "earlier export there"
        )
    try:
        earlier = json.loads((out_dir / "export.json").read_text(encoding="utf-8"))
        listed = set(earlier["files"]) | {"export.json"}
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(
            f"{out_dir}: holds no export of the toolkit (no export.json listing its files); --replace only replaces "
            "an earlier export: choose another folder"
        ) from None
    foreign = [p for p in present if p not in listed]
    if foreign:
        raise OutputError(
            f"{out_dir}: {foreign[0]} is not a file of the earlier export ({len(foreign)} such files); move them "
            "away or choose another folder (nothing was replaced)"
        )
    return dict(earlier)


__all__ = ["FORMATS", "READABLE", "WRITABLE", "ExportError", "Format", "export_release", "import_files"]
