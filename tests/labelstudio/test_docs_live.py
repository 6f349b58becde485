"""The documentation's Label Studio blocks, run by bash against a real server: the annotators' page in a copy of this
repository, with the server's address and key put where the page writes `http://127.0.0.1:8080` and `...`; the
project managers' "Bring your own" block in a project of one's own, on a real export of a project the toolkit never
pushed."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import IDNER, REPO, doc_block, project_copy, run_bash
from tests.labelstudio.conftest import LiveServer, on_server, sign_up
from toolkit.annotations.gold_records import read_gold_records
from toolkit.cli import main
from toolkit.formats.conll import read_corpus
from toolkit.labelstudio.client import connect

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
PAGE = REPO / "docs" / "annotators.md"


def test_the_annotators_push_and_pull_blocks_run_as_written(
    live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_copy(tmp_path, monkeypatch, ("schemas", "seeds", "annotations"))
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)  # the page's `.venv/bin/toolkit`, as in a clone
    runner = CliRunner()  # the predictions the block attaches: the rule baseline's, on the seed articles
    snapshot = next(p for p in Path("annotations/snapshots").glob("*.json") if p.name != "index.json")
    assert runner.invoke(main, ["annotations", "import", str(snapshot)]).exit_code == 0
    assert runner.invoke(main, ["annotations", "gold", f"annotations/layers/{snapshot.stem}.jsonl"]).exit_code == 0
    made = runner.invoke(main, ["dataset", "release", "--version", "0.2.0", "--ratios", "0,0,1"])
    assert made.exit_code == 0, made.output
    release, articles = "releases/id-news-er/0.2.0", "seeds/articles.jsonl"
    predicted = runner.invoke(
        main,
        [
            "predict",
            "rules",
            "--release",
            release,
            "--split",
            "articles",
            "--articles",
            articles,
            "--out",
            "preds.jsonl",
        ],
    )
    assert predicted.exit_code == 0, predicted.output

    pushed = run_bash(on_server(doc_block(PAGE, "ls push --predictions preds.jsonl"), live), tmp_path, KEY=live.token)
    assert "'id-news-er' (created)" in pushed and "predictions: 1 attached" in pushed
    assert live.token not in pushed
    project = next(p for p in connect(live.url, live.token).client.projects.list() if p.title == "id-news-er")
    assert len(list(connect(live.url, live.token).client.tasks.list(project=project.id))) == 1

    # the pull block, with the address and key of the push block's `export` lines in the environment
    pulled = run_bash(
        doc_block(PAGE, ".venv/bin/toolkit ls pull"),
        tmp_path,
        LABEL_STUDIO_URL=live.url,
        LABEL_STUDIO_API_KEY=live.token,
    )
    first = pulled.splitlines()[0]
    assert first.startswith("annotations/snapshots/id-news-er-p") and first.endswith(".json")
    assert "1 tasks, 0 annotations, 0 cancelled, 0 annotators, 1 predictions, 0 drafts" in pulled
    index = json.loads((tmp_path / "annotations" / "snapshots" / "index.json").read_text(encoding="utf-8"))
    assert any(e["file"] == Path(first).name for e in index["snapshots"])


OWN_CONFIG = """<View>
  <Relations>
    <Relation value="works_for"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="Person"/>
    <Label value="Organisation"/>
    <Label value="Company"/>
    <Label value="Location"/>
    <Label value="Misc"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>
"""


def _idner_sentences(count: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The first ``count`` sentences of idner-news-2k's test file with two or more entities: the text and its
    entities as (start, end, PER/ORG/LOC)."""
    found = []
    for doc, gold in read_corpus(IDNER / "test.txt", split="test"):
        if len(gold.spans) >= 2:
            found.append((doc.text, [(s.start, s.end, s.label) for s in gold.spans]))
        if len(found) == count:
            return found
    raise AssertionError("idner-news-2k's test file has too few sentences with two entities")


def test_the_bring_your_own_project_block_runs_as_written_on_a_real_export(live: LiveServer, tmp_path: Path) -> None:
    """A Label Studio project the toolkit never pushed (its own config and label names, texts not in any seed store),
    annotated by two people who signed up, exported through the export API; the project managers' "Bring your own"
    block then runs as written in a project made by `toolkit init`: the merged label is counted under the schema's
    type, the dropped one counted, and the release, its benchmark and the Hub check hold no annotator's e-mail."""
    sentences = _idner_sentences(60)
    names = {"PER": "Person", "ORG": "Organisation", "LOC": "Location"}
    admin = {"Authorization": f"Token {live.token}"}
    with httpx.Client(base_url=live.url, headers=admin, timeout=60) as c:
        project = c.post("/api/projects/", json={"title": "their own", "label_config": OWN_CONFIG}).json()
        imported = c.post(f"/api/projects/{project['id']}/import", json=[{"text": t} for t, _ in sentences])
        assert imported.status_code == 201, imported.text[:300]
    people = [sign_up(live.url, f"own{n}@example.org", f"pass-{n}-own-2026") for n in range(2)]
    companies = misc = 0
    for n, person in enumerate(people):
        with httpx.Client(base_url=live.url, headers={"Authorization": f"Token {person.token}"}, timeout=60) as c:
            tasks = c.get("/api/tasks/", params={"project": project["id"], "fields": "all"}).json()["tasks"]
            assert len(tasks) == len(sentences)
            for task in tasks:
                text = task["data"]["text"]
                number, spans = next((i, s) for i, (t, s) in enumerate(sentences) if t == text)
                if n and number % 4 == 0:
                    spans = spans[:-1]  # the second annotator misses one mention in every fourth sentence
                result = []
                for k, (start, end, tag) in enumerate(spans):
                    label = "Company" if tag == "ORG" and number % 3 == 0 else names[tag]
                    companies += label == "Company" and not n
                    value = {"start": start, "end": end, "text": text[start:end], "labels": [label]}
                    result.append(
                        {"id": f"r{k}", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
                    )
                if number % 5 == 0:  # a Misc region on the first word, where no entity starts
                    first = text.split(" ", 1)[0]
                    if all(start > 0 for start, _, _ in spans):
                        misc += not n
                        value = {"start": 0, "end": len(first), "text": first, "labels": ["Misc"]}
                        result.append(
                            {"id": "m", "from_name": "label", "to_name": "text", "type": "labels", "value": value}
                        )
                made = c.post(f"/api/tasks/{task['id']}/annotations/", json={"result": result})
                assert made.status_code == 201, made.text[:300]
    assert companies and misc  # the sentences give both a merged and a dropped label
    with httpx.Client(base_url=live.url, headers=admin, timeout=60) as c:
        config = c.get(f"/api/projects/{project['id']}").json()["label_config"]
        export = c.get(f"/api/projects/{project['id']}/export", params={"exportType": "JSON"})
        assert export.status_code == 200

    made = run_bash("toolkit init my-project --language id\n", tmp_path)
    assert "made project my-project" in made
    root = tmp_path / "my-project"
    (root / "config.xml").write_text(config, encoding="utf-8")
    (root / "export.json").write_bytes(export.content)
    out = run_bash(doc_block(REPO / "docs" / "project-managers.md", "schema from-ls-config config.xml"), root)
    assert "Traceback" not in out
    assert f"region label 'Misc' dropped by --label-map: {2 * misc}" in out  # both annotators' Misc, counted
    release = root / "releases" / "my-project" / "1.0.0"
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "my-project" in card and "schema my-project 1.0.0" in card
    gold = list(read_gold_records(root / "annotations" / "gold" / "export.jsonl"))
    labels = [span.label for record in gold for span in record.gold.spans]
    assert set(labels) == {"Person", "Organisation", "Location"}  # Company merged into Organisation, Misc dropped
    organisations = [
        t == "ORG" for n, (_, spans) in enumerate(sentences) for _, _, t in spans[: -1 if n % 4 == 0 else None]
    ]
    assert sum(organisations) <= labels.count("Organisation")  # every ORG both annotators marked, Company or not
    published = b"".join(p.read_bytes() for p in (root / "releases").rglob("*") if p.is_file())
    published += b"".join(p.read_bytes() for p in (root / "benchmarks").rglob("*") if p.is_file()) + out.encode()
    assert all(p.email.encode() not in published for p in people)
    assert "## my-project 1.0.0" in (root / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert "files verified; would" in out


def test_the_readmes_project_manager_block_runs_whole_against_a_server(live: LiveServer, tmp_path: Path) -> None:
    """The README's project-manager block pasted whole in a clone, with pages in ~/pages and a server in the
    environment: a project of one's own, its pages ingested, pushed (the id recorded) and the campaign shown."""
    (tmp_path / "home" / "pages").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "golden" / "pages" / "suara-article.html", tmp_path / "home" / "pages")
    (tmp_path / "clone").mkdir()
    script = doc_block(REPO / "README.md", "toolkit init ../my-project")
    assert script.rstrip().endswith("toolkit ls campaign --k 2 --overlap 30 --dry-run")
    env = {"HOME": str(tmp_path / "home"), "LABEL_STUDIO_URL": live.url, "LABEL_STUDIO_API_KEY": live.token}
    before, campaign = script.split("# once your annotators have signed up")
    out = run_bash(before, tmp_path / "clone", **env)
    assert "'my-project' (created)" in out and "tasks: 1 imported" in out and live.token not in out
    people = [sign_up(live.url, f"quick{n}@example.org", f"pass-{n}-quick-2026") for n in range(2)]
    shown = run_bash("cd ../my-project\n" + campaign.split("\n", 1)[1], tmp_path / "clone", **env)
    assert all(f"user:{p.user_id}" in shown for p in people) and all(p.email not in shown for p in people), shown
    assert "(would change)" in shown and "(created when applied)" in shown, shown  # shown, not applied
    recorded = (tmp_path / "my-project" / "toolkit.yaml").read_text(encoding="utf-8")
    assert "label_studio_project_id: null" not in recorded
    assert not list((tmp_path / "clone").iterdir())
