"""The exception tree of newstrace.

Every error carries a stable ``reason`` slug (stored with failures, safe to match on)
and a one-line message saying what failed and what to do.
"""

from __future__ import annotations


class NewstraceError(Exception):
    """Base of every error newstrace raises on purpose."""

    reason = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason

    @property
    def message(self) -> str:
        return str(self)


class UsageError(NewstraceError):
    """The user asked for something malformed (bad option, bad query, bad date)."""

    reason = "usage"


class InputError(NewstraceError):
    """An input cannot be read: empty, binary, too large, truncated, undecodable."""

    reason = "bad-input"


class FetchError(InputError):
    """A URL could not be fetched: refused by robots.txt, private address, HTTP error, timeout."""

    reason = "fetch"


class ExtractionError(NewstraceError):
    """An input was read but holds no article (all navigation, no body)."""

    reason = "no-article"


class StoreError(NewstraceError):
    """The store cannot be opened or written (locked, wrong schema version, disk full)."""

    reason = "store"


class QueryError(UsageError):
    """A search query is malformed."""

    reason = "bad-query"
