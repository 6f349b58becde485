"""Blind double annotation and hidden control gold, in a real browser: the second annotator of an overlapping task,
opening the queue link `ls campaign` gives them, sees the text and none of the first annotator's regions or
relations; on a control task they see no trace of its gold. Screenshots: build/test-artifacts/campaign/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.campaign.known_gold import known_gold, write_project
from tests.campaign.work import cli_json
from tests.conftest import REPO, project_copy
from tests.labelstudio.browser import Browser, ensure_browser
from tests.labelstudio.conftest import ADMIN_TOKEN, LiveServer, sign_up
from toolkit.annotations.results import layer_to_result
from toolkit.schema import load_schema

pytestmark = pytest.mark.labelstudio
SHOTS = REPO / "build" / "test-artifacts" / "campaign"


def _user_id(url: str, email: str) -> int:
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=60) as c:
        users = c.get("/api/users/").json()
    return int(next(u["id"] for u in users if u["email"] == email))


def test_the_second_annotator_sees_neither_the_first_ones_work_nor_the_control_gold(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_browser()
    project_copy(tmp_path, monkeypatch, ("schemas",))
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.token)
    overlap, control = known_gold(2)
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    first = sign_up(live.url, "first@example.org", "first-annotator-2026")
    browser = Browser(live.url, SHOTS)
    try:
        browser.sign_up("second@example.org", "second-annotator-2026")
        second = _user_id(live.url, "second@example.org")
        ids = f"{first.user_id},{second}"

        # an overlapping task for both, annotated by the first annotator
        write_project(tmp_path, [overlap], [control])
        cli_json("ls", "push", "--title", "blind")
        campaign = cli_json("ls", "campaign", "--title", "blind", "--k", "2", "--overlap", "100", "--annotators", ids)
        (task,) = _tasks(live.url, campaign["project_id"])
        result = layer_to_result(overlap.gold, overlap.document.text, schema)
        with httpx.Client(base_url=live.url, headers={"Authorization": f"Token {first.token}"}, timeout=60) as c:
            assert c.post(f"/api/tasks/{task['id']}/annotations/", json={"result": result}).status_code == 201
        link = next(q["link"] for q in campaign["queues"] if q["annotator"] == f"user:{second}")
        _opened(browser, link, overlap.document.text[:20], "overlapping-task-seen-by-the-second-annotator")

        # a control task: its gold is a ground-truth annotation on the server, never on the annotator's page
        cli_json("ls", "control", "control.jsonl", "--count", "1", "--title", "control")  # a project of its own
        campaign = cli_json("ls", "campaign", "--title", "control", "--k", "1", "--overlap", "0", "--annotators", ids)
        (task,) = _tasks(live.url, campaign["project_id"])
        assert [a["ground_truth"] for a in task["annotations"]] == [True]
        link = next(q["link"] for q in campaign["queues"] if q["annotator"] == f"user:{second}")
        _opened(browser, link, control.document.text[:20], "control-task-seen-by-an-annotator")
    finally:
        browser.driver.quit()


def _tasks(url: str, project: int) -> list[dict[str, Any]]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=60) as c:
        return list(c.get("/api/tasks/", params={"project": project, "fields": "all"}).json()["tasks"])


def _opened(browser: Browser, link: str, text: str, shot: str) -> None:
    """The annotator's queue link opens the labelling page of the task, with no region and no relation on it."""
    import time

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    browser.driver.get(link)
    browser.wait().until(ec.element_to_be_clickable((By.XPATH, "//button[normalize-space()='Submit']")))
    browser.wait().until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)
    browser.press(Keys.ESCAPE)  # the instructions open over the page; close them
    time.sleep(2.0)  # give any annotation of others every chance to render
    assert browser.regions() == [], "the page shows regions the annotator did not make"
    browser.find(By.XPATH, "//*[contains(@class,'tabs')]//*[normalize-space()='Relations']").click()
    time.sleep(0.5)
    browser.shot(shot)
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".lsf-relations__item") == [], "the page shows relations"
