"""The ML backend's HTTP protocol, confidence scores and training jobs (Starlette's test client; no server)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import idner_release
from toolkit.backend.app import Backend, make_app
from toolkit.backend.served import ServedModel, describe_model, load_model, train_model
from toolkit.backend.training import TrainingSetup
from toolkit.dataset.load import load_release
from toolkit.model import Document
from toolkit.schema import Schema

TEXTS = [
    "Presiden Joko Widodo bertemu pengurus Partai Golkar di Jakarta , Senin .",
    "Warga 😀🎉 menyambut Presiden Joko Widodo di Jakarta .",
    "Menteri Retno Marsudi tiba di Jenewa ,\r\nSwiss pada Senin .",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> ServedModel:
    rel = load_release(idner_release(tmp_path_factory.mktemp("backend"), (200, 50, 20)))
    return train_model(
        rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, "crf@test", {"dataset": rel.name}
    )


def _client(
    served: ServedModel, schema: Schema, tmp: Path, setup: TrainingSetup | None = None, every: int = 2
) -> tuple[TestClient, Backend]:
    backend = Backend(served, schema, setup, every, tmp)
    return TestClient(make_app(backend)), backend


def test_health_and_setup_answer_with_the_model_version(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    client, _ = _client(served, schema, tmp_path)
    health = client.get("/health").json()
    assert health["status"] == "UP" and health["model_version"] == "crf@test"
    assert health["describes"] == describe_model(served, schema)  # what ls connect puts in the instructions
    assert health["describes"][0].startswith("model crf@test proposes:")
    assert client.get("/").json()["status"] == "UP"
    assert client.post("/setup", json={"project": "1.1700000000", "schema": "<View/>"}).json() == {
        "model_version": "crf@test"
    }


def test_predict_gives_one_prediction_per_task_in_order_with_code_point_offsets(
    served: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    client, _ = _client(served, schema, tmp_path)
    tasks = [{"id": 10 + k, "data": {"text": t}} for k, t in enumerate(TEXTS)]
    body = client.post("/predict", json={"tasks": tasks, "project": "1.1", "label_config": "", "params": {}}).json()
    assert body["model_version"] == "crf@test"
    assert len(body["results"]) == len(TEXTS)
    for text, pred in zip(TEXTS, body["results"], strict=True):
        assert pred["model_version"] == "crf@test"
        regions = [r for r in pred["result"] if r["type"] == "labels"]
        assert regions, f"no entity found in {text!r}"
        for r in regions:
            v = r["value"]
            assert text[v["start"] : v["end"]] == v["text"]
            assert "\n" not in v["text"] and v["labels"][0] in schema.entity_labels
            assert pred["score"] <= r["score"] <= 1.0
        # the task score is the least token confidence, as the CRF's marginals give it
        _, tags, probs = served.crf.marginals(Document("x", text))
        assert pred["score"] == round(min(p[t] for p, t in zip(probs, tags, strict=True)), 6)
    emoji = body["results"][1]["result"]
    assert any(r["value"]["text"] == "Joko Widodo" for r in emoji if r["type"] == "labels")


def test_no_region_runs_across_a_line_break(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    """The CRF tags a document as one sequence; it continued "Joko" over a CRLF into "Widodo" (a region the
    import then refused as crossing a line break, and `ls push --predictions` as well)."""
    client, _ = _client(served, schema, tmp_path)
    texts = ["Presiden Joko\r\nWidodo di Jakarta .", "Menteri Retno\nMarsudi tiba di Jenewa ,\n\nSwiss ."]
    tasks = [{"id": k, "data": {"text": t}} for k, t in enumerate(texts)]
    body = client.post("/predict", json={"tasks": tasks, "project": "1.1", "label_config": "", "params": {}}).json()
    regions = [r["value"]["text"] for pred in body["results"] for r in pred["result"] if r["type"] == "labels"]
    assert regions and not [r for r in regions if "\n" in r]
    assert {"Joko", "Widodo"} <= set(regions)


def test_bad_requests_are_400_with_a_reason(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    client, _ = _client(served, schema, tmp_path)
    assert client.post("/predict", content=b"not json").status_code == 400
    r = client.post("/predict", json={"nothing": []})
    assert r.status_code == 400 and "tasks" in r.json()["error"]
    r = client.post("/predict", json={"tasks": [{"id": 7, "data": {"n": 1}}]})
    assert r.status_code == 400 and r.json()["error"] == "task 7: no text in data.text"
    r = client.post("/predict", json={"tasks": [{"id": 7, "data": {"body": "Joko Widodo", "n": 1}}]})
    assert r.status_code == 400 and r.json()["error"] == (
        "task 7: no text in data.text (the schema's text field; the task has data.body): serve the project's own "
        "schema (`toolkit schema from-ls-config` makes it from the project's config)"
    )
    assert client.post("/webhook", json={"no": "action"}).status_code == 400


def test_webhooks_count_submitted_annotations_only(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    client, _ = _client(served, schema, tmp_path, every=2)
    cancelled = client.post(
        "/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"id": 1, "was_cancelled": True}}
    )
    assert cancelled.status_code == 201 and cancelled.json()["status"] == "ignored"
    assert client.post("/webhook", json={"action": "PROJECT_UPDATED"}).json()["status"] == "ignored"
    one = client.post(
        "/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"id": 2, "was_cancelled": False}}
    ).json()
    assert one == {"status": "counted", "pending": 1, "retrain_every": 2}
    two = client.post(
        "/webhook", json={"action": "ANNOTATION_UPDATED", "annotation": {"id": 2, "was_cancelled": False}}
    ).json()
    assert two["status"] == "training" and two["started"] is False and "no Label Studio connection" in two["reason"]
    status = client.get("/health").json()
    assert status["ignored_events"] == {"cancelled": 1, "PROJECT_UPDATED": 1}


@pytest.mark.slow
def test_a_failed_training_keeps_the_previous_model_and_says_why(
    served: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    setup = TrainingSetup(str(Path("schemas/schema.yaml").resolve()), None, None, "http://127.0.0.1:9", "key", "nope")
    client, backend = _client(served, schema, tmp_path, setup=setup, every=1)
    started = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"id": 1}}).json()
    assert started["status"] == "training" and started["started"] is True and started["version"] == "crf@test+ls1"
    deadline = time.time() + 120
    while backend.training and time.time() < deadline:
        assert (
            client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": TEXTS[0]}}]}).json()["model_version"]
            == "crf@test"
        )
        time.sleep(0.2)
    (record,) = client.get("/health").json()["trainings"]
    assert record["state"] == "failed" and "127.0.0.1:9" in record["error"]
    assert client.get("/health").json()["model_version"] == "crf@test"


def test_saved_models_predict_the_same(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    served.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.version == served.version and again.trained_on == served.trained_on
    for text in TEXTS:
        assert again.predict(Document("d", text), schema) == served.predict(Document("d", text), schema)


def test_relations_are_served_between_the_predicted_regions(schema: Schema, tmp_path: Path) -> None:
    """Trained on the seed's gold (21 relations), the backend predicts relations with their probabilities."""
    from toolkit.annotations.gold import write_gold
    from toolkit.annotations.importer import import_export
    from toolkit.model import layer_from_dict

    snapshot = (
        Path(__file__).resolve().parents[2]
        / "annotations"
        / "snapshots"
        / "id-news-er-seed-p2-20261128T143348.429Z.json"
    )
    report = import_export(snapshot, schema, out_dir=tmp_path / "layers")
    gold = write_gold(Path(str(report.output)), tmp_path / "gold", schema_path=Path("schemas/schema.yaml"))
    rec = json.loads(Path(gold.output).read_text(encoding="utf-8").splitlines()[0])
    doc = Document(rec["document"]["id"], rec["document"]["text"])
    model = train_model([(doc, layer_from_dict(rec["gold"]))], [], schema, None, "crf+pair-classifier@seed", {})
    assert model.relations is not None
    pred = model.predict(doc, schema)
    regions = {r["id"]: r for r in pred["result"] if r["type"] == "labels"}
    relations = [r for r in pred["result"] if r["type"] == "relation"]
    assert relations, "a model trained on the seed's relations predicts some on the seed"
    for r in relations:
        head, tail = regions[r["from_id"]], regions[r["to_id"]]
        rel = schema.relation(r["labels"][0])
        assert rel.allows(head["value"]["labels"][0], tail["value"]["labels"][0])
        assert r["direction"] == ("right" if rel.directed else "bi") and 0 < r["score"] <= 1


def test_hostile_requests_are_refused_with_a_reason_never_a_traceback(
    served: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    backend = Backend(served, schema, None, 2, tmp_path)
    client = TestClient(make_app(backend, max_body=4096), raise_server_exceptions=False)
    big = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": "x " * 5000}}]})
    assert big.status_code == 413 and "over the limit of 4,096 bytes" in big.json()["error"]

    def chunks() -> object:  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b" " * 1000

    streamed = client.post("/predict", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    deep = client.post("/predict", content=b"[" * 100_000 + b"]" * 100_000)
    assert deep.status_code in (400, 413)
    deep_small = TestClient(make_app(backend), raise_server_exceptions=False).post(
        "/predict", content=b'{"tasks": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    )
    assert deep_small.status_code == 400 and "nested too deep" in deep_small.json()["error"]
    lone = client.post("/predict", content=b'{"tasks": [{"id": 3, "data": {"text": "Joko \\ud800 Widodo"}}]}')
    assert lone.status_code == 400 and lone.json()["error"].startswith("task 3: data.text holds a lone surrogate")
    cancel = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "annotation": {"was_cancelled": "false"}})
    assert cancel.status_code == 400 and "was_cancelled is str 'false', not a JSON boolean" in cancel.json()["error"]
    assert backend.pending == 0 and backend.ignored == {}
    for response in (big, streamed, deep, deep_small, lone, cancel):
        assert "Traceback" not in response.text


def test_a_slow_prediction_answers_504_and_the_backend_keeps_serving(
    served: ServedModel, schema: Schema, tmp_path: Path
) -> None:
    backend = Backend(served, schema, None, 2, tmp_path)
    client = TestClient(make_app(backend, timeout=0.2))
    long_text = " ".join(TEXTS) * 400
    slow = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": long_text}}]})
    assert slow.status_code == 504 and "took longer than 0.2 s" in slow.json()["error"]
    assert client.get("/health").status_code == 200
    client = TestClient(make_app(backend, timeout=120))  # the worker was replaced: the next prediction runs
    again = client.post("/predict", json={"tasks": [{"id": 2, "data": {"text": TEXTS[0]}}]})
    assert again.status_code == 200 and len(again.json()["results"]) == 1


def test_health_answers_while_a_long_text_is_predicted(served: ServedModel, schema: Schema, tmp_path: Path) -> None:
    """On a real server (uvicorn): /health is answered before a long /predict started earlier finishes."""
    import threading

    import httpx
    import uvicorn

    from toolkit.labelstudio.server import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            make_app(Backend(served, schema, None, 2, tmp_path)), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        done: list[float] = []
        long_text = " ".join(TEXTS) * 2000  # about 280,000 characters

        def predict() -> None:
            httpx.post(f"{url}/predict", json={"tasks": [{"id": 1, "data": {"text": long_text}}]}, timeout=300)
            done.append(time.monotonic())

        worker = threading.Thread(target=predict)
        worker.start()
        time.sleep(0.3)  # the prediction is under way
        answered = []
        for _ in range(5):
            assert httpx.get(f"{url}/health", timeout=30).status_code == 200
            answered.append(time.monotonic())
        worker.join()
        assert done and all(t < done[0] for t in answered), "health waited for the prediction"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
