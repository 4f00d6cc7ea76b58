"""Browser end-to-end tests: Debian's Chromium, driven headless by Playwright (from PyPI),
against ``newstrace serve``'s application over a store of the shipped sample corpus.

The browser is the system's ``/usr/bin/chromium`` (``NEWSTRACE_CHROMIUM`` to point
elsewhere): Playwright's own browser downloads are never used (``playwright install``
needs the network). Chromium is started with the background services off (no network
here: component updates, sync and the like would fail or hang) and a fresh profile
(Playwright makes a temporary user-data-dir per launch).

Where Chromium or Playwright is missing, the browser tests are skipped with the reason,
except when ``CI`` is set: there they fail, so that CI cannot pass by skipping them.

Screenshots go to ``tests/e2e/web/screenshots/`` or ``$NEWSTRACE_SCREENSHOTS``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("NEWSTRACE_CHROMIUM", "/usr/bin/chromium")
#: The flags the closed network needs: without the background-networking ones Chromium
#: tries to reach its services and pages fail or stall.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("NEWSTRACE_SCREENSHOTS") or Path(__file__).with_name("screenshots"))


def unavailable(reason: str) -> None:
    """Skip, or fail under CI (where every browser test must run)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI is set, so browser tests may not be skipped", pytrace=False)
    pytest.skip(reason)


# -- the server --------------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    db: Path
    app: Any


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the shipped sample corpus, analysed and linked (about 6 s)."""
    from newstrace.pipeline import ingest, sample_corpus_path
    from newstrace.store import Store

    db = tmp_path_factory.mktemp("web-e2e") / "sample.db"
    with Store(db) as store:
        report = ingest([str(sample_corpus_path())], store)
        assert report.added > 0 and not report.failures, report.counts()
    return db


def make_app(db: Path) -> Any:
    """The application as ``newstrace serve`` builds it on 127.0.0.1 without a token (the
    API and the workbench pages); keep it in step with :mod:`newstrace.cli_serve`."""
    from newstrace.web import create_app
    from newstrace.web.security import LOOPBACK_HOSTS

    return create_app(db, allowed_hosts=sorted(LOOPBACK_HOSTS | {"127.0.0.1"}))


@pytest.fixture(scope="session")
def live_server(sample_store: Path) -> Iterator[LiveServer]:
    """The app under uvicorn in a background thread, on a free loopback port."""
    pytest.importorskip("fastapi")
    uvicorn = pytest.importorskip("uvicorn")

    app = make_app(sample_store)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the port is ours from here on: no race with other processes
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="off", server_header=False,
                            proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", sample_store, app)
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


# -- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium (the system's), headless, for the whole session."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path is None:
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSTRACE_CHROMIUM)")
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        except PlaywrightError as exc:  # installed but broken: a failure, not a skip
            pytest.fail(f"Chromium at {path} did not start: {exc}", pytrace=False)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) per test, with the server as base URL."""
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                              locale="en-GB", timezone_id="UTC")
    ctx.set_default_timeout(15_000)
    # nothing leaves the machine: any request to another host is refused and recorded
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    ctx.route(re.compile(r"^(?!data:|blob:|about:).*"), guard)
    ctx.outside_requests = outside  # type: ignore[attr-defined]
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page in a fresh context; console errors and page errors are collected on it."""
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    p.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    p.js_errors = errors  # type: ignore[attr-defined]
    yield p
    p.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """``screenshot(page, "name")`` saves a PNG named after the test and returns its path."""

    def take(p: Any, name: str = "", *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.name + (f"-{name}" if name else ""))
        out = SCREENSHOTS / f"{stem}.png"
        p.screenshot(path=str(out), full_page=full_page)
        return out

    return take
