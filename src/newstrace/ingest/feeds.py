"""RSS and Atom feeds: one input per entry.

An entry that carries the full article (RSS ``content:encoded``, or any content longer than
:data:`FULL_CONTENT_CHARS`) becomes a RawInput right away; otherwise its link has to be
fetched, which this module leaves to the caller by yielding an :class:`EntryLink` (so it
never touches the network itself). The entry's title, date (ISO) and author
travel along as ``hints`` either way.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser

from newstrace.models import Failure, InputKind, RawInput

#: Content longer than this is taken to be the article itself, not a teaser. Teasers and
#: summaries run to a paragraph or two (a few hundred characters); 1500 characters of
#: HTML is past what any feed puts in a summary.
FULL_CONTENT_CHARS = 1500


@dataclass(frozen=True)
class EntryLink:
    """A feed entry whose article must be fetched from ``url``."""

    source: str
    url: str
    hints: dict[str, str] = field(default_factory=dict)


def _local_date(raw: str) -> str | None:
    """The calendar date of an RFC 822 or RFC 3339 timestamp, in its own time zone."""
    raw = raw.strip()
    try:
        return email.utils.parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _entry_date(entry: Any) -> str | None:
    """The entry's publication date (ISO), as the outlet dated it.

    feedparser's ``*_parsed`` values are converted to UTC, which moves a story published
    at 01:00 in Seoul to the previous day; the raw string keeps the outlet's own date, so
    it is preferred, and the parsed value (which also understands odd formats) is the fallback.
    """
    for key in ("published", "updated"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip() and (date := _local_date(raw)):
            return date
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                return time.strftime("%Y-%m-%d", parsed)
            except (TypeError, ValueError):
                continue
    return None


#: RSS <author> is "email (Name)"; the name is what an author field wants.
_RSS_AUTHOR = re.compile(r"^\S+@\S+\s*\((.+)\)$")


def _hints(entry: Any) -> dict[str, str]:
    hints: dict[str, str] = {}
    title = (entry.get("title") or "").strip()
    if title:
        hints["title"] = title
    published = _entry_date(entry)
    if published:
        hints["published"] = published
    author = (entry.get("author") or "").strip()
    if m := _RSS_AUTHOR.match(author):
        author = m.group(1).strip()
    if author:
        hints["author"] = author
    return hints


def _full_content(entry: Any, is_rss: bool) -> tuple[str, str] | None:
    """``(value, media type)`` of the entry's article when the feed carries all of it."""
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        # In RSS, feedparser fills ``content`` only from content:encoded, which is meant
        # for the full article; in Atom, <content> is often just the summary again.
        if is_rss or len(best["value"]) > FULL_CONTENT_CHARS:
            return best["value"], best.get("type") or "text/html"
    summary = entry.get("summary_detail") or {}
    if len(summary.get("value") or "") > FULL_CONTENT_CHARS:
        return summary["value"], summary.get("type") or "text/html"
    return None


def _short_content(entry: Any) -> tuple[str, str] | None:
    for c in entry.get("content") or []:
        if (c.get("value") or "").strip():
            return c["value"], c.get("type") or "text/html"
    summary = entry.get("summary_detail") or {}
    if (summary.get("value") or "").strip():
        return summary["value"], summary.get("type") or "text/html"
    return None


def _content_input(name: str, value: str, media: str, link: str | None, hints: dict[str, str]) -> RawInput:
    kind: InputKind = "text" if media == "text/plain" else "html"
    return RawInput(
        source=name,
        data=value.encode("utf-8"),
        kind=kind,
        url=link,
        encoding="utf-8",
        content_type=media,
        hints=hints,
    )


def _entry(name: str, entry: Any, is_rss: bool) -> RawInput | Failure | EntryLink:
    hints = _hints(entry)
    link = (entry.get("link") or "").strip() or None
    full = _full_content(entry, is_rss)
    if full is not None:
        return _content_input(name, full[0], full[1], link, hints)
    if link and link.lower().startswith(("http://", "https://")):
        return EntryLink(name, link, hints)
    short = _short_content(entry)
    if short is not None:
        # No article to fetch; the teaser is all there is, and better than nothing.
        return _content_input(name, short[0], short[1], link, hints)
    return Failure(name, "ingest", "bad-entry", f"{name}: the feed entry has neither a link nor any content")


def parse_feed(source: str, data: bytes) -> Iterator[RawInput | Failure | EntryLink]:
    """Yield one item per entry of the RSS/Atom feed in ``data``, named ``source#entry-N``.

    ``N`` counts entries from 0 in document order. A document that is not a feed at all
    yields one ``bad-feed`` Failure; a feed with no entries one ``empty-feed`` Failure.
    """
    # Bytes, never a str: feedparser would take a str for a URL or a file name and fetch it.
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception") or "not an RSS or Atom document"
        yield Failure(source, "ingest", "bad-feed", f"{source}: the feed does not parse ({why})")
        return
    if not parsed.entries:
        yield Failure(source, "ingest", "empty-feed", f"{source}: the feed has no entries")
        return
    is_rss = str(parsed.get("version") or "").startswith("rss")
    for i, entry in enumerate(parsed.entries):
        yield _entry(f"{source}#entry-{i}", entry, is_rss)
