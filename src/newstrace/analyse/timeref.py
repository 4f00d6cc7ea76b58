"""Time references in news text, resolved against the article's publication date.

``find_time_refs`` finds the expressions a news story dates things with ("on Tuesday",
"yesterday", "earlier this week", "Oct. 3", "3 October 2024", "two days ago", "next Monday",
"in 2023" ...) and resolves each to an ISO date with a precision; ``statement_date`` picks the
one that dates a reported statement ("..., the ministry said Tuesday").

Why hand-written regular expressions and not dateparser (a dependency already):
``dateparser.search.search_dates`` returns the matched substrings without offsets (a repeated
substring cannot be placed), reads dates into ordinary words ("may", "sun", "march"), costs
about a millisecond per call, and the conventions of news writing need their own rules anyway:
a bare weekday means the most recent such day on or before publication ("said Tuesday"), and
a date without a year is the closest one not far after publication. So dateparser is not used
here; every expression below gives exact spans and is resolved against the publication date
passed in, never against "now".

Conventions (all relative to ``published``):

* weekday ("Tuesday", "on Tuesday", "Tuesday night", "late Tuesday"): the most recent such
  weekday on or before publication (the same day counts), except shortly after a future marker
  in the same clause ("will vote on Friday", "is due to open Monday"): then the first such
  weekday on or after publication; "last Tuesday": strictly before;
  "next Tuesday" / "this coming Tuesday": strictly after; "this Tuesday": in the week
  (Monday to Sunday) of publication.
* week expressions ("this week", "earlier this week", "last week", "next week", weekends,
  "three weeks ago"): the Monday of that week, precision ``"week"``.
* month expressions ("last month", "in October", "mid-October"): the first of the month,
  precision ``"month"``; year expressions ("this year", "in 2023"): January 1, precision ``"year"``.
* a date printed without a year takes the latest year that puts it no more than
  ``FUTURE_WINDOW_DAYS`` after publication ("Dec. 28" in a January article is last year's,
  "by Oct. 31" in an October article this year's).
* a leading preposition is part of the span and sets ``relation``: "by", "before", "until"
  ... give ``"before"``; "since", "after", "from" give ``"after"``; anything else ``"on"``.
* with ``published=None`` relative expressions and year-less dates get ``date=None``; dates
  printed with a year keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice
from typing import Literal

Precision = Literal["day", "week", "month", "year"]
Relation = Literal["on", "before", "after"]

#: A year-less date is put in the latest year that leaves it at most this many days after
#: the publication date (news refers to the recent past or the near future).
FUTURE_WINDOW_DAYS = 62


@dataclass(frozen=True)
class TimeRef:
    """One time expression: ``text == source_text[start:end]``.

    ``date`` is ISO (YYYY-MM-DD) or None when it cannot be resolved; for week precision it is
    the Monday of the week, for month precision the first of the month, for year precision
    January 1.
    """

    start: int
    end: int
    text: str
    date: str | None
    precision: Precision = "day"
    relation: Relation = "on"


# --------------------------------------------------------------------------- vocabulary

_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]
_MONTH_BY_PREFIX = {name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30,
}

_NOT_LETTER = r"(?![^\W\d_])"  # the word ends here (no letter follows)
# Spaces inside an expression never include a line break: no ref spans two paragraphs.
# Month names: full names, and three-letter abbreviations ("Sept" too) with an optional dot.
_MONTH = (
    r"(?P<mon>(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    + _NOT_LETTER + r"|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)" + _NOT_LETTER + r"\.?)"
)
_WEEKDAY = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)" + _NOT_LETTER
# A weekday printed before a date ("Wednesday, Oct. 16", "Wed 16 October"); abbreviations only here.
# Abbreviations must be capitalised ("sat Oct. 3" is a verb and a date).
_WD_PREFIX = (
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?-i:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun|MON|TUES?|WED|THU(?:RS?)?|FRI|SAT|SUN))"
    + _NOT_LETTER + r"\.?,?[^\S\n]+)?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?![\d,.]?\d)"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)(?!\d)"
# A preposition in front of the expression; part of the span, sets the relation.
_PREPS = (
    r"on|by|before|until|till|through|no[^\S\n]+later[^\S\n]+than|ahead[^\S\n]+of|since|after|from|as[^\S\n]+of|as[^\S\n]+early[^\S\n]+as"
)
_PREP = r"(?:(?P<prep>in|at|during|" + _PREPS + r")[^\S\n]+)?"
# no "in"/"at" before days: "came in early on Monday", "at today's meeting"
_DAY_PREP = r"(?:(?P<prep>" + _PREPS + r")[^\S\n]+)?"
_PART = r"(?:[^\S\n]+(?:morning|afternoon|evening|night))?"
_NUM = r"(?P<num>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"

_RELATION: dict[str, Relation] = {
    "by": "before", "before": "before", "until": "before", "till": "before", "through": "before",
    "no later than": "before", "ahead of": "before",
    "since": "after", "after": "after", "from": "after",
}

_B = r"(?<![^\W_])"  # a word starts here (no letter or digit before)


def _rx(body: str, prep: str = _PREP) -> re.Pattern[str]:
    return re.compile(_B + prep + body + _NOT_LETTER + r"(?!\d)", re.IGNORECASE)


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2024-10-03
    ("iso", _rx(r"(?P<year>(?:1[89]|20)\d\d)-(?P<m>[01]?\d)-(?P<day>[0-3]?\d)")),
    # 10/3/2024, 10/03/24 (US order: month first)
    ("us", _rx(r"(?P<m>[0-3]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)?\d\d)")),
    # Oct. 3, Oct. 3, 2024, Wednesday, October 3rd
    ("md", _rx(_WD_PREFIX + _MONTH + r"[^\S\n]*" + _DAY + r"(?:,?[^\S\n]+" + _YEAR + r")?")),
    # 3 October, 3rd of October 2024, Wednesday 3 Oct
    ("dm", _rx(_WD_PREFIX + r"(?:the[^\S\n]+)?" + _DAY + r"[^\S\n]+(?:of[^\S\n]+)?" + _MONTH + r"(?:,?[^\S\n]+" + _YEAR + r")?")),
    # October 2024
    ("my", _rx(r"(?:(?P<mod>early|mid-?|late)[^\S\n]*)?" + _MONTH + r",?[^\S\n]+" + _YEAR)),
    # in October, since March, last October, mid-October (a bare month name needs one of these)
    ("m", re.compile(
        _B + r"(?:(?P<prep>in|during|by|before|until|till|through|since|after|from|as[^\S\n]+of)[^\S\n]+)?"
        r"(?:(?P<mod>last|next|this|early|mid-?|late|(?:earlier|later)[^\S\n]+in)[^\S\n]*)?" + _MONTH,
        re.IGNORECASE)),
    # in 2023, since 2014 (a bare year needs a preposition)
    ("y", re.compile(
        _B + r"(?P<prep>in|during|by|before|until|till|through|since|after|from|as[^\S\n]+of"
        r"|early|mid-?|late|(?:earlier|later)[^\S\n]+in)[^\S\n]*" + _YEAR + r"(?![\d,.]\d|[^\S\n]*(?:%|per))" + _NOT_LETTER,
        re.IGNORECASE)),
    # Tuesday, on Tuesday, last Tuesday, late Tuesday night, next Monday
    ("wd", _rx(
        r"(?:(?P<mod>last|this[^\S\n]+past|past|this[^\S\n]+coming|coming|this|next|early|late|earlier|later)[^\S\n]+(?:on[^\S\n]+)?)?"
        + _WEEKDAY + _PART, _DAY_PREP)),
    # today, yesterday morning, tonight, this morning, last night, the day before yesterday
    ("day", _rx(
        r"(?:(?:earlier|later)[^\S\n]+)?(?P<word>the[^\S\n]+day[^\S\n]+before[^\S\n]+yesterday|the[^\S\n]+day[^\S\n]+after[^\S\n]+tomorrow"
        r"|today|tonight|yesterday|tomorrow|this[^\S\n]+(?:morning|afternoon|evening)|last[^\S\n]+night)" + _PART,
        _DAY_PREP)),
    # this week, earlier this week, last week, next week, over the weekend, last weekend
    ("week", _rx(
        r"(?:(?:earlier|later)[^\S\n]+)?(?P<mod>this|last|next|the[^\S\n]+previous|the[^\S\n]+following|over[^\S\n]+the|the)"
        r"[^\S\n]+(?P<unit>week(?:end)?)")),
    # this month, earlier this month, last month, next month
    ("month", _rx(r"(?:(?:earlier|later)[^\S\n]+)?(?P<mod>this|last|next|the[^\S\n]+previous)[^\S\n]+month")),
    # this year, earlier this year, last year, next year
    ("year", _rx(r"(?:(?:earlier|later)[^\S\n]+)?(?P<mod>this|last|next|the[^\S\n]+previous)[^\S\n]+year")),
    # two days ago, three weeks ago, a month ago, 10 years ago
    ("ago", _rx(_NUM + r"[^\S\n]+(?P<unit>day|week|month|year)s?[^\S\n]+ago")),
]


# --------------------------------------------------------------------------- helpers


def _as_date(published: date | str | None) -> date | None:
    if published is None or isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + delta
    return n // 12, n % 12 + 1


def _month_number(token: str) -> int | None:
    return _MONTH_BY_PREFIX.get(token.rstrip(".").lower()[:3])


def _looks_like_month(token: str) -> bool:
    """A month name must be capitalised ("May", "MAY"), so that "may", "march" stay words."""
    return token[:1].isupper()


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def infer_year(month: int, day: int, published: date) -> date | None:
    """The date ``month``/``day`` nearest before ``published`` or at most
    ``FUTURE_WINDOW_DAYS`` after it."""
    limit = published + timedelta(days=FUTURE_WINDOW_DAYS)
    for y in range(published.year + 1, published.year - 9, -1):
        d = _safe_date(y, month, day)
        if d is not None and d <= limit:
            return d
    return None


def _infer_month_year(month: int, published: date) -> int:
    limit = published + timedelta(days=FUTURE_WINDOW_DAYS)
    y = published.year + 1
    while date(y, month, 1) > limit:
        y -= 1
    return y


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _count(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return _NUMBER_WORDS.get(w)


# --------------------------------------------------------------------------- resolution

_Resolved = tuple[date | None, Precision] | None


def _resolve(kind: str, g: dict[str, str | None], pub: date | None) -> _Resolved:  # noqa: C901
    """(date, precision) for one match, or None when the match is not a time reference."""
    mod = re.sub(r"\s+", " ", (g.get("mod") or "").lower()).rstrip("-")

    if kind in ("iso", "us"):
        month, day = int(g["m"] or 0), int(g["day"] or 0)
        if kind == "us" and month > 12 >= day:
            month, day = day, month  # "31/12/2024" can only be day first
        d = _safe_date(_year(g["year"] or "0"), month, day)
        return (d, "day") if d else None

    if kind in ("md", "dm"):
        if not _looks_like_month(g["mon"] or ""):
            return None
        month, day = _month_number(g["mon"] or ""), int(g["day"] or 0)
        if month is None or not 1 <= day <= 31:
            return None
        if g.get("year"):
            d = _safe_date(int(g["year"] or 0), month, day)
            return (d, "day") if d else None
        if _safe_date(2000, month, day) is None:  # Feb. 30, Nov. 31: not a date
            return None
        return (infer_year(month, day, pub) if pub else None), "day"

    if kind == "my":
        month = _month_number(g["mon"] or "")
        if month is None or not _looks_like_month(g["mon"] or ""):
            return None
        return date(int(g["year"] or 0), month, 1), "month"

    if kind == "m":
        month = _month_number(g["mon"] or "")
        if month is None or not _looks_like_month(g["mon"] or ""):
            return None
        if not g.get("prep") and not mod:
            return None  # a bare "May"/"March" is too often not a month
        if g["mon"].rstrip(".").lower() == "may" and not g.get("prep") and mod in ("", "this"):
            return None
        if pub is None:
            return None, "month"
        if mod == "last":
            y = pub.year if month < pub.month else pub.year - 1
        elif mod == "next":
            y = pub.year if month > pub.month else pub.year + 1
        elif mod == "this":
            y = pub.year
        else:
            y = _infer_month_year(month, pub)
        return date(y, month, 1), "month"

    if kind == "y":
        return date(int(g["year"] or 0), 1, 1), "year"

    if kind == "wd":
        target = _WEEKDAYS.index((g["wd"] or "").lower())
        if pub is None:
            return None, "day"
        if mod in ("next", "this coming", "coming"):
            delta = (target - pub.weekday()) % 7 or 7
            return pub + timedelta(days=delta), "day"
        if mod == "this":
            return _monday(pub) + timedelta(days=target), "day"
        back = (pub.weekday() - target) % 7
        if mod in ("last", "this past", "past") and back == 0:
            back = 7
        return pub - timedelta(days=back), "day"

    if kind == "day":
        if pub is None:
            return None, "day"
        word = re.sub(r"\s+", " ", (g.get("word") or "").lower())
        offset = {
            "the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
            "tomorrow": 1, "last night": -1,
        }.get(word, 0)
        return pub + timedelta(days=offset), "day"

    if kind == "week":
        if mod == "the" and (g.get("unit") or "").lower() == "week":
            return None  # "the week" alone ("the week before the vote") is not anchored
        if pub is None:
            return None, "week"
        monday = _monday(pub)
        if (g.get("unit") or "").lower() == "weekend":
            if mod == "next":
                monday += timedelta(days=7)
            elif mod in ("last", "the previous"):
                monday -= timedelta(days=7)
            elif mod in ("over the", "the") and pub.weekday() < 5:
                monday -= timedelta(days=7)  # the weekend just gone
            elif mod == "the following":
                monday += timedelta(days=7)
            return monday, "week"
        delta = {"last": -7, "the previous": -7, "next": 7, "the following": 7}.get(mod, 0)
        if mod == "over the":
            return None
        return monday + timedelta(days=delta), "week"

    if kind == "month":
        if pub is None:
            return None, "month"
        delta = {"last": -1, "the previous": -1, "next": 1}.get(mod, 0)
        y, m = _shift_month(pub.year, pub.month, delta)
        return date(y, m, 1), "month"

    if kind == "year":
        if pub is None:
            return None, "year"
        delta = {"last": -1, "the previous": -1, "next": 1}.get(mod, 0)
        return date(pub.year + delta, 1, 1), "year"

    if kind == "ago":
        n = _count(g.get("num") or "")
        unit = (g.get("unit") or "").lower()
        if n is None:
            return None
        if pub is None:
            return None, {"day": "day", "week": "week", "month": "month"}.get(unit, "year")  # type: ignore[return-value]
        try:
            if unit == "day":
                return pub - timedelta(days=n), "day"
            if unit == "week":
                return _monday(pub - timedelta(days=7 * n)), "week"
            if unit == "month":
                y, m = _shift_month(pub.year, pub.month, -n)
                return date(y, m, 1), "month"
            return date(pub.year - n, 1, 1), "year"
        except (ValueError, OverflowError):
            return None
    return None


#: Words that may follow a year ("in 2023 the port ..."); any other lowercase word makes the
#: number a count ("by 2000 people").
_AFTER_YEAR = frozenset(
    "the a an and or but nor to of in on at for from with by as is was were are be been will would"
    " could should can may might must has have had it its he she they we i you his her their our this"
    " that these those when while where which who whom after before until since then than if not no"
    " so also said says say told alone only already again".split()
)
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")


def _noun_follows(text: str, end: int) -> bool:
    m = _NEXT_WORD.match(text, end)
    return bool(m) and m.group(1) not in _AFTER_YEAR


#: Future markers: a plain weekday shortly after one of these is the coming one.
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|(?:is|are|was|were)\s+(?:due|expected|scheduled|set|going)\s+to"
    r"|plans?\s+to|is\s+to|are\s+to|scheduled\s+for|due\s+(?:on|by)|upcoming)\b|['’]ll\b",
    re.IGNORECASE,
)
#: What may stand between the future marker and the weekday: a few words, no clause break and
#: no reporting verb ("He will be missed, his wife said Tuesday" stays in the past).
_FUTURE_GAP_WORDS = 6
_FUTURE_BREAK = re.compile(
    r"[,;:.!?\"“”()]|\b(?:said|says|told|announced|added|stated|reported|wrote|confirmed"
    r"|according|that|which|who|when|after|before)\b",
    re.IGNORECASE,
)


def _future_before(text: str, start: int) -> bool:
    """A future marker a few words before ``start``, in the same clause."""
    window = text[max(0, start - 80):start]
    last = None
    for m in _FUTURE.finditer(window):
        last = m
    if last is None:
        return False
    gap = window[last.end():]
    return len(gap.split()) <= _FUTURE_GAP_WORDS and not _FUTURE_BREAK.search(gap)


def find_time_refs(text: str, published: date | str | None) -> list[TimeRef]:
    """All time expressions in ``text``, in order, without overlaps (the longest wins).

    ``published`` is the article's publication date (a ``date`` or an ISO string); relative
    expressions are resolved against it. Offsets are Python string offsets into ``text``.
    """
    pub = _as_date(published)
    found: list[tuple[int, int, str, dict[str, str | None]]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if m.end() > m.start():
                found.append((m.start(), m.end(), kind, m.groupdict()))
    # longest first, then earliest; keep a match only if it overlaps nothing kept
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    kept: list[TimeRef] = []
    taken = bytearray(len(text))  # 1 where a kept ref lies
    for start, end, kind, groups in found:
        if any(taken[start:end]):
            continue
        if kind == "y" and _noun_follows(text, end):
            continue  # "rose by 2000 people": a count, not a year
        try:
            resolved = _resolve(kind, groups, pub)
        except (ValueError, OverflowError):
            resolved = None
        if resolved is None:
            continue
        d, precision = resolved
        if kind == "wd" and d is not None and pub is not None and not groups.get("mod") \
                and _future_before(text, start):
            # "the council will vote on Friday": the next such day on or after publication
            d = pub + timedelta(days=(d.weekday() - pub.weekday()) % 7)
        prep = re.sub(r"\s+", " ", (groups.get("prep") or "").lower())
        relation: Relation = _RELATION.get(prep, "on")
        taken[start:end] = b"\x01" * (end - start)
        kept.append(TimeRef(start, end, text[start:end], d.isoformat() if d else None, precision, relation))
    kept.sort(key=lambda r: r.start)
    return kept


# --------------------------------------------------------------------------- statements

#: Words of a ref after the cue beyond which it dates the content, not the statement.
_MAX_GAP_WORDS = 8
_CLAUSE_BREAK = re.compile(r"\bthat\b|[\"“”«»]", re.IGNORECASE)


def statement_date(
    sentence_start: int,
    sentence_end: int,
    refs: list[TimeRef],
    published: date | str | None = None,
    cue_start: int | None = None,
    text: str | None = None,
) -> str | None:
    """The ISO date on which the statement in ``text[sentence_start:sentence_end]`` was made.

    Only refs inside the sentence with day precision, relation ``"on"`` and a date not after
    ``published`` (when given: a statement is made before it is reported) count. With
    ``cue_start`` (offset of the reporting verb, "said"), the ref nearest to the cue wins (after
    the cue on a tie: "said on Tuesday"); when ``text`` is also given, refs that more likely date
    the reported content are skipped: after the cue, one behind "that" or a quote mark or more
    than eight words away; before the cue, one separated from it by a comma or quote mark unless
    it opens the sentence ("On Tuesday, the ministry said ..." counts, "... arrived on Monday, the
    ministry said" does not). Without ``cue_start`` the first such ref in the sentence wins.
    None when no ref qualifies: the caller may fall back to the publication date.
    """
    pub = _as_date(published)
    candidates = [
        r for r in refs
        if sentence_start <= r.start and r.end <= sentence_end
        and r.date is not None and r.precision == "day" and r.relation == "on"
        and (pub is None or r.date <= pub.isoformat())
    ]
    if not candidates:
        return None
    if cue_start is None:
        return min(candidates, key=lambda r: r.start).date

    # The nearest plausible ref wins: refs are tried nearest first, and the tests that read the
    # text between a ref and the cue stop early, so that a long sentence with many refs and
    # many cues costs no more than its length for each cue.
    order = sorted(range(len(candidates)), key=lambda k: (_distance(candidates[k], cue_start), k))
    if text is None:
        return candidates[order[0]].date
    too_far = False  # a ref after the cue was already more than nine words away
    blocked = False  # a ref before the cue already had a comma or quote mark between
    for k in order:
        r = candidates[k]
        if r.start >= cue_start:
            if too_far or not _few_words(text, cue_start, r.start):
                too_far = True  # refs further on are further still
            elif not _CLAUSE_BREAK.search(text[cue_start:r.start]):
                return r.date
        elif r.end > cue_start or not blocked and not _BEFORE_BREAK.search(text, r.end, cue_start):
            return r.date  # (the cue inside the ref, r.end > cue_start, cannot happen with real cues)
        else:
            blocked = True  # refs further back hold the same break: only one opening the sentence counts
            if _opens(text, sentence_start, r.start):
                return r.date
    return None


_BEFORE_BREAK = re.compile(r"[,\"“”«»]")
_OPENING = re.compile(r"[ \t\n\"“”'‘’«»(]*")
_WORD = re.compile(r"\S+")


def _distance(r: TimeRef, cue_start: int) -> tuple[int, int]:
    if r.start >= cue_start:
        return r.start - cue_start, 0
    return max(0, cue_start - r.end), 1


def _few_words(text: str, start: int, end: int) -> bool:
    """At most nine words in ``text[start:end]`` (counted no further than the tenth)."""
    words = _WORD.finditer(text, start, end)
    return sum(1 for _ in islice(words, _MAX_GAP_WORDS + 2)) <= _MAX_GAP_WORDS + 1


def _opens(text: str, sentence_start: int, start: int) -> bool:
    """Nothing but spaces, quote marks and an opening bracket before ``start`` in its sentence."""
    return _OPENING.match(text, sentence_start, start).end() == start  # type: ignore[union-attr]
