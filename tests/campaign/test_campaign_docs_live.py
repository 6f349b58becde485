"""The project managers' campaign and review blocks, run by bash as written in a copy of this repository (its
``toolkit.yaml`` too, so the first push records the project's id and every later command finds the project by it),
against a real Label Studio: two annotators who signed up work through their queues between the blocks, a reviewer
decides the review round, and the release cites the campaign."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.campaign.known_gold import known_gold, write_project
from tests.campaign.work import annotate_queues, cli_json, server_tasks
from tests.conftest import REPO, doc_block, doc_block_before, project_copy, run_bash
from tests.labelstudio.conftest import ADMIN_TOKEN, LiveServer, on_server, sign_up
from toolkit.annotations.results import layer_to_result
from toolkit.schema import load_schema

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
PAGE = REPO / "docs" / "project-managers.md"


def _the_researchers_release_block(project: Path, snapshot: str) -> None:
    """The researchers' first block (gold, build, agree, two releases, verify, push) on the campaign's layers, in a
    copy of the project: the push line without the Hub (`--dry-run`, no token), the rest as written."""
    copy = project.parent / "researcher"
    shutil.copytree(project, copy)
    script = doc_block(REPO / "docs" / "researchers.md", "toolkit dataset build").replace("<snapshot>", snapshot)
    push = "HF_TOKEN=... toolkit dataset push releases/id-news-er/1.1.0 --repo-id OWNER/id-news-er"
    assert push in script
    out = run_bash(script.replace(push, push.removeprefix("HF_TOKEN=... ") + " --dry-run"), copy)
    assert "files verified; would" in out and "HF_TOKEN is not set" in out
    assert (copy / "build" / "dataset" / "data").is_dir()
    card = (copy / "releases" / "id-news-er" / "1.1.0" / "README.md").read_text(encoding="utf-8")
    assert "1.0.0" in card and "diff.json" in card  # the second release links its predecessor


def test_the_campaign_and_review_blocks_run_as_written(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas",))
    shutil.copy(REPO / "toolkit.yaml", tmp_path / "toolkit.yaml")
    records = known_gold(35)
    campaign, control = records[:30], records[30:]
    gold = {r.document.id: r for r in records}
    write_project(tmp_path, campaign, control)
    (tmp_path / "control.jsonl").rename(tmp_path / "gold.jsonl")  # the block's gold file
    people = [sign_up(live.url, f"reader{n}@example.org", f"pass-{n}-reader-2026") for n in range(2)]
    env = {"KEY": live.token}

    # the campaign block up to the dry run: pushed, control tasks, the campaign shown and not applied
    block = doc_block(PAGE, "toolkit ls campaign --k 2 --overlap 20 --dry-run")
    first = on_server(doc_block_before(PAGE, "toolkit ls status --plot"), live)
    assert first in on_server(block, live)
    out = run_bash(first, tmp_path, **env)
    assert "'id-news-er' (created)" in out and "tasks: 30 imported" in out
    assert live.token not in out
    recorded = (tmp_path / "toolkit.yaml").read_text(encoding="utf-8")
    assert "label_studio_project_id: " in recorded and "label_studio_project_id: null" not in recorded
    # "then again without --dry-run"
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", live.token)
    report = cli_json("ls", "campaign", "--k", "2", "--overlap", "20")
    assert report["tasks_by_role"] == {"control": 5, "overlap": 6, "single": 24}
    tabs = {int(q["annotator"][5:]): int(q["view_id"]) for q in report["queues"]}
    annotate_queues(live.url, report["project_id"], people, gold, tabs, skip=False)

    # the rest of the block once the annotators are done: status with its plot, the review round
    rest = first.split("\n", 1)[0] + "\n" + on_server(block, live).split(first, 1)[1]  # the export line, then the rest
    out = run_bash(rest, tmp_path, **env)
    assert (tmp_path / "status.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(f"user:{p.user_id}" in out for p in people) and all(p.email not in out for p in people)
    with httpx.Client(base_url=live.url, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=60) as c:
        made = {p["title"]: p["id"] for p in c.get("/api/projects/", params={"page_size": 100}).json()["results"]}
    assert "id-news-er review" in made, (made, out)
    review_tasks = server_tasks(live.url, made["id-news-er review"])
    assert review_tasks, out
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    with httpx.Client(base_url=live.url, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=60) as c:
        for t in review_tasks:  # the reviewer decides: the known gold
            record = gold[t["data"]["article_id"]]
            result = layer_to_result(record.gold, record.document.text, schema)
            assert c.post(f"/api/tasks/{t['id']}/annotations/", json={"result": result}).status_code == 201

    # the campaign's own snapshot and layers (the import block above), then the review block, placeholders filled
    pulled = run_bash("toolkit ls pull\n", tmp_path, LABEL_STUDIO_URL=live.url, LABEL_STUDIO_API_KEY=live.token)
    campaign_snapshot = Path(pulled.splitlines()[0].strip())
    run_bash(f"toolkit annotations import {campaign_snapshot}\n", tmp_path)
    _the_researchers_release_block(tmp_path, campaign_snapshot.stem)
    review = doc_block(PAGE, 'toolkit ls pull --title "id-news-er review"').splitlines()
    pulled = run_bash(review[0] + "\n", tmp_path, LABEL_STUDIO_URL=live.url, LABEL_STUDIO_API_KEY=live.token)
    review_snapshot = Path(pulled.splitlines()[0].strip())
    assert review_snapshot.parent == Path("annotations/snapshots") and "review" in review_snapshot.name
    filled = "\n".join(review[1:]) + "\n"
    for placeholder, value in (
        ("<review-snapshot>", review_snapshot.stem),
        ("<campaign>", campaign_snapshot.stem),
        ("<review>", review_snapshot.stem),
    ):
        filled = filled.replace(placeholder, value)
    assert "<" not in filled, filled
    out = run_bash(filled, tmp_path, LABEL_STUDIO_URL=live.url, LABEL_STUDIO_API_KEY=live.token)
    card = (tmp_path / "releases" / "id-news-er" / "1.1.0" / "README.md").read_text(encoding="utf-8")
    assert "on 6 doubly annotated documents (the overlapping documents of the campaign" in card
    assert f"{len(review_tasks)} documents were decided in a review round" in card
    assert "across the 2 annotators" in card
    published = b"".join(p.read_bytes() for p in (tmp_path / "releases").rglob("*") if p.is_file())
    assert all(p.email.encode() not in published for p in people) and live.token.encode() not in published
