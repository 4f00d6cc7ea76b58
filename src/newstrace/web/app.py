"""The application factory of ``newstrace serve``.

:func:`create_app` builds a FastAPI app over one store file. Store access follows SQLite's
rules: a connection belongs to one thread and FastAPI runs plain ``def`` endpoints in a
thread pool, so each request opens its own read-only connection (:meth:`WebContext.reader`,
cheap: a file open) inside the endpoint and closes it before returning; writes (ingest,
link) go through the one writer, :meth:`WebContext.writer`, serialised by a lock. WAL mode
lets readers go on while the writer works.

The workbench's HTML pages (:mod:`newstrace.web.pages`) are a second router beside the API,
included unless ``pages=False``, with their CSS and script served from ``/static``. Its templates live in ``newstrace/web/templates`` (Jinja2, autoescaped),
its forms get their CSRF token from :func:`newstrace.web.security.csrf_token_for`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from newstrace.config import Settings, load_settings
from newstrace.errors import InputError, NewstraceError, QueryError, StoreError, UsageError
from newstrace.store import Store
from newstrace.web.security import (
    MULTIPART_OVERHEAD,
    AuthMiddleware,
    BodyLimitMiddleware,
    Guard,
    HostCheckMiddleware,
    SecurityHeadersMiddleware,
    csrf_guard,
)

#: Seconds the workbench reuses the store's counts (:meth:`WebContext.stats`).
STATS_TTL = 30.0
TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

_REASONS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
            405: "method-not-allowed", 406: "not-acceptable", 413: "too-large", 415: "unsupported-media-type",
            422: "invalid-parameter", 429: "too-many-requests"}


@dataclass
class WebContext:
    """What the endpoints share: where the store is, the settings, the writer's lock."""

    db_path: Path
    settings: Settings
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pipeline: Any = field(default=None, repr=False)
    _stats: tuple[float, dict[str, int]] | None = field(default=None, repr=False)
    _stats_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A read-only store for this request, in this thread."""
        store = Store(self.db_path, readonly=True)
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The one writer: held by one request at a time."""
        with self._write_lock:
            store = Store(self.db_path)
            try:
                yield store
            finally:
                store.close()
                self._stats = None  # what was written shows in the next stats()

    def stats(self) -> dict[str, int]:
        """:meth:`Store.stats`, read at most once per ``STATS_TTL`` seconds (counting every
        table takes tens of milliseconds on a large store: too much for every search page);
        a write through :meth:`writer` refreshes it. Writes by another process (a
        ``newstrace ingest`` beside the server) show within ``STATS_TTL``."""
        now = time.monotonic()
        cached = self._stats
        if cached is not None and now - cached[0] < STATS_TTL:
            return dict(cached[1])
        with self._stats_lock:  # one reader counts; the others wait for its numbers
            cached = self._stats
            if cached is not None and time.monotonic() - cached[0] < STATS_TTL:
                return dict(cached[1])
            with self.reader() as store:
                counts = store.stats()
            self._stats = (time.monotonic(), counts)
            return dict(counts)

    def pipeline(self) -> Any:
        """The analysis pipeline ingest runs (spaCy loaded once); call with the writer held."""
        if self._pipeline is None:
            from newstrace.pipeline import default_pipeline

            self._pipeline = default_pipeline()
        return self._pipeline


def get_ctx(request: Request) -> WebContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


class SafeJSONResponse(JSONResponse):
    """JSON with ``<``, ``>``, ``&`` and the JavaScript line separators written as \\u escapes:
    page content in a response can never read as markup, whatever renders it."""

    def render(self, content: Any) -> bytes:
        return safe_json(content).encode("utf-8")


def safe_json(content: Any) -> str:
    text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # these characters only occur inside JSON strings, where the escapes mean the same
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def error_response(status: int, reason: str, message: str, **extra: Any) -> JSONResponse:
    return SafeJSONResponse({"error": {"reason": reason, "message": message, **extra}}, status_code=status)


def _status_for(exc: NewstraceError) -> int:
    if exc.reason == "not-found":
        return 404
    if isinstance(exc, (UsageError, QueryError, InputError)):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 500


def _validation_message(errors: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body", "header", "cookie")]
        where = ".".join(loc) or "request"
        details.append({"parameter": where, "in": str(e.get("loc", ("?",))[0]), "message": e.get("msg", "invalid")})
    message = "; ".join(f"{d['parameter']}: {d['message']}" for d in details) or "invalid request"
    return message, details


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewstraceError)
    async def _newstrace_error(request: Request, exc: NewstraceError) -> JSONResponse:
        return error_response(_status_for(exc), exc.reason, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, details = _validation_message(exc.errors())
        return error_response(422, "invalid-parameter", message, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict):
            reason = str(exc.detail.get("reason", _REASONS.get(exc.status_code, "error")))
            message = str(exc.detail.get("message", ""))
        else:
            reason = _REASONS.get(exc.status_code, "error")
            message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.url.path}"
        resp = error_response(exc.status_code, reason, message)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp


def create_app(
    db_path: str | Path,
    *,
    settings: Settings | None = None,
    token: str | None = None,
    allowed_hosts: Sequence[str] | None = None,
    routers: Sequence[APIRouter] = (),
    secret: bytes | None = None,
    pages: bool = True,
) -> FastAPI:
    """The ``newstrace serve`` application over the store at ``db_path`` (created if missing).

    ``token``: when set, every request needs it (bearer header or the login form's session
    cookie). ``allowed_hosts``: when set, requests whose Host header names another host are
    refused (set it to the loopback names for an unauthenticated local server: DNS
    rebinding). ``routers``: more routers to include (the workbench pages). ``secret``: the
    key signing cookies and CSRF tokens (random per process by default). ``pages``: serve
    the workbench (:mod:`newstrace.web.pages`, its assets under ``/static``) beside the API.
    """
    from newstrace import __version__
    from newstrace.web import api, login

    path = Path(db_path)
    settings = (settings or load_settings(db=path)).with_(db=path)
    Store(path).close()  # create and migrate the store once, so readers can open it read-only
    ctx = WebContext(path, settings)
    app = FastAPI(
        title="newstrace",
        version=__version__,
        summary="Articles, attributed claims, stories, claim groups and their provenance.",
        docs_url=None,  # Swagger/ReDoc load scripts from a CDN and run inline code: not under this CSP
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(csrf_guard)],
        default_response_class=SafeJSONResponse,
    )
    app.state.ctx = ctx
    app.state.guard = Guard(token, secret)
    _install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(login.router)
    for r in routers:
        app.include_router(r)
    if pages:
        from fastapi.staticfiles import StaticFiles

        from newstrace.web import pages as workbench

        app.include_router(workbench.router)
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # added inner to outer: auth, body limit, host check, headers (outermost)
    app.add_middleware(AuthMiddleware, guard=app.state.guard)
    app.add_middleware(BodyLimitMiddleware, upload_limit=settings.max_input_bytes + MULTIPART_OVERHEAD)
    if allowed_hosts is not None:
        app.add_middleware(HostCheckMiddleware, allowed=allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
