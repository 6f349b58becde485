"""The labelling page in a real browser, with the model backend connected, end to end.

A project made by `toolkit ls push` (the seed article, a text with emoji, a text with CRLF), the
backend connected with `toolkit ls connect --retrieve`; in headless Chromium the admin opens each
task and checks the 9 labels with their hotkeys, the legend and the backend's pre-annotations;
keeps one predicted region, relabels one with a hotkey, deletes one, draws a new one (hotkey, then
a text selection), draws a relation and picks its label, submits. Then `ls pull`, `annotations
import` and `annotations acceptance`: offsets, labels, relation endpoints and direction must be what
was done in the browser. Screenshots of every step: build/test-artifacts/browser/.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import wcag_contrast_ratio as wcag
from click.testing import CliRunner

from tests.conftest import REPO
from tests.labelstudio.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, LiveServer, running_backend
from toolkit.cli import main
from toolkit.labelstudio.client import connect
from toolkit.model import Document
from toolkit.schema import load_schema
from toolkit.seeds import ARTICLES_FILE, document_to_record

from .browser import Browser
from .test_live import CRLF, EMOJI, SEED

pytestmark = pytest.mark.labelstudio
TITLE = "browser test"
SHOTS = REPO / "build" / "test-artifacts" / "browser"
GUIDE = "https://example.org/id-news-er/GUIDELINES.md"  # only linked, never fetched
# keep's label -> (label of the drawn region, relation from keep to it): the kept region is the head, the drawn one
# the tail (Label Studio takes a click on a region just drawn only once the relation button is armed)
RELATE = {
    "PER": ("ORG", "works_for"),
    "ORG": ("GPE", "located_in"),
    "GPE": ("ORG", "member_of"),
    "LOC": ("GPE", "located_in"),
    "ROLE": ("ORG", "role_of"),
    "EVENT": ("ORG", "organized_by"),
    "FAC": ("GPE", "located_in"),
}


def _plan(doc: Document, predicted: list[tuple[str, int, int, str]]) -> dict[str, Any]:
    regions = sorted(predicted, key=lambda r: (r[1], r[2]))
    keep = next(r for r in regions if r[0] in RELATE)
    others = [r for r in regions if r is not keep]
    relabel = others[0] if others else None
    delete = others[1] if len(others) > 1 else None
    # the region to draw: the last word of the text that occurs once and is not predicted (after the emoji,
    # after the CRLF), so that it can be told apart from every other region
    words = [(m.start(), m.group()) for m in re.finditer(r"[^\W\d_]{4,}", doc.text)]
    free = [
        (a, w) for a, w in words if doc.text.count(w) == 1 and not any(r[1] < a + len(w) and a < r[2] for r in regions)
    ]
    start, needle = free[-1]
    new_label, relation = RELATE[keep[0]]
    return {
        "keep": keep,
        "relabel": relabel,
        "relabel_to": ("ORG" if relabel[0] != "ORG" else "PER") if relabel else None,
        "delete": delete,
        "new": (new_label, start, start + len(needle), needle),
        "relation": relation,
        "untouched": [r for r in others[2:]],
    }


def test_annotating_in_the_browser_with_the_backend(
    ls_env: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    hotkey = {e.label: e.hotkey for e in schema.entities}
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / ARTICLES_FILE).write_text(
        "".join(json.dumps(document_to_record(d)) + "\n" for d in (SEED, EMOJI, CRLF)), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    pushed = runner.invoke(main, ["ls", "push", "--title", TITLE, "--guidelines-url", GUIDE])
    assert pushed.exit_code == 0, pushed.output
    shutil.rmtree(SHOTS, ignore_errors=True)
    with running_backend(ls_env, tmp_path / "backend", TITLE) as backend:
        connected = runner.invoke(
            main, ["ls", "connect", "--backend", backend["url"], "--title", TITLE, "--retrieve", "--json"]
        )
        assert connected.exit_code == 0, connected.output
        pid = json.loads(connected.stdout)["project_id"]
        conn = connect(ls_env.url, ls_env.token)
        tasks = {t.data["article_id"]: t.id for t in conn.client.tasks.list(project=pid, fields="all")}
        predicted: dict[str, list[tuple[str, int, int, str]]] = {}
        for p in conn.client.predictions.list(project=pid):
            article = next(a for a, t in tasks.items() if t == p.task)
            predicted[article] = [
                (r["value"]["labels"][0], r["value"]["start"], r["value"]["end"], r["value"]["text"])
                for r in p.result
                if r["type"] == "labels"
            ]
            assert p.model_version == backend["version"]
        plans: dict[str, dict[str, Any]] = {}
        browser = Browser(ls_env.url)
        try:
            browser.log_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            for doc in (SEED, EMOJI, CRLF):
                browser.shots = SHOTS / doc.id
                browser.step = 0
                browser.open_task(pid, tasks[doc.id])
                browser.shot("opened-with-pre-annotations")
                assert browser.labels() == [(e.label, e.hotkey) for e in schema.entities]
                # entity colours as text, measured on the rendered page: readable on what is behind them
                drawn = browser.text_in_colours({e.label: e.color for e in schema.entities})
                assert {label for label, _, _ in drawn} == {r[0] for r in predicted[doc.id]}, drawn
                for label, fg, bg in drawn:
                    assert wcag.rgb(fg, bg) >= 4.5, (label, fg, bg, wcag.rgb(fg, bg))
                shown = sorted(browser.regions(), key=lambda r: (r[1], r[2]))
                assert shown == sorted(predicted[doc.id], key=lambda r: (r[1], r[2])), (
                    "the backend's pre-annotations are on the page"
                )
                plan = plans[doc.id] = _plan(doc, shown)
                if plan["relabel"]:
                    browser.select_region(plan["relabel"][1], plan["relabel"][2])
                    browser.press(hotkey[plan["relabel_to"]])
                    browser.shot("relabelled-with-a-hotkey")
                if plan["delete"]:
                    browser.select_region(plan["delete"][1], plan["delete"][2])
                    browser.press("\ue003")  # Backspace
                    browser.shot("deleted")
                label, start, end, needle = plan["new"]
                browser.draw(hotkey[label], needle)
                browser.shot("drew-a-region")
                assert (label, start, end, needle) in browser.regions()
                browser.relate(plan["keep"][1:3], (start, end), plan["relation"])
                browser.shot("drew-a-relation")
                browser.submit()
                browser.shot("submitted")
            # the legend: the hotkey workflow and every type's definition, from the schema
            from selenium.webdriver.common.by import By

            # the guidelines: a link and their text in the page's instructions
            browser.driver.find_element(By.XPATH, "//span[normalize-space()='Instructions']").click()
            time.sleep(0.8)
            (link,) = browser.driver.find_elements(By.XPATH, f"//a[@href='{GUIDE}']")
            assert link.is_displayed()
            assert (
                "Annotation guidelines: entities and relations" in browser.driver.find_element(By.TAG_NAME, "body").text
            )
            browser.shot("instructions-with-the-guidelines")
            browser.press("\ue00c")

            browser.driver.find_element(
                By.XPATH, "(//*[contains(normalize-space(), 'Legend: how to label')])[last()]"
            ).click()
            time.sleep(0.5)
            page = browser.driver.find_element(By.TAG_NAME, "body").text
            assert "press a label's hotkey first, then select the text" in page
            assert all(f"[{e.hotkey}] {e.label}: {e.definition[:30]}" in page for e in schema.entities)
            assert all(f"{r.label} (" in page for r in schema.relations)
            browser.shot("legend")
        finally:
            browser.close()
        status = httpx.get(backend["url"] + "/health").json()
        assert status["pending_annotations"] == 3, "three submissions reached the backend's webhook"
    pulled = runner.invoke(main, ["ls", "pull", "--title", TITLE, "--json"])
    assert pulled.exit_code == 0, pulled.output
    snapshot = Path("annotations/snapshots") / json.loads(pulled.stdout)["file"]
    imported = runner.invoke(main, ["annotations", "import", str(snapshot)])
    assert imported.exit_code == 0, imported.output
    layers_path = Path("annotations/layers") / (snapshot.stem + ".jsonl")
    records = {
        json.loads(x)["document"]["id"]: json.loads(x) for x in layers_path.read_text(encoding="utf-8").splitlines()
    }
    for doc in (SEED, EMOJI, CRLF):
        plan = plans[doc.id]
        (ann,) = [x for x in records[doc.id]["layers"] if x["kind"] == "annotation"]
        got = {(s["label"], s["start"], s["end"]) for s in ann["spans"]}
        want = {(plan["keep"][0], *plan["keep"][1:3]), plan["new"][:3]} | {
            (r[0], r[1], r[2]) for r in plan["untouched"]
        }
        if plan["relabel"]:
            want.add((plan["relabel_to"], *plan["relabel"][1:3]))
        assert got == want, doc.id
        for s in ann["spans"]:
            assert (
                doc.text[s["start"] : s["end"]]
                == next(r for r in [*predicted[doc.id], plan["new"]] if r[1:3] == (s["start"], s["end"]))[3]
            )
        by_id = {s["id"]: (s["start"], s["end"]) for s in ann["spans"]}
        head, tail = tuple(plan["keep"][1:3]), tuple(plan["new"][1:3])
        assert schema.relation(plan["relation"]).allows(plan["keep"][0], plan["new"][0])
        assert [(by_id[r["head"]], by_id[r["tail"]], r["label"]) for r in ann["relations"]] == [
            (head, tail, plan["relation"])
        ]
        assert ann["provenance"]["parent_prediction"] is not None
    accepted = runner.invoke(main, ["annotations", "acceptance", str(layers_path), "--json"])
    assert accepted.exit_code == 0, accepted.output
    (figures,) = json.loads(accepted.stdout)["model_versions"].values()
    spans = figures["spans"]
    assert spans["relabelled"] == sum(bool(p["relabel"]) for p in plans.values())
    assert spans["deleted"] == sum(bool(p["delete"]) for p in plans.values())
    assert spans["added"] == 3 and spans["moved"] == 0
    assert spans["kept"] == sum(len(predicted[d]) for d in plans) - spans["relabelled"] - spans["deleted"]
    assert figures["relations"]["added"] == 3
    (SHOTS / "acceptance.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
