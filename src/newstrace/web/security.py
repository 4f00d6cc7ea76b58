"""Security of the web server: response headers, authentication, CSRF, Host and body-size checks.

* **Headers.** Every response (errors, 404s and 413s included) carries a strict
  Content-Security-Policy (no inline script, no plugins, no framing), ``nosniff``,
  ``Referrer-Policy: same-origin`` (other sites learn nothing; with ``no-referrer`` Chromium
  sends ``Origin: null`` on the workbench's own form posts, which the CSRF check must refuse);
  API responses are ``Cache-Control: no-store``.
* **Authentication.** With a token configured, every request but ``/login`` needs either
  ``Authorization: Bearer <token>`` (API clients) or the session cookie the login form sets
  (HttpOnly, SameSite=Strict, signed, expiring). Without a token (``newstrace serve`` on
  127.0.0.1) none is needed; the CLI refuses to bind elsewhere without one, and takes only
  a token :func:`check_token` accepts.
* **Login rate limit.** The login form answers 429 with ``Retry-After`` to a client address
  past :data:`LOGIN_FAILURES_PER_CLIENT` failed attempts in :data:`LOGIN_WINDOW` seconds,
  and to everyone past :data:`LOGIN_FAILURES_TOTAL` failed attempts from all addresses
  together (guessing spread over many addresses); the :class:`LoginLimiter` lives on the
  app's :class:`Guard`, in memory.
* **CSRF.** Every POST/PUT/PATCH/DELETE goes through :func:`csrf_guard` (an app-wide
  dependency): a request authenticated by a valid bearer token passes (browsers never add
  that header on their own); any other needs a signed, expiring CSRF token in the
  ``X-CSRF-Token`` header or the ``csrf_token`` form field, equal to the ``nt_csrf`` cookie
  whenever the request comes from a browser (it sends ``Sec-Fetch-Site`` or ``Origin``),
  and its ``Origin`` (else ``Referer``), when sent, must be this server. Tokens come from
  ``GET /api/v1/csrf`` or the hidden field of a rendered form (:func:`csrf_token_for`).
* **Host check.** An unauthenticated server on loopback only answers requests whose
  ``Host`` is a loopback name: a DNS-rebinding page cannot talk to it.
* **Body size.** Request bodies are capped (1 MiB; routes ending in ``/upload``: the
  configured ``max_input_bytes`` plus multipart overhead) before they are read: 413.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newstrace.errors import UsageError

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]

CSRF_COOKIE = "nt_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "nt_session"
#: Seconds a CSRF token and a login session stay valid.
CSRF_TTL = 24 * 3600
SESSION_TTL = 12 * 3600
#: Largest body of an ordinary request (JSON, forms).
DEFAULT_BODY_LIMIT = 1024 * 1024
#: Room for multipart boundaries and the small fields beside an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024
#: Shortest token ``newstrace serve`` accepts.
MIN_TOKEN_LENGTH = 16
#: Failed logins one client address may make within :data:`LOGIN_WINDOW` seconds before it
#: must wait (a person mistyping does not get there; a guessing script stops at once).
LOGIN_FAILURES_PER_CLIENT = 5
#: Failed logins from all addresses together within the window before every login waits.
LOGIN_FAILURES_TOTAL = 100
LOGIN_WINDOW = 60.0
#: Client addresses the login limiter remembers at most (the oldest are forgotten first).
LOGIN_MAX_CLIENTS = 10_000

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Paths reachable without authentication (the login form itself).
PUBLIC_PATHS = frozenset({"/login"})


def error_body(status: int, reason: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": {"reason": reason, "message": message, **extra}}).encode()


async def send_json(send: Send, status: int, body: bytes, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": body})


def check_token(token: str | None) -> str | None:
    """The token a server is started with, or None for none (None or ""): surrounding spaces
    are trimmed, then it must be at least :data:`MIN_TOKEN_LENGTH` printable ASCII characters
    with no space or control character inside (it travels in an HTTP header); else a
    one-line UsageError that does not repeat the token."""
    if not token:
        return None
    value = token.strip()
    if len(value) < MIN_TOKEN_LENGTH:
        raise UsageError(f"the token must be at least {MIN_TOKEN_LENGTH} characters long once surrounding "
                         f"spaces are trimmed (it has {len(value)}): use a long random one, e.g. from "
                         "`python -c 'import secrets; print(secrets.token_urlsafe(24))'`")
    for ch in value:
        if not "\x21" <= ch <= "\x7e":
            what = ("a space" if ch.isspace() else "a control character" if ord(ch) < 32 or ord(ch) == 127
                    else "a non-ASCII character")
            raise UsageError(f"the token holds {what}: use printable ASCII characters only, with no spaces "
                             "or control characters")
    return value


class LoginLimiter:
    """Failed logins remembered per client address and in all, over a sliding window, to
    answer a guessing client (or a guessing crowd) "wait N seconds". Thread-safe; ``clock``
    (monotonic seconds) can be replaced, for tests."""

    def __init__(self, per_client: int = LOGIN_FAILURES_PER_CLIENT, total: int = LOGIN_FAILURES_TOTAL,
                 window: float = LOGIN_WINDOW, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_client, self.total, self.window = per_client, total, window
        self.clock = clock
        self._lock = threading.Lock()
        # the times of the latest failures (only the last `per_client` / `total` matter)
        self._clients: dict[str, deque[float]] = {}
        self._all: deque[float] = deque(maxlen=total)

    def retry_after(self, client: str) -> int:
        """Whole seconds ``client`` must wait before its next attempt; 0 when it may try now."""
        with self._lock:
            since = self.clock() - self.window
            waits = [times[0] - since for times in (self._clients.get(client), self._all)
                     if times is not None and len(times) == times.maxlen and times[0] > since]
            return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            self._all.append(now)
            times = self._clients.pop(client, None) or deque(maxlen=self.per_client)
            times.append(now)
            self._clients[client] = times  # last in the dict: the most recently seen
            if len(self._clients) > LOGIN_MAX_CLIENTS:
                self._forget(now - self.window)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def _forget(self, since: float) -> None:
        for c in [c for c, times in self._clients.items() if times[-1] <= since]:
            del self._clients[c]
        while len(self._clients) > LOGIN_MAX_CLIENTS:  # all recent: forget the least recently seen
            del self._clients[next(iter(self._clients))]


class Guard:
    """The secrets of one server: its token (if any), the key that signs cookies and CSRF
    tokens, and the login limiter."""

    def __init__(self, token: str | None, secret: bytes | None = None) -> None:
        self.token = token or None
        self._key = secret or secrets.token_bytes(32)
        self.login_limiter = LoginLimiter()

    # -- signing -----------------------------------------------------------------------
    def _sign(self, purpose: str, payload: str) -> str:
        return hmac.new(self._key, f"{purpose}|{payload}".encode(), hashlib.sha256).hexdigest()

    def _mint(self, purpose: str, ttl: int) -> str:
        payload = f"{int(time.time()) + ttl}.{secrets.token_urlsafe(18)}"
        return f"{payload}.{self._sign(purpose, payload)}"

    def _valid(self, purpose: str, value: str | None) -> bool:
        if not value or len(value) > 200:
            return False
        payload, _, sig = value.rpartition(".")
        expires, _, nonce = payload.partition(".")
        if not (expires.isdigit() and nonce and sig):
            return False
        if not hmac.compare_digest(sig, self._sign(purpose, payload)):
            return False
        return int(expires) >= time.time()

    def mint_csrf(self) -> str:
        return self._mint("csrf", CSRF_TTL)

    def valid_csrf(self, value: str | None) -> bool:
        return self._valid("csrf", value)

    def mint_session(self) -> str:
        return self._mint("session", SESSION_TTL)

    def valid_session(self, value: str | None) -> bool:
        return self.token is not None and self._valid("session", value)

    def check_password(self, given: str | None) -> bool:
        return self.token is not None and given is not None and hmac.compare_digest(
            given.encode("utf-8", "surrogateescape"), self.token.encode("utf-8", "surrogateescape"))

    # -- what a request carries ----------------------------------------------------------
    def bearer(self, headers: Headers) -> bool | None:
        """True: a valid bearer token; False: a wrong one; None: no Authorization header."""
        value = headers.get("authorization")
        if value is None:
            return None
        scheme, _, given = value.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return self.check_password(given.strip())

    def authenticated(self, headers: Headers, cookies: dict[str, str]) -> bool:
        if self.token is None:
            return True
        bearer = self.bearer(headers)
        if bearer is not None:
            return bearer
        return self.valid_session(cookies.get(SESSION_COOKIE))


def _cookies(headers: Headers) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: dict[str, str] = {}
    for raw in headers.getlist("cookie"):
        c: SimpleCookie = SimpleCookie()
        try:
            c.load(raw)
        except Exception:  # a malformed cookie header is no cookie
            continue
        jar.update({k: m.value for k, m in c.items()})
    return jar


def host_of(value: str) -> str:
    """The host of a Host header or netloc, without port; IPv6 without brackets; lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


# -- middleware ------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """Outermost: add the security headers to every response; an unexpected error becomes
    a 500 JSON response (logged) that carries them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope.get("path", "").startswith("/api/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                drop = {k for k, _ in SECURITY_HEADERS} | ({b"cache-control"} if api else set())
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                headers += SECURITY_HEADERS
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error serving %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await send_json(send_with_headers, 500, error_body(500, "internal", "internal server error"))


class HostCheckMiddleware:
    """Answer only requests whose Host header names one of ``allowed`` (DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {host_of(h) for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = host_of(Headers(scope=scope).get("host", ""))
            if host not in self.allowed:
                await send_json(send, 400, error_body(400, "bad-host", "this server does not answer to that Host name"))
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Refuse request bodies over the limit before reading them (declared length) or as soon
    as they pass it (chunked): 413."""

    def __init__(self, app: ASGIApp, upload_limit: int, default_limit: int = DEFAULT_BODY_LIMIT) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.default_limit = default_limit

    def limit_for(self, path: str) -> int:
        return self.upload_limit if path.rstrip("/").endswith("/upload") else self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        message = f"the request body is larger than this server accepts ({limit} bytes)"
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await send_json(send, 400, error_body(400, "bad-request", "malformed Content-Length"))
                return
            if int(declared) > limit:
                await send_json(send, 413, error_body(413, "too-large", message), [(b"connection", b"close")])
                return
        total = 0

        async def limited_receive() -> Message:
            nonlocal total
            msg = await receive()
            if msg["type"] == "http.request":
                total += len(msg.get("body", b""))
                if total > limit:
                    raise HTTPException(413, detail=message)
            return msg

        await self.app(scope, limited_receive, send)


class AuthMiddleware:
    """With a token configured: every request but the login page must be authenticated.
    A browser asking for a page is sent to the login form; anything else gets 401 JSON."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.guard.token is None or scope.get("path") in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.guard.authenticated(headers, _cookies(headers)):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        if (scope.get("method") == "GET" and not path.startswith("/api/")
                and "text/html" in headers.get("accept", "")):
            target = "/login?next=" + quote(path, safe="/")
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", target.encode()), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send_json(
            send, 401,
            error_body(401, "unauthorized", "authentication required: send 'Authorization: Bearer <token>' "
                                            "or log in at /login"),
            [(b"www-authenticate", b'Bearer realm="newstrace"')],
        )


# -- CSRF ------------------------------------------------------------------------------------


def _same_origin(request: Request, value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    host = request.headers.get("host", "")
    return bool(parts.netloc) and parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def _forbid(message: str) -> HTTPException:
    return HTTPException(403, detail={"reason": "csrf", "message": message})


async def csrf_guard(request: Request) -> None:
    """App-wide dependency: a state-changing request must prove it comes from this server's
    own pages (or from an API client holding the token)."""
    if request.method not in UNSAFE_METHODS:
        return
    guard: Guard = request.app.state.guard
    if guard.token is not None and guard.bearer(request.headers):
        return  # an API client: a browser never sends this header by itself
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise _forbid(f"cross-site request refused (Sec-Fetch-Site: {fetch_site})")
    origin = request.headers.get("origin")
    if origin is not None:
        if not _same_origin(request, origin):
            raise _forbid("request refused: its Origin is not this server")
    else:
        referer = request.headers.get("referer")
        if referer is not None and not _same_origin(request, referer):
            raise _forbid("request refused: its Referer is not this server")
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").split(";")[0].strip().lower() in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        value = (await request.form()).get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not guard.valid_csrf(token):
        raise _forbid(f"missing or invalid CSRF token: send the token from GET /api/v1/csrf in the "
                      f"{CSRF_HEADER} header or the {CSRF_FIELD} form field")
    cookie = request.cookies.get(CSRF_COOKIE)
    browser = fetch_site is not None or origin is not None
    if (cookie is not None or browser) and not (cookie and hmac.compare_digest(cookie, token or "")):
        raise _forbid("the CSRF token does not match this browser's CSRF cookie: reload the page")


def csrf_token_for(request: Request) -> tuple[str, bool]:
    """The CSRF token to put in a page's form (the browser's cookie when still valid), and
    whether the cookie must be (re)set: call :func:`set_csrf_cookie` then."""
    guard: Guard = request.app.state.guard
    current = request.cookies.get(CSRF_COOKIE)
    if guard.valid_csrf(current):
        return current, False  # type: ignore[return-value]
    return guard.mint_csrf(), True


def set_csrf_cookie(response: Any, request: Request, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, max_age=CSRF_TTL, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def set_session_cookie(response: Any, request: Request, value: str) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_TTL, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    import ipaddress

    h = host_of(host) if host.startswith("[") else host.strip().lower()
    if h in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False
