"""Feeds, URL lists and URLs through iter_inputs (links fetched from a local server)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from newstrace.config import Settings
from newstrace.ingest import IngestStats, iter_inputs
from newstrace.ingest.feeds import FULL_CONTENT_CHARS, EntryLink, parse_feed
from newstrace.ingest.fetch import Fetcher
from newstrace.models import Failure, RawInput

LocalServer = Any  # the conftest fixture's class

LONG = "<p>" + "A long paragraph of the full article. " * 60 + "</p>"
assert len(LONG) > FULL_CONTENT_CHARS


def rss(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Daily Example</title><link>{base}/</link><description>news</description>
<item>
  <title>Full story</title><link>{base}/full</link>
  <description>Teaser.</description>
  <content:encoded><![CDATA[<p>The whole article, carried in the feed.</p>]]></content:encoded>
  <pubDate>Tue, 03 Jun 2025 09:39:21 GMT</pubDate><dc:creator>Jane Doe</dc:creator>
</item>
<item>
  <title>Linked story</title><link>{base}/linked</link>
  <description>Only a teaser here.</description>
  <pubDate>Thu, 05 Jun 2025 01:00:00 +0900</pubDate><author>desk@example.com (News Desk)</author>
</item>
<item><guid isPermaLink="false">x-1</guid></item>
</channel></rss>""".encode()


def atom(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Example Atom</title><id>urn:x</id><updated>2025-06-05T00:00:00Z</updated>
<entry><title>Long one</title><id>urn:1</id><link rel="alternate" href="{base}/long"/>
  <updated>2025-06-05T08:00:00Z</updated><published>2025-06-04T23:30:00Z</published>
  <author><name>Ann Writer</name></author>
  <content type="html"><![CDATA[{LONG}]]></content></entry>
<entry><title>Short one</title><id>urn:2</id><link rel="alternate" href="{base}/short"/>
  <updated>2025-06-05T09:00:00Z</updated>
  <summary>Just a summary.</summary></entry>
</feed>""".encode()


def test_parse_rss_without_network() -> None:
    items = list(parse_feed("feed.xml", rss("https://news.example")))
    full, linked, garbage = items
    assert isinstance(full, RawInput)
    assert full.source == "feed.xml#entry-0"
    assert full.kind == "html"
    assert full.url == "https://news.example/full"
    assert full.data == b"<p>The whole article, carried in the feed.</p>"
    assert full.hints == {"title": "Full story", "published": "2025-06-03", "author": "Jane Doe"}
    assert isinstance(linked, EntryLink)
    assert linked.url == "https://news.example/linked"
    assert linked.hints["published"] == "2025-06-05"  # the outlet's date, not UTC's 06-04
    assert isinstance(garbage, Failure) and garbage.reason == "bad-entry"
    assert garbage.source == "feed.xml#entry-2"


def test_rss_file_with_fetched_links(tmp_path: Path, server: LocalServer, settings: Settings, page: Any) -> None:
    server.routes["/linked"] = server.Reply(body=page("Linked story", "Fetched body."))
    p = tmp_path / "feed.xml"
    p.write_bytes(rss(server.url("")))
    items = list(iter_inputs([str(p)], settings))
    assert [type(i).__name__ for i in items] == ["RawInput", "RawInput", "Failure"]
    fetched = items[1]
    assert isinstance(fetched, RawInput)
    assert fetched.source == f"{p}#entry-1"
    assert fetched.url == server.url("/linked")
    assert b"Fetched body." in fetched.data
    assert fetched.hints == {
        "title": "Linked story",
        "published": "2025-06-05",
        "author": "News Desk",
    }
    assert "/full" not in server.paths()  # the full entry is not fetched


def test_atom_feed(tmp_path: Path, server: LocalServer, settings: Settings, page: Any) -> None:
    server.routes["/short"] = server.Reply(body=page("Short one", "The short one's article."))
    p = tmp_path / "atom.xml"
    p.write_bytes(atom(server.url("")))
    long_one, short_one = iter_inputs([str(p)], settings)
    assert isinstance(long_one, RawInput)
    assert long_one.kind == "html"
    assert long_one.data.decode() == LONG
    assert long_one.hints == {"title": "Long one", "published": "2025-06-04", "author": "Ann Writer"}
    assert isinstance(short_one, RawInput)
    assert short_one.source == f"{p}#entry-1"
    assert b"The short one's article." in short_one.data
    assert short_one.hints["published"] == "2025-06-05"  # from <updated>, no <published>


def test_feed_entry_whose_link_fails(tmp_path: Path, server: LocalServer, settings: Settings) -> None:
    p = tmp_path / "atom.xml"
    p.write_bytes(atom(server.url("")))  # /short is a 404 on this server
    items = list(iter_inputs([str(p)], settings))
    assert isinstance(items[1], Failure)
    assert items[1].reason == "http-404"
    assert items[1].source == f"{p}#entry-1"


def test_feed_served_over_http(server: LocalServer, settings: Settings, page: Any) -> None:
    server.routes["/feed"] = server.Reply(body=atom(server.url("")), headers={"Content-Type": "application/atom+xml"})
    server.routes["/short"] = server.Reply(body=page("Short"))
    items = list(iter_inputs([server.url("/feed")], settings))
    assert [i.source for i in items] == [server.url("/feed#entry-0"), server.url("/feed#entry-1")]
    assert all(isinstance(i, RawInput) for i in items)


def test_feed_that_does_not_parse(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "feed.xml"
    p.write_text("this is not a feed at all")
    (item,) = iter_inputs([str(p)], settings, kind="feed")
    assert isinstance(item, Failure) and item.reason == "bad-feed"
    assert item.source == str(p)


def test_feed_without_entries(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "feed.xml"
    p.write_text('<rss version="2.0"><channel><title>t</title></channel></rss>')
    (item,) = iter_inputs([str(p)], settings)
    assert isinstance(item, Failure) and item.reason == "empty-feed"


def test_url_list_file(tmp_path: Path, server: LocalServer, settings: Settings, page: Any) -> None:
    server.routes["/one"] = server.Reply(body=page("One"))
    p = tmp_path / "urls.txt"
    p.write_text(f"# reading list\n\n{server.url('/one')}\n   {server.url('/two')}\n")
    stats = IngestStats()
    items = list(iter_inputs([str(p)], settings, stats=stats))
    assert [(type(i).__name__, i.source) for i in items] == [
        ("RawInput", server.url("/one")),
        ("Failure", server.url("/two")),
    ]
    assert isinstance(items[1], Failure) and items[1].reason == "http-404"
    assert (stats.documents, stats.failures) == (1, 1)


def test_text_with_a_url_in_it_is_a_document(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("See https://example.invalid/a for more.\nAnd some more prose.\n")
    (item,) = iter_inputs([str(p)], settings)
    assert isinstance(item, RawInput) and item.data.startswith(b"See ")


def test_url_sources_and_a_given_fetcher_stays_open(server: LocalServer, settings: Settings, page: Any) -> None:
    server.routes["/a"] = server.Reply(body=page("A"))
    with Fetcher(settings) as f:
        items = list(iter_inputs([server.url("/a")], settings, fetcher=f, kind="html"))
        assert isinstance(items[0], RawInput) and items[0].kind == "html"
        assert isinstance(f.fetch(server.url("/a")), RawInput)  # not closed by iter_inputs


def test_private_url_refused_through_iter_inputs(server: LocalServer, settings: Settings) -> None:
    server.routes["/a"] = server.Reply()
    (item,) = iter_inputs([server.url("/a")], settings.with_(allow_private=False))
    assert isinstance(item, Failure) and item.reason == "private-address"
    assert "--allow-private" in item.message
    assert server.hits == []


def test_fetched_binary_and_empty_bodies(server: LocalServer, settings: Settings) -> None:
    server.routes["/bin"] = server.Reply(body=bytes(range(256)) * 20, headers={"Content-Type": "image/png"})
    server.routes["/empty"] = server.Reply(body=b"")
    items = list(iter_inputs([server.url("/bin"), server.url("/empty")], settings))
    assert [i.reason for i in items if isinstance(i, Failure)] == ["binary", "empty"]


@pytest.mark.parametrize("garbage", [b"<rss><channel><item><title>x</title>", b"<feed><entry></entry></feed>"])
def test_broken_feeds_do_not_raise(tmp_path: Path, settings: Settings, garbage: bytes) -> None:
    p = tmp_path / "feed.xml"
    p.write_bytes(garbage)
    items = list(iter_inputs([str(p)], settings))
    assert items and all(isinstance(i, (RawInput, Failure)) for i in items)
    assert all(i.reason != "internal-error" for i in items if isinstance(i, Failure))


def test_gzipped_feed_file(tmp_path: Path, server: LocalServer, settings: Settings) -> None:
    p = tmp_path / "feed.xml.gz"
    p.write_bytes(gzip.compress(rss(server.url(""))))
    items = list(iter_inputs([str(p)], settings))
    assert [(type(i).__name__, i.source) for i in items] == [
        ("RawInput", f"{p}#entry-0"),
        ("Failure", f"{p}#entry-1"),  # /linked is a 404 on this server
        ("Failure", f"{p}#entry-2"),
    ]


def test_a_fetched_url_list_is_a_document_not_a_crawl(server: LocalServer, settings: Settings) -> None:
    server.routes["/list.txt"] = server.Reply(
        body=server.url("/a").encode() + b"\n", headers={"Content-Type": "text/plain"}
    )
    server.routes["/a"] = server.Reply()
    (item,) = iter_inputs([server.url("/list.txt")], settings)
    assert isinstance(item, RawInput) and item.source == server.url("/list.txt")
    assert "/a" not in server.paths()
