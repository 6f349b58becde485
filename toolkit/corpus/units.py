"""Units of annotated text, and writing them as documents and gold records (what every corpus format shares).

A reader (CoNLL, span JSON, brat) turns a file into :class:`Unit` values: a text (a sentence's
tokens joined by single spaces, or a brat document's own text), its spans as character offsets and
its relations between them, and where it came from. :func:`write_units` then applies the label map
(``OLD=`` drops a label; a relation whose argument was dropped is dropped with it, counted), checks
every label (and relation argument types) against the schema when one is given, merges identical
duplicate units, refuses conflicting duplicates and units that occur in two splits (unless told
what to keep), and writes ``articles.jsonl``, ``gold.jsonl`` and ``corpus.json`` (the input files
with their checksums, the counts and everything merged, dropped or kept) under the output folder.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text, dumps, jsonl_text, sha256_file
from toolkit.errors import ToolkitError
from toolkit.model import Document, GoldRecord, Layer, Provenance, Relation, Span
from toolkit.schema import Schema

DUPLICATES = ("merge", "keep-all")
CONFLICTS = ("error", "keep-first")
CROSS_SPLIT = ("error", "keep-first", "keep-all")


class CorpusError(ToolkitError):
    """A corpus file is malformed or inconsistent."""


@dataclass(frozen=True)
class Unit:
    """One annotated sentence or document of a corpus file."""

    text: str
    spans: tuple[tuple[int, int, str], ...]  # character offsets [start, end) and label
    relations: tuple[tuple[int, int, str], ...]  # head span index, tail span index, label
    where: str  # "file, line N" (or the file), for messages
    source: Mapping[str, Any]  # {"file", "line"}
    token_offsets: tuple[tuple[int, int], ...] | None = None  # the corpus's own tokens, when it has them


def from_tokens(
    tokens: Sequence[str],
    spans: Sequence[tuple[int, int, str]],
    relations: Sequence[tuple[int, int, str]],
    where: str,
    source: Mapping[str, Any],
) -> Unit:
    """A unit from tokens (joined by single spaces) and token-index spans ``[i, j)``."""
    starts, pos = [], 0
    for tok in tokens:
        starts.append(pos)
        pos += len(tok) + 1
    offsets = tuple((a, a + len(t)) for a, t in zip(starts, tokens, strict=True))
    chars = tuple((offsets[i][0], offsets[j - 1][1], label) for i, j, label in spans)
    return Unit(" ".join(tokens), chars, tuple(relations), where, source, offsets)


def unit_example(
    unit: Unit, doc_id: str, split: str, spans: Sequence[tuple[int, int, str]], rels: Sequence[tuple[int, int, str]]
) -> tuple[Document, Layer]:
    """The document and gold layer of a unit (spans and relations as mapped)."""
    meta: dict[str, Any] = {
        "outlet": None,
        "date": None,
        "source": dict(unit.source),
        "split": split,
        "source_file": unit.source.get("file"),
    }
    if unit.token_offsets is not None:
        meta["token_offsets"] = [list(x) for x in unit.token_offsets]
    layer = Layer(
        doc_id,
        "gold",
        "",
        tuple(Span(f"s{k}", a, b, label) for k, (a, b, label) in enumerate(spans, 1)),
        tuple(Relation(f"r{k}", f"s{h + 1}", f"s{t + 1}", label) for k, (h, t, label) in enumerate(rels, 1)),
        Provenance(str(unit.source.get("file", ""))),
        "gold",
    )
    return Document(doc_id, unit.text, meta), layer


def mapped(
    unit: Unit, label_map: Mapping[str, str], dropped: Counter[str]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The unit's spans and relations after the label map; what it drops is counted."""
    return _mapped(unit, label_map, dropped)


def split_of(path: Path) -> str:
    """train / validation / test from a file name (train.txt, dev.txt, valid.CoNLL04.json, test/ ...)."""
    stem = Path(path).name.lower()
    for key, split in (("train", "train"), ("dev", "validation"), ("valid", "validation"), ("test", "test")):
        if key in stem:
            return split
    raise CorpusError(f"{path}: cannot tell its split from the name; name it train/dev/valid/test or pass --split")


@dataclass
class _Counts:
    documents: int = 0
    tokens: int = 0
    entities: int = 0
    relations: int = 0
    entities_dropped: int = 0
    relations_dropped: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))


def _mapped(
    unit: Unit, label_map: Mapping[str, str], dropped: Counter[str]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The unit's spans and relations after the label map; what it drops is counted."""
    keep: dict[int, int] = {}
    spans: list[tuple[int, int, str]] = []
    for k, (a, b, label) in enumerate(unit.spans):
        new = label_map.get(label, label)
        if not new:
            dropped[f"entity label {label!r} (--label-map)"] += 1
            continue
        keep[k] = len(spans)
        spans.append((a, b, new))
    rels = []
    for h, t, label in unit.relations:
        new = label_map.get(label, label)
        if not new:
            dropped[f"relation label {label!r} (--label-map)"] += 1
        elif h not in keep or t not in keep:
            dropped["relation whose argument was dropped"] += 1
        else:
            rels.append((keep[h], keep[t], new))
    return spans, rels


def _check(where: str, spans: list[tuple[int, int, str]], rels: list[tuple[int, int, str]], schema: Schema) -> None:
    for _, _, label in spans:
        if label not in schema.entity_labels:
            raise CorpusError(
                f"{where}: entity label {label!r} is not a type of schema {schema.name} "
                f"({', '.join(schema.entity_labels)}); map it with --label-map {label}=TYPE or drop it with {label}="
            )
    for h, t, label in rels:
        if label not in schema.relation_labels:
            raise CorpusError(
                f"{where}: relation label {label!r} is not a type of schema {schema.name} "
                f"({', '.join(schema.relation_labels)}); map it with --label-map {label}=TYPE or drop it with {label}="
            )
        rtype = schema.relation(label)
        if not rtype.allows(spans[h][2], spans[t][2]):
            raise CorpusError(
                f"{where}: relation {label} from {spans[h][2]} to {spans[t][2]}; the schema allows "
                f"{'/'.join(rtype.head)} -> {'/'.join(rtype.tail)}"
            )


def write_units(
    files: Sequence[tuple[Path, str, Sequence[Unit]]],
    out_dir: Path,
    *,
    fmt: str,
    label_map: Mapping[str, str] | None = None,
    schema: Schema | None = None,
    conflicts: str = "error",
    cross_split: str = "error",
    duplicates: str = "merge",
    about: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Write the units of ``(file, split, units)`` as ``articles.jsonl``, ``gold.jsonl`` and ``corpus.json``.

    ``duplicates``: ``merge`` identical repeats of a text in one split (counted), or ``keep-all`` as the corpus
    publishes them (then conflicting repeats are kept too, and listed); ``conflicts``: a repeat with other
    annotations is an ``error`` or ``keep-first``; ``cross_split``: a text in two splits is an ``error``, or
    ``keep-first`` / ``keep-all`` (listed either way).
    """
    from toolkit.seeds import document_to_record

    if conflicts not in CONFLICTS or cross_split not in CROSS_SPLIT or duplicates not in DUPLICATES:
        raise CorpusError(f"--duplicates takes {DUPLICATES}, --conflicts {CONFLICTS}, --cross-split {CROSS_SPLIT}")
    label_map = dict(label_map or {})
    records: list[dict[str, Any]] = []
    golds: list[GoldRecord] = []
    counts: dict[str, _Counts] = {}
    dropped: Counter[str] = Counter()
    merged: list[dict[str, str]] = []
    kept_first: list[dict[str, Any]] = []
    in_two_splits: list[dict[str, str]] = []
    kept_all: list[dict[str, Any]] = []
    seen: dict[str, tuple[str, str, Any]] = {}
    ids: set[str] = set()
    for path, split, units in files:
        c = counts.setdefault(split, _Counts())
        for n, unit in enumerate(units, 1):
            before = dropped.total()
            rel_before = sum(v for k, v in dropped.items() if k.startswith("relation"))
            spans, rels = _mapped(unit, label_map, dropped)
            rel_drops = sum(v for k, v in dropped.items() if k.startswith("relation")) - rel_before
            c.relations_dropped += rel_drops
            c.entities_dropped += dropped.total() - before - rel_drops
            if schema is not None:
                _check(unit.where, spans, rels, schema)
            key = (tuple(spans), tuple(rels))
            earlier = seen.get(unit.text)
            if earlier is not None:
                e_split, e_where, e_key = earlier
                if e_split != split:
                    if cross_split == "error":
                        raise CorpusError(
                            f"{unit.where}: the same text is also in {e_split} ({e_where}); a sentence in two splits "
                            "leaks test data into training: remove one, or pass --cross-split keep-first / keep-all"
                        )
                    in_two_splits.append({"text": unit.text[:80], "first": e_where, "also": unit.where})
                    if cross_split == "keep-first":
                        continue
                elif duplicates == "keep-all":
                    kept_all.append({"first": e_where, "also": unit.where, "same_annotations": e_key == key})
                elif e_key == key:
                    merged.append({"kept": e_where, "merged": unit.where})
                    continue
                elif conflicts == "error":
                    here, there = _show(spans, rels, unit.text), _show(list(e_key[0]), list(e_key[1]), unit.text)
                    raise CorpusError(
                        f"{unit.where}: the same text as {e_where} with other annotations ({here}; there: {there}); "
                        "fix one, or pass --conflicts keep-first"
                    )
                else:
                    kept_first.append({"kept": e_where, "dropped": unit.where})
                    continue
            else:
                seen[unit.text] = (split, unit.where, key)
            doc_id = f"{path.stem if path.is_file() else path.name}-{n:05d}"
            if doc_id in ids:
                raise CorpusError(
                    f"{path}: two input files share the name {path.stem!r}, so their ids collide; rename one"
                )
            ids.add(doc_id)
            doc, layer = unit_example(unit, doc_id, split, spans, rels)
            records.append(document_to_record(doc))
            golds.append(
                GoldRecord(
                    Document(doc_id, unit.text, {"split": split}),
                    layer,
                    "corpus",
                    {s.id: ("corpus",) for s in layer.spans},
                    {r.id: ("corpus",) for r in layer.relations},
                )
            )
            c.documents += 1
            c.tokens += len(unit.token_offsets) if unit.token_offsets is not None else len(unit.text.split())
            c.entities += len(spans)
            c.relations += len(rels)
    annotated: dict[str, list[str]] = {
        "entities": sorted({s.label for g in golds for s in g.gold.spans}),
        "relations": sorted({r.label for g in golds for r in g.gold.relations}),
    }
    declared = {k: tuple(v) for k, v in annotated.items()}  # the corpus annotates its own types, not the schema's
    out_dir = Path(out_dir)
    atomic_write_text(out_dir / "articles.jsonl", jsonl_text(sorted(records, key=lambda r: r["id"])))
    ordered = sorted(golds, key=lambda g: g.document.id)
    atomic_write_text(out_dir / "gold.jsonl", jsonl_text(replace(g, annotated=declared).to_dict() for g in ordered))
    summary: dict[str, Any] = {
        "format": fmt,
        "out": str(out_dir),
        "files": [{"file": p.name, "split": s, "sha256": _checksum(p)} for p, s, _ in files],
        "splits": {s: c.to_dict() for s, c in counts.items()},
        "annotated_types": annotated,
        "dropped": dict(sorted(dropped.items())),
        "duplicates": {"policy": duplicates, "merged": len(merged), "kept": kept_all},
        "conflicting_duplicates_kept_first": kept_first,
        "in_two_splits": {"policy": cross_split, "units": in_two_splits},
        "label_map": label_map,
        "merged": merged,
        **dict(about or {}),  # title, source text, citation, licence: for the card
    }
    atomic_write_text(out_dir / "corpus.json", dumps(summary, indent=1) + "\n")
    return summary


def _checksum(path: Path) -> str:
    """sha256 of a file, or of a folder's files in name order (brat corpora are folders)."""
    if Path(path).is_file():
        return sha256_file(Path(path))
    import hashlib

    digest = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        digest.update(f.name.encode() + b"\0" + sha256_file(f).encode())
    return digest.hexdigest()


def _show(spans: list[tuple[int, int, str]], rels: list[tuple[int, int, str]], text: str) -> str:
    ents = ", ".join(f"{text[a:b]!r} {label}" for a, b, label in spans) or "no entities"
    return ents + (f"; {len(rels)} relations" if rels else "")
