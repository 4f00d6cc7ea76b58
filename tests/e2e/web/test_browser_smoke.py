"""The browser harness itself: Chromium opens the server's JSON, the security headers
reach it, nothing leaves the machine, and a screenshot is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newstrace.web.security import CSP

pytestmark = pytest.mark.e2e


def test_openapi_opens_in_chromium_with_the_security_headers(page: Any, live_server: Any, screenshot: Any) -> None:
    resp = page.goto("/openapi.json")
    assert resp is not None and resp.status == 200
    headers = resp.headers  # lower-cased names
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-type"].startswith("application/json")
    spec = json.loads(resp.text())
    assert spec["info"]["title"] == "newstrace"
    assert "/api/v1/search" in spec["paths"]
    shot = screenshot(page, "openapi")
    assert shot.stat().st_size > 1000
    assert not page.context.outside_requests


def test_a_json_endpoint_renders_and_is_not_cached(page: Any, live_server: Any, screenshot: Any) -> None:
    resp = page.goto("/api/v1/search?q=said&limit=5")
    assert resp is not None and resp.status == 200
    assert resp.headers["content-security-policy"] == CSP
    assert resp.headers["cache-control"] == "no-store"
    body = json.loads(resp.text())
    assert body["items"], "the sample corpus has articles with 'said'"
    first = body["items"][0]
    assert {"id", "title", "snippet"} <= set(first)
    # Chromium shows JSON as text: the title is on the page, never turned into markup
    assert str(first["title"])[:20] in page.inner_text("body")
    screenshot(page, "search-json")
    # the CSP reaches the browser: an inline script is refused on a page the server serves
    blocked = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {once: true});
            const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
            document.body.appendChild(s);
            setTimeout(() => resolve(window.__ran ? 'ran' : 'no-event'), 2000);
        })"""
    )
    assert blocked.startswith("script-src"), blocked
    assert not page.context.outside_requests


def test_an_unknown_article_is_a_json_404(page: Any, live_server: Any) -> None:
    resp = page.goto("/api/v1/articles/999999")
    assert resp is not None and resp.status == 404
    assert resp.headers["content-security-policy"] == CSP
    assert json.loads(resp.text())["error"]["reason"] == "not-found"
