"""The login form of a server started with a token: it sets an HttpOnly, SameSite=Strict
session cookie. API clients send ``Authorization: Bearer <token>`` instead.

Failed attempts are counted by the app's :class:`~newstrace.web.security.LoginLimiter`: a
client address past its limit (or everyone, past the global one) gets 429 and
``Retry-After`` without its password being looked at. The address is the connection's:
behind a reverse proxy every client shares the proxy's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from newstrace.web.app import TEMPLATES_DIR
from newstrace.web.security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    Guard,
    csrf_token_for,
    set_csrf_cookie,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def safe_next(value: str | None) -> str:
    """A local path to go to after login; anything else (another site, a scheme) is '/'."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "/"
    return value


def _page(request: Request, *, error: str | None = None, next_: str = "/", status: int = 200) -> Response:
    token, fresh = csrf_token_for(request)
    guard: Guard = request.app.state.guard
    resp = templates.TemplateResponse(
        request, "login.html",
        {"csrf_field": CSRF_FIELD, "csrf_token": token, "error": error, "next": safe_next(next_),
         "needs_login": guard.token is not None},
        status_code=status,
    )
    if fresh:
        set_csrf_cookie(resp, request, token)
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    return _page(request, next_=next)


@router.post("/login")
def login(
    request: Request,
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    guard: Guard = request.app.state.guard
    if guard.token is None:
        return RedirectResponse(safe_next(next), status_code=303)
    client = request.client.host if request.client else "unknown"
    limiter = guard.login_limiter
    wait = limiter.retry_after(client)
    if wait:
        resp = _page(request, error=f"too many failed attempts: try again in {wait} seconds", next_=next,
                     status=429)
        resp.headers["Retry-After"] = str(wait)
        return resp
    if not guard.check_password(password):
        limiter.failed(client)
        return _page(request, error="wrong token", next_=next, status=401)
    limiter.succeeded(client)
    resp = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(resp, request, guard.mint_session())
    return resp


@router.post("/logout")
def logout(request: Request) -> Response:
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return resp
