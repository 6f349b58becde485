from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from toolkit.labelstudio.tasks import build_tasks, text_sha256, write_tasks
from toolkit.model import Document
from toolkit.seeds import ARTICLES_FILE, load_articles


def test_seed_task_file_matches_golden(tmp_path: Path) -> None:
    docs = load_articles(REPO / "seeds" / ARTICLES_FILE)
    report = write_tasks(docs, tmp_path / "tasks.json")
    assert report.tasks == 1
    golden = REPO / "tests" / "golden" / "seed_tasks.json"
    assert (tmp_path / "tasks.json").read_bytes() == golden.read_bytes()


def test_task_shape_is_what_label_studio_imports() -> None:
    docs = [
        Document("b2", "Teks kedua 😀", {"outlet": None}),
        Document("a1", "Teks\r\npertama", {"date": "2017-11-08"}),
    ]
    tasks = build_tasks(docs)
    assert isinstance(tasks, list) and [t["data"]["article_id"] for t in tasks] == ["a1", "b2"]
    for task, doc in zip(tasks, sorted(docs, key=lambda d: d.id), strict=True):
        assert set(task) == {"data"}
        data = task["data"]
        assert data["text"] == doc.text  # the $text of the generated config, unchanged
        assert data["text_sha256"] == text_sha256(doc.text)
        assert all(isinstance(v, str | type(None)) for v in data.values())
    json.dumps(tasks)  # JSON-serialisable as is


def test_the_text_goes_under_the_data_field_the_schemas_config_shows(tmp_path: Path) -> None:
    """A schema made from a config with `<Text value="$body">`: its tasks carry the text as `body`, or the
    labelling page would show nothing and the import would find no text."""
    doc = Document("a1", "Joko Widodo di Jakarta.", {})
    (task,) = build_tasks([doc], "body")
    assert task["data"]["body"] == doc.text and "text" not in task["data"]
    report = write_tasks([doc], tmp_path / "tasks.json", "body")
    assert report.characters == len(doc.text)
    assert json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))[0]["data"]["body"] == doc.text
