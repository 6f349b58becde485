"""Label Studio's ML backend protocol over HTTP (Starlette): health, setup, predict, webhook, train.

Shapes are those Label Studio 1.23.2 sends and reads (``label_studio/ml/api_connector.py`` and
``ml/models.py`` of the server; the reference backend is ``label_studio_ml/api.py``):

- ``GET /health`` (and ``GET /``): ``{"status": "UP", "model_version": v, ...}``;
- ``POST /setup`` ``{"project": "<id>.<created>", "schema": <label config>, ...}``: ``{"model_version": v}``;
- ``POST /predict`` ``{"tasks": [{"id", "data": {...}}, ...], "project", "label_config", "params"}``:
  ``{"results": [{"result": [...], "score": s, "model_version": v}, ...], "model_version": v}``, one per task,
  in task order;
- ``POST /webhook`` ``{"action": "ANNOTATION_CREATED" | "ANNOTATION_UPDATED" | "START_TRAINING", ...}``;
- ``POST /train`` (Label Studio's "Start training"): a retrain, as ``START_TRAINING``.

Retraining (see :mod:`toolkit.backend.training`) starts after every ``retrain_every`` submitted
annotations the webhooks report (cancelled ones are not counted), in a spawned process; ``/predict``
answers with the previous model until the new one is loaded; a failed job keeps the previous model
and logs why.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import shutil
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from toolkit.backend.served import ServedModel, load_model
from toolkit.backend.training import TrainingSetup, retrain
from toolkit.errors import ToolkitError
from toolkit.model import Document
from toolkit.schema import Schema

log = logging.getLogger("toolkit.backend")
COUNTED = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED")


class Backend:
    """The state behind the routes: the current model, the annotation count and the training jobs."""

    def __init__(
        self, model: ServedModel, schema: Schema, setup: TrainingSetup | None, retrain_every: int, work_dir: Path
    ) -> None:
        self._model = model
        self.schema = schema
        self.setup = setup
        self.retrain_every = max(1, retrain_every)
        self.work_dir = Path(work_dir)
        self.base_version = model.version
        self.pending = 0
        self.ignored: dict[str, int] = {}
        self.trainings: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._job: Future[dict[str, Any]] | None = None
        self._again = False
        self._pool: ProcessPoolExecutor | None = None

    @property
    def model(self) -> ServedModel:
        with self._lock:
            return self._model

    @property
    def training(self) -> bool:
        return self._job is not None and not self._job.done()

    def predict(self, tasks: list[Any]) -> list[dict[str, Any]]:
        model, field = self.model, self.schema.label_studio.text_field
        out = []
        for n, task in enumerate(tasks):
            data = task.get("data") if isinstance(task, dict) else None
            text = data.get(field) if isinstance(data, dict) else None
            if not isinstance(text, str):
                tid = task.get("id") if isinstance(task, dict) else None
                raise ToolkitError(f"task {tid if tid is not None else f'#{n}'}: no text in data.{field}")
            doc_id = str(task.get("id", n)) if isinstance(task, dict) else str(n)
            out.append(model.predict(Document(doc_id or str(n), text), self.schema))
        return out

    def event(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action in COUNTED:
            annotation = payload.get("annotation") or {}
            if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
                self.ignored["cancelled"] = self.ignored.get("cancelled", 0) + 1
                return {"status": "ignored", "reason": "a cancelled (skipped) annotation is never training data"}
            self.pending += 1
            if self.pending >= self.retrain_every:
                return {"status": "training", **self.start_training(f"{self.pending} new annotation(s)")}
            return {"status": "counted", "pending": self.pending, "retrain_every": self.retrain_every}
        if action == "START_TRAINING":
            return {"status": "training", **self.start_training("START_TRAINING")}
        self.ignored[action] = self.ignored.get(action, 0) + 1
        return {"status": "ignored", "reason": f"action {action!r} does not start training"}

    def start_training(self, why: str) -> dict[str, Any]:
        if self.setup is None:
            log.warning("cannot retrain (%s): set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY for the backend", why)
            return {"started": False, "reason": "no Label Studio connection configured"}
        with self._lock:
            if self.training:
                self._again = True
                return {"started": False, "reason": "a training job is running; another follows it"}
            self.pending = 0
            n = len(self.trainings) + 1
            version = f"{self.base_version}+ls{n}"
            out = self.work_dir / f"model-{n}"
            shutil.rmtree(out, ignore_errors=True)
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            record: dict[str, Any] = {"version": version, "why": why, "started": time.time(), "state": "running"}
            self.trainings.append(record)
            job = self._pool.submit(retrain, self.setup, str(out), version)
            self._job = job
        log.info("training %s started (%s)", version, why)
        job.add_done_callback(lambda fut: self._finished(fut, record, out))
        return {"started": True, "version": version}

    def _finished(self, fut: Future[dict[str, Any]], record: dict[str, Any], out: Path) -> None:
        record["seconds"] = round(time.time() - record["started"], 2)
        try:
            summary = fut.result()
            model = load_model(out)
        except Exception as exc:  # any failure of the job: keep the previous model, and the log says why
            record.update(state="failed", error=f"{type(exc).__name__}: {exc}")
            log.error(
                "training %s failed after %.1f s, keeping %s: %s",
                record["version"],
                record["seconds"],
                self.model.version,
                record["error"],
            )
        else:
            with self._lock:
                self._model = model
            record.update(state="done", **{k: v for k, v in summary.items() if k != "version"})
            log.info("training %s done in %.1f s; now serving it", record["version"], record["seconds"])
        again, self._again = self._again, False
        if again:
            self.start_training("annotations arrived during the last training")

    def status(self) -> dict[str, Any]:
        return {
            "status": "UP",
            "model_class": "toolkit",
            "model_version": self.model.version,
            "trained_on": self.model.trained_on,
            "training": self.training,
            "pending_annotations": self.pending,
            "retrain_every": self.retrain_every,
            "trainings": [{k: v for k, v in t.items() if k != "started"} for t in self.trainings],
            "ignored_events": dict(self.ignored),
        }

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ToolkitError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise ToolkitError("the request body must be a JSON object")
    return body


def make_app(backend: Backend) -> Starlette:
    async def health(request: Request) -> JSONResponse:
        return JSONResponse(backend.status())

    async def setup(request: Request) -> JSONResponse:
        await _json(request)
        return JSONResponse({"model_version": backend.model.version})

    async def predict(request: Request) -> JSONResponse:
        body = await _json(request)
        tasks = body.get("tasks")
        if not isinstance(tasks, list):
            raise ToolkitError("predict needs {'tasks': [...]}")
        results = backend.predict(tasks)
        return JSONResponse({"results": results, "model_version": backend.model.version})

    async def webhook(request: Request) -> JSONResponse:
        body = await _json(request)
        action = body.get("action")
        if not isinstance(action, str):
            raise ToolkitError("a webhook needs an 'action'")
        return JSONResponse(backend.event(action, body), status_code=201)

    async def train(request: Request) -> JSONResponse:
        await _json(request)
        return JSONResponse(backend.start_training("POST /train"), status_code=201)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        backend.close()

    async def bad_request(request: Request, exc: Exception) -> JSONResponse:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"error": str(exc)}, status_code=400)

    return Starlette(
        routes=[
            Route("/", health, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Route("/setup", setup, methods=["POST"]),
            Route("/predict", predict, methods=["POST"]),
            Route("/webhook", webhook, methods=["POST"]),
            Route("/train", train, methods=["POST"]),
        ],
        exception_handlers={ToolkitError: bad_request},
        lifespan=lifespan,
    )
