"""Make real Label Studio 1.23.2 exports of one project through each export path users have.

Run from the repo root: ``.venv/bin/python tests/golden/real_exports/make.py`` (starts its own server on
a free 127.0.0.1 port with offline settings, stops it by pid; needs Debian's ``chromium`` and
``chromium-driver`` and ``selenium``). It pushes three articles with the toolkit (the seed article and
two short ones) and pre-annotations of the rule baseline; two annotators who have e-mails and names:

- ``ann`` (Ann Annotator, ann@example.org) signs up in headless Chromium, opens the seed article's
  labelling page with the pre-annotation shown and presses Submit (``accepting-in-the-browser.png``
  is the page just before): Label Studio records ``parent_prediction`` and ``origin: prediction`` on
  every region; through the API she then submits twice on the second article (the later one must
  win) and annotates the third;
- ``budi`` (Budi Santoso, budi@example.org, created by the admin) annotates the seed article and skips
  (cancels) the third.

Then it exports the project three ways and writes them here, byte for byte as the server gave them:
``export-api.json`` (project export API), ``export-snapshot.json`` (export snapshot API: create, wait,
download) and ``export-cli.json`` (``label-studio export``, whose ``completed_by`` is a user object
with e-mail and names). ``people.json`` lists the e-mails, names and usernames that must never reach
an output of the toolkit (the tests search every output for them).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from tests.labelstudio.browser import Browser  # noqa: E402
from toolkit.baselines.rules import RuleExtractor  # noqa: E402
from toolkit.labelstudio import server as ls_server  # noqa: E402
from toolkit.labelstudio.client import connect  # noqa: E402
from toolkit.labelstudio.push import push  # noqa: E402
from toolkit.model import Document, Layer, Provenance  # noqa: E402
from toolkit.schema import load_schema  # noqa: E402
from toolkit.seeds import article_id, load_articles  # noqa: E402

ADMIN = {
    "LABEL_STUDIO_USERNAME": "admin@example.com",
    "LABEL_STUDIO_PASSWORD": "admin-2026",
    "LABEL_STUDIO_USER_TOKEN": "0123456789abcdef0123456789abcdef01234567",
}
PEOPLE = [
    {"email": "ann@example.org", "username": "ann", "first_name": "Ann", "last_name": "Annotator"},
    {"email": "budi@example.org", "username": "budi", "first_name": "Budi", "last_name": "Santoso"},
]
SHORT = [
    "Menteri Ketenagakerjaan Hanif Dhakiri bertemu Direktur Jenderal ILO Guy Ryder di Jenewa pada Senin.",
    "Badan Nasional Penempatan dan Perlindungan TKI (BNP2TKI) membuka kantor baru di Surabaya, Jawa Timur.",
]


def region(rid: str, text: str, needle: str, label: str, origin: str = "manual", nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": origin,
        "value": {"start": start, "end": start + len(needle), "text": needle, "labels": [label]},
    }


def relation(head: str, tail: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": head, "to_id": tail, "direction": "right", "labels": [label]}


def accept(browser: Browser, project: int, task: int) -> None:
    """Open the task (its pre-annotation filled in) and press Submit: what an annotator does to accept it."""
    browser.open_task(project, task)
    browser.driver.save_screenshot(str(HERE / "accepting-in-the-browser.png"))
    browser.submit()


def main() -> None:
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    seed = load_articles(REPO / "seeds" / "articles.jsonl")[0]
    docs = [seed, *(Document(article_id(t), t, {"outlet": "test"}) for t in SHORT)]
    rules = RuleExtractor()
    rules.fit([], schema)
    preds = [
        Layer(d.id, "rules@0.1", "", tuple(rules.predict_spans(d)), (), Provenance("rules"), "prediction") for d in docs
    ]
    work = Path(tempfile.mkdtemp(prefix="real-exports-"))
    exe = ls_server.ensure_installed()
    ls_server.init_data_dir(work / "data", ADMIN, exe)
    srv = ls_server.Server(work / "data", ls_server.free_port(), ADMIN, exe)
    try:
        srv.start()
        conn = connect(srv.url, ADMIN["LABEL_STUDIO_USER_TOKEN"])
        client = conn.client
        report = push(conn, schema, docs, title="real exports", predictions=preds)
        pid = report.project_id
        users = {"budi": client.users.create(**PEOPLE[1])}
        # ann signs up in a real browser, as annotators do, and accepts the seed's pre-annotation there
        client.projects.update(id=pid, show_collab_predictions=True, model_version=preds[0].annotator)
        tasks = {t.data["article_id"]: t for t in client.tasks.list(project=pid, fields="all")}
        browser = Browser(srv.url)
        try:
            browser.sign_up(PEOPLE[0]["email"], "annotate-2026")
            (ann,) = [u for u in client.users.list() if u.email == PEOPLE[0]["email"]]
            names = {k: PEOPLE[0][k] for k in ("first_name", "last_name", "username")}
            users["ann"] = client.users.update(id=ann.id, **names)
            accept(browser, pid, tasks[seed.id].id)
        finally:
            browser.close()
        seed_task = tasks[seed.id]
        (pred,) = list(client.predictions.list(task=seed_task.id))
        (accepted,) = [a for a in client.annotations.list(id=seed_task.id) if a.completed_by == users["ann"].id]
        if accepted.parent_prediction != pred.id:
            raise SystemExit(f"the browser's annotation does not record its prediction: {accepted.parent_prediction}")
        client.annotations.create(
            id=seed_task.id,
            result=[region("b1", seed.text, "Indonesia", "GPE"), region("b2", seed.text, "ILO", "ORG")],
            completed_by=users["budi"].id,
        )
        t1, t2 = SHORT
        task1, task2 = tasks[article_id(t1)], tasks[article_id(t2)]
        first = [region("f1", t1, "Hanif Dhakiri", "PER")]
        client.annotations.create(id=task1.id, result=first, completed_by=users["ann"].id)
        time.sleep(1.1)  # the second submission is later: it is ann's vote
        second = [
            region("s1", t1, "Hanif Dhakiri", "PER"),
            region("s2", t1, "Guy Ryder", "PER"),
            region("s3", t1, "ILO", "ORG"),
            region("s4", t1, "Jenewa", "GPE"),
            relation("s2", "s3", "works_for"),
        ]
        client.annotations.create(id=task1.id, result=second, completed_by=users["ann"].id)
        client.annotations.create(
            id=task2.id,
            result=[
                region("k1", t2, "BNP2TKI", "ORG"),
                region("k2", t2, "Surabaya", "GPE"),
                relation("k1", "k2", "located_in"),
            ],
            completed_by=users["ann"].id,
        )
        client.annotations.create(id=task2.id, result=[], was_cancelled=True, completed_by=users["budi"].id)

        api = b"".join(client.projects.exports.download_sync(id=pid, export_type="JSON", download_all_tasks=True))
        (HERE / "export-api.json").write_bytes(api)
        snap = client.projects.exports.create(id=pid, title="snapshot for the tests")
        for _ in range(120):
            if client.projects.exports.get(id=pid, export_pk=snap.id).status == "completed":
                break
            time.sleep(0.5)
        data = b"".join(client.projects.exports.download(id=pid, export_pk=snap.id, export_type="JSON"))
        (HERE / "export-snapshot.json").write_bytes(data)
    finally:
        srv.stop()
    out = work / "cli-export"
    out.mkdir()
    env = ls_server.server_env(work / "data", ADMIN)
    env["HOME"] = str(work / "data" / "home")
    done = subprocess.run(
        [str(exe), "export", str(pid), "JSON", "--export-path", str(out)],
        env=env,
        cwd=work / "data",
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"label-studio export failed: {done.stderr[-2000:]}")
    (exported,) = sorted(out.glob("*.json"))
    shutil.copyfile(exported, HERE / "export-cli.json")
    (HERE / "people.json").write_text(json.dumps([*PEOPLE, {"email": ADMIN["LABEL_STUDIO_USERNAME"]}], indent=1) + "\n")
    shutil.rmtree(work)
    print(f"wrote {HERE}/export-api.json, export-snapshot.json, export-cli.json, people.json")


if __name__ == "__main__":
    main()
