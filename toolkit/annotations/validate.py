"""Validation of one Label Studio annotation ``result`` against its text and the schema.

Every problem names the task, annotation and region, says what is wrong and how to fix it.
Errors make the item unusable; warnings are repairs or notes that are reported, never silent.
(About 400 lines: one checker holding every region and relation rule, so that the fast lane has one
place to agree with.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from toolkit.annotations.offsets import utf16_to_cp
from toolkit.annotations.rules import check_spans
from toolkit.model import Relation, Span
from toolkit.schema import Schema

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    task_id: Any
    annotation_id: Any
    region_id: Any
    message: str
    item: str = "annotation"  # what annotation_id names: an annotation or a prediction

    def render(self, source: str) -> str:
        where = [f"task {self.task_id}"]
        if self.annotation_id is not None:
            where.append(f"{self.item} {self.annotation_id}")
        if self.region_id is not None:
            where.append(f"region {self.region_id}")
        located = f"{', '.join(where)}: {self.message}"
        return f"{source}: {located}" if source else located

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "task_id": self.task_id,
            "annotation_id": self.annotation_id,
            "region_id": self.region_id,
            "item": self.item,
            "message": self.message,
        }


@dataclass
class Checked:
    """The usable part of one result, and what was wrong with the rest."""

    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    regions_in: int = 0
    relations_in: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    repairs: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def repair(self, kind: str) -> None:
        self.repairs[kind] = self.repairs.get(kind, 0) + 1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(value: object) -> str:
    if value is None:
        return "missing"
    return f"{type(value).__name__} {value!r}"


def text_matches(expected: str, given: str) -> tuple[bool, bool]:
    """(matches, via the known UI corruption of line breaks into a literal backslash-n)."""
    if given == expected:
        return True, False
    variants = {expected.replace("\r\n", "\\n"), expected.replace("\r\n", "\n").replace("\n", "\\n")}
    return given in variants, given in variants


class ResultChecker:
    """Checks results of one task's text; reused for every annotation and prediction of the task.

    Clean results never get here during an import: :mod:`toolkit.annotations.fastlane` takes them.
    """

    def __init__(
        self,
        text: str,
        schema: Schema,
        astral: list[int],
        label_map: Mapping[str, str] | None = None,
        relation_map: Mapping[str, str] | None = None,
    ) -> None:
        self.text = text
        self.schema = schema
        self.astral = astral
        self.label_map = dict(label_map or {})  # entity labels
        self.relation_map = dict(relation_map or {})
        self.entity_labels = set(schema.entity_labels)
        self.relation_types = {r.label: r for r in schema.relations}
        # labels the fast lane may take as they are (a mapped label always goes through the full checks)
        self.fast_entity_labels = self.entity_labels - set(self.label_map)
        self.fast_relation_types = {k: v for k, v in self.relation_types.items() if k not in self.relation_map}

    def check(self, result: object, task_id: Any, annotation_id: Any, item_kind: str = "annotation") -> Checked:
        out = Checked()

        def err(code: str, region: Any, message: str) -> None:
            out.problems.append(Problem("error", code, task_id, annotation_id, region, message, item_kind))

        def warn(code: str, region: Any, message: str) -> None:
            out.problems.append(Problem("warning", code, task_id, annotation_id, region, message, item_kind))

        if not isinstance(result, list):
            err("result-not-list", None, f"'result' is {_describe(result)}, not a list of regions; re-export the task")
            return out
        regions = [r for r in result if not (isinstance(r, dict) and r.get("type") == "relation")]
        rels = [r for r in result if isinstance(r, dict) and r.get("type") == "relation"]
        out.regions_in, out.relations_in = len(regions), len(rels)
        by_id: dict[str, Span] = {}
        seen_ids: set[str] = set()
        dropped: set[str] = set()
        for item in regions:
            span = self._region(item, err, warn, out)
            if isinstance(span, str):  # left out on purpose (an ignored control, a label mapped to nothing)
                out.skip(span)
                if isinstance(item, dict):
                    dropped.add(str(item.get("id")))
                continue
            if span is None:
                out.skip("invalid region")
                continue
            if span.id in seen_ids:
                err("duplicate-region-id", span.id, "two regions share this id; give each region its own id")
                out.skip("invalid region")
                continue
            seen_ids.add(span.id)
            by_id[span.id] = span
        self._dedupe_and_overlaps(by_id, err, out)
        all_ids = {str(r.get("id")) for r in regions if isinstance(r, dict) and r.get("id") is not None}
        seen_rel: dict[tuple[str, str, str], str] = {}
        for n, item in enumerate(rels, 1):
            rel = self._relation(item, n, by_id, all_ids, err, seen_rel, dropped)
            if isinstance(rel, str):
                out.skip(rel)
            elif rel is None:
                out.skip("invalid relation")
            else:
                out.relations.append(rel)
        out.spans = sorted(by_id.values(), key=lambda s: (s.start, s.end, s.label, s.id))
        return out

    def _region(self, item: object, err: Any, warn: Any, out: Checked) -> Span | str | None:
        """The span of a region; None if it is invalid (with an error); a reason if it is left out on purpose."""
        if not isinstance(item, dict):
            err("region-not-object", None, f"a result item is {_describe(item)}, not an object; remove it")
            return None
        rid = item.get("id")
        if not isinstance(rid, str | int) or isinstance(rid, bool) or rid == "":
            err("region-id", None, f"a region has id {_describe(rid)}; every region needs a string id")
            return None
        rid = str(rid)
        names = self.schema.label_studio
        if item.get("from_name") in names.ignored_controls:
            return f"region of control {item.get('from_name')!r}, left out of the schema"
        if item.get("from_name") != names.labels_name:
            err(
                "unknown-from-name",
                rid,
                f"from_name {item.get('from_name')!r} is not in the config (expected {names.labels_name!r}); "
                "the task was labelled with another config: make its schema with `toolkit schema from-ls-config`",
            )
            return None
        if item.get("to_name") != names.text_name:
            err(
                "unknown-to-name",
                rid,
                f"to_name {item.get('to_name')!r} is not in the config (expected {names.text_name!r})",
            )
            return None
        value = item.get("value")
        if not isinstance(value, dict):
            err("region-value", rid, f"'value' is {_describe(value)}, not an object with start, end and labels")
            return None
        start, end = value.get("start"), value.get("end")
        for name, off in (("start", start), ("end", end)):
            if not _is_int(off):
                err("offset-type", rid, f"{name} is {_describe(off)}; offsets must be integers (code points)")
                return None
        assert isinstance(start, int) and isinstance(end, int)
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
            err("region-labels", rid, f"labels is {_describe(labels)}; a region needs exactly one label")
            return None
        if len(labels) > 1:
            err("multiple-labels", rid, f"{len(labels)} labels {labels} on one region; the schema allows one: keep one")
            return None
        label = labels[0]
        if label in self.label_map:
            if not self.label_map[label]:
                return f"region label {label!r} dropped by --label-map"
            label = self.label_map[label]
        if label not in self.entity_labels:
            err(
                "unknown-label",
                rid,
                f"label {label!r} is not in the schema ({', '.join(self.schema.entity_labels)}); "
                "relabel the region or add the type to schemas/schema.yaml",
            )
            return None
        return self._offsets(rid, start, end, label, value.get("text"), err, warn, out)

    def _offsets(
        self, rid: str, start: int, end: int, label: str, given: object, err: Any, warn: Any, out: Checked
    ) -> Span | None:
        text = self.text
        if given is not None and not isinstance(given, str):
            err("region-text-type", rid, f"value.text is {_describe(given)}, not a string")
            return None
        in_range = 0 <= start < end <= len(text)
        if in_range:
            if given is None:
                if not self._fits_lines(rid, start, end, err):
                    return None
                out.repair("no value.text to check")
                warn("no-region-text", rid, f"no value.text; offsets [{start}, {end}) taken as they are")
                return Span(rid, start, end, label)
            ok, corrupted = text_matches(text[start:end], given)
            if ok:
                if not self._fits_lines(rid, start, end, err):
                    return None
                if corrupted:
                    out.repair("literal \\n in value.text")
                return Span(rid, start, end, label)
        if self.astral and isinstance(given, str):
            s2, e2 = utf16_to_cp(text, start, self.astral), utf16_to_cp(text, end, self.astral)
            if s2 is not None and e2 is not None and 0 <= s2 < e2 <= len(text) and text_matches(text[s2:e2], given)[0]:
                out.repair("UTF-16 offsets converted")
                warn(
                    "utf16-offsets",
                    rid,
                    f"offsets [{start}, {end}) count UTF-16 units (the text has characters outside the BMP); "
                    f"converted to code points [{s2}, {e2})",
                )
                return Span(rid, s2, e2, label)
        if start >= end:
            err("empty-span", rid, f"start {start} >= end {end}; redraw the region")
        elif start < 0 or end > len(text):
            err(
                "offset-range",
                rid,
                f"offsets [{start}, {end}) are outside the text ({len(text)} code points); redraw the region",
            )
        else:
            err(
                "text-mismatch",
                rid,
                f"text[{start}:{end}] is {text[start:end]!r} but value.text is {given!r}; "
                "the offsets do not fit this text: redraw the region or check the task text",
            )
        return None

    def _fits_lines(self, rid: str, start: int, end: int, err: Any) -> bool:
        """False (with an error) for a span across a line break, unless the schema allows it."""
        covered = self.text[start:end]
        if self.schema.spans_cross_lines or "\n" not in covered:
            return True
        err(
            "span-crosses-line",
            rid,
            f"[{start}, {end}) {covered!r} runs across a line break; a mention never spans two paragraphs: "
            "redraw it as separate regions (or set spans_cross_lines: true in the schema)",
        )
        return False

    def _dedupe_and_overlaps(self, by_id: dict[str, Span], err: Any, out: Checked) -> None:
        _, broken = check_spans(list(by_id.values()), self.schema.span_overlap, ref=lambda i: f"region {i}")
        for b in broken:
            err(b.code, b.item, b.message)
            del by_id[b.item]
            out.skip("invalid region")

    def _relation(
        self,
        item: Mapping[str, Any],
        n: int,
        by_id: Mapping[str, Span],
        all_ids: set[str],
        err: Any,
        seen: dict[tuple[str, str, str], str],
        dropped: set[str],
    ) -> Relation | str | None:
        src, dst = item.get("from_id"), item.get("to_id")
        ref = f"relation {n} ({src} -> {dst})"
        if str(src) in dropped or str(dst) in dropped:
            return "relation to a region left out (--label-map or an ignored control)"
        for end_id in (src, dst):
            if end_id is None or str(end_id) not in all_ids:
                err(
                    "relation-endpoint",
                    None,
                    f"{ref}: {end_id!r} is not a region of this annotation; delete the relation",
                )
                return None
        src, dst = str(src), str(dst)
        if src == dst:
            err("self-relation", src, f"{ref}: a relation from a region to itself; delete it")
            return None
        if src not in by_id or dst not in by_id:
            err(
                "relation-endpoint-invalid",
                None,
                f"{ref}: an endpoint region is invalid (see its problem), so is this relation",
            )
            return None
        labels = item.get("labels")
        if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
            err("relation-labels", None, f"{ref}: labels is {_describe(labels)}; pick exactly one relation label")
            return None
        label = labels[0]
        if label in self.relation_map:
            if not self.relation_map[label]:
                return f"relation label {label!r} dropped by --relation-map"
            label = self.relation_map[label]
        rtype = self.relation_types.get(label)
        if rtype is None:
            err(
                "unknown-relation",
                None,
                f"{ref}: relation label {label!r} is not in the schema ({', '.join(self.relation_types)})",
            )
            return None
        direction = item.get("direction", "right")
        if direction == "right":
            head, tail = src, dst
        elif direction == "left":
            head, tail = dst, src
        elif direction == "bi" and not rtype.directed:
            head, tail = src, dst
        elif direction == "bi":
            err(
                "relation-direction",
                None,
                f"{ref}: {label} is directed but drawn both ways; set its arrow head -> tail",
            )
            return None
        else:
            err("relation-direction", None, f"{ref}: direction {direction!r} is not right, left or bi")
            return None
        h, t = by_id[head], by_id[tail]
        if not rtype.allows(h.label, t.label):
            err(
                "relation-types",
                None,
                f"{ref}: {label} needs {'/'.join(rtype.head)} -> {'/'.join(rtype.tail)}, "
                f"got {h.label} -> {t.label}; check the arrow direction or the region labels",
            )
            return None
        key = (head, tail, label) if rtype.directed else (min(head, tail), max(head, tail), label)
        if key in seen:
            err("duplicate-relation", None, f"{ref}: duplicates {seen[key]}; delete one")
            return None
        seen[key] = ref
        return Relation(f"r{n}", head, tail, label)


def count_problems(problems: Sequence[Problem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in problems:
        counts[f"{p.severity}:{p.code}"] = counts.get(f"{p.severity}:{p.code}", 0) + 1
    return dict(sorted(counts.items()))
