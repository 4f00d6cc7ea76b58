"""Write transactions on the SQLite store, safe with several writers at once.

Every connection of the store runs in autocommit mode (``isolation_level=None``) and each
write goes through :func:`write`, which starts with ``BEGIN IMMEDIATE``: the write lock is
taken before the first read of the transaction, so a transaction never reads a row that
another process changes before it writes (two ingests of the same page both looking up
its article key and both inserting it), and never has to upgrade a read snapshot to a
write one, which SQLite refuses at once (``SQLITE_BUSY_SNAPSHOT``) instead of waiting.
Waiting for the lock is bounded by the connection's ``busy_timeout``.

Python's own transaction handling (``with connection:``) begins a *deferred* transaction
at the first write, after the reads, which is what let two concurrent ingests collide.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on error).

    Nested use joins the transaction already open."""
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one at a time (``executescript`` would commit the
    transaction a migration runs in)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        yield pending
