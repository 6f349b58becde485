"""Push, annotate as two annotators, pull: against a real Label Studio server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, project_copy
from tests.labelstudio.conftest import ADMIN_TOKEN, LiveServer
from toolkit.cli import main
from toolkit.errors import LabelStudioError
from toolkit.labelstudio.client import connect
from toolkit.labelstudio.pull import pull
from toolkit.labelstudio.push import push
from toolkit.model import Document, Layer, Provenance, Span
from toolkit.predictions import write_predictions
from toolkit.schema import load_schema
from toolkit.seeds import ARTICLES_FILE, document_to_record, load_articles

pytestmark = pytest.mark.labelstudio

EMOJI_TEXT = "Warga 😀🎉 menyambut Presiden Joko Widodo di Jakarta."
CRLF_TEXT = "Menteri Retno Marsudi tiba di Jenewa,\r\nSwiss pada Senin."
EMOJI = Document("emoji0000000001", EMOJI_TEXT, {"outlet": "test"})
CRLF = Document("crlf00000000001", CRLF_TEXT, {"outlet": "test"})
SEED = load_articles(REPO / "seeds" / ARTICLES_FILE)[0]
TITLE = "toolkit live test"


def _region(rid: str, text: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def _rel(head: str, tail: str, label: str, direction: str = "right") -> dict[str, Any]:
    return {"type": "relation", "from_id": head, "to_id": tail, "direction": direction, "labels": [label]}


@pytest.fixture(scope="module")
def project(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Push three articles with a prediction, then annotate as two annotators; one skips a task."""
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    conn = connect(live.url, live.token)
    start = EMOJI_TEXT.index("Joko")
    pred = Layer(
        EMOJI.id,
        "rules-0.1",
        "",
        (Span("p1", start, start + len("Joko Widodo"), "PER"),),
        (),
        Provenance("preds.jsonl", model_version="rules-0.1"),
        "prediction",
    )
    report = push(conn, schema, [SEED, EMOJI, CRLF], title=TITLE, predictions=[pred])
    client = conn.client
    admin = client.users.whoami()
    bob = client.users.create(email="bob@example.com", username="bob", first_name="Bob")
    tasks = {t.data["article_id"]: t for t in client.tasks.list(project=report.project_id, fields="all")}

    e = EMOJI_TEXT
    emoji_result = [
        _region("e1", e, e.index("Presiden"), e.index("Presiden") + len("Presiden"), "ROLE"),
        _region("e2", e, e.index("Joko"), e.index("Joko") + len("Joko Widodo"), "PER"),
        _region("e3", e, e.index("Jakarta"), e.index("Jakarta") + len("Jakarta"), "GPE"),
        _rel("e2", "e1", "has_role"),
    ]
    c = CRLF_TEXT
    crlf_result = [
        _region("c1", c, c.index("Retno"), c.index("Retno") + len("Retno Marsudi"), "PER"),
        # a region across the \r\n line break, as the UI would make it
        _region("c2", c, c.index("Jenewa"), c.index("Swiss") + len("Swiss"), "GPE"),
        _region("c3", c, c.index("Senin"), c.index("Senin") + len("Senin"), "DATE"),
    ]
    client.annotations.create(id=tasks[EMOJI.id].id, result=emoji_result, completed_by=admin.id)
    client.annotations.create(id=tasks[CRLF.id].id, result=crlf_result, completed_by=admin.id)
    bob_emoji = [*emoji_result[1:3], _rel("e2", "e3", "located_in")]
    client.annotations.create(id=tasks[EMOJI.id].id, result=bob_emoji, completed_by=bob.id)
    client.annotations.create(id=tasks[CRLF.id].id, result=[], was_cancelled=True, completed_by=bob.id)
    return {"schema": schema, "report": report, "admin": admin.id, "bob": bob.id, "tasks": tasks}


def test_push_created_project_tasks_and_predictions(project: dict[str, Any]) -> None:
    report = project["report"]
    assert report.project_created and report.tasks_imported == 3 and report.predictions_attached == 1
    tasks = project["tasks"]
    assert set(tasks) == {SEED.id, EMOJI.id, CRLF.id}
    assert tasks[CRLF.id].data["text"] == CRLF_TEXT  # \r\n kept byte for byte
    assert tasks[EMOJI.id].data["text"] == EMOJI_TEXT


def test_push_twice_imports_nothing(live: LiveServer, project: dict[str, Any]) -> None:
    conn = connect(live.url, live.token)
    pred = Layer(EMOJI.id, "rules-0.1", "", (), (), Provenance("p"), "prediction")
    again = push(conn, project["schema"], [SEED, EMOJI, CRLF], title=TITLE, predictions=[pred])
    assert not again.project_created and not again.config_updated
    assert (again.tasks_imported, again.tasks_already_there) == (0, 3)
    assert (again.predictions_attached, again.predictions_already_there) == (0, 1)
    assert len(list(conn.client.tasks.list(project=again.project_id))) == 3


def test_changed_article_is_refused(live: LiveServer, project: dict[str, Any]) -> None:
    conn = connect(live.url, live.token)
    changed = Document(EMOJI.id, EMOJI_TEXT + " Tambahan.", {})
    with pytest.raises(LabelStudioError, match=rf"holds article {EMOJI.id} with a different text"):
        push(conn, project["schema"], [changed], title=TITLE)
    assert len(list(conn.client.tasks.list(project=project["report"].project_id))) == 3


def test_pull_snapshot_holds_exactly_what_was_created(
    live: LiveServer, project: dict[str, Any], tmp_path: Path
) -> None:
    conn = connect(live.url, live.token)
    entry = pull(conn, title=TITLE, out_dir=tmp_path)
    assert (entry.counts.tasks, entry.counts.annotations, entry.counts.cancelled) == (3, 3, 1)
    assert (entry.counts.annotators, entry.counts.predictions) == (2, 1)
    snapshot = json.loads((tmp_path / entry.file).read_text(encoding="utf-8"))
    by_article = {t["data"]["article_id"]: t for t in snapshot}
    emoji_anns = {a["completed_by"]: a for a in by_article[EMOJI.id]["annotations"]}
    assert set(emoji_anns) == {project["admin"], project["bob"]}
    admin_regions = {r["id"]: r for r in emoji_anns[project["admin"]]["result"] if r["type"] == "labels"}
    for region in admin_regions.values():
        v = region["value"]
        assert EMOJI_TEXT[v["start"] : v["end"]] == v["text"]  # code-point offsets after the emoji
    assert admin_regions["e2"]["value"]["text"] == "Joko Widodo"
    rels = [
        (r["from_id"], r["to_id"], r["labels"])
        for r in emoji_anns[project["admin"]]["result"]
        if r["type"] == "relation"
    ]
    assert rels == [("e2", "e1", ["has_role"])]
    crlf_anns = by_article[CRLF.id]["annotations"]
    cancelled = [a for a in crlf_anns if a["was_cancelled"]]
    assert len(cancelled) == 1 and cancelled[0]["completed_by"] == project["bob"] and cancelled[0]["result"] == []
    crossing = next(r for a in crlf_anns for r in a["result"] if r.get("id") == "c2")
    assert CRLF_TEXT[crossing["value"]["start"] : crossing["value"]["end"]] == "Jenewa,\r\nSwiss"
    (prediction,) = by_article[EMOJI.id]["predictions"]
    assert prediction["model_version"] == "rules-0.1"
    assert prediction["result"][0]["value"]["text"] == "Joko Widodo"
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    (recorded,) = index["snapshots"]
    assert recorded["sha256"] == entry.sha256 and recorded["counts"]["cancelled"] == 1
    second = pull(conn, title=TITLE, out_dir=tmp_path)
    assert second.file != entry.file and len(json.loads((tmp_path / "index.json").read_text())["snapshots"]) == 2


def test_parallel_pulls_keep_every_snapshot_in_the_index(
    live: LiveServer, project: dict[str, Any], tmp_path: Path
) -> None:
    """Four `ls pull` processes at once into one folder (a scheduled pull and a person's): before, each read the
    index before its download and wrote it back after, so the index named only the last one's snapshot."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "LABEL_STUDIO_URL": live.url, "LABEL_STUDIO_API_KEY": live.token}
    toolkit = str(Path(sys.executable).parent / "toolkit")
    runs = [
        subprocess.Popen(
            [toolkit, "ls", "pull", "--title", TITLE, "--out", str(tmp_path), "--json"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [err for _, err in outputs]
    reported = sorted(json.loads(out)["file"] for out, _ in outputs)
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))["snapshots"]
    assert sorted(e["file"] for e in index) == reported and len(set(reported)) == 4
    assert sorted(p.name for p in tmp_path.glob("*.json") if p.name != "index.json") == reported


def test_config_the_server_rejects(live: LiveServer, project: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # Our generator cannot produce a config the server refuses, so feed push a broken one.
    import toolkit.labelstudio.push as push_module

    monkeypatch.setattr(push_module, "label_config", lambda schema: '<View><Labels name="label" toName="text"></View>')
    conn = connect(live.url, live.token)
    with pytest.raises(
        LabelStudioError, match=r"rejected the request to update the config of project \d+ \(HTTP 400\)"
    ):
        push(conn, project["schema"], [SEED], title=TITLE)


def test_cli_push_and_pull_never_show_the_key(
    ls_env: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds"))
    start = SEED.text.index("Haiyani Rumondang")
    write_predictions(
        [Layer(SEED.id, "cli-model", "", (Span("s1", start, start + 17, "PER"),), (), Provenance("x"), "prediction")],
        tmp_path / "preds.jsonl",
    )
    runner = CliRunner()
    pushed = runner.invoke(main, ["ls", "push", "--title", "cli project", "--predictions", "preds.jsonl"])
    assert pushed.exit_code == 0, pushed.output
    assert "project" in pushed.output and "tasks: 1 imported, 0 already there" in pushed.output
    assert "predictions: 1 attached" in pushed.output
    again = runner.invoke(main, ["ls", "push", "--title", "cli project", "--order", "uncertainty", "--json"])
    pushed_again = json.loads(again.stdout)
    assert pushed_again["tasks_already_there"] == 1 and pushed_again["view_id"] > 0
    conn = connect(ls_env.url, ls_env.token)
    project = conn.client.projects.get(id=pushed_again["project_id"])
    shown = project.expert_instruction or ""
    assert (
        project.show_instruction and shown.startswith("<p><strong>id-news-er ") and "<h3>Annotation guidelines" in shown
    )
    (view,) = [
        v
        for v in conn.client.views.list(project=pushed_again["project_id"])
        if v.data.get("title") == "least confident first"
    ]
    assert view.data["ordering"] == ["tasks:predictions_score"]
    pulled = runner.invoke(main, ["ls", "pull", "--title", "cli project"])
    assert pulled.exit_code == 0, pulled.output
    assert "1 tasks, 0 annotations, 0 cancelled, 0 annotators, 1 predictions" in pulled.output
    missing = runner.invoke(main, ["ls", "pull", "--title", "no such project"])
    assert missing.exit_code == 1 and "no project titled 'no such project'" in missing.output
    verbose = runner.invoke(main, ["--verbose", "ls", "pull", "--title", "cli project"])
    assert verbose.exit_code == 0 and "DEBUG toolkit.labelstudio.client: connecting to" in verbose.output
    verbose_push = runner.invoke(main, ["-v", "ls", "push", "--title", "cli project"])
    assert verbose_push.exit_code == 0
    outputs = [pushed.output, again.output, pulled.output, missing.output, verbose.output, verbose_push.output]
    files = [p.read_text(encoding="utf-8", errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    assert all(ADMIN_TOKEN not in text for text in outputs + files)


def test_wrong_key_is_a_clear_error_without_the_key(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds"))
    wrong = "wrongkey9999999999999999999999999999999"
    monkeypatch.setenv("LABEL_STUDIO_URL", live.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", wrong)
    for args in (["ls", "push"], ["ls", "pull"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        assert f"Error: {live.url} refused the API key" in result.output
        assert "LABEL_STUDIO_API_KEY" in result.output and "Traceback" not in result.output
        assert wrong not in result.output and ADMIN_TOKEN not in result.output
    assert not (tmp_path / "annotations").exists()


def test_stopped_server_is_a_clear_error_and_leaves_no_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.labelstudio.server import free_port

    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", ADMIN_TOKEN)
    result = CliRunner().invoke(main, ["ls", "pull", "--out", "snaps"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach Label Studio at {url}")
    assert "check that the server is running and LABEL_STUDIO_URL is right" in result.output
    assert ADMIN_TOKEN not in result.output
    assert not (tmp_path / "snaps").exists() or not any((tmp_path / "snaps").iterdir())


def test_seed_records_survive_the_round_trip(project: dict[str, Any]) -> None:
    assert project["tasks"][SEED.id].data["text"] == document_to_record(SEED)["text"]
