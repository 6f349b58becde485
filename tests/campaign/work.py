"""Annotators at work in a campaign test, and the project manager's commands: shared by the campaign tests."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from typing import Any

import httpx
from click.testing import CliRunner

from tests.campaign.known_gold import noisy_copy
from tests.conftest import REPO
from tests.labelstudio.conftest import ADMIN_TOKEN, Annotator
from toolkit.annotations.results import layer_to_result
from toolkit.cli import main
from toolkit.model import GoldRecord
from toolkit.schema import load_schema

RATES = (0.05, 0.25, 0.7)
"""Each annotator's rate of each kind of planted noise: one careful, one average, one careless."""


def cli_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return (
        dict(json.loads(result.output))
        if result.output.strip().startswith("{")
        else {"list": json.loads(result.output)}
    )


def annotate_queues(
    url: str, project: int, people: list[Annotator], gold: dict[str, GoldRecord], tabs: dict[int, int], skip: bool
) -> dict[int, list[int]]:
    """Every annotator takes tasks from their own queue, all at once, as the labelling page opened by their link does
    (POST /api/dm/actions?id=next_task with their tab's filters and ordering), and submits a noisy copy of the task's
    gold; the second annotator skips the first task they get after the control tasks. What each submitted."""
    schema = load_schema(REPO / "schemas" / "schema.yaml")
    done: dict[int, list[int]] = defaultdict(list)
    errors: list[str] = []
    served = [0] * len(people)
    skipped: list[int] = [] if skip else [0]

    def work(n: int, person: Annotator) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Token {person.token}"}, timeout=60) as c:
            tab = c.get(f"/api/dm/views/{tabs[person.user_id]}").json()["data"]
            body = {
                "ordering": tab["ordering"],
                "selectedItems": {"all": False, "included": []},
                "filters": tab["filters"],
            }
            while True:
                params: dict[str, Any] = {"id": "next_task", "tabID": tabs[person.user_id], "project": project}
                r = c.post("/api/dm/actions", params=params, json=body)
                if r.status_code == 404:
                    return
                if r.status_code != 200:
                    errors.append(f"{person.email}: /next {r.status_code} {r.text[:200]}")
                    return
                task = r.json()
                served[n] += 1
                if task.get("annotations"):
                    errors.append(f"task {task['id']} came with others' annotations")
                record = gold[task["data"]["article_id"]]
                role = ((task.get("meta") or {}).get("toolkit") or {}).get("campaign", {}).get("role")
                if n == 1 and role != "control" and not skipped:  # the first task past the control tasks
                    skipped.append(int(task["id"]))
                    made: dict[str, Any] = {"result": [], "was_cancelled": True, "lead_time": 5.0}
                else:
                    layer = noisy_copy(record, person.user_id, RATES[n])
                    made = {"result": layer_to_result(layer, record.document.text, schema), "lead_time": 30.0 + n}
                posted = c.post(f"/api/tasks/{task['id']}/annotations/", json=made)
                if posted.status_code != 201:
                    errors.append(f"{person.email}: submit {posted.status_code} {posted.text[:200]}")
                    return
                if not made.get("was_cancelled"):
                    done[person.user_id].append(int(task["id"]))

    for _ in range(3):  # people come back: a task skipped after someone ran out of work waits for a later round
        before = sum(len(v) for v in done.values())
        threads = [threading.Thread(target=work, args=(n, p)) for n, p in enumerate(people)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        assert not errors, errors
        if sum(len(v) for v in done.values()) == before:
            break
    return done


def served_counts(submitted: dict[int, list[int]]) -> dict[int, int]:
    return {k: len(v) for k, v in submitted.items()}


def server_tasks(url: str, project: int) -> list[dict[str, Any]]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {ADMIN_TOKEN}"}, timeout=60) as c:
        return list(
            c.get("/api/tasks/", params={"project": project, "fields": "all", "page_size": 1000}).json()["tasks"]
        )
