"""What kind of input a run of bytes is: a gzip stream, a WARC archive, a feed, HTML or text.

Detection looks at the bytes first (magic numbers, the first element of an XML document)
and uses the file name and the HTTP ``Content-Type`` only to break ties, because both lie
often enough (``.xml`` pages that are HTML, feeds served as ``text/html``).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Literal

DetectedKind = Literal["gzip", "warc", "feed", "html", "text"]

GZIP_MAGIC = b"\x1f\x8b"
#: How much of the head of an input detection looks at. Feeds and pages show what they are
#: within the first few kilobytes; long comments or whitespace before the root are rare.
SNIFF_BYTES = 16 * 1024

_WARC_HEAD = re.compile(rb"WARC/1\.[0-9]\r?\n")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
#: Things that may precede the root element of an XML or HTML document.
#: A DOCTYPE may hold an internal subset in ``[...]`` (with ``>`` inside): a feed declaring
#: entities is still a feed, and is refused as one.
_PROLOG = re.compile(
    rb"\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE\s+(?!html)[^\[>]*(?:\[.*?\]\s*)?>\s*)*", re.S | re.I
)
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


#: The most URLs one URL list file is read for; the lines after are counted, reported as
#: left out, and neither checked nor fetched. Each URL costs a fetch at ``per_host_delay``
#: spacing, so a list past this size is better split into several runs.
MAX_LIST_URLS = 10_000

#: A URL list line: one token with a scheme. Only http(s) ones are fetched; the others are
#: kept so that each can be reported, instead of the file becoming one odd text document.
_URL_LINE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+\Z")
_HTTP_LINE = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.I)
#: a line that counts as an entry: not blank, not a ``#`` comment
_ENTRY_LINE = re.compile(r"^[ \t\f\v]*[^\s#]", re.M)
_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|\Z)")


@dataclass(frozen=True)
class UrlList:
    """The entries of a URL list file, in order (at most :data:`MAX_LIST_URLS`).

    ``lines`` are ``(line number, text)``; the text is an http(s) URL, or another token
    with a scheme (``ftp://``, ``javascript:``) that the caller refuses. ``left_out`` counts
    the entries past the cap.
    """

    lines: list[tuple[int, str]]
    left_out: int = 0

    @property
    def urls(self) -> list[str]:
        return [text for _, text in self.lines if is_http_url(text)]


def is_http_url(text: str) -> bool:
    return _HTTP_LINE.match(text) is not None


def url_list(data: bytes) -> UrlList | None:
    """The entries of a URL list file, or None when ``data`` is not one.

    A URL list is text whose non-empty lines, other than ``#`` comments, are each one URL
    (a token with a scheme and no spaces or control characters), at least one of them
    http(s). Only the first :data:`MAX_LIST_URLS` entries are looked at; the rest are
    counted in ``left_out``. Reading stops at the first line that is not a URL, so a long
    text document costs no more than its first lines.
    """
    if b"\x00" in data[:4096]:
        return None
    text = _strip_bom(data).decode("utf-8", errors="replace")
    lines: list[tuple[int, str]] = []
    end = 0
    for number, m in enumerate(_LINE.finditer(text), start=1):  # lazily: a long text stops early
        end = m.end()
        line = m.group(1).strip()
        if not line or line.startswith("#"):
            continue
        if not _URL_LINE.match(line):
            return None
        lines.append((number, line))
        if len(lines) == MAX_LIST_URLS:
            break
    if not any(is_http_url(t) for _, t in lines):
        return None
    return UrlList(lines, len(_ENTRY_LINE.findall(text, end)))
