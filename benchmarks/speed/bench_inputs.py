"""Inputs at scale: a 20 MB HTML page through `toolkit seeds ingest`, and 200,000 sentences of span JSON through
`toolkit corpus import-spans`, each against a reference measured in the same run.

Targets (issue: inputs at scale): the page under 20 s and 300 MB; the span JSON under 500 MB. References: for the
page, lxml parsing it (the least any extractor does); for the span JSON, ``json.load`` of the file (the least any
importer that reads the file whole does). Every measurement runs in a fresh process that reports its own peak
RSS (VmHWM). Inputs are generated (seeded): the page is the seed article's HTML with the paragraphs of its
<article> repeated, numbered, up to 20 MB (a very long live blog), and a second page of 20 MB whose paragraphs
are dense with inline elements (the worst case for a DOM: ~1.4 million elements); the sentences are Indonesian-like tokens with entities and relations.

Writes BENCH_INPUTS.md and bench_inputs.json beside this file. Usage: python benchmarks/speed/bench_inputs.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TOOLKIT = str(Path(sys.executable).parent / "toolkit")
PAGE_BYTES = 20 * 10**6
SENTENCES = 200_000


def _page(path: Path) -> None:
    html = (REPO / "tests" / "golden" / "pages" / "suara-article.html").read_text(encoding="utf-8")
    article = html[html.index("<article>") : html.index("</article>")]
    start = html.index("<p>", html.index("<article>"))
    end = html.index("</article>")
    paragraphs = [p.strip() for p in article.split("\n") if p.strip().startswith("<p>")]
    out, size, k = [], 0, 0
    while size < PAGE_BYTES - len(html):
        p = paragraphs[k % len(paragraphs)].replace("<p>", f"<p>({k}) ", 1)
        out.append(p)
        size += len(p.encode("utf-8")) + 1
        k += 1
    path.write_text(html[:start] + "\n".join(out) + html[end:], encoding="utf-8")


def _dense_page(path: Path) -> None:
    """The seed article's HTML with 20 MB of paragraphs in which every few words are an inline element."""
    html = (REPO / "tests" / "golden" / "pages" / "suara-article.html").read_text(encoding="utf-8")
    start = html.index("<p>", html.index("<article>"))
    end = html.index("</article>")
    words = "Kalimat panjang tentang pekerja migran di <b>Jenewa</b> dan <i>Jakarta</i>. " * 10
    out, size, k = [], len(html.encode("utf-8")), 0
    while size < PAGE_BYTES:
        out.append(f"<p>({k}) {words}</p>")
        size += len(out[-1]) + 1
        k += 1
    path.write_text(html[:start] + "\n".join(out) + html[end:], encoding="utf-8")


def _sentences(path: Path) -> None:
    rng = random.Random(0)
    words = [
        "Presiden",
        "Joko",
        "Widodo",
        "bertemu",
        "pengurus",
        "Partai",
        "Golkar",
        "di",
        "Jakarta",
        "pada",
        "Senin",
        "pagi",
        "untuk",
        "membahas",
        "kerja",
        "sama",
        "ekonomi",
        "dengan",
        "Organisasi",
        "Buruh",
        "Internasional",
        "ILO",
        "Jenewa",
    ]
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[")
        for k in range(SENTENCES):
            n = rng.randint(8, 30)
            tokens = [rng.choice(words) + (str(k) if i == 0 else "") for i in range(n)]
            entities: list[list[object]] = []
            i = 0
            while i < n - 2 and len(entities) < 3:
                if rng.random() < 0.2:
                    entities.append([i, i + 2, rng.choice(["PER", "ORG", "GPE"])])
                    i += 3
                else:
                    i += 1
            relations = []
            if len(entities) > 1 and entities[0][2] == "PER" and entities[1][2] == "ORG":
                relations.append([entities[0][0], entities[0][1], entities[1][0], entities[1][1], "works_for"])
            item = {"tokens": tokens, "entities": entities, "relations": relations}
            fh.write(("," if k else "") + json.dumps(item, ensure_ascii=False))
        fh.write("]\n")


PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""


def _python(code: str, arg: Path) -> dict[str, float]:
    script = PEAK + "import json, sys, time\nt0 = time.perf_counter()\n" + code
    script += "\nprint(json.dumps({'seconds': time.perf_counter() - t0, 'rss_mb': peak_mb()}))\n"
    done = subprocess.run([sys.executable, "-c", script, str(arg)], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _command(args: list[str], cwd: Path) -> dict[str, float]:
    """A toolkit command's wall time and peak RSS (GNU time's maximum resident set size)."""
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", TOOLKIT, *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    return {"seconds": seconds, "rss_mb": int(done.stderr.strip().splitlines()[-1]) / 1024}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        page, dense, spans = t / "page-20mb.html", t / "dense-20mb.html", t / "train.json"
        _page(page)
        _dense_page(dense)
        _sentences(spans)
        page_mb, spans_mb = page.stat().st_size / 1e6, spans.stat().st_size / 1e6
        ingest = _command(
            [
                "seeds",
                "ingest",
                str(page),
                "--seeds-dir",
                str(t / "seeds"),
                "--profiles",
                str(REPO / "seeds" / "outlets.yaml"),
            ],
            t,
        )
        stored = json.loads((t / "seeds" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
        parse_code = (
            "import lxml.html\nlxml.html.fromstring(open(sys.argv[1], encoding='utf-8').read(), "
            "parser=lxml.html.HTMLParser(huge_tree=True))"
        )
        parse = _python(parse_code, page)
        dense_args = ["seeds", "ingest", str(dense), "--seeds-dir", str(t / "dense-seeds")]
        dense_ingest = _command([*dense_args, "--profiles", str(REPO / "seeds" / "outlets.yaml")], t)
        dense_parse = _python(parse_code, dense)
        dense_mb = dense.stat().st_size / 1e6
        imported = _command(["corpus", "import-spans", str(spans), "--out", str(t / "corpus")], t)
        load = _python("json.load(open(sys.argv[1], encoding='utf-8'))", spans)
    result = {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "page_mb": round(page_mb, 1),
        "page_article_chars": len(stored["text"]),
        "ingest": {k: round(v, 2) for k, v in ingest.items()},
        "lxml_parse": {k: round(v, 2) for k, v in parse.items()},
        "dense_page_mb": round(dense_mb, 1),
        "dense_ingest": {k: round(v, 2) for k, v in dense_ingest.items()},
        "dense_lxml_parse": {k: round(v, 2) for k, v in dense_parse.items()},
        "spans_mb": round(spans_mb, 1),
        "sentences": SENTENCES,
        "import_spans": {k: round(v, 2) for k, v in imported.items()},
        "json_load": {k: round(v, 2) for k, v in load.items()},
    }
    (HERE / "bench_inputs.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (HERE / "BENCH_INPUTS.md").write_text(render(result), encoding="utf-8")
    print(render(result))


TRAFILATURA_CHARS = 19_277_135
"""The characters trafilatura's fast mode kept of the same generated page (the ingest before resiliparse)."""


def render(r: dict) -> str:  # type: ignore[type-arg]
    i, p, s, j = r["ingest"], r["lxml_parse"], r["import_spans"], r["json_load"]
    di, dp = r["dense_ingest"], r["dense_lxml_parse"]
    lines = [
        "# Inputs at scale",
        "",
        f"Generated by `python benchmarks/speed/bench_inputs.py` on {r['date']} ({r['cores']} cores); do not edit by "
        "hand. Each row is a fresh process; peak memory is its own maximum resident set.",
        "",
        "| input | command | seconds | peak MB | reference (same run) | reference s / MB | ratio time / memory | target |",
        "|---|---|---|---|---|---|---|---|",
        f"| HTML page, {r['page_mb']} MB ({r['page_article_chars']:,} characters kept) | `toolkit seeds ingest` | "
        f"{i['seconds']} | {i['rss_mb']} | lxml parse of the page | {p['seconds']} / {p['rss_mb']} | "
        f"{i['seconds'] / p['seconds']:.1f}x / {i['rss_mb'] / p['rss_mb']:.2f}x | < 20 s, < 300 MB: "
        f"{'met' if i['seconds'] < 20 and i['rss_mb'] < 300 else 'NOT met'} |",
        f"| HTML page, {r['dense_page_mb']} MB dense with inline elements | `toolkit seeds ingest` | "
        f"{di['seconds']} | {di['rss_mb']} | lxml parse of the page | {dp['seconds']} / {dp['rss_mb']} | "
        f"{di['seconds'] / dp['seconds']:.1f}x / {di['rss_mb'] / dp['rss_mb']:.2f}x | < 20 s, < 300 MB: "
        f"{'met' if di['seconds'] < 20 and di['rss_mb'] < 300 else 'NOT met'} |",
        f"| span JSON, {r['sentences']:,} sentences ({r['spans_mb']} MB) | `toolkit corpus import-spans` | "
        f"{s['seconds']} | {s['rss_mb']} | `json.load` of the file | {j['seconds']} / {j['rss_mb']} | "
        f"{s['seconds'] / j['seconds']:.1f}x / {s['rss_mb'] / j['rss_mb']:.2f}x | < 500 MB: "
        f"{'met' if s['rss_mb'] < 500 else 'NOT met'} |",
        "",
        "The page: above 2,000,000 characters (`toolkit.seeds.pages.LARGE_PAGE_CHARS`) it is extracted by "
        "resiliparse's main-content mode, its metadata read from `<head>` by trafilatura; the lxml tree of the "
        "readability check is freed before resiliparse parses the page. The sentences are streamed (one in memory), "
        "the outputs merged in id order from per-file parts.",
        "",
        "Why not trafilatura above that size (measured in one process on the same page, 2026-12-04): its fast "
        "extraction alone took +245 MB at its peak over the page's lxml tree (it copies the tree before cleaning, "
        "cleans a copy, keeps a backup and builds the result), and the whole ingest 11.6 s and 398 MB, over the "
        "target; its `baseline` extractor peaks higher (387 MB). What resiliparse costs in quality on this page: the "
        f"text kept is {r['page_article_chars'] - TRAFILATURA_CHARS:,} characters longer than trafilatura's "
        f"({r['page_article_chars']:,} against {TRAFILATURA_CHARS:,}, measured 2026-12-04): the ad line, the "
        "headline and the byline above the article, which trafilatura drops; the aside, the comments and the footer "
        "are left out by both. Ingest warns so on such a page, and records the extractor with the article. An "
        "ordinary page (under 2,000,000 characters) goes to trafilatura, far below both targets.",
        "",
        "The dense page: its DOM is the cost. lxml's tree of it alone is the reference's peak, and resiliparse's DOM "
        "is built after that tree is freed; the memory target is not met on such a page by any path that parses it "
        "(the readability check needs lxml's tree). The ingest before resiliparse (trafilatura's fast mode) ran "
        "over 10 minutes and past 1.2 GB on a page like it (20 MB, 1.4 million inline elements) before it was "
        "stopped (2026-12-05).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
