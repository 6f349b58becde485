"""Scraped pages in, clean article documents out: decoding, HTML extraction (trafilatura; resiliparse for a page
too large for trafilatura's memory), the outlet's cuts, the dateline, and the article's id.

Normalisation is conservative (NFC, LF line ends, no trailing whitespace) and never rewrites a word. Each
article's id is derived from its normalised body text.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit._io import sha256_bytes
from toolkit.errors import SeedError
from toolkit.model import Document
from toolkit.seeds.profiles import WEEKDAYS, OutletProfile, OutletProfiles


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


_NOT_PAGES: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed: decompress it first (gunzip)"),
    (b"PK\x03\x04", "a zip archive: unpack it and ingest its pages"),
    (b"%PDF-", "a PDF document, not a web page: save the article's HTML page (or its text)"),
    (b"\x89PNG", "a PNG image, not a web page"),
    (b"\xff\xd8\xff", "a JPEG image, not a web page"),
    (b"GIF8", "a GIF image, not a web page"),
)
"""Files that are not pages, by their first bytes (declared; checked before any decoding)."""
_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)


def decode_page(raw: bytes, source: str) -> str:
    """Decode a scraped page (UTF-8, or UTF-16/32 with a byte-order mark), refusing empty, binary and other input."""
    if not raw.strip():
        raise SeedError(f"{source}: the file is empty; scrape the page again")
    for magic, what in _NOT_PAGES:
        if raw.startswith(magic):
            raise SeedError(f"{source}: {what}")
    text = _decoded(raw, source)
    feed = _FEED.match(text[:4096])
    if feed:
        raise SeedError(
            f"{source}: a news feed (<{feed.group(1)}>), not an article page; ingest the pages its items link to"
        )
    return text


def _decoded(raw: bytes, source: str) -> str:
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
        text = _declared_decoding(raw, source, f"invalid byte 0x{raw[exc.start]:02x} at offset {exc.start}")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t")
    if controls > max(8, len(text) // 100):
        raise SeedError(f"{source}: looks binary ({controls} control characters); pass a text page")
    return text


def _declared_decoding(raw: bytes, source: str, why: str) -> str:
    """A page that is not UTF-8, decoded by the charset it declares (an HTML ``<meta charset>`` or
    ``http-equiv`` content type, read by lxml; an XML prolog's ``encoding``), as a browser does; refused with the
    conversion that keeps its characters when it declares none."""
    declared = _declared_charset(raw) if is_html(raw[:4096].decode("latin-1")) else None
    if declared is not None:
        try:
            return raw.decode(declared)
        except LookupError:
            raise SeedError(
                f"{source}: declares charset {declared!r}, which is not a known encoding ({why} as UTF-8); convert "
                "it to UTF-8 (iconv -f ITS-REAL-CHARSET -t UTF-8) and fix the <meta charset>"
            ) from None
        except UnicodeDecodeError:
            raise SeedError(
                f"{source}: declares charset {declared!r} but is not {declared} ({why}); save it again"
            ) from None
    raise SeedError(
        f"{source}: not UTF-8 ({why}) and declares no charset; convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8 (most "
        "Western pages that are not UTF-8 are windows-1252; latin1 would turn its curly quotes into control "
        "characters)"
    )


def _declared_charset(raw: bytes) -> str | None:
    from email.message import Message

    import lxml.etree
    import lxml.html

    if raw.lstrip()[:5].lower() == b"<?xml":
        head = raw.lstrip().split(b"?>", 1)[0].decode("latin-1")
        prolog = Message()
        prolog["content-type"] = "text/xml; " + head[5:].replace(" encoding=", "; charset=")
        charset = prolog.get_content_charset()
        if charset:
            return charset
    try:
        tree = lxml.html.document_fromstring(raw)
    except (ValueError, lxml.etree.ParserError):
        return None
    for meta in tree.iter("meta"):
        if meta.get("charset"):
            return str(meta.get("charset")).strip()
        if (meta.get("http-equiv") or "").lower() == "content-type" and meta.get("content"):
            header = Message()
            header["content-type"] = str(meta.get("content"))
            charset = header.get_content_charset()
            if charset:
                return charset
    return None


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
    if weekday in WEEKDAYS and WEEKDAYS[weekday] != date.weekday():
        warnings.append(
            f"{source}: dateline {match.group(0)!r} says {weekday} but {date.isoformat()} is a "
            f"{date.strftime('%A')}; the date is kept as written"
        )
    return match.group(0), date.isoformat(), warnings


_HTML = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|article|main|section|div|p|h[1-6]|span|table|ul|ol|br|a|b|i|em|strong)\b",
    re.IGNORECASE | re.DOTALL,
)
"""A page is HTML when it starts (after an XML prolog and comments) with a document or a fragment's tag."""
_PROLOG = re.compile(r"^\s*<\?xml[^>]*>")
MAX_NESTING = 512
"""How deep elements may nest in a page resiliparse extracts: browsers' HTML parsers stop nesting at 512 (Blink's
``kMaximumHTMLParserDOMTreeDepth``), and resiliparse's main-content pass grows faster than the depth (20,000 levels:
7 s; 50,000: 90 s). A page past it is refused rather than left to run."""
_TOO_DEEP = " > ".join(["*"] * (MAX_NESTING + 1))
"""A CSS selector that matches an element nested deeper than MAX_NESTING (checked by resiliparse's own engine)."""
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
"""The blank lines resiliparse puts between blocks: an article's text is one paragraph per line, whichever
extractor read its page (trafilatura writes no blank line)."""


_LETTER = re.compile(r"[^\W\d_]")
"""A letter of any script: an article body has words, not only digits, punctuation and symbols."""


def is_html(page: str) -> bool:
    return bool(_HTML.match(page[:4096]))


LARGE_PAGE_CHARS = 2_000_000
"""Pages up to this size are extracted by trafilatura, with its fallback extractors and its metadata search over
the whole page. trafilatura holds several copies of a page's tree at once: a 20 MB page took 1.5 GB with the
fallbacks and still ~330 MB over the page in its fast mode. A larger page is extracted by resiliparse's main-content
mode instead (one pass over one DOM: ~0.3 s and ~110 MB over the page for 20 MB; its rules are coarser, so a page's
ads and byline can stay in the text), with its metadata read from its ``<head>`` by trafilatura (title, author,
date, URL, site: where article pages keep it); said in the page's warnings, and the extractor is recorded with the
article. Measured in ``benchmarks/speed/BENCH_INPUTS.md``."""


def parse_html(page: str, source: str) -> Any:
    """The lxml tree of a whole page (``huge_tree``: libxml2 otherwise stops at 10 MB of text without a word)."""
    import lxml.html

    page = _PROLOG.sub("", page, count=1)  # decoded already: an XML declaration's encoding no longer applies
    try:
        return lxml.html.fromstring(page, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError) as exc:
        raise SeedError(f"{source}: not a readable HTML page ({exc})") from None


def extract_article(tree: Any, source: str) -> tuple[str, dict[str, Any], list[str]]:
    """The article text of a parsed HTML page, its metadata, and warnings, by trafilatura (a well-kept extractor).

    A page trafilatura's readability check does not take for an article (a tag index, a home page) is
    refused. The title line trafilatura puts first is dropped (it is metadata, not body). The page is
    parsed once (:func:`parse_html`); the tree goes to the readability check and then to trafilatura.
    """
    import trafilatura
    from trafilatura.readability_lxml import is_probably_readerable

    readable = is_probably_readerable(tree)
    doc: Any = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if doc is None or not doc.text or not readable:
        raise SeedError(
            f"{source}: no recognisable article in this HTML page (trafilatura {trafilatura.__version__} finds none); "
            "pass the page of one article"
        )
    return _without_title(doc.text, doc.title), _html_meta(doc, "trafilatura", trafilatura.__version__), []


def extract_large_article(page: str, source: str) -> tuple[str, dict[str, Any], list[str]]:
    """The article text of a page longer than :data:`LARGE_PAGE_CHARS`, by resiliparse's main-content mode (a
    well-kept extractor built for web-archive scale), its metadata from its ``<head>`` by trafilatura, and warnings.

    The page is parsed by lxml first, for the same readability check as :func:`extract_article` and for its
    ``<head>``; that tree is freed before resiliparse parses the page, so one DOM of the page is held at a time.
    """
    import copy
    from importlib.metadata import version as installed

    import lxml.html
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree
    from trafilatura.metadata import extract_metadata
    from trafilatura.readability_lxml import is_probably_readerable

    tree = parse_html(page, source)
    readable = is_probably_readerable(tree)
    head_only: Any = lxml.html.document_fromstring("<html><body></body></html>")
    head = tree.find(".//head") if tree.tag != "head" else tree
    if head is not None:
        head_only.insert(0, copy.deepcopy(head))
    del tree, head  # one DOM of a large page at a time
    if not readable:
        raise SeedError(
            f"{source}: no recognisable article in this HTML page (the readability check finds none); "
            "pass the page of one article"
        )
    version = installed("resiliparse")  # the package has no __version__
    dom = HTMLTree.parse(_PROLOG.sub("", page, count=1))
    if dom.document is None:
        raise SeedError(f"{source}: not a readable HTML page (resiliparse {version} builds no document from it)")
    if dom.document.query_selector(_TOO_DEEP) is not None:
        raise SeedError(
            f"{source}: elements nested more than {MAX_NESTING} deep (browsers stop nesting at {MAX_NESTING}; no "
            "article page needs more); pass the page of one article"
        )
    text = extract_plain_text(
        dom,
        main_content=True,
        comments=False,
        alt_texts=False,
        links=False,
        list_bullets=False,
        form_fields=False,
        noscript=False,
    )
    del dom
    if not text.strip():
        raise SeedError(
            f"{source}: no recognisable article in this HTML page (resiliparse {version} finds none); "
            "pass the page of one article"
        )
    found = extract_metadata(head_only)
    meta = _html_meta(found, "resiliparse", version)
    warnings = [
        f"{source}: {len(page):,} characters: extracted by resiliparse's main-content mode (trafilatura holds several "
        "copies of a page this large), its title, author and date read from its <head>; its rules are coarser than "
        "trafilatura's, so check the text for the page's ads and byline"
    ]
    return _without_title(_BLANK_LINES.sub("\n", text), found.title), meta, warnings


def _html_meta(found: Any, extractor: str, version: str) -> dict[str, Any]:
    """A page's metadata as trafilatura found it (in the page, or in its ``<head>``), and the body's extractor."""
    return {
        "title": found.title,
        "author": found.author,
        "date": found.date,
        "url": found.url,
        "sitename": found.sitename,
        "extractor": {"name": extractor, "version": version},
    }


def _without_title(text: str, title: str | None) -> str:
    """The extracted text without the title line an extractor puts first (it is metadata, not body)."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title.strip() else text


def clean_page(raw: bytes, source: str, profiles: OutletProfiles) -> CleanedPage:
    """Decode, normalise and cut a scraped page down to its article body (HTML: extracted first)."""
    decoded = decode_page(raw, source)
    html_meta: dict[str, Any] | None = None
    html_warnings: list[str] = []
    if is_html(decoded):
        if len(decoded) > LARGE_PAGE_CHARS:
            decoded, html_meta, html_warnings = extract_large_article(decoded, source)
        else:
            tree = parse_html(decoded, source)
            del decoded  # the tree holds the page from here on (memory: one copy of a page, not two)
            decoded, html_meta, html_warnings = extract_article(tree, source)
            del tree
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
    if not _LETTER.search(body):
        raise SeedError(
            f"{source}: no recognisable article body (not one letter in its {len(body):,} characters); pass the "
            "page of one article"
        )
    related = [
        h for heading in profile.related_headings for h in _headline_items(sections.get(heading, []), profile.bullet)
    ]
    dateline, date, warnings = _parse_dateline(body, profile, source)
    warnings = html_warnings + warnings
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
