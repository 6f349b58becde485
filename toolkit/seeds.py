"""Seed ingestion: scraped news pages in, clean article documents out.

Outlet rules are data (``seeds/outlets.yaml``): a profile says how to recognise an outlet's
pages, which prefix to cut, where page chrome begins and how the dateline is written.
Normalisation is conservative (NFC, LF line ends, no trailing whitespace) and never
rewrites a word. Each article's id is derived from its normalised body text. HTML pages are
extracted by trafilatura first.

(Just over 400 lines: profiles, decoding, extraction, cleaning and the store are one stage that
every page goes through in order.)
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, field_validator

from toolkit._io import atomic_write_bytes, atomic_write_text, dumps, jsonl_text, sha256_bytes
from toolkit.errors import SeedError
from toolkit.model import Document

DEFAULT_SEEDS_DIR = Path("seeds")
DEFAULT_PROFILES_PATH = DEFAULT_SEEDS_DIR / "outlets.yaml"
ARTICLES_FILE = "articles.jsonl"
RAW_DIR = "raw"

# Indonesian weekday names -> datetime.weekday() numbers, to check datelines.
_WEEKDAYS = {"Senin": 0, "Selasa": 1, "Rabu": 2, "Kamis": 3, "Jumat": 4, "Jum'at": 4, "Sabtu": 5, "Minggu": 6}


class OutletProfile(BaseModel):
    """How to find the body of one outlet's pages (see ``seeds/outlets.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1)]
    outlet: str | None = None
    detect: str | None = None
    prefix: str | None = None
    chrome_headings: tuple[str, ...] = ()
    related_headings: tuple[str, ...] = ()
    bullet: str | None = None
    dateline: str | None = None
    min_body_chars: int = 200

    @field_validator("detect", "prefix", "bullet", "dateline")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class OutletProfiles(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    profiles: tuple[OutletProfile, ...] = ()
    generic: OutletProfile

    def pick(self, page: str) -> OutletProfile:
        """The first profile whose ``detect`` pattern matches the start of the page, else generic."""
        for profile in self.profiles:
            if profile.detect and re.match(profile.detect, page):
                return profile
        return self.generic


def load_profiles(path: Path = DEFAULT_PROFILES_PATH) -> OutletProfiles:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return OutletProfiles.model_validate(data)
    except OSError as exc:
        raise SeedError(f"{path}: cannot read outlet profiles ({exc.strerror}); pass --profiles PATH") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: outlet profiles are not valid UTF-8 YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SeedError(f"{path}: invalid outlet profiles: {problems}") from None


def normalise(text: str) -> str:
    """NFC, CRLF/CR -> LF, no trailing whitespace on any line, no blank lines at either end.

    Idempotent: ``normalise(normalise(x)) == normalise(x)``. Words are never changed.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)  # UTF-32 first: its little-endian BOM starts like UTF-16's


def decode_page(raw: bytes, source: str) -> str:
    """Decode a scraped page (UTF-8, or UTF-16/32 with a byte-order mark), refusing empty, binary and other input."""
    if not raw.strip():
        raise SeedError(f"{source}: the file is empty; scrape the page again")
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise SeedError(
                    f"{source}: starts with a {codec.upper()} byte-order mark but is not {codec.upper()} "
                    f"(byte {exc.start}); save it again"
                ) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SeedError(f"{source}: binary data (NUL byte at offset {nul}); pass a text page")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SeedError(
            f"{source}: not UTF-8 (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it, e.g. iconv -f latin1 -t utf-8"
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if controls > max(8, len(text) // 100):
        raise SeedError(f"{source}: looks binary ({controls} control characters); pass a text page")
    return text


@dataclass(frozen=True)
class CleanedPage:
    """A page split into its article body and everything that was cut from it."""

    body: str
    profile: str
    outlet: str | None
    dateline: str | None
    date: str | None
    related_headlines: tuple[str, ...]
    cut: Mapping[str, int]
    warnings: tuple[str, ...] = ()
    html: Mapping[str, Any] | None = None  # title, author, date, URL and the extractor of an HTML page


def _split_chrome(lines: Sequence[str], profile: OutletProfile) -> tuple[list[str], dict[str, list[str]]]:
    """Body lines up to the first chrome heading; chrome sections as heading -> item lines."""
    headings = set(profile.chrome_headings)
    body: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        if line.strip() in headings:
            current = line.strip()
            sections.setdefault(current, [])
        elif current is None:
            body.append(line)
        else:
            sections[current].append(line)
    return body, sections


def _headline_items(lines: Iterable[str], bullet: str | None) -> list[str]:
    items = []
    for line in lines:
        item = re.sub(f"^(?:{bullet})", "", line).strip() if bullet else line.strip()
        if item:
            items.append(item)
    return items


def _parse_dateline(body: str, profile: OutletProfile, source: str) -> tuple[str | None, str | None, list[str]]:
    if not profile.dateline:
        return None, None, []
    match = re.search(profile.dateline, body)
    if match is None:
        return None, None, []
    parts = match.groupdict()
    try:
        date = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (KeyError, TypeError, ValueError):
        return match.group(0), None, [f"{source}: dateline {match.group(0)!r} is not a valid date; date left empty"]
    warnings = []
    weekday = parts.get("weekday")
    if weekday in _WEEKDAYS and _WEEKDAYS[weekday] != date.weekday():
        warnings.append(
            f"{source}: dateline {match.group(0)!r} says {weekday} but {date.isoformat()} is a "
            f"{date.strftime('%A')}; the date is kept as written"
        )
    return match.group(0), date.isoformat(), warnings


_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


def is_html(page: str) -> bool:
    return bool(_HTML.match(page[:4096]))


def extract_article(page: str, source: str) -> tuple[str, dict[str, Any]]:
    """The article text of an HTML page and its metadata, by trafilatura (a well-kept extractor).

    A page trafilatura's readability check does not take for an article (a tag index, a home page) is
    refused. The title line trafilatura puts first is dropped (it is metadata, not body).
    """
    import lxml.html
    import trafilatura
    from trafilatura.readability_lxml import is_probably_readerable

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise SeedError(f"{source}: not a readable HTML page ({exc})") from None
    doc: Any = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if doc is None or not doc.text or not is_probably_readerable(tree):
        raise SeedError(
            f"{source}: no recognisable article in this HTML page (trafilatura {trafilatura.__version__} finds none); "
            "pass the page of one article"
        )
    lines = doc.text.split("\n")
    if doc.title and lines and lines[0].strip() == doc.title.strip():
        lines = lines[1:]
    meta = {
        "title": doc.title,
        "author": doc.author,
        "date": doc.date,
        "url": doc.url,
        "sitename": doc.sitename,
        "extractor": {"name": "trafilatura", "version": trafilatura.__version__},
    }
    return "\n".join(lines), meta


def clean_page(raw: bytes, source: str, profiles: OutletProfiles) -> CleanedPage:
    """Decode, normalise and cut a scraped page down to its article body (HTML: extracted first)."""
    decoded = decode_page(raw, source)
    html_meta: dict[str, Any] | None = None
    if is_html(decoded):
        decoded, html_meta = extract_article(decoded, source)
    page = normalise(decoded)
    profile = profiles.pick(page)
    body_lines, sections = _split_chrome(page.split("\n"), profile)
    body = "\n".join(body_lines).strip("\n")
    cut = {"prefix_chars": 0}
    if profile.prefix:
        match = re.match(profile.prefix, body)
        if match:
            cut["prefix_chars"] = match.end()
            body = body[match.end() :]
    for heading, lines in sorted(sections.items()):
        cut[f"chrome_lines:{heading}"] = len(lines) + 1
    body = normalise(body)
    if len(body) < profile.min_body_chars:
        raise SeedError(
            f"{source}: no recognisable article body ({len(body)} characters after cutting page "
            f"chrome with profile {profile.name!r}; at least {profile.min_body_chars} needed); "
            "check the page or add an outlet profile to seeds/outlets.yaml"
        )
    related = [
        h for heading in profile.related_headings for h in _headline_items(sections.get(heading, []), profile.bullet)
    ]
    dateline, date, warnings = _parse_dateline(body, profile, source)
    if html_meta is not None and date is None and isinstance(html_meta.get("date"), str):
        date = html_meta["date"]  # no dateline in the body: the page's own date
    return CleanedPage(
        body, profile.name, profile.outlet, dateline, date, tuple(related), cut, tuple(warnings), html_meta
    )


def article_id(body: str) -> str:
    """Stable article id: the first 16 hex digits of the sha256 of the normalised body."""
    return sha256_bytes(body.encode("utf-8"))[:16]


def page_to_document(raw: bytes, source_name: str, profiles: OutletProfiles) -> tuple[Document, CleanedPage]:
    page = clean_page(raw, source_name, profiles)
    metadata: dict[str, Any] = {
        "outlet": page.outlet,
        "date": page.date,
        "dateline": page.dateline,
        "related_headlines": list(page.related_headlines),
        "source": {"file": source_name, "sha256": sha256_bytes(raw), "profile": page.profile},
        "cut": dict(page.cut),
    }
    if page.html is not None:
        metadata["html"] = {k: v for k, v in page.html.items() if k != "extractor"}
        metadata["source"]["extractor"] = page.html["extractor"]
    return Document(article_id(page.body), page.body, metadata), page


# --- the article store -------------------------------------------------------------------------


def document_to_record(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "text": doc.text, "metadata": json.loads(dumps(dict(doc.metadata)))}


def iter_articles(path: Path) -> Iterator[Document]:
    """The articles of ``articles.jsonl``, one at a time; a missing file is an empty store."""
    path = Path(path)
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
                doc = Document(rec["id"], rec["text"], rec.get("metadata", {}))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise SeedError(f"{path}, line {lineno}: not an article record ({exc}); restore it from git") from None
            yield doc


def load_articles(path: Path) -> list[Document]:
    """Read ``articles.jsonl``; a missing file is an empty store."""
    return list(iter_articles(path))


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

    Everything is checked before anything is written: a bad file means no change at all.
    Re-ingesting the same page changes nothing; a page whose bytes changed since it was
    ingested is refused unless ``replace`` is set.
    """
    profiles = profiles or load_profiles()
    store_path = Path(seeds_dir) / ARTICLES_FILE
    by_id = {d.id: d for d in load_articles(store_path)}
    by_file = {
        str(d.metadata["source"]["file"]): d for d in by_id.values() if isinstance(d.metadata.get("source"), Mapping)
    }
    results: list[FileResult] = []
    raw_copies: dict[str, bytes] = {}
    for path in paths:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SeedError(f"{path}: cannot read ({exc.strerror})") from exc
        doc, page = page_to_document(raw, path.name, profiles)
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
            raw_copies[path.name] = raw
        results.append(FileResult(str(path), doc.id, status, len(doc.text), page.cut, page.warnings, note))
    if raw_copies:
        for name, raw in sorted(raw_copies.items()):
            target = Path(seeds_dir) / RAW_DIR / name
            if not (target.exists() and target.read_bytes() == raw):
                atomic_write_bytes(target, raw)
        atomic_write_text(store_path, jsonl_text(document_to_record(d) for _, d in sorted(by_id.items())))
    counts = {
        s: sum(1 for r in results if r.status == s) for s in ("added", "unchanged", "updated", "replaced", "duplicate")
    }
    return IngestReport(store_path, tuple(results), len(by_id), counts)
