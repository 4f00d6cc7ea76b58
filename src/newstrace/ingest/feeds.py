"""RSS and Atom feeds: one input per entry.

An entry that carries the full article (RSS ``content:encoded``, or any content longer than
:data:`FULL_CONTENT_CHARS`) becomes a RawInput right away; otherwise its link has to be
fetched, which this module leaves to the caller by yielding an :class:`EntryLink` (so it
never touches the network itself). The entry's title, date (ISO) and author
travel along as ``hints`` either way.

Feeds are hostile input, so before feedparser sees one:

* a feed whose DTD declares entities (``<!ENTITY ...>``: how "billion laughs" expansion and
  external-entity reads of ``file:///etc/passwd`` begin) is refused as ``unsafe-feed``;
  nothing is expanded or read. (feedparser's own defences, expat's amplification limit and
  external entities switched off, stay as a second line.)
* only the first :data:`MAX_FEED_ENTRIES` entries are parsed: the document is cut after
  that entry, and one ``too-many-entries`` Failure says how many were left out.
* feedparser is given a stream, never bytes or a str, which it would take for a file name
  or a URL and open; and its HTML sanitizer is off: it runs at about 1 MB/s, while the
  extractor parses the entry's HTML anyway.
"""

from __future__ import annotations

import email.utils
import re
import time
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

import feedparser

from newstrace.models import Failure, InputKind, RawInput

#: Content longer than this is taken to be the article itself, not a teaser. Teasers and
#: summaries run to a paragraph or two (a few hundred characters); 1500 characters of
#: HTML is past what any feed puts in a summary.
FULL_CONTENT_CHARS = 1500

#: The most entries read from one feed. News feeds carry 10 to 100; archives that list a
#: site's whole history run to a few thousand. Past this, the entries after it are counted
#: and reported, not parsed, so a 100,000-entry feed costs what a 1,000-entry one does.
MAX_FEED_ENTRIES = 1000

#: Hints (title, author) longer than this are cut: they are not a title or a name.
MAX_HINT_CHARS = 1000

#: ``<!ENTITY`` as it would appear in the encodings an XML document may come in.
_ENTITY_DECLS = tuple(
    "<!ENTITY".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
)
#: The end of an entry: ``</item>``, ``</entry>``, also with a namespace prefix.
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.I)
#: The root element, to close a feed cut after its last kept entry.
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF))[\s>/]", re.I)


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
    title = (entry.get("title") or "").strip()[:MAX_HINT_CHARS]
    if title:
        hints["title"] = title
    published = _entry_date(entry)
    if published:
        hints["published"] = published
    author = (entry.get("author") or "").strip()[:MAX_HINT_CHARS]
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


class _Stop(Exception):
    pass


def _declares_entities(data: bytes) -> bool:
    """True when the document's DTD declares an entity, or may and cannot be checked.

    Only a document holding ``<!ENTITY`` at all is parsed, by expat, and only up to its
    root element (the DTD comes before it); entities are never expanded while doing so.
    """
    if not any(decl in data for decl in _ENTITY_DECLS):
        return False
    parser = xml.parsers.expat.ParserCreate()

    def declared(*args: object) -> None:
        raise _Stop(True)

    def root(*args: object) -> None:
        raise _Stop(False)

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _Stop as stop:
        return bool(stop.args[0])
    except (xml.parsers.expat.ExpatError, ValueError):
        return True  # "<!ENTITY" in a prolog expat cannot read: not worth the risk
    return True  # no root element at all: not a feed anyway


def _keep_entries(data: bytes) -> tuple[bytes, int]:
    """``data`` cut after its :data:`MAX_FEED_ENTRIES`-th entry, and how many entries it had
    (0 when it was not cut).

    The root element is closed again after the cut (and RSS's ``<channel>``), so the cut
    feed is still well-formed; were it not, feedparser's lenient parser reads it.
    """
    ends = _ENTRY_END.finditer(data)
    cut = None
    total = 0
    for total, m in enumerate(ends, start=1):
        if total == MAX_FEED_ENTRIES:
            cut = m.end()
    if cut is None or total <= MAX_FEED_ENTRIES:
        return data, 0
    head = data[:cut]
    closing = b""
    if re.search(rb"<channel[\s>]", head, re.I) and not re.search(rb"</channel\s*>", head, re.I):
        closing += b"</channel>"
    if root := _ROOT.search(head):
        closing += b"</" + root.group(1) + b">"
    return head + closing, total


def parse_feed(source: str, data: bytes) -> Iterator[RawInput | Failure | EntryLink]:
    """Yield one item per entry of the RSS/Atom feed in ``data``, named ``source#entry-N``.

    ``N`` counts entries from 0 in document order. A document that is not a feed at all
    yields one ``bad-feed`` Failure; a feed with no entries one ``empty-feed`` Failure; a
    feed declaring XML entities one ``unsafe-feed`` Failure. A feed with more than
    :data:`MAX_FEED_ENTRIES` entries yields those, then one ``too-many-entries`` Failure.
    """
    if _declares_entities(data):
        why = (
            f"{source}: the feed declares XML entities (<!ENTITY ...>), which are neither expanded nor "
            "read: entity expansion and external entities are how XML attacks work"
        )
        yield Failure(source, "ingest", "unsafe-feed", why)
        return
    data, total = _keep_entries(data)
    try:
        # A stream, never bytes or a str: feedparser would take those for a file name or a
        # URL and open it.
        parsed = feedparser.parse(BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is meant never to raise; odd input has made it
        yield Failure(source, "ingest", "bad-feed", f"{source}: the feed does not parse ({type(exc).__name__}: {exc})")
        return
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception") or "not an RSS or Atom document"
        yield Failure(source, "ingest", "bad-feed", f"{source}: the feed does not parse ({why})")
        return
    if not parsed.entries:
        yield Failure(source, "ingest", "empty-feed", f"{source}: the feed has no entries")
        return
    is_rss = str(parsed.get("version") or "").startswith("rss")
    entries = parsed.entries[:MAX_FEED_ENTRIES]
    for i, entry in enumerate(entries):
        name = f"{source}#entry-{i}"
        try:
            item = _entry(name, entry, is_rss)
        except Exception as exc:  # one odd entry must not cost the others
            why = f"{name}: the entry cannot be read ({type(exc).__name__}: {exc})"
            item = Failure(name, "ingest", "bad-entry", why)
        yield item
    total = max(total, len(parsed.entries))
    if total > len(entries):
        why = (
            f"{source}: the feed has {total:,} entries; only the first {len(entries):,} were read and "
            f"{total - len(entries):,} left out (MAX_FEED_ENTRIES)"
        )
        yield Failure(source, "ingest", "too-many-entries", why)
