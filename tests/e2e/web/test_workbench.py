"""The workbench as a person uses it: Chromium drives ``newstrace serve``'s pages over the
shipped sample corpus (a 14-article ammonia-leak story, a 2-article tram story).

Each test is one journey: search and filter, read an article and its claims, explore a
story's provenance graph, export it, keep a watchlist, add a page (a hostile one). Every
page visited must raise no JavaScript error, ask nothing of any host but the test server,
and carry the Content-Security-Policy. Waiting is Playwright's auto-waiting ``expect``,
never a sleep.

The store is shared by the session; the only test that adds to it (the upload) adds an
article on an unrelated subject, and the watchlist test removes what it adds, so the order
the tests run in does not matter.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from newstrace.web.security import CSP

pytestmark = pytest.mark.e2e

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixtures skip (or fail under CI) with the reason
    expect = None  # type: ignore[assignment]


# -- what every page must do ------------------------------------------------------------------------


@pytest.fixture
def documents(page: Any) -> list[Any]:
    """Every HTML document the page loads (main frame navigations), to check their headers."""
    seen: list[Any] = []

    def on_response(resp: Any) -> None:
        if resp.request.resource_type == "document" and resp.frame == page.main_frame:
            seen.append(resp)

    page.on("response", on_response)
    return seen


#: Chromium's console line for a document served with an error status (an expected 4xx page).
_FAILED_LOAD = re.compile(r"^console\.error: Failed to load resource: the server responded with a status of (\d+)")


def assert_clean(page: Any, documents: list[Any], *, expected_statuses: frozenset[int] = frozenset()) -> None:
    """No JavaScript error, no request outside the test server, the CSP on every HTML page."""
    errors = [e for e in page.js_errors
              if not ((m := _FAILED_LOAD.match(e)) and int(m.group(1)) in expected_statuses)]
    assert errors == [], errors
    assert page.context.outside_requests == []
    assert documents, "no page was loaded"
    for resp in documents:
        headers = resp.headers
        if headers.get("content-type", "").startswith("text/html"):
            assert headers.get("content-security-policy") == CSP, resp.url
            assert headers.get("x-content-type-options") == "nosniff", resp.url
    html = [r for r in documents if r.headers.get("content-type", "").startswith("text/html")]
    assert html, "no HTML page was loaded"


def graph_data(page: Any) -> dict[str, Any]:
    """The story graph the page's script draws, fetched in the page (same origin, same cookies)."""
    url = page.get_attribute("#graph", "data-graph-url")
    return page.evaluate("async u => (await fetch(u, {headers: {Accept: 'application/json'}})).json()", url)


# -- 1. search, filter, read ------------------------------------------------------------------------


def test_search_filter_and_read_an_article(page: Any, documents: list[Any], screenshot: Any) -> None:
    page.goto("/")
    expect(page.locator("#nav")).to_be_visible()
    page.fill("#search-box", "ammonia")
    page.click("#search-submit")
    expect(page).to_have_url(re.compile(r"/search\?q=ammonia"))
    results = page.locator("#results li.result[data-article-id]")
    expect(results.first).to_be_visible()
    total = results.count()
    assert total >= 10, "most of the ammonia story matches"
    # every snippet shown highlights the word searched for
    marks = page.locator("#results li.result .snippet mark")
    expect(marks.first).to_be_visible()
    assert {t.casefold() for t in marks.all_inner_texts()} == {"ammonia"}
    assert page.locator("#results li.result:not(:has(mark))").count() == 0
    expect(page.locator("#facets")).to_be_visible()
    expect(page.locator("#facet-source li").first).to_be_visible()
    expect(page.locator("#facet-date li").first).to_be_visible()
    screenshot(page, "search-results")

    # filter by an outlet: the facet's count is what is left, all from that outlet
    facet = page.locator("#facet-outlet li", has=page.get_by_role("link", name="Harbor Wire", exact=True))
    count = int(facet.locator(".count").inner_text())
    assert 1 <= count < total
    facet.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"outlet=Harbor\+Wire"))
    expect(page.locator("#active-filters")).to_contain_text("outlet: Harbor Wire")
    expect(results).to_have_count(count)
    expect(page.locator("#results li.result .outlet")).to_have_text(["Harbor Wire"] * count)
    expect(page.locator("#search-box")).to_have_value("ammonia")
    screenshot(page, "search-filtered")

    # and by a named entity: its facet's count (labelled PERSON, ORG ...) is what is left; removing it goes back
    entity = page.locator("#facet-entity li").first
    expect(entity.locator(".label")).to_have_text(re.compile(r"^[A-Z_]+$"))
    entity_count = int(entity.locator(".count").inner_text())
    name = entity.get_by_role("link").inner_text()
    entity.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"entity="))
    expect(page.locator("#active-filters")).to_contain_text(f"entity: {name}")
    expect(results).to_have_count(entity_count)
    page.get_by_role("link", name="Remove filter entity").click()
    expect(page).not_to_have_url(re.compile(r"entity="))
    expect(results).to_have_count(count)

    # open a result: the reader shows it, its claims highlighted
    first = results.first
    article_id = first.get_attribute("data-article-id")
    title = first.locator("h3 a").inner_text()
    first.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"))
    expect(page.locator("#article")).to_have_attribute("data-article-id", article_id)
    expect(page.locator("#article-title")).to_have_text(title)
    expect(page.locator("#article-outlet")).to_have_text("Harbor Wire")
    expect(page.locator("#article-date")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}"))
    claims = page.locator("#article-body mark.claim[data-claims][data-tip]")
    expect(claims.first).to_be_visible()
    items = page.locator("#claim-list li.claim-item")
    assert items.count() >= 1
    expect(page.locator("#claims-title")).to_have_text(f"Claims ({items.count()})")

    # hovering a highlight shows its source and stance; the tip names the claim's source
    mark = claims.first
    cid = mark.get_attribute("data-claims").split()[0]
    tip = mark.get_attribute("data-tip")
    assert re.search(r" · (asserted|denied)\b", tip), tip
    entry = page.locator(f"#claim-{cid}")
    source = entry.locator(".who a").first.inner_text() if entry.locator(".who a").count() else "unattributed"
    assert tip.startswith(source), (tip, source)
    mark.hover()
    page.wait_for_function("m => getComputedStyle(m, '::after').content.includes(m.dataset.tip)",
                           arg=mark.element_handle())
    # by keyboard: focus shows the tip too, and Enter selects the claim's entry in the panel
    page.mouse.move(0, 0)
    mark.focus()
    expect(mark).to_be_focused()
    page.wait_for_function("m => getComputedStyle(m, '::after').content.includes(m.dataset.tip)",
                           arg=mark.element_handle())
    page.keyboard.press("Enter")
    expect(entry).to_have_class(re.compile(r"\bactive\b"))
    expect(mark).to_have_class(re.compile(r"\bactive\b"))
    expect(entry).to_be_in_viewport()
    screenshot(page, "article-reader")

    # a claim in the panel jumps back to its place in the text
    other = items.last
    other_id = other.get_attribute("data-claim-id")
    other.locator("blockquote").click()
    expect(other).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator(f"#article-body mark.claim[data-claims~='{other_id}']").first).to_be_focused()

    # a claim's group opens on the story page, at that group
    group_link = page.locator("#claim-list a[href*='#group-']").first
    group_href = group_link.get_attribute("href")
    group_link.click()
    expect(page).to_have_url(re.compile(re.escape(group_href) + "$"))
    expect(page.locator(f"li.group#{group_href.split('#')[1]}")).to_be_in_viewport()
    page.go_back()
    expect(page.locator("#article")).to_have_attribute("data-article-id", article_id)

    # its story
    story_link = page.locator("#story-link")
    href = story_link.get_attribute("href")
    story_link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("#story")).to_have_attribute("data-story-id", href.rsplit("/", 1)[1])
    expect(page.locator("#story-title")).to_contain_text("mmonia")
    assert_clean(page, documents)


def test_a_syndicated_copy_links_to_its_original(page: Any, documents: list[Any]) -> None:
    """The corpus's one copy: the reader says which article it copies, and that one lists it."""
    page.goto("/stories")
    page.locator("#stories a", has_text="Ammonia").first.click()
    copy = page.locator("[data-testid=story-articles] li", has=page.locator(".badge.copy"))
    expect(copy).to_have_count(1)
    copy.locator("a").first.click()
    original = page.locator("#original-link")
    expect(original).to_be_visible()
    copy_id = page.get_attribute("#article", "data-article-id")
    original.click()
    expect(page.locator("#copies a[href='/articles/%s']" % copy_id)).to_be_visible()
    assert_clean(page, documents)


def test_a_bad_query_and_a_date_filter(page: Any, documents: list[Any]) -> None:
    page.goto("/search")
    page.fill("#search-box", '"unbalanced')
    page.click("#search-submit")
    expect(page.locator("#search-error")).to_be_visible()
    expect(page.locator("#results li.result")).to_have_count(0)
    # a date range through the form narrows the results to those days
    page.fill("#search-box", "ammonia")
    page.locator("details.dates summary").click()
    page.fill("#since", "2025-10-07")
    page.fill("#until", "2025-10-07")
    page.click("#search-submit")
    expect(page.locator("#active-filters")).to_contain_text("since: 2025-10-07")
    dates = page.locator("#results li.result time")
    expect(dates.first).to_be_visible()
    assert set(dates.all_inner_texts()) == {"2025-10-07"}
    narrowed = dates.count()
    # removing the filter brings the rest back
    page.get_by_role("link", name="Remove filter until").click()
    page.get_by_role("link", name="Remove filter since").click()
    expect(page.locator("#active-filters")).to_have_count(0)
    expect(page.locator("#results li.result").first).to_be_visible()
    assert page.locator("#results li.result").count() > narrowed
    assert_clean(page, documents, expected_statuses=frozenset({400}))


# -- 2. the story page ------------------------------------------------------------------------------


def test_story_graph_groups_figures_and_timeline(page: Any, documents: list[Any], screenshot: Any) -> None:
    page.goto("/stories")
    expect(page.locator("#stories-box")).to_be_visible()
    page.locator("#stories a", has_text="Ammonia").first.click()
    expect(page.locator("#story")).to_be_visible()

    # the graph is drawn from its JSON: one node per graph node, each kind present
    svg = page.locator("#graph-svg")
    expect(svg).to_be_visible()
    data = graph_data(page)
    nodes = page.locator("#graph-svg g.node[data-node-id][data-kind]")
    expect(nodes).to_have_count(len(data["nodes"]))
    for kind in ("outlet", "article", "source"):
        assert page.locator(f"#graph-svg g.node[data-kind={kind}]").count() > 0, kind
    assert page.locator("#graph-svg path.edge").count() > 0
    expect(page.locator("#node-panel")).to_contain_text("No node selected")

    # click the source with the most claims: the panel lists exactly its claims
    sources = [n["id"] for n in data["nodes"] if n["kind"] == "source"]
    busiest = max(sources, key=lambda nid: (len(data["node_claims"].get(nid, [])), nid))
    want = [str(c) for c in data["node_claims"][busiest]]
    assert len(want) >= 2
    node = page.locator(f"#graph-svg g.node[data-node-id=\"{busiest}\"]")
    expect(node).to_have_attribute("role", "button")
    node.click()
    expect(node).to_have_attribute("aria-pressed", "true")
    listed = page.locator("#node-panel #node-claims li[data-claim-id]")
    expect(listed).to_have_count(len(want))
    assert sorted(listed.evaluate_all("els => els.map(e => e.dataset.claimId)")) == sorted(want)
    label = next(n["label"] for n in data["nodes"] if n["id"] == busiest)
    expect(page.locator("#node-panel h3")).to_have_text(label)
    expect(page.locator("#node-panel").get_by_role("link", name="Everything this source said")).to_be_visible()
    # the rest of the graph dims; the node's neighbours stay lit
    assert page.locator("#graph-svg g.node.dim").count() > 0
    assert page.locator("#graph-svg path.edge.lit").count() > 0
    # the story page is long (a full-page capture takes seconds): the graph and its panel
    page.locator("#graph-section").scroll_into_view_if_needed()
    screenshot(page, "story-graph", full_page=False)

    # by keyboard: an article node, focused and Enter, offers its article
    article_node = page.locator("#graph-svg g.node[data-kind=article]").first
    article_node.focus()
    page.keyboard.press("Enter")
    expect(article_node).to_have_attribute("aria-pressed", "true")
    expect(node).to_have_attribute("aria-pressed", "false")
    aid = article_node.get_attribute("data-node-id").split(":", 1)[1]
    expect(page.locator("#node-panel").get_by_role("link", name="Read the article")).to_have_attribute(
        "href", f"/articles/{aid}")

    # claim groups: independent origins counted, circular reporting flagged, denials beside
    groups = page.locator("#claim-groups li.group[data-circular]")
    assert groups.count() >= 2
    origins = groups.locator("[data-testid=origins]").all_inner_texts()
    counts = [int(re.match(r"(\d+) independent origins?$", t).group(1)) for t in origins]
    assert len(counts) == groups.count() and max(counts) >= 2
    circular = page.locator("#claim-groups li.group[data-circular=true]")
    assert circular.count() >= 1
    expect(circular.first.locator("[data-testid=circular-flag]")).to_be_visible()
    expect(circular.first.locator("[data-testid=circular-flag]")).to_contain_text("Circular reporting")
    expect(circular.first.locator("[data-testid=origins]")).to_have_text("1 independent origin")
    assert page.locator("#claim-groups li.group[data-circular=false] [data-testid=circular-flag]").count() == 0
    denied = page.locator("#claim-groups li.group", has=page.locator("[data-testid=denials]"))
    assert denied.count() >= 1
    side = denied.first.locator("[data-testid=denials]")
    expect(side).to_be_visible()
    expect(side.locator("h4")).to_contain_text("Denied")
    assert side.locator("li").count() >= 1
    assert denied.first.locator(".side.asserts li").count() >= 1  # what is denied, next to it

    # a figure that changed is charted, one point per report
    chart = page.locator("[data-testid=figure-chart]").first
    expect(chart).to_be_visible()
    assert chart.locator("svg circle.pt").count() >= 2
    expect(chart.locator("figcaption")).not_to_be_empty()

    # the timeline is in date order (undated claims last)
    rows = page.locator("[data-testid=timeline] tbody tr")
    assert rows.count() > 10
    days = rows.locator("td:first-child").all_inner_texts()
    dated = [d for d in days if d != "undated"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", d) for d in dated), dated
    assert dated == sorted(dated)
    assert days[: len(dated)] == dated
    page.locator("#groups").scroll_into_view_if_needed()
    screenshot(page, "story-groups", full_page=False)
    assert_clean(page, documents)


def test_the_source_pages(page: Any, documents: list[Any], screenshot: Any) -> None:
    page.goto("/")
    page.locator("#nav").get_by_role("link", name="Sources").click()
    expect(page.locator("#nav a[aria-current=page]")).to_have_text("Sources")
    expect(page.locator("#sources-box")).to_be_visible()
    page.fill("#sources-box", "Port Authority")
    page.press("#sources-box", "Enter")
    link = page.locator("#sources a", has_text="Marrowick Port Authority").first
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#source-name")).to_contain_text("Marrowick Port Authority")
    expect(page.locator("#source-chart")).to_be_visible()
    expect(page.locator("#source-claims li, #source-claims tr").first).to_be_visible()
    screenshot(page, "source")
    assert_clean(page, documents)


# -- 3. exports -------------------------------------------------------------------------------------


def test_story_exports_download_and_parse(page: Any, documents: list[Any]) -> None:
    page.goto("/stories")
    page.locator("#stories a", has_text="Ammonia").first.click()
    story_id = page.get_attribute("#story", "data-story-id")
    expect(page.locator("#graph-svg")).to_be_visible()
    data = graph_data(page)

    def download(selector: str) -> tuple[str, str]:
        with page.expect_download() as info:
            page.click(selector)
        dl = info.value
        assert dl.failure() is None
        return dl.suggested_filename, Path(dl.path()).read_text("utf-8")

    name, text = download("#export-csv")
    assert name == f"story-{story_id}-claims.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {"id", "article_id", "source", "content", "stance", "group_id"} <= set(rows[0])
    assert len({r["article_id"] for r in rows}) > 5

    name, text = download("#export-jsonl")
    assert name == f"story-{story_id}-claims.jsonl"
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(records) == len(rows)
    assert {str(r["id"]) for r in records} == {r["id"] for r in rows}

    name, text = download("#export-graphml")
    assert name.endswith(".graphml") or name.endswith(".xml") or "graph" in name, name
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag.endswith("graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    xml_nodes = root.findall(".//g:node", ns) or root.findall(".//node")
    xml_edges = root.findall(".//g:edge", ns) or root.findall(".//edge")
    assert len(xml_nodes) == len(data["nodes"])
    assert len(xml_edges) == len(data["edges"])

    name, text = download("#export-gexf")
    assert ET.fromstring(text.encode("utf-8")).tag.endswith("gexf")
    assert_clean(page, documents)


# -- 4. watchlists ----------------------------------------------------------------------------------


def test_watchlist_add_follow_feed_and_delete(page: Any, documents: list[Any], screenshot: Any) -> None:
    import feedparser

    page.goto("/")
    page.locator("#nav").get_by_role("link", name="Watchlists").click()
    expect(page).to_have_url(re.compile(r"/watchlists$"))
    # an empty watchlist is refused with a message, the form kept
    page.fill("#wl-name", "nothing at all")
    page.click("#watchlist-submit")
    expect(page.locator("#watchlist-error")).to_be_visible()
    expect(page.locator("#wl-name")).to_have_value("nothing at all")

    page.fill("#wl-name", "Quay inspection")
    page.fill("#wl-query", "inspection")
    page.click("#watchlist-submit")
    expect(page).to_have_url(re.compile(r"/watchlists/\d+$"))
    wid = page.url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_have_text("Quay inspection")
    expect(page.locator("#watchlist-new")).to_contain_text("First visit")
    matches = page.locator("#watchlist-matches li.result[data-article-id]")
    expect(matches.first).to_be_visible()
    ids = set(matches.evaluate_all("els => els.map(e => e.dataset.articleId)"))
    assert len(ids) >= 2
    screenshot(page, "watchlist")

    # a second visit: nothing new since the first
    page.reload()
    expect(page.locator("#watchlist-new")).to_contain_text("0 new since your last visit")

    # its Atom feed is valid and lists the matching articles
    feed_url = page.get_attribute("#watchlist-feed", "href")
    status, ctype, body = page.evaluate(
        "async u => { const r = await fetch(u); return [r.status, r.headers.get('content-type'), await r.text()]; }",
        feed_url)
    assert status == 200 and ctype.startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "newstrace watchlist: Quay inspection"
    assert feed.entries
    linked = {re.search(r"/articles/(\d+)$", e.link).group(1) for e in feed.entries}
    assert linked == ids
    assert all(e.title for e in feed.entries)

    # the list shows it; delete asks first: declining keeps it, accepting removes it
    page.get_by_role("link", name="All watchlists").click()
    row = page.locator(f"#watchlists tr[data-watchlist-id='{wid}']")
    expect(row).to_contain_text("Quay inspection")
    expect(row).to_contain_text("inspection")
    expect(row.get_by_role("link", name="Atom")).to_have_attribute("href", feed_url)
    screenshot(page, "watchlists")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    row.locator("[data-testid=watchlist-delete]").click()
    expect(row).to_be_visible()
    assert asked == ["Delete this watchlist?"]
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_navigation():
        row.locator("[data-testid=watchlist-delete]").click()
    assert len(asked) == 2
    expect(row).to_have_count(0)
    expect(page.locator("#watchlists")).to_contain_text("No watchlists yet")
    assert_clean(page, documents, expected_statuses=frozenset({400}))


# -- 5. adding pages --------------------------------------------------------------------------------

PWN = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


#: A saved page that tries everything: scripts, handlers, a javascript: link, canonical and
#: frame, and markup in its title and caption that must come out as text. (The extractor
#: already drops body paragraphs and bylines that carry tag-like text, so the body's literal
#: markup is tried by the plain-text upload below.)
HOSTILE_HTML = f"""<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Lantern festival {_esc(PWN)} returns to Fernhollow</title>
<meta name="author" content="Mallory Finch">
<meta property="article:published_time" content="2025-11-02T09:00:00Z">
<link rel="canonical" href="javascript:window.__pwned=1">
<script>window.__pwned = 1;</script>
</head><body onload="window.__pwned=1">
<article>
<h1>Lantern festival {_esc(PWN)} returns to Fernhollow</h1>
<figure><img src="x" onerror="window.__pwned=1"><figcaption>Lanterns on the mill pond {_esc(PWN)}</figcaption></figure>
<p>The lantern festival will return to Fernhollow's mill pond next month, the town council said on Monday,
after a two-year pause. The organisers said about 600 lanterns would be released over three evenings.
<a href="javascript:window.__pwned=1">Read the programme</a>.</p>
<script>window.__pwned = 1;</script>
<p onmouseover="window.__pwned=1">"We expect the biggest crowds the festival has seen," said Orla Bexley, who chairs the
festival committee. She said volunteers would sweep the pond on each of the mornings after.</p>
<p>The council said road closures around the mill would be announced nearer the time, and that a shuttle bus
would run from the railway station on all three evenings of the festival. Tickets are &lt;b&gt;free&lt;/b&gt;.</p>
<iframe src="javascript:window.__pwned=1"></iframe>
<p>Stallholders who want a pitch at the festival market must apply to the council by the end of the month,
a council spokesman said. Fees are unchanged from the last festival, he said.</p>
</article>
</body></html>
"""

#: A plain-text dump (too few tags to be taken for HTML) whose title and body hold markup.
HOSTILE_TEXT = f"""Fernhollow Crier

Ferry timetable {PWN} changes on Monday

By Mallory Finch
3 November 2025

The Fernhollow ferry will run a winter timetable from Monday, the operator said on Friday, with the last crossing leaving at seven in the evening instead of nine. The new timetable is online at javascript:window.__pwned=1 for anyone who wants it.

"We know the late crossings matter to people who work in the city," said Anders Holm, the operator's manager. He said the later sailings would return in April, when passenger numbers usually pick up again after the winter.

The operator said the first crossing of the day would still leave at half past six. {IMG} Season tickets bought before Monday will be honoured until they expire, a spokeswoman said.

Commuters who use the ferry said the change would make their evenings harder. "I will have to leave the office an hour early every day," said Ruth Ambler, who crosses to the city four days a week. She said she would write to the council to ask for a bus to replace the later sailings over the winter months.

The council said it had no plans to run a replacement bus, but that it would discuss the timetable with the operator at its next meeting. The ferry has run between Fernhollow and the city since 1952 and carries about a thousand passengers on a typical weekday, according to the operator's own figures.

A spokeswoman for the operator said the winter timetable had been agreed with the harbour office, and that the company would publish the number of passengers on each crossing at the end of the season so that the council could judge whether the later sailings were needed.
"""


def _upload(page: Any, name: str, body: str, mime: str) -> None:
    page.goto("/ingest")
    page.set_input_files("#upload-file", files=[{"name": name, "mimeType": mime, "buffer": body.encode("utf-8")}])
    page.click("#upload-submit")


def _assert_inert(page: Any) -> None:
    """Nothing from the stored page runs or links anywhere: only the workbench's own script,
    no element the page carried, no javascript: address in any attribute."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))") == ["/static/workbench.js"]
    assert page.locator("#article script, #article img, #article iframe, #article b, "
                        "#article [onerror], #article [onload], #article [onmouseover]").count() == 0
    addresses = page.evaluate("Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
                              ".filter(a => /^(href|src|action|formaction|xlink:href)$/i.test(a.name))"
                              ".map(a => a.value)")
    assert addresses and not [a for a in addresses if re.match(r"\s*javascript:", a, re.I)], addresses
    assert page.locator("#original-url").count() == 0  # no javascript: address ever becomes a link


def test_upload_a_hostile_page(page: Any, documents: list[Any], screenshot: Any) -> None:
    page.goto("/")
    page.locator("#nav").get_by_role("link", name="Add a page").click()
    expect(page).to_have_url(re.compile(r"/ingest$"))
    # the page's URL, when given, must be a web address: a javascript: one is refused
    page.set_input_files("#upload-file", files=[{"name": "lanterns.html", "mimeType": "text/html",
                                                 "buffer": HOSTILE_HTML.encode("utf-8")}])
    page.fill("#upload-url", "javascript:window.__pwned=1")
    page.click("#upload-submit")
    expect(page.locator("#ingest-error")).to_contain_text("http")
    assert page.evaluate("typeof window.__pwned") == "undefined"

    _upload(page, "lanterns.html", HOSTILE_HTML, "text/html")
    expect(page).to_have_url(re.compile(r"/articles/\d+$"), timeout=60_000)
    expect(page.locator("#article")).to_be_visible()
    article_id = page.get_attribute("#article", "data-article-id")
    expect(page.locator("#article-title")).to_have_text(f"Lantern festival {PWN} returns to Fernhollow")
    expect(page.locator("#captions")).to_contain_text(f"Lanterns on the mill pond {PWN}")
    expect(page.locator("#article-body")).to_contain_text("Tickets are <b>free</b>.")
    expect(page.locator("#article-body")).to_contain_text("Orla Bexley")
    if page.locator("#article-byline").count():  # the byline, if kept, is text
        expect(page.locator("#article-byline")).to_have_text("by Mallory Finch")
    _assert_inert(page)
    # pointing and focusing on everything in the article runs nothing either
    for el in page.locator("#article-body p, #article-body mark.claim").all()[:12]:
        el.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "ingest-result")

    # the same file again: no second article, straight to the stored one
    _upload(page, "lanterns.html", HOSTILE_HTML, "text/html")
    expect(page).to_have_url(re.compile(rf"/articles/{article_id}$"), timeout=60_000)

    # a plain-text dump: markup in its title and body is shown as the characters it is
    _upload(page, "ferry.txt", HOSTILE_TEXT, "text/plain")
    expect(page).to_have_url(re.compile(r"/articles/\d+$"), timeout=60_000)
    expect(page.locator("#article")).not_to_have_attribute("data-article-id", article_id)
    expect(page.locator("#article-title")).to_have_text(f"Ferry timetable {PWN} changes on Monday")
    body = page.locator("#article-body")
    expect(body).to_contain_text(f"half past six. {IMG} Season tickets")
    expect(body).to_contain_text("online at javascript:window.__pwned=1 for anyone")
    _assert_inert(page)
    screenshot(page, "ingest-text")
    assert_clean(page, documents, expected_statuses=frozenset({422}))


@pytest.mark.parametrize("url", ["ftp://example.org/page.html", "http://127.0.0.1:9/x"])
def test_ingest_by_url_is_refused_cleanly(page: Any, documents: list[Any], screenshot: Any, url: str) -> None:
    page.goto("/ingest")
    page.fill("#ingest-url", url)
    with page.expect_response(lambda r: r.url.endswith("/ingest/url") and r.request.method == "POST") as info:
        page.click("#ingest-url-submit")
    assert 400 <= info.value.status < 500
    error = page.locator("#ingest-error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error).not_to_be_empty()
    expect(error).to_have_attribute("role", "alert")
    # the page is usable again: the address kept, the button enabled
    expect(page.locator("#ingest-url")).to_have_value(url)
    expect(page.locator("#ingest-url-submit")).to_be_enabled()
    if url.startswith("http:"):
        screenshot(page, "ingest-refused")
    assert_clean(page, documents, expected_statuses=frozenset({info.value.status}))


# -- 6. every page ----------------------------------------------------------------------------------


def test_every_page_from_the_nav(page: Any, documents: list[Any]) -> None:
    """Through the navigation only: each page loads, marks itself current, and is clean."""
    page.goto("/")
    for name, path, landmark in [
        ("Stories", "/stories", "#stories"),
        ("Sources", "/sources", "#sources"),
        ("Watchlists", "/watchlists", "#watchlist-form"),
        ("Add a page", "/ingest", "#upload-form"),
        ("Search", "/search", "#search-form"),
    ]:
        page.locator("#nav").get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator(landmark)).to_be_visible()
        expect(page.locator("#nav a[aria-current=page]")).to_have_text(name)
    # the skip link takes the keyboard to the content
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # an unknown article is an HTML 404 page, still under the policy
    resp = page.goto("/articles/999999")
    assert resp is not None and resp.status == 404
    expect(page.locator("#main")).to_contain_text("Not found")
    assert len(documents) >= 7
    assert_clean(page, documents, expected_statuses=frozenset({404}))
