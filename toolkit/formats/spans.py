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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit._io import atomic_write_text
from toolkit.corpus import CorpusError, Unit, from_tokens
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
        raise CorpusError(f"{where}: an entity is {e!r}; expected [start, end, type] or {{start, end, type}}")
    if not (_int(a) and _int(b) and isinstance(label, str) and label and 0 <= a < b <= n_tokens):
        raise CorpusError(
            f"{where}: entity {e!r} is not [start, end, type] token indices inside the {n_tokens} tokens "
            "(end exclusive)"
        )
    return int(a), int(b), label


def _relation(r: Any, spans: list[tuple[int, int, str]], where: str) -> tuple[int, int, str]:
    index = {(a, b): k for k, (a, b, _) in enumerate(spans)}
    if isinstance(r, list) and len(r) == 5:
        hs, he, ts, te, label = r
        h, t = index.get((hs, he)), index.get((ts, te))
        if h is None or t is None:
            raise CorpusError(f"{where}: relation {r!r} names an argument that is not an entity of the sentence")
    elif isinstance(r, dict):
        h, t, label = r.get("head"), r.get("tail"), r.get("type")
        if not (isinstance(h, int) and isinstance(t, int) and _int(h) and _int(t)):
            raise CorpusError(f"{where}: relation {r!r}: head and tail must be indices of its entities")
        if not (0 <= h < len(spans) and 0 <= t < len(spans)):
            raise CorpusError(f"{where}: relation {r!r}: head and tail must be indices of its entities")
    else:
        raise CorpusError(f"{where}: a relation is {r!r}; expected [hs, he, ts, te, type] or {{head, tail, type}}")
    if not isinstance(label, str) or not label:
        raise CorpusError(f"{where}: relation {r!r} has no type")
    if h == t:
        raise CorpusError(f"{where}: relation {r!r} links an entity to itself")
    assert isinstance(h, int) and isinstance(t, int)
    return h, t, label


def span_units(path: Path) -> list[Unit]:
    """Every item of a token-span JSON file as a unit."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    items: list[tuple[Any, str, int]] = []
    try:
        data = json.loads(raw)
        if isinstance(data, list):
            items = [(x, f"{path}, item {k}", k) for k, x in enumerate(data, 1)]
        elif isinstance(data, dict):  # JSON lines of one sentence
            items = [(data, f"{path}, line 1", 1)]
        else:
            raise CorpusError(f"{path}: a JSON {type(data).__name__}, not a list of sentences")
    except json.JSONDecodeError:
        for lineno, line in enumerate(raw.splitlines(), 1):  # JSON lines
            if not line.strip():
                continue
            try:
                items.append((json.loads(line), f"{path}, line {lineno}", lineno))
            except json.JSONDecodeError as exc:
                raise CorpusError(
                    f"{path}, line {lineno}: not JSON ({exc.msg}); expected a list or JSON lines"
                ) from None
    out = []
    for item, where, k in items:
        if not isinstance(item, dict) or not isinstance(item.get("tokens"), list) or not item["tokens"]:
            raise CorpusError(f"{where}: not a sentence {{tokens, entities, relations}} with tokens")
        tokens = item["tokens"]
        if not all(isinstance(t, str) and t and not any(c.isspace() for c in t) for t in tokens):
            raise CorpusError(f"{where}: tokens must be non-empty strings without spaces")
        spans = [_entity(e, len(tokens), where) for e in item.get("entities") or []]
        if len(set((a, b) for a, b, _ in spans)) != len(spans):
            raise CorpusError(f"{where}: two entities share the same tokens; keep one")
        order = sorted(range(len(spans)), key=lambda i: spans[i])
        rels = [_relation(r, spans, where) for r in item.get("relations") or []]
        position = {old: new for new, old in enumerate(order)}
        spans = [spans[i] for i in order]
        rels = [(position[h], position[t], label) for h, t, label in rels]
        out.append(from_tokens(tokens, spans, rels, where, {"file": path.name, "item": k}))
    return out


def read_units(path: Path, scheme: str, ignored: Counter[str]) -> list[Unit]:
    return span_units(path)


def token_range(tokens: Sequence[tuple[int, int]], s: Span) -> tuple[int, int, bool]:
    """Token indices ``[i, j)`` covering a span, and whether its boundaries fall on token boundaries."""
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]
    i, j = bisect_right(ends, s.start), bisect_left(starts, s.end)
    aligned = i < j and starts[i] == s.start and ends[j - 1] == s.end
    return i, j, aligned


def write_split(examples: Sequence[Example], out: Path, split: str, counts: Counter[str]) -> None:
    """``<split>.json``: token-span JSON as CoNLL04/SpERT publish it (entities widened to token boundaries are
    counted)."""
    items = []
    for doc, gold in examples:
        tokens = doc_tokens(doc.text, doc.metadata)
        where = {}
        ents = []
        for s in gold.spans:
            i, j, aligned = token_range(tokens, s)
            if i >= j:
                counts["entities without a token (left out)"] += 1
                continue
            counts["entities"] += 1
            if not aligned:
                counts["entities widened to token boundaries"] += 1
            where[s.id] = (i, j)
            ents.append([i, j, s.label])
        rels = []
        for r in gold.relations:
            if r.head in where and r.tail in where:
                rels.append([*where[r.head], *where[r.tail], r.label])
                counts["relations"] += 1
            else:
                counts["relations whose argument was left out"] += 1
        items.append({"id": doc.id, "tokens": [doc.text[a:b] for a, b in tokens], "entities": ents, "relations": rels})
    atomic_write_text(out / f"{split}.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")
