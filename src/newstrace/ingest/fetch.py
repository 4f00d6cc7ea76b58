"""Polite, bounded HTTP fetching: one :class:`Fetcher` per run, owning its httpx client.

What the fetcher guarantees for every URL (and every redirect hop, each checked anew):

* **No private targets.** The host is resolved with ``socket.getaddrinfo`` and every
  address checked; private, loopback, link-local, multicast, reserved, unspecified and
  other non-global addresses are refused (reason ``private-address``) unless
  ``settings.allow_private``. httpx resolves the name again when it connects, so a DNS
  server that answers differently the second time (DNS rebinding) is not stopped by this.
* **robots.txt.** Fetched once per scheme+host+port with the same client, cached on the
  fetcher. A robots.txt answered with 2xx is obeyed; 4xx (other than 429) means there is
  none, so everything is allowed (RFC 9309 §2.3.1.3); 429, 5xx, timeouts and connection
  errors mean the rules are unknown, so the host is treated as disallowed, conservatively
  (RFC 9309 §2.3.1.4). Only the first 512 KiB of a robots.txt are read.
* **Per-host spacing.** Two requests to the same host (robots.txt and retries included)
  are at least ``settings.per_host_delay`` seconds apart; ``request_log`` records them.
* **Bounded size and time.** Bodies are streamed and abandoned past
  ``settings.max_input_bytes`` (``too-large``); httpx applies ``fetch_timeout`` to connect
  and to each read, and a whole body must arrive within three times that, so a server
  that drips one byte a second cannot hold the run forever.
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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

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

Resolver = Callable[..., list[tuple]]  # socket.getaddrinfo's shape


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

    ``transport``, ``sleep``, ``clock`` and ``resolver`` exist for tests; ``backoff_base``
    is the first retry delay in seconds (doubling each attempt).
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
    ) -> None:
        self.settings = settings
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
        """GET ``url``, following redirects by hand so that every hop is checked."""
        current = url
        for _ in range(self._max_redirects + 1):
            host, port = self._check_url(current)
            self._check_address(current, host, port)
            if robots and not self.robots_allows(current):
                note = self._robots_for(current).note or "robots.txt disallows it for this user agent"
                raise FetchError(f"{current}: not fetched, {note}", reason="robots")
            reply = self._request(current, host, limit, truncate=truncate)
            location = reply.headers.get("Location")
            if reply.status in REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                continue
            return reply
        raise FetchError(f"{url}: more than {self._max_redirects} redirects", reason="too-many-redirects")

    @staticmethod
    def _check_url(url: str) -> tuple[str, int]:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"{url}: invalid port ({exc})", reason="bad-url") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url}: only http and https URLs can be fetched", reason="bad-url")
        return parts.hostname, port or (443 if parts.scheme == "https" else 80)

    def _check_address(self, url: str, host: str, port: int) -> None:
        """Refuse hosts that resolve to a non-public address (any of them)."""
        if self.settings.allow_private:
            return
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                ascii_host = host.encode("idna").decode("ascii")
                infos = self._resolve(ascii_host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise FetchError(f"{url}: cannot resolve host {host!r} ({exc})", reason="dns") from exc
            addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        for ip in addresses:
            if refused_address(ip):
                raise FetchError(
                    f"{url}: {host} is a private, loopback or otherwise non-public address ({ip}); "
                    "pass --allow-private to fetch from it",
                    reason="private-address",
                )

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
        delay = min(self._backoff_base * 2**attempt, MAX_BACKOFF)
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
