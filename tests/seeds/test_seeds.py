from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO, SEED_RAW
from toolkit.errors import SeedError
from toolkit.seeds import (
    ARTICLES_FILE,
    article_id,
    clean_page,
    ingest,
    load_articles,
    load_profiles,
    normalise,
)

PROFILES = load_profiles(REPO / "seeds" / "outlets.yaml")
FIRST_SENTENCE = "Indonesia mendorong Organisasi Buruh Internasional (ILO) untuk memperbaiki tata kelola"
LAST_SENTENCE = "memiliki mandat untuk memutuskan kebijakan, anggaran, dan program-program ILO."


def test_seed_body_is_kept_exactly_and_chrome_cut() -> None:
    raw = SEED_RAW.read_bytes()
    page = clean_page(raw, SEED_RAW.name, PROFILES)
    assert page.profile == "suara.com" and page.outlet == "Suara.com"
    assert page.body.startswith(FIRST_SENTENCE)
    assert page.body.endswith(LAST_SENTENCE)
    # the body is the raw text between the outlet prefix and the first chrome heading, untouched
    raw_text = raw.decode("utf-8")
    expected = raw_text[len("Suara.com - ") : raw_text.index("\nBerita Terkait\n")]
    assert page.body == expected
    assert page.body.count("\n") == 8  # nine paragraphs
    for chrome in ("Berita Terkait", "Terpopuler", "Pilihan", "Terkini", "Suara.com", "Innova"):
        assert chrome not in page.body
    assert page.cut == {
        "prefix_chars": 12,
        "chrome_lines:Berita Terkait": 11,
        "chrome_lines:Pilihan": 11,
        "chrome_lines:Terkini": 21,
        "chrome_lines:Terpopuler": 6,
    }
    assert page.dateline == "Kamis (8/11/2017)" and page.date == "2017-11-08"
    assert len(page.related_headlines) == 5
    assert page.related_headlines[0].startswith("Kementerian P2MI Apresiasi Malaysia")
    # 8 November 2017 was a Wednesday: the mismatch is reported, the date kept as written
    assert any("says Kamis but 2017-11-08 is a Wednesday" in w for w in page.warnings)


def test_ingest_copies_raw_and_is_idempotent(tmp_path: Path) -> None:
    first = ingest([SEED_RAW], tmp_path, PROFILES)
    store = tmp_path / ARTICLES_FILE
    before = store.read_bytes()
    assert first.counts["added"] == 1 and first.articles_total == 1
    assert (tmp_path / "raw" / SEED_RAW.name).read_bytes() == SEED_RAW.read_bytes()
    second = ingest([SEED_RAW], tmp_path, PROFILES)
    assert second.counts["unchanged"] == 1 and second.counts["added"] == 0
    assert store.read_bytes() == before
    (doc,) = load_articles(store)
    assert doc.id == article_id(doc.text) == first.files[0].article_id
    assert doc.metadata["source"]["sha256"] == "bc5151500d8ddbbb058d055fa5f27b285e1d6ea47ea96792cb1346c7852fdbec"
    assert doc.metadata["source"]["file"] == SEED_RAW.name


def test_committed_store_matches_a_fresh_ingest(tmp_path: Path) -> None:
    ingest([SEED_RAW], tmp_path, PROFILES)
    assert (tmp_path / ARTICLES_FILE).read_bytes() == (REPO / "seeds" / ARTICLES_FILE).read_bytes()


def test_id_is_stable_and_text_derived() -> None:
    raw = SEED_RAW.read_bytes()
    a = clean_page(raw, "a.txt", PROFILES)
    b = clean_page(raw.replace(b"\n", b"\r\n"), "b.txt", PROFILES)  # line endings do not change the id
    assert a.body == b.body and article_id(a.body) == article_id(b.body) == "17365b39809f3515"


def test_changed_page_is_refused_then_replaced(tmp_path: Path) -> None:
    src = tmp_path / "in" / SEED_RAW.name
    src.parent.mkdir()
    shutil.copyfile(SEED_RAW, src)
    store_dir = tmp_path / "store"
    ingest([src], store_dir, PROFILES)
    before = (store_dir / ARTICLES_FILE).read_bytes()
    src.write_bytes(SEED_RAW.read_bytes().replace(b"281 pusat", b"282 pusat"))
    with pytest.raises(SeedError, match=r"changed since it was ingested as article 17365b39809f3515.*--replace"):
        ingest([src], store_dir, PROFILES)
    assert (store_dir / ARTICLES_FILE).read_bytes() == before
    report = ingest([src], store_dir, PROFILES, replace=True)
    assert report.counts["replaced"] == 1 and report.articles_total == 1
    (doc,) = load_articles(store_dir / ARTICLES_FILE)
    assert "282 pusat" in doc.text


def test_same_text_under_another_name_is_a_counted_duplicate(tmp_path: Path) -> None:
    other = tmp_path / "copy.txt"
    shutil.copyfile(SEED_RAW, other)
    report = ingest([SEED_RAW, other], tmp_path / "store", PROFILES)
    assert report.counts == {"added": 1, "unchanged": 0, "updated": 0, "replaced": 0, "duplicate": 1}
    assert report.articles_total == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"the file is empty"),
        (b"   \n\r\n", r"the file is empty"),
        (b"Suara.com - abc\x00def" * 30, r"binary data \(NUL byte at offset 15\)"),
        (b"Suara.com - caf\xe9 " * 30, r"not UTF-8 \(invalid byte 0xe9 at offset 15\)"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c" * 3, r"looks binary"),
        (b"Suara.com - Singkat.\nBerita Terkait\n-\nLain\n", r"no recognisable article body \(8 characters"),
    ],
)
def test_bad_pages_are_refused_and_nothing_written(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(SeedError, match=r"^bad\.txt: " + message):
        ingest([SEED_RAW, bad], tmp_path / "store", PROFILES)
    assert not (tmp_path / "store").exists()


def test_generic_profile_keeps_the_whole_page() -> None:
    text = "Jakarta - " + "Kalimat berita yang cukup panjang. " * 10 + "\nBaca juga: lain"
    page = clean_page(text.encode(), "g.txt", PROFILES)
    assert page.profile == "generic" and page.outlet is None
    assert page.body == normalise(text)


def test_bom_is_removed() -> None:
    page = clean_page(b"\xef\xbb\xbf" + SEED_RAW.read_bytes(), "bom.txt", PROFILES)
    assert page.body.startswith(FIRST_SENTENCE)


def test_store_records_are_json_lines_sorted_by_id(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Suara.com - " + "Berita lain tentang Jakarta. " * 10, encoding="utf-8")
    ingest([other, SEED_RAW], tmp_path / "store", PROFILES)
    lines = (tmp_path / "store" / ARTICLES_FILE).read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == sorted(ids) and len(ids) == 2


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once
    assert all(line == line.rstrip() for line in once.split("\n"))


@given(st.lists(st.text(alphabet="abc éü\t", max_size=10), max_size=6), st.sampled_from(["\n", "\r\n", "\r"]))
def test_normalise_never_changes_words(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    assert normalise(text).split() == normalise(text.replace(eol, "\n")).split() == text.split()


PAGES = REPO / "tests" / "golden" / "pages"


def test_an_html_page_gives_the_article_of_the_scraped_text_page(tmp_path: Path) -> None:
    """trafilatura extracts the body; the outlet profile still cuts the prefix; the same text gives the same id."""
    from toolkit.seeds import ingest, load_articles, load_profiles

    profiles = load_profiles(REPO / "seeds" / "outlets.yaml")
    report = ingest([PAGES / "suara-article.html"], tmp_path / "html", profiles)
    (doc,) = load_articles(report.store)
    (seed,) = load_articles(REPO / "seeds" / "articles.jsonl")
    assert doc.text == seed.text and doc.id == seed.id
    assert "<script" not in doc.text and "Home" not in doc.text and "Berita Terkait" not in doc.text
    html = doc.metadata["html"]
    assert html["title"] == "Indonesia Dorong ILO Perbaiki Tata Kelola Migrasi Pekerja"
    assert html["url"].startswith("https://www.suara.com/bisnis/2017/11/08/") and html["date"] == "2017-11-08"
    import trafilatura

    assert doc.metadata["source"]["extractor"] == {"name": "trafilatura", "version": trafilatura.__version__}
    assert (
        doc.metadata["source"]["sha256"]
        == __import__("hashlib").sha256((PAGES / "suara-article.html").read_bytes()).hexdigest()
    )
    assert doc.metadata["cut"]["prefix_chars"] == 12  # "Suara.com - ", as the profile cuts it from text pages


def test_a_utf16_page_with_a_bom_is_decoded(tmp_path: Path) -> None:
    from toolkit.seeds import ingest, load_articles, load_profiles

    report = ingest([PAGES / "suara-article-utf16.html"], tmp_path, load_profiles(REPO / "seeds" / "outlets.yaml"))
    (doc,) = load_articles(report.store)
    assert doc.id == "17365b39809f3515"


def test_an_html_page_without_an_article_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    result = CliRunner().invoke(main, ["seeds", "ingest", str(PAGES / "tag-index.html"), "--seeds-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "tag-index.html: no recognisable article in this HTML page" in result.output
    assert not (tmp_path / "articles.jsonl").exists()


def _recoded(tmp_path: Path, name: str, transform: Callable[[str], str], encoding: str) -> Path:
    """The real article page, rewritten (its charset declaration, curly quotes) and saved in another encoding."""
    html = (PAGES / "suara-article.html").read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(transform(html).encode(encoding, errors="strict"))
    return path


def _quoted(html: str) -> str:
    assert "&quot;Perlindungan pekerja migran" in html
    return html.replace("&quot;Perlindungan pekerja migran", "\u201cPerlindungan pekerja migran", 1)


def test_a_windows_1252_page_is_decoded_by_its_declared_charset(tmp_path: Path) -> None:
    """A page in windows-1252 that says so: its curly quotes survive (latin1 would make them control characters)."""
    from toolkit.seeds import ingest, load_articles, load_profiles

    profiles = load_profiles(REPO / "seeds" / "outlets.yaml")
    for name, declare in (
        ("meta-charset.html", lambda h: re.sub(r'<meta charset="[^"]*"', '<meta charset="windows-1252"', h, count=1)),
        (
            "http-equiv.html",
            lambda h: re.sub(
                r'<meta charset="[^"]*"\s*/?>',
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
                h,
                count=1,
            ),
        ),
    ):
        page = _recoded(tmp_path, name, lambda h, d=declare: d(_quoted(h)), "cp1252")  # type: ignore[misc]
        assert b"\x93" in page.read_bytes()  # the curly quote as windows-1252 writes it
        report = ingest([page], tmp_path / f"seeds-{name}", profiles)
        (doc,) = load_articles(report.store)
        assert "\u201cPerlindungan pekerja migran" in doc.text and "\x93" not in doc.text


def test_an_undeclared_non_utf8_page_is_refused_with_the_conversion_that_keeps_its_quotes(tmp_path: Path) -> None:
    from toolkit.seeds import ingest, load_profiles

    text = SEED_RAW.read_text(encoding="utf-8").replace('"Perlindungan', "\u201cPerlindungan", 1)
    page = tmp_path / "cp1252.txt"
    page.write_bytes(text.encode("cp1252"))
    with pytest.raises(SeedError, match=r"declares no charset; convert it, e\.g\. iconv -f WINDOWS-1252 -t UTF-8"):
        ingest([page], tmp_path / "s", load_profiles(REPO / "seeds" / "outlets.yaml"))


def test_xhtml_and_fragments_are_read_as_html_not_stored_as_markup(tmp_path: Path) -> None:
    from toolkit.seeds import ingest, load_articles, load_profiles

    profiles = load_profiles(REPO / "seeds" / "outlets.yaml")
    xhtml = _recoded(
        tmp_path, "x.xhtml", lambda h: '<?xml version="1.0" encoding="utf-8"?>\n' + h.split("\n", 1)[1], "utf-8"
    )
    report = ingest([xhtml], tmp_path / "x", profiles)
    (doc,) = load_articles(report.store)
    assert "<" not in doc.text and "Perlindungan pekerja migran" in doc.text
    fragment = tmp_path / "fragment.html"
    fragment.write_text("<div><p>Sebuah paragraf pendek.</p></div>", encoding="utf-8")
    with pytest.raises(SeedError, match=r"fragment\.html: no recognisable article in this HTML page"):
        ingest([fragment], tmp_path / "f", profiles)


def _large_page(path: Path, nested: int = 0) -> tuple[Path, int]:
    """The Suara page with paragraphs added before its own past LARGE_PAGE_CHARS (and ``nested`` divs around one
    more), and how many were added."""
    from toolkit.seeds import LARGE_PAGE_CHARS

    html = (PAGES / "suara-article.html").read_text(encoding="utf-8")
    start = html.index("<p>", html.index("<article>"))
    paragraphs, k, size = [], 0, 0
    while size < LARGE_PAGE_CHARS + 10_000:
        paragraphs.append(f"<p>Paragraf panjang nomor {k} tentang pekerja migran di Jenewa dan Jakarta.</p>")
        size += len(paragraphs[-1])
        k += 1
    deep = "<div>" * nested + "<p>Paragraf terdalam.</p>" + "</div>" * nested if nested else ""
    path.write_text(html[:start] + "\n".join(paragraphs) + deep + html[start:], encoding="utf-8")
    return path, k


def test_a_page_past_the_large_page_size_is_extracted_whole_by_resiliparse(tmp_path: Path) -> None:
    """Above LARGE_PAGE_CHARS: resiliparse's main-content mode, metadata from <head>, a warning, the extractor
    recorded; every paragraph kept, one per line as trafilatura writes them; the aside and the comments left out."""
    from toolkit.seeds import ingest, load_articles, load_profiles

    page, k = _large_page(tmp_path / "live-blog.html")
    report = ingest([page], tmp_path / "store", load_profiles(REPO / "seeds" / "outlets.yaml"))
    (doc,) = load_articles(report.store)
    assert f"nomor {k - 1} tentang" in doc.text and "nomor 0 tentang" in doc.text
    assert "Hasan Kleib" in doc.text and "\n\n" not in doc.text
    assert "Berita Terkait" not in doc.text and "Belum ada komentar" not in doc.text
    assert doc.metadata["html"]["title"] == "Indonesia Dorong ILO Perbaiki Tata Kelola Migrasi Pekerja"
    assert doc.metadata["source"]["extractor"]["name"] == "resiliparse"
    (result,) = report.files
    assert any("resiliparse's main-content mode" in w and "check the text" in w for w in result.warnings)


def test_a_large_page_that_is_no_article_is_refused(tmp_path: Path) -> None:
    """The readability check that refuses a tag index holds above LARGE_PAGE_CHARS too."""
    from toolkit.seeds import LARGE_PAGE_CHARS, ingest, load_profiles

    html = (PAGES / "tag-index.html").read_text(encoding="utf-8")
    items = "\n".join(f'<li><a href="/tag/ilo/{k}">Berita ILO nomor {k}</a></li>' for k in range(45_000))
    page = tmp_path / "huge-index.html"
    page.write_text(html.replace("</ul>", items + "</ul>"), encoding="utf-8")
    assert page.stat().st_size > LARGE_PAGE_CHARS
    with pytest.raises(SeedError, match=r"huge-index\.html: no recognisable article in this HTML page \(the readab"):
        ingest([page], tmp_path / "store", load_profiles(REPO / "seeds" / "outlets.yaml"))


def test_a_large_page_nested_deeper_than_browsers_nest_is_refused(tmp_path: Path) -> None:
    """resiliparse's main-content pass grows faster than the nesting (50,000 levels: 90 s): past 512 levels, as
    browsers' parsers stop nesting, the page is refused; 500 levels are extracted."""
    from toolkit.seeds import ingest, load_articles, load_profiles

    profiles = load_profiles(REPO / "seeds" / "outlets.yaml")
    page, _ = _large_page(tmp_path / "deep.html", nested=600)
    with pytest.raises(SeedError, match=r"^deep\.html: elements nested more than 512 deep .*pass the page of one"):
        ingest([page], tmp_path / "store", profiles)
    page, _ = _large_page(tmp_path / "deep-enough.html", nested=500)
    (doc,) = load_articles(ingest([page], tmp_path / "store", profiles).store)
    assert "Paragraf terdalam." in doc.text


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"null\n", r"line 1: not an article record \(a JSON object expected, got null\)"),
        (b'\n{"id": 1, "text": "x"}\n', r"line 2: not an article record \(a string 'id' and 'text' expected\)"),
        (
            b'{"id": "a", "text": "x", "metadata": [1]}\n',
            r"line 1: not an article record \('metadata' must be an object\)",
        ),
        (b'{"id": "a", "text": "caf\xe9"}\n', r"line 1: not UTF-8 \(invalid continuation byte\)"),
        (b"[" * 100_000 + b"\n", r"line 1: not JSON \(JSON nested too deep\)"),
    ],
)
def test_an_articles_file_that_is_not_one_is_refused_by_line(tmp_path: Path, content: bytes, problem: str) -> None:
    from toolkit.seeds import load_articles

    path = tmp_path / "articles.jsonl"
    path.write_bytes(content)
    with pytest.raises(SeedError, match=problem) as err:
        load_articles(path)
    assert str(err.value).startswith(f"{path}, line ") and "the JSON lines `toolkit seeds ingest` writes" in str(
        err.value
    )


def test_an_articles_file_with_blank_lines_reads_its_articles(tmp_path: Path) -> None:
    from toolkit.seeds import load_articles

    path = tmp_path / "articles.jsonl"
    path.write_text(
        '\n{"id": "a", "text": "Joko"}\n  \n{"id": "b", "text": "Widodo", "metadata": null}\n', encoding="utf-8"
    )
    assert [(d.id, d.text, dict(d.metadata)) for d in load_articles(path)] == [("a", "Joko", {}), ("b", "Widodo", {})]
