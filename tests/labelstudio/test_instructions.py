from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

from tests.conftest import REPO
from toolkit.labelstudio.push import instructions_html
from toolkit.schema import HOW_TO, label_config, load_schema


def test_guidelines_become_html_with_the_link_first_and_raw_html_escaped() -> None:
    html = instructions_html("# Title\n\nUse <script>alert(1)</script> *never*.\n", 'https://x.org/g.md?a=1&b="2"')
    assert html.startswith('<p>Guidelines: <a href="https://x.org/g.md?a=1&amp;b=&quot;2&quot;"')
    assert "<h3>Title</h3>" in html and "<em>never</em>" in html  # under Label Studio's own title
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_project_guidelines_render_without_a_link() -> None:
    html = instructions_html((REPO / "schemas" / "GUIDELINES.md").read_text(encoding="utf-8"))
    assert html.startswith("<h3>Annotation guidelines") and "Guidelines:" not in html.split("</h3>")[0]


def test_the_instructions_and_the_labelling_page_say_the_same_from_one_source() -> None:
    """Version, how to mark a relation and hotkeys come from the schema on both; the guidelines state none."""
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    guidelines = (REPO / "schemas" / "GUIDELINES.md").read_text(encoding="utf-8")
    html = instructions_html(guidelines, None, schema)
    page = ET.fromstring(label_config(schema))
    headers = [h.get("value", "") for h in page.iter("Header")]
    assert headers[0].startswith(f"{schema.name} {schema.schema_version}:")
    assert html.startswith(f"<p><strong>{schema.name} {schema.schema_version}</strong>.")
    assert HOW_TO in headers and "Alt+R" in HOW_TO and HOW_TO in unescape(html)
    assert "Hotkeys: 1 PER, 2 ORG, 3 GPE" in html
    assert not re.search(r"\b\d+\.\d+\.\d+\b", guidelines), "the guidelines must not restate the schema version"
    assert "Alt" not in guidelines, "the guidelines must not restate a shortcut; the schema's HOW_TO says it"
    assert not any("schemas/" in h or ".md" in h for h in headers), "no repository path on the labelling page"
    assert next(page.iter("Text")).get("granularity") == "word"


def test_the_model_block_opens_the_instructions_once_and_is_replaced_not_repeated() -> None:
    from toolkit.labelstudio.ml import with_model_block

    first = with_model_block("<h3>Guidelines</h3>", ["model m1 proposes: PER (crf, precision 0.81)", "<b>x</b>"])
    assert first.startswith("<p><strong>Pre-annotations</strong>") and first.endswith("<h3>Guidelines</h3>")
    assert "PER (crf, precision 0.81)" in first and "&lt;b&gt;x&lt;/b&gt;" in first
    second = with_model_block(first, ["model m2 proposes: ORG (rules, precision not measured)"])
    assert second.count("Pre-annotations") == 1 and "m1" not in second and "m2" in second
    assert second.endswith("<h3>Guidelines</h3>")
