"""Token-span JSON, as CoNLL04 and SpERT-style corpora publish it: a JSON list (or JSON lines) of
``{"tokens": [...], "entities": [...], "relations": [...]}``.

Entities are ``[start, end, type]`` token indices (end exclusive) or objects ``{"start", "end",
"type"}``; relations are ``[head_start, head_end, tail_start, tail_end, type]`` (arguments by their
token span) or objects ``{"head", "tail", "type"}`` (arguments by entity index). Relations are
directed head -> tail. Errors name the file and the item (and its line for JSON lines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from toolkit.corpus.common import CorpusError, Unit, from_tokens


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
        if not (_int(h) and _int(t) and 0 <= h < len(spans) and 0 <= t < len(spans)):  # type: ignore[operator]
            raise CorpusError(f"{where}: relation {r!r}: head and tail must be indices of its entities")
    else:
        raise CorpusError(f"{where}: a relation is {r!r}; expected [hs, he, ts, te, type] or {{head, tail, type}}")
    if not isinstance(label, str) or not label:
        raise CorpusError(f"{where}: relation {r!r} has no type")
    if h == t:
        raise CorpusError(f"{where}: relation {r!r} links an entity to itself")
    return int(h), int(t), label  # type: ignore[arg-type]


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
