"""Writes HTML pages for the seed-ingestion tests (run from the repo root: python tests/golden/pages/make.py).

This machine has no web access, so the pages are built here around the seed article's text
(``seeds/raw/000_52eeffeea49d3acd.txt``) with the structure of an outlet's article page: a head with
title, Open Graph and JSON-LD metadata, scripts and styles, a navigation bar, the article, aside lists
of other headlines (the chrome the text profile cuts), comments and a footer. Variants: UTF-8,
UTF-16 with a BOM, and a page with no article (a tag index).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE.parents[2] / "seeds" / "raw" / "000_52eeffeea49d3acd.txt"
TITLE = "Indonesia Dorong ILO Perbaiki Tata Kelola Migrasi Pekerja"
URL = "https://www.suara.com/bisnis/2017/11/08/140500/indonesia-dorong-ilo-perbaiki-tata-kelola-migrasi-pekerja"


def article_page() -> str:
    lines = RAW.read_text(encoding="utf-8").splitlines()
    end = lines.index("Berita Terkait")
    body = [line for line in lines[:end] if line.strip()]
    related = [line.removeprefix("- ").strip() for line in lines[end + 1 : end + 11] if line.strip() and line != "-"]
    paragraphs = "\n".join(f"      <p>{html.escape(p)}</p>" for p in body)
    aside = "\n".join(f'        <li><a href="/news/{i}">{html.escape(h)}</a></li>' for i, h in enumerate(related))
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "datePublished": "2017-11-08T14:05:00+07:00",
        "author": {"@type": "Organization", "name": "Redaksi Suara.com"},
        "publisher": {"@type": "Organization", "name": "Suara.com"},
        "mainEntityOfPage": URL,
    }
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <title>{html.escape(TITLE)} - Suara.com</title>
  <meta name="author" content="Redaksi Suara.com">
  <meta property="og:title" content="{html.escape(TITLE)}">
  <meta property="og:url" content="{URL}">
  <meta property="og:site_name" content="Suara.com">
  <meta property="article:published_time" content="2017-11-08T14:05:00+07:00">
  <link rel="canonical" href="{URL}">
  <script type="application/ld+json">{json.dumps(ld)}</script>
  <script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date());</script>
  <style>body {{ font-family: sans-serif; }} nav li {{ display: inline; }}</style>
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/bisnis">Bisnis</a></li>
    <li><a href="/bola">Bola</a></li><li><a href="/lifestyle">Lifestyle</a></li><li><a href="/otomotif">Otomotif</a></li></ul></nav>
  <div class="ads">Iklan: Promo akhir tahun, diskon hingga 70 persen!</div>
  <main>
    <article>
      <h1>{html.escape(TITLE)}</h1>
      <div class="byline">Redaksi Suara.com | Rabu, 08 November 2017 | 14:05 WIB</div>
{paragraphs}
    </article>
    <aside>
      <h3>Berita Terkait</h3>
      <ul>
{aside}
      </ul>
    </aside>
    <section class="comments"><h3>Komentar</h3><p>Belum ada komentar. Jadilah yang pertama berkomentar!</p></section>
  </main>
  <footer><p>&copy; 2017 Suara.com - All Rights Reserved. Tentang Kami | Redaksi | Kontak | Pedoman Media Siber</p></footer>
  <script>document.querySelectorAll('nav a').forEach(function (a) {{ a.addEventListener('click', track); }});</script>
</body>
</html>
"""


def index_page() -> str:
    items = "\n".join(f'<li><a href="/tag/ilo/{i}">Berita ILO nomor {i}</a></li>' for i in range(30))
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Tag: ILO - Suara.com</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><h1>Tag: ILO</h1><ul>
{items}
</ul><footer>&copy; Suara.com</footer></body></html>
"""


def main() -> None:
    page = article_page()
    (HERE / "suara-article.html").write_text(page, encoding="utf-8")
    (HERE / "suara-article-utf16.html").write_bytes(page.encode("utf-16"))  # with a BOM
    (HERE / "tag-index.html").write_text(index_page(), encoding="utf-8")


if __name__ == "__main__":
    main()
