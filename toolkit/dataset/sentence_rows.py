"""The ``sentences`` configuration of a release: one row per sentence, beside the document rows.

Sentences come from :func:`toolkit.text.sentences.sentence_bounds` (never cut inside an entity); a corpus
imported sentence by sentence (CoNLL, token-span JSON) keeps one sentence per row. A row has the
document id, the sentence's index and ``[start, end)`` in the document, its text, the tokens inside it
with offsets relative to the sentence, their BIO tags (the same ClassLabel), the entities inside it
(relative offsets, same ids) and the relations whose two arguments lie in it; relations across
sentences stay in the document rows only, and are counted. Rows are derived from the written document
splits, a batch at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.schema import Schema
from toolkit.text.sentences import sentence_bounds

BATCH = 1000


def write_sentence_splits(folder: Path, schema: Schema, one_per_document: bool) -> dict[str, Any]:
    """Write ``folder/sentences/<split>.parquet`` for every ``folder/data/<split>.parquet`` (outside ``data/``, so
    that ``load_dataset("parquet", data_dir=".../data")`` still finds the document rows only)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from toolkit.dataset.features import sentence_features

    arrow_schema = sentence_features(schema).arrow_schema
    stats: dict[str, Any] = {"sentences": {}, "bytes": {}, "cross_sentence_relations": 0}
    (folder / "sentences").mkdir(parents=True, exist_ok=True)
    for path in sorted((folder / "data").glob("*.parquet")):
        writer = pq.ParquetWriter(
            folder / "sentences" / path.name, arrow_schema, compression="zstd", write_statistics=False
        )
        count = size = 0
        try:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH):
                rows = []
                for doc in batch.to_pylist():
                    rows += _sentence_rows(doc, one_per_document, stats)
                count += len(rows)
                table = pa.Table.from_pylist(rows, schema=arrow_schema)
                size += int(table.nbytes)
                writer.write_table(table)
        finally:
            writer.close()
        stats["sentences"][path.stem] = count
        stats["bytes"][path.stem] = size
    return stats


def _sentence_rows(doc: dict[str, Any], one_per_document: bool, stats: dict[str, Any]) -> list[dict[str, Any]]:
    text = doc["text"]
    entities = doc["entities"]
    bounds = [(0, len(text))] if one_per_document else sentence_bounds(text, [(e["start"], e["end"]) for e in entities])
    by_id = {e["id"]: e for e in entities}
    placed: dict[str, int] = {}
    rows = []
    for k, (a, b) in enumerate(bounds):
        idx = [
            i for i, (s, e) in enumerate(zip(doc["token_starts"], doc["token_ends"], strict=True)) if s >= a and e <= b
        ]
        ents = [e for e in entities if e["start"] >= a and e["end"] <= b]
        for e in ents:
            placed[e["id"]] = k
        rows.append(
            {
                "document_id": doc["id"],
                "sentence_index": k,
                "start": a,
                "end": b,
                "text": text[a:b],
                "tokens": [doc["tokens"][i] for i in idx],
                "token_starts": [doc["token_starts"][i] - a for i in idx],
                "token_ends": [doc["token_ends"][i] - a for i in idx],
                "ner_tags": [doc["ner_tags"][i] for i in idx],
                "entities": [{**e, "start": e["start"] - a, "end": e["end"] - a} for e in ents],
                "relations": [],
            }
        )
    for r in doc["relations"]:
        h, t = placed.get(r["head"]), placed.get(r["tail"])
        if h is not None and h == t:
            rows[h]["relations"].append(r)
        elif r["head"] in by_id and r["tail"] in by_id:
            stats["cross_sentence_relations"] += 1
    return rows
