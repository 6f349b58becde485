"""What changed between two releases, at annotation level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError

SpanKey = tuple[int, int]


def load_release_rows(path: Path) -> dict[str, dict[str, Any]]:
    """Rows of every split of a release, by document id, with label names decoded."""
    import pyarrow.parquet as pq
    from datasets import Features

    files = sorted((Path(path) / "data").glob("*.parquet"))
    if not files:
        raise ToolkitError(f"{path}: no data/*.parquet; is this a release folder?")
    rows: dict[str, dict[str, Any]] = {}
    for f in files:
        table = pq.read_table(f)
        feats = Features.from_arrow_schema(table.schema)
        ent_names = feats["entities"].feature["label"].names
        rel_names = feats["relations"].feature["label"].names
        for row in table.to_pylist():
            ents = {e["id"]: e for e in row["entities"]}
            rows[row["id"]] = {
                "spans": {(e["start"], e["end"]): ent_names[e["label"]] for e in row["entities"]},
                "relations": {
                    (
                        (ents[r["head"]]["start"], ents[r["head"]]["end"]),
                        (ents[r["tail"]]["start"], ents[r["tail"]]["end"]),
                    ): rel_names[r["label"]]
                    for r in row["relations"]
                },
                "text": row["text"],
            }
    return rows


def diff_releases(old: Path, new: Path) -> dict[str, Any]:
    a, b = load_release_rows(old), load_release_rows(new)
    out: dict[str, Any] = {
        "documents_added": sorted(set(b) - set(a)),
        "documents_removed": sorted(set(a) - set(b)),
        "documents": {},
    }
    totals = dict.fromkeys(
        (
            "spans_added",
            "spans_removed",
            "spans_relabelled",
            "relations_added",
            "relations_removed",
            "relations_relabelled",
        ),
        0,
    )
    for doc_id in sorted(set(a) & set(b)):
        change: dict[str, list[Any]] = {}
        for kind in ("spans", "relations"):
            old_items, new_items = a[doc_id][kind], b[doc_id][kind]
            added = [[*_k(k), v] for k, v in sorted(new_items.items()) if k not in old_items]
            removed = [[*_k(k), v] for k, v in sorted(old_items.items()) if k not in new_items]
            relabelled = [
                [*_k(k), old_items[k], v] for k, v in sorted(new_items.items()) if k in old_items and old_items[k] != v
            ]
            for what, items in (("added", added), ("removed", removed), ("relabelled", relabelled)):
                if items:
                    change[f"{kind}_{what}"] = items
                    totals[f"{kind}_{what}"] += len(items)
        if change:
            out["documents"][doc_id] = change
    out["totals"] = totals
    return out


def _k(key: Any) -> list[Any]:
    return list(key)


def changelog_entry(version: str, diff: dict[str, Any] | None, previous: str | None) -> str:
    if diff is None:
        return f"### {version}\n\nFirst release.\n"
    t = diff["totals"]
    lines = [
        f"### {version} (changes from {previous})",
        "",
        f"- documents: {len(diff['documents_added'])} added, {len(diff['documents_removed'])} removed",
        f"- entities: {t['spans_added']} added, {t['spans_removed']} removed, {t['spans_relabelled']} relabelled",
        f"- relations: {t['relations_added']} added, {t['relations_removed']} removed, "
        f"{t['relations_relabelled']} relabelled",
    ]
    for doc_id, change in diff["documents"].items():
        lines.append(f"- {doc_id}: " + ", ".join(f"{k.replace('_', ' ')} {len(v)}" for k, v in change.items()))
    lines.append(
        f"- every change, item by item: [`diff.json`](diff.json); the previous version on the Hub: "
        f'`revision="v{previous}"`'
    )
    return "\n".join(lines) + "\n"
