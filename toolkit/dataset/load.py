"""Reading a release folder back as the canonical model: (document, gold layer) pairs per split."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit._io import sha256_file
from toolkit.errors import ToolkitError
from toolkit.model import Document, Example, Layer, Provenance, Relation, Span
from toolkit.scoring.labels import LabelRule

SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    manifest_sha256: str
    splits: dict[str, list[Example]]
    manifest: Mapping[str, Any]

    @property
    def label_rule(self) -> LabelRule:
        """Which labels count when scoring on this release: the types it annotates (:mod:`toolkit.scoring.labels`)."""
        return LabelRule.declared(self.annotated_types, f"declared by release {self.name} {self.version}")

    @property
    def about(self) -> dict[str, str]:
        """What a model trained on this release records: its name, version and manifest checksum."""
        return {"dataset": self.name, "version": self.version, "manifest_sha256": self.manifest_sha256}

    @property
    def annotated_types(self) -> dict[str, list[str]]:
        """The entity and relation types this release annotates (declared in the manifest; for a release
        made before releases declared them, the types that occur in it)."""
        declared = self.manifest.get("annotated_types")
        if isinstance(declared, Mapping):
            return {"entities": list(declared.get("entities", [])), "relations": list(declared.get("relations", []))}
        layers = [g for split in self.splits.values() for _, g in split]
        return {
            "entities": sorted({s.label for g in layers for s in g.spans}),
            "relations": sorted({r.label for g in layers for r in g.relations}),
        }


def load_release(path: Path) -> Release:
    """A release folder as (document, gold layer) pairs per split; token offsets ride in the metadata."""
    import pyarrow.parquet as pq
    from datasets import Features

    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ToolkitError(f"{path}: not a release folder ({exc}); run `toolkit dataset release`") from None
    splits: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for split in SPLITS:
        f = path / "data" / f"{split}.parquet"
        if not f.exists():
            continue
        table = pq.read_table(f)
        feats = Features.from_arrow_schema(table.schema)
        ents, rels = feats["entities"].feature["label"].names, feats["relations"].feature["label"].names
        for row in table.to_pylist():
            meta = {
                "outlet": row["outlet"],
                "date": row["date"],
                "token_offsets": [[a, b] for a, b in zip(row["token_starts"], row["token_ends"], strict=True)],
            }
            doc = Document(row["id"], row["text"], meta)
            spans = tuple(Span(e["id"], e["start"], e["end"], ents[e["label"]]) for e in row["entities"])
            relations = tuple(Relation(r["id"], r["head"], r["tail"], rels[r["label"]]) for r in row["relations"])
            splits[split].append((doc, Layer(doc.id, "gold", "", spans, relations, Provenance(str(path)), "gold")))
    return Release(manifest["name"], manifest["version"], sha256_file(path / "manifest.json"), splits, manifest)
