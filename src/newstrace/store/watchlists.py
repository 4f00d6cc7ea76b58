"""Watchlists: saved searches of the workbench (schema version 4).

A watchlist is an FTS5 query over articles, a source name (matched, as the claims filter
does, against a claim's speaker and everyone in its chain, case-insensitively and as a
substring), or both: then an article must match both. Its matches are current articles,
newest first seen first; those first seen after the list's ``last_seen_at`` (when its page
was last visited) are new.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from newstrace.errors import QueryError, UsageError
from newstrace.store.claims import fts_error, like_contains
from newstrace.store.tx import write

#: Longest name, query and source a watchlist keeps.
MAX_FIELD = 500


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Watchlist:
    id: int
    name: str
    query: str | None
    source: str | None
    created_at: str
    last_seen_at: str | None

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class WatchMatch:
    article_id: int
    title: str | None
    outlet: str | None
    published: str | None
    authors: list[str]
    first_seen: str
    #: first seen after the watchlist's last visit
    new: bool


def _row(r: sqlite3.Row) -> Watchlist:
    return Watchlist(int(r["id"]), r["name"], r["query"], r["source"], r["created_at"], r["last_seen_at"])


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def add(db: sqlite3.Connection, name: str, *, query: str | None = None, source: str | None = None) -> Watchlist:
    """Save a watchlist. The query must be valid FTS5 (:class:`QueryError` otherwise); a
    name and at least one of query and source are needed (:class:`InputError`)."""
    name_, query_, source_ = _clean(name), _clean(query), _clean(source)
    if query_ is None and source_ is None:
        raise UsageError("a watchlist needs a search query, a source name, or both", reason="invalid-watchlist")
    if any(v is not None and len(v) > MAX_FIELD for v in (name_, query_, source_)):
        raise UsageError(f"name, query and source are at most {MAX_FIELD} characters", reason="invalid-watchlist")
    name_ = name_ or query_ or source_
    if query_ is not None:
        _check_query(db, query_)
    with write(db):
        cur = db.execute(
            "INSERT INTO watchlists(name, query, source, created_at, last_seen_at) VALUES (?,?,?,?,NULL)",
            (name_, query_, source_, _now()),
        )
    return get(db, int(cur.lastrowid or 0))


def _check_query(db: sqlite3.Connection, query: str) -> None:
    try:
        db.execute("SELECT rowid FROM article_search WHERE article_search MATCH ? LIMIT 1", (query,)).fetchall()
    except sqlite3.OperationalError as exc:
        raise fts_error(f"search for {query!r}", exc) from exc


def get(db: sqlite3.Connection, watchlist_id: int) -> Watchlist:
    r = db.execute("SELECT * FROM watchlists WHERE id=?", (watchlist_id,)).fetchone()
    if r is None:
        raise QueryError(f"no watchlist with id {watchlist_id}", reason="not-found")
    return _row(r)


def all_watchlists(db: sqlite3.Connection) -> list[Watchlist]:
    return [_row(r) for r in db.execute("SELECT * FROM watchlists ORDER BY name COLLATE NOCASE, id")]


def delete(db: sqlite3.Connection, watchlist_id: int) -> None:
    get(db, watchlist_id)  # not-found first
    with write(db):
        db.execute("DELETE FROM watchlists WHERE id=?", (watchlist_id,))


def mark_seen(db: sqlite3.Connection, watchlist_id: int, when: str | None = None) -> str | None:
    """Record a visit; returns the previous visit's time (None: never visited)."""
    before = get(db, watchlist_id).last_seen_at
    with write(db):
        db.execute("UPDATE watchlists SET last_seen_at=? WHERE id=?", (when or _now(), watchlist_id))
    return before


def matches(db: sqlite3.Connection, wl: Watchlist, *, limit: int = 50, offset: int = 0,
            since: str | None = None) -> list[WatchMatch]:
    """The watchlist's matching articles, most recently first seen first. ``new`` marks those
    first seen after ``since`` (default: the watchlist's last visit; all when never visited;
    "" marks all)."""
    where, params = _where(wl)
    rows = _run(db, "SELECT c.article_id, c.title, c.outlet, c.published, c.authors, c.first_seen"
                    " FROM current_articles c" + where
                    + " ORDER BY c.first_seen DESC, c.article_id DESC LIMIT ? OFFSET ?", (*params, limit, offset), wl)
    cut = since if since is not None else wl.last_seen_at
    return [
        WatchMatch(int(r["article_id"]), r["title"], r["outlet"], r["published"], json.loads(r["authors"]),
                   r["first_seen"], cut is None or r["first_seen"] > cut)
        for r in rows
    ]


def count_new(db: sqlite3.Connection, wl: Watchlist) -> int:
    """Matches first seen after the last visit (all of them when never visited)."""
    where, params = _where(wl)
    if wl.last_seen_at is not None:
        where += (" AND " if where else " WHERE ") + "c.first_seen > ?"
        params.append(wl.last_seen_at)
    return int(_run(db, "SELECT count(*) FROM current_articles c" + where, tuple(params), wl)[0][0])


def _where(wl: Watchlist) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if wl.query:
        where.append("c.article_id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)")
        params.append(wl.query)
    if wl.source:
        where.append(
            "c.article_id IN (SELECT cc.article_id FROM current_claims cc JOIN claim_sources s ON s.claim_id = cc.id"
            " WHERE s.name LIKE ? ESCAPE '\\' OR cc.source_text LIKE ? ESCAPE '\\')"
        )
        like = like_contains(wl.source)
        params += [like, like]
    return (" WHERE " + " AND ".join(where) if where else ""), params


def _run(db: sqlite3.Connection, sql: str, params: tuple[Any, ...], wl: Watchlist) -> list[sqlite3.Row]:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        raise QueryError(f"watchlist {wl.name!r}: cannot search for {wl.query!r}: {exc}") from exc
