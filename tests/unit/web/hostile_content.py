"""Hostile page content shared by the web tests: markup, event handlers and ``javascript:``
links in every field a page can carry, as an HTML page to upload and as an article stored
directly (with the fields extraction would have cleaned)."""

from __future__ import annotations

from typing import Any

from newstrace.models import Article, Caption, Claim, Entity, SourceRef, Span

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(1)"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


HOSTILE_PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8">
<title>{_esc(SCRIPT)} Quayside ferry fire forces evacuation</title>
<meta name="author" content="{_esc(IMG)} Jane Roe">
<meta property="og:site_name" content="Quayside {_esc(SCRIPT)} Gazette">
<meta property="article:published_time" content="2025-10-13T09:00:00Z">
<script>alert(1)</script>
</head><body>
<nav><a href="/">Home</a> | <a href="javascript:alert(1)">News</a></nav>
<article>
<h1>{_esc(SCRIPT)} Quayside ferry fire forces evacuation</h1>
<p class="byline">By {_esc(IMG)} Jane Roe</p>
<figure><img src="x" onerror="alert(1)" alt="smoke"><figcaption>{_esc(SCRIPT)} Smoke rises over the ferry terminal
(Photo: {_esc(IMG)})</figcaption></figure>
<p>A fire broke out aboard a ferry moored at the Quayside terminal on Monday, the harbour master said,
forcing the evacuation of about 60 passengers. {_esc(SCRIPT)} was printed on a placard near the gangway.</p>
<p>The operator said in a statement that nobody had been hurt and that the cause was under investigation,
and asked readers to visit {JS_LINK} for updates, which the fire service said was not its address.</p>
<p><a href="javascript:alert(1)">{JS_LINK}</a> was also posted to the operator's feed, and {_esc(IMG)} appeared
in a reply that the company later removed, according to screenshots seen by the Gazette.</p>
<script>document.write('<img src=x onerror=alert(1)>')</script>
<p>Firefighters from three stations spent two hours bringing the blaze under control, the fire service said,
adding that the ferry would stay out of service until inspectors had examined its engine room.</p>
</article></body></html>
"""


def hostile_article() -> Article:
    """An article hostile in every field extraction would have cleaned: byline, outlet, URL,
    captions, claim source and chain, entities."""
    body = f"{SCRIPT} said the harbour master, and {IMG} was seen at {JS_LINK} on the quay today."
    claim = Claim(source=SourceRef(0, len(SCRIPT), SCRIPT, entity=SCRIPT, type="person"),
                  cue=Span(len(SCRIPT) + 1, len(SCRIPT) + 5, "said"), content=[Span(0, len(SCRIPT), SCRIPT)],
                  chain=[SCRIPT, IMG], date="2025-10-13")
    return Article(source=f"handmade {SCRIPT}", kind="html", title=f"{IMG} quay", authors=[IMG, SCRIPT],
                   published="2025-10-13", outlet=f"{SCRIPT} Times", url=JS_LINK,
                   captions=[Caption(SCRIPT, IMG)], paragraphs=[body], claims=[claim],
                   entities=[Entity(0, len(SCRIPT), SCRIPT, "ORG"),
                             Entity(body.index(IMG), body.index(IMG) + len(IMG), IMG, "PERSON")])


def store_and_link(client: Any, article: Article) -> int:
    """Store an article directly through the app's writer (a TestClient's), link it, and
    return its id: how a page extraction would have cleaned reaches the store."""
    from newstrace.linker import link

    ctx = client.app.state.ctx
    with ctx.writer() as store:
        added = store.add(article, sha256="0" * 64)
        link(store, settings=ctx.settings)
    return added.article_id
