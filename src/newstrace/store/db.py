"""The embedded store: one SQLite file, WAL mode, plain tables plus FTS5.

One writer connection per Store (SQLite allows one writer at a time anyway); every
input is committed in its own transaction, so a killed ingest loses at most the input
it was working on, and a re-run skips what is already done.
"""

from __future__ import annotations

import fcntl
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from newstrace.errors import QueryError, StoreError
from newstrace.models import Article, Caption, Failure
from newstrace.store import links
from newstrace.store.claims import StoredClaim, fts_error, insert_claims, like_contains, query_claims
from newstrace.store.entities import MENTIONS_SQL, entities_of, insert_entities
from newstrace.models import ClaimGroup, Copy, Figure, ProvenanceGraph, Story
from newstrace.store import groups as story_groups
from newstrace.store.links import LinkBatch
from newstrace.store.tx import statements, write

SCHEMA_VERSION = 7
#: Ordered migrations: (version it brings the store to, SQL resource in this package).
MIGRATIONS: list[tuple[int, str]] = [
    (1, "schema.sql"), (2, "schema_v2.sql"), (3, "schema_v3.sql"), (4, "schema_v4.sql"), (5, "schema_v5.sql"),
    (6, "schema_v6.sql"), (7, "schema_v7.sql"),
]

AddStatus = Literal["added", "revised", "unchanged"]

#: Seconds a writer waits for another process's write transaction to end (another ingest,
#: the link step, the server) before giving up with a StoreError. Write transactions are
#: short (one article, one link batch), so a wait this long means something is stuck.
BUSY_TIMEOUT_S = 60.0

#: A search with no filters ranks at most this many matches, the most recently added (see
#: :meth:`Store.search_ranked`): bm25 over every match of a very common word is linear in
#: the store (100 ms and more at 100,000 articles).
SEARCH_RANK_CAP = 10_000
_ADD_COLUMN = re.compile(r"\s*(?:--[^\n]*\n\s*)*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.I)
_SNIPPET = "snippet(article_search, 1, '\x02', '\x03', ' … ', 24)"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_key(url: str | None, source: str) -> str:
    """Identity of an article: its canonical URL (normalised), else the path it came from.

    http and https, host case, a trailing slash and the #fragment do not make another page.
    """
    if url:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            path = parts.path.rstrip("/") or ""
            return urlunsplit(("https", parts.netloc.lower(), path, parts.query, ""))
        return url.strip()
    return "source:" + source


@dataclass(frozen=True)
class AddResult:
    article_id: int
    revision_id: int
    status: AddStatus


@dataclass(frozen=True)
class SearchHit:
    article_id: int
    title: str | None
    outlet: str | None
    published: str | None
    authors: list[str]
    snippet: str
    rank: float


@dataclass(frozen=True)
class SearchRanking:
    """One page of search results as article ids, best first, with their bm25 ranks (0.0
    without a query); ``cut``: only the most recently added matches were ranked."""

    ids: list[int]
    ranks: list[float]
    cut: bool = False


@dataclass
class StoredArticle:
    """An article read back from the store, with its revision history."""

    id: int
    revision_id: int
    article: Article
    first_seen: str
    last_seen: str
    revisions: list[dict[str, Any]] = field(default_factory=list)
    #: links found by the link step: the article's story, the article it copies, its copies
    story_id: int | None = None
    copy_of: int | None = None
    copies: list[int] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        rec = self.article.to_record()
        rec.pop("error", None)
        rec.update(
            id=self.id,
            revision_id=self.revision_id,
            kind=self.article.kind,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            revisions=self.revisions,
            story_id=self.story_id,
            copy_of=self.copy_of,
            copies=self.copies,
        )
        return rec


class Store:
    """The SQLite store. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"no store at {self.path}: ingest something first, or pass --db")
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # autocommit: every write transaction is opened by store.tx.write
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self.db.row_factory = sqlite3.Row
            if not readonly:
                self._migrate()
            else:
                self._check_version()
            #: the schema version of the file (below SCHEMA_VERSION when an older store is
            #: opened read-only: what it lacks reads as empty)
            self.schema_version = self._version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    # -- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _version(self) -> int:
        has_meta = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has_meta:
            return 0
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _check_version(self) -> None:
        v = self._version()
        if v > SCHEMA_VERSION:
            raise StoreError(
                f"the store at {self.path} has schema version {v}, newer than this newstrace "
                f"({SCHEMA_VERSION}): upgrade newstrace"
            )

    def _migrate(self) -> None:
        self._check_version()
        if self._version() == SCHEMA_VERSION:
            return
        # Under the write lock, the version read again: two processes opening a new store
        # at once migrate it once.
        with write(self.db):
            self._check_version()
            current = self._version()
            for version, resource in MIGRATIONS:
                if version <= current:
                    continue
                sql = resources.files("newstrace.store").joinpath(resource).read_text("utf-8")
                for statement in statements(sql):
                    if not self._has_column_already(statement):
                        self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (str(version),),
                )

    def _has_column_already(self, statement: str) -> bool:
        """An ``ALTER TABLE t ADD COLUMN c`` whose column exists (a store taken back to an
        older version by hand, a migration interrupted by an older SQLite): nothing to do."""
        m = _ADD_COLUMN.match(statement)
        if m is None:
            return False
        cols = {r[1] for r in self.db.execute(f"PRAGMA table_info({m.group(1)})")}
        return m.group(2) in cols

    # -- runs ----------------------------------------------------------------------
    def start_run(self, command: str) -> int:
        with write(self.db):
            cur = self.db.execute("INSERT INTO runs(started_at, command) VALUES (?, ?)", (_now(), command))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        cols = [c for c in ("added", "revised", "unchanged", "skipped", "failed") if c in counts]
        sets = ", ".join(f"{c}=?" for c in cols)
        with write(self.db):
            self.db.execute(
                f"UPDATE runs SET finished_at=?{', ' if sets else ''}{sets} WHERE id=?",
                (_now(), *[counts[c] for c in cols], run_id),
            )

    # -- writing -------------------------------------------------------------------
    def seen(self, source: str, sha256: str) -> bool:
        """True when exactly these bytes from this source were already stored."""
        row = self.db.execute(
            "SELECT 1 FROM inputs WHERE source=? AND sha256=? AND status='ok'", (source, sha256)
        ).fetchone()
        return row is not None

    def done(self, source: str) -> bool:
        """True when some content from this source (a URL, a feed entry) is already stored."""
        row = self.db.execute("SELECT 1 FROM inputs WHERE source=? AND status='ok' LIMIT 1", (source,)).fetchone()
        return row is not None

    def add(self, article: Article, *, sha256: str, run_id: int | None = None) -> AddResult:
        """Store an article: a new article, a new revision of a known one, or nothing new."""
        now = _now()
        key = canonical_key(article.url, article.source)
        chash = article.content_hash
        with write(self.db):
            article_id = self._article_id_for(key, article, chash, now)
            row = self.db.execute(
                "SELECT id FROM revisions WHERE article_id=? AND content_hash=?", (article_id, chash)
            ).fetchone()
            if row:
                revision_id, status = int(row[0]), "unchanged"
            else:
                had = self.db.execute(
                    "SELECT current_revision_id FROM articles WHERE id=?", (article_id,)
                ).fetchone()[0]
                revision_id = self._insert_revision(article_id, article, chash, now)
                status = "revised" if had else "added"
                self.db.execute(
                    "UPDATE articles SET current_revision_id=? WHERE id=?", (revision_id, article_id)
                )
                self._index(article_id, article)
                insert_claims(self.db, revision_id, article.claims)
                insert_entities(self.db, revision_id, article.entities)
            self.db.execute("UPDATE articles SET last_seen=? WHERE id=?", (now, article_id))
            self._record_input(article.source, sha256, "ok", revision_id, run_id, now)
            self.db.execute(
                "UPDATE failures SET resolved_at=? WHERE source=? AND resolved_at IS NULL",
                (now, article.source),
            )
        return AddResult(article_id, revision_id, status)  # type: ignore[arg-type]

    def _article_id_for(self, key: str, article: Article, chash: str, now: str) -> int:
        row = self.db.execute("SELECT id FROM articles WHERE article_key=?", (key,)).fetchone()
        if row:
            return int(row[0])
        if key.startswith("source:"):
            # A page with no URL that we already hold under another path is the same article.
            same = self.db.execute(
                "SELECT article_id FROM revisions WHERE content_hash=? LIMIT 1", (chash,)
            ).fetchone()
            if same:
                return int(same[0])
        cur = self.db.execute(
            "INSERT INTO articles(article_key, url, first_seen, last_seen) VALUES (?, ?, ?, ?)",
            (key, article.url, now, now),
        )
        return int(cur.lastrowid or 0)

    def _insert_revision(self, article_id: int, a: Article, chash: str, now: str) -> int:
        cur = self.db.execute(
            "INSERT INTO revisions(article_id, content_hash, kind, source, title, authors, emails,"
            " published, published_at, published_utc, outlet, section, language, url, text, paragraphs, evidence,"
            " ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article_id, chash, a.kind, a.source, a.title, json.dumps(a.authors),
                json.dumps(a.emails), a.published, a.published_at, a.published_utc, a.outlet,
                json.dumps(a.section), a.language, a.url, a.text, len(a.paragraphs), json.dumps(a.evidence), now,
            ),
        )
        rid = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT INTO revision_authors(revision_id, position, name, email) VALUES (?,?,?,?)",
            [(rid, i, name, _email_for(name, a.emails)) for i, name in enumerate(a.authors)],
        )
        self.db.executemany(
            "INSERT INTO captions(revision_id, position, text, credit) VALUES (?,?,?,?)",
            [(rid, i, c.text, c.credit) for i, c in enumerate(a.captions)],
        )
        return rid

    def _index(self, article_id: int, a: Article) -> None:
        self.db.execute("DELETE FROM article_search WHERE rowid=?", (article_id,))
        self.db.execute(
            "INSERT INTO article_search(rowid, title, body, authors, outlet) VALUES (?,?,?,?,?)",
            (article_id, a.title or "", a.text, ", ".join(a.authors), a.outlet or ""),
        )

    def _record_input(
        self, source: str, sha: str, status: str, revision_id: int | None, run_id: int | None, now: str
    ) -> None:
        self.db.execute(
            "INSERT INTO inputs(source, sha256, status, revision_id, run_id, processed_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(source, sha256) DO UPDATE SET status=excluded.status,"
            " revision_id=excluded.revision_id, run_id=excluded.run_id, processed_at=excluded.processed_at",
            (source, sha, status, revision_id, run_id, now),
        )

    def record_failure(self, failure: Failure, *, sha256: str | None = None, run_id: int | None = None) -> None:
        now = _now()
        with write(self.db):
            self.db.execute(
                "INSERT INTO failures(source, stage, reason, message, first_seen, last_seen, run_id)"
                " VALUES (?,?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET stage=excluded.stage,"
                " reason=excluded.reason, message=excluded.message, attempts=attempts+1,"
                " last_seen=excluded.last_seen, resolved_at=NULL, run_id=excluded.run_id",
                (failure.source, failure.stage, failure.reason, failure.message, now, now, run_id),
            )
            if sha256:
                self._record_input(failure.source, sha256, "failed", None, run_id, now)

    # -- reading -------------------------------------------------------------------
    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def stats(self) -> dict[str, int]:
        q = {
            "articles": "SELECT count(*) FROM articles",
            "revisions": "SELECT count(*) FROM revisions",
            "claims": "SELECT count(*) FROM current_claims",
            "outlets": "SELECT count(DISTINCT outlet) FROM current_articles",
            "failures": "SELECT count(*) FROM failures WHERE resolved_at IS NULL",
            "runs": "SELECT count(*) FROM runs",
            "copies": "SELECT count(*) FROM copies",
            "stories": "SELECT count(*) FROM stories WHERE merged_into IS NULL",
            "claim_groups": "SELECT count(*) FROM claim_groups",
        }
        return {k: int(self.db.execute(sql).fetchone()[0]) for k, sql in q.items()}

    def claims(self, **filters: Any) -> list[StoredClaim]:
        """Claims of current revisions; see :func:`newstrace.store.claims.query_claims`."""
        return query_claims(self.db, **filters)

    def failures(self, *, include_resolved: bool = False) -> list[dict[str, Any]]:
        sql = "SELECT source, stage, reason, message, attempts, first_seen, last_seen, resolved_at FROM failures"
        if not include_resolved:
            sql += " WHERE resolved_at IS NULL"
        return [dict(r) for r in self.db.execute(sql + " ORDER BY last_seen DESC, id DESC")]

    def get(self, article_id: int, *, claims: list[StoredClaim] | None = None) -> StoredArticle:
        """An article with its current revision, revisions, links and claims. ``claims``: its
        claims already read (:meth:`claims` with ``article_id``), not to read them twice."""
        row = self.db.execute("SELECT * FROM current_articles WHERE article_id=?", (article_id,)).fetchone()
        if row is None:
            raise QueryError(f"no article with id {article_id}", reason="not-found")
        caps = self.db.execute(
            "SELECT text, credit FROM captions WHERE revision_id=? ORDER BY position", (row["revision_id"],)
        ).fetchall()
        revs = self.db.execute(
            "SELECT id, content_hash, title, published, source, ingested_at FROM revisions"
            " WHERE article_id=? ORDER BY id",
            (article_id,),
        ).fetchall()
        article = _article_from_row(row, [Caption(c["text"], c["credit"]) for c in caps])
        if claims is None:
            claims = query_claims(self.db, article_id=article_id, limit=100_000)
        article.claims = [sc.claim for sc in claims]
        article.entities = entities_of(self.db, row["revision_id"]) if self.schema_version >= 6 else []
        copy_of = self.db.execute("SELECT original_id FROM copies WHERE copy_id=?", (article_id,)).fetchone()
        return StoredArticle(
            id=article_id,
            revision_id=row["revision_id"],
            article=article,
            first_seen=row["first_seen"],
            last_seen=row["last_seen"],
            revisions=[dict(r) for r in revs],
            story_id=links.story_of(self.db, article_id),
            copy_of=int(copy_of[0]) if copy_of else None,
            copies=[int(r[0]) for r in self.db.execute(
                "SELECT copy_id FROM copies WHERE original_id=? ORDER BY copy_id", (article_id,))],
        )

    def articles_since(self, date: str | None) -> Iterator[tuple[int, Article]]:
        """Current articles published on or after ``date`` (all when None; undated ones
        always), in id order: what the link stages read to rebuild an index."""
        last = 0
        while True:
            ids = [
                int(r[0])
                for r in self.db.execute(
                    "SELECT article_id FROM current_articles WHERE article_id>?"
                    " AND (? IS NULL OR published IS NULL OR published >= ?) ORDER BY article_id LIMIT 500",
                    (last, date, date),
                )
            ]
            if not ids:
                return
            for i in ids:
                yield i, self.get(i).article
            last = ids[-1]

    # -- links (copies, stories, claim groups) ----------------------------------------
    def pending_links(self, limit: int | None = None) -> list[tuple[int, int, str | None]]:
        """Articles the link step has not taken in yet: (id, revision id, published), in
        the order it takes them (see :func:`newstrace.store.links.pending`)."""
        return links.pending(self.db, limit)

    @contextmanager
    def link_lock(self) -> Iterator[None]:
        """Held by the link step: one at a time per store, another one waits for it.

        The link step keeps its indexes in memory between the batches it saves, so two at
        once would each save a state missing the other's articles. A lock on a file beside
        the store (``flock``: released by the system when the holder dies, even by
        ``kill -9``) makes the second wait, then take in what is still pending."""
        lock = self.path.with_name(self.path.name + "-link.lock")
        with open(lock, "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def count_pending_links(self) -> int:
        return links.count_pending(self.db)

    def load_link_state(self, name: str) -> bytes | None:
        return links.load_state(self.db, name)

    def save_links(self, batch: LinkBatch) -> set[int]:
        """Write what linking found for a batch; returns the stories to regroup."""
        return links.save_batch(self.db, batch, _now())

    def stories_needing_regroup(self) -> list[int]:
        return links.needing_regroup(self.db)

    def link_snapshot(self) -> dict[str, Any]:
        """Stories, copies and claim groups by article key (see :func:`newstrace.store.links.snapshot`)."""
        return links.snapshot(self.db)

    def clear_links(self) -> None:
        links.clear(self.db)

    def save_story_links(self, story_id: int, groups: list[ClaimGroup], figures: list[Figure],
                         graph: ProvenanceGraph) -> None:
        """What the link step found inside a story (claim groups, figures, graph), replacing
        what it had, in one transaction."""
        story_groups.save_story(self.db, story_id, groups, figures, graph)

    def story_figures(self, story_id: int) -> list[Figure]:
        return story_groups.figures(self.db, links.resolve_story(self.db, story_id))

    def story_graph(self, story_id: int) -> ProvenanceGraph:
        return story_groups.graph(self.db, links.resolve_story(self.db, story_id))

    def stories(self, **filters: Any) -> list[Story]:
        """Live stories, latest first; see :func:`newstrace.store.links.list_stories`."""
        return links.list_stories(self.db, **filters)

    def story(self, story_id: int) -> Story:
        """A story by id (a merged story's id leads to the story it joined)."""
        return links.get_story(self.db, story_id)

    def story_articles(self, story_id: int) -> list[int]:
        return links.story_article_ids(self.db, links.resolve_story(self.db, story_id))

    def story_article_rows(self, story_id: int) -> list[dict[str, Any]]:
        """The story's articles for a view (see :func:`newstrace.store.links.story_article_rows`)."""
        return links.story_article_rows(self.db, links.resolve_story(self.db, story_id))

    def story_of(self, article_id: int) -> int | None:
        return links.story_of(self.db, article_id)

    def copies(self, article_ids: list[int] | None = None) -> dict[int, Copy]:
        return links.copies(self.db, article_ids)

    def claim_groups(self, *, story_id: int | None = None, **filters: Any) -> list[ClaimGroup]:
        """Claim groups, most reported first (of one story: a merged story's id leads to the
        story it joined); ``members=True`` fills members, member reports and origins."""
        sid = links.resolve_story(self.db, story_id) if story_id is not None else None
        return story_groups.claim_groups(self.db, sid, **filters)

    def claim_group_of(self, claim_ids: list[int]) -> dict[int, tuple[int, str]]:
        return story_groups.group_of_claims(self.db, claim_ids)

    def iter_articles(self, *, batch: int = 500) -> Iterator[StoredArticle]:
        """Every article's current revision, in id order, a page at a time (flat memory)."""
        last = 0
        while True:
            ids = [
                int(r[0])
                for r in self.db.execute(
                    "SELECT id FROM articles WHERE id>? AND current_revision_id IS NOT NULL ORDER BY id LIMIT ?",
                    (last, batch),
                )
            ]
            if not ids:
                return
            for i in ids:
                yield self.get(i)
            last = ids[-1]

    def search(
        self,
        query: str = "",
        *,
        outlet: str | None = None,
        author: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        limit: int = 20,
        offset: int = 0,
        rank_cap: int | None = None,
    ) -> list[SearchHit]:
        """Full-text search (SQLite FTS5 syntax) with filters, best match (bm25) first, ties
        by article id; newest first when no query. ``entity``: only articles whose current
        revision mentions an entity of exactly that name (case-insensitive). ``rank_cap``: see
        :meth:`search_ranked`."""
        ranked = self.search_ranked(query, outlet=outlet, author=author, since=since, until=until,
                                    entity=entity, limit=limit, offset=offset, rank_cap=rank_cap)
        return self.search_hits(query, ranked.ids, ranked.ranks)

    def search_ranked(
        self,
        query: str = "",
        *,
        outlet: str | None = None,
        author: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        limit: int = 20,
        offset: int = 0,
        rank_cap: int | None = None,
    ) -> SearchRanking:
        """The ids of one page of :meth:`search` (and their bm25 ranks), without reading the
        articles or making snippets: ranked from the full-text index alone when there are no
        filters, joined to the current revisions only when there are.

        Ranking costs time linear in the matches (bm25 reads each one's hits). A query with
        no filters that matches more than ``rank_cap`` articles (a very common word) ranks
        only the ``rank_cap`` most recently added of them (highest article ids) and says so
        (``cut``): older matches are left out even where bm25 would have put them first (for
        a word in over half the articles bm25's weight is near zero and the order means
        little; for one in 10 to 50% of them it still does). With filters, every match
        that passes them is ranked. ``rank_cap`` None: ``SEARCH_RANK_CAP``;
        0: rank every match.
        """
        where, params = _search_filters(outlet, author, since, until, entity)
        cut = False
        try:
            if not query.strip():
                rows = self._newest(where, params, limit, offset)
            elif where:
                rows = self.db.execute(
                    "SELECT s.rowid, bm25(article_search) AS r FROM article_search s"  # noqa: S608
                    " JOIN current_articles c ON c.article_id = s.rowid WHERE article_search MATCH ? AND "
                    + " AND ".join(where) + " ORDER BY r, s.rowid LIMIT ? OFFSET ?",
                    (query, *params, limit, offset),
                ).fetchall()
            else:
                floor = 0
                rank_cap = SEARCH_RANK_CAP if rank_cap is None else rank_cap
                if rank_cap > 0:
                    row = self.db.execute(
                        "SELECT rowid FROM article_search WHERE article_search MATCH ?"
                        " ORDER BY rowid DESC LIMIT 1 OFFSET ?", (query, rank_cap),
                    ).fetchone()
                    if row is not None:
                        floor, cut = int(row[0]), True
                rows = self.db.execute(
                    "SELECT rowid, bm25(article_search) AS r FROM article_search"
                    " WHERE article_search MATCH ? AND rowid > ? ORDER BY r, rowid LIMIT ? OFFSET ?",
                    (query, floor, limit, offset),
                ).fetchall()
        except sqlite3.OperationalError as exc:
            raise fts_error(f"search for {query!r}", exc) from exc
        return SearchRanking([int(r[0]) for r in rows], [float(r[1]) for r in rows], cut)

    def _newest(self, where: list[str], params: list[Any], limit: int, offset: int) -> list[Any]:
        """Articles passing the filters, newest first (dated ones by date, then id; undated
        ones last, by id), as (id, 0.0): the dated ones read in date order off the index on
        revisions(published) instead of sorting every article."""
        filters = "".join(" AND " + w for w in where)
        dated = self.db.execute(
            "SELECT c.article_id, 0.0 FROM current_articles c WHERE c.published IS NOT NULL"  # noqa: S608
            + filters + " ORDER BY c.published DESC, c.article_id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        if len(dated) == limit:
            return dated
        if dated:
            skip = 0
        else:  # past the dated ones: how many there are says where the undated ones start
            n = self.db.execute(
                "SELECT count(*) FROM current_articles c WHERE c.published IS NOT NULL" + filters,  # noqa: S608
                params,
            ).fetchone()[0]
            skip = max(0, offset - int(n))
        undated = self.db.execute(
            "SELECT c.article_id, 0.0 FROM current_articles c WHERE c.published IS NULL"  # noqa: S608
            + filters + " ORDER BY c.article_id DESC LIMIT ? OFFSET ?",
            (*params, limit - len(dated), skip),
        ).fetchall()
        return dated + undated

    def search_matches(
        self,
        query: str = "",
        *,
        outlet: str | None = None,
        author: str | None = None,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
        limit: int = 1000,
    ) -> list[int]:
        """Up to ``limit`` ids of articles that :meth:`search` finds, unranked: the most
        recently added first (newest by date when no query). Cheap (no bm25, no snippets):
        what facets and counts are made from."""
        if not query.strip():
            return self.search_ranked("", outlet=outlet, author=author, since=since, until=until, entity=entity,
                                      limit=limit).ids
        where, params = _search_filters(outlet, author, since, until, entity)
        if where:
            sql = ("SELECT s.rowid AS id FROM article_search s JOIN current_articles c ON c.article_id = s.rowid"
                   " WHERE article_search MATCH ? AND " + " AND ".join(where) + " ORDER BY s.rowid DESC LIMIT ?")
        else:
            sql = "SELECT rowid AS id FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?"
        try:  # one JSON array, not a row per id: fetching rows one by one is slow under load
            found = self.db.execute(
                f"SELECT json_group_array(id) FROM ({sql})", (query, *params, limit)  # noqa: S608
            ).fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise fts_error(f"search for {query!r}", exc) from exc
        return [int(i) for i in json.loads(found or "[]")]

    def search_hits(self, query: str, ids: list[int], ranks: list[float] | None = None) -> list[SearchHit]:
        """Search hits for these article ids, in this order: title, outlet, date, authors and a
        snippet (the query's words marked with \\x02 and \\x03; the text's start when no query).
        Ids no longer in the store are left out."""
        if not ids:
            return []
        ranks = ranks if ranks is not None else [0.0] * len(ids)
        id_json = json.dumps(ids)
        try:
            rows = {
                int(r["article_id"]): r
                for r in self.db.execute(
                    "SELECT article_id, title, outlet, published, authors, substr(text, 1, 200) AS start"
                    " FROM current_articles WHERE article_id IN (SELECT value FROM json_each(?))", (id_json,))
            }
            snips: dict[int, str] = {}
            if query.strip():
                snips = {
                    int(r[0]): r[1] or ""
                    for r in self.db.execute(
                        f"SELECT rowid, {_SNIPPET} FROM article_search WHERE article_search MATCH ?"  # noqa: S608
                        " AND rowid IN (SELECT value FROM json_each(?))", (query, id_json))
                }
        except sqlite3.OperationalError as exc:
            raise fts_error(f"search for {query!r}", exc) from exc
        return [
            SearchHit(
                article_id=i, title=rows[i]["title"], outlet=rows[i]["outlet"], published=rows[i]["published"],
                authors=json.loads(rows[i]["authors"]),
                snippet=snips.get(i, "") if query.strip() else rows[i]["start"] or "", rank=rank,
            )
            for i, rank in zip(ids, ranks, strict=True)
            if i in rows
        ]


def _search_filters(
    outlet: str | None, author: str | None, since: str | None, until: str | None, entity: str | None = None
) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``current_articles c`` for the search filters, and their parameters."""
    where: list[str] = []
    params: list[Any] = []
    if outlet:
        where.append("c.outlet = ? COLLATE NOCASE")
        params.append(outlet)
    if author:
        where.append(
            "EXISTS (SELECT 1 FROM revision_authors ra WHERE ra.revision_id=c.revision_id"
            " AND ra.name LIKE ? ESCAPE '\\')"
        )
        params.append(like_contains(author))
    if since:
        where.append("c.published >= ?")
        params.append(since)
    if until:
        where.append("c.published <= ?")
        params.append(until)
    if entity:
        where.append(MENTIONS_SQL)
        params.append(entity)
    return where, params


def _email_for(name: str, emails: list[str]) -> str | None:
    """The printed e-mail that belongs to an author, matched on the name's parts."""
    parts = [p.lower() for p in re.findall(r"\w+", name) if len(p) > 1]
    for e in emails:
        local = e.split("@")[0].lower()
        if parts and sum(p in local for p in parts) >= min(2, len(parts)):
            return e
        if parts and local in (parts[-1], parts[0][0] + parts[-1], parts[0] + parts[-1]):
            return e
    return None


def _article_from_row(row: sqlite3.Row, captions: list[Caption]) -> Article:
    text = row["text"]
    return Article(
        source=row["source"],
        kind=row["kind"],
        title=row["title"],
        authors=json.loads(row["authors"]),
        emails=json.loads(row["emails"]),
        published=row["published"],
        published_at=row["published_at"] if "published_at" in row.keys() else None,
        outlet=row["outlet"],
        section=json.loads(row["section"]),
        language=row["language"],
        url=row["url"],
        captions=captions,
        paragraphs=text.split("\n\n") if text else [],
        evidence=json.loads(row["evidence"]) if "evidence" in row.keys() else {},
    )
