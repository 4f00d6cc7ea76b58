"""The JSON API of ``newstrace serve``: every endpoint, its errors, pagination, uploads,
CSRF, authentication, security headers, and hostile page content carried as plain strings."""

from __future__ import annotations

import csv
import io
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx2")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from hostile_content import HOSTILE_PAGE, IMG, JS_LINK, SCRIPT, hostile_article, store_and_link  # noqa: E402
from newstrace.config import load_settings  # noqa: E402
from newstrace.web import create_app  # noqa: E402
from newstrace.web.login import safe_next  # noqa: E402
from newstrace.web.security import CSP, is_loopback  # noqa: E402
from newstrace.store.export import safe_cell  # noqa: E402
from newstrace.web.services import snippet_parts  # noqa: E402

TOKEN = "correct-horse-battery-staple"

# -- fixtures ---------------------------------------------------------------------------------


def _csrf(c: TestClient) -> str:
    r = c.get("/api/v1/csrf")
    assert r.status_code == 200
    return r.json()["csrf_token"]


@pytest.fixture(scope="module")
def hostile(client: TestClient) -> dict[str, Any]:
    """The hostile page, uploaded through the API (with the CSRF token as a form field)."""
    token = _csrf(client)
    r = client.post(
        "/api/v1/ingest/upload",
        files={"file": ("../../etc/<b>hostile<i>.html", HOSTILE_PAGE.encode(), "text/html")},
        data={"csrf_token": token, "url": "https://gazette.example/ferry-fire"},
    )
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["added"] == 1 and rec["failed"] == 0
    assert rec["linked"]["articles"] >= 1
    art = rec["articles"][0]
    assert art["status"] == "added" and art["story_id"] is not None
    assert art["source"] == "upload:<b>hostile<i>.html"  # the base name only
    return art


@pytest.fixture(scope="module")
def handmade(client: TestClient, hostile: dict[str, Any]) -> int:
    """An article made by hand, hostile in every field extraction would have cleaned
    (byline, outlet, URL, claim source), stored and linked directly."""
    return store_and_link(client, hostile_article())


def _leak_story(client: TestClient) -> dict[str, Any]:
    items = client.get("/api/v1/stories", params={"q": "ammonia"}).json()["items"]
    return next(s for s in items if s["articles"] == 14)


def _error(r: Any, status: int, reason: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["message"]
    if reason:
        assert err["reason"] == reason, err
    return err


def _all_pages(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    r = client.get(url, params=params)
    while True:
        body = r.json()
        out += body["items"]
        if body["next"] is None:
            return out
        r = client.get(body["next"])


# -- headers, OpenAPI, meta -------------------------------------------------------------------


def test_every_response_has_the_security_headers(client: TestClient) -> None:
    for r in (client.get("/api/v1/stats"), client.get("/api/v1/articles/999999"), client.get("/nope"),
              client.get("/api/v1/articles?limit=0"), client.get("/openapi.json"), client.get("/login"),
              client.post("/api/v1/ingest/url", json={"url": "https://example.com/"})):
        assert r.headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        for part in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                     "frame-ancestors 'none'"):
            assert part in CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert client.get("/api/v1/stats").headers["cache-control"] == "no-store"


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ("/api/v1/articles", "/api/v1/articles/{article_id}", "/api/v1/claims", "/api/v1/sources",
              "/api/v1/sources/{name}", "/api/v1/stories", "/api/v1/stories/{story_id}",
              "/api/v1/stories/{story_id}/timeline", "/api/v1/stories/{story_id}/claim-groups",
              "/api/v1/stories/{story_id}/graph", "/api/v1/stories/{story_id}/figures", "/api/v1/claim-groups",
              "/api/v1/claim-groups/{group_id}", "/api/v1/search", "/api/v1/ingest/url", "/api/v1/ingest/upload",
              "/api/v1/export/articles", "/api/v1/export/claims", "/api/v1/export/graph", "/api/v1/csrf",
              "/api/v1/stats"):
        assert p in paths, p
    assert client.get("/docs").status_code == 404  # Swagger UI needs inline script: not served


def test_stats(client: TestClient, hostile: dict[str, Any]) -> None:
    s = client.get("/api/v1/stats").json()
    assert s["articles"] == 17 and s["stories"] >= 3 and s["claims"] > 100


# -- articles ---------------------------------------------------------------------------------


def test_articles_paginate_with_next(client: TestClient, hostile: dict[str, Any]) -> None:
    first = client.get("/api/v1/articles", params={"limit": 5}).json()
    assert first["limit"] == 5 and first["offset"] == 0 and len(first["items"]) == 5
    assert first["next"].startswith("/api/v1/articles?") and "offset=5" in first["next"]
    everything = _all_pages(client, "/api/v1/articles", limit=5)
    ids = [a["id"] for a in everything]
    assert len(ids) == 17 == len(set(ids))
    dates = [a["published"] for a in everything if a["published"]]
    assert dates == sorted(dates, reverse=True)
    last = client.get("/api/v1/articles", params={"limit": 5, "offset": 15}).json()
    assert len(last["items"]) == 2 and last["next"] is None
    assert client.get("/api/v1/articles", params={"offset": 1000}).json() == {
        "items": [], "limit": 50, "offset": 1000, "next": None}


def test_articles_filters(client: TestClient) -> None:
    items = client.get("/api/v1/articles", params={"outlet": "Harbor Wire"}).json()["items"]
    assert items and all(a["outlet"] == "Harbor Wire" for a in items)
    items = client.get("/api/v1/articles", params={"since": "2025-10-12", "until": "2025-10-12"}).json()["items"]
    assert items and all(a["published"] == "2025-10-12" for a in items)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "x"}, {"offset": -1},
                                    {"since": "2025-13-01"}, {"until": "yesterday"}, {"outlet": "x" * 501}])
def test_articles_bad_parameters(client: TestClient, params: dict[str, Any]) -> None:
    err = _error(client.get("/api/v1/articles", params=params), 422, "invalid-parameter")
    assert next(iter(params)) in err["message"]
    assert err["details"][0]["parameter"] == next(iter(params))


def test_article_has_captions_claims_story_and_copies(client: TestClient) -> None:
    story = client.get(f"/api/v1/stories/{_leak_story(client)['id']}").json()
    copy = next(a for a in story["articles_list"] if a["copy_of"])
    rec = client.get(f"/api/v1/articles/{copy['id']}").json()
    assert rec["id"] == copy["id"] and rec["copy"]["original_id"] == copy["copy_of"]
    assert rec["story"]["id"] == story["id"]
    orig = client.get(f"/api/v1/articles/{copy['copy_of']}").json()
    assert [c["copy_id"] for c in orig["copies"]] == [copy["id"]] and orig["copy"] is None
    with_claims = next(a for a in story["articles_list"]
                       if client.get(f"/api/v1/articles/{a['id']}").json()["claims"])
    rec = client.get(f"/api/v1/articles/{with_claims['id']}").json()
    assert rec["text"] and rec["paragraphs"] and isinstance(rec["captions"], list)
    claim = rec["claims"][0]
    assert claim["article_id"] == rec["id"] and "group" in claim and claim["cue"]["text"]
    assert any(client.get(f"/api/v1/articles/{i}").json()["captions"] for i in range(1, 17))


@pytest.mark.parametrize("path,status", [("/api/v1/articles/999999", 404), ("/api/v1/articles/0", 422),
                                         ("/api/v1/articles/abc", 422), ("/api/v1/articles/" + "9" * 30, 422)])
def test_article_unknown_or_bad_id(client: TestClient, path: str, status: int) -> None:
    _error(client.get(path), status, "not-found" if status == 404 else "invalid-parameter")


# -- claims and sources -----------------------------------------------------------------------


def test_claims_query(client: TestClient) -> None:
    page = client.get("/api/v1/claims", params={"source": "Hollis Brandt", "limit": 3}).json()
    assert len(page["items"]) == 3 and page["next"]
    c = page["items"][0]
    assert "Hollis Brandt" in c["chain"] or "Hollis Brandt" in (c["source"]["entity"] or c["source"]["text"])
    denied = client.get("/api/v1/claims", params={"stance": "denied"}).json()["items"]
    assert denied and all(x["stance"] == "denied" for x in denied)
    about = client.get("/api/v1/claims", params={"about": "evacuat*"}).json()["items"]
    assert about
    one = client.get("/api/v1/claims", params={"article": c["article_id"], "limit": 500}).json()["items"]
    assert one and all(x["article_id"] == c["article_id"] for x in one)
    ranged = client.get("/api/v1/claims", params={"since": "2025-10-09", "until": "2025-10-10"}).json()["items"]
    assert ranged and all("2025-10-09" <= (x["date"] or x["published"]) <= "2025-10-10" for x in ranged)
    everything = _all_pages(client, "/api/v1/claims", limit=500)
    assert len(everything) == client.get("/api/v1/stats").json()["claims"]


def test_claims_bad_parameters(client: TestClient) -> None:
    _error(client.get("/api/v1/claims", params={"about": '"unclosed'}), 400, "bad-query")
    err = _error(client.get("/api/v1/claims", params={"stance": "maybe"}), 422, "invalid-parameter")
    assert "stance" in err["message"]
    _error(client.get("/api/v1/claims", params={"article": 0}), 422)
    _error(client.get("/api/v1/claims", params={"since": "2025-02-30"}), 422)


def test_sources_and_one_source_over_time(client: TestClient) -> None:
    page = client.get("/api/v1/sources", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"]
    top = page["items"][0]
    assert top["claims"] >= page["items"][1]["claims"] and top["articles"] >= 1
    filtered = client.get("/api/v1/sources", params={"q": "port authority"}).json()["items"]
    assert filtered and all("port authority" in s["name"].lower() for s in filtered)
    one = client.get(f"/api/v1/sources/{top['name']}", params={"limit": 5}).json()
    assert one["name"] == top["name"] and one["claims"] == top["claims"]
    assert sum(d["claims"] for d in one["over_time"]) >= one["claims"]
    assert len(one["items"]) == 5 and one["next"]
    assert client.get(f"/api/v1/sources/{top['name'].upper()}").json()["name"] == top["name"]
    _error(client.get("/api/v1/sources/Nobody%20At%20All"), 404, "not-found")
    _error(client.get("/api/v1/sources/a/b"), 404, "not-found")
    _error(client.get("/api/v1/sources", params={"limit": 1000}), 422)


# -- stories ----------------------------------------------------------------------------------


def test_stories_list_and_filters(client: TestClient) -> None:
    page = client.get("/api/v1/stories", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next"]
    assert {s["articles"] for s in _all_pages(client, "/api/v1/stories", limit=1)} >= {14, 2}
    tram = client.get("/api/v1/stories", params={"q": "tram"}).json()["items"]
    assert len(tram) == 1 and tram[0]["articles"] == 2
    by_source = client.get("/api/v1/stories", params={"source": "Hollis Brandt"}).json()["items"]
    assert [s["articles"] for s in by_source] == [14]
    assert client.get("/api/v1/stories", params={"since": "2030-01-01"}).json()["items"] == []
    assert client.get("/api/v1/stories", params={"until": "2000-01-01"}).json()["items"] == []
    assert client.get("/api/v1/stories", params={"min_articles": 3}).json()["items"][0]["articles"] == 14
    _error(client.get("/api/v1/stories", params={"q": "AND AND"}), 400, "bad-query")
    _error(client.get("/api/v1/stories", params={"min_articles": 0}), 422)


def test_one_story_and_its_views(client: TestClient) -> None:
    leak = _leak_story(client)
    sid = leak["id"]
    s = client.get(f"/api/v1/stories/{sid}").json()
    assert s["id"] == sid and len(s["articles_list"]) == 14 and s["requested_id"] == sid
    timeline = _all_pages(client, f"/api/v1/stories/{sid}/timeline", limit=100)
    assert len(timeline) > 100
    dates = [r["date"] for r in timeline if r["date"]]
    assert dates == sorted(dates) and any(r["denies"] for r in timeline)
    groups = client.get(f"/api/v1/stories/{sid}/claim-groups", params={"limit": 5}).json()
    assert len(groups["items"]) == 5 and groups["next"]
    assert all(g["story_id"] == sid and g["members"] for g in groups["items"])
    circ = client.get(f"/api/v1/stories/{sid}/claim-groups", params={"circular": "true"}).json()["items"]
    assert circ and all(g["circular"] for g in circ)
    figs = client.get(f"/api/v1/stories/{sid}/figures").json()["items"]
    evac = [f for f in figs if any(v["value"] == 217 for v in f["values"])]
    assert evac and {40, 120, 217} <= {v["value"] for v in evac[0]["values"]}


def test_story_graph_json_graphml_gexf(client: TestClient) -> None:
    sid = _leak_story(client)["id"]
    g = client.get(f"/api/v1/stories/{sid}/graph").json()
    assert {"reports", "cites", "copies"} <= {e["kind"] for e in g["edges"]} and g["nodes"] and g["groups"]
    for fmt, tag in (("graphml", "{http://graphml.graphdrawing.org/xmlns}graphml"), ("gexf", "{http://gexf.net/1.3}gexf")):
        r = client.get(f"/api/v1/stories/{sid}/graph", params={"format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(f"application/{fmt}+xml")
        assert r.headers["content-disposition"] == f'attachment; filename="story-{sid}.{fmt}"'
        assert ET.fromstring(r.content).tag == tag
    _error(client.get(f"/api/v1/stories/{sid}/graph", params={"format": "dot"}), 422, "invalid-parameter")


@pytest.mark.parametrize("suffix", ["", "/timeline", "/claim-groups", "/graph", "/figures"])
def test_unknown_story_is_404(client: TestClient, suffix: str) -> None:
    _error(client.get(f"/api/v1/stories/999999{suffix}"), 404, "not-found")
    _error(client.get(f"/api/v1/stories/-1{suffix}"), 422, "invalid-parameter")


# -- claim groups -----------------------------------------------------------------------------


def test_claim_groups_list_filter_and_one(client: TestClient) -> None:
    page = client.get("/api/v1/claim-groups", params={"limit": 10}).json()
    assert len(page["items"]) == 10 and page["next"]
    sizes = [g["reports"] + g["denials"] for g in page["items"]]
    assert sizes == sorted(sizes, reverse=True)
    circ = client.get("/api/v1/claim-groups", params={"circular": True}).json()["items"]
    assert circ and all(g["circular"] for g in circ)
    assert all(not g["circular"] for g in _all_pages(client, "/api/v1/claim-groups", circular=False, limit=100))
    sid = _leak_story(client)["id"]
    assert {g["story_id"] for g in client.get("/api/v1/claim-groups", params={"story": sid}).json()["items"]} == {sid}
    g = client.get(f"/api/v1/claim-groups/{circ[0]['id']}").json()
    assert g["id"] == circ[0]["id"] and g["circular"] and len(g["members"]) >= 2
    m = g["members"][0]
    assert m["role"] in ("asserts", "denies") and m["claim"]["id"] == m["claim_id"]
    _error(client.get("/api/v1/claim-groups/999999"), 404, "not-found")
    _error(client.get("/api/v1/claim-groups", params={"circular": "perhaps"}), 422)
    _error(client.get("/api/v1/claim-groups", params={"story": 999999}), 404, "not-found")


# -- search -----------------------------------------------------------------------------------


def test_search_returns_snippet_parts(client: TestClient) -> None:
    page = client.get("/api/v1/search", params={"q": "ammonia", "limit": 3}).json()
    assert len(page["items"]) == 3 and page["next"]
    for hit in page["items"]:
        parts = hit["snippet"]
        assert all(set(p) == {"text", "hit"} for p in parts)
        assert any(p["hit"] and p["text"].lower() == "ammonia" for p in parts)
        assert not any("\x02" in p["text"] or "\x03" in p["text"] for p in parts)
    _error(client.get("/api/v1/search"), 422, "invalid-parameter")
    _error(client.get("/api/v1/search", params={"q": ""}), 422)
    _error(client.get("/api/v1/search", params={"q": "ammonia AND"}), 400, "bad-query")
    assert client.get("/api/v1/search", params={"q": "ammonia", "outlet": "Harbor Wire"}).json()["items"]


def test_search_filters_on_an_entity(client: TestClient, db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    name, n = con.execute(
        "SELECT e.text, count(DISTINCT c.article_id) AS n FROM entities e JOIN current_articles c"
        " ON c.revision_id = e.revision_id JOIN article_search s ON s.rowid = c.article_id"
        " WHERE article_search MATCH 'ammonia' GROUP BY e.text ORDER BY n DESC, e.text LIMIT 1").fetchone()
    con.close()
    every = client.get("/api/v1/search", params={"q": "ammonia", "limit": 100}).json()["items"]
    some = client.get("/api/v1/search", params={"q": "ammonia", "entity": name.upper(), "limit": 100}).json()["items"]
    assert 0 < len(some) == n < len(every)
    assert {h["id"] for h in some} <= {h["id"] for h in every}
    assert client.get("/api/v1/search", params={"q": "ammonia", "entity": "no such entity zzq"}).json()["items"] == []
    _error(client.get("/api/v1/search", params={"q": "ammonia", "entity": "x" * 501}), 422)


def test_snippet_parts() -> None:
    assert snippet_parts("a \x02b\x03 c \x02d\x03") == [
        {"text": "a ", "hit": False}, {"text": "b", "hit": True}, {"text": " c ", "hit": False},
        {"text": "d", "hit": True}]
    assert snippet_parts("x\x03y\x02") == [{"text": "xy", "hit": False}]
    assert snippet_parts("") == []


# -- exports ----------------------------------------------------------------------------------


def test_export_articles(client: TestClient, hostile: dict[str, Any]) -> None:
    r = client.get("/api/v1/export/articles")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    recs = [json.loads(line) for line in r.text.splitlines()]
    assert len(recs) == 17 and {"id", "title", "text", "captions", "story_id"} <= set(recs[0])
    r = client.get("/api/v1/export/articles", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert r.headers["content-type"].startswith("text/csv") and len(rows) == 17
    _error(client.get("/api/v1/export/articles", params={"format": "xlsx"}), 422)


def test_export_claims(client: TestClient) -> None:
    n = client.get("/api/v1/stats").json()["claims"]
    recs = [json.loads(line) for line in client.get("/api/v1/export/claims").text.splitlines()]
    assert len(recs) == n and len({r["id"] for r in recs}) == n
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/export/claims", params={"format": "csv"}).text)))
    assert len(rows) == n and rows[0]["content"] and rows[0]["cue"]


def test_export_graph(client: TestClient) -> None:
    sid = _leak_story(client)["id"]
    r = client.get("/api/v1/export/graph", params={"story": sid})
    assert r.headers["content-disposition"] == f'attachment; filename="stories-{sid}.graphml"'
    whole = client.get("/api/v1/export/graph", params={"format": "json"}).json()
    one = client.get("/api/v1/export/graph", params={"format": "json", "story": sid}).json()
    assert len(whole["nodes"]) > len(one["nodes"]) > 0
    ET.fromstring(client.get("/api/v1/export/graph", params={"format": "gexf"}).content)
    _error(client.get("/api/v1/export/graph", params={"story": 999999}), 404)
    _error(client.get("/api/v1/export/graph", params={"story": "x"}), 422)


def test_csv_cells_cannot_start_formulas() -> None:
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and safe_cell("@SUM(1)") == "'@SUM(1)"
    assert safe_cell("plain") == "plain" and safe_cell(3) == 3


# -- ingest -----------------------------------------------------------------------------------


def test_upload_again_is_skipped(client: TestClient, hostile: dict[str, Any]) -> None:
    token = _csrf(client)
    r = client.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                    files={"file": ("../../etc/<b>hostile<i>.html", HOSTILE_PAGE.encode(), "text/html")},
                    data={"url": "https://gazette.example/ferry-fire"})
    assert r.status_code == 200, r.text
    assert r.json()["skipped"] == 1 and r.json()["added"] == 0


def test_upload_without_an_article_is_422(client: TestClient) -> None:
    token = _csrf(client)
    r = client.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                    files={"file": ("empty.html", b"   ", "text/html")})
    assert _error(r, 422, "empty") and r.json()["error"]["report"]["failed"] == 1
    r = client.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                    files={"file": ("x.bin", bytes(range(256)) * 4, "application/octet-stream")})
    _error(r, 422, "binary")
    r = client.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token}, data={"url": "https://x.example/"})
    _error(r, 422, "invalid-parameter")
    r = client.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                    files={"file": ("a.html", b"<p>hi</p>", "text/html")}, data={"url": "javascript:alert(1)"})
    _error(r, 422, "invalid-parameter")


def test_upload_size_cap_is_413(tmp_path: Path) -> None:
    settings = load_settings(db=tmp_path / "small.db", max_input_bytes=1000)
    with TestClient(create_app(tmp_path / "small.db", settings=settings)) as c:
        token = _csrf(c)
        # over the cap but within the multipart allowance: the endpoint refuses it
        r = c.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                   files={"file": ("big.html", b"<p>" + b"x" * 5000 + b"</p>", "text/html")})
        assert "max_input_bytes" in _error(r, 413, "too-large")["message"]
        # a body far over: refused from its Content-Length, before it is read
        r = c.post("/api/v1/ingest/upload", headers={"X-CSRF-Token": token},
                   files={"file": ("huge.html", b"x" * 200_000, "text/html")})
        _error(r, 413, "too-large")
        assert r.headers["content-security-policy"] == CSP
        # a chunked body with no Content-Length: cut off once it passes the limit
        def chunks() -> Iterator[bytes]:
            yield (b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.html"\r\n'
                   b"Content-Type: text/html\r\n\r\n")
            for _ in range(200):
                yield b"x" * 1000
            yield b"\r\n--B--\r\n"

        r = c.post("/api/v1/ingest/upload", content=chunks(),
                   headers={"X-CSRF-Token": token, "Content-Type": "multipart/form-data; boundary=B"})
        _error(r, 413, "too-large")
        # a JSON body over the ordinary 1 MiB limit
        r = c.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
                   content=b'{"url": "https://a.example/' + b"a" * 2_000_000 + b'"}')
        _error(r, 413, "too-large")
        assert c.get("/api/v1/stats").json()["articles"] == 0


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        data = HOSTILE_PAGE.replace("ferry", "barge").replace("Monday", "Tuesday").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_ingest_url(client: TestClient, server: str, hostile: dict[str, Any]) -> None:
    token = _csrf(client)
    r = client.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token}, json={"url": f"{server}/barge-fire"})
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["added"] == 1 and rec["articles"][0]["url"] == f"{server}/barge-fire"
    assert client.get(f"/api/v1/articles/{rec['articles'][0]['id']}").json()["title"].startswith(SCRIPT)
    again = client.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token}, json={"url": f"{server}/barge-fire"})
    assert again.status_code == 200 and again.json()["skipped"] == 1


def test_ingest_url_refuses_private_addresses_and_bad_urls(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "n.db", settings=load_settings(db=tmp_path / "n.db"))) as c:
        token = _csrf(c)
        r = c.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token}, json={"url": "http://127.0.0.1:9/x"})
        err = _error(r, 422)
        assert err["report"]["failed"] == 1 and err["reason"] not in ("invalid-parameter", "csrf")
        for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x.example/", "", "http://"):
            _error(c.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token}, json={"url": bad}), 422,
                   "invalid-parameter")
        _error(c.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token}, json={}), 422, "invalid-parameter")
        _error(c.post("/api/v1/ingest/url", headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
                      content=b"{not json"), 422, "invalid-parameter")


# -- CSRF -------------------------------------------------------------------------------------


def test_state_changing_requests_need_the_csrf_token(client: TestClient) -> None:
    url = "/api/v1/ingest/url"
    body = {"url": "ftp://x"}  # past the CSRF check, validation would answer 422
    assert "CSRF" in _error(client.post(url, json=body), 403, "csrf")["message"]
    _error(client.post(url, json=body, headers={"X-CSRF-Token": "1.2.3"}), 403, "csrf")
    _error(client.post("/api/v1/ingest/upload", files={"file": ("a.html", b"<p>x</p>", "text/html")}), 403, "csrf")
    token = _csrf(client)
    # a token from another server (another signing key) is refused
    with TestClient(create_app(client.app.state.ctx.db_path)) as other:
        foreign = _csrf(other)
    _error(client.post(url, json=body, headers={"X-CSRF-Token": foreign}), 403, "csrf")
    # the right token, but from another site
    _error(client.post(url, json=body, headers={"X-CSRF-Token": token, "Origin": "https://evil.example"}), 403, "csrf")
    _error(client.post(url, json=body, headers={"X-CSRF-Token": token, "Origin": "null"}), 403, "csrf")
    _error(client.post(url, json=body, headers={"X-CSRF-Token": token, "Referer": "https://evil.example/x"}), 403)
    _error(client.post(url, json=body, headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}), 403)
    # a browser's request whose token is not its cookie's, or that has no cookie
    with TestClient(client.app) as browser:
        browser.cookies.set("nt_csrf", foreign)
        _error(browser.post(url, json=body, headers={"X-CSRF-Token": token, "Origin": "http://testserver"}), 403)
        browser.cookies.clear()
        _error(browser.post(url, json=body, headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "same-origin"}), 403)
        # a script-less client (no cookie, no Origin) with a valid token passes
        _error(browser.post(url, json=body, headers={"X-CSRF-Token": token}), 422, "invalid-parameter")
    # the logout form too
    _error(client.post("/logout"), 403, "csrf")


def test_every_unsafe_method_of_every_router_is_checked(db: Path) -> None:
    from fastapi import APIRouter

    extra = APIRouter()
    done: list[str] = []

    @extra.api_route("/pages/thing", methods=["PUT", "PATCH", "DELETE", "POST"])
    def thing() -> dict[str, bool]:
        done.append("changed")
        return {"ok": True}

    with TestClient(create_app(db, routers=[extra])) as c:
        for method in ("PUT", "PATCH", "DELETE", "POST"):
            _error(c.request(method, "/pages/thing"), 403, "csrf")
        assert not done
        token = _csrf(c)
        assert c.request("DELETE", "/pages/thing", headers={"X-CSRF-Token": token}).json() == {"ok": True}
        assert c.post("/pages/thing", data={"csrf_token": token}).json() == {"ok": True}
        assert c.get("/pages/thing").status_code == 405
        assert done == ["changed", "changed"]


def test_an_unexpected_error_is_a_json_500_with_the_headers(db: Path) -> None:
    from fastapi import APIRouter

    broken = APIRouter()

    @broken.get("/api/v1/broken")
    def boom() -> None:
        raise RuntimeError("secret internals <script>")

    with TestClient(create_app(db, routers=[broken])) as c:
        r = c.get("/api/v1/broken")
        assert _error(r, 500, "internal")["message"] == "internal server error"
        assert "secret" not in r.text and r.headers["content-security-policy"] == CSP


def test_same_origin_browser_request_with_token_and_cookie_passes(client: TestClient) -> None:
    token = _csrf(client)
    r = client.post("/api/v1/ingest/url", json={"url": "ftp://x"},
                    headers={"X-CSRF-Token": token, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
    _error(r, 422, "invalid-parameter")  # past the CSRF check, stopped by validation


# -- authentication ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locked(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def test_a_token_server_needs_authentication(locked: TestClient) -> None:
    for path in ("/api/v1/stats", "/api/v1/articles", "/openapi.json", "/api/v1/csrf"):
        r = locked.get(path)
        assert _error(r, 401, "unauthorized") and r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["content-security-policy"] == CSP
    _error(locked.get("/api/v1/stats", headers={"Authorization": "Bearer wrong-token-wrong-token"}), 401)
    _error(locked.get("/api/v1/stats", headers={"Authorization": f"Basic {TOKEN}"}), 401)
    with TestClient(locked.app) as forged:
        forged.cookies.set("nt_session", "9999999999.abc.def")
        _error(forged.get("/api/v1/stats"), 401)
    assert locked.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    # an API client with the token needs no CSRF token
    r = locked.post("/api/v1/ingest/url", json={"url": "ftp://x"}, headers={"Authorization": f"Bearer {TOKEN}"})
    _error(r, 422, "invalid-parameter")
    _error(locked.post("/api/v1/ingest/url", json={"url": "https://x.example/"}), 401)
    # a browser asking for a page is sent to the login form
    r = locked.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/"


def test_login_sets_a_strict_httponly_session_cookie(db: Path) -> None:
    with TestClient(create_app(db, token=TOKEN)) as c:
        page = c.get("/login", params={"next": "/api/v1/stats"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "<script" not in page.text and "style=" not in page.text
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        assert c.cookies.get("nt_csrf") == token
        _error(c.post("/login", data={"password": TOKEN}), 403, "csrf")
        bad = c.post("/login", data={"password": "nope", "csrf_token": token}, follow_redirects=False)
        assert bad.status_code == 401 and "wrong token" in bad.text
        ok = c.post("/login", data={"password": TOKEN, "csrf_token": token, "next": "/api/v1/stats"},
                    follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/api/v1/stats"
        cookie = ok.headers["set-cookie"].lower()
        assert "nt_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        assert c.get("/api/v1/stats").status_code == 200
        # logged in by cookie: a POST still needs the CSRF token
        _error(c.post("/api/v1/ingest/url", json={"url": "ftp://x"}), 403, "csrf")
        _error(c.post("/api/v1/ingest/url", json={"url": "ftp://x"}, headers={"X-CSRF-Token": token}), 422)
        out = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
        c.cookies.delete("nt_session")
        _error(c.get("/api/v1/stats"), 401)


def test_login_redirects_only_to_local_paths() -> None:
    assert safe_next("/api/v1/stats") == "/api/v1/stats"
    for bad in ("//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", None,
                "/x\r\nSet-Cookie: a=b"):
        assert safe_next(bad) == "/"


def test_loopback_server_answers_only_loopback_host_names(db: Path) -> None:
    app = create_app(db, allowed_hosts=["127.0.0.1", "localhost", "::1"])
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/api/v1/stats").status_code == 200
        assert c.get("/api/v1/stats", headers={"Host": "localhost:8765"}).status_code == 200
        assert c.get("/api/v1/stats", headers={"Host": "[::1]:8765"}).status_code == 200
        r = c.get("/api/v1/stats", headers={"Host": "rebound.evil.example:8765"})
        _error(r, 400, "bad-host")
        assert r.headers["content-security-policy"] == CSP


# -- hostile content --------------------------------------------------------------------------


def test_hostile_content_is_carried_as_plain_json_strings(
    client: TestClient, hostile: dict[str, Any], handmade: int
) -> None:
    aid = hostile["id"]
    r = client.get(f"/api/v1/articles/{aid}")
    rec = r.json()
    assert rec["title"].startswith(SCRIPT) and rec["outlet"] == f"Quayside {SCRIPT} Gazette"
    assert any(SCRIPT in c["text"] for c in rec["captions"]) and rec["captions"][0]["credit"] == IMG
    # (the extractor drops the paragraph quoting a script tag; the others keep their hostile text)
    assert JS_LINK in rec["text"] and IMG in rec["text"]
    assert "alert(1)')" not in rec["text"]  # the page's own script never becomes text
    hand = client.get(f"/api/v1/articles/{handmade}")
    h = hand.json()
    assert h["authors"] == [IMG, SCRIPT] and h["url"] == JS_LINK and h["outlet"] == f"{SCRIPT} Times"
    assert h["captions"] == [{"text": SCRIPT, "credit": IMG}] and h["title"] == f"{IMG} quay"
    assert SCRIPT in h["text"] and IMG in h["text"] and JS_LINK in h["text"]
    assert h["claims"][0]["source"]["entity"] == SCRIPT and h["claims"][0]["chain"] == [SCRIPT, IMG]
    src = client.get(f"/api/v1/sources/{SCRIPT}")
    assert src.json()["name"] == SCRIPT and src.json()["items"][0]["article_id"] == handmade
    sid = hostile["story_id"]
    hsid = h["story_id"]
    responses = [
        r,
        hand,
        src,
        client.get(f"/api/v1/stories/{hsid}"),
        client.get(f"/api/v1/stories/{hsid}/timeline"),
        client.get("/api/v1/claims", params={"source": SCRIPT}),
        client.get("/api/v1/articles", params={"author": "onerror"}),
        client.get("/api/v1/articles", params={"limit": 500}),
        client.get("/api/v1/search", params={"q": "javascript"}),
        client.get("/api/v1/search", params={"q": "script"}),
        client.get("/api/v1/claims", params={"article": aid}),
        client.get("/api/v1/stories", params={"q": "gangway OR onerror"}),
        client.get(f"/api/v1/stories/{sid}"),
        client.get(f"/api/v1/stories/{sid}/timeline"),
        client.get(f"/api/v1/stories/{sid}/claim-groups"),
        client.get(f"/api/v1/stories/{sid}/graph"),
        client.get(f"/api/v1/stories/{sid}/figures"),
        client.get("/api/v1/sources", params={"limit": 500}),
        client.get("/api/v1/export/articles"),
        client.get("/api/v1/export/claims"),
        client.get("/api/v1/export/graph", params={"story": sid, "format": "json"}),
        client.get("/api/v1/articles", params={"outlet": SCRIPT}),
        client.get("/api/v1/search", params={"q": SCRIPT}),
    ]
    for resp in responses:
        ctype = resp.headers["content-type"]
        assert ctype.startswith(("application/json", "application/x-ndjson")), (resp.url, ctype)
        assert "html" not in ctype
        # no markup anywhere in the bytes: <, > and & travel as \u escapes
        assert b"<" not in resp.content and b">" not in resp.content, resp.url
        assert resp.headers["content-security-policy"] == CSP
    assert responses[5].json()["items"] and responses[6].json()["items"][0]["authors"] == [IMG, SCRIPT]
    hits = client.get("/api/v1/search", params={"q": "script"}).json()["items"]
    assert any(p["hit"] for h in hits for p in h["snippet"])
    story = client.get(f"/api/v1/stories/{sid}").json()
    assert any(a["title"].startswith(SCRIPT) for a in story["articles_list"])
    # the downloads: XML-escaped in GraphML/GEXF, attachments, never rendered
    for fmt in ("graphml", "gexf"):
        x = client.get(f"/api/v1/stories/{sid}/graph", params={"format": fmt})
        assert b"<script" not in x.content and "attachment" in x.headers["content-disposition"]
        ET.fromstring(x.content)
    c = client.get("/api/v1/export/articles", params={"format": "csv"})
    assert c.headers["content-type"].startswith("text/csv") and "attachment" in c.headers["content-disposition"]
    row = next(r for r in csv.DictReader(io.StringIO(c.text)) if int(r["id"]) == aid)
    assert row["title"].startswith(SCRIPT)
    c = client.get("/api/v1/export/claims", params={"format": "csv"})
    assert any(r["source"] == SCRIPT for r in csv.DictReader(io.StringIO(c.text)))


# -- the serve command ------------------------------------------------------------------------


def test_serve_refuses_a_public_address_without_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace import cli_serve  # noqa: F401 - registers the command
    from newstrace.cli import app

    monkeypatch.delenv("NEWSTRACE_TOKEN", raising=False)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda application, **kw: calls.append({"app": application, **kw}))
    db = str(tmp_path / "s.db")
    for host in ("0.0.0.0", "192.168.1.5", "example.com", "::"):
        r = CliRunner().invoke(app, ["serve", "--host", host, "--db", db])
        assert r.exit_code == 2 and "without a token" in r.output and len(r.output.strip().splitlines()) <= 2
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--token", "short", "--db", db])
    assert r.exit_code == 2 and "at least 16" in r.output
    assert not calls
    r = CliRunner().invoke(app, ["serve", "--db", db, "--port", "9999"])
    assert r.exit_code == 0, r.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 9999
    with TestClient(calls[-1]["app"], base_url="http://127.0.0.1:9999") as c:
        assert c.get("/api/v1/stats").status_code == 200
        assert c.get("/api/v1/stats", headers={"Host": "evil.example"}).status_code == 400
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", db], env={"NEWSTRACE_TOKEN": TOKEN})
    assert r.exit_code == 0, r.output
    with TestClient(calls[-1]["app"]) as c:
        assert c.get("/api/v1/stats").status_code == 401
        assert c.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_is_loopback() -> None:
    for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(h), h
    for h in ("0.0.0.0", "::", "10.0.0.1", "example.com", "localhost.evil.example"):
        assert not is_loopback(h), h
