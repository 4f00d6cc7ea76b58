from __future__ import annotations

import gzip

import pytest

from newstrace.ingest.detect import detect_kind, url_list

RSS = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>'
ATOM = b'<?xml version="1.0"?><!-- generator --><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'
RDF = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>'
WARC = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (WARC, "warc"),
        (b"WARC/1.1\nWARC-Type: response\n", "warc"),
        (gzip.compress(WARC), "warc"),
        (gzip.compress(b"<html><body>x</body></html>"), "gzip"),
        (RSS, "feed"),
        (b"\xef\xbb\xbf" + RSS, "feed"),
        (ATOM, "feed"),
        (RDF, "feed"),
        (b"<!DOCTYPE html>\n<html><body><p>x</p></body></html>", "html"),
        (b"  <html lang='en'><head></head></html>", "html"),
        (b"Some article text.\n\nIt mentions <p> once but is text? <div>", "html"),
        (b"Plain text dump of a page.\n\nSecond paragraph.", "text"),
        (b"", "text"),
    ],
)
def test_detect_kind_from_bytes(data: bytes, expected: str) -> None:
    assert detect_kind(data) == expected


def test_html_page_that_mentions_feed_tags_is_html() -> None:
    page = b"<!doctype html><html><body><pre>&lt;rss&gt; <feed> example</pre></body></html>"
    assert detect_kind(page) == "html"


def test_xml_that_is_an_html_document_is_not_a_feed() -> None:
    data = b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    assert detect_kind(data, "page.xml") == "html"


def test_feed_media_type_breaks_a_tie_but_text_stays_text() -> None:
    assert detect_kind(b"<channel><item>x</item></channel>", content_type="application/rss+xml") == "feed"
    assert detect_kind(b"just words", content_type="text/html") == "text"


def test_truncated_gzip_head_is_still_detected() -> None:
    blob = gzip.compress(WARC * 50)
    assert detect_kind(blob[: len(blob) // 2]) == "warc"


def test_url_list() -> None:
    data = b"# my list\n\nhttps://a.example/1\n  http://b.example/x?y=1  \n"
    listed = url_list(data)
    assert listed is not None and listed.urls == ["https://a.example/1", "http://b.example/x?y=1"]
    assert listed.lines == [(3, "https://a.example/1"), (4, "http://b.example/x?y=1")] and listed.left_out == 0
    assert url_list(b"https://a.example/1\nnot a url\n") is None
    assert url_list(b"# only comments\n\n") is None
    assert url_list(b"ftp://a.example/file\n") is None
