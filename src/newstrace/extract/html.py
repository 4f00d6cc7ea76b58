"""The HTML article extractor: one parse of the page, metadata and body from the same tree.

Body: trafilatura finds the main text (its fast mode with comments off: on the development
set this is both more precise and twice as fast as its default cascade). What it keeps is
then cleaned by hand of what it lets through — captions, bylines, the standfirst, "Read
more" links, newsletter/cookie/comment boxes, leaked script — and reconciled with the page's JSON-LD
``articleBody`` when the page gives one: that field is the body as the newsroom's CMS stores
it, so a DOM paragraph it does not contain is page furniture, and when the DOM extraction
missed the story altogether the field is the body.

Metadata comes from :mod:`newstrace.extract.metadata`, captions from
:mod:`newstrace.extract.captions`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newstrace.errors import ExtractionError
from newstrace.extract import patterns as pt
from newstrace.extract.captions import caption_lines, extract_captions, line_key
from newstrace.extract.guards import (
    LIBRARY_ERRORS, MAX_HTML_CHARS, PARSER_MAX_DEPTH, bound_page, bound_tree, nested_too_deep,
)
from newstrace.extract.metadata import PageMeta, dom_section, extract_metadata, split_names, squeeze
from newstrace.extract.score import SHINGLE, shingles
from newstrace.extract.scripts import script_language, word_count
from newstrace.models import Article

__all__ = ["extract_html"]

_BIO_VERB = re.compile(r"^,?\s+(?:is|was|has been|covers|writes|reports)\b")

#: trafilatura options of the main path. Calibrated on the development set (421 pages):
#: fast=True (no readability/justext comparison) raised F1 from 0.923 to 0.932 and doubled the
#: speed; favor_precision on top lost recall (F1 0.923); leaving tables out raised F1 by 0.001
#: (the hand-cleaned bodies leave out spec, score and nutrition tables).
_TRAFILATURA_OPTIONS = dict(fast=True, include_comments=False, include_tables=False, include_images=False,
                            with_metadata=False, deduplicate=False)
#: A JSON-LD articleBody shorter than this (characters) is a teaser, not the body.
_AB_MIN_CHARS = 500
#: Share of the articleBody's 4-shingles the DOM body must contain for the articleBody to be
#: used as a filter on DOM paragraphs (below it, the two disagree on what the article is).
#: On the development set 0.6-0.9 move F1 by less than 0.0003; the filter as a whole adds 0.007.
_AB_FILTER_COVERAGE = 0.8
#: Below this coverage the DOM extraction missed the story: the articleBody replaces it.
_AB_REPLACE_COVERAGE = 0.3
#: A DOM paragraph is kept by the articleBody filter when this share of its shingles is in it.
_AB_KEEP_SHARE = 0.5
#: Characters of articleBody scanned for short DOM paragraphs (see _ShortLookup); about 50 ms.
_AB_SCAN_BUDGET = 50_000_000
#: A DOM paragraph the articleBody lacks is kept all the same when it stands before the last
#: matched paragraph and has at least this many words: some CMS fields drop the lede or a
#: paragraph, while furniture inside a story is short. Restoring raised recall by 0.003 on the
#: development set; 12-35 words give the same F1 within 0.0002.
_AB_RESTORE_WORDS = 20
#: A body needs one paragraph of at least this many words; menus and link lists have none.
_MIN_PROSE_WORDS = 10
#: Language guess: characters read, fewest words, and the least share of function words
#: (running prose has 30-50 % function words; 10 % keeps lists and captions from guessing).
_LANG_SAMPLE_CHARS = 5000
_LANG_MIN_WORDS = 20
_LANG_MIN_SHARE = 0.10
#: Standfirsts and byline lines are looked for among the first lines of the body only.
_HEAD_LINES = 3
#: The standfirst sits right after the headline: among the first elements following an <h1>.
_STANDFIRST_SIBLINGS = 3
#: Longest standfirst; a longer element of such a class is a container, not the summary line.
_MAX_STANDFIRST_CHARS = 400
#: Widget phrases only remove lines shorter than this (characters): a long paragraph that
#: mentions cookies or a newsletter is body text.
_WIDGET_PHRASE_MAX_CHARS = 300
#: A line of at most this many words that is only the byline ("By Jane Doe") is dropped.
_BYLINE_MAX_WORDS = 12


def extract_html(html: str, *, source: str, url: str | None) -> Article:
    """The article of an HTML page; raise ExtractionError when it holds no article body."""
    try:
        tree = load_html(bound_page(html))
    except LIBRARY_ERRORS:
        tree = None
    if tree is None:
        raise ExtractionError(f"{source}: the page could not be parsed as HTML")
    tree, was_cut = bound_tree(tree)
    meta = extract_metadata(tree, url)
    captions = extract_captions(tree)
    furniture_keys = caption_lines(captions)
    standfirsts = standfirst_keys(tree)
    no_heading = tree.find(".//h1") is None
    paragraphs = _dom_body(tree, url or meta.url)
    paragraphs = read_byline_line(paragraphs, meta)
    paragraphs = [p for i, p in enumerate(paragraphs) if i >= _HEAD_LINES or line_key(p) not in standfirsts]
    paragraphs = clean_paragraphs(paragraphs, meta, furniture_keys)
    paragraphs, how = reconcile_article_body(paragraphs, meta.article_body)
    if not paragraphs or max(word_count(p) for p in paragraphs) < _MIN_PROSE_WORDS:
        if nested_too_deep(tree):
            raise ExtractionError(f"{source}: no article body found: the page nests elements deeper than "
                                  f"the HTML parser reads ({PARSER_MAX_DEPTH} levels)")
        if was_cut or len(html) > MAX_HTML_CHARS:
            raise ExtractionError(f"{source}: no article body found in the part of the page read (the page is "
                                  "larger than any news page, and only its first part is read)")
        raise ExtractionError(f"{source}: no article body found (the page may be all navigation)")
    meta.evidence["body"] = how
    if no_heading and meta.evidence.get("title") == "title":
        heading = heading_before(tree, paragraphs[0])
        if heading:
            meta.title, meta.evidence["title"] = heading, "heading before the body"
            meta.section = meta.section or dom_section(tree, heading)
    if meta.language is None:
        meta.language = guess_language(paragraphs)
        if meta.language:
            meta.evidence["language"] = "stopwords" if meta.language in pt.LANGUAGE_STOPWORDS else "script"
    return Article(
        source=source, kind="html", title=meta.title, authors=meta.authors, emails=meta.emails,
        published=meta.published, published_at=meta.published_at, outlet=meta.outlet, section=meta.section, language=meta.language,
        url=meta.url or url, captions=captions, paragraphs=paragraphs, evidence=meta.evidence,
    )


def _dom_body(tree: HtmlElement, url: str | None) -> list[str]:
    """Body paragraphs trafilatura finds in the tree (it works on its own copy).

    Fast mode only: a second look with the full cascade when fast mode finds little was
    tried and lowered F1 on the development set (0.948 to 0.943-0.946 for thresholds of
    1000-2500 characters).
    """
    text = _trafilatura_text(tree, url, _TRAFILATURA_OPTIONS)
    return [p.strip() for p in text.split("\n") if p.strip()]


def _trafilatura_text(tree: HtmlElement, url: str | None, options: dict[str, Any]) -> str:
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **options)
    except LIBRARY_ERRORS:  # trafilatura gives up on some malformed trees
        return ""
    return getattr(doc, "text", None) or ""


def guess_language(paragraphs: list[str]) -> str | None:
    """The language whose function words are most frequent in the body, else the language
    its writing system names (Japanese, Chinese, Korean, Russian, Arabic ...). Written by
    hand: a page that declares no language is rare, and stopwords and scripts are enough to
    tell the languages of our sources apart without another dependency."""
    sample = " ".join(paragraphs)[:_LANG_SAMPLE_CHARS]
    words = re.findall(r"\w+", sample.lower())
    if len(words) >= _LANG_MIN_WORDS:
        counts = {lang: sum(w in stop for w in words) for lang, stop in pt.LANGUAGE_STOPWORDS.items()}
        lang, best = max(counts.items(), key=lambda kv: kv[1])
        if best / len(words) >= _LANG_MIN_SHARE:
            return lang
    return script_language(sample)


def standfirst_keys(tree: HtmlElement) -> set[str]:
    """Line keys of the standfirst under the headline (a summary, not body text)."""
    keys = set()
    # walked by hand: the XPath "//h1/following-sibling::*[position() <= 3]" lists every
    # following sibling of each <h1> before keeping three, quadratic on a run of headings
    for h1 in tree.iter("h1"):
        siblings = (el for el in h1.itersiblings() if isinstance(el.tag, str))
        for el in itertools.islice(siblings, _STANDFIRST_SIBLINGS):
            if not pt.STANDFIRST_CLASS.search(el.get("class", "")):
                continue
            text = el.text_content()
            if len(text) <= _MAX_STANDFIRST_CHARS:
                keys.add(line_key(text))
    return keys


def heading_before(tree: HtmlElement, first_paragraph: str) -> str | None:
    """On a page without <h1>, the last h2/h3 before the body's first paragraph is the headline."""
    key = line_key(first_paragraph)
    heading = None
    for el in tree.iter("h2", "h3", "p"):
        if el.tag == "p":
            if line_key(el.text_content()) == key:
                return heading
        else:
            heading = squeeze(el.text_content()) or heading
    return None


def read_byline_line(paragraphs: list[str], meta: PageMeta) -> list[str]:
    """Drop a "Posted ... by Jane Doe (jane@example.org)" line at the top; take names and e-mail from it."""
    out = []
    for i, line in enumerate(paragraphs):
        m = pt.BYLINE_LINE.match(line) if i < _HEAD_LINES else None
        if m is None:
            out.append(line)
            continue
        if not meta.authors:
            meta.authors = split_names(m.group("names"), meta.outlet)
            meta.evidence["authors"] = "byline line"
        email = m.group("email")
        if email and pt.EMAIL.fullmatch(email) and not pt.ROLE_MAILBOX.match(email) and email not in meta.emails:
            meta.emails.append(email)
    return out


# --- post-cleaning -------------------------------------------------------------------------


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture wherever it stands."""
    if pt.WIDGET_LINE.match(line) or pt.WIDGET_PREFIX.match(line) or pt.CODE_LINE.search(line) \
            or pt.DATE_LINE.match(line):
        return True
    return len(line) < _WIDGET_PHRASE_MAX_CHARS and bool(pt.WIDGET_PHRASES.search(line))


def _is_author_bio(line: str, meta: PageMeta) -> bool:
    """"Jane Doe is a senior reporter covering ..." after the story."""
    return any(line.startswith(a) and _BIO_VERB.match(line[len(a):]) for a in meta.authors if a)


def _is_byline(line: str, meta: PageMeta) -> bool:
    if not line.strip() or word_count(line) > _BYLINE_MAX_WORDS:
        return False
    if pt.BYLINE_PREFIX.match(line) and (not meta.authors or any(a.split()[-1] in line for a in meta.authors)):
        return True
    key = line_key(line)
    return bool(meta.authors) and key in {line_key(a) for a in meta.authors} | {line_key(", ".join(meta.authors))}


def clean_paragraphs(paragraphs: list[str], meta: PageMeta, caption_keys: set[str]) -> list[str]:
    """Drop captions, bylines, the repeated headline, widget lines and repeats from extracted paragraphs.

    A line equal to a caption is dropped when it stands once; when it stands more than once,
    the page used a body sentence as a caption and the last copy is kept as body text.
    """
    title_key = line_key(meta.title or "")
    keys = [line_key(line) for line in paragraphs]
    last_at = {key: i for i, key in enumerate(keys)}
    counts = Counter(keys)
    out: list[str] = []
    seen: set[str] = set()
    for i, (line, key) in enumerate(zip(paragraphs, keys, strict=True)):
        if not key or (key in seen and word_count(line) >= _MIN_PROSE_WORDS):
            continue
        if key in caption_keys and (counts[key] == 1 or i != last_at[key]):
            continue
        if is_furniture(line) or _is_byline(line, meta) or _is_author_bio(line, meta):
            continue
        if i < 3 and title_key and key == title_key:
            continue
        seen.add(key)
        out.append(line)
    return out


# --- JSON-LD articleBody -------------------------------------------------------------------


def _ab_paragraphs(body: str) -> list[str]:
    """The articleBody as paragraphs (some CMSs store HTML in it)."""
    if "<" in body and re.search(r"</?(?:p|br|div)\b", body, re.I):
        body = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", body)
        body = re.sub(r"<[^<>]+>", " ", body)  # not [^>]+: rescanned from each "<" of a run without ">"
    return [re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in body.split("\n") if p.strip()]


class _ShortLookup:
    """Whether a paragraph too short for a shingle stands in the articleBody.

    Exactly: its line key is a substring of the articleBody's (CMS fields glue a subhead to
    the next sentence, "ConsThe battery", and a substring still finds "cons"). That costs a
    scan of the articleBody per paragraph, so after _AB_SCAN_BUDGET characters scanned (no
    real page comes near: at most 2.8 million on the development set) the rest are looked up
    among the articleBody's runs of 1-3 words, in constant time each.
    """

    def __init__(self, article_body: str) -> None:
        self.key = line_key(article_body)
        self.scanned = 0
        self.seen: dict[str, bool] = {}
        self.runs: set[str] | None = None

    def __call__(self, paragraph: str) -> bool:
        key = line_key(paragraph)
        if key not in self.seen:
            if self.scanned + len(self.key) <= _AB_SCAN_BUDGET:
                self.scanned += len(self.key)
                self.seen[key] = key in self.key
            else:
                self.seen[key] = key in self._runs()
        return self.seen[key]

    def _runs(self) -> set[str]:
        if self.runs is None:
            words = self.key.split()
            self.runs = {""}
            for n in range(1, SHINGLE):
                self.runs.update(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return self.runs


def reconcile_article_body(paragraphs: list[str], article_body: str | None) -> tuple[list[str], str]:
    """Use the JSON-LD articleBody to filter or replace the DOM paragraphs; say which was done."""
    if not article_body or len(article_body) < _AB_MIN_CHARS or article_body.rstrip().endswith(("...", "…")):
        return paragraphs, "dom"
    ab_paras = _ab_paragraphs(article_body)
    ab_shingles = shingles(" ".join(ab_paras))
    if not ab_shingles:
        return paragraphs, "dom"
    dom_shingles = shingles(" ".join(paragraphs))
    coverage = len(ab_shingles & dom_shingles) / len(ab_shingles)
    if coverage < _AB_REPLACE_COVERAGE:
        return [p for p in ab_paras if not is_furniture(p)], "json-ld articleBody"
    if coverage < _AB_FILTER_COVERAGE:
        return paragraphs, "dom"
    in_body = _ShortLookup(" ".join(ab_paras))
    matched = []
    for p in paragraphs:
        sh = shingles(p)
        # a paragraph too short for a shingle is matched when its words stand in the articleBody
        matched.append(bool(sh and len(sh & ab_shingles) / len(sh) >= _AB_KEEP_SHARE) or (not sh and in_body(p)))
    last = max((i for i, m in enumerate(matched) if m), default=-1)
    # a long paragraph inside the story that the articleBody lacks is a paragraph the CMS field
    # dropped (a lede, a drop-capped first paragraph), not furniture, which is short there
    kept = [p for i, (p, m) in enumerate(zip(paragraphs, matched, strict=True))
            if m or (i < last and word_count(p) >= _AB_RESTORE_WORDS)]
    return kept, "dom filtered by json-ld articleBody"
