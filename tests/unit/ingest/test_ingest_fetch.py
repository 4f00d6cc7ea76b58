"""The Fetcher against a real HTTP server on 127.0.0.1, plus address and backoff rules."""

from __future__ import annotations

import ipaddress
import itertools
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from newstrace.config import Settings
from newstrace.ingest.fetch import Fetcher, refused_address
from newstrace.models import Failure, RawInput

#: the conftest's LocalServer (a fixture; its class is not imported, conftest is not a module to import)
LocalServer = Any


@pytest.fixture
def fetcher(settings: Settings) -> Iterator[Fetcher]:
    with Fetcher(settings, backoff_base=0.01) as f:
        yield f


def test_fetches_a_page_with_metadata(server: LocalServer, fetcher: Fetcher, settings: Settings) -> None:
    server.routes["/page"] = server.Reply(body=b"<html><p>hi</p></html>")
    got = fetcher.fetch(server.url("/page"))
    assert isinstance(got, RawInput)
    assert got.source == got.url == server.url("/page")
    assert got.data == b"<html><p>hi</p></html>"
    assert got.content_type == "text/html"
    assert got.encoding == "utf-8"
    assert got.fetched_at and got.fetched_at.endswith("+00:00")
    assert all(h.user_agent == settings.user_agent for h in server.hits)


def test_non_2xx_is_a_failure(server: LocalServer, fetcher: Fetcher) -> None:
    got = fetcher.fetch(server.url("/missing"))
    assert isinstance(got, Failure)
    assert got.reason == "http-404"
    assert got.stage == "ingest"


def test_robots_disallow_is_honoured_and_cached(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = server.Reply(
        body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    server.routes["/private/story"] = server.Reply()
    server.routes["/public/story"] = server.Reply()
    refused = fetcher.fetch(server.url("/private/story"))
    allowed = fetcher.fetch(server.url("/public/story"))
    assert isinstance(refused, Failure) and refused.reason == "robots"
    assert isinstance(allowed, RawInput)
    assert server.paths() == ["/robots.txt", "/public/story"]  # fetched once, page never asked for


def test_robots_rules_for_our_agent(server: LocalServer, settings: Settings) -> None:
    server.routes["/robots.txt"] = server.Reply(
        body=b"User-agent: newstrace-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n", headers={}
    )
    server.routes["/a"] = server.Reply()
    with Fetcher(settings) as f:
        got = f.fetch(server.url("/a"))
    assert isinstance(got, Failure) and got.reason == "robots"


def test_robots_4xx_means_allowed(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/a"] = server.Reply()
    assert isinstance(fetcher.fetch(server.url("/a")), RawInput)  # /robots.txt is a 404 here


def test_robots_5xx_means_disallowed(server: LocalServer, settings: Settings) -> None:
    server.routes["/robots.txt"] = server.Reply(500, b"oops", {})
    server.routes["/a"] = server.Reply()
    with Fetcher(settings.with_(fetch_retries=0)) as f:
        got = f.fetch(server.url("/a"))
    assert isinstance(got, Failure) and got.reason == "robots"
    assert "HTTP 500" in got.message
    assert "/a" not in server.paths()


def test_robots_can_be_switched_off(server: LocalServer, settings: Settings) -> None:
    server.routes["/robots.txt"] = server.Reply(body=b"User-agent: *\nDisallow: /\n", headers={})
    server.routes["/a"] = server.Reply()
    with Fetcher(settings.with_(respect_robots=False)) as f:
        assert isinstance(f.fetch(server.url("/a")), RawInput)
    assert server.paths() == ["/a"]


def test_requests_to_one_host_are_spaced(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = server.Reply()
    server.routes["/b"] = server.Reply()
    delay = 0.2
    with Fetcher(settings.with_(per_host_delay=delay)) as f:
        assert isinstance(f.fetch(server.url("/a")), RawInput)
        assert isinstance(f.fetch(server.url("/b")), RawInput)
        log = f.request_log
    assert [r.url.rsplit("/", 1)[-1] for r in log] == ["robots.txt", "a", "b"]
    assert {r.host for r in log} == {"127.0.0.1"}
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(log)]
    assert all(g >= delay for g in gaps), gaps


class FakeClock:
    """A clock that only moves when the fetcher sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def _mock_fetcher(settings: Settings, handler, clock: FakeClock | None = None, **kw) -> Fetcher:  # type: ignore[no-untyped-def]
    clock = clock or FakeClock()
    return Fetcher(settings, transport=httpx.MockTransport(handler), sleep=clock.sleep, clock=clock, **kw)


def test_spacing_is_per_host(settings: Settings) -> None:
    clock = FakeClock()
    with _mock_fetcher(
        settings.with_(per_host_delay=2.0, respect_robots=False), lambda r: httpx.Response(200), clock
    ) as f:
        f.fetch("http://a.test/1")
        f.fetch("http://b.test/1")  # another host: no wait
        f.fetch("http://a.test/2")  # same host, 0 s since: waits the full delay
    assert clock.sleeps == [2.0]
    assert [r.host for r in f.request_log] == ["a.test", "b.test", "a.test"]


def test_retry_after_a_503_then_success(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/flaky"] = [server.Reply(503, b"busy", {"Retry-After": "0"}), server.Reply(body=b"<html>ok</html>")]
    got = fetcher.fetch(server.url("/flaky"))
    assert isinstance(got, RawInput) and got.data == b"<html>ok</html>"
    assert server.paths() == ["/robots.txt", "/flaky", "/flaky"]


def test_retries_give_up_with_the_last_status(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/down"] = server.Reply(502, b"bad gateway", {})
    got = fetcher.fetch(server.url("/down"))
    assert isinstance(got, Failure) and got.reason == "http-502"
    assert server.paths().count("/down") == 3  # 1 + fetch_retries (2)


def test_backoff_is_exponential_and_honours_retry_after(settings: Settings) -> None:
    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(503),
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, content=b"ok"),
        ]
    )
    clock = FakeClock()
    with _mock_fetcher(
        settings.with_(fetch_retries=3, respect_robots=False), lambda r: next(answers), clock, backoff_base=0.5
    ) as f:
        got = f.fetch("http://a.test/x")
    assert isinstance(got, RawInput)
    assert clock.sleeps == [0.5, 1.0, 7.0]


def test_a_retry_after_of_an_hour_is_not_waited_for(settings: Settings) -> None:
    clock = FakeClock()
    with _mock_fetcher(
        settings.with_(respect_robots=False), lambda r: httpx.Response(429, headers={"Retry-After": "3600"}), clock
    ) as f:
        got = f.fetch("http://a.test/x")
    assert isinstance(got, Failure) and got.reason == "http-429"
    assert clock.sleeps == []


def test_connection_refused_is_retried_then_fails(settings: Settings) -> None:
    with socket.socket() as s:  # find a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Fetcher(settings.with_(fetch_retries=1, respect_robots=False), backoff_base=0.01) as f:
        got = f.fetch(f"http://127.0.0.1:{port}/")
        assert len(f.request_log) == 2
    assert isinstance(got, Failure) and got.reason == "connect-error"


def test_read_timeout(settings: Settings) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with Fetcher(settings.with_(fetch_timeout=0.2, fetch_retries=0, respect_robots=False)) as f:
            got = f.fetch(url)
    assert isinstance(got, Failure) and got.reason == "timeout"


@pytest.mark.parametrize("stream", [False, True])
def test_size_cap(server: LocalServer, settings: Settings, stream: bool) -> None:
    # with Content-Length the page is refused up front; without, while streaming
    server.routes["/big"] = server.Reply(body=b"<p>" + b"x" * 200_000, stream=stream)
    with Fetcher(settings.with_(max_input_bytes=50_000)) as f:
        got = f.fetch(server.url("/big"))
    assert isinstance(got, Failure) and got.reason == "too-large"


def test_redirect_is_followed_and_rechecked(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = server.Reply(body=b"User-agent: *\nDisallow: /private/\n", headers={})
    server.routes["/old"] = server.Reply(301, b"", {"Location": "/new"})
    server.routes["/new"] = server.Reply(body=b"<html>moved</html>")
    server.routes["/sneaky"] = server.Reply(302, b"", {"Location": "/private/x"})
    got = fetcher.fetch(server.url("/old"))
    assert isinstance(got, RawInput)
    assert got.source == server.url("/old") and got.url == server.url("/new")
    sneaky = fetcher.fetch(server.url("/sneaky"))
    assert isinstance(sneaky, Failure) and sneaky.reason == "robots"


def test_redirect_loop(server: LocalServer, fetcher: Fetcher) -> None:
    server.routes["/loop"] = server.Reply(302, b"", {"Location": "/loop"})
    got = fetcher.fetch(server.url("/loop"))
    assert isinstance(got, Failure) and got.reason == "too-many-redirects"


def test_loopback_is_refused_without_allow_private(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = server.Reply()
    with Fetcher(settings.with_(allow_private=False)) as f:
        by_ip = f.fetch(server.url("/a"))
        by_name = f.fetch(f"http://localhost:{server.port}/a")
    for got in (by_ip, by_name):
        assert isinstance(got, Failure)
        assert got.reason == "private-address"
        assert "--allow-private" in got.message
    assert server.hits == []


def _fake_resolver(table: dict[str, str]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "unknown host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (table[host], port))]

    return resolve


@pytest.mark.parametrize("target", ["http://127.0.0.1/admin", "http://intranet.test/", "http://[::1]/x"])
def test_redirect_to_a_private_address_is_refused(settings: Settings, target: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "news.test", "never connects to the private target"
        return httpx.Response(302, headers={"Location": target})

    resolver = _fake_resolver({"news.test": "93.184.216.34", "intranet.test": "10.1.2.3"})
    with _mock_fetcher(settings.with_(allow_private=False, respect_robots=False), handler, resolver=resolver) as f:
        got = f.fetch("http://news.test/story")
    assert isinstance(got, Failure) and got.reason == "private-address"


def test_unresolvable_host(settings: Settings) -> None:
    with _mock_fetcher(
        settings.with_(allow_private=False), lambda r: httpx.Response(200), resolver=_fake_resolver({})
    ) as f:
        got = f.fetch("http://nowhere.test/")
    assert isinstance(got, Failure) and got.reason == "dns"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::",
        "ff02::1",
        "::ffff:127.0.0.1",
    ],
)
def test_refused_addresses(address: str) -> None:
    assert refused_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert not refused_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", ["ftp://a.test/x", "file:///etc/passwd", "http:///nohost"])
def test_bad_urls(settings: Settings, url: str) -> None:
    with _mock_fetcher(settings, lambda r: httpx.Response(200)) as f:
        got = f.fetch(url)
    assert isinstance(got, Failure) and got.reason == "bad-url"


def test_cap_applies_after_content_decoding(server: LocalServer, settings: Settings) -> None:
    import gzip

    bomb = gzip.compress(b"<p>" + b"x" * 500_000)  # ~500 bytes on the wire
    server.routes["/bomb"] = server.Reply(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    with Fetcher(settings.with_(max_input_bytes=50_000)) as f:
        got = f.fetch(server.url("/bomb"))
    assert isinstance(got, Failure) and got.reason == "too-large"


def test_redirect_to_another_host_reads_that_hosts_robots(settings: Settings) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            rules = b"User-agent: *\nDisallow: /\n" if request.url.host == "b.test" else b""
            return httpx.Response(200, content=rules)
        return httpx.Response(302, headers={"Location": "http://b.test/story"})

    with _mock_fetcher(settings, handler) as f:
        got = f.fetch("http://a.test/story")
        hosts_and_paths = [(r.host, r.url.split("/", 3)[3]) for r in f.request_log]
    assert isinstance(got, Failure) and got.reason == "robots"
    assert hosts_and_paths == [("a.test", "robots.txt"), ("a.test", "story"), ("b.test", "robots.txt")]
