"""`toolkit ls backend` + `toolkit ls connect` against a real Label Studio: predictions, webhooks, retraining."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from tests.labelstudio.conftest import ADMIN_TOKEN, LiveServer, running_backend
from toolkit.cli import main
from toolkit.labelstudio.client import connect
from toolkit.labelstudio.push import push
from toolkit.model import Document
from toolkit.schema import load_schema

from .test_live import CRLF, EMOJI, SEED, _region

pytestmark = pytest.mark.labelstudio
TITLE = "backend live test"


def _first_training_ended(url: str, serving: str | None = None) -> dict[str, Any]:
    """The backend's /health once its first training is no longer running (at most 180 s); with ``serving``, the
    version it must serve until then."""
    deadline = time.time() + 180
    while True:
        status = _get(url + "/health")
        if (status["trainings"] and status["trainings"][0]["state"] != "running") or time.time() > deadline:
            return status
        if serving is not None:
            assert status["model_version"] == serving
        time.sleep(0.5)


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - our own backend on 127.0.0.1
        return json.loads(r.read())


@pytest.fixture(scope="module")
def backend(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    with running_backend(live, tmp_path_factory.mktemp("backend"), TITLE, retrain_every=2) as served:
        conn = connect(live.url, live.token)
        report = push(conn, schema, [SEED, EMOJI, CRLF], title=TITLE)
        yield {**served, "project": report.project_id, "conn": conn}


def test_connect_retrieves_predictions_with_scores_and_orders_least_confident_first(
    ls_env: LiveServer, backend: dict[str, Any]
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "ls",
            "connect",
            "--backend",
            backend["url"],
            "--title",
            TITLE,
            "--retrieve",
            "--order",
            "uncertainty",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # Label Studio 1.23.2 adds the <backend>/webhook itself (all actions) when a backend is added
    assert report["backend_created"] and report["webhook_id"] > 0 and report["retrieved"] == 3
    assert report["model_version"] == backend["version"]
    again = json.loads(
        CliRunner().invoke(main, ["ls", "connect", "--backend", backend["url"], "--title", TITLE, "--json"]).stdout
    )
    assert not again["backend_created"] and not again["webhook_created"]
    conn = backend["conn"]
    # annotators read in the instructions what the model proposes and how precise it was measured, once
    instructions = str(conn.client.projects.get(id=backend["project"]).expert_instruction)
    assert report["model_described"] and report["model_described"][0].startswith(f"model {backend['version']}")
    assert instructions.count("<strong>Pre-annotations</strong>") == 1 and "proposes:" in instructions
    assert "precision" in instructions
    texts = {t.id: t.data["text"] for t in conn.client.tasks.list(project=backend["project"], fields="all")}
    preds = list(conn.client.predictions.list(project=backend["project"]))
    assert sorted(p.task for p in preds) == sorted(texts)
    for p in preds:
        assert p.model_version == backend["version"] and 0 < p.score <= 1
        for r in p.result:
            if r["type"] == "labels":
                v = r["value"]
                assert texts[p.task][v["start"] : v["end"]] == v["text"]
    # a task pushed after connecting gets its prediction without asking (Label Studio asks the backend itself)
    late = Document("late000000000001", "Menteri Retno Marsudi tiba di Jenewa pada Senin .")
    push(conn, load_schema(REPO / "schemas" / "schema.yaml"), [late], title=TITLE)
    (task,) = [
        t for t in conn.client.tasks.list(project=backend["project"], fields="all") if t.data["article_id"] == late.id
    ]
    (opened,) = list(conn.client.predictions.list(task=task.id))
    assert opened.model_version == backend["version"] and opened.result
    views = [
        v
        for v in conn.client.views.list(project=backend["project"])
        if (v.data or {}).get("title") == "least confident first"
    ]
    assert len(views) == 1 and views[0].data["ordering"] == ["tasks:predictions_score"]
    assert ADMIN_TOKEN not in result.output


def test_annotations_arriving_by_webhook_retrain_a_new_model_version(
    ls_env: LiveServer, backend: dict[str, Any]
) -> None:
    conn = backend["conn"]
    tasks = {t.data["article_id"]: t for t in conn.client.tasks.list(project=backend["project"], fields="all")}
    admin = conn.client.users.whoami()
    e = EMOJI.text
    start = e.index("Joko")
    region = _region("a1", e, start, start + 11, "PER")
    conn.client.annotations.create(
        id=tasks[CRLF.id].id, result=[], was_cancelled=True, completed_by=admin.id
    )  # not counted
    first = conn.client.annotations.create(id=tasks[EMOJI.id].id, result=[region], completed_by=admin.id)
    assert _get(backend["url"] + "/health")["pending_annotations"] == 1
    e2 = e.index("Jakarta")
    r2 = _region("a2", e, e2, e2 + 7, "GPE")
    t0 = time.time()
    conn.client.annotations.update(id=first.id, result=[region, r2])  # ANNOTATION_UPDATED: the 2nd event
    # the previous model answers while the new one trains
    status = _first_training_ended(backend["url"], serving=backend["version"])
    seconds = time.time() - t0
    (job,) = status["trainings"]
    assert job["state"] == "done", backend["log"].read_text(errors="replace")
    assert status["model_version"] == backend["version"] + "+ls1"
    assert job["documents_from_label_studio"] >= 1
    # the annotators' instructions now describe the model served, without running `ls connect` again
    assert job["instructions_updated"]
    instructions = str(conn.client.projects.get(id=backend["project"]).expert_instruction)
    assert f"model {backend['version']}+ls1" in instructions and instructions.count("<strong>Pre-annotations") == 1
    print(f"webhook -> new model version: {seconds:.1f} s (job {job['seconds']} s)")
    # Label Studio asks for predictions of the new version
    CliRunner().invoke(main, ["ls", "connect", "--backend", backend["url"], "--title", TITLE, "--retrieve"])
    versions = {p.model_version for p in conn.client.predictions.list(project=backend["project"])}
    assert backend["version"] + "+ls1" in versions
    assert ADMIN_TOKEN not in backend["log"].read_text(errors="replace")


COLD_TITLE = "backend cold start live test"


def test_a_new_project_gets_the_cold_start_then_a_model_trained_on_its_own_gold(
    ls_env: LiveServer, tmp_path: Path
) -> None:
    """No corpus, no model: the backend serves the cold start in the schema (no score), then retrains on the
    project's own annotations alone and serves a CRF with scores."""
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    with running_backend(ls_env, tmp_path, COLD_TITLE, retrain_every=1, cold=True) as served:
        conn = connect(ls_env.url, ls_env.token)
        project = push(conn, schema, [SEED, EMOJI], title=COLD_TITLE).project_id
        connected = CliRunner().invoke(
            main, ["ls", "connect", "--backend", served["url"], "--title", COLD_TITLE, "--retrieve", "--json"]
        )
        assert connected.exit_code == 0, connected.output
        preds = list(conn.client.predictions.list(project=project))
        assert len(preds) == 2 and {p.model_version for p in preds} == {served["version"]}
        assert all(p.score is None for p in preds)  # rules and places have no confidence
        labels = {r["value"]["labels"][0] for p in preds for r in p.result if r["type"] == "labels"}
        assert {"GPE", "DATE", "ROLE"} <= labels and labels <= set(schema.entity_labels)
        tasks = {t.data["article_id"]: t for t in conn.client.tasks.list(project=project, fields="all")}
        e = EMOJI.text
        start = e.index("Joko")
        admin = conn.client.users.whoami()
        conn.client.annotations.create(
            id=tasks[EMOJI.id].id, result=[_region("a1", e, start, start + 11, "PER")], completed_by=admin.id
        )
        status = _first_training_ended(served["url"])
        (job,) = status["trainings"]
        assert job["state"] == "done", served["log"].read_text(errors="replace")
        assert job["documents_from_label_studio"] == 1 and job["training_documents"] == 1  # its own gold alone
        # named after the model it started from, then its own sources: no source listed twice
        assert status["model_version"] == served["version"].replace(served["stem"], served["stem"] + "+ls1", 1)
        assert "PER (crf+rules" in status["describes"][0]  # the project's gold taught the CRF its PER
        CliRunner().invoke(main, ["ls", "connect", "--backend", served["url"], "--title", COLD_TITLE, "--retrieve"])
        retrained = [p for p in conn.client.predictions.list(project=project) if "+ls1" in p.model_version]
        assert retrained and all(p.score is not None and 0 < p.score <= 1 for p in retrained)
