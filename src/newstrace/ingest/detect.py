"""What kind of input a run of bytes is: a gzip stream, a WARC archive, a feed, HTML or text.

Detection looks at the bytes first (magic numbers, the first element of an XML document)
and uses the file name and the HTTP ``Content-Type`` only to break ties, because both lie
often enough (``.xml`` pages that are HTML, feeds served as ``text/html``).
"""

from __future__ import annotations

import re
import zlib
from typing import Literal

DetectedKind = Literal["gzip", "warc", "feed", "html", "text"]

GZIP_MAGIC = b"\x1f\x8b"
#: How much of the head of an input detection looks at. Feeds and pages show what they are
#: within the first few kilobytes; long comments or whitespace before the root are rare.
SNIFF_BYTES = 16 * 1024

_WARC_HEAD = re.compile(rb"WARC/1\.[0-9]\r?\n")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: Things that may precede the root element of an XML or HTML document.
_PROLOG = re.compile(rb"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE\s+(?!html)[^>]*>\s*)*", re.S | re.I)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)
_HTML_SIGNS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|article|meta|title|script|h[1-6])[\s>/]",
    re.I,
)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def gunzip_head(data: bytes, limit: int = SNIFF_BYTES) -> bytes:
    """Decompress what the head of a gzip stream holds, tolerating a cut-off or broken end.

    Used only for sniffing, so errors give back whatever came out before them.
    """
    out = b""
    d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit)
    except zlib.error:
        return out
    return out


def _sniff_markup(head: bytes) -> DetectedKind | None:
    """Feed or HTML from the first element, else from HTML signs anywhere in the head."""
    m = _PROLOG.match(head)
    rest = head[m.end() :] if m else head
    if _FEED_ROOT.match(rest):
        return "feed"
    if _HTML_ROOT.match(rest):
        return "html"
    if _HTML_SIGNS.search(head):
        return "html"
    return None


def detect_kind(data: bytes, name: str = "", content_type: str | None = None) -> DetectedKind:
    """Detect what ``data`` (the whole input or at least its first ~16 KB) is.

    ``gzip`` means "decompress and detect again", except that a gzipped WARC is reported as
    ``warc`` (the WARC reader decompresses record by record itself, so a multi-gigabyte
    ``.warc.gz`` is never decompressed into memory).
    """
    head = data[:SNIFF_BYTES]
    if head.startswith(GZIP_MAGIC):
        inner = gunzip_head(head)
        return "warc" if _WARC_HEAD.match(inner) else "gzip"
    head = _strip_bom(head)
    if _WARC_HEAD.match(head):
        return "warc"
    media = (content_type or "").split(";")[0].strip().lower()
    sniffed = _sniff_markup(head)
    if sniffed is not None:
        return sniffed
    # Bytes say nothing markup-like: the label decides between feed and text, never html,
    # since a text dump served as text/html is still a text dump.
    lower = name.lower()
    if media in _FEED_TYPES or lower.endswith((".rss", ".atom")):
        return "feed" if b"<" in head else "text"
    return "text"


def is_html_type(content_type: str | None) -> bool:
    """True for the media types of HTML pages (``text/html``, ``application/xhtml+xml``)."""
    return (content_type or "").split(";")[0].strip().lower() in _HTML_TYPES


_URL_LINE = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.I)


def url_list(data: bytes) -> list[str] | None:
    """The URLs of a URL list file, or None when ``data`` is not one.

    A URL list is text whose non-empty lines, other than ``#`` comments, are all http(s)
    URLs; there must be at least one.
    """
    if len(data) > 10 * 1024 * 1024 or b"\x00" in data[:4096]:
        return None
    text = _strip_bom(data).decode("utf-8", errors="replace")
    urls: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not _URL_LINE.match(line):
            return None
        urls.append(line)
    return urls or None
