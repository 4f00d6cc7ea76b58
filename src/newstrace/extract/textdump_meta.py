"""Metadata of a text dump: title, section, byline, e-mail, date, outlet, captions, language.

All of it is read from plain lines near the title and the body, with the patterns of
:mod:`textdump_patterns`; nothing here knows a site.
"""

from __future__ import annotations

import re

from newstrace.extract import textdump_patterns as pat
from newstrace.extract.scripts import script_language, word_count
from newstrace.extract.textdump_dates import find_date
from newstrace.extract.textdump_lines import Line, strip_bullet
from newstrace.models import Article, Caption

#: Lines before the first body line (and after the title) searched for byline and date.
HEAD_WINDOW = 12
#: Lines after the last body line searched for a byline ("BY X [mail]" printed at the end).
TAIL_WINDOW = 4
#: Longest line read as a byline, caption credit or breadcrumb (characters).
SHORT_LINE = 160
#: Longest caption (characters); longer lines with a bracketed tail are prose.
MAX_CAPTION = 400
#: Lines between two printings of a caption (a caption printed twice is a lightbox copy).
DUP_WINDOW = 4
#: Body-region lines up to this long that carry a widget phrase ("Become a member",
#: "Sign up for ...") are appeals, not story; longer lines quoting such words are prose.
WIDGET_MAX = 100
#: Most links listed under a "Related" lead-in inside the body.
RELATED_LINKS = 5
#: Lines with fewer words than this are headline-like (links, subheads), not paragraphs.
PROSE_WORDS = 12
#: Footer lines searched for a copyright notice naming the outlet.
FOOTER_WINDOW = 60
#: Longest line read as "Headline | Site" (a title bar): headlines run under 200 characters,
#: and the suffix pattern is quadratic on long runs of spaces (w3m prints tables with them).
MAX_TITLE_LINE = 400

#: "Headline | Site". The separator's spaces start where a run of spaces starts (the
#: lookbehind): tried from each space of a long run, the pattern took quadratic time.
_TITLE_SUFFIX = re.compile(r"^(?P<title>.{10,}?)(?<!\s)\s+(?:\||-|–|—|::|·)\s+(?P<site>[^|]{2,50})$")
_CONNECT_WITH = re.compile(r"\b(?:with|on|from)\s+(?P<name>(?:the\s+)?[A-Z][\w'&.-]*(?:\s+[A-Z][\w'&.-]*){1,5})\s*$")
_CREDIT_LABEL = re.compile(r"^(?:photo|image|picture|credit|illustration)s?\s*(?:credit)?\s*(?:by)?\s*[:/]\s*", re.I)
_NAME_TOKEN = re.compile(r"^[A-Z][A-Za-z'’.\-]+$|^[A-Z]\.$")
_LANG_WORDS = {
    "de": frozenset("der die das und ist nicht mit sich auf für den dem ein eine zu von".split()),
    "fr": frozenset("le la les et est des une un dans pour que qui sur pas du au".split()),
    "es": frozenset("el la los las y es del una un en por que con para se no".split()),
    "it": frozenset("il la di e che non per una un del della sono con gli le".split()),
    "pt": frozenset("o a os as e do da que um uma em para com não no na".split()),
    "nl": frozenset("de het een en is van dat niet met op voor zijn te".split()),
}


def _plain(ln: Line) -> str:
    return strip_bullet(ln.text) if ln.bullet else ln.text


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def fill(article: Article, lines: list[Line], title_idx: int | None, body: list[int]) -> None:
    """Set title, section, authors, emails, published, outlet and captions on ``article``."""
    start = body[0] if body else (title_idx or 0)
    end = body[-1] if body else start
    if title_idx is not None:
        article.title, suffix_site = _clean_title(lines, title_idx)
        article.evidence["title"] = "title-line"
    else:
        suffix_site = None
    head_lo = max(0, min(start, title_idx if title_idx is not None else start) - 3)
    head = list(range(head_lo, min(start + 2, len(lines)))) + [i for i in body[:3]]
    tail = list(range(end + 1, min(end + 1 + TAIL_WINDOW, len(lines))))
    article.section = _section(lines, title_idx, start, article.title)
    article.authors = _authors(lines, head + tail, title_idx, start)
    article.emails = _emails(lines, head + body + tail, body)
    article.published = find_date([pat.GLUED_WORD.sub(" ", _plain(lines[i])) for i in dict.fromkeys(head + tail)])
    if article.published:
        article.evidence["published"] = "dateline"
    article.outlet = _outlet(lines, suffix_site)
    article.captions = _captions(lines, title_idx, body)


def headline_under_breadcrumb(lines: list[Line], idx: int) -> int:
    """A breadcrumb ending in the headline ("Home > News > Headline") stands for the headline
    line printed below it; return that line's index when there is one."""
    crumbs = _crumbs(lines, idx)
    if not crumbs:
        return idx
    want = _key(crumbs[-1])
    for j in range(idx + 1, min(idx + 1 + DUP_WINDOW, len(lines))):
        if _key(_plain(lines[j])) == want:
            return j
    return idx


def _clean_title(lines: list[Line], idx: int) -> tuple[str, str | None]:
    """The headline, without a " | Site" suffix when a shorter printing shows it is one."""
    text = _plain(lines[idx]).strip()
    crumbs = _crumbs(lines, idx)
    if crumbs:
        text = crumbs[-1]
    m = _TITLE_SUFFIX.match(text) if len(text) <= MAX_TITLE_LINE else None
    if m:
        base = _key(m.group("title"))
        if any(_key(_plain(ln)) == base for ln in lines):
            return m.group("title").strip(), m.group("site").strip()
    site = None
    for ln in lines[: max(idx, 1) + 1]:
        m = _TITLE_SUFFIX.match(_plain(ln)) if len(ln.text) <= MAX_TITLE_LINE else None
        if m and _key(m.group("title")) == _key(text):
            site = m.group("site").strip()
            break
    return text, site


def _section(lines: list[Line], title_idx: int | None, start: int, title: str | None) -> list[str]:
    """The breadcrumb trail closest above the body ("Home > National > North Korea")."""
    limit = max(start, title_idx or 0)
    for i in range(min(limit, len(lines) - 1), max(-1, limit - 40), -1):
        parts = _crumbs(lines, i)
        if parts:
            if title and parts and _key(parts[-1]) == _key(title):
                parts = parts[:-1]
            if parts:
                return parts
    return []


def _crumbs(lines: list[Line], i: int) -> list[str]:
    text = _plain(lines[i])
    if len(text) <= SHORT_LINE and pat.BREADCRUMB_SEP.search(text):
        parts = [p.strip() for p in pat.BREADCRUMB_SEP.split(text) if p.strip()]
        # every crumb but the last is a short section name; the last may be the headline
        if parts and parts[0].lower() == "home" and len(parts) >= 2 and all(word_count(p) <= 6 for p in parts[:-1]):
            return parts[1:]
    if lines[i].text.startswith("1.") and _plain(lines[i]).lower() == "home":
        parts, j = [], i + 1
        while j < len(lines) and lines[j].text.startswith(f"{j - i + 1}."):
            parts.append(_plain(lines[j]))
            j += 1
        return parts
    return []


def _person(chunk: str) -> str | None:
    """A person's name from a byline chunk, in normal case; None for job titles and outlets."""
    chunk = re.sub(r"\[[^\]]*\]|\([^)]*\)|" + pat.EMAIL.pattern, "", chunk).strip(" ,.;:-–—|")
    tokens = chunk.split()
    if not 2 <= len(tokens) <= 4 or pat.NOT_A_NAME.search(chunk):
        return None
    if not all(_NAME_TOKEN.match(t) or t.lower() in ("de", "van", "von", "da", "bin", "al", "del") for t in tokens):
        return None
    if chunk.isupper():
        chunk = " ".join(t.capitalize() if "'" not in t else t.title() for t in tokens)
    return chunk


def _names(text: str) -> list[str]:
    m = pat.BYLINE.match(text)
    if not m:
        return []
    # browsers glue adjacent inline elements: "By Jane DoeDec 22, 2023", "By Jane DoeStaff Writer"
    names = pat.GLUED_WORD.sub(" ", m.group("names"))
    names = pat.BYLINE_STOP.sub("", names)
    chunks = re.split(r",\s*|\s+and\s+|\s*&\s*|\s+AND\s+", names)
    out = []
    for chunk in chunks:
        person = _person(chunk)
        if person:
            out.append(person)
        elif out:
            break  # "By Jane Doe, Staff Writer": the list of names has ended
    return out


def _authors(lines: list[Line], window: list[int], title_idx: int | None, start: int) -> list[str]:
    """Names from "By ..." lines near the title or at the end of the body; failing that, a
    line between the headline and the body that is nothing but a name ("Jane Doe",
    "Jane Doe · Example News · Posted: ...")."""
    found: list[str] = []
    for i in dict.fromkeys(window):
        text = _plain(lines[i])
        if len(text) <= SHORT_LINE:
            for name in _names(text):
                if name.lower() not in (f.lower() for f in found):
                    found.append(name)
    if found or title_idx is None:
        return found
    for i in range(title_idx + 1, min(start, title_idx + HEAD_WINDOW)):
        text = pat.GLUED_WORD.sub(" ", _plain(lines[i]))
        first = re.split(r"\s+[·|•—–]\s+", text, maxsplit=1)[0]
        person = _person(first) if len(first) <= 40 else None
        if person:
            return [person]
    return found


def _emails(lines: list[Line], window: list[int], body: list[int]) -> list[str]:
    members = set(body)
    out: dict[str, None] = {}  # in order found, each once
    for i in dict.fromkeys(window):
        text = _plain(lines[i])
        if i in members and len(text) > SHORT_LINE:
            continue  # an address quoted in the story is not the author's
        if "@" in text:
            out.update((m.group(0), None) for m in pat.EMAIL.finditer(text))
    return list(out)


def _outlet(lines: list[Line], suffix_site: str | None) -> str | None:
    if suffix_site:
        return suffix_site
    for ln in lines[-FOOTER_WINDOW:]:
        text = _plain(ln)
        m = pat.COPYRIGHT.search(text) if len(text) <= SHORT_LINE * 2 else None
        if m:
            name = m.group("name").strip(" ,.-")
            if 2 <= len(name) and not re.match(r"(?i)all rights|\d", name):
                return name
    footer = lines[-FOOTER_WINDOW:]
    for k, ln in enumerate(footer):
        # "... to connect / with the Example Daily": the invitation may sit on the line above
        context = (footer[k - 1].text + " " if k else "") + ln.text
        m = _CONNECT_WITH.search(_plain(ln)) if len(ln.text) <= 80 else None
        if m and re.search(r"(?i)\b(?:connect|follow|subscribe|sign|log)", context):
            return re.sub(r"^the\s+", "", m.group("name"))
    return None


def _credit(text: str) -> tuple[str, str | None] | None:
    """Split a caption line into (text, credit); None when the line carries no credit."""
    if pat.EMAIL.search(text) or len(text) > MAX_CAPTION:
        return None
    m = pat.CREDIT_TAIL.search(text)
    if not m:
        return None
    credit = _CREDIT_LABEL.sub("", next(g for g in m.groups() if g)).strip()
    return text[: m.start()].strip(), credit or None


def _captions(lines: list[Line], title_idx: int | None, body: list[int]) -> list[Caption]:
    out: list[Caption] = []
    seen: set[str] = set()
    title_key = _key(_plain(lines[title_idx])) if title_idx is not None else None
    for i in caption_lines(lines, title_idx, body):
        text = _plain(lines[i])
        if _key(text) == title_key:
            continue  # the headline printed twice is not a caption
        split = _credit(text)
        cap = Caption(split[0], split[1]) if split else Caption(text, None)
        k = _key(cap.text)
        if k and k not in seen:
            seen.add(k)
            out.append(cap)
    return out


def caption_lines(lines: list[Line], title_idx: int | None, body: list[int]) -> list[int]:
    """Lines between the title and the end of the body that are image captions."""
    if not body:
        return []
    lo = title_idx + 1 if title_idx is not None and title_idx < body[0] else max(0, body[0] - HEAD_WINDOW)
    out = []
    first, last = max(0, lo - DUP_WINDOW), min(len(lines), body[-1] + DUP_WINDOW + 1)
    keys = {j: _key(_plain(lines[j])) for j in range(first, last)}
    for i in range(lo, body[-1] + 1):
        text = _plain(lines[i])
        if word_count(text) < 4:
            continue
        near = range(max(first, i - DUP_WINDOW), min(last, i + DUP_WINDOW + 1))
        twice = any(keys[j] == keys[i] for j in near if j != i)
        if _credit(text) or (twice and len(text) <= MAX_CAPTION):
            out.append(i)
    return out


def non_body_lines(lines: list[Line], body: list[int], article: Article) -> set[int]:
    """Body-region lines that are furniture: captions, bylines, e-mail lines, related links."""
    drop = set(caption_lines(lines, None, body))
    members = set(body)
    for i in range(body[0], body[-1] + 1) if body else ():
        text = _plain(lines[i])
        if len(text) > SHORT_LINE:
            continue
        if pat.RELATED_LEADIN.match(text) and word_count(text) <= 4:
            # the links listed under a "Related Article" lead-in are not body either
            for j in range(i + 1, min(i + 1 + RELATED_LINKS, len(lines))):
                if j not in members:
                    continue
                if not (lines[j].bullet or word_count(lines[j].text) < PROSE_WORDS):
                    break
                drop.add(j)
        if i not in members:
            continue
        if (
            _names(text)
            or pat.EMAIL.search(text)
            or pat.WIDGET_LINE.match(text)
            or (len(text) <= WIDGET_MAX and pat.WIDGET_PHRASE.search(text))
            or (pat.RELATED_LEADIN.match(text) and word_count(text) <= 4)
            or (article.title and _key(text) == _key(article.title))
        ):
            drop.add(i)
    return drop


def guess_language(paragraphs: list[str]) -> str | None:
    """A light guess: script for non-Latin text, function-word share for Latin text."""
    text = " ".join(paragraphs)[:2000]
    by_script = script_language(text)
    if by_script:
        return by_script
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return None
    shares = {"en": sum(w in pat.EN_STOPWORDS for w in words) / len(words)}
    shares.update({k: sum(w in v for w in words) / len(words) for k, v in _LANG_WORDS.items()})
    best = max(shares, key=lambda k: shares[k])
    return best if shares[best] >= 0.08 else None
