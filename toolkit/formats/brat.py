"""brat standoff: a folder of ``NAME.txt`` (the text) and ``NAME.ann`` (the annotations), read as brat reads it.

The ``.ann`` is split into lines on ``\\n`` only (a U+2028 or U+0085 inside an entity's text is text), a
trailing ``\\r`` dropped. ``T`` lines are entities (``T1<TAB>Type START END<TAB>text``, character offsets into
the ``.txt``; the text must match, white space compared as white space); a discontinuous entity
(``START END;START END``) has no place in a model where a span is one range: refused naming its line, or with
``discontinuous="skip"`` left out with its relations (counted and listed). ``R`` lines are relations
(``R1<TAB>Type Arg1:T1 Arg2:T2``, Arg1 the head); one whose argument is an event (``E``) is refused, or with
``event_args="skip"`` left out (counted and listed). ``E`` (events), ``A``/``M`` (attributes), ``N``
(normalisations), ``*`` (equivalences) and ``#`` (notes) are counted and ignored. Each document is one unit
whose id is its file name (as the toolkit's export named it: ``export.json`` maps encoded names back to ids).
A folder with no ``.txt`` of its own and ``train``/``dev``/``valid``/``validation``/``test`` folders (an
export's root) is read split by split. Any other file (``annotation.conf`` and the like, or a ``.txt``/``.ann``
without its pair) is named: configuration files are listed as ignored, unpaired files refused, subfolders of a
folder with documents refused.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from toolkit._io import NameTable, atomic_write_bytes, atomic_write_text
from toolkit.corpus import CorpusError, ReadOptions, Skips, Unit
from toolkit.model import Example

_ENTITY = re.compile(r"^(?P<type>\S+) (?P<offsets>\d+ \d+(?:;\d+ \d+)*)$")
_RELATION = re.compile(r"^(?P<type>\S+) Arg1:(?P<head>[TE]\d+) Arg2:(?P<tail>[TE]\d+)$")
IGNORED = {
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalisations",
    "*": "equivalences",
    "#": "notes",
}
CONFIG_FILES = {"annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf", "export.json"}
SPLIT_FOLDERS = {
    "train": "train",
    "dev": "validation",
    "valid": "validation",
    "validation": "validation",
    "test": "test",
}
_WS = re.compile(r"\s")


def split_folders(folder: Path) -> list[tuple[Path, str]]:
    """The split folders of an export's root (``train/``, ``validation/``, ``test/``), or ``[]`` for a folder of
    documents."""
    folder = Path(folder)
    if not folder.is_dir() or any(folder.glob("*.txt")):
        return []
    return [
        (f, SPLIT_FOLDERS[f.name.lower()])
        for f in sorted(folder.iterdir())
        if f.is_dir() and f.name.lower() in SPLIT_FOLDERS
    ]


def _id_names(folder: Path) -> dict[str, str]:
    """File name -> document id, from the ``export.json`` the toolkit's export writes beside its split folders."""
    for candidate in (folder / "export.json", folder.parent / "export.json"):
        if candidate.is_file():
            try:
                names = json.loads(candidate.read_text(encoding="utf-8")).get("file_names", {})
            except (OSError, ValueError, AttributeError):
                raise CorpusError(f"{candidate}: not the export report the toolkit writes; remove it") from None
            if isinstance(names, dict):
                return {str(k): str(v) for k, v in names.items()}
    return {}


def brat_units(folder: Path, options: ReadOptions | None = None, skips: Skips | None = None) -> Iterator[Unit]:
    """Every ``.txt``/``.ann`` pair of a folder (in name order) as a unit, one at a time."""
    folder = Path(folder)
    options = options or ReadOptions()
    skips = skips if skips is not None else Skips()
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of brat .txt/.ann files")
    entries = sorted(folder.iterdir())
    texts = [p for p in entries if p.is_file() and p.suffix == ".txt"]
    if not texts:
        raise CorpusError(f"{folder}: no .txt files; a brat corpus has NAME.txt and NAME.ann pairs")
    stems = {p.stem for p in texts}
    for p in entries:
        if p.is_dir():
            raise CorpusError(
                f"{p}: a folder inside a brat folder of documents; import it separately (or give the root folder of "
                "an export, whose only content is its split folders)"
            )
        if p.suffix == ".ann" and p.stem not in stems:
            raise CorpusError(f"{p}: no {p.stem}.txt beside it; a brat document is a .txt and its .ann")
        if p.suffix not in (".txt", ".ann"):
            skips.ignore("configuration files" if p.name in CONFIG_FILES else "other files (not .txt/.ann)")
    ids = _id_names(folder)
    for txt in texts:
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            raise CorpusError(f"{txt}: no {ann.name} beside it; brat keeps a document's annotations there")
        yield _document(txt, ann, ids.get(txt.stem, txt.stem), options, skips)


def _document(txt: Path, ann: Path, doc_id: str, options: ReadOptions, skips: Skips) -> Unit:
    decoded: list[str] = []
    for path in (txt, ann):
        try:
            decoded.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); convert it (iconv -f WINDOWS-1252 -t UTF-8 "
                "if it came from Windows), and its .txt/.ann partner if it is in the same encoding"
            ) from None
    text, lines = decoded[0], decoded[1].split("\n")
    ids: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []
    refs: list[str] = []
    left_out: set[str] = set()
    events: set[str] = set()
    relations: list[tuple[str, str, str, str]] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.removesuffix("\r")
        where = f"{ann}, line {lineno}"
        if not line.strip():
            continue
        kind = line[0]
        parts = line.split("\t")
        if kind == "T":
            if len(parts) < 2 or not (m := _ENTITY.match(parts[1])):
                raise CorpusError(f"{where}: not an entity line (T1<TAB>Type START END<TAB>text)")
            if parts[0] in ids or parts[0] in left_out:
                raise CorpusError(f"{where}: entity id {parts[0]} is used twice")
            if ";" in m["offsets"]:
                if options.discontinuous == "skip":
                    skips.skip("discontinuous entity", where, parts[0])
                    left_out.add(parts[0])
                    continue
                raise CorpusError(
                    f"{where}: discontinuous entity {parts[0]} ({m['offsets']}); a span is one range: split it into "
                    "entities or join its fragments in brat, or pass --discontinuous skip to leave such entities out "
                    "(counted and listed)"
                )
            a, b = (int(x) for x in m["offsets"].split())
            if not 0 <= a < b <= len(text):
                raise CorpusError(f"{where}: offsets {a} {b} are outside the text ({len(text)} characters)")
            if len(parts) > 2 and _WS.sub(" ", parts[2]) != _WS.sub(" ", text[a:b]):
                raise CorpusError(f"{where}: the text at {a}-{b} is {text[a:b]!r}, the .ann says {parts[2]!r}")
            ids[parts[0]] = len(spans)
            spans.append((a, b, m["type"]))
            refs.append(f"{parts[0]} (line {lineno})")
        elif kind == "R":
            if len(parts) < 2 or not (m := _RELATION.match(parts[1].strip())):
                raise CorpusError(f"{where}: not a relation line (R1<TAB>Type Arg1:T1 Arg2:T2)")
            relations.append((m["head"], m["tail"], m["type"], f"{parts[0]} (line {lineno})"))
        elif kind in IGNORED:
            skips.ignore(IGNORED[kind])
            if kind == "E":
                events.add(parts[0])
        else:
            raise CorpusError(f"{where}: unknown brat line kind {kind!r} (expected T, R, E, A, M, N, * or #)")
    rels: list[tuple[int, int, str]] = []
    rel_refs: list[str] = []
    for head, tail, label, ref in relations:
        where = f"{ann}, {ref}"
        event = next((a for a in (head, tail) if a.startswith("E")), None)
        if event is not None:
            if event not in events:
                raise CorpusError(f"{where}: relation argument {event} is not an event of this document")
            if options.event_args != "skip":
                raise CorpusError(
                    f"{where}: relation argument {event} is an event; the canonical model relates entities only: pass "
                    "--event-args skip to leave such relations out (counted and listed)"
                )
            skips.skip("relation with an event argument", str(ann), ref)
            continue
        if head in left_out or tail in left_out:
            skips.skip("relation to a discontinuous entity left out", str(ann), ref)
            continue
        missing = next((a for a in (head, tail) if a not in ids), None)
        if missing is not None:
            raise CorpusError(f"{where}: relation argument {missing} is not an entity of this document")
        rels.append((ids[head], ids[tail], label))
        rel_refs.append(ref)
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    position = {old: new for new, old in enumerate(order)}
    return Unit(
        text,
        tuple(spans[i] for i in order),
        tuple((position[h], position[t], label) for h, t, label in rels),
        str(ann),
        {"file": txt.name},
        doc_id=doc_id,
        span_refs=tuple(refs[i] for i in order),
        relation_refs=tuple(rel_refs),
    )


def read_units(path: Path, options: ReadOptions, skips: Skips) -> Iterator[Unit]:
    return brat_units(path, options, skips)


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str], names: NameTable) -> None:
    """``<split>/<name>.txt`` (the exact text) and ``<name>.ann`` (``T`` entities, ``R`` relations), ``<name>`` the
    document id as a safe file name (:class:`toolkit._io.NameTable`). An entity's text is written with each white
    space character as a space (a line break or TAB would end the line or the field; the reader compares white
    space as white space)."""
    folder = out / split
    for doc, gold in examples:
        t_ids = {s.id: f"T{k}" for k, s in enumerate(gold.spans, 1)}
        ann = [
            f"{t_ids[s.id]}\t{s.label} {s.start} {s.end}\t{_WS.sub(' ', doc.text[s.start : s.end])}" for s in gold.spans
        ]
        ann += [f"R{k}\t{r.label} Arg1:{t_ids[r.head]} Arg2:{t_ids[r.tail]}" for k, r in enumerate(gold.relations, 1)]
        counts["entities"] += len(gold.spans)
        counts["relations"] += len(gold.relations)
        name = names.name(doc.id)
        atomic_write_bytes(folder / f"{name}.txt", doc.text.encode("utf-8"))
        atomic_write_text(folder / f"{name}.ann", "".join(line + "\n" for line in ann))
