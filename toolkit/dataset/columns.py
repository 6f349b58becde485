"""Dataset rows appended column by column, turned into Arrow record batches.

Building one Python dict per row and letting Arrow take it apart again costs more than the rest
of the build; here every column is a flat list (lists of lists become values plus offsets; token
offsets and tags come as one numpy array per row) and each batch becomes Arrow arrays of exactly
the types the dataset features declare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import accumulate, chain, islice
from typing import Any

import numpy as np
import pyarrow as pa

from toolkit._arrays import Arr
from toolkit.model import Document, Layer
from toolkit.text.bio import Offsets


class _Structs:
    """A list<struct> column: one list of values per struct field, row offsets, and the annotators list field."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.fields: dict[str, list[Any]] = {k: [] for k in fields}
        self.offsets = [0]
        self.annotators: list[str] = []
        self.annotator_offsets = [0]

    def add_row(self, columns: Sequence[list[Any]], support: Sequence[Sequence[str]]) -> None:
        """One row: a list of values per struct field (one value per item) and each item's annotators."""
        for column, values in zip(self.fields.values(), columns, strict=True):
            column.extend(values)
        self.annotators.extend(chain.from_iterable(support))
        ends = accumulate(map(len, support), initial=self.annotator_offsets[-1])
        self.annotator_offsets.extend(islice(ends, 1, None))
        self.offsets.append(len(self.annotator_offsets) - 1)

    def array(self, list_type: pa.DataType) -> pa.Array:
        struct_type = list_type.value_type
        arrays = [
            _list(f.type, self.annotator_offsets, self.annotators)
            if f.name == "annotators"
            else pa.array(self.fields[f.name], type=f.type)
            for f in struct_type
        ]
        values = pa.StructArray.from_arrays(arrays, fields=list(struct_type))
        return pa.ListArray.from_arrays(pa.array(self.offsets, type=pa.int32()), values, type=list_type)


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
        self.starts: list[Arr] = []  # one array per row
        self.ends: list[Arr] = []
        self.tags: list[Arr] = []
        self.entities = _Structs(("id", "start", "end", "label", "text"))
        self.relations = _Structs(("id", "head", "tail", "label"))

    def __len__(self) -> int:
        return self.rows

    def add(
        self,
        doc: Document,
        gold: Layer,
        span_support: Mapping[str, Sequence[str]],
        relation_support: Mapping[str, Sequence[str]],
        tokens: Sequence[str],
        starts: Offsets,
        ends: Offsets,
        tags: Offsets,
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
        self.starts.append(np.asarray(starts, dtype=np.int64))
        self.ends.append(np.asarray(ends, dtype=np.int64))
        self.tags.append(np.asarray(tags, dtype=np.int64))
        spans, relations = gold.spans, gold.relations
        entity_ids, relation_ids = self.entity_ids, self.relation_ids
        self.entities.add_row(
            (
                [s.id for s in spans],
                [s.start for s in spans],
                [s.end for s in spans],
                [entity_ids[s.label] for s in spans],
                [text[s.start : s.end] for s in spans],
            ),
            [span_support.get(s.id, ()) for s in spans],
        )
        self.relations.add_row(
            (
                [r.id for r in relations],
                [r.head for r in relations],
                [r.tail for r in relations],
                [relation_ids[r.label] for r in relations],
            ),
            [relation_support.get(r.id, ()) for r in relations],
        )
        self.rows += 1

    def take(self) -> pa.RecordBatch:
        """The rows added since the last call, as one record batch of the declared schema."""
        types = {f.name: f.type for f in self.schema}
        columns = {name: pa.array(values, type=types[name]) for name, values in self.scalars.items()}
        columns["tokens"] = _list(types["tokens"], self.token_offsets, self.tokens)
        columns["token_starts"] = _list(types["token_starts"], self.token_offsets, _joined(self.starts))
        columns["token_ends"] = _list(types["token_ends"], self.token_offsets, _joined(self.ends))
        columns["ner_tags"] = _list(types["ner_tags"], self.token_offsets, _joined(self.tags))
        columns["entities"] = self.entities.array(types["entities"])
        columns["relations"] = self.relations.array(types["relations"])
        batch = pa.RecordBatch.from_arrays([columns[f.name] for f in self.schema], schema=self.schema)
        self._reset()
        return batch


def _joined(arrays: list[Arr]) -> Arr:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _list(list_type: pa.DataType, offsets: list[int], values: Sequence[Any] | Arr) -> pa.Array:
    return pa.ListArray.from_arrays(
        pa.array(offsets, type=pa.int32()), pa.array(values, type=list_type.value_type), type=list_type
    )
