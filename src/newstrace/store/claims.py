"""Claims in the store: written with their revision, queried by source, topic and date."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newstrace.errors import QueryError
from newstrace.models import Claim, Place, Quantity, SourceRef, Span

#: How content parts are joined in the flat ``content`` column.
PART_JOINER = " … "


def fts_error(what: str, exc: sqlite3.OperationalError) -> QueryError:
    """The error for a malformed full-text query: ``what`` failed ("search for 'x'"), and how
    to write one that works (every FTS5 query in the store goes through here)."""
    return QueryError(
        f"cannot {what}: {exc}. Put phrases in double quotes and use AND, OR, NOT between words (FTS5 syntax)"
    )


def like_contains(term: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') matching values that contain ``term`` literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def insert_claims(db: sqlite3.Connection, revision_id: int, claims: list[Claim]) -> None:
    """Store the claims of one revision (inside the caller's transaction)."""
    for pos, c in enumerate(claims):
        src = c.source
        cur = db.execute(
            "INSERT INTO claims(revision_id, position, source_text, source_start, source_end, source_entity,"
            " source_type, source_description, cue_text, cue_start, cue_end, content, content_spans, kind,"
            " chain, origin, stance, date, quantities, places, confidence)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                revision_id, pos,
                src.text if src else None, src.start if src else None, src.end if src else None,
                src.entity if src else None, src.type if src else None, src.description if src else None,
                c.cue.text, c.cue.start, c.cue.end,
                PART_JOINER.join(p.text for p in c.content), json.dumps([[p.start, p.end, p.text] for p in c.content]),
                c.kind, json.dumps(c.chain), c.chain[-1] if c.chain else None, c.stance, c.date,
                json.dumps([asdict(q) for q in c.quantities]), json.dumps([asdict(p) for p in c.places]),
                c.confidence,
            ),
        )
        claim_id = int(cur.lastrowid or 0)
        names = list(dict.fromkeys(n for n in [*(c.chain or []), (src.entity or src.text) if src else None] if n))
        db.executemany(
            "INSERT INTO claim_sources(claim_id, position, name) VALUES (?,?,?)",
            [(claim_id, i, n) for i, n in enumerate(names)],
        )
        db.execute(
            "INSERT INTO claim_search(rowid, content, source) VALUES (?,?,?)",
            (claim_id, PART_JOINER.join(p.text for p in c.content), " ; ".join(names)),
        )


@dataclass
class StoredClaim:
    id: int
    article_id: int
    article_title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    claim: Claim

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "article_title": self.article_title,
            "outlet": self.outlet,
            "published": self.published,
            "url": self.url,
            **self.claim.to_record(),
        }


def _claim_from_row(r: sqlite3.Row) -> Claim:
    spans = json.loads(r["content_spans"])
    source = None
    if r["source_start"] is not None:
        source = SourceRef(r["source_start"], r["source_end"], r["source_text"], r["source_entity"],
                           r["source_type"] or "unknown", r["source_description"])
    return Claim(
        source=source,
        cue=Span(r["cue_start"], r["cue_end"], r["cue_text"]),
        content=[Span(s, e, t) for s, e, t in spans],
        kind=r["kind"], chain=json.loads(r["chain"]), stance=r["stance"], date=r["date"],
        quantities=[Quantity(**q) for q in json.loads(r["quantities"])],
        places=[Place(**p) for p in json.loads(r["places"])],
        confidence=r["confidence"],
    )


def query_claims(
    db: sqlite3.Connection,
    *,
    source: str | None = None,
    about: str | None = None,
    since: str | None = None,
    until: str | None = None,
    article_id: int | None = None,
    article_ids: Sequence[int] | None = None,
    stance: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[StoredClaim]:
    """Claims of current revisions. ``source`` matches the speaker or anyone in the chain;
    ``about`` is an FTS5 query over the content; dates filter the statement's date (or the
    article's publication date when the statement has none)."""
    where: list[str] = []
    params: list[Any] = []
    if source:
        where.append(
            "(EXISTS (SELECT 1 FROM claim_sources s WHERE s.claim_id = c.id AND s.name LIKE ? ESCAPE '\\')"
            " OR c.source_text LIKE ? ESCAPE '\\')"
        )
        like = like_contains(source)
        params += [like, like]
    if about:
        where.append("c.id IN (SELECT rowid FROM claim_search WHERE claim_search MATCH ?)")
        params.append(about)
    if since:
        where.append("COALESCE(c.date, c.published) >= ?")
        params.append(since)
    if until:
        where.append("COALESCE(c.date, c.published) <= ?")
        params.append(until)
    if article_id is not None:
        where.append("c.article_id = ?")
        params.append(article_id)
    if article_ids is not None:
        where.append("c.article_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(set(article_ids))))
    if stance:
        where.append("c.stance = ?")
        params.append(stance)
    sql = "SELECT c.* FROM current_claims c" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY COALESCE(c.date, c.published), c.article_id, c.position LIMIT ? OFFSET ?"
    try:
        rows = db.execute(sql, (*params, limit, offset)).fetchall()
    except sqlite3.OperationalError as exc:
        raise fts_error(f"search claims about {about!r}", exc) from exc
    return [
        StoredClaim(r["id"], r["article_id"], r["article_title"], r["outlet"], r["published"], r["url"],
                    _claim_from_row(r))
        for r in rows
    ]
