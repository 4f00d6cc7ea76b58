"""The JSON API, ``/api/v1``: articles, claims, sources, stories, claim groups, search,
ingest and exports.

Lists are paginated the same way everywhere: ``limit`` (1..500) and ``offset`` in, and
``{"items", "limit", "offset", "next"}`` out, ``next`` being the URL (path and query) of the
following page or null. Ids are the store's ids. Errors are ``{"error": {"reason",
"message"}}`` with a 4xx status: 400 bad query, 404 unknown id, 413 too large, 422 invalid
parameter. Page content is returned as JSON strings only; search hits come as
``[{"text", "hit"}]`` parts, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from itertools import chain
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from newstrace.store import Store
from newstrace.store import db as store_db
from newstrace.store.export import csv_text
from newstrace.web import services
from newstrace.web.app import SafeJSONResponse, WebContext, error_response, get_ctx, safe_json
from newstrace.web.security import CSRF_FIELD, CSRF_HEADER, csrf_token_for, set_csrf_cookie

MAX_LIMIT = 500
MAX_ID = 2**63 - 1
MAX_OFFSET = 10**9


class ErrorDetail(BaseModel):
    reason: str = Field(description="a stable slug: not-found, bad-query, invalid-parameter, csrf, too-large ...")
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    next: str | None = Field(description="URL (path and query) of the next page, or null on the last page")


class SearchPage(Page):
    cut: bool = Field(
        False, description="true when the query (with no filters) matched more than "
        f"{store_db.SEARCH_RANK_CAP:,} articles and only the {store_db.SEARCH_RANK_CAP:,} most recently added"
        " of them were ranked",
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad request (a malformed query)"},
    404: {"model": ErrorBody, "description": "Unknown id"},
    422: {"model": ErrorBody, "description": "Invalid parameter"},
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)

Ctx = Annotated[WebContext, Depends(get_ctx)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size, 1..{MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Since = Annotated[date | None, Query(description="on or after this date (YYYY-MM-DD)")]
Until = Annotated[date | None, Query(description="on or before this date (YYYY-MM-DD)")]
Text = Annotated[str | None, Query(max_length=500)]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="article id")]
StoryId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="story id (a merged story's id leads to the story it joined)")
]
GroupId = Annotated[int, Path(ge=1, le=MAX_ID, description="claim group id")]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def page(request: Request, items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """A page from up to ``limit + 1`` items (one more than shown says there is a next page)."""
    nxt = None
    if len(items) > limit:
        u = request.url.include_query_params(limit=limit, offset=offset + limit)
        nxt = f"{u.path}?{u.query}"
    return {"items": items[:limit], "limit": limit, "offset": offset, "next": nxt}


# -- meta --------------------------------------------------------------------------------------


@router.get("/csrf", summary="A CSRF token for state-changing requests")
def csrf(request: Request) -> JSONResponse:
    """A token to send in the ``X-CSRF-Token`` header (or ``csrf_token`` form field) of every
    POST; it also sets the matching cookie. Clients using a bearer token need none."""
    token, fresh = csrf_token_for(request)
    resp = SafeJSONResponse({"csrf_token": token, "header": CSRF_HEADER, "field": CSRF_FIELD})
    if fresh:
        set_csrf_cookie(resp, request, token)
    return resp


@router.get("/stats", summary="Counts of what the store holds")
def stats(ctx: Ctx) -> dict[str, int]:
    with ctx.reader() as store:
        return store.stats()


# -- articles ----------------------------------------------------------------------------------


@router.get("/articles", response_model=Page, summary="Articles, newest first")
def articles(
    request: Request, ctx: Ctx, outlet: Text = None, author: Text = None, since: Since = None, until: Until = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        hits = store.search("", outlet=outlet, author=author, since=_iso(since), until=_iso(until),
                            limit=limit + 1, offset=offset)
    items = [{"id": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published,
              "authors": h.authors, "excerpt": h.snippet} for h in hits]
    return page(request, items, limit, offset)


@router.get("/articles/{article_id}", summary="One article: text, captions, claims, story, copies")
def article(article_id: ArticleId, ctx: Ctx) -> dict[str, Any]:
    with ctx.reader() as store:
        return services.article_record(store, article_id)


# -- claims and sources ------------------------------------------------------------------------


@router.get("/claims", response_model=Page, summary="Attributed claims")
def claims(
    request: Request, ctx: Ctx,
    source: Annotated[
        str | None, Query(max_length=500, description="said by, or relayed through, a source whose name contains this")
    ] = None,
    about: Annotated[str | None, Query(max_length=500, description="FTS5 query over the claim's content")] = None,
    since: Since = None, until: Until = None,
    stance: Annotated[Literal["asserted", "denied"] | None, Query()] = None,
    article: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only claims of this article")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        found = store.claims(source=source, about=about, since=_iso(since), until=_iso(until), stance=stance,
                             article_id=article, limit=limit + 1, offset=offset)
        items = services.claim_records(store, found)
    return page(request, items, limit, offset)


@router.get("/sources", response_model=Page, summary="Sources cited by claims, most cited first")
def sources(
    request: Request, ctx: Ctx,
    q: Annotated[str | None, Query(max_length=500, description="only names containing this")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        items = services.list_sources(store, contains=q, limit=limit + 1, offset=offset)
    return page(request, items, limit, offset)


@router.get("/sources/{name:path}", summary="One source: its claims over time")
def source(
    request: Request, ctx: Ctx, name: Annotated[str, Path(min_length=1, max_length=500)],
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        summary = services.source_summary(store, name)
        found = services.source_claims(store, name, limit=limit + 1, offset=offset)
        items = services.claim_records(store, found)
    return {**summary, **page(request, items, limit, offset)}


# -- stories -----------------------------------------------------------------------------------


@router.get("/stories", response_model=Page, summary="Stories, latest news first")
def stories(
    request: Request, ctx: Ctx,
    q: Annotated[str, Query(max_length=500, description="FTS5 query: stories with an article matching it")] = "",
    source: Annotated[
        str | None, Query(max_length=500, description="stories citing a source whose name contains this")
    ] = None,
    since: Since = None, until: Until = None,
    min_articles: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        rows = store.stories(query=q, source=source, since=_iso(since), until=_iso(until),
                             min_articles=min_articles, limit=limit + 1, offset=offset)
    return page(request, [r.to_record() for r in rows], limit, offset)


@router.get("/stories/{story_id}", summary="One story with its articles")
def story(story_id: StoryId, ctx: Ctx) -> dict[str, Any]:
    with ctx.reader() as store:
        s = store.story(story_id)
        return {**s.to_record(), "requested_id": story_id, "articles_list": services.story_articles(store, s.id)}


def _view(ctx: WebContext, story_id: int) -> Any:
    from newstrace.views import story_view

    with ctx.reader() as store:
        return story_view(store, story_id)


@router.get("/stories/{story_id}/timeline", response_model=Page, summary="Every claim of a story by date")
def story_timeline(
    request: Request, story_id: StoryId, ctx: Ctx, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    rows = _view(ctx, story_id).timeline()
    return page(request, rows[offset : offset + limit + 1], limit, offset)


@router.get("/stories/{story_id}/claim-groups", response_model=Page, summary="A story's claim groups")
def story_claim_groups(
    request: Request, story_id: StoryId, ctx: Ctx, circular: bool | None = None, limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        store.story(story_id)  # 404 for an unknown story
        groups = store.claim_groups(story_id=story_id, circular=circular, members=True, limit=limit + 1,
                                    offset=offset)
    return page(request, [g.to_record() for g in groups], limit, offset)


GraphFormat = Literal["json", "graphml", "gexf"]


def _graph_response(g: Any, fmt: str, name: str) -> Response:
    from newstrace.link import to_gexf, to_graphml, to_json

    if fmt == "json":
        return SafeJSONResponse(to_json(g))
    text = to_graphml(g) if fmt == "graphml" else to_gexf(g)
    return Response(
        text.encode("utf-8"), media_type=f"application/{fmt}+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


@router.get("/stories/{story_id}/graph", summary="A story's provenance graph (JSON, or GraphML/GEXF download)")
def story_graph(story_id: StoryId, ctx: Ctx, format: GraphFormat = "json") -> Response:  # noqa: A002
    from newstrace.views import graph

    with ctx.reader() as store:
        sid = store.story(story_id).id
        g = graph(store, [sid])
    return _graph_response(g, format, f"story-{sid}")


@router.get("/stories/{story_id}/figures", response_model=Page, summary="Numbers a story reported repeatedly")
def story_figures(
    request: Request, story_id: StoryId, ctx: Ctx, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    figs = [services.figure_record(f) for f in _view(ctx, story_id).figures()]
    return page(request, figs[offset : offset + limit + 1], limit, offset)


# -- claim groups ------------------------------------------------------------------------------


@router.get("/claim-groups", response_model=Page, summary="Claim groups, most reported first")
def claim_groups(
    request: Request, ctx: Ctx,
    story: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this story's groups")] = None,
    circular: Annotated[bool | None, Query(description="only circular (true) or non-circular (false) groups")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    with ctx.reader() as store:
        groups = store.claim_groups(story_id=story, circular=circular, members=True, limit=limit + 1, offset=offset)
    return page(request, [g.to_record() for g in groups], limit, offset)


@router.get("/claim-groups/{group_id}", summary="One claim group with its member claims")
def claim_group(group_id: GroupId, ctx: Ctx) -> dict[str, Any]:
    with ctx.reader() as store:
        return services.claim_group(store, group_id)


# -- search ------------------------------------------------------------------------------------


@router.get("/search", response_model=SearchPage, summary="Full-text search over articles")
def search(
    request: Request, ctx: Ctx,
    q: Annotated[
        str, Query(min_length=1, max_length=500, description='FTS5 query: words, "a phrase", AND/OR/NOT, prefix*')
    ],
    outlet: Text = None, author: Text = None, since: Since = None, until: Until = None,
    entity: Annotated[
        str | None, Query(max_length=500, description="only articles mentioning a named entity of exactly this name"
                          " (case-insensitive)")
    ] = None,
    limit: Limit = 20, offset: Offset = 0,
) -> dict[str, Any]:
    """Best matches (bm25) first, ties by id. A query with no filters that matches a great
    many articles (a very common word) ranks only the most recently added of them: ``cut``
    is then true."""
    with ctx.reader() as store:
        ranked = store.search_ranked(q, outlet=outlet, author=author, since=_iso(since), until=_iso(until),
                                     entity=entity, limit=limit + 1, offset=offset)
        hits = store.search_hits(q, ranked.ids, ranked.ranks)
    items = [{"id": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published,
              "authors": h.authors, "rank": h.rank, "snippet": services.snippet_parts(h.snippet)} for h in hits]
    return {**page(request, items, limit, offset), "cut": ranked.cut}


# -- ingest ------------------------------------------------------------------------------------

AsKind = Literal["auto", "html", "text", "body"]


class UrlIngest(BaseModel):
    url: str = Field(min_length=8, max_length=2048, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$",
                     description="an http(s) URL of a page (or a feed)")
    refresh: bool = Field(False, description="fetch again even when the URL is already stored")
    published: date | None = Field(None, description="publication date, wins over the page's own")
    as_: AsKind = Field("auto", alias="as", description="read the page as auto, html, text or body")


INGEST_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "Something was added or revised"},
    200: {"description": "Nothing new (already stored)"},
    403: {"model": ErrorBody, "description": "CSRF check failed"},
    413: {"model": ErrorBody, "description": "The upload is larger than max_input_bytes"},
    422: {"model": ErrorBody, "description": "Invalid parameter, or no input held an article"},
}


def _ingest_response(report: services.WebIngestReport) -> JSONResponse:
    rec = report.to_record()
    if report.failures and not report.articles and not report.skipped:
        first = report.failures[0]
        return error_response(422, first["reason"], first["message"], report=rec)
    return SafeJSONResponse(rec, status_code=201 if report.added or report.revised else 200)


@router.post("/ingest/url", summary="Fetch a URL, ingest and link it", responses=INGEST_RESPONSES)
def ingest_url(body: UrlIngest, ctx: Ctx) -> JSONResponse:
    with ctx.writer() as store:
        items = services.url_inputs(body.url, ctx.settings, refresh=body.refresh, store=store)
        report = services.ingest_inputs(items, store, settings=ctx.settings, pipeline=ctx.pipeline,
                                        as_=body.as_, published=_iso(body.published),
                                        command=f"serve ingest {body.url}")
    return _ingest_response(report)


@router.post("/ingest/upload", summary="Upload a page (HTML or text), ingest and link it", responses=INGEST_RESPONSES)
def ingest_upload(
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="the page: HTML or a text dump")],
    url: Annotated[str | None, Form(max_length=2048, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$",
                                    description="the page's URL, if known")] = None,
    published: Annotated[date | None, Form(description="publication date (YYYY-MM-DD)")] = None,
    as_: Annotated[AsKind, Form(alias="as")] = "auto",
    csrf_token: Annotated[str | None, Form(description="CSRF token (browsers; or the X-CSRF-Token header)")] = None,
) -> JSONResponse:
    cap = ctx.settings.max_input_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        return error_response(413, "too-large", f"the upload is larger than max_input_bytes ({cap} bytes)")
    raw = services.upload_input(data, file.filename, url, as_)
    with ctx.writer() as store:
        report = services.ingest_inputs([raw], store, settings=ctx.settings, pipeline=ctx.pipeline, as_=as_,
                                        published=_iso(published), command=f"serve upload {raw.source}")
    return _ingest_response(report)


# -- exports -----------------------------------------------------------------------------------

EXPORT_BATCH = 200


def _stream(
    ctx: WebContext, chunk: Callable[[Store, Any], tuple[str, Any, bool]], media: str, filename: str
) -> Response:
    """Stream an export a chunk at a time; each chunk opens its own read-only connection (a
    streamed body is iterated from worker threads)."""

    def chunks() -> Iterator[str]:
        cursor: Any = None
        while True:
            with ctx.reader() as store:
                text, cursor, done = chunk(store, cursor)
            if text:
                yield text
            if done:
                return

    gen = chunks()
    first = next(gen, "")  # errors (a missing store) surface before the response starts
    return StreamingResponse(chain([first], gen), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/export/articles", summary="Every article (current revision) as JSON Lines or CSV")
def export_articles(ctx: Ctx, format: Literal["jsonl", "csv"] = "jsonl") -> Response:  # noqa: A002
    def chunk(store: Store, cursor: Any) -> tuple[str, Any, bool]:
        after = cursor or 0
        recs, last = services.article_export_rows(store, after, EXPORT_BATCH)
        if format == "jsonl":
            text = "".join(safe_json(r) + "\n" for r in recs)
        else:
            text = csv_text(services.ARTICLE_COLUMNS, (services.article_flat(r) for r in recs),
                            header=cursor is None)
        return text, last, len(recs) < EXPORT_BATCH

    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return _stream(ctx, chunk, media, f"articles.{format}")


@router.get("/export/claims", summary="Every claim (current revisions) as JSON Lines or CSV")
def export_claims(ctx: Ctx, format: Literal["jsonl", "csv"] = "jsonl") -> Response:  # noqa: A002
    def chunk(store: Store, cursor: Any) -> tuple[str, Any, bool]:
        offset = cursor or 0
        recs = services.claim_records(store, store.claims(limit=EXPORT_BATCH, offset=offset))
        if format == "jsonl":
            text = "".join(safe_json(r) + "\n" for r in recs)
        else:
            text = csv_text(services.CLAIM_COLUMNS, (services.claim_flat(r) for r in recs),
                            header=cursor is None)
        return text, offset + len(recs), len(recs) < EXPORT_BATCH

    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    return _stream(ctx, chunk, media, f"claims.{format}")


@router.get("/export/graph", summary="The provenance graph of some stories (default all) as GraphML, GEXF or JSON")
def export_graph(
    ctx: Ctx,
    story: Annotated[list[int] | None, Query(description="a story id (repeatable); default every story")] = None,
    format: GraphFormat = "graphml",  # noqa: A002
) -> Response:
    from newstrace.views import graph

    if story and any(not 1 <= s <= MAX_ID for s in story):
        return error_response(422, "invalid-parameter", "story: ids are positive integers")
    if story and len(story) > 1000:
        return error_response(422, "invalid-parameter", "story: at most 1000 stories at once")
    with ctx.reader() as store:
        g = graph(store, story or None)
    name = "graph" if not story else "stories-" + "-".join(map(str, story[:10]))
    if format == "json":
        from newstrace.link import to_json

        return Response(safe_json(to_json(g)).encode("utf-8"), media_type="application/json",
                        headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    return _graph_response(g, format, name)
