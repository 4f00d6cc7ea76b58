"""Ingesting URLs from a local server: fetched once, resumed without fetching again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newstrace import Store, ingest, load_settings

pytestmark = pytest.mark.e2e

BODY = (
    "<html><head><title>Ferry strike enters day {n}</title></head><body><nav>Home | News</nav><article>"
    "<h1>Ferry strike enters day {n}</h1><p>Ferry crews stayed off work for a {n}th day on Thursday, the union said, "
    "leaving island residents to rely on a single chartered boat that runs twice a day.</p>"
    "<p>The operator said talks would resume next week and that it regretted the disruption to passengers, "
    "many of whom commute to the mainland for work and school.</p></article></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        type(self).hits.append(self.path)
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        n = self.path.strip("/").split("-")[-1] or "1"
        data = BODY.format(n=n).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_list_is_fetched_once_and_resumed_without_refetching(server: str, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("\n".join(f"{server}/story-{i}" for i in range(1, 4)) + "\n")
    settings = load_settings(db=tmp_path / "n.db", allow_private=True, per_host_delay=0.0)
    with Store(settings.db) as store:
        first = ingest([str(urls)], store, settings=settings)
        page_hits = [h for h in _Handler.hits if h.startswith("/story")]
        second = ingest([str(urls)], store, settings=settings)
        assert first.added == 3 and first.failed == 0
        assert second.skipped == 3 and second.added == 0
        assert [h for h in _Handler.hits if h.startswith("/story")] == page_hits  # nothing fetched again
        third = ingest([str(urls)], store, settings=settings, refresh=True)
        assert len([h for h in _Handler.hits if h.startswith("/story")]) == 2 * len(page_hits)
        assert third.skipped == 3 and store.count() == 3  # same bytes again: nothing new stored


def test_private_address_refused_without_flag(server: str, tmp_path: Path) -> None:
    settings = load_settings(db=tmp_path / "n.db")
    with Store(settings.db) as store:
        report = ingest([f"{server}/story-1"], store, settings=settings)
    assert report.failed == 1 and report.failures[0].reason == "private-address"
    assert "--allow-private" in report.failures[0].message
