"""The fast lane of validation: a well-formed ``result`` straight to layer records in one tight pass.

Almost every result of a real export is clean. For those, building ``Span``/``Relation`` objects,
problem lists and skip counters only to throw them away dominates the import. This lane checks
the same rules as :class:`~toolkit.annotations.validate.ResultChecker` but only answers "all
clean" (and returns the records :func:`toolkit.model.layer_to_dict` would write) or ``None``:
anything unusual - one bad offset, a duplicate, a crossing span, an odd relation - sends the
whole result through the full checker, which names every problem. The two lanes are asserted to
agree by ``tests/annotations/test_fastlane.py`` (examples and Hypothesis-generated results).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from toolkit.annotations.validate import ResultChecker

Records = tuple[list[dict[str, Any]], list[dict[str, Any]], int, dict[str, str]]
"""(span records sorted by start, end, label, id; relation records in result order; relations in;
region id -> ``origin`` where the export records it)."""


def fast_records(result: object, checker: ResultChecker) -> Records | None:
    """The records of a fully valid result, or None when the full checks must run."""
    if type(result) is not list:
        return None
    try:
        names = checker.schema.label_studio
        origins: dict[str, str] = {}
        spans, rels = _regions(
            result,
            checker.text,
            checker.fast_entity_labels,
            checker.schema.spans_cross_lines,
            (names.labels_name, names.text_name),
            origins,
        )
    except (KeyError, TypeError):  # a key missing or a value of another shape: let the full checks say which
        return None
    if spans is None:
        return None
    by_label = {s[3]: s[2] for s in spans}
    if len(by_label) != len(spans):
        return None  # duplicate region ids
    spans.sort()
    if not _clean_overlaps(spans, checker.schema.span_overlap):
        return None
    relation_records = _relations(rels, by_label, checker)
    if relation_records is None:
        return None
    span_records = [{"id": rid, "start": s, "end": e, "label": lab} for s, e, lab, rid in spans]
    return span_records, relation_records, len(rels), origins


def _regions(
    result: list[Any],
    text: str,
    entity_labels: set[str],
    cross_lines: bool,
    names: tuple[str, str],
    origins: dict[str, str],
) -> tuple[list[tuple[int, int, str, str]] | None, list[dict[str, Any]]]:
    """(start, end, label, id) of every region if all are well-formed (else None), and the relation items."""
    n = len(text)
    spans: list[tuple[int, int, str, str]] = []
    rels: list[dict[str, Any]] = []
    for item in result:
        if type(item) is not dict:
            return None, rels
        if item.get("type") == "relation":
            rels.append(item)
            continue
        rid = item["id"]
        value = item["value"]
        if type(rid) is not str or not rid or item["from_name"] != names[0] or item["to_name"] != names[1]:
            return None, rels
        start = value["start"]
        end = value["end"]
        labels = value["labels"]
        if type(start) is not int or type(end) is not int or type(labels) is not list or len(labels) != 1:
            return None, rels
        label = labels[0]
        if type(label) is not str or label not in entity_labels or not 0 <= start < end <= n:
            return None, rels
        covered = text[start:end]
        if value["text"] != covered or (not cross_lines and "\n" in covered):
            return None, rels
        spans.append((start, end, label, rid))
        origin = item.get("origin")
        if origin is not None:
            if type(origin) is not str:
                return None, rels
            origins[rid] = origin
    return spans, rels


def _clean_overlaps(spans: list[tuple[int, int, str, str]], policy: str) -> bool:
    """No duplicate (start, end, label) and nothing the overlap policy forbids; ``spans`` sorted."""
    for a, b in pairwise(spans):
        if a[0] == b[0] and a[1] == b[1] and a[2] == b[2]:
            return False
    if policy == "allow":
        return True
    if policy == "forbid":
        return all(b[0] >= a[1] for a, b in pairwise(spans))
    # nested: spans may nest but not cross. Order by (start, -end); a stack holds the open ends.
    stack: list[int] = []
    for start, end, _, _ in sorted(spans, key=lambda s: (s[0], -s[1])):
        while stack and stack[-1] <= start:
            stack.pop()
        if stack and end > stack[-1]:
            return False
        stack.append(end)
    return True


def _relations(
    rels: list[dict[str, Any]], by_label: dict[str, str], checker: ResultChecker
) -> list[dict[str, Any]] | None:
    types = checker.fast_relation_types
    seen: set[tuple[str, str, str]] = set()
    out: list[dict[str, Any]] = []
    for n, item in enumerate(rels, 1):
        src, dst = item.get("from_id"), item.get("to_id")
        if type(src) is not str or type(dst) is not str or src == dst or src not in by_label or dst not in by_label:
            return None
        labels = item.get("labels")
        if type(labels) is not list or len(labels) != 1 or type(labels[0]) is not str:
            return None
        label = labels[0]
        rtype = types.get(label)
        if rtype is None:
            return None
        direction = item.get("direction", "right")
        if direction == "right" or (direction == "bi" and not rtype.directed):
            head, tail = src, dst
        elif direction == "left":
            head, tail = dst, src
        else:
            return None
        if not rtype.allows(by_label[head], by_label[tail]):
            return None
        key = (head, tail, label) if rtype.directed else (min(head, tail), max(head, tail), label)
        if key in seen:
            return None
        seen.add(key)
        out.append({"id": f"r{n}", "head": head, "tail": tail, "label": label})
    return out
