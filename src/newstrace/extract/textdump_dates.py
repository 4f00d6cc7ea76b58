"""Publication dates printed in a dump's dateline or byline lines.

Regular expressions find date-shaped substrings ("Dec 22, 2023", "22 December 2023",
"2023-12-22", "12/22/23") and a small parser turns them into ISO dates. dateparser is
not used here: at about a millisecond a call it would dominate the extractor's time, and
on free text it reads dates into words ("may", "sun").
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_PATTERNS = [
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)?\d\d)\b"),
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b"),
]
#: Lines saying a date is an update; their date is used only when no other date is printed.
_UPDATED = re.compile(r"(?i)\b(?:updated|modified|last edited)\b")
#: Lines longer than this are prose, not datelines; a date in them is the story's, not the page's.
MAX_DATELINE = 200


def _to_iso(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    try:
        year = int(g["y"])
        if year < 100:
            year += 2000
        month = _MONTHS[g["mon"][:3].lower()] if g.get("mon") else int(g["m"])
        day = int(g["d"])
        if month > 12 and day <= 12:  # a day-first slash date (22/12/2023)
            month, day = day, month
        return date(year, month, day).isoformat()
    except (ValueError, KeyError):
        return None


def date_in(text: str) -> str | None:
    """The first date printed in one line, as YYYY-MM-DD."""
    if len(text) > MAX_DATELINE:
        return None
    best: tuple[int, str] | None = None
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            iso = _to_iso(m)
            if iso and (best is None or m.start() < best[0]):
                best = (m.start(), iso)
    return best[1] if best else None


def find_date(lines: list[str]) -> str | None:
    """The publication date among dateline/byline lines: first non-"updated" date wins."""
    fallback = None
    for text in lines:
        iso = date_in(text)
        if iso is None:
            continue
        if _UPDATED.search(text) and not re.search(r"(?i)published|posted", text):
            fallback = fallback or iso
            continue
        return iso
    return fallback
