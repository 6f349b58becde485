"""Annotate the seed article through a real Label Studio server, then pull the snapshot.

Usage (from the repository root):
    .venv/bin/python annotations/seed_gold/annotate.py

With LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY set it uses that server; otherwise it starts a
fresh local one (in a temporary folder) and stops it at the end. The annotation itself is
seed_annotation.yaml beside this file; every mention is checked against the article text and
the schema before anything is sent.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import yaml

from toolkit.annotations.results import layer_to_result
from toolkit.labelstudio import server as ls_server
from toolkit.labelstudio.client import call, connect
from toolkit.labelstudio.pull import pull
from toolkit.labelstudio.push import push
from toolkit.model import Layer, Provenance, Relation, Span
from toolkit.schema import load_schema
from toolkit.seeds import ARTICLES_FILE, load_articles

ROOT = Path(__file__).resolve().parents[2]
TITLE = "id-news-er seed"
# Login of the throwaway local server main() starts (user 1): Label Studio wants an e-mail address, so a random,
# one-off one names no one; it stays in that server, never in the export's layers or the snapshot.
LOGIN = secrets.token_hex(8) + "@example.invalid"


def build_layer() -> tuple[Layer, str]:
    spec = yaml.safe_load((Path(__file__).parent / "seed_annotation.yaml").read_text(encoding="utf-8"))
    schema = load_schema(ROOT / "schemas" / "schema.yaml")
    docs = {d.id: d for d in load_articles(ROOT / "seeds" / ARTICLES_FILE)}
    text = docs[spec["article_id"]].text
    spans = []
    for sid, label, mention, anchor in spec["spans"]:
        if text.count(anchor) != 1:
            sys.exit(f"{sid}: anchor {anchor!r} occurs {text.count(anchor)} times; make it unique")
        if label not in schema.entity_labels:
            sys.exit(f"{sid}: label {label!r} is not in the schema")
        start = text.index(anchor) + anchor.index(mention)
        spans.append(Span(sid, start, start + len(mention), label))
    for a in spans:
        for b in spans:
            if a.start < b.start < a.end < b.end:
                sys.exit(f"{a.id} and {b.id} cross; nesting is allowed, crossing is not")
    by_id = {s.id: s for s in spans}
    relations = []
    for i, (head, tail, label) in enumerate(spec["relations"], 1):
        if not schema.relation(label).allows(by_id[head].label, by_id[tail].label):
            sys.exit(f"relation {head} -{label}-> {tail}: types {by_id[head].label}/{by_id[tail].label} not allowed")
        relations.append(Relation(f"r{i}", head, tail, label))
    layer = Layer(spec["article_id"], spec["annotator"], "", tuple(spans), tuple(relations), Provenance("seed"))
    return layer, text


def annotate(url: str, key: str) -> None:
    layer, text = build_layer()
    schema = load_schema(ROOT / "schemas" / "schema.yaml")
    docs = load_articles(ROOT / "seeds" / ARTICLES_FILE)
    conn = connect(url, key)
    report = push(conn, schema, docs, title=TITLE)
    print(f"pushed to project {report.project_id}: {report.tasks_imported} task(s) imported")
    me = call(conn, "who am I", conn.client.users.whoami)
    (task,) = [
        t for t in conn.client.tasks.list(project=report.project_id) if t.data["article_id"] == layer.document_id
    ]
    result = layer_to_result(layer, text, schema)
    call(
        conn,
        "annotate",
        conn.client.annotations.create,
        id=task.id,
        result=result,
        completed_by=me.id,
        lead_time=1800.0,
    )
    print(f"annotated task {task.id}: {len(layer.spans)} spans, {len(layer.relations)} relations")
    entry = pull(conn, title=TITLE, out_dir=ROOT / "annotations" / "snapshots")
    print(f"snapshot {entry.file} sha256 {entry.sha256} counts {entry.counts}")


def main() -> None:
    if os.environ.get("LABEL_STUDIO_URL") and os.environ.get("LABEL_STUDIO_API_KEY"):
        annotate(os.environ["LABEL_STUDIO_URL"], os.environ["LABEL_STUDIO_API_KEY"])
        return
    key = secrets.token_hex(20)
    creds = {
        "LABEL_STUDIO_USERNAME": LOGIN,
        "LABEL_STUDIO_PASSWORD": secrets.token_urlsafe(16),
        "LABEL_STUDIO_USER_TOKEN": key,
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        ls_server.init_data_dir(data, creds)
        srv = ls_server.Server(data, ls_server.free_port(), creds)
        try:
            srv.start()
            annotate(srv.url, key)
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
