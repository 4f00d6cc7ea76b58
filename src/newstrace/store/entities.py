"""Named-entity mentions in the store: written with their revision, read back with it, and
the SQL the search facet and filter use."""

from __future__ import annotations

import sqlite3

from newstrace.models import Entity


def insert_entities(db: sqlite3.Connection, revision_id: int, entities: list[Entity]) -> None:
    """Store the entity mentions of one revision (inside the caller's transaction)."""
    db.executemany(
        'INSERT INTO entities(revision_id, position, text, label, start, "end") VALUES (?,?,?,?,?,?)',
        [(revision_id, pos, e.text, e.label, e.start, e.end) for pos, e in enumerate(entities)],
    )


def entities_of(db: sqlite3.Connection, revision_id: int) -> list[Entity]:
    """The entity mentions of a revision, in text order."""
    return [
        Entity(int(r[0]), int(r[1]), r[2], r[3])
        for r in db.execute(
            'SELECT start, "end", text, label FROM entities WHERE revision_id=? ORDER BY position', (revision_id,)
        )
    ]


#: A condition on ``current_articles c``: the article's current revision mentions an entity
#: named exactly ``?`` (case-insensitive). Read off the index on entities(text).
MENTIONS_SQL = "c.revision_id IN (SELECT e.revision_id FROM entities e WHERE e.text = ? COLLATE NOCASE)"
