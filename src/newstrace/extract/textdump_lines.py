"""Text-dump lines: split a dump into logical lines and rejoin hard-wrapped paragraphs.

Text browsers print one block (paragraph, list item, heading) per line unless told to wrap
at a fixed width (lynx's default 79 columns, ``w3m -cols 80``). A wrapped dump breaks a
block wherever the next word would not fit, so a line is a continuation of the line above
exactly when (a) the dump is wrapped, (b) the line above is near the wrap width, i.e. the
first word of this line would not have fitted on it, and (c) the indentation matches the
text column of the block above (for a bullet item, the column after the bullet marker).
``lynx -dump`` without ``-nolist`` also numbers links ("[12]Home") and lists their URLs under
"References"; the list is cut and the numbers removed (after unwrapping, as they take up
columns in the wrapped lines).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newstrace.extract.scripts import word_count

#: List markers printed by w3m (•, □, ☆, ◦), lynx (*, +, o, #, @) and others ("-", "1.").
_BULLET = re.compile(r"^(?:[•□☆◦▪‣·\*\+o#@\-–]|\d{1,3}\.)\s+(?=\S)")
#: A width is "the wrap width" when at least this share of long lines end within
#: _WRAP_SLACK columns of it. Calibrated on lynx/w3m dumps rewrapped at 64..100 columns:
#: wrapped dumps show 0.5-0.9, unwrapped naeb dumps below 0.2.
_WRAP_SHARE = 0.35
#: Columns a wrapped line may fall short of the width (long words push the break earlier).
_WRAP_SLACK = 18
#: Widths a text browser is plausibly set to wrap at.
_WRAP_MIN, _WRAP_MAX = 40, 132
#: Minimum number of lines near the width before a dump is treated as wrapped.
_WRAP_MIN_LINES = 8


#: A last word this long is one a browser cannot break (URLs); such lines say nothing of the width.
_UNBREAKABLE = 30
#: lynx without -nolist numbers every link "[12]text" and lists the URLs under "References".
_LINK_MARK = re.compile(r"\[\d{1,4}\]")
_REFERENCES = re.compile(r"^(?:References|Visible links)\s*$")
_REFERENCE_ROW = re.compile(r"^\s*\d{1,4}\.\s+\S+:")
#: Link markers per dump above which they are lynx's numbering, not text ("[1]" footnotes).
_LINK_MARKS_MIN = 5


@dataclass
class Line:
    """One logical line of a dump (wrapped continuations joined)."""

    text: str  # stripped text, bullet marker included
    indent: int  # leading spaces of the first physical line
    blank_before: bool  # a blank line separates it from the line above
    bullet: bool  # starts with a list marker
    number: int  # index of the first physical line in the dump


def _expand(raw: str) -> str:
    return raw.replace("\t", "    ").replace("\xa0", " ").rstrip()


def wrap_width(lines: list[str]) -> int | None:
    """The fixed width a dump was wrapped at, or None when it is not wrapped."""
    # a line ending in a word too long to break (a URL) may run past the width
    lengths = [len(s) for s in lines if len(s.strip()) > 20 and len(s.rsplit(" ", 1)[-1]) < _UNBREAKABLE]
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    width = max((n for n in lengths if n <= _WRAP_MAX), default=0)
    if width < _WRAP_MIN or max(lengths) > _WRAP_MAX:
        return None
    near = sum(1 for n in lengths if width - _WRAP_SLACK <= n <= width)
    if near < _WRAP_MIN_LINES or near / len(lengths) < _WRAP_SHARE:
        return None
    return width


def _text_column(raw: str) -> int:
    """Column where a line's text starts, after any bullet marker."""
    indent = len(raw) - len(raw.lstrip(" "))
    m = _BULLET.match(raw[indent:])
    return indent + (m.end() if m else 0)


def _continues(prev: str, cur: str, width: int) -> bool:
    """True when ``cur`` is the wrapped remainder of the block on ``prev``."""
    body = cur.lstrip(" ")
    if not body or not prev.strip():
        return False
    indent = len(cur) - len(body)
    if _BULLET.match(body) and indent <= _text_column(prev) - 2:
        return False
    if indent != _text_column(prev) and indent != len(prev) - len(prev.lstrip(" ")):
        return False
    first_word = body.split(" ", 1)[0]
    return len(prev) + 1 + len(first_word) > width


def _drop_link_list(raw: list[str]) -> list[str]:
    """Remove lynx's numbered link list (``lynx -dump`` without -nolist)."""
    for i in range(len(raw) - 1, -1, -1):
        if _REFERENCES.match(raw[i].strip()) and any(_REFERENCE_ROW.match(r) for r in raw[i + 1 : i + 4]):
            return raw[:i]
    return raw


def _drop_link_marks(lines: list[Line]) -> list[Line]:
    """Remove lynx's "[12]" link numbers (after unwrapping: they count in the wrap width)."""
    if sum(len(_LINK_MARK.findall(ln.text)) for ln in lines) < _LINK_MARKS_MIN:
        return lines
    out = []
    for ln in lines:
        ln.text = re.sub(r"\s{2,}", " ", _LINK_MARK.sub("", ln.text)).strip()
        ln.bullet = bool(_BULLET.match(ln.text))
        if ln.text:
            out.append(ln)
    return out


def split_lines(text: str, max_lines: int | None = None) -> list[Line]:
    """Logical non-blank lines of a dump, with wrapped blocks rejoined; the first ``max_lines``
    of them when that is given."""
    raw = [_expand(s) for s in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    width = wrap_width(raw)
    raw = _drop_link_list(raw)
    out: list[Line] = []
    parts: list[list[str]] = []  # the pieces of each line, joined once at the end (linear time)
    prev_raw = ""
    blank = True
    for number, cur in enumerate(raw):
        body = cur.strip()
        if not body:
            blank, prev_raw = True, ""
            continue
        if width and out and not blank and _continues(prev_raw, cur, width):
            # a break after a hyphen is inside a compound ("well-known"): no space
            hyphen = parts[-1][-1].endswith("-") and body[:1].islower()
            parts[-1].append(body if hyphen else " " + body)
        else:
            if max_lines is not None and len(out) == max_lines:
                break
            indent = len(cur) - len(cur.lstrip(" "))
            out.append(Line(body, indent, blank, bool(_BULLET.match(body)), number))
            parts.append([body])
        prev_raw, blank = cur, False
    for ln, pieces in zip(out, parts, strict=True):
        if len(pieces) > 1:
            ln.text = "".join(pieces)
    return _drop_link_marks(out)


def strip_bullet(text: str) -> str:
    """A line's text without its list marker."""
    return _BULLET.sub("", text, count=1)


def indent_mode(lines: list[Line], min_words: int = 12) -> int:
    """The indentation most long lines share: the body column of the dump."""
    c = Counter(ln.indent for ln in lines if word_count(ln.text) >= min_words and not ln.bullet)
    return c.most_common(1)[0][0] if c else 0
