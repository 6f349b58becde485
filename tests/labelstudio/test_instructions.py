from __future__ import annotations

from tests.conftest import REPO
from toolkit.labelstudio.push import instructions_html


def test_guidelines_become_html_with_the_link_first_and_raw_html_escaped() -> None:
    html = instructions_html("# Title\n\nUse <script>alert(1)</script> *never*.\n", 'https://x.org/g.md?a=1&b="2"')
    assert html.startswith('<p>Guidelines: <a href="https://x.org/g.md?a=1&amp;b=&quot;2&quot;"')
    assert "<h1>Title</h1>" in html and "<em>never</em>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_project_guidelines_render_without_a_link() -> None:
    html = instructions_html((REPO / "schemas" / "GUIDELINES.md").read_text(encoding="utf-8"))
    assert html.startswith("<h1>Annotation guidelines") and "Guidelines:" not in html.split("</h1>")[0]
