"""Seed ingestion: scraped news pages in, clean article documents out, kept in the article store.

- :mod:`profiles`: outlet rules as data (``seeds/outlets.yaml``);
- :mod:`pages`: decoding, HTML extraction, cleaning, the dateline, stable ids;
- :mod:`store`: ``articles.jsonl`` and ``raw/``;
- :mod:`ingest`: pages into the store.
"""

from toolkit.seeds.ingest import FileResult, IngestReport, ingest
from toolkit.seeds.pages import (
    LARGE_PAGE_CHARS,
    CleanedPage,
    article_id,
    clean_page,
    decode_page,
    is_html,
    normalise,
    page_to_document,
)
from toolkit.seeds.profiles import DEFAULT_PROFILES_PATH, OutletProfile, OutletProfiles, load_profiles
from toolkit.seeds.store import (
    ARTICLES_FILE,
    DEFAULT_SEEDS_DIR,
    RAW_DIR,
    document_to_record,
    iter_articles,
    load_articles,
)

__all__ = [
    "ARTICLES_FILE",
    "DEFAULT_PROFILES_PATH",
    "DEFAULT_SEEDS_DIR",
    "LARGE_PAGE_CHARS",
    "RAW_DIR",
    "CleanedPage",
    "FileResult",
    "IngestReport",
    "OutletProfile",
    "OutletProfiles",
    "article_id",
    "clean_page",
    "decode_page",
    "document_to_record",
    "ingest",
    "is_html",
    "iter_articles",
    "load_articles",
    "load_profiles",
    "normalise",
    "page_to_document",
]
