"""Dataset rows appended column by column, turned into Arrow record batches.

Building one Python dict per row and letting Arrow take it apart again costs more than the rest
of the build; here every column is a flat list (lists of lists become values plus offsets) and
each batch becomes Arrow arrays of exactly the types the dataset features declare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from toolkit.model import Annotation, Document


class ColumnBatch:
    """Rows of one split, waiting to be written (see :meth:`add` and :meth:`take`)."""

    def __init__(self, arrow_schema: pa.Schema, entity_ids: Mapping[str, int], relation_ids: Mapping[str, int]) -> None:
        self.schema = arrow_schema
        self.entity_ids = entity_ids
        self.relation_ids = relation_ids
        self._reset()

    def _reset(self) -> None:
        self.rows = 0
        self.scalars: dict[str, list[Any]] = {k: [] for k in ("id", "text", "outlet", "date", "source_file")}
        self.tokens: list[str] = []
        self.token_offsets = [0]
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.tags: list[int] = []
        self.ent: dict[str, list[Any]] = {k: [] for k in ("id", "start", "end", "label", "text")}
        self.ent_offsets = [0]
        self.ent_ann: list[str] = []
        self.ent_ann_offsets = [0]
        self.rel: dict[str, list[Any]] = {k: [] for k in ("id", "head", "tail", "label")}
        self.rel_offsets = [0]
        self.rel_ann: list[str] = []
        self.rel_ann_offsets = [0]

    def __len__(self) -> int:
        return self.rows

    def add(
        self,
        doc: Document,
        gold: Annotation,
        span_support: Mapping[str, Sequence[str]],
        relation_support: Mapping[str, Sequence[str]],
        tokens: Sequence[str],
        starts: Sequence[int],
        ends: Sequence[int],
        tags: Sequence[int],
    ) -> None:
        text, meta = doc.text, doc.metadata
        source = meta.get("source") or {}
        for key, value in (
            ("id", doc.id),
            ("text", text),
            ("outlet", meta.get("outlet")),
            ("date", meta.get("date")),
            ("source_file", source.get("file") if isinstance(source, Mapping) else None),
        ):
            self.scalars[key].append(value)
        self.tokens.extend(tokens)
        self.token_offsets.append(len(self.tokens))
        self.starts.extend(starts)
        self.ends.extend(ends)
        self.tags.extend(tags)
        ent, ann = self.ent, self.ent_ann
        for s in gold.spans:
            ent["id"].append(s.id)
            ent["start"].append(s.start)
            ent["end"].append(s.end)
            ent["label"].append(self.entity_ids[s.label])
            ent["text"].append(text[s.start : s.end])
            ann.extend(span_support.get(s.id, ()))
            self.ent_ann_offsets.append(len(ann))
        self.ent_offsets.append(len(ent["id"]))
        rel, rann = self.rel, self.rel_ann
        for r in gold.relations:
            rel["id"].append(r.id)
            rel["head"].append(r.head)
            rel["tail"].append(r.tail)
            rel["label"].append(self.relation_ids[r.label])
            rann.extend(relation_support.get(r.id, ()))
            self.rel_ann_offsets.append(len(rann))
        self.rel_offsets.append(len(rel["id"]))
        self.rows += 1

    def take(self) -> pa.RecordBatch:
        """The rows added since the last call, as one record batch of the declared schema."""
        types = {f.name: f.type for f in self.schema}
        columns = {name: pa.array(values, type=types[name]) for name, values in self.scalars.items()}
        columns["tokens"] = _list(types["tokens"], self.token_offsets, self.tokens)
        columns["token_starts"] = _list(types["token_starts"], self.token_offsets, self.starts)
        columns["token_ends"] = _list(types["token_ends"], self.token_offsets, self.ends)
        columns["ner_tags"] = _list(types["ner_tags"], self.token_offsets, self.tags)
        columns["entities"] = _structs(
            types["entities"], self.ent_offsets, self.ent, self.ent_ann_offsets, self.ent_ann
        )
        columns["relations"] = _structs(
            types["relations"], self.rel_offsets, self.rel, self.rel_ann_offsets, self.rel_ann
        )
        batch = pa.RecordBatch.from_arrays([columns[f.name] for f in self.schema], schema=self.schema)
        self._reset()
        return batch


def _list(list_type: pa.DataType, offsets: list[int], values: Sequence[Any]) -> pa.Array:
    return pa.ListArray.from_arrays(
        pa.array(offsets, type=pa.int32()), pa.array(values, type=list_type.value_type), type=list_type
    )


def _structs(
    list_type: pa.DataType, offsets: list[int], fields: dict[str, list[Any]], ann_offsets: list[int], ann: list[str]
) -> pa.Array:
    struct_type = list_type.value_type
    arrays = []
    for f in struct_type:
        if f.name == "annotators":
            arrays.append(_list(f.type, ann_offsets, ann))
        else:
            arrays.append(pa.array(fields[f.name], type=f.type))
    values = pa.StructArray.from_arrays(arrays, fields=list(struct_type))
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values, type=list_type)
