"""Fixtures for the ingest tests: settings, a real HTTP server on 127.0.0.1, WARC builders.

Everything is generated here, in tmp_path or in memory; nothing touches the network beyond
the loopback interface.
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastwarc.warc import WarcRecord, WarcRecordType

from newstrace.config import Settings

PAGE = b"<!doctype html><html><head><title>A page</title></head><body><p>Hello there.</p></body></html>"


@dataclass
class Reply:
    status: int = 200
    body: bytes = PAGE
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    #: send no Content-Length (the body ends when the connection closes)
    stream: bool = False


@dataclass
class Hit:
    path: str
    at: float
    user_agent: str | None
    host: str | None = None


class LocalServer:
    """A threaded HTTP/1.0 server on 127.0.0.1; ``routes`` maps a path to replies.

    A path with a list of replies answers them in turn and then repeats the last one.
    Unknown paths get 404. Every request is recorded in ``hits``. ``server.Reply`` is
    :class:`Reply`, so tests need not import from this conftest.

    ``address`` and ``port`` choose where it listens (another loopback address such as
    127.0.0.2 works on Linux), ``keep_alive`` makes it speak HTTP/1.1 with persistent
    connections, and ``tls`` (a server-side SSL context) makes it an HTTPS server.
    """

    Reply = Reply

    def __init__(
        self,
        address: str = "127.0.0.1",
        port: int = 0,
        *,
        keep_alive: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.routes: dict[str, Reply | list[Reply]] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_GET(self) -> None:
                reply = server._next(self.path, self.headers.get("User-Agent"), self.headers.get("Host"))
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if not reply.stream:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                # the client may hang up on purpose (size cap)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((address, port), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.address = address
        self.port = self.httpd.server_address[1]
        # a short poll interval: shutdown() waits up to one interval
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def _next(self, path: str, user_agent: str | None, host: str | None = None) -> Reply:
        with self._lock:
            self.hits.append(Hit(path, time.monotonic(), user_agent, host))
            route = self.routes.get(path)
            if route is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            if isinstance(route, list):
                return route.pop(0) if len(route) > 1 else route[0]
            return route

    def url(self, path: str) -> str:
        return f"http://{self.address}:{self.port}{path}"

    def start(self) -> LocalServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]


_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


def _loopback_name(name: str) -> bool:
    """A loopback name, or a loopback address literal (which resolves without any DNS)."""
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that tries to resolve (and so connect to) a non-loopback host.

    The attempt is also recorded and checked at teardown, because ingest turns unexpected
    errors into Failure records instead of letting them end the test.
    """
    real = socket.getaddrinfo
    attempts: list[str] = []

    def guarded(host: object, *args: object, **kwargs: object) -> list[tuple]:  # type: ignore[type-arg]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not _loopback_name(name):
            attempts.append(name)
            raise AssertionError(f"unit test tried to reach the network: {name}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield
    assert not attempts, f"tried to resolve non-loopback hosts: {attempts}"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    s = LocalServer().start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def make_server() -> Iterator[Callable[..., LocalServer]]:
    """``make_server(address="127.0.0.1", port=0, keep_alive=False, tls=None)``: a started
    :class:`LocalServer`, stopped at teardown."""
    started: list[LocalServer] = []

    def make(*args: object, **kwargs: object) -> LocalServer:
        s = LocalServer(*args, **kwargs).start()  # type: ignore[arg-type]
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for local tests: loopback allowed, no politeness delay, quick timeouts."""
    return Settings(
        db=tmp_path / "t.db",
        allow_private=True,
        per_host_delay=0.0,
        fetch_timeout=5.0,
        fetch_retries=2,
        user_agent="newstrace-test/1.0",
    )


def html_page(title: str, body: str = "Some text.") -> bytes:
    return f"<!doctype html><html><head><title>{title}</title></head><body><p>{body}</p></body></html>".encode()


def _http_response(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    return f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def _record(kind: WarcRecordType, block: bytes, uri: str | None = None, ctype: str | None = None) -> bytes:
    rec = WarcRecord()
    rec.init_headers(record_type=kind)
    rec.headers["WARC-Date"] = "2024-05-01T10:00:00Z"
    if uri:
        rec.headers["WARC-Target-URI"] = uri
    if ctype:
        rec.headers["Content-Type"] = ctype
    rec.set_bytes_content(block)
    out = BytesIO()
    rec.write(out)
    return out.getvalue()


def write_warc(path: Path, *, gz: bool = True) -> None:
    """A WARC written with fastwarc, records in this order:

    0 warcinfo, 1 request, 2 HTML response (story A), 3 PNG response, 4 404 HTML response,
    5 gzip-encoded HTML response (story B), 6 metadata. With ``gz`` each record is its own
    gzip member, as crawlers write them.
    """
    resp = "application/http; msgtype=response"
    records = [
        _record(WarcRecordType.warcinfo, b"software: newstrace-tests\r\n", ctype="application/warc-fields"),
        _record(WarcRecordType.request, b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n", "https://news.example/a"),
        _record(
            WarcRecordType.response,
            _http_response("200 OK", [("Content-Type", "text/html; charset=utf-8")], html_page("Story A", "é" * 50)),
            "https://news.example/a",
            resp,
        ),
        _record(
            WarcRecordType.response,
            _http_response("200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n" + bytes(300)),
            "https://news.example/logo.png",
            resp,
        ),
        _record(
            WarcRecordType.response,
            _http_response("404 Not Found", [("Content-Type", "text/html")], html_page("Not found")),
            "https://news.example/gone",
            resp,
        ),
        _record(
            WarcRecordType.response,
            _http_response(
                "200 OK",
                [("Content-Type", "text/html; charset=iso-8859-1"), ("Content-Encoding", "gzip")],
                gzip.compress(html_page("Story B", "caf\xe9").decode().encode("latin-1")),
            ),
            "https://news.example/b",
            resp,
        ),
        _record(WarcRecordType.metadata, b"fetchTimeMs: 12\r\n", "https://news.example/a", "application/warc-fields"),
    ]
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if gz else b"".join(records))


@pytest.fixture
def page() -> Callable[..., bytes]:
    """``page(title, body)``: a small HTML page as bytes."""
    return html_page


@pytest.fixture
def make_warc() -> Callable[..., None]:
    """``make_warc(path, gz=True)``: write the test WARC described in :func:`write_warc`."""
    return write_warc


@pytest.fixture
def warc_parts() -> SimpleNamespace:
    """Builders for hand-made archives: ``record(type, block, uri, ctype)``, ``http(status, headers, body)``."""
    return SimpleNamespace(record=_record, http=_http_response, types=WarcRecordType)
