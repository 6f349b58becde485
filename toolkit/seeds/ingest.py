"""``toolkit seeds ingest``: pages into the article store, all checked before anything is written."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit._io import jsonl_text, sha256_file, staged
from toolkit.errors import SeedError
from toolkit.seeds.pages import page_to_document
from toolkit.seeds.profiles import OutletProfiles, load_profiles
from toolkit.seeds.store import ARTICLES_FILE, DEFAULT_SEEDS_DIR, RAW_DIR, document_to_record, load_articles


@dataclass(frozen=True)
class FileResult:
    path: str
    article_id: str
    status: str  # added | unchanged | updated | replaced | duplicate
    chars: int
    cut: Mapping[str, int]
    warnings: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class IngestReport:
    store: Path
    files: tuple[FileResult, ...]
    articles_total: int
    counts: Mapping[str, int] = field(default_factory=dict)


def ingest(
    paths: Sequence[Path],
    seeds_dir: Path = DEFAULT_SEEDS_DIR,
    profiles: OutletProfiles | None = None,
    *,
    replace: bool = False,
) -> IngestReport:
    """Ingest scraped pages into ``seeds_dir/articles.jsonl`` (and copy each raw page to ``seeds_dir/raw``).

    Everything is checked before anything is written: a bad file means no change at all. Two ingests at once
    take turns on the store (its lock), so every article either run reports added is stored.
    Re-ingesting the same page changes nothing; a page whose bytes changed since it was
    ingested is refused unless ``replace`` is set.
    """
    profiles = profiles or load_profiles()
    pages = []
    for path in paths:  # cleaned first, outside the lock: the slow part, and any bad page stops all before a write
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SeedError(f"{path}: cannot read ({exc.strerror})") from exc
        pages.append((path, *page_to_document(raw, path.name, profiles)))
        del raw  # copied from its file when written: one page in memory at a time
    store_path = Path(seeds_dir) / ARTICLES_FILE
    # The store is read and written under its lock: two ingests at once take turns, and neither loses the
    # other's articles; the raw copies and the store are written together (staged).
    with staged(Path(seeds_dir)) as stage:
        by_id = {d.id: d for d in load_articles(store_path)}
        by_file = {
            str(d.metadata["source"]["file"]): d
            for d in by_id.values()
            if isinstance(d.metadata.get("source"), Mapping)
        }
        results: list[FileResult] = []
        raw_copies: dict[str, Path] = {}
        for path, doc, page in pages:
            old = by_file.get(path.name)
            status, note = "added", ""
            if old is not None and old.metadata["source"]["sha256"] == doc.metadata["source"]["sha256"]:
                # Same page; the stored record is rebuilt only if the cleaning rules changed.
                status = "unchanged" if old == doc else "updated"
                if status == "updated":
                    note = "same page, re-cleaned with the current outlet profiles"
                    del by_id[old.id]
            elif old is not None:
                if not replace:
                    raise SeedError(
                        f"{path}: changed since it was ingested as article {old.id} (raw sha256 "
                        f"{old.metadata['source']['sha256'][:12]}... -> {doc.metadata['source']['sha256'][:12]}...); "
                        "rename the file if it is a different article, or pass --replace to replace it"
                    )
                status, note = "replaced", f"replaces article {old.id}"
                del by_id[old.id]
            elif doc.id in by_id:
                status, note = "duplicate", f"same text as {by_id[doc.id].metadata['source']['file']}; skipped"
            if status in ("added", "replaced", "updated"):
                by_id[doc.id] = doc
                by_file[path.name] = doc
                raw_copies[path.name] = path
            results.append(FileResult(str(path), doc.id, status, len(doc.text), page.cut, page.warnings, note))
        if raw_copies:
            for name, source in sorted(raw_copies.items()):
                target = Path(seeds_dir) / RAW_DIR / name
                if not (target.exists() and sha256_file(target) == by_file[name].metadata["source"]["sha256"]):
                    shutil.copyfile(source, stage.path(f"{RAW_DIR}/{name}"))
            stage.path(ARTICLES_FILE).write_text(
                jsonl_text(document_to_record(d) for _, d in sorted(by_id.items())), encoding="utf-8"
            )
    counts = {
        s: sum(1 for r in results if r.status == s) for s in ("added", "unchanged", "updated", "replaced", "duplicate")
    }
    return IngestReport(store_path, tuple(results), len(by_id), counts)
