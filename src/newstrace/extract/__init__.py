"""Extraction: a RawInput becomes a clean Article.

HTML pages go to :mod:`newstrace.extract.html`, whole-page text dumps to
:mod:`newstrace.extract.textdump`; ``body`` inputs are kept as they are.
"""

from __future__ import annotations

import re

from newstrace.errors import ExtractionError, InputError
from newstrace.extract.decode import decode_bytes
from newstrace.models import Article, ExtractOptions, RawInput

__all__ = ["extract_raw", "looks_like_html", "body_article"]

_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:div|p|article|meta|title|script)[\s>/]", re.I
)
#: Fewer words than this is not an article body but left-over navigation ("Home", "News").
#: The shortest real news items (briefs) run to 25+ words.
MIN_BODY_WORDS = 12
_WORD = re.compile(r"\w+")
#: Tags per kilobyte above which a text is markup rather than a text dump that quotes some.
_HTML_TAG_DENSITY = 2.0


def looks_like_html(text: str) -> bool:
    """Tell an HTML page from a plain-text dump of one."""
    head = text[:20000]
    if not _HTML_SIGNS.search(head):
        return False
    tags = len(re.findall(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]", head))
    return tags * 1000 / max(len(head), 1) >= _HTML_TAG_DENSITY or bool(
        re.match(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype|html)", head, re.I | re.S)
    )


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
    if as_ != "body" and len(_WORD.findall(article.text)) < MIN_BODY_WORDS:
        raise ExtractionError(f"{raw.source}: no article body found (the page may be all navigation)")
    if options.published:
        article.published = options.published
        article.evidence["published"] = "user"
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
