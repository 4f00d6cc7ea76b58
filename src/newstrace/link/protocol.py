"""What ``link`` needs from past articles, as a protocol the store satisfies.

Link stages never import the store; they are handed something with this shape. A test
can pass a plain object holding a list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from newstrace.models import Article


class PastArticles(Protocol):
    """Read access to articles already ingested, keyed by the store's article id."""

    def articles_since(self, date: str | None) -> Iterable[tuple[int, Article]]:
        """Every stored article published on or after ``date`` (ISO ``YYYY-MM-DD``), in
        ingest order; ``None`` means all of them. Undated articles are included."""
        ...
