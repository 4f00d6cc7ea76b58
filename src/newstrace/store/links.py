"""Links in the store: copies and stories, written by the link step and read by the
commands, the API and the workbench (what it finds inside a story, claim groups, figures
and the provenance graph, is in :mod:`newstrace.store.groups`).

What the link step found for a batch of articles is written in one transaction together
with the serialised indexes and the ``linked`` marks (:func:`save_batch`), so a killed link
step resumes from the last batch and never holds an index ahead of or behind the tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newstrace.errors import QueryError
from newstrace.models import Copy, Story
from newstrace.store.claims import fts_error, like_contains
from newstrace.store.groups import delete_story
from newstrace.store.tx import write


@dataclass
class LinkBatch:
    """What the link step found for a batch of articles."""

    #: (article_id, revision_id) taken in
    linked: list[tuple[int, int]] = field(default_factory=list)
    #: copy id -> (original id, similarity, evidence); None: the article is no longer a copy
    copies: dict[int, tuple[int, float, list[str]] | None] = field(default_factory=dict)
    #: article id -> story id
    stories: dict[int, int] = field(default_factory=dict)
    #: (merged story, the story it was merged into)
    merges: list[tuple[int, int]] = field(default_factory=list)
    #: serialised indexes by name
    states: dict[str, bytes] = field(default_factory=dict)


def pending(db: sqlite3.Connection, limit: int | None = None) -> list[tuple[int, int, str | None]]:
    """Articles whose current revision the link step has not taken in: (id, revision, date),
    in the order the link step takes them: by publication date (undated ones last), equal
    dates by content hash, then by article key. Linking is order-dependent (a story is
    started by its first article), so the order depends on the articles alone, never on
    their ids, the order they were ingested in, or how many are linked at a time.
    ``limit`` None: all of them."""
    return [
        (int(r[0]), int(r[1]), r[2])
        for r in db.execute(
            "SELECT a.id, a.current_revision_id, r.published FROM articles a"
            " JOIN revisions r ON r.id = a.current_revision_id"
            " LEFT JOIN linked l ON l.article_id = a.id"
            " WHERE l.revision_id IS NULL OR l.revision_id != a.current_revision_id"
            " ORDER BY r.published IS NULL, r.published, r.published_utc, r.content_hash, a.article_key LIMIT ?",
            (-1 if limit is None else limit,),
        )
    ]


def count_pending(db: sqlite3.Connection) -> int:
    return int(
        db.execute(
            "SELECT count(*) FROM articles a LEFT JOIN linked l ON l.article_id = a.id"
            " WHERE a.current_revision_id IS NOT NULL"
            " AND (l.revision_id IS NULL OR l.revision_id != a.current_revision_id)"
        ).fetchone()[0]
    )


def load_state(db: sqlite3.Connection, name: str) -> bytes | None:
    row = db.execute("SELECT data FROM link_state WHERE name=?", (name,)).fetchone()
    return bytes(row[0]) if row else None


def clear(db: sqlite3.Connection) -> None:
    """Forget every link (for a rebuild); articles and claims stay."""
    with write(db):
        for table in ("claim_group_members", "claim_group_origins", "claim_groups", "figure_values", "figures",
                      "provenance_nodes", "provenance_edges", "story_articles", "stories", "copies", "linked",
                      "link_state"):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def save_batch(db: sqlite3.Connection, batch: LinkBatch, now: str) -> set[int]:
    """Write a batch in one transaction; returns the stories whose membership changed."""
    touched: set[int] = set()
    with write(db):
        for copy_id, rel in batch.copies.items():
            if rel is None:
                db.execute("DELETE FROM copies WHERE copy_id=?", (copy_id,))
            else:
                orig, sim, evidence = rel
                db.execute(
                    "INSERT INTO copies(copy_id, original_id, similarity, evidence, found_at) VALUES (?,?,?,?,?)"
                    " ON CONFLICT(copy_id) DO UPDATE SET original_id=excluded.original_id,"
                    " similarity=excluded.similarity, evidence=excluded.evidence, found_at=excluded.found_at",
                    (copy_id, orig, sim, json.dumps(evidence), now),
                )
        for story_id in set(batch.stories.values()) | {into for _, into in batch.merges}:
            db.execute(
                "INSERT INTO stories(id, updated_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING", (story_id, now)
            )
        for article_id, story_id in batch.stories.items():
            old = db.execute("SELECT story_id FROM story_articles WHERE article_id=?", (article_id,)).fetchone()
            if old and old[0] != story_id:
                touched.add(int(old[0]))
            db.execute(
                "INSERT INTO story_articles(article_id, story_id) VALUES (?,?)"
                " ON CONFLICT(article_id) DO UPDATE SET story_id=excluded.story_id",
                (article_id, story_id),
            )
            touched.add(story_id)
        for gone, into in batch.merges:
            db.execute("UPDATE story_articles SET story_id=? WHERE story_id=?", (into, gone))
            db.execute("UPDATE stories SET merged_into=? WHERE id=? OR merged_into=?", (into, gone, gone))
            delete_story(db, gone)
            touched.add(into)
            touched.discard(gone)
        # copies change which articles count as originals: refresh their stories too
        for copy_id in batch.copies:
            row = db.execute("SELECT story_id FROM story_articles WHERE article_id=?", (copy_id,)).fetchone()
            if row:
                touched.add(int(row[0]))
        db.executemany(
            "INSERT INTO linked(article_id, revision_id, linked_at) VALUES (?,?,?)"
            " ON CONFLICT(article_id) DO UPDATE SET revision_id=excluded.revision_id, linked_at=excluded.linked_at",
            [(a, r, now) for a, r in batch.linked],
        )
        for name, data in batch.states.items():
            db.execute(
                "INSERT INTO link_state(name, data, updated_at) VALUES (?,?,?)"
                " ON CONFLICT(name) DO UPDATE SET data=excluded.data, updated_at=excluded.updated_at",
                (name, data, now),
            )
        for story_id in touched:
            _refresh_story(db, story_id, now)
            db.execute("UPDATE stories SET needs_regroup=1 WHERE id=?", (story_id,))
    return touched


def needing_regroup(db: sqlite3.Connection) -> list[int]:
    """Live stories whose claim groups are behind their membership (a run stopped between
    saving a batch and regrouping)."""
    return [int(r[0]) for r in db.execute(
        "SELECT id FROM stories WHERE needs_regroup=1 AND merged_into IS NULL ORDER BY id")]


def _refresh_story(db: sqlite3.Connection, story_id: int, now: str) -> None:
    """Recount a story from its members; its title is its earliest original's."""
    row = db.execute(
        "SELECT count(*) AS n, sum(cp.copy_id IS NULL) AS originals, count(DISTINCT c.outlet) AS outlets,"
        " min(c.published) AS first, max(c.published) AS last"
        " FROM story_articles sa JOIN current_articles c ON c.article_id = sa.article_id"
        " LEFT JOIN copies cp ON cp.copy_id = sa.article_id WHERE sa.story_id=?",
        (story_id,),
    ).fetchone()
    title = db.execute(
        "SELECT c.title FROM story_articles sa JOIN current_articles c ON c.article_id = sa.article_id"
        " LEFT JOIN copies cp ON cp.copy_id = sa.article_id WHERE sa.story_id=? AND c.title IS NOT NULL"
        " ORDER BY cp.copy_id IS NOT NULL, c.published IS NULL, c.published, c.article_id LIMIT 1",
        (story_id,),
    ).fetchone()
    db.execute(
        "UPDATE stories SET title=?, first_published=?, last_published=?, articles=?, originals=?, outlets=?,"
        " updated_at=? WHERE id=?",
        (title[0] if title else None, row["first"], row["last"], row["n"] or 0, row["originals"] or 0,
         row["outlets"] or 0, now, story_id),
    )


# -- reading ------------------------------------------------------------------------------


def _story(r: sqlite3.Row) -> Story:
    return Story(
        id=r["id"], title=r["title"], first_published=r["first_published"], last_published=r["last_published"],
        articles=r["articles"], originals=r["originals"], outlets=r["outlets"], claim_groups=r["claim_groups"],
        merged_into=r["merged_into"],
    )


def resolve_story(db: sqlite3.Connection, story_id: int) -> int:
    """The live story a (possibly merged) story id now belongs to."""
    seen = set()
    while True:
        row = db.execute("SELECT merged_into FROM stories WHERE id=?", (story_id,)).fetchone()
        if row is None:
            raise QueryError(f"no story with id {story_id}", reason="not-found")
        if row[0] is None or story_id in seen:
            return story_id
        seen.add(story_id)
        story_id = int(row[0])


def get_story(db: sqlite3.Connection, story_id: int) -> Story:
    sid = resolve_story(db, story_id)
    return _story(db.execute("SELECT * FROM stories WHERE id=?", (sid,)).fetchone())


def list_stories(
    db: sqlite3.Connection,
    *,
    query: str = "",
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    min_articles: int = 1,
    limit: int = 20,
    offset: int = 0,
) -> list[Story]:
    """Live stories, latest news first; ``query`` (FTS5) keeps stories with a matching article,
    ``source`` those citing someone whose name contains it, and dates those with news in
    that range."""
    where = ["s.merged_into IS NULL", "s.articles >= ?"]
    params: list[Any] = [min_articles]
    if source:
        sql, extra = source_filter(source)
        where.append(sql)
        params += extra
    if query.strip():
        where.append(
            "s.id IN (SELECT sa.story_id FROM article_search JOIN story_articles sa"
            " ON sa.article_id = article_search.rowid WHERE article_search MATCH ?)"
        )
        params.append(query)
    if since:
        where.append("s.last_published >= ?")
        params.append(since)
    if until:
        where.append("s.first_published <= ?")
        params.append(until + "\uffff" if len(until) == 10 else until)
    sql = (
        "SELECT s.* FROM stories s WHERE " + " AND ".join(where)
        + " ORDER BY s.last_published IS NULL, s.last_published DESC, s.articles DESC, s.id LIMIT ? OFFSET ?"
    )
    try:
        rows = db.execute(sql, (*params, limit, offset)).fetchall()
    except sqlite3.OperationalError as exc:
        raise fts_error(f"search stories for {query!r}", exc) from exc
    return [_story(r) for r in rows]


def story_article_ids(db: sqlite3.Connection, story_id: int) -> list[int]:
    """The story's articles in the link step's order (publication date, undated last, then
    content hash and key: see :func:`pending`), so that its claims are grouped the same way
    whatever order the articles were ingested in."""
    return [
        int(r[0])
        for r in db.execute(
            "SELECT sa.article_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
            " JOIN revisions r ON r.id = a.current_revision_id"
            " WHERE sa.story_id=? ORDER BY r.published IS NULL, r.published, r.published_utc, r.content_hash,"
            " a.article_key",
            (story_id,),
        )
    ]


def story_article_rows(db: sqlite3.Connection, story_id: int) -> list[dict[str, Any]]:
    """The story's articles for a view, in the link step's order: id, title, outlet,
    published, published_at, url and the article it copies (``copy_of``)."""
    return [
        dict(r)
        for r in db.execute(
            "SELECT c.article_id AS id, c.title, c.outlet, c.published, c.published_at, c.url,"
            " cp.original_id AS copy_of FROM story_articles sa JOIN current_articles c ON c.article_id = sa.article_id"
            " LEFT JOIN copies cp ON cp.copy_id = sa.article_id WHERE sa.story_id=?"
            " ORDER BY c.published IS NULL, c.published, c.published_utc, c.content_hash, c.article_key",
            (story_id,),
        )
    ]


def story_of(db: sqlite3.Connection, article_id: int) -> int | None:
    row = db.execute("SELECT story_id FROM story_articles WHERE article_id=?", (article_id,)).fetchone()
    return int(row[0]) if row else None


def copies(db: sqlite3.Connection, article_ids: Iterable[int] | None = None) -> dict[int, Copy]:
    """Copy rows (copy id -> row), for some articles (as copies or as originals) or all."""
    if article_ids is None:
        rows = db.execute("SELECT * FROM copies").fetchall()
    else:
        ids = list(dict.fromkeys(article_ids))
        rows = []
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows += db.execute(
                f"SELECT * FROM copies WHERE copy_id IN ({marks}) OR original_id IN ({marks})",  # noqa: S608
                (*part, *part),
            ).fetchall()
    return {
        int(r["copy_id"]): Copy(int(r["copy_id"]), int(r["original_id"]), float(r["similarity"]),
                                   json.loads(r["evidence"]))
        for r in rows
    }


def source_filter(term: str) -> tuple[str, list[str]]:
    """SQL and parameters matching stories whose claims cite ``term`` (for list filters)."""
    return (
        "s.id IN (SELECT sa.story_id FROM claim_sources cs JOIN claims c ON c.id = cs.claim_id"
        " JOIN articles a ON a.current_revision_id = c.revision_id JOIN story_articles sa ON sa.article_id = a.id"
        " WHERE cs.name LIKE ? ESCAPE '\\')",
        [like_contains(term)],
    )


def snapshot(db: sqlite3.Connection) -> dict[str, Any]:
    """What linking found, named by what the articles are instead of by store ids: each
    live story as its articles' keys, each copy as (copy key, original key), each claim
    group as its members (article key, cue offset, role) with its provenance numbers.
    Two stores that hold the same articles linked the same way give equal snapshots,
    whatever order the articles were ingested or linked in (what the determinism checks
    compare)."""
    keys = {int(r[0]): r[1] for r in db.execute("SELECT id, article_key FROM articles")}
    stories: dict[int, list[str]] = {}
    for sid, aid in db.execute("SELECT story_id, article_id FROM story_articles"):
        stories.setdefault(int(sid), []).append(keys[int(aid)])
    copies = sorted((keys[int(c)], keys[int(o)]) for c, o in db.execute("SELECT copy_id, original_id FROM copies"))
    members: dict[int, list[tuple[str, int, str]]] = {}
    for gid, aid, cue, role in db.execute(
        "SELECT m.group_id, r.article_id, c.cue_start, m.role FROM claim_group_members m"
        " JOIN claims c ON c.id = m.claim_id JOIN revisions r ON r.id = c.revision_id"
    ):
        members.setdefault(int(gid), []).append((keys[int(aid)], int(cue), role))
    groups = []
    for r in db.execute("SELECT id, independent_origins, origins, circular, denied_by FROM claim_groups"):
        groups.append({"members": sorted(members.get(int(r[0]), [])), "independent_origins": int(r[1]),
                       "origins": json.loads(r[2]), "circular": bool(r[3]), "denied_by": json.loads(r[4])})
    return {
        "stories": sorted(sorted(v) for v in stories.values()),
        "copies": copies,
        "groups": sorted(groups, key=lambda g: g["members"]),
    }

