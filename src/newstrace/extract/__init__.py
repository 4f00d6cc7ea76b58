"""Extraction: a RawInput becomes a clean Article.

HTML pages go to :mod:`newstrace.extract.html`, whole-page text dumps to
:mod:`newstrace.extract.textdump`; ``body`` inputs are kept as they are.
"""

from __future__ import annotations

import re

from newstrace.errors import ExtractionError, InputError
from newstrace.extract.decode import decode_bytes
from newstrace.extract.scripts import word_count
from newstrace.models import Article, ExtractOptions, RawInput

__all__ = ["extract_raw", "looks_like_html", "body_article"]

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|article|meta|title|script)[\s>/]", re.I
)
#: Fewer words than this is not an article body but left-over navigation ("Home", "News").
#: The shortest real news items (briefs) run to 25+ words. Counted as runs of word
#: characters by :func:`newstrace.extract.scripts.word_count`, which also counts the words
#: of scripts written without spaces.
MIN_BODY_WORDS = 12
#: Tags per kilobyte above which a text is markup rather than a text dump that quotes some.
_HTML_TAG_DENSITY = 2.0


def looks_like_html(text: str) -> bool:
    """Tell an HTML page from a plain-text dump of one."""
    head = text[:20000]
    if not _HTML_SIGNS.search(head):
        return False
    tags = len(re.findall(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]", head))
    return tags * 1000 / max(len(head), 1) >= _HTML_TAG_DENSITY or _starts_as_document(head)


_XML_DECLARATION = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?")
_DOCUMENT_START = re.compile(r"<(?:!doctype|html)", re.I)
_COMMENT_THEN_DOCUMENT = re.compile(r"-->\s*<(?:!doctype|html)", re.I)


def _starts_as_document(head: str) -> bool:
    """True when the text opens with ``<!doctype`` or ``<html``, after an XML declaration and
    comments. Comments are skipped with one search for a "-->" followed by the document start:
    the regex this replaces, ``(?:<!--.*?-->\\s*)*<html``, tried every way of splitting a run of
    comments and took exponential time on a hundred of them."""
    pos = _XML_DECLARATION.match(head).end()  # type: ignore[union-attr]  # matches the empty string
    if _DOCUMENT_START.match(head, pos):
        return True
    return head.startswith("<!--", pos) and _COMMENT_THEN_DOCUMENT.search(head, pos + 4) is not None


def body_article(text: str, source: str) -> Article:
    """An input that is already a clean body: kept character for character."""
    return Article(source=source, kind="body", paragraphs=text.split("\n\n"))


def extract_raw(raw: RawInput, options: ExtractOptions | None = None) -> Article:
    """Turn one input into an Article; raise InputError / ExtractionError when it holds none."""
    options = options or ExtractOptions()
    as_ = options.as_
    if as_ == "auto" and raw.kind in ("html", "text", "body"):
        as_ = raw.kind  # type: ignore[assignment]
    text = decode_bytes(raw.data, raw.encoding, source=raw.source)
    if as_ == "auto":
        as_ = "html" if looks_like_html(text) else "text"
    if as_ == "body":
        article = body_article(text, raw.source)
    elif as_ == "html":
        from newstrace.extract.html import extract_html

        article = extract_html(text, source=raw.source, url=options.url or raw.url)
    elif as_ == "text":
        from newstrace.extract.textdump import extract_text_dump

        article = extract_text_dump(text, source=raw.source)
    else:
        raise InputError(f"{raw.source}: unknown input kind {as_!r}", reason="usage")
    if as_ != "body" and word_count(article.text, word_runs=True) < MIN_BODY_WORDS:
        raise ExtractionError(f"{raw.source}: no article body found (the page may be all navigation)")
    if options.published:
        article.published = options.published
        article.evidence["published"] = "user"
        if article.published_at and article.published_at[:10] != options.published:
            article.published_at = None  # the page's time belongs to another day
    if article.url is None:
        article.url = options.url or raw.url
    for key in ("title", "published", "outlet"):
        hint = raw.hints.get(key)
        if hint and not getattr(article, key):
            setattr(article, key, hint)
            article.evidence[key] = "container"
    if not article.authors and raw.hints.get("author"):
        article.authors = [raw.hints["author"]]
    return article
