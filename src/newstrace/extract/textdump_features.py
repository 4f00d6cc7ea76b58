"""Features of text-dump lines for the body classifier.

Each logical line gets a vector of what plain text carries: its own shape (length, sentence
punctuation, capitalisation, stopwords, bullets, widget phrases), repetition elsewhere in
the dump, position, and the same properties smoothed over its neighbours, because body
paragraphs come in a run of long prose lines while menus come in runs of short ones.
Shared by the extractor and by ``scripts/train_textdump.py`` so both see the same vector.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter

import numpy as np

from newstrace.extract import textdump_patterns as pat
from newstrace.extract.scripts import has_unspaced, word_count
from newstrace.extract.textdump_lines import Line, indent_mode, strip_bullet

_WORD = re.compile(r"\w+", re.U)
#: Sentence ends: Latin and Cyrillic ".!?", the ideographic full stop and full-width marks
#: (Chinese, Japanese), the Arabic question mark and the Devanagari danda, with closing
#: quotes and brackets after them.
_SENT_END = re.compile(r"[.!?…。！？؟।][\"'”’)\]」』）]*(?:\s|$)")
#: A sentence end followed by another sentence: an upper-case letter or digit after
#: ". " (any cased script), or any text after an ideographic full stop (no space there).
_SENT_INSIDE = re.compile(r"[.!?][\"'”’)]?\s+[\"“‘'(«]?(?P<next>\w)|[。！？][」』）]*(?P<cjk>\S)")
_DATE_LIKE = re.compile(
    r"\b(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d{1,2}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"|\d+\s*(?:min|mins|minutes|hours?|hrs?|days?)\s+ago|updated|published)\b",
    re.I,
)
#: A line of this many words that ends like a sentence counts as "prose" for the
#: neighbourhood features; 12 words separates paragraphs from headlines and menu items.
PROSE_WORDS = 12
#: Neighbourhood radii (lines) for the smoothed features.
NEAR, FAR = 3, 10

FEATURES = [
    "log_chars", "log_words", "avg_word_len", "end_sentence", "end_colon", "sent_inside",
    "cap_share", "stop_share", "digit_share", "alpha_share", "upper_share", "bullet", "indent_rel",
    "indent_zero", "widget_line", "widget_phrase", "credit_tail", "credit_line", "byline", "date_like",
    "email", "starts_lower", "starts_quote", "has_sep", "related_leadin", "dup_count", "dup_near",
    "blank_before", "blank_after", "rel_pos", "prose", "prose_near", "prose_far", "len_near",
    "len_far", "bullet_near", "widget_near", "prose_cdf", "prose_cdf_rev", "dist_prose",
    "prev_prose", "next_prose", "prev_bullet", "next_bullet", "prev_len", "next_len",
    "title_sim", "after_title", "dist_title", "prose_fwd", "prose_back", "dist_next_prose",
    "first_sim", "prefix_of_other",
]


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


#: Lines longer than this are never widgets, bylines, datelines or breadcrumbs; the
#: phrase patterns are only run on shorter lines (most of the extractor's time is regex).
SHORT = 80
#: Only the end of a line is searched for a caption credit ("... [YONHAP]").
CREDIT_SPAN = 120


def _normed(lines: list[Line]) -> list[str]:
    return [_norm(strip_bullet(ln.text) if ln.bullet else ln.text) for ln in lines]


def _own(ln: Line, body_indent: int, count: int) -> list[float]:
    """Features of a line by itself."""
    t = strip_bullet(ln.text) if ln.bullet else ln.text
    words = t.split()
    # word_count == len(words) unless the line holds a script written without spaces
    nw = max(word_count(t) if has_unspaced(t) else len(words), 1)
    nt = max(len(t), 1)
    toks = _WORD.findall(t)
    letters = sum(map(str.isalpha, t))
    short = len(t) < SHORT
    return [
        math.log1p(len(t)),
        math.log1p(nw if words else 0),
        (len(t) - nw + 1) / nw,
        float(bool(_SENT_END.search(t[-3:] + " "))),
        float(t.endswith((":", "："))),
        float(_sentences_inside(t)),
        sum(1 for w in words if w[:1].isupper()) / nw,
        sum(1 for w in toks if w.lower() in pat.EN_STOPWORDS) / max(len(toks), 1),
        sum(map(str.isdigit, t)) / nt,
        letters / nt,
        sum(map(str.isupper, t)) / max(letters, 1),
        float(ln.bullet),
        float(min(abs(ln.indent - body_indent), 10)),
        float(ln.indent == 0),
        float(short and bool(pat.WIDGET_LINE.match(t))),
        float((short or "©" in t) and bool(pat.WIDGET_PHRASE.search(t))),
        float(len(t) <= 400 and bool(pat.CREDIT_TAIL.search(t[-CREDIT_SPAN:]))),
        float(short and bool(pat.CREDIT_LINE.match(t))),
        float(short and bool(pat.BYLINE.match(t))),
        float(short and bool(_DATE_LIKE.search(t))),
        float("@" in t and bool(pat.EMAIL.search(t))),
        float(t[:1].islower()),
        float(t[:1] in "\"“‘'"),
        float(short and bool(pat.BREADCRUMB_SEP.search(t))),
        float(short and bool(pat.RELATED_LEADIN.match(t))),
        float(min(count - 1, 3)),
        0.0,  # dup_near, filled by the caller
    ]


def _sentences_inside(text: str) -> int:
    """Sentence breaks inside a line: the next sentence starts with a capital or a digit in a
    cased script, with any letter in a script without case (Arabic, Hangul ...), or anywhere
    after an ideographic full stop."""
    count = 0
    for m in _SENT_INSIDE.finditer(text):
        nxt = m.group("next")
        if m.group("cjk") or nxt.isdigit() or nxt.isupper() or (nxt.isalpha() and not nxt.islower()):
            count += 1
    return count


def _smooth(x: np.ndarray, radius: int) -> np.ndarray:
    """Mean of x over a window of ±radius lines (the line itself excluded)."""
    n = len(x)
    c = np.concatenate([[0.0], np.cumsum(x)])
    lo = np.clip(np.arange(n) - radius, 0, n)
    hi = np.clip(np.arange(n) + radius + 1, 0, n)
    total = c[hi] - c[lo] - x
    return total / np.maximum(hi - lo - 1, 1)


def _dist_to(mask: np.ndarray) -> np.ndarray:
    """Distance in lines to the nearest line where mask is true (capped)."""
    n = len(mask)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return np.full(n, 50.0)
    pos = np.arange(n)
    j = np.clip(np.searchsorted(idx, pos), 0, len(idx) - 1)
    jm = np.clip(j - 1, 0, len(idx) - 1)
    d = np.minimum(np.abs(idx[j] - pos), np.abs(idx[jm] - pos))
    return np.minimum(d, 50).astype(float)


def _directional(x: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of x over the next and over the previous ``radius`` lines."""
    n = len(x)
    c = np.concatenate([[0.0], np.cumsum(x)])
    pos = np.arange(n)
    hi = np.minimum(pos + 1 + radius, n)
    lo = np.maximum(pos - radius, 0)
    fwd = (c[hi] - c[pos + 1]) / np.maximum(hi - pos - 1, 1)
    back = (c[pos] - c[lo]) / np.maximum(pos - lo, 1)
    return fwd, back


def _dist_next(mask: np.ndarray) -> np.ndarray:
    """Lines to the next line after this one where mask is true (capped at 50)."""
    out = np.full(len(mask), 50.0)
    nxt = None
    for i in range(len(mask) - 1, -1, -1):
        if nxt is not None:
            out[i] = min(nxt - i, 50)
        if mask[i]:
            nxt = i
    return out


def _prefix_of_other(normed: list[str]) -> np.ndarray:
    """1 where another line is this line plus a suffix (a "Headline | Site" title bar).

    The lines that start with ``t + " "`` sit together in sorted order, right where
    ``t + " "`` would be inserted, so one binary search per line answers it (comparing each
    line with every line sharing its first word was quadratic on dumps of similar lines).
    """
    ordered = sorted(set(normed))
    out = np.zeros(len(normed))
    for i, t in enumerate(normed):
        if len(t) >= 15:
            prefix = t + " "
            j = bisect.bisect_left(ordered, prefix)
            out[i] = float(j < len(ordered) and ordered[j].startswith(prefix))
    return out


#: Lines farther than this from the reference line get similarity 0 (dist_title is capped
#: at the same distance, and a headline's echo is never that far away).
SIM_RADIUS = 100


def _title_similarity(normed: list[str], ref_index: int) -> np.ndarray:
    """Token Jaccard similarity of each line with line ``ref_index`` (within SIM_RADIUS)."""
    out = np.zeros(len(normed))
    ref = set(normed[ref_index].split())
    if not ref:
        return out
    for i in range(max(0, ref_index - SIM_RADIUS), min(len(normed), ref_index + SIM_RADIUS + 1)):
        toks = set(normed[i].split())
        if toks and not toks.isdisjoint(ref):
            out[i] = len(toks & ref) / len(toks | ref)
    return out


#: Columns that depend on which line is the title; filled by :func:`with_title`.
TITLE_COLUMNS = [FEATURES.index(f) for f in ("title_sim", "after_title", "dist_title")]


def with_title(base: np.ndarray, lines: list[Line], title_index: int | None) -> np.ndarray:
    """The feature matrix with the title-relative columns set for ``title_index``."""
    x = base.copy()
    n = len(lines)
    if title_index is None or not n:
        return x
    pos = np.arange(n)
    x[:, TITLE_COLUMNS[0]] = _title_similarity(_normed(lines), title_index)
    x[:, TITLE_COLUMNS[1]] = (pos > title_index).astype(float)
    x[:, TITLE_COLUMNS[2]] = np.minimum(np.abs(pos - title_index), 100.0)
    return x


def line_features(lines: list[Line]) -> np.ndarray:
    """Feature matrix (lines × FEATURES) for the logical lines of one dump, no title known."""
    n = len(lines)
    if not n:
        return np.zeros((0, len(FEATURES)))
    body_indent = indent_mode(lines)
    normed = _normed(lines)
    counts = Counter(normed)
    own = np.array([_own(ln, body_indent, counts[k]) for ln, k in zip(lines, normed)])
    dup = own[:, FEATURES.index("dup_count")] > 0
    near_dup = np.zeros(n)
    for i in np.flatnonzero(dup):
        window = normed[max(0, i - 3) : i] + normed[i + 1 : i + 4]
        near_dup[i] = float(normed[i] in window)
    own[:, FEATURES.index("dup_near")] = near_dup
    nwords = np.exp(own[:, 1]) - 1
    prose = ((nwords >= PROSE_WORDS) & (own[:, 3] > 0)).astype(float)
    loglen = own[:, 0]
    bullet = own[:, FEATURES.index("bullet")]
    widget = np.maximum(own[:, FEATURES.index("widget_line")], own[:, FEATURES.index("widget_phrase")])
    blank = np.array([float(ln.blank_before) for ln in lines])
    blank_after = np.concatenate([blank[1:], [1.0]])
    chars = np.exp(loglen) * prose
    cdf = np.cumsum(chars) / max(chars.sum(), 1.0)
    cdf_rev = np.cumsum(chars[::-1])[::-1] / max(chars.sum(), 1.0)
    shift_prev = lambda x: np.concatenate([[0.0], x[:-1]])  # noqa: E731
    shift_next = lambda x: np.concatenate([x[1:], [0.0]])  # noqa: E731
    pos = np.arange(n)
    ctx = np.column_stack([
        blank, blank_after, pos / max(n - 1, 1), prose,
        _smooth(prose, NEAR), _smooth(prose, FAR), _smooth(loglen, NEAR), _smooth(loglen, FAR),
        _smooth(bullet, NEAR), _smooth(widget, NEAR), cdf, cdf_rev, _dist_to(prose > 0),
        shift_prev(prose), shift_next(prose), shift_prev(bullet), shift_next(bullet),
        shift_prev(loglen), shift_next(loglen),
        np.zeros(n), np.zeros(n), np.full(n, 100.0),  # title columns, see with_title
        *_directional(prose, FAR), _dist_next(prose > 0),
        _title_similarity(normed, 0), _prefix_of_other(normed),
    ])
    return np.hstack([own, ctx])
