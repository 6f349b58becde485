"""`annotations qa --review-tasks` -> `ls push --review` -> a reviewer submits -> pull, import, gold: on a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, project_copy
from tests.labelstudio.conftest import ADMIN_TOKEN, LiveServer
from toolkit.cli import main
from toolkit.labelstudio.client import connect

pytestmark = pytest.mark.labelstudio
SNAPSHOT = REPO / "annotations" / "snapshots" / "id-news-er-seed-p2-20261128T143348.429Z.json"


def test_review_tasks_go_to_label_studio_and_the_fix_comes_back_as_gold(
    ls_env: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds"))
    runner = CliRunner()
    # the seed's gold, made from its committed snapshot as `make demo` makes it
    seed_import = runner.invoke(main, ["annotations", "import", str(SNAPSHOT), "--out", "seed_layers"])
    assert seed_import.exit_code == 0, seed_import.output
    seed_gold = runner.invoke(main, ["annotations", "gold", f"seed_layers/{SNAPSHOT.stem}.jsonl", "--out", "seed_gold"])
    assert seed_gold.exit_code == 0, seed_gold.output
    gold = f"seed_gold/{SNAPSHOT.stem}.jsonl"
    qa = runner.invoke(main, ["annotations", "qa", gold, "--review-tasks", "review.json", "--json"])
    assert qa.exit_code == 0, qa.output
    suspects = json.loads(qa.stdout)
    missed = [s for s in suspects if s["kind"] == "missed_relation"]
    assert missed, "the seed gold has a pair related in one sentence and not in another"

    pushed = runner.invoke(main, ["ls", "push", "--review", "review.json", "--title", "qa review"])
    assert pushed.exit_code == 0, pushed.output
    assert "review tasks: 1 imported, 0 already there" in pushed.output
    assert "predictions: 2 attached" in pushed.output
    again = runner.invoke(main, ["ls", "push", "--review", "review.json", "--title", "qa review", "--json"])
    report = json.loads(again.stdout)
    assert (report["tasks_imported"], report["predictions_attached"], report["predictions_already_there"]) == (0, 0, 2)

    conn = connect(ls_env.url, ls_env.token)
    project = next(p for p in conn.client.projects.list() if p.title == "qa review")
    (task,) = list(conn.client.tasks.list(project=project.id, fields="all"))
    preds = {p.model_version: p for p in conn.client.predictions.list(task=task.id)}
    assert set(preds) == {"qa:gold", "qa:suggested"}
    noted = [r for r in preds["qa:suggested"].result if r.get("meta")]
    assert noted and all(t.startswith("qa ") for r in noted for t in r["meta"]["text"])
    assert preds["qa:gold"].score == pytest.approx(suspects[0]["score"])

    # the reviewer starts from the suggestions and submits them
    admin = conn.client.users.whoami()
    conn.client.annotations.create(id=task.id, result=preds["qa:suggested"].result, completed_by=admin.id)
    pulled = runner.invoke(main, ["ls", "pull", "--title", "qa review", "--json"])
    assert pulled.exit_code == 0, pulled.output
    snapshot = str(Path("annotations/snapshots") / json.loads(pulled.stdout)["file"])
    imported = runner.invoke(main, ["annotations", "import", snapshot])
    assert imported.exit_code == 0, imported.output
    layers = next(Path("annotations/layers").glob("*.jsonl"))
    made = runner.invoke(main, ["annotations", "gold", str(layers), "--out", "gold"])
    assert made.exit_code == 0, made.output
    (record,) = [json.loads(x) for x in next(Path("gold").glob("*.jsonl")).read_text(encoding="utf-8").splitlines()]
    text = record["document"]["text"]
    spans = {s["id"]: s for s in record["gold"]["spans"]}
    rels = {
        (
            (spans[r["head"]]["start"], spans[r["head"]]["end"]),
            (spans[r["tail"]]["start"], spans[r["tail"]]["end"]),
            r["label"],
        )
        for r in record["gold"]["relations"]
    }
    m = missed[0]
    assert ((m["head"]["start"], m["head"]["end"]), (m["tail"]["start"], m["tail"]["end"]), m["suggestion"]) in rels
    assert all(text[s["start"] : s["end"]] for s in spans.values())
    outputs = [qa.output, pushed.output, again.output, pulled.output, imported.output, made.output]
    assert all(ADMIN_TOKEN not in o for o in outputs)
