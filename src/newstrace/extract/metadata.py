"""Metadata of an HTML article page, read from one parsed tree.

Sources, best first, for each field: the page's JSON-LD article object (``NewsArticle`` &c.),
OpenGraph / ``<meta>`` tags, then the visible page (``<h1>``, byline elements, breadcrumb
navigation). The date falls back to htmldate, which searches the whole page.

Why not trafilatura's ``extract_metadata``: it runs htmldate's full search on every page
(the slowest part of extraction, measured at a quarter of trafilatura's time on the
development set), keeps only one author string, and leaves the site name in many titles;
reading JSON-LD and meta first and calling htmldate only when they say nothing is both
faster and more accurate there (see ``bench/extraction.py``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from courlan import extract_domain

from lxml.html import HtmlElement

from newstrace.extract import patterns as pt
from newstrace.extract.guards import LIBRARY_ERRORS
from newstrace.extract.jsonld import json_ld
from newstrace.extract.scripts import word_count

_DATE = re.compile(r"((?:19|20)\d\d)-?(\d\d)-?(\d\d)")
_SPACE = re.compile(r"\s+")


@dataclass
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    published: str | None = None
    #: the publication date-time with its offset, when the page gives one
    published_at: str | None = None
    outlet: str | None = None
    section: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    #: the JSON-LD articleBody, when the page gives one
    article_body: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def squeeze(text: str | None) -> str:
    """Whitespace squeezed; HTML entities left escaped inside JSON-LD and meta are resolved."""
    text = text or ""
    if "&" in text:
        text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


# --- raw sources ---------------------------------------------------------------------------


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` name/property (lower case) to content; the first occurrence wins."""
    metas: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                metas.setdefault(key.strip().lower(), content.strip())
    return metas


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    items = t if isinstance(t, list) else [t]
    return {str(i).lower() for i in items if i}


def article_object(objs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object describing the article (a strong article type first)."""
    strong = [o for o in objs if _types(o) & pt.STRONG_ARTICLE_TYPES]
    if strong:
        return max(strong, key=lambda o: (bool(o.get("headline")), bool(o.get("datePublished"))))
    weak = [o for o in objs if _types(o) & pt.ARTICLE_TYPES and (o.get("headline") or o.get("datePublished"))]
    return weak[0] if weak else None


def _names(value: Any, by_id: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, bool]]:
    """(name, is_organisation) pairs from a JSON-LD author/publisher value; ``@id`` references resolved."""
    out: list[tuple[str, bool]] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and by_id and str(item.get("@id")) in by_id:
            item = by_id[str(item["@id"])]
        if isinstance(item, str):
            out.append((item, False))
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = " ".join(str(n) for n in name)
            if isinstance(name, str):
                out.append((name, bool(_types(item) & pt.ORG_TYPES)))
    return out


def ids(objs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """JSON-LD objects by ``@id`` (those with a name), to resolve references."""
    return {str(o["@id"]): o for o in objs if o.get("@id") and o.get("name")}


# --- title ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def strip_site(title: str, outlet: str | None) -> str:
    """Drop a " | Site" part from a title: the part naming the outlet, else a short (<= 4 words) last part."""
    title = squeeze(title)
    for sep in pt.TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep) if p.strip()]
        if outlet:
            o = _norm(outlet)
            kept = [q for q in parts if not (_norm(q) == o or (o in _norm(q) and len(q) < len(outlet) + 15))]
            if kept and len(kept) < len(parts):
                return sep.join(kept)
        if len(parts) >= 2 and len(parts[-1]) < len(parts[0]) and word_count(parts[-1]) <= 4:
            return sep.join(parts[:-1])
    return title


def _h1(tree: HtmlElement) -> str | None:
    for xp in (".//article//h1", ".//main//h1", ".//h1"):
        for el in tree.iterfind(xp):
            text = squeeze(el.text_content())
            if len(text) > 3:
                return text
    return None


def find_title(tree: HtmlElement, metas: dict[str, str], art: dict[str, Any] | None, outlet: str | None,
               evidence: dict[str, str]) -> str | None:
    """The headline: an <h1> the metadata agrees with, else JSON-LD headline, og:title, <title>."""
    head = tree.find(".//title")
    candidates = [
        ("json-ld", art.get("headline") if art and isinstance(art.get("headline"), str) else None),
        ("og:title", metas.get("og:title")),
        ("twitter:title", metas.get("twitter:title")),
        ("title", head.text_content() if head is not None else None),
    ]
    candidates = [(k, squeeze(v)) for k, v in candidates if v and squeeze(v)]
    h1 = _h1(tree)
    if h1:
        n1 = _norm(h1)
        if any(n1 and n1 in _norm(v) for _, v in candidates):
            evidence["title"] = "h1"
            return h1
    for key, value in candidates:
        evidence["title"] = key
        return strip_site(value, outlet)
    if h1:
        evidence["title"] = "h1"
    return h1


# --- outlet, url, language, section --------------------------------------------------------


def find_outlet(metas: dict[str, str], objs: list[dict[str, Any]], art: dict[str, Any] | None) -> str | None:
    if metas.get("og:site_name"):
        return squeeze(metas["og:site_name"])
    if art is not None:
        for name, _ in _names(art.get("publisher")):
            if name.strip():
                return squeeze(name)
    for obj in objs:
        if _types(obj) & pt.ORG_TYPES and isinstance(obj.get("name"), str):
            return squeeze(obj["name"])
    for key in pt.OUTLET_META[1:]:
        value = metas.get(key, "").lstrip("@").strip()
        if value and not value.startswith("http"):
            return value
    return None


def copyright_outlet(tree: HtmlElement) -> str | None:
    """The outlet named in the page's last copyright line ("Copyright 2025 Example Bulletin")."""
    for text in reversed(tree.xpath("//body//text()[contains(., '©') or contains(., 'opyright')]")):
        m = pt.COPYRIGHT_OUTLET.search(str(text))
        if m:
            return m.group("name")
    return None


def _site(u: str) -> str:
    """The registered domain of a URL (``m.news.example.co.uk`` → ``example.co.uk``)."""
    host = urlsplit(u).hostname or ""
    # courlan knows the public suffixes; for names it does not know, the last two labels
    return extract_domain(u) or ".".join(host.lower().split(".")[-2:])


def find_url(tree: HtmlElement, metas: dict[str, str], url: str | None) -> tuple[str | None, str | None]:
    """The page's canonical address, and a cross-site canonical if the page names one.

    A syndicated copy often points its canonical link at the original on another site (the
    usual search-engine practice). That link says where the story comes from, not where this
    page lives, so it is returned apart and the page keeps its own address (the fetched URL
    or og:url): the copy stays its own article.
    """
    canonical = next(
        (h for link in tree.iterfind(".//link[@rel='canonical']")
         if (h := (link.get("href") or "").strip()).startswith("http")),
        None,
    )
    og = metas.get("og:url", "").strip()
    own = url if url and url.startswith("http") else (og if og.startswith("http") else None)
    if canonical and own and _site(canonical) != _site(own):
        return own, canonical
    return canonical or own or url, None


def find_language(tree: HtmlElement, metas: dict[str, str], art: dict[str, Any] | None) -> str | None:
    for value in (tree.get("lang"), tree.get("xml:lang"), art.get("inLanguage") if art else None,
                  metas.get("og:locale"), metas.get("content-language"), metas.get("language")):
        if isinstance(value, str) and re.match(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]+)?$", value.strip()):
            return value.strip().replace("_", "-").split("-")[0].lower()
    return None


def _crumbs_ld(objs: list[dict[str, Any]]) -> list[str]:
    for obj in objs:
        if "breadcrumblist" not in _types(obj):
            continue
        items = obj.get("itemListElement")
        items = items if isinstance(items, list) else []
        items = sorted((i for i in items if isinstance(i, dict)), key=lambda i: _int(i.get("position")))
        names = []
        for item in items:
            name = item.get("name")
            inner = item.get("item")
            if not isinstance(name, str) and isinstance(inner, dict):
                name = inner.get("name")
            target = inner.get("@id") if isinstance(inner, dict) else inner
            if isinstance(name, str) and squeeze(name) and not (isinstance(target, str) and _is_root(target)):
                names.append(squeeze(name))
        if names:
            return names
    return []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0




def _is_root(href: str | None) -> bool:
    """Whether an absolute link points at the site's front page (relative links cannot say)."""
    href = (href or "").strip()
    if not (href.startswith("/") or "://" in href):
        return False
    return urlsplit(href).path in ("", "/", "/index.html", "/index.htm", "/index.php")


def _crumb_navs(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Breadcrumb navigation, marked-up first; the "You are here" search (a walk over every text
    of the page) only runs when no marked-up trail names anything."""
    yield from tree.xpath(pt.CRUMB_XPATH)
    yield from tree.xpath(pt.YOU_ARE_HERE_XPATH)


def _dom_crumbs(tree: HtmlElement) -> list[str]:
    for nav in _crumb_navs(tree):
        links = [a for a in nav.iter("a")]
        if links:
            names = [squeeze(a.text_content()) for a in links if not _is_root(a.get("href"))]
        else:
            names = [squeeze(el.text_content()) for el in nav.iter("li", "span") if len(el) == 0]
        names = [n for n in names if n and n not in ("/", ">", "»", "›")]
        if names:
            return names
    for el in tree.xpath(pt.SECTION_LABEL_XPATH):
        text = squeeze(el.text_content())
        if text and word_count(text) <= 4:
            return [text]
    return []


def crumbs(names: list[str], title: str | None) -> list[str]:
    """A breadcrumb trail without the front page and without the page's own title."""
    names = [n for n in names if n.casefold() not in pt.HOME_CRUMBS and (not title or _norm(n) != _norm(title))]
    return list(dict.fromkeys(names))


def dom_section(tree: HtmlElement, title: str | None) -> list[str]:
    """The breadcrumb trail printed on the page."""
    return crumbs(_dom_crumbs(tree), title)


def find_section(tree: HtmlElement, metas: dict[str, str], objs: list[dict[str, Any]],
                 art: dict[str, Any] | None, title: str | None) -> list[str]:
    """Breadcrumb trail (JSON-LD, then breadcrumb navigation), else article:section."""
    names = crumbs(_crumbs_ld(objs) or _dom_crumbs(tree), title)
    if names:
        return names
    section = metas.get("article:section") or (art.get("articleSection") if art else None)
    if isinstance(section, list):
        section = section[0] if section else None
    return [squeeze(section)] if isinstance(section, str) and squeeze(section) else []


# --- date ----------------------------------------------------------------------------------


def iso_date(value: Any) -> str | None:
    """YYYY-MM-DD from an ISO-like date string, or None."""
    if not isinstance(value, str):
        return None
    m = _DATE.search(value.strip()[:40])
    if not m:
        return None
    y, mo, d = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    return f"{y}-{mo}-{d}"


def _htmldate(tree: HtmlElement, url: str | None, extensive: bool) -> str | None:
    from htmldate import find_date as htmldate_find_date

    try:
        return iso_date(htmldate_find_date(tree, url=url, original_date=True, extensive_search=extensive))
    except LIBRARY_ERRORS:  # htmldate gives up on some malformed trees
        return None


#: htmldate's preference for the earliest date can pick another article's date printed on the
#: page; a JSON-LD datePublished up to this many days later is the article's own. Calibrated on
#: the development set: every disagreement within a week was won by the JSON-LD date, bar
#: the UTC day-boundary case below; longer gaps were mostly won by htmldate.
_LD_DATE_LATER_DAYS = 7
#: A UTC time before this hour is the previous day in the Americas, where htmldate's date is right.
_UTC_DAY_BOUNDARY_HOUR = 8
_UTC_TIME = re.compile(r"T(\d\d):\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]00:?00)$")


def _article_date_wins(found: str, declared: Any) -> bool:
    """Whether a JSON-LD datePublished should override htmldate's date."""
    ld = iso_date(declared)
    if not ld or ld == found:
        return False
    try:
        gap = (date.fromisoformat(ld) - date.fromisoformat(found)).days
    except ValueError:
        return False
    if not 0 < gap <= _LD_DATE_LATER_DAYS:
        return False
    m = _UTC_TIME.search(str(declared).strip())
    return not (gap == 1 and m and int(m.group(1)) < _UTC_DAY_BOUNDARY_HOUR)


#: Elements searched at most for a visible date.
_MAX_DATE_ELEMENTS = 20


def text_date(text: str) -> str | None:
    """YYYY-MM-DD from "October 9, 2025" or "9 October 2025" (English month names)."""
    for m in pt.TEXT_DATE.finditer(text):
        month = pt.MONTHS.get((m.group("m1") or m.group("m2")).lower()) or next(
            (v for k, v in pt.MONTHS.items() if k.startswith((m.group("m1") or m.group("m2")).lower()[:3])), None)
        day, year = int(m.group("d1") or m.group("d2")), m.group("y1") or m.group("y2")
        if month and 1 <= day <= 31:
            return f"{year}-{month:02d}-{day:02d}"
    return None


def _visible_date(tree: HtmlElement) -> str | None:
    for el in tree.xpath(pt.VISIBLE_DATE_XPATH)[:_MAX_DATE_ELEMENTS]:
        text = squeeze(el.text_content())
        if len(text) < 120:
            found = text_date(text)
            if found:
                return found
    return None


def _placeholder(value: Any) -> bool:
    """A structured date that is a CMS default: the first of a month at midnight or without a time."""
    return isinstance(value, str) and bool(re.match(r"^\d{4}-\d\d-01(?:[T ]00:00(?::00)?(?:\.0+)?(?:Z|[+-]00:?00)?)?$",
                                                     value.strip()))


def find_date(tree: HtmlElement, metas: dict[str, str], art: dict[str, Any] | None, url: str | None,
              evidence: dict[str, str]) -> str | None:
    """Publication date: htmldate's quick search, JSON-LD and date meta tags, then htmldate's extensive search.

    htmldate first: it reads the same JSON-LD and meta tags and more, and on the development
    set it was right on 2 pages more than JSON-LD-first. Its extensive search hands free text
    to dateparser, which costs seconds to warm up and ~25 ms a page, so it only runs when
    nothing structured gave a date.
    """
    found = _htmldate(tree, url, extensive=False)
    declared = art.get("datePublished") if art is not None else None
    structured = [declared] + [metas.get(k) for k in pt.DATE_META]
    if found and any(_placeholder(v) and iso_date(v) == found for v in structured):
        visible = _visible_date(tree)
        if visible and visible != found:
            evidence["published"] = "visible date (structured date is a placeholder)"
            return visible
    if found and _article_date_wins(found, declared):
        evidence["published"] = "json-ld datePublished"
        return iso_date(declared)
    if found:
        evidence["published"] = "htmldate"
        return found
    if art is not None:
        for key in ("datePublished", "dateCreated", "uploadDate"):
            day = iso_date(art.get(key))
            if day:
                evidence["published"] = f"json-ld {key}"
                return day
    for key in pt.DATE_META:
        day = iso_date(metas.get(key))
        if day:
            evidence["published"] = f"meta {key}"
            return day
    found = _htmldate(tree, url, extensive=True)
    if found:
        evidence["published"] = "htmldate extensive"
    return found


#: ``<time datetime>`` elements looked at, at most, for a publication time.
_MAX_TIME_ELEMENTS = 10


def iso_time(value: Any) -> str | None:
    """An ISO 8601 date-time with a time of day and a UTC offset, normalised
    ("2026-03-14T07:30:00+01:00"), or None (a date alone, or a time without an offset, cannot
    be ordered against other outlets' times)."""
    if not isinstance(value, str) or not 16 <= len(value.strip()) <= 40:
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    if when.tzinfo is None or when.utcoffset() is None:
        return None
    return when.replace(microsecond=0).isoformat()


def find_time(tree: HtmlElement, metas: dict[str, str], art: dict[str, Any] | None, day: str | None) -> str | None:
    """The publication date-time with its offset, from the same structured sources the date
    comes from (JSON-LD datePublished, date meta tags, ``<time datetime>``), when one of them
    gives a time of day and an offset and agrees with the publication date chosen (in its own
    offset): a time that belongs to another date is another event's."""
    if not day:
        return None
    candidates = [art.get(k) for k in ("datePublished", "dateCreated")] if art is not None else []
    candidates += [metas.get(k) for k in pt.DATE_META]
    candidates += [el.get("datetime") for el in tree.iterfind(".//time[@datetime]")][:_MAX_TIME_ELEMENTS]
    for value in candidates:
        when = iso_time(value)
        if when and when[:10] == day:
            return when
    return None


# --- authors -------------------------------------------------------------------------------


def clean_name(raw: str) -> str | None:
    """A person's name from one byline fragment, in normal case; None when it is not one."""
    name = squeeze(pt.BYLINE_PREFIX.sub("", squeeze(raw)))
    name = pt.NAME_TAIL.sub("", name).strip(" ,;:-–—|")
    name = pt.DEGREES.sub("", " " + name).strip(" ,;:-–—|")
    if not name or pt.NOT_A_NAME.search(name) or len(name) > 60:
        return None
    if name.isupper() or name.islower():
        name = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())
        name = re.sub(r"\b(Mc)(\w)", lambda m: m.group(1) + m.group(2).upper(), name)
    return name if pt.PERSON_NAME.match(name) else None


#: Longest byline fragment read for a name: a name (at most 60 characters) with its role
#: and outlet after it ("Jane Doe, Senior Political Correspondent for the Example Herald").
_MAX_NAME_PART_CHARS = 300


def split_names(raw: str, outlet: str | None) -> list[str]:
    """Person names in a byline string ("By Jane Doe and John Roe, Staff Writers")."""
    raw = pt.EMAIL.sub(" ", squeeze(raw))
    raw = pt.BYLINE_PREFIX.sub("", raw)
    names = []
    for part in pt.NAME_SEPARATOR.split(raw):
        if len(part) > _MAX_NAME_PART_CHARS:
            continue  # prose, not a name and its role; and the name patterns are quadratic on it
        name = clean_name(part)
        if name and (not outlet or _norm(name) != _norm(outlet)):
            names.append(name)
    return list(dict.fromkeys(names))


#: Byline elements searched at most; a page listing more "author" elements is a listing, not a byline.
_MAX_BYLINE_ELEMENTS = 12


def _dom_authors(tree: HtmlElement, bylines: list[HtmlElement], outlet: str | None) -> list[str]:
    names: list[str] = []
    for el in bylines:
        inner = el.find(".//*[@itemprop='name']")
        if el.get("content"):
            texts = [el.get("content", "")]
        elif inner is not None:
            texts = [inner.get("content") or inner.text_content()]
        else:
            # linked names first: "By <a>Jane Doe</a> USA TODAY" has the outlet unlinked
            texts = [a.text_content() for a in el.iter("a")] or [el.text_content()]
        for text in texts:
            if len(squeeze(text)) <= 120:
                names.extend(n for n in split_names(text, outlet) if n not in names)
        if names:
            break
    if not names:
        # the first link to an author page, with its siblings ("By <a>A</a> and <a>B</a>")
        links = tree.xpath(pt.AUTHOR_LINK_XPATH)
        if links:
            parent = links[0].getparent()
            for a in links:
                if a.getparent() is parent:
                    names.extend(n for n in split_names(a.text_content(), outlet) if n not in names)
    if not names:
        # trafilatura's byline search knows more page layouts than the selector above;
        # it copies the tree, so it only runs when nothing else named an author.
        from trafilatura.metadata import extract_author

        try:
            found = extract_author(tree) or ""
        except LIBRARY_ERRORS:
            found = ""
        for part in found.split(";"):
            names.extend(n for n in split_names(part, outlet) if n not in names)
    return names


def _people_first(names: list[str]) -> list[str]:
    """Drop organisation names from a list that also names people."""
    people = [n for n in names if not pt.ORG_WORDS.search(n)]
    return people or names


def find_authors(tree: HtmlElement, metas: dict[str, str], objs: list[dict[str, Any]], art: dict[str, Any] | None,
                 outlet: str | None, evidence: dict[str, str], bylines: list[HtmlElement]) -> list[str]:
    """Author names (people only): JSON-LD persons, author meta tags, then byline elements."""
    by_id = ids(objs)
    found = (_names(art.get("author"), by_id) or _names(art.get("creator"), by_id)) if art is not None else []
    names: list[str] = []
    for name, is_org in found:
        if not is_org:
            names.extend(n for n in split_names(name, outlet) if n not in names)
    if names:
        evidence["authors"] = "json-ld"
        return _people_first(names)
    # an agency given as the article's author (a JSON-LD organisation) is no person anywhere
    orgs = {_norm(name) for name, is_org in found if is_org}
    names = _find_person_authors(tree, metas, outlet, evidence, bylines)
    return [n for n in names if _norm(n) not in orgs]


def _find_person_authors(tree: HtmlElement, metas: dict[str, str], outlet: str | None,
                         evidence: dict[str, str], bylines: list[HtmlElement]) -> list[str]:
    names: list[str] = []
    if metas.get("twitter:label1", "").lower() == "written by":
        metas = {**metas, "twitter:creator": metas.get("twitter:data1", "")}
    for key in pt.AUTHOR_META:
        value = metas.get(key, "")
        if value and not value.startswith("http"):
            names = split_names(value, outlet)
            if names:
                evidence["authors"] = f"meta {key}"
                return _people_first(names)
    names = _dom_authors(tree, bylines, outlet)
    if names:
        evidence["authors"] = "byline"
        return _people_first(names)
    return names


def find_emails(tree: HtmlElement, authors: list[str], bylines: list[HtmlElement]) -> list[str]:
    """Author e-mails printed on the page: mailto links and bylines, newsroom boxes excluded."""
    found: list[str] = []
    for href in tree.xpath("//a[starts-with(@href,'mailto:')]/@href"):
        addr = str(href)[7:].split("?")[0].strip()
        if pt.EMAIL.fullmatch(addr):
            found.append(addr)
    for el in bylines:
        found.extend(pt.EMAIL.findall(el.text_content()))
    keep = []
    surnames = {n.split()[-1].casefold() for n in authors if n.split()}
    for addr in dict.fromkeys(a.lower() for a in found):
        if pt.ROLE_MAILBOX.match(addr):
            continue
        local = addr.split("@")[0]
        if not surnames or any(s[:4] in local for s in surnames) or len(found) <= 2:
            keep.append(addr)
    return keep


# --- all together --------------------------------------------------------------------------


def extract_metadata(tree: HtmlElement, url: str | None) -> PageMeta:
    """Every metadata field of a page from its parsed tree (the tree is not changed)."""
    objs = json_ld(tree)
    metas = meta_tags(tree)
    art = article_object(objs)
    meta = PageMeta()
    meta.outlet = find_outlet(metas, objs, art) or copyright_outlet(tree)
    meta.url, cross_canonical = find_url(tree, metas, url)
    if cross_canonical:
        meta.evidence["canonical"] = cross_canonical
    meta.title = find_title(tree, metas, art, meta.outlet, meta.evidence)
    bylines = [el for el in tree.xpath(pt.BYLINE_XPATH)
               if el.get("rel") == "author" or el.get("itemprop") == "author" or "byline" in el.get("data-testid", "")
               or pt.BYLINE_CLASS.search(el.get("class", ""))][:_MAX_BYLINE_ELEMENTS]
    meta.authors = find_authors(tree, metas, objs, art, meta.outlet, meta.evidence, bylines)
    meta.emails = find_emails(tree, meta.authors, bylines)
    meta.published = find_date(tree, metas, art, meta.url or url, meta.evidence)
    meta.published_at = find_time(tree, metas, art, meta.published)
    meta.section = find_section(tree, metas, objs, art, meta.title)
    meta.language = find_language(tree, metas, art)
    body = art.get("articleBody") if art else None
    meta.article_body = body.strip() if isinstance(body, str) and body.strip() else None
    if not meta.outlet and meta.url:
        meta.outlet = urlsplit(meta.url).hostname
        meta.evidence["outlet"] = "url"
    return meta
