"""The fetcher connects to the address it checked: DNS rebinding, redirects, pooling, TLS.

Everything runs on the loopback interface. 127.0.0.1 is where the test servers listen;
where a test needs a "public" address that the guard accepts, ``vet_address`` lets it
accept one loopback address (127.0.0.2, where nothing listens) in its place, or the
socket connect is intercepted so that no packet leaves the machine.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpcore
import pytest

from newstrace.config import Settings
from newstrace.ingest.fetch import Fetcher, _PinnedBackend
from newstrace.models import Failure, RawInput

#: the conftest's LocalServer (a fixture; conftest is not a module to import)
LocalServer = Any
MakeServer = Callable[..., Any]

LOOPBACK = ipaddress.ip_address("127.0.0.1")
#: stands in for a public address: ``vet_address`` accepts it, and nothing listens on it
STAND_IN = ipaddress.ip_address("127.0.0.2")


class FakeDNS:
    """A DNS server that answers each name from a script: ``answers[name]`` in turn, then the last one.

    ``install`` also puts it behind ``socket.getaddrinfo``, so any lookup anywhere (httpx's
    own, were it to look the name up again) draws from the same script, as a rebinding DNS
    server would answer it.
    """

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = {name: list(ips) for name, ips in answers.items()}
        self.asked: list[str] = []

    def __call__(self, host: object, port: object, *args: object, **kwargs: object) -> list[tuple[Any, ...]]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.asked.append(name)
        script = self.answers[name]
        ip = script.pop(0) if len(script) > 1 else script[0]
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
        real = socket.getaddrinfo  # the conftest's loopback-only guard

        def getaddrinfo(host: object, *args: object, **kwargs: object) -> list[tuple[Any, ...]]:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if name in self.answers:
                return self(host, *args, **kwargs)
            return real(host, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return self


def _only(*allowed: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Callable[[Any], bool]:
    return lambda ip: ip in allowed


@pytest.fixture
def strict(settings: Settings) -> Settings:
    """The address guard on, robots.txt off (one lookup per fetch), no retries, short timeouts."""
    return settings.with_(allow_private=False, respect_robots=False, fetch_retries=0, fetch_timeout=1.0)


def test_dns_rebinding_never_reaches_loopback(
    server: LocalServer, strict: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/admin"] = server.Reply(body=b"<html>secret</html>")
    dns = FakeDNS({"rebind.test": [str(STAND_IN), "127.0.0.1"]}).install(monkeypatch)
    with Fetcher(strict, resolver=dns, vet_address=_only(STAND_IN)) as f:
        got = f.fetch(f"http://rebind.test:{server.port}/admin")
    assert isinstance(got, Failure) and got.reason in ("connect-error", "timeout")  # 127.0.0.2: nobody there
    assert server.hits == []
    assert dns.asked == ["rebind.test"]  # looked up once, by the guard; never again to connect


def test_dns_rebinding_with_the_real_guard_connects_only_to_the_public_address(
    server: LocalServer, strict: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/admin"] = server.Reply(body=b"<html>secret</html>")
    dns = FakeDNS({"rebind.test": ["93.184.216.34", "127.0.0.1"]}).install(monkeypatch)
    connects: list[tuple[str, int]] = []

    def connect_tcp(self: object, host: str, port: int, *args: object, **kwargs: object) -> object:
        connects.append((host, port))  # nothing leaves the machine
        raise httpcore.ConnectError("refused by the test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect_tcp)
    with Fetcher(strict, resolver=dns) as f:
        got = f.fetch(f"http://rebind.test:{server.port}/admin")
    assert isinstance(got, Failure) and got.reason == "connect-error"
    assert connects == [("93.184.216.34", server.port)]
    assert server.hits == []


def test_the_connection_goes_to_the_vetted_address(
    server: LocalServer, strict: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes["/story"] = server.Reply(body=b"<html>story</html>")
    # were the name looked up again, it would lead to 127.0.0.2, where nobody listens
    dns = FakeDNS({"pinned.test": ["127.0.0.1", str(STAND_IN)]}).install(monkeypatch)
    with Fetcher(strict, resolver=dns, vet_address=_only(LOOPBACK, STAND_IN)) as f:
        got = f.fetch(f"http://pinned.test:{server.port}/story")
    assert isinstance(got, RawInput) and got.data == b"<html>story</html>"
    assert got.url == f"http://pinned.test:{server.port}/story"
    assert [(h.path, h.host) for h in server.hits] == [("/story", f"pinned.test:{server.port}")]
    assert dns.asked == ["pinned.test"]


def test_every_redirect_hop_is_checked_and_pinned(
    server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = server.port
    server.routes["/robots.txt"] = server.Reply(404, b"", {})
    server.routes["/old"] = server.Reply(302, b"", {"Location": f"http://second.test:{port}/new"})
    server.routes["/new"] = server.Reply(body=b"<html>new</html>")
    server.routes["/away"] = server.Reply(302, b"", {"Location": f"http://inside.test:{port}/new"})
    dns = FakeDNS(
        {"first.test": ["127.0.0.1"], "second.test": ["127.0.0.1"], "inside.test": ["127.0.0.3"]}
    ).install(monkeypatch)
    guarded = settings.with_(allow_private=False, fetch_retries=0, fetch_timeout=1.0)
    with Fetcher(guarded, resolver=dns, vet_address=_only(LOOPBACK, STAND_IN)) as f:
        moved = f.fetch(f"http://first.test:{port}/old")
        refused = f.fetch(f"http://first.test:{port}/away")
    assert isinstance(moved, RawInput) and moved.data == b"<html>new</html>"
    assert isinstance(refused, Failure) and refused.reason == "private-address"
    assert [(h.path, h.host) for h in server.hits] == [
        ("/robots.txt", f"first.test:{port}"),
        ("/old", f"first.test:{port}"),
        ("/robots.txt", f"second.test:{port}"),
        ("/new", f"second.test:{port}"),
        ("/away", f"first.test:{port}"),
    ]
    # each hop looked up once, robots.txt's fetch included, and never again by httpx
    assert dns.asked == ["first.test", "first.test", "second.test", "second.test", "first.test", "inside.test"]


@pytest.fixture
def two_servers(make_server: MakeServer) -> tuple[LocalServer, LocalServer]:
    """Keep-alive servers on 127.0.0.1 and 127.0.0.2, on the same port."""
    try:
        b = make_server(str(STAND_IN), keep_alive=True)
        a = make_server("127.0.0.1", b.port, keep_alive=True)
    except OSError as exc:  # 127.0.0.2 is not a local address on every system
        pytest.skip(f"cannot listen on 127.0.0.2 and 127.0.0.1 on one port ({exc})")
    return a, b


def test_a_pooled_connection_is_reused_only_for_the_same_pinned_address(
    two_servers: tuple[LocalServer, LocalServer], strict: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_servers
    for s in (a, b):
        s.routes["/p"] = s.Reply(body=f"<html>{s.address}</html>".encode())
    dns = FakeDNS({"moving.test": ["127.0.0.1", "127.0.0.1", str(STAND_IN)]}).install(monkeypatch)
    url = f"http://moving.test:{a.port}/p"
    with Fetcher(strict, resolver=dns, vet_address=_only(LOOPBACK, STAND_IN)) as f:
        got = [f.fetch(url) for _ in range(4)]
    assert [g.data for g in got if isinstance(g, RawInput)] == [
        b"<html>127.0.0.1</html>",
        b"<html>127.0.0.1</html>",  # same pin: the kept-alive connection may serve it
        b"<html>127.0.0.2</html>",  # pin changed: the pooled connection to .1 is not reused
        b"<html>127.0.0.2</html>",
    ]
    assert len(a.hits) == 2 and len(b.hits) == 2


def test_allow_private_resolves_as_usual(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = server.Reply()
    with Fetcher(settings.with_(respect_robots=False)) as f:  # the fixture allows private addresses
        got = f.fetch(f"http://localhost:{server.port}/a")
    assert isinstance(got, RawInput)
    assert server.hits[0].host == f"localhost:{server.port}"


def test_a_host_without_a_pin_is_never_connected() -> None:
    with pytest.raises(httpcore.ConnectError, match="no checked address"):
        _PinnedBackend(strict=True).connect_tcp("unpinned.test", 80, timeout=1.0)


# -- TLS: SNI and the certificate check use the host name, not the pinned address ---------


@pytest.fixture(scope="module")
def localhost_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the name ``localhost`` (no IP in it), and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(localhost_cert: tuple[Path, Path], make_server: MakeServer) -> tuple[LocalServer, list[str | None]]:
    """An HTTPS server on 127.0.0.1 with the ``localhost`` certificate, and the SNI names it was sent."""
    cert, key = localhost_cert
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,func-returns-value]
    return make_server(tls=context), names


def test_tls_checks_the_host_name_on_a_pinned_connection(
    tls_server: tuple[LocalServer, list[str | None]],
    localhost_cert: tuple[Path, Path],
    strict: Settings,
) -> None:
    server, sni = tls_server
    server.routes["/secure"] = server.Reply(body=b"<html>tls</html>")
    dns = FakeDNS({"localhost": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    trust = ssl.create_default_context(cafile=str(localhost_cert[0]))
    with Fetcher(strict, resolver=dns, vet_address=_only(LOOPBACK), ssl_context=trust) as f:
        good = f.fetch(f"https://localhost:{server.port}/secure")
        wrong_name = f.fetch(f"https://other.test:{server.port}/secure")
    # connected to 127.0.0.1, yet verified against "localhost": the certificate holds no IP
    assert isinstance(good, RawInput) and good.data == b"<html>tls</html>"
    assert sni[0] == "localhost"
    assert [(h.path, h.host) for h in server.hits] == [("/secure", f"localhost:{server.port}")]
    # the same address under a name the certificate does not cover is refused
    assert isinstance(wrong_name, Failure) and wrong_name.reason == "connect-error"
    assert "certificate" in wrong_name.message.lower()
    assert sni[-1] == "other.test"
