"""The workbench: server-rendered HTML pages over the store, beside the JSON API.

Pages are plain HTML (Jinja2, autoescaped: everything taken from a page is hostile and is
only ever written as escaped text), usable without JavaScript; ``/static/workbench.js``
adds the interactive parts (the provenance graph, the claim panel, jumping between a
highlighted claim and its entry). The Content-Security-Policy allows no inline script or
style, so no page carries one: data reaches the script through ``data-*`` attributes and
JSON endpoints.

* ``/`` and ``/search``: full-text search with highlighted snippets, facets (outlet,
  source, place, entity, date) and pages;
* ``/articles/{id}``: the reader, every claim highlighted in the text;
* ``/stories``, ``/stories/{id}``: timeline, provenance graph, claim groups, figures, exports;
* ``/sources``, ``/sources/{name}``: what a source said or was cited for, over time;
* ``/watchlists``: saved queries and sources, their new matches and Atom feeds;
* ``/ingest``: add a page by URL or upload.

Errors on these routes (unknown ids, bad queries, invalid parameters, a failed CSRF check)
are HTML pages with the right status, not the API's JSON.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException

from newstrace.errors import NewstraceError
from newstrace.models import Failure
from newstrace.store import Store
from newstrace.store import db as store_db
from newstrace.store import watchlists as wl
from newstrace.store.export import csv_text
from newstrace.web import services
from newstrace.web.app import TEMPLATES_DIR, SafeJSONResponse, WebContext, _status_for, get_ctx, safe_json
from newstrace.web.security import CSRF_FIELD, Guard, csrf_token_for, set_csrf_cookie

PAGE_SIZE = 20
#: Matches read to count and facet a search (the most recently added; with a source or place
#: filter, the best ranked, which the filter then narrows and the pages show).
FACET_CAP = 1000
#: Values shown per facet.
FACET_TOP = 12
MAX_ID = 2**63 - 1
MAX_PAGE = 10_000

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def http_url(value: Any) -> str | None:
    """The value when it is an absolute http(s) URL (something to link to); else None:
    ``javascript:``, ``data:`` and the rest are shown as text only."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in v):
        return None
    try:
        parts = urlsplit(v)
    except ValueError:
        return None
    return v if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def path_part(value: Any) -> str:
    """A value as one URL path segment (a source name may hold '/', '?', '#')."""
    return quote(str(value), safe="")


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["http_url"] = http_url
templates.env.filters["path_part"] = path_part


class PageRoute(APIRoute):
    """A route whose errors are HTML pages: unknown ids (404), bad queries (400), invalid
    parameters (422), a refused CSRF check (403), a body too large (413)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NewstraceError as exc:
                status = _status_for(exc)
                title = "Not found" if status == 404 else "Something went wrong"
                return error_page(request, status, title, exc.message)
            except RequestValidationError as exc:
                msgs = []
                for e in exc.errors():
                    where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "path", "body"))
                    msgs.append(f"{where}: {e.get('msg', 'invalid')}")
                # a malformed id is as unknown as a missing one
                path_err = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
                return error_page(request, 404 if path_err else 422, "Not found" if path_err else "Invalid request",
                                  "; ".join(msgs) or "invalid request")
            except StarletteHTTPException as exc:
                detail = exc.detail
                message = str(detail.get("message", "")) if isinstance(detail, dict) else str(detail)
                return error_page(request, exc.status_code, "Request refused", message)

        return page_handler


router = APIRouter(include_in_schema=False, route_class=PageRoute)
Ctx = Annotated[WebContext, Depends(get_ctx)]
Text = Annotated[str | None, Query(max_length=500)]
#: A date filter from a form: an empty field (a form always sends its date inputs) is no filter.
FormDate = Annotated[date | None, BeforeValidator(lambda v: v or None), Query()]
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE)]


# -- rendering ------------------------------------------------------------------------------------


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page from a template, with the CSRF token its forms carry (and the cookie it matches)."""
    token, fresh = csrf_token_for(request)
    guard: Guard = request.app.state.guard
    resp = templates.TemplateResponse(
        request, name,
        {"csrf_field": CSRF_FIELD, "csrf_token": token, "needs_login": guard.token is not None,
         "path": request.url.path, **context},
        status_code=status,
    )
    if fresh:
        set_csrf_cookie(resp, request, token)
    return resp


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", {"title": title, "message": message, "status": status}, status)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _pages(total: int, page: int) -> dict[str, Any]:
    last = max(1, -(-total // PAGE_SIZE))
    return {"page": page, "last": last, "prev": page - 1 if page > 1 else None,
            "next": page + 1 if page < last else None}


def _linker(base: str, params: dict[str, Any]) -> Callable[..., str]:
    """``link(**changes)``: this page's URL with some parameters changed (None drops one)."""

    def link(**changes: Any) -> str:
        merged = {**params, **changes}
        if "page" not in changes:
            merged.pop("page", None)  # a new filter starts at the first page
        q = {k: v for k, v in merged.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return base + ("?" + urlencode(q) if q else "")

    return link


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


# -- search -----------------------------------------------------------------------------------------


def _filter_by_claims(store: Store, ids: list[int], source: str | None, place: str | None) -> list[int]:
    keep = set(ids)
    if source:
        keep &= {int(r[0]) for r in store.db.execute(
            "SELECT DISTINCT cc.article_id FROM current_claims cc JOIN claim_sources s ON s.claim_id = cc.id"
            " WHERE cc.article_id IN (SELECT value FROM json_each(?)) AND s.name = ? COLLATE NOCASE",
            (_ids_json(keep), source))}
    if place:
        keep &= {int(r[0]) for r in store.db.execute(
            "SELECT DISTINCT cc.article_id FROM current_claims cc, json_each(cc.places) p"
            " WHERE cc.article_id IN (SELECT value FROM json_each(?))"
            " AND json_extract(p.value, '$.text') = ? COLLATE NOCASE",
            (_ids_json(keep), place))}
    return [i for i in ids if i in keep]


def _facets(store: Store, ids: list[int]) -> dict[str, list[Any]]:
    """Counts by outlet, source, place, entity and date over these articles: SQL aggregates over
    their current revisions (the hits themselves, their text and snippets, are not read). Each query
    hands back a few rows (or one JSON value), not a row per article: under load, every row
    fetched is another wait for the interpreter lock."""
    ids_json = _ids_json(ids)
    by_outlet: Counter[str] = Counter()
    days: Counter[str] = Counter()
    combos = store.db.execute(
        "SELECT json_group_array(json_array(outlet, day, n)) FROM (SELECT r.outlet AS outlet,"
        " substr(r.published, 1, 10) AS day, count(*) AS n FROM json_each(?) j JOIN articles a ON a.id = j.value"
        " JOIN revisions r ON r.id = a.current_revision_id GROUP BY 1, 2)", (ids_json,)).fetchone()[0]
    for outlet, day, n in json.loads(combos or "[]"):
        if outlet:
            by_outlet[outlet] += n
        if day:
            days[day] += n
    outlets = sorted(by_outlet.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_TOP]
    # one current revision per article: counting revisions counts articles
    sources = [(r[0], int(r[1])) for r in store.db.execute(
        "SELECT min(s.name), count(DISTINCT c.revision_id) AS n FROM json_each(?) j JOIN articles a ON a.id = j.value"
        " JOIN claims c ON c.revision_id = a.current_revision_id JOIN claim_sources s ON s.claim_id = c.id"
        " GROUP BY s.name COLLATE NOCASE ORDER BY n DESC, 1 COLLATE NOCASE LIMIT ?", (ids_json, FACET_TOP))]
    places = [(r[0], int(r[1])) for r in store.db.execute(
        "SELECT min(json_extract(p.value, '$.text')) AS place, count(DISTINCT c.revision_id) AS n"
        " FROM json_each(?) j JOIN articles a ON a.id = j.value JOIN claims c ON c.revision_id = a.current_revision_id,"
        " json_each(c.places) p GROUP BY json_extract(p.value, '$.text') COLLATE NOCASE"
        " ORDER BY n DESC, 1 COLLATE NOCASE LIMIT ?", (ids_json, FACET_TOP)) if r[0]]
    entities = _entity_facet(store, ids_json)
    if len(days) > 31:  # by month
        months: Counter[str] = Counter()
        for d, n in days.items():
            months[d[:7]] += n
        dates = sorted(months.items())
    else:
        dates = sorted(days.items())
    return {"outlet": outlets, "source": sources, "place": places, "entity": entities, "date": dates}


def _fold(name: str) -> str:
    """A name as SQLite's NOCASE compares it (ASCII letters folded, nothing else)."""
    return name.translate(_ASCII_FOLD)


_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _entity_facet(store: Store, ids_json: str) -> list[tuple[str, int, str]]:
    """The entities these articles mention most, as (name, articles, label): names compared
    case-insensitively (as the filter compares them), each shown in the spelling and with the
    label most of its mentions carry. Read off the index on entities(revision_id, text,
    label), never the table; spellings and labels only for the names shown."""
    top = [(r[0], int(r[1])) for r in store.db.execute(
        "SELECT min(e.text), count(DISTINCT e.revision_id) AS n FROM json_each(?) j JOIN articles a ON a.id = j.value"
        " JOIN entities e ON e.revision_id = a.current_revision_id"
        " GROUP BY e.text COLLATE NOCASE ORDER BY n DESC, 1 COLLATE NOCASE LIMIT ?", (ids_json, FACET_TOP)) if r[0]]
    if not top:
        return []
    spellings: dict[str, Counter[str]] = {}
    labels: dict[str, Counter[str]] = {}
    found = store.db.execute(
        "SELECT json_group_array(json_array(name, label, n)) FROM (SELECT e.text AS name, e.label AS label,"
        " count(*) AS n FROM json_each(?) j JOIN articles a ON a.id = j.value"
        " JOIN entities e ON e.revision_id = a.current_revision_id"
        " WHERE e.text COLLATE NOCASE IN (SELECT value FROM json_each(?)) GROUP BY e.text, e.label)",
        (ids_json, json.dumps([t for t, _ in top]))).fetchone()[0]
    for name, label, n in json.loads(found or "[]"):
        spellings.setdefault(_fold(name), Counter())[name] += n
        labels.setdefault(_fold(name), Counter())[label] += n
    out = []
    for name, n in top:
        key = _fold(name)
        out.append((_most(spellings.get(key)) or name, n, _most(labels.get(key)) or ""))
    return out


def _most(counts: Counter[str] | None) -> str | None:
    """The most frequent value (ties: the first in code-point order), or None."""
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None


def _date_range(bucket: str) -> tuple[str, str]:
    if len(bucket) == 7:  # a month
        y, m = int(bucket[:4]), int(bucket[5:7])
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        from datetime import timedelta

        return f"{bucket}-01", (nxt - timedelta(days=1)).isoformat()
    return bucket, bucket


@router.get("/", response_class=HTMLResponse)
@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, ctx: Ctx, q: Annotated[str, Query(max_length=500)] = "", outlet: Text = None,
    source: Text = None, place: Text = None, entity: Text = None, since: FormDate = None,
    until: FormDate = None, page: PageNo = 1,
) -> Response:
    params = {"q": q, "outlet": outlet, "source": source, "place": place, "entity": entity, "since": _iso(since),
              "until": _iso(until), "page": page}
    context: dict[str, Any] = {"params": params, "link": _linker("/search", params), "error": None}
    try:
        with ctx.reader() as store:
            filters = {"outlet": outlet, "since": _iso(since), "until": _iso(until), "entity": entity}
            if source or place:
                # claims filter the best FACET_CAP matches; the page is cut from what is left
                ranked = store.search_ranked(q, limit=FACET_CAP + 1, **filters)
                capped = len(ranked.ids) > FACET_CAP
                ids = _filter_by_claims(store, ranked.ids[:FACET_CAP], source, place)
                matches, shown_ids = ids, ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            else:
                # facets and the count from up to FACET_CAP matches (ids only); bm25 for the page shown
                matches = store.search_matches(q, limit=FACET_CAP + 1, **filters)
                capped = len(matches) > FACET_CAP
                matches = matches[:FACET_CAP]
                ranked = store.search_ranked(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
                shown_ids = ranked.ids
            facets = _facets(store, matches)
            shown = store.search_hits(q, shown_ids)
    except NewstraceError as exc:
        if exc.reason != "bad-query":
            raise
        context.update(error=exc.message, results=[], total=0, capped=False, cut=False, facets=None, stats=None,
                       pages=_pages(0, 1))
        return render(request, "search.html", context, 400)
    results = [{"id": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published,
                "authors": h.authors, "parts": services.snippet_parts(h.snippet)} for h in shown]
    context.update(results=results, total=len(matches), capped=capped, cut=ranked.cut,
                   rank_cap=store_db.SEARCH_RANK_CAP, facets=facets, stats=ctx.stats(),
                   pages=_pages(len(matches), page), date_range=_date_range)
    return render(request, "search.html", context)


# -- the reader ---------------------------------------------------------------------------------------


def claim_tip(c: Any, date_: str | None) -> str:
    """What hovering a highlighted claim says: source, cue, chain, stance, date."""
    src = (c.source.entity or c.source.text) if c.source else "unattributed"
    bits = [f"{src} ({c.source.type})" if c.source and c.source.type not in ("unknown", None) else src]
    if c.chain and len(c.chain) > 1:
        bits.append("via " + " ← ".join(c.chain))
    bits.append(c.stance)
    if date_:
        bits.append(date_)
    return " · ".join(bits)


def highlight(text: str, claims: list[Any]) -> list[list[dict[str, Any]]]:
    """The text as paragraphs of segments, each with the claims whose content (``content``)
    or source phrase (``source``) covers it: offsets point into the text; spans outside it
    are ignored."""
    n = len(text)
    cuts = {0, n}
    spans: list[tuple[int, int, int, str]] = []
    for sc in claims:
        c = sc.claim
        for p in c.content:
            if 0 <= p.start < p.end <= n:
                spans.append((p.start, p.end, sc.id, "content"))
        if c.source and 0 <= c.source.start < c.source.end <= n:
            spans.append((c.source.start, c.source.end, sc.id, "source"))
    for s, e, _, _ in spans:
        cuts.update((s, e))
    for m in re.finditer(r"\n\n", text):
        cuts.update((m.start(), m.end()))
    points = sorted(cuts)
    paragraphs: list[list[dict[str, Any]]] = [[]]
    for a, b in zip(points, points[1:], strict=False):
        piece = text[a:b]
        if piece == "\n\n":
            paragraphs.append([])
            continue
        content = sorted({cid for s, e, cid, k in spans if k == "content" and s <= a and b <= e})
        source = sorted({cid for s, e, cid, k in spans if k == "source" and s <= a and b <= e})
        paragraphs[-1].append({"text": piece, "content": content, "source": source})
    return [p for p in paragraphs if p]


def _titles(store: Store, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = store.db.execute(
        "SELECT article_id, title, outlet, published FROM current_articles"
        " WHERE article_id IN (SELECT value FROM json_each(?))", (_ids_json(ids),))
    return {int(r[0]): {"id": int(r[0]), "title": r[1], "outlet": r[2], "published": r[3]} for r in rows}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, ctx: Ctx, article_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    with ctx.reader() as store:
        claims = store.claims(article_id=article_id, limit=100_000)
        sa = store.get(article_id, claims=claims)
        groups = store.claim_group_of([sc.id for sc in claims]) if claims else {}
        story = store.story(sa.story_id) if sa.story_id is not None else None
        linked = _titles(store, [*(x for x in [sa.copy_of] if x), *sa.copies])
    a = sa.article
    tips = {sc.id: claim_tip(sc.claim, sc.claim.date or sc.published) for sc in claims}
    rows = [{"id": sc.id, "c": sc.claim, "date": sc.claim.date or sc.published, "tip": tips[sc.id],
             "group": groups.get(sc.id)} for sc in claims]
    return render(request, "article.html", {
        "sa": sa, "a": a, "paragraphs": highlight(a.text, claims), "claims": rows, "tips": tips,
        "story": story, "original": linked.get(sa.copy_of) if sa.copy_of else None,
        "copies": [linked.get(c, {"id": c, "title": None}) for c in sa.copies],
    })


# -- stories ------------------------------------------------------------------------------------------


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, ctx: Ctx, q: Annotated[str, Query(max_length=500)] = "",
                 page: PageNo = 1) -> Response:
    params = {"q": q, "page": page}
    with ctx.reader() as store:
        rows = store.stories(query=q, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    more = len(rows) > PAGE_SIZE
    return render(request, "stories.html", {
        "stories": rows[:PAGE_SIZE], "params": params, "link": _linker("/stories", params),
        "prev": page - 1 if page > 1 else None, "next": page + 1 if more else None,
    })


def _view(ctx: WebContext, story_id: int) -> Any:
    from newstrace.views import story_view

    with ctx.reader() as store:
        return story_view(store, story_id, settings=ctx.settings)


#: Colours of the figures chart and the graph, as CSS classes (c0 .. c9).
PALETTE = 10


def figure_chart(fig: Any, index: int) -> dict[str, Any]:
    """An SVG chart of one figure (drawn here, no script): each reported value at its date,
    coloured by its source; geometry only, every label is escaped text in the template."""
    w, h, left, right, top, bottom = 640, 220, 56, 16, 14, 40
    vals = fig.values
    dates = sorted({v.date or "undated" for v in vals}, key=lambda d: (d == "undated", d))
    hi = max((v.value_max or v.value) for v in vals) or 1.0
    lo = 0.0
    xs = {d: left + (i + 0.5) * (w - left - right) / len(dates) for i, d in enumerate(dates)}

    def y(val: float) -> float:
        return round(top + (h - top - bottom) * (1 - (val - lo) / (hi - lo)), 1)

    sources: list[str] = []
    for v in vals:
        name = v.source or "unattributed"
        if name not in sources:
            sources.append(name)
    colour = {s: f"c{i % PALETTE}" for i, s in enumerate(sources)}
    per_date: Counter[str] = Counter()
    points = []
    for v in vals:
        d = v.date or "undated"
        k = per_date[d]
        per_date[d] += 1
        src = v.source or "unattributed"
        points.append({
            "x": round(xs[d] + (k % 5 - 2) * 5, 1), "y": y(v.value),
            "y2": y(v.value_max) if v.value_max else None, "cls": colour[src],
            "label": f"{v.text} — {src}" + (f" via {' ← '.join(v.chain)}" if len(v.chain) > 1 else "")
                     + f" ({v.outlet or 'unknown outlet'}, {d})",
            "article_id": v.article_id,
        })
    ticks = [{"y": y(hi * t / 4), "label": f"{hi * t / 4:,.0f}"} for t in range(5)]
    return {"id": f"figure-{index}", "counted": fig.counted, "w": w, "h": h, "left": left, "base": h - bottom,
            "right": w - right, "points": points, "ticks": ticks,
            "xlabels": [{"x": round(xs[d], 1), "label": d[5:] if d != "undated" else d} for d in dates],
            "legend": [{"name": s, "cls": colour[s]} for s in sources], "rows": vals}


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, ctx: Ctx, story_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    view = _view(ctx, story_id)
    if view.story.id != story_id:  # a merged story: its id leads to the story it joined
        return RedirectResponse(f"/stories/{view.story.id}", status_code=303)
    timeline = view.timeline()
    by_claim = {r["claim_id"]: r for r in timeline}
    groups = []
    for g in sorted(view.groups, key=lambda g: (-g.reports - g.denials, g.id)):
        groups.append({"g": g, "asserts": [by_claim[c] for c, role in g.members if role == "asserts" and c in by_claim],
                       "denies": [by_claim[c] for c, role in g.members if role == "denies" and c in by_claim]})
    figs = [f for f in view.figures() if f.values]
    # a chart for a number that moved (several dates or values); the rest in one table
    moved = [f for f in figs if len({v.date for v in f.values}) > 1 or len({v.value for v in f.values}) > 1]
    charts = [figure_chart(f, i) for i, f in enumerate(moved)]
    steady = [f for f in figs if f not in moved]
    return render(request, "story.html", {
        "story": view.story, "articles": sorted(view.articles, key=lambda a: (a.published or "~", a.id)),
        "timeline": timeline, "groups": groups, "charts": charts, "steady": steady,
    })


@router.get("/stories/{story_id}/graph.json")
def story_graph_json(ctx: Ctx, story_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """The provenance graph for the page's script: nodes, edges, and which claims each node
    stands for (an article's claims, an outlet's articles' claims, a source's claims)."""
    from newstrace.link.provenance import _norm

    view = _view(ctx, story_id)
    g = view.graph()
    timeline = view.timeline()
    node_claims: dict[str, list[int]] = {}

    def put(nid: str, cid: int) -> None:
        if nid in g.nodes:
            lst = node_claims.setdefault(nid, [])
            if cid not in lst:
                lst.append(cid)

    outlet_of: dict[str, str] = {e.target: e.source for e in g.edges if e.kind == "reports" and e.source.startswith("outlet:")}
    for r in timeline:
        art = f"article:{r['article_id']}"
        put(art, r["claim_id"])
        if art in outlet_of:
            put(outlet_of[art], r["claim_id"])
        for name in [*r["chain"], *([r["source"]] if r["source"] else [])]:
            put(f"source:{_norm(name)}", r["claim_id"])
    claims = {str(r["claim_id"]): {k: r[k] for k in ("date", "article_id", "outlet", "source", "chain", "cue",
                                                     "content", "stance", "group_id", "denies")}
              for r in timeline}
    return SafeJSONResponse({
        "story": view.story.id,
        "nodes": [{"id": nid, "kind": a.get("kind"), "label": a.get("label"), "date": a.get("date")}
                  for nid, a in g.nodes.items()],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, "group": e.attrs.get("group")} for e in g.edges],
        "claims": claims,
        "node_claims": node_claims,
    })


def _story_claim_records(ctx: WebContext, story_id: int) -> tuple[int, list[dict[str, Any]]]:
    with ctx.reader() as store:
        sid = store.story(story_id).id
        found = [sc for aid in store.story_articles(sid) for sc in store.claims(article_id=aid, limit=100_000)]
        return sid, services.claim_records(store, found)


@router.get("/stories/{story_id}/claims.csv")
def story_claims_csv(ctx: Ctx, story_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    sid, recs = _story_claim_records(ctx, story_id)
    text = csv_text(services.CLAIM_COLUMNS, (services.claim_flat(r) for r in recs), header=True)
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="story-{sid}-claims.csv"'})


@router.get("/stories/{story_id}/claims.jsonl")
def story_claims_jsonl(ctx: Ctx, story_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    sid, recs = _story_claim_records(ctx, story_id)
    text = "".join(safe_json(r) + "\n" for r in recs)
    return Response(text.encode("utf-8"), media_type="application/x-ndjson",
                    headers={"Content-Disposition": f'attachment; filename="story-{sid}-claims.jsonl"'})


# -- exports of what a page shows ------------------------------------------------------------------

#: Most rows an on-screen export holds (the whole export is under /api/v1/export/...).
EXPORT_CAP = 1000
SEARCH_EXPORT_COLUMNS = ["id", "title", "outlet", "published", "authors", "url", "story_id"]


def _download(text: str, fmt: str, name: str) -> Response:
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    return Response(text.encode("utf-8"), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/search/results.{fmt}")
def search_export(
    ctx: Ctx, fmt: Annotated[str, Path(pattern="^(csv|jsonl)$")], q: Annotated[str, Query(max_length=500)] = "",
    outlet: Text = None, source: Text = None, place: Text = None, entity: Text = None, since: FormDate = None,
    until: FormDate = None,
) -> Response:
    """The articles a search page lists (all its pages, up to :data:`EXPORT_CAP`), best first."""
    with ctx.reader() as store:
        hits = store.search(q, outlet=outlet, since=_iso(since), until=_iso(until), entity=entity,
                            limit=EXPORT_CAP)
        keep = set(_filter_by_claims(store, [h.article_id for h in hits], source, place)) if source or place else None
        recs = []
        for h in hits:
            if keep is not None and h.article_id not in keep:
                continue
            url = store.db.execute("SELECT url FROM current_articles WHERE article_id=?", (h.article_id,)).fetchone()
            recs.append({"id": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published,
                         "authors": h.authors, "url": url[0] if url else None, "story_id": store.story_of(h.article_id)})
    if fmt == "jsonl":
        return _download("".join(safe_json(r) + "\n" for r in recs), fmt, "search-results")
    flat = ({**r, "authors": "; ".join(r["authors"])} for r in recs)
    return _download(csv_text(SEARCH_EXPORT_COLUMNS, flat, header=True), fmt, "search-results")


@router.get("/sources/{name:path}/claims.{fmt}")
def source_export(
    ctx: Ctx, name: Annotated[str, Path(min_length=1, max_length=500)],
    fmt: Annotated[str, Path(pattern="^(csv|jsonl)$")],
) -> Response:
    """What a source said or was cited for (up to :data:`EXPORT_CAP` claims), by date."""
    with ctx.reader() as store:
        recs = services.claim_records(store, services.source_claims(store, name, limit=EXPORT_CAP, offset=0))
    if fmt == "jsonl":
        return _download("".join(safe_json(r) + "\n" for r in recs), fmt, "source-claims")
    return _download(csv_text(services.CLAIM_COLUMNS, (services.claim_flat(r) for r in recs), header=True),
                     fmt, "source-claims")


# -- sources ------------------------------------------------------------------------------------------


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, ctx: Ctx, q: Text = None, page: PageNo = 1) -> Response:
    params = {"q": q, "page": page}
    with ctx.reader() as store:
        rows = services.list_sources(store, contains=q, limit=PAGE_SIZE * 2 + 1, offset=(page - 1) * PAGE_SIZE * 2)
    more = len(rows) > PAGE_SIZE * 2
    return render(request, "sources.html", {
        "sources": rows[: PAGE_SIZE * 2], "params": params, "link": _linker("/sources", params),
        "prev": page - 1 if page > 1 else None, "next": page + 1 if more else None,
    })


def over_time_chart(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of a source's claims per day (denials stacked on top), as SVG geometry."""
    w, h, left, bottom, top = 640, 160, 40, 34, 10
    days = [d for d in days if d["date"]]
    n = max(1, len(days))
    hi = max([d["claims"] for d in days] or [1])
    bw = (w - left - 8) / n
    bars = []
    for i, d in enumerate(days):
        full = (h - top - bottom) * d["claims"] / hi
        den = (h - top - bottom) * d["denied"] / hi
        x = left + i * bw + bw * 0.15
        bars.append({"x": round(x, 1), "w": round(bw * 0.7, 1), "y": round(h - bottom - full, 1),
                     "h": round(full, 1), "dy": round(h - bottom - den, 1), "dh": round(den, 1),
                     "label": f"{d['date']}: {d['claims']} claim(s), {d['denied']} denial(s)",
                     "date": d["date"], "tx": round(x + bw * 0.35, 1)})
    return {"w": w, "h": h, "base": h - bottom, "left": left, "bars": bars, "hi": hi, "top": top}


@router.get("/sources/{name:path}", response_class=HTMLResponse)
def source_page(request: Request, ctx: Ctx, name: Annotated[str, Path(min_length=1, max_length=500)],
                page: PageNo = 1) -> Response:
    with ctx.reader() as store:
        summary = services.source_summary(store, name)
        found = services.source_claims(store, name, limit=PAGE_SIZE * 2 + 1, offset=(page - 1) * PAGE_SIZE * 2)
        groups = store.claim_group_of([sc.id for sc in found]) if found else {}
    more = len(found) > PAGE_SIZE * 2
    key = name.casefold()
    rows = []
    for sc in found[: PAGE_SIZE * 2]:
        c = sc.claim
        said = bool(c.source and key in {(c.source.entity or "").casefold(), c.source.text.casefold()})
        rows.append({"sc": sc, "c": c, "date": c.date or sc.published, "said": said, "group": groups.get(sc.id)})
    base = "/sources/" + path_part(name)
    return render(request, "source.html", {
        "summary": summary, "rows": rows, "chart": over_time_chart(summary["over_time"]), "base": base,
        "prev": page - 1 if page > 1 else None, "next": page + 1 if more else None, "page": page,
    })


# -- watchlists ---------------------------------------------------------------------------------------


def _watchlists_page(request: Request, ctx: WebContext, *, error: str | None = None, form: dict[str, str] | None = None,
                     status: int = 200) -> Response:
    with ctx.reader() as store:
        lists = [{"w": w, "new": wl.count_new(store.db, w)} for w in wl.all_watchlists(store.db)]
    return render(request, "watchlists.html", {"lists": lists, "error": error, "form": form or {}}, status)


@router.get("/watchlists", response_class=HTMLResponse)
def watchlists_page(request: Request, ctx: Ctx) -> Response:
    return _watchlists_page(request, ctx)


@router.post("/watchlists")
def add_watchlist(
    request: Request, ctx: Ctx,
    name: Annotated[str, Form(max_length=wl.MAX_FIELD)] = "",
    query: Annotated[str, Form(max_length=wl.MAX_FIELD)] = "",
    source: Annotated[str, Form(max_length=wl.MAX_FIELD)] = "",
) -> Response:
    try:
        with ctx.writer() as store:
            w = wl.add(store.db, name, query=query, source=source)
    except NewstraceError as exc:
        return _watchlists_page(request, ctx, error=exc.message, status=400,
                                form={"name": name, "query": query, "source": source})
    return RedirectResponse(f"/watchlists/{w.id}", status_code=303)


@router.get("/watchlists/{watchlist_id}", response_class=HTMLResponse)
def watchlist_page(request: Request, ctx: Ctx, watchlist_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                   page: PageNo = 1) -> Response:
    with ctx.writer() as store:  # a visit: what is new is new since the one before
        previous = wl.mark_seen(store.db, watchlist_id)
        w = wl.get(store.db, watchlist_id)
        found = wl.matches(store.db, w, limit=PAGE_SIZE * 2 + 1, offset=(page - 1) * PAGE_SIZE * 2,
                           since=previous or "")
        new = wl.count_new(store.db, wl.Watchlist(w.id, w.name, w.query, w.source, w.created_at, previous))
    more = len(found) > PAGE_SIZE * 2
    return render(request, "watchlist.html", {
        "w": w, "matches": found[: PAGE_SIZE * 2], "previous": previous, "new": new,
        "prev": page - 1 if page > 1 else None, "next": page + 1 if more else None,
    })


@router.post("/watchlists/{watchlist_id}/delete")
def delete_watchlist(ctx: Ctx, watchlist_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    with ctx.writer() as store:
        wl.delete(store.db, watchlist_id)
    return RedirectResponse("/watchlists", status_code=303)


ATOM = "http://www.w3.org/2005/Atom"


def _x(value: Any) -> str:
    """Text for XML: characters XML 1.0 cannot carry are dropped (ElementTree escapes the rest)."""
    return _XML_BAD.sub("", str(value))


@router.get("/watchlists/{watchlist_id}/feed.atom")
def watchlist_feed(request: Request, ctx: Ctx, watchlist_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> Response:
    """The watchlist's latest matches as an Atom feed (reading it is not a visit)."""
    with ctx.reader() as store:
        w = wl.get(store.db, watchlist_id)
        found = wl.matches(store.db, w, limit=50)
    base = str(request.base_url).rstrip("/")
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _x(v) for k, v in attrs.items()})
        if text is not None:
            e.text = _x(text)
        return e

    feed = ET.Element(f"{{{ATOM}}}feed")
    el(feed, "id", f"{base}/watchlists/{w.id}")
    el(feed, "title", f"newstrace watchlist: {w.name}")
    what = " and ".join(x for x in [f"articles matching {w.query}" if w.query else "",
                                    f"claims by or citing {w.source}" if w.source else ""] if x)
    el(feed, "subtitle", what)
    el(feed, "updated", max([m.first_seen for m in found] or [w.created_at]))
    el(feed, "link", href=f"{base}/watchlists/{w.id}/feed.atom", rel="self", type="application/atom+xml")
    el(feed, "link", href=f"{base}/watchlists/{w.id}", rel="alternate", type="text/html")
    author = el(feed, "author")
    el(author, "name", "newstrace")
    el(feed, "generator", "newstrace")
    for m in found:
        entry = el(feed, "entry")
        el(entry, "id", f"{base}/articles/{m.article_id}")
        el(entry, "title", m.title or f"article {m.article_id}")
        el(entry, "updated", m.first_seen)
        if m.published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.published[:10]):
            el(entry, "published", m.published[:10] + "T00:00:00Z")
        el(entry, "link", href=f"{base}/articles/{m.article_id}", rel="alternate", type="text/html")
        for a in m.authors:
            el(el(entry, "author"), "name", a)
        el(entry, "summary", " · ".join(x for x in [m.outlet, m.published] if x) or "no outlet or date")
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


# -- ingest -------------------------------------------------------------------------------------------


def _ingest_page(request: Request, *, error: str | None = None, failures: list[dict[str, str]] | None = None,
                 status: int = 200, url: str = "") -> Response:
    return render(request, "ingest.html", {"error": error, "failures": failures or [], "url": url}, status)


@router.get("/ingest", response_class=HTMLResponse)
def ingest_page(request: Request) -> Response:
    return _ingest_page(request)


def _stored_article(store: Store, source: str, sha256: str | None = None) -> int | None:
    """The article an input already stored became (an upload or URL skipped as seen)."""
    sql = ("SELECT r.article_id FROM inputs i JOIN revisions r ON r.id = i.revision_id"
           " WHERE i.source = ? AND i.status = 'ok'")
    params: list[Any] = [source]
    if sha256:
        sql += " AND i.sha256 = ?"
        params.append(sha256)
    row = store.db.execute(sql + " ORDER BY i.id DESC LIMIT 1", params).fetchone()
    return int(row[0]) if row else None


def _after_ingest(request: Request, report: services.WebIngestReport, found: int | None, url: str = "") -> Response:
    if report.articles:
        return RedirectResponse(f"/articles/{report.articles[0]['id']}", status_code=303)
    if found is not None:  # nothing new: go to what is stored
        return RedirectResponse(f"/articles/{found}", status_code=303)
    return _ingest_page(request, error="no article could be added", failures=report.failures, status=422, url=url)


_HTTP_URL = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$")


@router.post("/ingest/url")
def ingest_url_form(
    request: Request, ctx: Ctx,
    url: Annotated[str, Form(max_length=2048)] = "",
    refresh: Annotated[bool, Form()] = False,
) -> Response:
    url = url.strip()
    if not _HTTP_URL.match(url) or len(url) < 8:
        return _ingest_page(request, error="give an http:// or https:// URL", status=422, url=url)
    with ctx.writer() as store:
        items = services.url_inputs(url, ctx.settings, refresh=refresh, store=store)
        report = services.ingest_inputs(items, store, settings=ctx.settings, pipeline=ctx.pipeline,
                                        command=f"serve ingest {url}")
        found = _stored_article(store, url) if not report.articles else None
    return _after_ingest(request, report, found, url)


@router.post("/ingest/upload")
def ingest_upload_form(
    request: Request, ctx: Ctx,
    file: Annotated[UploadFile, File()],
    url: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    url = url.strip()
    if url and not _HTTP_URL.match(url):
        return _ingest_page(request, error="the page's URL, if given, must be an http:// or https:// URL", status=422)
    cap = ctx.settings.max_input_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        return _ingest_page(request, error=f"the upload is larger than this server accepts ({cap} bytes)",
                            status=413)
    raw = services.upload_input(data, file.filename, url or None, "auto")
    with ctx.writer() as store:
        report = services.ingest_inputs([raw], store, settings=ctx.settings, pipeline=ctx.pipeline,
                                        command=f"serve upload {raw.source}")
        found = None
        if not report.articles and not isinstance(raw, Failure):
            found = _stored_article(store, raw.source, raw.sha256)
    return _after_ingest(request, report, found)
