"""Token-span JSON, as CoNLL04 and SpERT-style corpora publish it: a JSON list (or JSON lines) of
``{"tokens": [...], "entities": [...], "relations": [...]}``.

Entities are ``[start, end, type]`` token indices (end exclusive) or objects ``{"start", "end",
"type"}``; relations are ``[head_start, head_end, tail_start, tail_end, type]`` (arguments by their
token span) or objects ``{"head", "tail", "type"}`` (arguments by entity index). Relations are
directed head -> tail. Errors name the file and the item (and its line for JSON lines).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from toolkit._io import NameTable, atomic_write_text, loads
from toolkit.annotations.reader import json_list_items, packed_format
from toolkit.corpus import CorpusError, ReadOptions, Skips, Unit, from_tokens
from toolkit.errors import ToolkitError
from toolkit.model import Example, Span
from toolkit.text.tokens import doc_tokens


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entity(e: Any, n_tokens: int, where: str) -> tuple[int, int, str]:
    if isinstance(e, list) and len(e) == 3:
        a, b, label = e
    elif isinstance(e, dict):
        a, b, label = e.get("start"), e.get("end"), e.get("type")
    else:
        raise CorpusError(f"{where}: an entity is {_short(e)}; expected [start, end, type] or {{start, end, type}}")
    if not (_int(a) and _int(b) and isinstance(label, str) and label.strip() and 0 <= a < b <= n_tokens):
        raise CorpusError(
            f"{where}: entity {_short(e)} is not [start, end, type] token indices inside the {n_tokens} tokens "
            "(end exclusive) with a type"
        )
    return int(a), int(b), label


def _relation(r: Any, spans: list[tuple[int, int, str]], where: str) -> tuple[int, int, str]:
    index = {(a, b): k for k, (a, b, _) in enumerate(spans)}
    if isinstance(r, list) and len(r) == 5:
        hs, he, ts, te, label = r
        if not all(_int(x) for x in (hs, he, ts, te)):
            raise CorpusError(f"{where}: relation {_short(r)}: the first four items must be token indices")
        h, t = index.get((hs, he)), index.get((ts, te))
        if h is None or t is None:
            raise CorpusError(f"{where}: relation {_short(r)} names an argument that is not an entity of the sentence")
    elif isinstance(r, dict):
        h, t, label = r.get("head"), r.get("tail"), r.get("type")
        if not (isinstance(h, int) and isinstance(t, int) and _int(h) and _int(t)) or not (
            0 <= h < len(spans) and 0 <= t < len(spans)
        ):
            raise CorpusError(f"{where}: relation {_short(r)}: head and tail must be indices of its entities")
    else:
        raise CorpusError(
            f"{where}: a relation is {_short(r)}; expected [hs, he, ts, te, type] or {{head, tail, type}}"
        )
    if not isinstance(label, str) or not label.strip():
        raise CorpusError(f"{where}: relation {_short(r)} has no type")
    assert isinstance(h, int) and isinstance(t, int)
    return h, t, label


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _items(path: Path) -> Iterator[tuple[object, str, int]]:
    """(item, where, number) for a JSON list (``file, item N``) or JSON lines (``file, line N``), streamed.

    JSON lines are split on ``\\n`` only: a raw U+2028 inside a string is JSON, not a line break."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read ({exc.strerror})") from None
    if not head:
        raise CorpusError(f"{path}: the file is empty; a span-JSON corpus is a JSON list or JSON lines of sentences")
    if head.startswith(b"["):
        try:
            for k, item in enumerate(json_list_items(path, "a span-JSON corpus (a list of sentences)"), 1):
                yield item, f"{path}, item {k}", k
        except ToolkitError as exc:
            raise CorpusError(str(exc)) from None
        return
    packed = packed_format(head)
    if packed is not None:
        raise CorpusError(f"{path}: {packed}; a span-JSON corpus is JSON in UTF-8")
    if not head.startswith(b"{"):
        raise CorpusError(f"{path}: not JSON; a span-JSON corpus is a JSON list or JSON lines of sentences")
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw[3:] if lineno == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
            if not line.strip():
                continue
            try:
                item = loads(line.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path}, line {lineno}: not UTF-8 ({exc.reason}); save the file as UTF-8") from None
            except json.JSONDecodeError as exc:
                raise CorpusError(
                    f"{path}, line {lineno}: not JSON ({exc.msg} at column {exc.colno}); each line of JSON lines is "
                    "one sentence object"
                ) from None
            yield item, f"{path}, line {lineno}", lineno


def span_units(path: Path) -> Iterator[Unit]:
    """Every item of a token-span JSON file as a unit, one at a time. An item's ``id`` (a string, as the
    toolkit's export writes it) is kept as the document id."""
    path = Path(path)
    for item, where, k in _items(path):
        if not isinstance(item, dict) or not isinstance(item.get("tokens"), list) or not item["tokens"]:
            raise CorpusError(f"{where}: not a sentence {{tokens, entities, relations}} with tokens")
        tokens = item["tokens"]
        for i, t in enumerate(tokens):
            if not (isinstance(t, str) and t and not any(c.isspace() for c in t)):
                raise CorpusError(
                    f"{where}: token {i} is {_short(t)}; tokens must be non-empty strings without white space"
                )
        for key in ("entities", "relations"):
            if not isinstance(item.get(key) or [], list):
                raise CorpusError(f"{where}: {key} is {type(item[key]).__name__}, not a list")
        spans = [_entity(e, len(tokens), where) for e in item.get("entities") or []]
        order = sorted(range(len(spans)), key=lambda i: spans[i])
        rels = [_relation(r, spans, where) for r in item.get("relations") or []]
        position = {old: new for new, old in enumerate(order)}
        refs = tuple(f"entity {order[i] + 1}" for i in range(len(order)))
        spans = [spans[i] for i in order]
        rels = [(position[h], position[t], label) for h, t, label in rels]
        unit = from_tokens(tokens, spans, rels, where, {"file": path.name, "item": k})
        doc_id = item.get("id")
        yield replace(unit, doc_id=doc_id if isinstance(doc_id, str) and doc_id else None, span_refs=refs)


def read_units(path: Path, options: ReadOptions, skips: Skips) -> Iterator[Unit]:
    return span_units(path)


def token_range(tokens: Sequence[tuple[int, int]], s: Span) -> tuple[int, int, bool]:
    """Token indices ``[i, j)`` covering a span, and whether its boundaries fall on token boundaries."""
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]
    i, j = bisect_right(ends, s.start), bisect_left(starts, s.end)
    aligned = i < j and starts[i] == s.start and ends[j - 1] == s.end
    return i, j, aligned


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str], names: NameTable) -> None:
    """``<split>.json``: token-span JSON as CoNLL04/SpERT publish it, each item with its document ``id``.

    Entities go to the tokens that cover them (those widened are counted). Where two entities come to cover the
    same tokens, the format (and its reader) can hold one: one of the same type is merged into the first, one of
    another type left out (both counted); relations follow the entity they name (to the merged one; left out,
    counted, with an entity left out, or where they become a self or duplicate relation)."""
    items = []
    for doc, gold in examples:
        tokens = doc_tokens(doc.text, doc.metadata)
        where: dict[str, tuple[int, int]] = {}
        first: dict[tuple[int, int], str] = {}
        ents = []
        for s in sorted(gold.spans, key=lambda s: (s.start, s.end, s.label, s.id)):
            i, j, aligned = token_range(tokens, s)
            if i >= j:
                counts["entities without a token (left out)"] += 1
                continue
            if not aligned:
                counts["entities widened to token boundaries"] += 1
            if (i, j) in first:
                if first[(i, j)] == s.label:
                    counts["entities merged: same type on the same tokens as another"] += 1
                    where[s.id] = (i, j)
                else:
                    counts["entities left out: another type on the same tokens"] += 1
                continue
            first[(i, j)] = s.label
            counts["entities"] += 1
            where[s.id] = (i, j)
            ents.append([i, j, s.label])
        rels = []
        seen = set()
        for r in gold.relations:
            if r.head not in where or r.tail not in where:
                counts["relations whose argument was left out"] += 1
                continue
            rel = (*where[r.head], *where[r.tail], r.label)
            if where[r.head] == where[r.tail]:
                counts["relations left out: both arguments on the same tokens"] += 1
            elif rel in seen:
                counts["relations merged: the same after their arguments were merged"] += 1
            else:
                seen.add(rel)
                rels.append(list(rel))
                counts["relations"] += 1
        items.append({"id": doc.id, "tokens": [doc.text[a:b] for a, b in tokens], "entities": ents, "relations": rels})
    atomic_write_text(out / f"{split}.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")
