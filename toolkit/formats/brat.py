"""brat standoff: a folder of ``NAME.txt`` (the text) and ``NAME.ann`` (the annotations).

``T`` lines are entities (``T1<TAB>Type START END<TAB>text``, character offsets into the ``.txt``);
a discontinuous entity (``START END;START END``) is refused naming its line, since a span of the
canonical model is one range. ``R`` lines are relations (``R1<TAB>Type Arg1:T1 Arg2:T2``, Arg1 the
head). ``E`` (events), ``A``/``M`` (attributes), ``N`` (normalisations) and ``#`` (notes) are counted
and ignored. Each document is one unit; the entity text written in the ``.ann`` must equal the text
at its offsets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from toolkit._io import atomic_write_bytes, atomic_write_text
from toolkit.corpus import CorpusError, Unit
from toolkit.model import Example

_ENTITY = re.compile(r"^(?P<type>\S+) (?P<offsets>\d+ \d+(?:;\d+ \d+)*)$")
_RELATION = re.compile(r"^(?P<type>\S+) Arg1:(?P<head>T\d+) Arg2:(?P<tail>T\d+)$")
IGNORED = {"E": "events", "A": "attributes", "M": "attributes", "N": "normalisations", "#": "notes"}


def brat_units(folder: Path, ignored: Counter[str] | None = None) -> list[Unit]:
    """Every ``.txt``/``.ann`` pair of a folder (in name order) as a unit."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder of brat .txt/.ann files")
    out = []
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        raise CorpusError(f"{folder}: no .txt files; a brat corpus has NAME.txt and NAME.ann pairs")
    for txt in texts:
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            raise CorpusError(f"{txt}: no {ann.name} beside it")
        try:
            text = txt.read_bytes().decode("utf-8")
            lines = ann.read_bytes().decode("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{txt.parent}: not UTF-8 ({exc.reason}); convert the files first") from None
        ids: dict[str, int] = {}
        spans: list[tuple[int, int, str]] = []
        relations: list[tuple[str, str, str, str]] = []
        for lineno, line in enumerate(lines, 1):
            where = f"{ann}, line {lineno}"
            if not line.strip():
                continue
            kind = line[0]
            parts = line.split("\t")
            if kind == "T":
                if len(parts) < 2 or not (m := _ENTITY.match(parts[1])):
                    raise CorpusError(f"{where}: not an entity line (T1<TAB>Type START END<TAB>text)")
                if ";" in m["offsets"]:
                    raise CorpusError(
                        f"{where}: discontinuous entity {parts[0]} ({m['offsets']}); a span is one range: split it "
                        "into entities or join its fragments in brat"
                    )
                a, b = (int(x) for x in m["offsets"].split())
                if not 0 <= a < b <= len(text):
                    raise CorpusError(f"{where}: offsets {a} {b} are outside the text ({len(text)} characters)")
                if len(parts) > 2 and parts[2] != text[a:b]:
                    raise CorpusError(f"{where}: the text at {a}-{b} is {text[a:b]!r}, the .ann says {parts[2]!r}")
                if parts[0] in ids:
                    raise CorpusError(f"{where}: entity id {parts[0]} is used twice")
                ids[parts[0]] = len(spans)
                spans.append((a, b, m["type"]))
            elif kind == "R":
                if len(parts) < 2 or not (m := _RELATION.match(parts[1].strip())):
                    raise CorpusError(f"{where}: not a relation line (R1<TAB>Type Arg1:T1 Arg2:T2)")
                relations.append((m["head"], m["tail"], m["type"], where))
            elif kind in IGNORED:
                if ignored is not None:
                    ignored[IGNORED[kind]] += 1
            else:
                raise CorpusError(f"{where}: unknown brat line kind {kind!r} (expected T, R, E, A, M, N or #)")
        rels = []
        for head, tail, label, where in relations:
            if head not in ids or tail not in ids:
                raise CorpusError(f"{where}: relation argument {head if head not in ids else tail} is not an entity")
            rels.append((ids[head], ids[tail], label))
        order = sorted(range(len(spans)), key=lambda i: spans[i])
        position = {old: new for new, old in enumerate(order)}
        out.append(
            Unit(
                text,
                tuple(spans[i] for i in order),
                tuple((position[h], position[t], label) for h, t, label in rels),
                str(ann),
                {"file": txt.name},
            )
        )
    return out


def read_units(path: Path, scheme: str, ignored: Counter[str]) -> list[Unit]:
    return brat_units(path, ignored)


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    """``<split>/<id>.txt`` (the exact text) and ``<id>.ann`` (``T`` entities, ``R`` relations)."""
    folder = out / split
    for doc, gold in examples:
        t_ids = {s.id: f"T{k}" for k, s in enumerate(gold.spans, 1)}
        ann = [f"{t_ids[s.id]}\t{s.label} {s.start} {s.end}\t{doc.text[s.start : s.end]}" for s in gold.spans]
        ann += [f"R{k}\t{r.label} Arg1:{t_ids[r.head]} Arg2:{t_ids[r.tail]}" for k, r in enumerate(gold.relations, 1)]
        counts["entities"] += len(gold.spans)
        counts["relations"] += len(gold.relations)
        atomic_write_bytes(folder / f"{doc.id}.txt", doc.text.encode("utf-8"))
        atomic_write_text(folder / f"{doc.id}.ann", "".join(line + "\n" for line in ann))
