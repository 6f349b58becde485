"""Connecting to a Label Studio server with the SDK 2.x client, and turning its failures into
one-line :class:`LabelStudioError` messages that name the URL and never the API key.

Retries: the SDK retries connection errors, 408/409/429 and 5xx answers with exponential
backoff (1 s, 2 s, 4 s, ... with jitter) up to ``max_retries`` times; we set that bound
(3, or ``$TOOLKIT_LS_RETRIES``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from toolkit._env import env_number
from toolkit.errors import LabelStudioError

log = logging.getLogger(__name__)

URL_ENV = "LABEL_STUDIO_URL"
KEY_ENV = "LABEL_STUDIO_API_KEY"
DEFAULT_RETRIES = 3
DEFAULT_TIMEOUT = 60.0

T = TypeVar("T")
Progress = Callable[[int, int], None]
"""``progress(done, total)``; the CLI renders it, the library only calls it."""


def public_url(url: str) -> str:
    """The URL without any user:password part, safe to print and record."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class Connection:
    """A configured client plus what is safe to show about it."""

    client: LabelStudio
    url: str  # public form, for messages
    _key: str
    retries: int = DEFAULT_RETRIES  # the SDK's bound, also used for answers the SDK cannot judge (pull.export_tasks)

    def redact(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


def connect(
    url: str | None = None,
    api_key: str | None = None,
    *,
    retries: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Connection:
    """A client for ``url`` (default ``$LABEL_STUDIO_URL``) with ``api_key`` (default ``$LABEL_STUDIO_API_KEY``)."""
    if retries is None:
        retries = int(env_number("TOOLKIT_LS_RETRIES", DEFAULT_RETRIES, integer=True))
    url = url or os.environ.get(URL_ENV, "")
    api_key = api_key or os.environ.get(KEY_ENV, "")
    if not url:
        raise LabelStudioError(f"no Label Studio URL: set {URL_ENV} (for example http://127.0.0.1:8080)")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # parsed only to raise on a port that is not one
    except ValueError as exc:  # not shown: a URL that does not parse may still hold a password
        raise LabelStudioError(
            f"{URL_ENV} is not a URL ({exc}); set it to one, for example http://127.0.0.1:8080"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LabelStudioError(f"{URL_ENV} must be http:// or https:// and a host, got {public_url(url)!r}")
    if not api_key:
        raise LabelStudioError(
            f"no API key for {public_url(url)}: set {KEY_ENV} (Label Studio: Account & Settings > Access Token)"
        )
    client = LabelStudio(  # type: ignore[no-untyped-call]  # the SDK's constructor is unannotated; its methods are typed
        base_url=url.rstrip("/"), api_key=api_key, timeout=timeout, max_retries=retries
    )
    log.debug("connecting to %s (timeout %.0f s, %d retries)", public_url(url), timeout, retries)
    return Connection(client, public_url(url), api_key, retries)


def _api_detail(exc: ApiError) -> str:
    body = exc.body
    if isinstance(body, dict):
        errors = body.get("validation_errors") or body.get("detail") or body
        return str(errors)
    return str(body)[:300] if body else ""


@contextmanager
def translate_errors(conn: Connection, action: str) -> Iterator[None]:
    """Turn SDK and network exceptions raised inside the block into :class:`LabelStudioError`."""
    log.debug("%s: %s", conn.url, action)
    try:
        yield
    except LabelStudioError:
        raise
    except ApiError as exc:
        status = exc.status_code
        if status in (401, 403):
            msg = (
                f"{conn.url} refused the API key while trying to {action} (HTTP {status}); "
                f"check {KEY_ENV} (Label Studio: Account & Settings > Access Token)"
            )
        elif status == 404:
            msg = f"{conn.url}: not found while trying to {action} (HTTP 404); check the project id or title"
        elif status is not None and status >= 500:
            msg = (
                f"{conn.url} kept failing while trying to {action} (HTTP {status} after retries); check the server log"
            )
        else:
            msg = f"{conn.url} rejected the request to {action} (HTTP {status}): {_api_detail(exc)}"
        raise LabelStudioError(conn.redact(msg)) from None
    except httpx.TimeoutException:
        raise LabelStudioError(
            f"{conn.url} did not answer in time while trying to {action}; check that the server is not overloaded"
        ) from None
    except (httpx.TransportError, ConnectionError) as exc:
        raise LabelStudioError(
            conn.redact(
                f"cannot reach Label Studio at {conn.url} while trying to {action} ({type(exc).__name__}); "
                f"check that the server is running and {URL_ENV} is right"
            )
        ) from None


def call(conn: Connection, action: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call an SDK method with error translation."""
    with translate_errors(conn, action):
        return fn(*args, **kwargs)


def find_project(conn: Connection, *, project_id: int | None = None, title: str | None = None) -> Any | None:
    """The project with this id, or else the one with this exact title (None if there is none)."""
    if project_id is not None:
        return call(conn, f"get project {project_id}", conn.client.projects.get, id=project_id)
    matches: list[Any] = []
    project: Any
    with translate_errors(conn, "list projects"):
        for project in conn.client.projects.list():
            if project.title == title:
                matches.append(project)
    if len(matches) > 1:
        ids = sorted(p.id for p in matches)
        raise LabelStudioError(
            f"{conn.url}: {len(matches)} projects are titled {title!r} (ids {ids}); pass --project-id"
        )
    return matches[0] if matches else None


def require_project(conn: Connection, *, project_id: int | None, title: str) -> Any:
    project = find_project(conn, project_id=project_id, title=title)
    if project is None:
        raise LabelStudioError(
            f"{conn.url}: no project titled {title!r}; run `toolkit ls push` first or pass --project-id"
        )
    return project
