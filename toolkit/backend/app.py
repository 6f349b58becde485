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

Under load: a request body larger than ``max_body`` bytes is refused (413) before it is read whole;
predictions run one at a time in a worker process (:class:`Predictor`; crfsuite holds the interpreter lock
while it tags, 1.8 s for a 1.2 MB text, so a thread would stall the server), so ``/health`` and the
webhooks answer while a long text is tagged; a prediction that takes longer than ``timeout`` seconds
answers 504 and its worker is replaced, so the next request does not wait for it. Malformed requests
(not JSON, nested too deep, a text with a lone surrogate, a ``was_cancelled`` that is not a boolean)
answer 400 with the reason; anything unexpected 500 with one line, never a traceback (the log has it).
"""

from __future__ import annotations

import asyncio
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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolkit.backend.served import ServedModel, describe_model, load_model
from toolkit.backend.training import TrainingSetup, retrain
from toolkit.errors import ToolkitError
from toolkit.model import Document
from toolkit.schema import Schema

log = logging.getLogger("toolkit.backend")
COUNTED = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED")
MAX_BODY = 20 * 2**20
"""Default limit of a request body (bytes): Label Studio sends a few tasks per /predict."""
PREDICT_TIMEOUT = 60.0
"""Default seconds a /predict may take before it answers 504."""


class RequestTooLarge(ToolkitError):
    """A request body over the backend's limit (413)."""


class PredictTimeout(ToolkitError):
    """A prediction over the backend's time limit (504)."""


_WORKER_MODELS: dict[str, ServedModel] = {}
"""The models a prediction worker has loaded (by folder): the current one, kept between requests."""


def _predict_in_worker(model_dir: str, schema: Schema, items: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """In the worker process: the model of ``model_dir`` (loaded once) predicts each ``(id, text)``."""
    model = _WORKER_MODELS.get(model_dir)
    if model is None:
        _WORKER_MODELS.clear()  # a retrained model replaces the previous one
        model = _WORKER_MODELS[model_dir] = load_model(Path(model_dir))
    return [model.predict(Document(doc_id, text), schema) for doc_id, text in items]


def stop_pool(pool: ProcessPoolExecutor, grace: float) -> None:
    """Shut ``pool`` down: its workers exit by themselves when idle or done within ``grace`` seconds, and are
    terminated by pid past it (the executor has no public way to stop a running task)."""
    workers = list(getattr(pool, "_processes", {}).values())
    stopping = threading.Thread(target=pool.shutdown, kwargs={"wait": True, "cancel_futures": True}, daemon=True)
    stopping.start()
    stopping.join(timeout=grace)
    if stopping.is_alive():
        for process in workers:
            process.terminate()


class Predictor:
    """One worker process (spawned) that predicts, off the server's event loop and its interpreter lock; replaced
    when a prediction runs past its time (:meth:`restart`)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, model_dir: Path, schema: Schema, items: list[tuple[str, str]]) -> Future[list[dict[str, Any]]]:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            return self._pool.submit(_predict_in_worker, str(model_dir), schema, items)

    def restart(self, *, grace: float = 0.0) -> None:
        """Stop the worker (a prediction past its time) by its pid; the next prediction starts a new one. With
        ``grace`` (at shutdown), a worker that is idle or finishes within that many seconds exits by itself, so it
        releases what it holds (killed, it leaves semaphores the resource tracker warns about)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            stop_pool(pool, grace)

    def close(self) -> None:
        self.restart(grace=10.0)


class Backend:
    """The state behind the routes: the current model (and its folder, which the prediction worker loads), the
    annotation count and the training jobs."""

    def __init__(
        self,
        model: ServedModel,
        schema: Schema,
        setup: TrainingSetup | None,
        retrain_every: int,
        work_dir: Path,
        model_dir: Path | None = None,
    ) -> None:
        self._model = model
        self.work_dir = Path(work_dir)
        if model_dir is None:  # a model trained at start: saved, so the worker process can load it
            model_dir = self.work_dir / "model-0"
            shutil.rmtree(model_dir, ignore_errors=True)
            model.save(model_dir)
        self.model_dir = Path(model_dir)
        self.predictor = Predictor()
        self.schema = schema
        self.setup = setup
        self.retrain_every = max(1, retrain_every)
        # a retraining is named after the model it started from, then its own sources (build_model appends them)
        self.base_version = model.stem or model.version
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

    def items(self, tasks: list[Any]) -> list[tuple[str, str]]:
        """``(id, text)`` of each task, checked (a text in the schema's field, Unicode); the reason if not."""
        field = self.schema.label_studio.text_field
        out = []
        for n, task in enumerate(tasks):
            data = task.get("data") if isinstance(task, dict) else None
            text = data.get(field) if isinstance(data, dict) else None
            tid = task.get("id") if isinstance(task, dict) else None
            where = f"task {tid if tid is not None else f'#{n}'}"
            if not isinstance(text, str):
                others = sorted(k for k, v in data.items() if isinstance(v, str)) if isinstance(data, dict) else []
                hint = (
                    f" (the schema's text field; the task has {', '.join(f'data.{k}' for k in others[:5])}): serve "
                    "the project's own schema (`toolkit schema from-ls-config` makes it from the project's config)"
                    if others
                    else ""
                )
                raise ToolkitError(f"{where}: no text in data.{field}{hint}")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ToolkitError(
                    f"{where}: data.{field} holds a lone surrogate at character {exc.start}; not Unicode text"
                ) from None
            doc_id = str(task.get("id", n)) if isinstance(task, dict) else str(n)
            out.append((doc_id or str(n), text))
        return out

    def predict(self, tasks: list[Any]) -> Future[list[dict[str, Any]]]:
        """The predictions of the tasks, computed by the worker process with the current model."""
        items = self.items(tasks)
        with self._lock:
            model_dir = self.model_dir
        return self.predictor.submit(model_dir, self.schema, items)

    def event(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action in COUNTED:
            annotation = payload.get("annotation") or {}
            cancelled = annotation.get("was_cancelled", False) if isinstance(annotation, dict) else False
            if not isinstance(cancelled, bool):  # "false" is a string, which Python would take for true
                raise ToolkitError(
                    f"annotation.was_cancelled is {type(cancelled).__name__} {cancelled!r}, not a JSON boolean"
                )
            if not isinstance(annotation, dict) or cancelled:
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
            updated = self._describe_in_instructions(model)  # then served and "done": a client sees all three
            with self._lock:
                self._model = model
                self.model_dir = out
            record.update(
                state="done", instructions_updated=updated, **{k: v for k, v in summary.items() if k != "version"}
            )
            log.info("training %s done in %.1f s; now serving it", record["version"], record["seconds"])
        again, self._again = self._again, False
        if again:
            self.start_training("annotations arrived during the last training")

    def _describe_in_instructions(self, model: ServedModel) -> bool:
        """The project's instructions say what the retrained model proposes (its version and measured precision),
        as `ls connect` first wrote them; a failure is logged and the new model is served all the same."""
        from toolkit.labelstudio.client import connect
        from toolkit.labelstudio.ml import describe_in_instructions

        if self.setup is None:
            return False
        try:
            conn = connect(self.setup.url, self.setup.api_key, retries=1)
            described = describe_model(model, self.schema)
            describe_in_instructions(conn, described, title=self.setup.name, project_id=self.setup.project_id)
        except ToolkitError as exc:
            log.warning(
                "%s is served, but the project's instructions still describe the model before it: %s",
                model.version,
                exc,
            )
            return False
        return True

    def status(self) -> dict[str, Any]:
        return {
            "status": "UP",
            "model_class": "toolkit",
            "model_version": self.model.version,
            "describes": describe_model(self.model, self.schema),  # what it proposes, measured precision per type
            "trained_on": self.model.trained_on,
            "training": self.training,
            "pending_annotations": self.pending,
            "retrain_every": self.retrain_every,
            "trainings": [{k: v for k, v in t.items() if k != "started"} for t in self.trainings],
            "ignored_events": dict(self.ignored),
        }

    def close(self) -> None:
        self.predictor.close()
        if self._pool is not None:
            stop_pool(self._pool, grace=10.0)


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except UnicodeDecodeError:
        raise ToolkitError("the request body is not UTF-8 JSON") from None
    except ValueError as exc:
        raise ToolkitError(f"the request body is not JSON ({exc})") from None
    except RecursionError:
        raise ToolkitError("the request body is JSON nested too deep") from None
    if not isinstance(body, dict):
        raise ToolkitError("the request body must be a JSON object")
    return body


class BodyLimit:
    """ASGI middleware: a request whose body exceeds ``limit`` bytes gets 413, by its Content-Length before
    anything is read, or as soon as the bytes received pass the limit (a body sent without a length)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise RequestTooLarge(f"the request body is over the limit of {self.limit:,} bytes")
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"error": f"the request body is over the limit of {limit:,} bytes (toolkit ls backend --max-request-mb)"},
        status_code=413,
    )


def make_app(backend: Backend, *, max_body: int = MAX_BODY, timeout: float = PREDICT_TIMEOUT) -> Starlette:
    """The backend's routes; predictions in the backend's worker process."""

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
        running = asyncio.wrap_future(backend.predict(tasks))
        try:
            results = await asyncio.wait_for(running, timeout)
        except TimeoutError:
            backend.predictor.restart()
            raise PredictTimeout(
                f"the prediction of {len(tasks)} task(s) took longer than {timeout:g} s "
                "(toolkit ls backend --predict-timeout); Label Studio shows the task without pre-annotations"
            ) from None
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
        status = 413 if isinstance(exc, RequestTooLarge) else 504 if isinstance(exc, PredictTimeout) else 400
        log.warning("%s %s: %s %s", request.method, request.url.path, status, exc)
        return JSONResponse({"error": str(exc)}, status_code=status)

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            {"error": f"internal error ({type(exc).__name__}); the backend's log has the details"}, status_code=500
        )

    app = Starlette(
        routes=[
            Route("/", health, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Route("/setup", setup, methods=["POST"]),
            Route("/predict", predict, methods=["POST"]),
            Route("/webhook", webhook, methods=["POST"]),
            Route("/train", train, methods=["POST"]),
        ],
        exception_handlers={ToolkitError: bad_request, Exception: internal},
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, limit=max_body)
    return app
