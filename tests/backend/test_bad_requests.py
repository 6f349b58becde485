"""The backend's part of the bad-input corpus (tests/bad_inputs/backend.json): every malformed request gets its 4xx
status and a reason in JSON, never a traceback, and the backend keeps answering."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import REPO, idner_release
from toolkit.backend.app import Backend, make_app
from toolkit.backend.served import train_model
from toolkit.dataset.load import load_release
from toolkit.schema import Schema

HERE = REPO / "tests" / "bad_inputs"
REQUESTS: list[dict[str, Any]] = json.loads((HERE / "backend.json").read_text(encoding="utf-8"))
MAX_BODY = 16_384  # small, so that one request of the corpus is over it


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, schema: Schema) -> TestClient:
    tmp = tmp_path_factory.mktemp("bad-requests")
    rel = load_release(idner_release(tmp, (60, 20, 10)))
    served = train_model(
        rel.splits["train"], rel.splits["validation"], schema, rel.label_rule, "crf@bad", {"dataset": rel.name}
    )
    return TestClient(make_app(Backend(served, schema, None, 2, tmp), max_body=MAX_BODY), raise_server_exceptions=False)


@pytest.mark.parametrize("case", REQUESTS, ids=[c["file"] for c in REQUESTS])
def test_bad_request(case: dict[str, Any], client: TestClient) -> None:
    body = (HERE / case["file"]).read_bytes()
    response = client.post(case["route"], content=body, headers={"content-type": "application/json"})
    assert response.status_code == case["status"], response.text
    assert "Traceback" not in response.text
    reason = response.json()["error"]
    assert isinstance(reason, str) and len(reason) > 10
    assert client.get("/health").json()["status"] == "UP"


def test_every_request_of_the_corpus_is_a_file() -> None:
    assert len(REQUESTS) >= 15 and all((HERE / c["file"]).is_file() for c in REQUESTS)
