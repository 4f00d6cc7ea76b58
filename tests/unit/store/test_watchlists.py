"""Watchlists in the store (schema version 4): saved queries and sources, their matches,
what is new since the last visit."""

from __future__ import annotations

import pytest

from newstrace.errors import QueryError, UsageError
from newstrace.models import Article, Claim, SourceRef, Span
from newstrace.store import Store
from newstrace.store import watchlists as wl


def _article(n: int, text: str, source: str | None = None) -> Article:
    claims = []
    if source:
        claims = [Claim(source=SourceRef(0, len(source), source, entity=source, type="person"),
                        cue=Span(len(source) + 1, len(source) + 5, "said"),
                        content=[Span(len(source) + 6, len(text), text[len(source) + 6:])])]
    return Article(source=f"file{n}.html", kind="html", title=f"Story {n}", published="2025-10-0" + str(n),
                   outlet="Gazette", url=f"https://x.example/{n}", paragraphs=[text], claims=claims)


def test_add_match_visit_delete(tmp_path) -> None:
    with Store(tmp_path / "w.db") as s:
        s.add(_article(1, "Ferry fire at the quay."), sha256="1" * 64)
        s.add(_article(2, "Ana Lopes said the ferry was late.", "Ana Lopes"), sha256="2" * 64)
        by_query = wl.add(s.db, "", query="ferry")
        assert by_query.name == "ferry" and by_query.last_seen_at is None
        by_source = wl.add(s.db, "Lopes", source="lopes")
        both = wl.add(s.db, "both", query="quay", source="Lopes")
        assert {m.title for m in wl.matches(s.db, by_query)} == {"Story 1", "Story 2"}
        assert [m.title for m in wl.matches(s.db, by_source)] == ["Story 2"]
        assert wl.matches(s.db, both) == []
        assert wl.count_new(s.db, by_query) == 2 and all(m.new for m in wl.matches(s.db, by_query))
        assert wl.mark_seen(s.db, by_query.id, "2999-01-01T00:00:00Z") is None
        seen = wl.get(s.db, by_query.id)
        assert wl.count_new(s.db, seen) == 0 and not any(m.new for m in wl.matches(s.db, seen))
        assert [w.name for w in wl.all_watchlists(s.db)] == ["both", "ferry", "Lopes"]
        wl.delete(s.db, both.id)
        with pytest.raises(QueryError):
            wl.get(s.db, both.id)


def test_bad_watchlists_are_refused(tmp_path) -> None:
    with Store(tmp_path / "w.db") as s:
        with pytest.raises(UsageError):
            wl.add(s.db, "nothing")
        with pytest.raises(QueryError):
            wl.add(s.db, "bad", query='"unclosed')
        with pytest.raises(UsageError):
            wl.add(s.db, "long", source="x" * 501)
        assert wl.all_watchlists(s.db) == []
