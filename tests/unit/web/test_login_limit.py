"""The login form's rate limit (per client address and in all, on the app, with a clock tests
replace) and the token ``newstrace serve`` accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx2")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from newstrace.cli import app as cli_app  # noqa: E402
from newstrace.errors import UsageError  # noqa: E402
from newstrace.web import create_app  # noqa: E402
from newstrace.web.security import (  # noqa: E402
    LOGIN_FAILURES_PER_CLIENT,
    LOGIN_WINDOW,
    LoginLimiter,
    check_token,
)

TOKEN = "correct-horse-battery-staple"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _login(c: TestClient, password: str) -> Any:
    page = c.get("/login")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return c.post("/login", data={"password": password, "csrf_token": csrf}, follow_redirects=False)


@pytest.fixture()
def server(tmp_path: Path) -> tuple[Any, Clock]:
    application = create_app(tmp_path / "s.db", token=TOKEN)
    clock = Clock()
    application.state.guard.login_limiter.clock = clock
    return application, clock


def test_a_guessing_client_gets_429_with_retry_after(server: tuple[Any, Clock]) -> None:
    application, clock = server
    with TestClient(application, client=("203.0.113.7", 5000)) as guesser:
        for _ in range(LOGIN_FAILURES_PER_CLIENT):
            r = _login(guesser, "wrong guess")
            assert r.status_code == 401 and "wrong token" in r.text
            clock.now += 1
        blocked = _login(guesser, "another guess")
        assert blocked.status_code == 429 and "too many failed attempts" in blocked.text
        wait = int(blocked.headers["retry-after"])
        assert wait == int(LOGIN_WINDOW) - LOGIN_FAILURES_PER_CLIENT
        # while blocked, even the right token is not looked at
        assert _login(guesser, TOKEN).status_code == 429
        # another address is not held up by this one
        with TestClient(application, client=("198.51.100.9", 5000)) as other:
            assert _login(other, TOKEN).status_code == 303
        clock.now += wait
        ok = _login(guesser, TOKEN)
        assert ok.status_code == 303 and "nt_session=" in ok.headers["set-cookie"]
        # a success forgets the failures
        for _ in range(LOGIN_FAILURES_PER_CLIENT - 1):
            assert _login(guesser, "wrong again").status_code == 401
        assert _login(guesser, "wrong again").status_code == 401


def test_the_limiter_lives_on_each_app(tmp_path: Path) -> None:
    a, b = create_app(tmp_path / "a.db", token=TOKEN), create_app(tmp_path / "b.db", token=TOKEN)
    assert a.state.guard.login_limiter is not b.state.guard.login_limiter
    for _ in range(LOGIN_FAILURES_PER_CLIENT):
        a.state.guard.login_limiter.failed("testclient")
    with TestClient(a) as ca, TestClient(b) as cb:
        assert _login(ca, TOKEN).status_code == 429
        assert _login(cb, TOKEN).status_code == 303


def test_a_server_without_token_has_no_login_to_limit(tmp_path: Path) -> None:
    application = create_app(tmp_path / "open.db")
    for _ in range(LOGIN_FAILURES_PER_CLIENT + 2):
        application.state.guard.login_limiter.failed("testclient")
    with TestClient(application) as c:
        csrf = c.get("/api/v1/csrf").json()["csrf_token"]
        r = c.post("/login", data={"password": "anything", "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303


def test_the_global_ceiling_holds_everyone_back() -> None:
    clock = Clock()
    limiter = LoginLimiter(per_client=5, total=3, window=60, clock=clock)
    for i in range(3):
        limiter.failed(f"10.0.0.{i}")
        clock.now += 10
    assert limiter.retry_after("10.9.9.9") == 30  # the oldest of the last 3 leaves the window then
    clock.now += 30
    assert limiter.retry_after("10.9.9.9") == 0
    assert limiter.retry_after("10.0.0.1") == 0  # one failure of its own: far from its limit


def test_the_limiter_forgets_old_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace.web import security

    monkeypatch.setattr(security, "LOGIN_MAX_CLIENTS", 10)
    clock = Clock()
    limiter = LoginLimiter(per_client=2, total=1000, window=60, clock=clock)
    for i in range(10):
        limiter.failed(f"old-{i}")
    clock.now += 61
    for i in range(5):
        limiter.failed(f"new-{i}")
    assert len(limiter._clients) == 5
    for i in range(20):
        limiter.failed(f"burst-{i}")
    assert len(limiter._clients) == 10  # all recent: the least recently seen are dropped


# -- the token -----------------------------------------------------------------------------------


def test_check_token() -> None:
    assert check_token(None) is None and check_token("") is None
    assert check_token(f"  {TOKEN}\n") == TOKEN
    for bad, words in [
        (" " * 16, "at least 16"),
        ("short", "at least 16"),
        ("   abcdefghijklmno   ", "at least 16"),  # 15 once trimmed
        ("abcdefgh ijklmnopq", "a space"),
        ("abcdefgh\tijklmnopq", "a space"),
        ("abcdefgh\x00ijklmnopq", "a control character"),
        ("abcdefgh\x7fijklmnopq", "a control character"),
        ("abcdefghéijklmnopq", "non-ASCII"),
    ]:
        with pytest.raises(UsageError, match=words) as exc:
            check_token(bad)
        assert "\n" not in exc.value.message
        assert not bad.strip() or bad.strip() not in exc.value.message  # the secret is not repeated


def test_serve_refuses_a_blank_or_spaced_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSTRACE_TOKEN", raising=False)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda application, **kw: calls.append({"app": application, **kw}))
    db = str(tmp_path / "s.db")
    for bad in (" " * 16, " " * 20, "abcdefgh ijklmnopq", "abcdefgh\x01ijklmnopq", "tiny"):
        for where in (["--token", bad], []):
            env = {} if where else {"NEWSTRACE_TOKEN": bad}
            r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", *where, "--db", db], env=env)
            assert r.exit_code == 2, (bad, r.output)
            lines = r.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: the token") and "Traceback" not in r.output
    assert not calls
    r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--token", f" {TOKEN} ", "--db", db])
    assert r.exit_code == 0, r.output
    with TestClient(calls[-1]["app"]) as c:
        assert c.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
