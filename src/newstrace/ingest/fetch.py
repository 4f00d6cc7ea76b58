"""Polite, bounded HTTP fetching: one :class:`Fetcher` per run, owning its httpx client.

What the fetcher guarantees for every URL (and every redirect hop, each checked anew):

* **No private targets.** The host is resolved with ``socket.getaddrinfo`` and every
  address checked; private, loopback, link-local, multicast, reserved, unspecified and
  other non-global addresses are refused (reason ``private-address``) unless
  ``settings.allow_private``.
* **The checked address is the one connected to.** The addresses that passed the check
  are pinned for that host and port, and the connection goes to one of them: httpx never
  resolves the name again, so a DNS server that answers a public address first and
  127.0.0.1 the second time (DNS rebinding) gets nowhere. Only the TCP connection is
  pinned: the URL, the ``Host`` header, TLS SNI and the certificate's host name check all
  still use the URL's host name. A host with no pin is not connected to at all. When a
  host's pin changes (a later hop or URL resolved it to other addresses), the pooled
  connections are closed, so a kept-alive connection to the old address is never reused.
  Pinning is done by the default transport only: a ``transport`` passed in (tests pass an
  ``httpx.MockTransport``) connects however it likes. With ``allow_private`` nothing is
  checked or pinned, and httpx resolves names itself, as any client would.
* **robots.txt.** Fetched once per scheme+host+port with the same client, cached on the
  fetcher. A robots.txt answered with 2xx is obeyed; 4xx (other than 429) means there is
  none, so everything is allowed (RFC 9309 §2.3.1.3); 429, 5xx, timeouts and connection
  errors mean the rules are unknown, so the host is treated as disallowed, conservatively
  (RFC 9309 §2.3.1.4). Only the first 512 KiB of a robots.txt are read.
* **Per-host spacing.** Two requests to the same host (robots.txt and retries included)
  are at least ``settings.per_host_delay`` seconds apart; ``request_log`` records them.
* **Bounded size and time.** Bodies are streamed and abandoned past
  ``settings.max_input_bytes`` (``too-large``); httpx applies ``fetch_timeout`` to connect
  (to all of a host's pinned addresses together) and to each read, and a whole body must
  arrive within three times that, so a server that drips one byte a second cannot hold
  the run forever.
* **Retries** with exponential backoff on connection errors, timeouts, 429 and 5xx, up to
  ``settings.fetch_retries`` times; a ``Retry-After`` of up to a minute is honoured, a
  longer one ends the retries at once.

The client ignores proxy environment variables (``trust_env=False``): through a proxy the
address check above would be checking the wrong machine.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from newstrace.config import Settings
from newstrace.errors import FetchError
from newstrace.models import Failure, RawInput

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Longest Retry-After the fetcher waits for; beyond it the URL fails instead of stalling a batch.
MAX_RETRY_AFTER = 60.0
#: Longest backoff between two attempts.
MAX_BACKOFF = 30.0
ROBOTS_MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 10
#: A whole body must arrive within this many times ``fetch_timeout``.
BODY_DEADLINE_FACTOR = 3.0

Resolver = Callable[..., list[tuple[Any, ...]]]  # socket.getaddrinfo's shape
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: httpx's own defaults (``httpx.Limits()``), kept for the pinning transport's pool
_POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP request the fetcher sent: to which host, for what URL, when (monotonic)."""

    host: str
    url: str
    at: float


@dataclass(frozen=True)
class _Reply:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


@dataclass
class _Robots:
    """A host's robots.txt rules, or a verdict for the whole host when there are none."""

    parser: RobotFileParser | None = None
    #: True: no robots.txt (4xx), all allowed; False: unknown (5xx, error), all refused
    verdict: bool | None = None
    #: why the host is refused as a whole
    note: str | None = None

    def allows(self, user_agent: str, url: str) -> bool:
        if self.verdict is not None or self.parser is None:
            return bool(self.verdict)
        return self.parser.can_fetch(user_agent, url)


def refused_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address a public crawler has no business connecting to."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # e.g. 100.64.0.0/10, carrier-grade NAT
    )


class _PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting a host only to the addresses pinned for it.

    httpcore hands ``connect_tcp`` the URL's host name; this backend swaps in the vetted
    addresses (tried in the resolver's order, within one ``timeout`` in all) and never
    looks the name up. TLS is started afterwards by httpcore on the returned stream with
    the host name as SNI and for the certificate check, so those are unchanged. With
    ``strict``, a host without a pin is refused; otherwise it is resolved as usual.
    """

    def __init__(self, *, strict: bool) -> None:
        super().__init__()
        self.strict = strict
        self._pins: dict[tuple[str, int], tuple[str, ...]] = {}

    def pin(self, host: str, port: int, addresses: tuple[str, ...]) -> bool:
        """Pin ``host:port`` to ``addresses``; True when it was pinned to other addresses before."""
        key = (host.lower(), port)
        before = self._pins.get(key)
        self._pins[key] = addresses
        return before is not None and set(before) != set(addresses)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._pins.get((host.lower(), port))
        if addresses is None:
            if self.strict:
                raise httpcore.ConnectError(f"{host}:{port} has no checked address to connect to")
            return super().connect_tcp(host, port, timeout, local_address, socket_options)
        deadline = None if timeout is None else time.monotonic() + timeout
        error: Exception = httpcore.ConnectError(f"{host}:{port} has no address")
        for ip in addresses:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out")
            try:
                # an address literal: socket.create_connection parses it, no DNS lookup
                return super().connect_tcp(ip, port, left, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error


class _PinningTransport(httpx.HTTPTransport):
    """httpx's default transport, its connection pool built on a :class:`_PinnedBackend`.

    httpx has no public way to give ``HTTPTransport`` a network backend, so the pool it
    builds is replaced by an identical one (same TLS context, limits) that has ours.
    """

    def __init__(self, backend: _PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False, limits=_POOL_LIMITS)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):  # pragma: no cover
            raise RuntimeError("httpx.HTTPTransport changed: no connection pool to pin addresses on")
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=_POOL_LIMITS.max_connections,
            max_keepalive_connections=_POOL_LIMITS.max_keepalive_connections,
            keepalive_expiry=_POOL_LIMITS.keepalive_expiry,
            network_backend=backend,
        )
        self._backend = backend

    def pin(self, host: str, port: int, addresses: tuple[str, ...]) -> None:
        if self._backend.pin(host, port, addresses):
            # A kept-alive connection may lead to an address no longer vetted for the host.
            # The fetcher sends one request at a time, so none is in use here.
            self._pool.close()


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _media_and_charset(content_type: str | None) -> tuple[str | None, str | None]:
    if not content_type:
        return None, None
    media, *params = content_type.split(";")
    charset = None
    for p in params:
        key, _, val = p.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return media.strip().lower() or None, charset


class Fetcher:
    """Fetches URLs politely and safely; use as a context manager so the client is closed.

    ``transport``, ``sleep``, ``clock``, ``resolver``, ``vet_address`` and ``ssl_context``
    exist for tests: ``vet_address(ip)`` says whether an address may be connected to
    (default: not :func:`refused_address`), ``ssl_context`` is the TLS context of the
    default transport (default: certifi's CAs). Only the default transport pins the
    checked addresses; a ``transport`` passed in connects on its own terms.
    ``backoff_base`` is the first retry delay in seconds (doubling each attempt).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        resolver: Resolver | None = None,
        backoff_base: float = 0.5,
        max_redirects: int = MAX_REDIRECTS,
        vet_address: Callable[[IPAddress], bool] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._pinning: _PinningTransport | None = None
        if transport is None:
            context = ssl_context or httpx.create_ssl_context(trust_env=False)
            backend = _PinnedBackend(strict=not settings.allow_private)
            transport = self._pinning = _PinningTransport(backend, context)
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.fetch_timeout),
            follow_redirects=False,  # each hop is checked here (address, robots)
            trust_env=False,
            transport=transport,
        )
        self._sleep = sleep
        self._clock = clock
        self._resolve = resolver or socket.getaddrinfo
        self._vet = vet_address or (lambda ip: not refused_address(ip))
        self._backoff_base = backoff_base
        self._max_redirects = max_redirects
        self._robots: dict[str, _Robots] = {}
        self._last_request: dict[str, float] = {}
        #: every request sent, in order (robots.txt and retries included)
        self.request_log: list[RequestRecord] = []

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public -------------------------------------------------------------------------

    def fetch(self, url: str, *, source: str | None = None) -> RawInput | Failure:
        """Fetch one URL: a RawInput with the body, or a Failure saying why not."""
        source = source or url
        try:
            reply = self._follow(url, self.settings.max_input_bytes, robots=self.settings.respect_robots)
        except FetchError as exc:
            return Failure(source, "ingest", exc.reason, exc.message)
        if not 200 <= reply.status < 300:
            why = f"{reply.url}: the server answered HTTP {reply.status}"
            return Failure(source, "ingest", f"http-{reply.status}", why)
        media, charset = _media_and_charset(reply.headers.get("Content-Type"))
        return RawInput(
            source=source,
            data=reply.body,
            url=reply.url,
            encoding=charset,
            content_type=media,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def robots_allows(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this user agent fetch it."""
        return self._robots_for(url).allows(self.settings.user_agent, url)

    # -- redirects, addresses, robots ----------------------------------------------------

    def _follow(self, url: str, limit: int, *, robots: bool, truncate: bool = False) -> _Reply:
        """GET ``url``, following redirects by hand so that every hop is checked and pinned."""
        current = url
        for _ in range(self._max_redirects + 1):
            host, port, connect_host = self._check_url(current)
            addresses = self._check_address(current, host, connect_host, port)
            if robots and not self.robots_allows(current):
                note = self._robots_for(current).note or "robots.txt disallows it for this user agent"
                raise FetchError(f"{current}: not fetched, {note}", reason="robots")
            if self._pinning is not None and addresses is not None:
                # after robots.txt: its fetch checks and pins the host again
                self._pinning.pin(connect_host, port, addresses)
            reply = self._request(current, host, limit, truncate=truncate)
            location = reply.headers.get("Location")
            if reply.status in REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                continue
            return reply
        raise FetchError(f"{url}: more than {self._max_redirects} redirects", reason="too-many-redirects")

    @staticmethod
    def _check_url(url: str) -> tuple[str, int, str]:
        """Host (as written), port, and the ASCII host name httpx connects to."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"{url}: invalid port ({exc})", reason="bad-url") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http and https URLs can be fetched", reason="bad-url")
        try:
            connect_host = httpx.URL(url).raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeError) as exc:
            raise FetchError(f"{url}: invalid URL ({exc})", reason="bad-url") from exc
        return parts.hostname, port or (443 if parts.scheme == "https" else 80), connect_host

    def _check_address(self, url: str, host: str, connect_host: str, port: int) -> tuple[str, ...] | None:
        """The host's addresses, each checked: any non-public one refuses the URL.

        None with ``allow_private``, when nothing is checked (nor pinned).
        """
        if self.settings.allow_private:
            return None
        try:
            addresses = [ipaddress.ip_address(connect_host)]
        except ValueError:
            try:
                infos = self._resolve(connect_host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise FetchError(f"{url}: cannot resolve host {host!r} ({exc})", reason="dns") from exc
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError(f"{url}: host {host!r} has no address", reason="dns")
        for ip in addresses:
            if not self._vet(ip):
                raise FetchError(
                    f"{url}: {host} is a private, loopback or otherwise non-public address ({ip}); "
                    "pass --allow-private to fetch from it",
                    reason="private-address",
                )
        return tuple(dict.fromkeys(str(ip) for ip in addresses))

    def _robots_for(self, url: str) -> _Robots:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        if key not in self._robots:
            self._robots[key] = self._load_robots(key + "/robots.txt")
        return self._robots[key]

    def _load_robots(self, robots_url: str) -> _Robots:
        try:
            reply = self._follow(robots_url, ROBOTS_MAX_BYTES, robots=False, truncate=True)
        except FetchError as exc:
            why = f"robots.txt could not be fetched ({exc.reason}), so the host is treated as disallowed"
            return _Robots(verdict=False, note=why)
        if 200 <= reply.status < 300:
            parser = RobotFileParser(robots_url)
            parser.parse(reply.body.decode("utf-8", errors="replace").splitlines())
            return _Robots(parser)
        if 400 <= reply.status < 500 and reply.status != 429:
            return _Robots(verdict=True)
        why = f"robots.txt answered HTTP {reply.status}, so the host is treated as disallowed"
        return _Robots(verdict=False, note=why)

    # -- one request, with spacing and retries -------------------------------------------

    def _wait_turn(self, host: str, url: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.settings.per_host_delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        now = self._clock()
        self._last_request[host] = now
        self.request_log.append(RequestRecord(host, url, now))

    def _backoff(self, attempt: int, retry_after: str | None) -> float | None:
        """Seconds to wait before the next attempt; None when the server asks for too long."""
        delay = min(self._backoff_base * 2.0**attempt, MAX_BACKOFF)
        asked = _retry_after(retry_after)
        if asked is not None:
            if asked > MAX_RETRY_AFTER:
                return None
            delay = max(delay, asked)
        return delay

    def _request(self, url: str, host: str, limit: int, *, truncate: bool) -> _Reply:
        attempt = 0
        while True:
            self._wait_turn(host, url)
            try:
                reply = self._send(url, limit, truncate=truncate)
            except httpx.TransportError as exc:  # connect errors, timeouts, dropped connections
                if attempt >= self.settings.fetch_retries:
                    timeout = isinstance(exc, httpx.TimeoutException)
                    reason = "timeout" if timeout else "connect-error"
                    raise FetchError(f"{url}: {reason} after {attempt + 1} attempt(s) ({exc})", reason=reason) from exc
                self._sleep(self._backoff(attempt, None) or 0.0)
                attempt += 1
                continue
            if reply.status in RETRY_STATUSES and attempt < self.settings.fetch_retries:
                delay = self._backoff(attempt, reply.headers.get("Retry-After"))
                if delay is None:
                    return reply
                self._sleep(delay)
                attempt += 1
                continue
            return reply

    def _send(self, url: str, limit: int, *, truncate: bool) -> _Reply:
        """One GET; the body is read (within ``limit``) only for a 2xx answer."""
        try:
            with self._client.stream("GET", url) as resp:
                body = b""
                if 200 <= resp.status_code < 300:
                    body = self._read_body(resp, url, limit, truncate=truncate)
                return _Reply(str(resp.url), resp.status_code, resp.headers, body)
        except httpx.TransportError:
            raise
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # e.g. a body that does not decode
            raise FetchError(f"{url}: bad response ({exc})", reason="bad-response") from exc

    def _read_body(self, resp: httpx.Response, url: str, limit: int, *, truncate: bool) -> bytes:
        declared = resp.headers.get("Content-Length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            why = f"{url}: the page is {int(declared):,} bytes, over the {limit:,}-byte cap"
            raise FetchError(why, reason="too-large")
        deadline = self._clock() + self.settings.fetch_timeout * BODY_DEADLINE_FACTOR
        parts: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():  # decoded (gzip, br ...) chunk by chunk: the cap holds after decoding
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                if truncate:
                    return b"".join(parts)[:limit]
                raise FetchError(f"{url}: the page is over the {limit:,}-byte cap", reason="too-large")
            if self._clock() > deadline:
                raise FetchError(f"{url}: the body did not arrive in time", reason="timeout")
        return b"".join(parts)
