"""The workbench's HTML pages: every page renders on the sample store, hostile page content
stays escaped everywhere, no page carries inline script, style or event handlers (the CSP
forbids them), forms need the CSRF token, watchlists and their Atom feeds, ingest forms,
exports, and HTML error pages for unknown ids."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx2")

import feedparser  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from hostile_content import HOSTILE_PAGE, IMG, JS_LINK, SCRIPT, hostile_article, store_and_link  # noqa: E402
from newstrace.config import load_settings  # noqa: E402
from newstrace.web import create_app  # noqa: E402
from newstrace.web.pages import highlight, http_url, path_part  # noqa: E402
from newstrace.web.security import CSP  # noqa: E402

# -- a markup checker ---------------------------------------------------------------------------


class _Markup(HTMLParser):
    """Collects what the CSP would refuse or what hostile text could have become."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k for k, _ in attrs}
        for k, v in attrs:
            if k.startswith("on"):
                self.problems.append(f"event handler {k} on <{tag}>")
            if k == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if k in ("href", "src", "action", "formaction", "xlink:href") and v is not None:
                if re.sub(r"[\s\x00-\x1f]", "", v).lower().startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{k}={v!r} on <{tag}>")
            if k == "id" and v:
                self.ids.append(v)
        if tag == "style":
            self.problems.append("a <style> element")
        if tag in ("iframe", "object", "embed", "img", "base"):
            self.problems.append(f"a <{tag}> element")
        if tag == "script":
            src = dict(attrs).get("src")
            if "src" not in names or not src or not src.startswith("/static/"):
                self.problems.append("a <script> without a local src")
            self.scripts.append(src or "")
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("inline script text")


def check_markup(html: str) -> _Markup:
    m = _Markup()
    m.feed(html)
    m.close()
    assert not m.problems, m.problems
    assert set(m.scripts) <= {"/static/workbench.js"}
    assert len(m.ids) == len(set(m.ids)), [i for i in m.ids if m.ids.count(i) > 1]
    # hostile text appears only escaped
    assert SCRIPT not in html and "<img" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")
    return m


def test_the_markup_checker_catches_what_it_should() -> None:
    base = '<script src="/static/workbench.js"></script>'
    for bad in ('<p style="color:red">x</p>', '<a href="javascript:alert(1)">x</a>', "<script>alert(1)</script>",
                '<svg><g onclick="x()"></g></svg>', "<style>p{}</style>", '<a href=" JaVaScRiPt:x">x</a>'):
        with pytest.raises(AssertionError):
            check_markup(base + bad)
    check_markup(base + "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")


# -- fixtures ---------------------------------------------------------------------------------


def _token(c: TestClient, path: str = "/ingest") -> str:
    """The CSRF token of a page's form (the page sets the matching cookie)."""
    r = c.get(path)
    assert r.status_code == 200
    m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    assert m, "the page has no CSRF field"
    return m.group(1)


@pytest.fixture(scope="module")
def hostile(client: TestClient) -> int:
    """The hostile page, uploaded through the workbench's upload form: redirected to the article."""
    token = _token(client)
    r = client.post("/ingest/upload", data={"csrf_token": token, "url": "https://gazette.example/ferry-fire"},
                    files={"file": ("<b>hostile<i>.html", HOSTILE_PAGE.encode(), "text/html")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/articles/(\d+)", r.headers["location"])
    assert m
    return int(m.group(1))


@pytest.fixture(scope="module")
def handmade(client: TestClient, hostile: int) -> int:
    """An article hostile in every field extraction would have cleaned (byline, outlet, URL,
    captions, claim source and chain), stored and linked directly."""
    return store_and_link(client, hostile_article())


def _leak_story(client: TestClient) -> int:
    items = client.get("/api/v1/stories", params={"q": "ammonia"}).json()["items"]
    return int(next(s for s in items if s["articles"] == 14)["id"])


def _page(client: TestClient, url: str, status: int = 200, **kw: Any) -> str:
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html"), url
    assert r.headers["content-security-policy"] == CSP
    check_markup(r.text)
    return r.text


# -- every page ---------------------------------------------------------------------------------


def test_every_page_renders_on_the_sample_store(client: TestClient) -> None:
    sid = _leak_story(client)
    for url in ("/", "/search", "/search?q=ammonia", "/search?q=ammonia&page=2", "/search?outlet=Harbor+Wire",
                "/search?since=2025-10-09&until=2025-10-10", "/articles/1", "/articles/9", "/articles/10",
                "/stories", "/stories?q=tram", f"/stories/{sid}", "/sources", "/sources?q=port",
                "/sources/Marrowick%20Port%20Authority", "/watchlists", "/ingest", "/login"):
        html = _page(client, url)
        if url != "/login":
            assert 'id="nav"' in html and 'id="main"' in html and '<html lang="en">' in html
    js = client.get("/static/workbench.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|eval\(", js.text)
    assert client.get("/static/workbench.css").headers["content-type"].startswith("text/css")


def test_unknown_ids_are_html_404_pages(client: TestClient) -> None:
    for url in ("/articles/999999", "/articles/0", "/articles/abc", "/stories/999999", "/stories/x",
                "/watchlists/999999", "/sources/no%20such%20source%20zzq"):
        html = _page(client, url, 404)
        assert 'id="error-message"' in html
    r = client.get("/watchlists/999999/feed.atom")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert client.get("/stories/999999/graph.json").status_code == 404


# -- search -----------------------------------------------------------------------------------


def _results(html: str) -> str:
    return html.split('data-testid="results"')[1].split("</ol>")[0]


def test_search_highlights_hits_and_offers_facets(client: TestClient) -> None:
    html = _page(client, "/search", params={"q": "ammonia"})
    assert 'id="search-box"' in html and 'value="ammonia"' in html
    results = _results(html)
    assert results.count('class="result"') == 15 and "<mark>ammonia</mark>" in results.lower()
    for facet in ("facet-outlet", "facet-source", "facet-place", "facet-date"):
        assert f'id="{facet}"' in html, facet
    assert 'rel="next"' not in html
    # a facet filters: outlet Harbor Wire's articles only
    link = re.search(r'href="(/search\?[^"]*outlet=Harbor\+Wire[^"]*)"', html)
    assert link
    narrowed = _page(client, link.group(1).replace("&amp;", "&"))
    outlets = re.findall(r'<span class="outlet">([^<]*)</span>', narrowed.split('data-testid="results"')[1].split("</ol>")[0])
    assert outlets and set(outlets) == {"Harbor Wire"}
    assert 'id="active-filters"' in narrowed
    # source and place facets
    by_source = _page(client, "/search", params={"q": "ammonia", "source": "Mirela Dunmore"})
    n = by_source.split('data-testid="results"')[1].split("</ol>")[0].count('class="result"')
    assert 0 < n < 20
    by_place = _page(client, "/search", params={"place": "Quay 9"})
    assert 'class="result"' in by_place


def test_search_offers_an_entity_facet_and_filters_on_it(client: TestClient, db: Path) -> None:
    import sqlite3

    html = _page(client, "/search", params={"q": "ammonia"})
    facet = html.split('data-testid="facet-entity"')[1].split("</section>")[0]
    rows = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="label muted"[^>]*>([A-Z_]+)</span>'
                      r' <span class="count">(\d+)</span></li>', facet)
    assert len(rows) >= 3, facet
    counts = [int(r[3]) for r in rows]
    assert counts == sorted(counts, reverse=True) and len(rows) <= 12
    href, name, label, n = rows[0]
    assert "entity=" in href and "q=ammonia" in href
    narrowed = _page(client, href.replace("&amp;", "&"))
    ids = [int(i) for i in re.findall(r'data-article-id="(\d+)"', _results(narrowed))]
    assert len(ids) == int(n)
    assert 'aria-current="true">' + name in narrowed.split('data-testid="facet-entity"')[1]
    assert f"entity: {name}" in narrowed.split('data-testid="active-filters"')[1].split("</ul>")[0]
    assert 'type="hidden" name="entity"' in narrowed  # a new query keeps the filter
    # every article kept mentions the entity, whatever its case
    con = sqlite3.connect(db)
    for i in ids:
        assert con.execute("SELECT 1 FROM entities e JOIN current_articles c ON c.revision_id = e.revision_id"
                           " WHERE c.article_id=? AND e.text = ? COLLATE NOCASE", (i, name)).fetchone(), i
    con.close()
    lower = _page(client, "/search", params={"q": "ammonia", "entity": name.lower()})
    assert re.findall(r'data-article-id="(\d+)"', _results(lower)) == [str(i) for i in ids]
    # the label shown is the one most of the name's mentions carry, as spaCy gives it
    assert label in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
    # with a claims filter too, and in the export
    both = _page(client, "/search", params={"q": "ammonia", "entity": name, "source": "Mirela Dunmore"})
    assert _results(both).count('class="result"') <= len(ids)
    shown = client.get("/search/results.jsonl", params={"q": "ammonia", "entity": name})
    assert sorted(json.loads(line)["id"] for line in shown.text.splitlines()) == sorted(ids)
    none = _page(client, "/search", params={"q": "ammonia", "entity": "no such entity zzq"})
    assert 'class="result"' not in _results(none)
    assert 'data-testid="facet-entity"' not in _page(client, "/search", params={"q": "zzqnothing"})


def test_search_pages(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import newstrace.web.pages as pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 6)
    seen: list[str] = []
    url: str | None = "/search?q=ammonia&outlet=&source="
    while url:
        html = _page(client, url)
        seen += re.findall(r'<li class="result" data-article-id="(\d+)"', html)
        m = re.search(r'rel="next" id="page-next" href="([^"]+)"', html)
        url = m.group(1).replace("&amp;", "&") if m else None
    assert len(seen) == 15 == len(set(seen))
    assert "page 3 of 3" in html and 'rel="prev"' in html


def test_a_search_ranking_only_the_newest_matches_says_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newstrace.store import db as store_db

    everything = re.findall(r'data-article-id="(\d+)"', _page(client, "/search", params={"q": "ammonia"}))
    assert 'id="search-cut"' not in _page(client, "/search", params={"q": "ammonia"})
    assert client.get("/api/v1/search", params={"q": "ammonia"}).json()["cut"] is False
    monkeypatch.setattr(store_db, "SEARCH_RANK_CAP", 5)
    html = _page(client, "/search", params={"q": "ammonia"})
    assert 'id="search-cut"' in html and re.search(r"only the\s+5 most recently added", html)
    shown = re.findall(r'data-article-id="(\d+)"', html)
    assert len(shown) == 5 and set(shown) == set(sorted(everything, key=int)[-5:])
    api = client.get("/api/v1/search", params={"q": "ammonia"}).json()
    assert api["cut"] is True and len(api["items"]) == 5
    # a filter ranks every match that passes it
    html = _page(client, "/search", params={"q": "ammonia", "outlet": "Harbor Wire"})
    assert 'id="search-cut"' not in html


def test_the_search_page_reuses_the_store_counts_until_a_write(db: Path) -> None:
    from newstrace.web.app import WebContext

    ctx = WebContext(db, load_settings(db=db))
    first = ctx.stats()
    with ctx.reader() as store:
        assert first == store.stats()
    ctx._stats = (ctx._stats[0], {**first, "articles": -1})  # type: ignore[index]
    assert ctx.stats()["articles"] == -1  # cached
    with ctx.writer():
        pass
    assert ctx.stats() == first  # a write refreshes it


def test_a_bad_query_is_a_400_page_with_the_reason(client: TestClient) -> None:
    html = _page(client, "/search", 400, params={"q": '"unclosed'})
    assert 'id="search-error"' in html and "FTS5" in html


# -- the reader ---------------------------------------------------------------------------------


def test_the_reader_highlights_every_claim(client: TestClient) -> None:
    rec = client.get("/api/v1/articles/3").json()
    html = _page(client, "/articles/3")
    assert 'id="article-body"' in html and 'id="claim-panel"' in html
    for c in rec["claims"]:
        assert f'id="claim-{c["id"]}"' in html
        assert f"claim-{c['id']}" in html.split('data-testid="article-body"')[1].split('id="claim-panel"')[0]
    marks = re.findall(r'<mark class="claim" tabindex="0" data-claims="[\d ]+" data-tip="([^"]*)"', html)
    assert marks and any("Mirela Dunmore" in t for t in marks)
    assert 'id="original-url"' in html and 'href="https://' in html
    assert re.search(r'href="/stories/\d+" id="story-link"', html)


def test_highlight_splits_paragraphs_and_overlaps() -> None:
    from newstrace.models import Claim, SourceRef, Span
    from newstrace.store.claims import StoredClaim

    text = "Alpha said one two.\n\nBeta said three four."
    c1 = StoredClaim(1, 1, None, None, None, None, Claim(SourceRef(0, 5, "Alpha"), Span(6, 10, "said"),
                                                         [Span(11, 30, text[11:30])]))
    c2 = StoredClaim(2, 1, None, None, None, None, Claim(None, Span(26, 30, "said"), [Span(15, 18, "two"),
                                                                                      Span(999, 1000, "x")]))
    paras = highlight(text, [c1, c2])
    assert len(paras) == 2
    assert "".join(s["text"] for s in paras[0]) == "Alpha said one two."
    assert "".join(s["text"] for s in paras[1]) == "Beta said three four."
    assert [s["source"] for s in paras[0] if s["text"] == "Alpha"] == [[1]]
    assert [s["content"] for s in paras[0] if s["text"] == "two"] == [[1, 2]]


def test_copies_link_to_their_original_and_back(client: TestClient) -> None:
    copies = client.get("/api/v1/articles/9").json()
    original = copies["copy"]["original_id"] if copies["copy"] else None
    copy_id = 9 if original else next(i for i in range(1, 17) if client.get(f"/api/v1/articles/{i}").json()["copy"])
    original = client.get(f"/api/v1/articles/{copy_id}").json()["copy"]["original_id"]
    html = _page(client, f"/articles/{copy_id}")
    assert f'href="/articles/{original}" id="original-link"' in html
    assert f'href="/articles/{copy_id}"' in _page(client, f"/articles/{original}").split('id="copies"')[1]


def test_http_url_only_accepts_web_links() -> None:
    assert http_url("https://a.example/x") == "https://a.example/x"
    assert http_url("HTTP://a.example") == "HTTP://a.example"
    for bad in (JS_LINK, " javascript:alert(1)", "java\nscript:x", "data:text/html,x", "//evil.example", "/local",
                "https://", "ftp://x", None, 3):
        assert http_url(bad) is None, bad
    assert path_part("a/b?c#d e") == "a%2Fb%3Fc%23d%20e"


# -- stories ------------------------------------------------------------------------------------


def test_the_story_page(client: TestClient) -> None:
    sid = _leak_story(client)
    html = _page(client, f"/stories/{sid}")
    assert f'data-graph-url="/stories/{sid}/graph.json"' in html and 'id="node-panel"' in html
    # claim groups: independent origins, the circular flag, denials beside what they deny
    assert 'data-testid="circular-flag"' in html and 'data-circular="true"' in html
    assert "independent origin" in html and 'data-testid="denials"' in html and "Ministry of Transport" in html
    circular = re.search(r'<li class="group circular" id="group-(\d+)"', html)
    assert circular
    # figures: a server-drawn chart of the evacuee counts, a point per value
    assert 'data-testid="figure-chart"' in html and html.count('<circle class="pt c') >= 10
    assert "217 people" in html
    # the timeline and the exports
    assert 'data-testid="timeline"' in html
    for key, href in (("export-csv", f"/stories/{sid}/claims.csv"), ("export-jsonl", f"/stories/{sid}/claims.jsonl"),
                      ("export-graphml", f"/api/v1/stories/{sid}/graph?format=graphml")):
        assert f'id="{key}" data-testid="{key}" href="{href.replace("&", "&amp;")}"' in html, key
        assert client.get(href).status_code == 200


def test_story_graph_json_maps_nodes_to_claims(client: TestClient) -> None:
    sid = _leak_story(client)
    data = client.get(f"/stories/{sid}/graph.json").json()
    kinds = {n["kind"] for n in data["nodes"]}
    assert kinds == {"outlet", "article", "source"}
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    assert set(data["node_claims"]) <= ids
    for n in data["nodes"]:
        if n["kind"] in ("article", "outlet"):
            assert data["node_claims"].get(n["id"]), n
    art = next(n for n in data["nodes"] if n["kind"] == "article")
    aid = int(art["id"].split(":")[1])
    assert all(data["claims"][str(c)]["article_id"] == aid for c in data["node_claims"][art["id"]])
    src = data["node_claims"]["source:marrowick port authority"]
    assert src and all("Marrowick Port Authority" in [data["claims"][str(c)]["source"], *data["claims"][str(c)]["chain"]]
                       for c in src)


def test_story_exports_hold_the_story_claims(client: TestClient) -> None:
    sid = _leak_story(client)
    timeline = client.get(f"/api/v1/stories/{sid}/timeline", params={"limit": 500}).json()["items"]
    r = client.get(f"/stories/{sid}/claims.csv")
    assert r.headers["content-type"].startswith("text/csv") and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {int(x["id"]) for x in rows} == {t["claim_id"] for t in timeline}
    lines = client.get(f"/stories/{sid}/claims.jsonl").text.splitlines()
    assert {json.loads(x)["id"] for x in lines} == {t["claim_id"] for t in timeline}


def test_a_merged_or_unknown_story(client: TestClient) -> None:
    _page(client, "/stories/999999", 404)


# -- sources ------------------------------------------------------------------------------------


def test_a_source_page_lists_what_it_said_over_time(client: TestClient) -> None:
    api = client.get("/api/v1/sources/Mirela Dunmore").json()
    html = _page(client, "/sources/Mirela%20Dunmore")
    assert 'id="source-chart"' in html and 'id="source-claims"' in html
    assert html.count('class="claim-item') == min(api["claims"], 40)
    assert 'class="badge said"' in html


# -- hostile content ------------------------------------------------------------------------------


def test_hostile_content_stays_escaped_on_every_page(client: TestClient, hostile: int, handmade: int) -> None:
    rec = client.get(f"/api/v1/articles/{handmade}").json()
    hsid = rec["story_id"]
    sid = client.get(f"/api/v1/articles/{hostile}").json()["story_id"]
    pages = [f"/articles/{hostile}", f"/articles/{handmade}", f"/stories/{sid}", f"/stories/{hsid}", "/stories",
             "/search?q=script", "/search?q=javascript", "/search?q=quay", "/search", f"/search?outlet={SCRIPT}",
             "/sources", "/sources?q=script", "/sources/" + path_part(SCRIPT), "/sources/" + path_part(IMG),
             f"/search?entity={path_part(SCRIPT)}", f"/search?q=quay&entity={path_part(IMG)}",
             f"/search?q={path_part(SCRIPT)}"]
    for url in pages:
        html = _page(client, url, 400 if url.endswith(path_part(SCRIPT)) and "q=" in url else 200)
        assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', html)).lower(), url
    hand = _page(client, f"/articles/{handmade}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Times" in hand  # the outlet, escaped
    assert "&lt;img src=x onerror=alert(1)&gt; quay" in hand  # the title
    assert 'id="original-url"' not in hand and 'id="original-url-text"' in hand  # javascript: URL as text
    assert "&lt;script&gt;" in hand.split('id="article-byline"')[1].split("</span>")[0]
    assert 'data-tip="&lt;script&gt;alert(1)&lt;/script&gt; (person) · via' in hand
    # hostile entity names: facet entries, filter chips and the filter itself, all escaped text
    times = _page(client, "/search", params={"outlet": f"{SCRIPT} Times"})
    facet = times.split('data-testid="facet-entity"')[1].split("</section>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in facet and "&lt;img src=x onerror=alert(1)&gt;</a>" in facet
    by_entity = _page(client, "/search", params={"entity": SCRIPT})
    assert f'href="/articles/{handmade}"' in _results(by_entity) and _results(by_entity).count('class="result"') == 1
    assert "entity: &lt;script&gt;alert(1)&lt;/script&gt;" in by_entity.split('data-testid="active-filters"')[1]
    up = _page(client, f"/articles/{hostile}")
    assert "Quayside &lt;script&gt;alert(1)&lt;/script&gt; Gazette" in up
    assert 'id="original-url" data-testid="original-url"' in up and 'href="https://gazette.example/ferry-fire"' in up
    assert "Credit:" in up  # captions with credits
    # the graph data for the page's script: JSON, markup characters as \u escapes
    g = client.get(f"/stories/{hsid}/graph.json")
    assert b"<" not in g.content and any(n["label"] == SCRIPT for n in g.json()["nodes"])


# -- CSRF -------------------------------------------------------------------------------------


def test_forms_carry_the_token_and_need_it(client: TestClient) -> None:
    for path, action in (("/watchlists", "/watchlists"), ("/ingest", "/ingest/url"), ("/ingest", "/ingest/upload")):
        html = _page(client, path)
        form = html.split(f'action="{action}"')[1].split("</form>")[0]
        assert 'name="csrf_token"' in form, action
    with TestClient(client.app) as fresh:  # a browser with no cookie yet gets one with the page
        r = fresh.get("/watchlists")
        assert "nt_csrf" in r.cookies and "httponly" in r.headers["set-cookie"].lower()
    for url, kw in (("/watchlists", {"data": {"query": "ammonia"}}),
                    ("/watchlists/1/delete", {}),
                    ("/ingest/url", {"data": {"url": "https://example.com/"}}),
                    ("/ingest/upload", {"files": {"file": ("a.html", b"<p>x</p>", "text/html")}})):
        r = client.post(url, **kw, follow_redirects=False)
        assert r.status_code == 403, (url, r.text)
        assert r.headers["content-type"].startswith("text/html") and "CSRF" in r.text
        r = client.post(url, **{**kw, "data": {**kw.get("data", {}), "csrf_token": "1.2.3"}}, follow_redirects=False)
        assert r.status_code == 403
    token = _token(client)
    r = client.post("/watchlists", data={"query": "ammonia", "csrf_token": token},
                    headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/api/v1/stats").json()["articles"] >= 16


# -- watchlists -----------------------------------------------------------------------------------


def test_watchlist_add_visit_feed_delete(client: TestClient, hostile: int) -> None:
    token = _token(client, "/watchlists")
    r = client.post("/watchlists", data={"csrf_token": token, "name": f"Leak {SCRIPT}", "query": "ammonia"},
                    follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    wid = int(url.rsplit("/", 1)[1])
    listing = _page(client, "/watchlists")
    assert f'data-watchlist-id="{wid}"' in listing and 'data-testid="new-count"' in listing
    first = _page(client, url)
    assert "First visit" in first and first.count('class="badge new"') > 5
    assert "Leak &lt;script&gt;alert(1)&lt;/script&gt;" in first
    again = _page(client, url)  # the second visit: nothing new since the first
    assert 'class="badge new"' not in again and "0 new since your last visit" in again
    # the feed: valid Atom, every match an entry linking to its article
    r = client.get(f"{url}/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert b"<script" not in r.content
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title == f"newstrace watchlist: Leak {SCRIPT}"
    links = {e.link for e in feed.entries}
    assert "http://testserver/articles/3" in links and len(feed.entries) >= 10
    assert all(e.title and e.updated for e in feed.entries)
    # a source watchlist, and one matching the hostile upload
    token = _token(client, "/watchlists")
    r = client.post("/watchlists", data={"csrf_token": token, "source": "Mirela Dunmore"}, follow_redirects=False)
    src_feed = feedparser.parse(client.get(r.headers["location"] + "/feed.atom").content)
    assert not src_feed.bozo and src_feed.entries and src_feed.feed.title == "newstrace watchlist: Mirela Dunmore"
    r = client.post("/watchlists", data={"csrf_token": token, "query": "firefighters AND ferry"}, follow_redirects=False)
    hostile_feed = feedparser.parse(client.get(r.headers["location"] + "/feed.atom").content)
    assert not hostile_feed.bozo
    assert [e.link for e in hostile_feed.entries] == [f"http://testserver/articles/{hostile}"]
    assert hostile_feed.entries[0].title.startswith(SCRIPT)
    # bad input: no query nor source, a malformed query
    for data in ({"name": "nothing"}, {"query": '"unclosed'}):
        r = client.post("/watchlists", data={"csrf_token": token, **data})
        assert r.status_code == 400 and 'id="watchlist-error"' in r.text
        check_markup(r.text)
    # delete
    r = client.post(f"/watchlists/{wid}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/watchlists"
    _page(client, url, 404)
    assert client.post(f"/watchlists/{wid}/delete", data={"csrf_token": token}).status_code == 404


# -- ingest -------------------------------------------------------------------------------------


def test_upload_form_redirects_to_the_article_and_again_to_the_same(client: TestClient, hostile: int) -> None:
    token = _token(client)
    r = client.post("/ingest/upload", data={"csrf_token": token, "url": "https://gazette.example/ferry-fire"},
                    files={"file": ("<b>hostile<i>.html", HOSTILE_PAGE.encode(), "text/html")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/articles/{hostile}"


def test_ingest_forms_report_failures(client: TestClient) -> None:
    token = _token(client)
    r = client.post("/ingest/upload", data={"csrf_token": token}, files={"file": ("empty.html", b"  ", "text/html")})
    assert r.status_code == 422 and 'id="ingest-error"' in r.text and "empty" in r.text
    check_markup(r.text)
    r = client.post("/ingest/upload", data={"csrf_token": token, "url": JS_LINK},
                    files={"file": ("a.html", b"<p>hi</p>", "text/html")})
    assert r.status_code == 422 and 'id="ingest-error"' in r.text
    for bad in (JS_LINK, "ftp://x.example/", "", "http://"):
        r = client.post("/ingest/url", data={"csrf_token": token, "url": bad})
        assert r.status_code == 422 and 'id="ingest-error"' in r.text, bad
        check_markup(r.text)


def test_upload_form_size_cap(tmp_path: Path) -> None:
    settings = load_settings(db=tmp_path / "small.db", max_input_bytes=1000)
    with TestClient(create_app(tmp_path / "small.db", settings=settings)) as c:
        token = _token(c)
        r = c.post("/ingest/upload", data={"csrf_token": token},
                   files={"file": ("big.html", b"<p>" + b"x" * 5000 + b"</p>", "text/html")})
        assert r.status_code == 413 and 'id="ingest-error"' in r.text
        r = c.post("/ingest/upload", data={"csrf_token": token},
                   files={"file": ("huge.html", b"x" * 200_000, "text/html")})
        assert r.status_code == 413


def test_an_empty_store_renders(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.db")) as c:
        for url in ("/", "/search?q=x", "/stories", "/sources", "/watchlists", "/ingest"):
            _page(c, url)


def test_pages_can_be_left_out(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "api.db", pages=False)) as c:
        assert c.get("/").status_code == 404 and c.get("/static/workbench.js").status_code == 404
        assert c.get("/api/v1/stats").status_code == 200


def test_a_token_server_sends_browsers_to_login(db: Path) -> None:
    with TestClient(create_app(db, token="correct-horse-battery-staple")) as c:
        r = c.get("/stories", headers={"Accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/stories"
        assert c.get("/static/workbench.css").status_code == 401
        token = _token(c, "/login")
        r = c.post("/login", data={"csrf_token": token, "password": "correct-horse-battery-staple", "next": "/stories"},
                   follow_redirects=False)
        assert r.status_code == 303
        html = _page(c, "/stories")
        assert 'action="/logout"' in html  # a logout button with its token


def test_a_search_form_with_empty_dates_is_no_date_filter(client) -> None:
    """A browser submits the form's empty date inputs as since=&until=."""
    r = client.get("/search", params={"q": "ammonia", "since": "", "until": ""})
    assert r.status_code == 200 and "result" in r.text
    assert client.get("/search", params={"q": "ammonia", "since": "yesterday"}).status_code == 422


def test_search_and_source_pages_export_what_they_show(client) -> None:
    import csv
    import io
    import json as _json

    page = client.get("/search", params={"q": "ammonia", "outlet": "Harbor Wire"})
    assert 'id="export-results-csv"' in page.text
    shown = client.get("/search/results.jsonl", params={"q": "ammonia", "outlet": "Harbor Wire"})
    assert shown.status_code == 200 and "attachment" in shown.headers["content-disposition"]
    recs = [_json.loads(line) for line in shown.text.splitlines()]
    assert recs and all(r["outlet"] == "Harbor Wire" for r in recs)
    rows = list(csv.DictReader(io.StringIO(client.get("/search/results.csv", params={"q": "ammonia"}).text)))
    assert rows and {"id", "title", "outlet", "story_id"} <= set(rows[0])
    assert client.get("/search/results.xml").status_code in (404, 422)
    src = client.get("/sources/Harbor%20Wire/claims.jsonl")
    assert src.status_code == 200
    claims = [_json.loads(line) for line in src.text.splitlines()]
    assert claims and all("content" in c for c in claims)
    assert 'id="export-source-csv"' in client.get("/sources/Harbor%20Wire").text
