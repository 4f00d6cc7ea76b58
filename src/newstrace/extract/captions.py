"""Image captions of an HTML page, with the picture credit split off.

Written by hand: trafilatura drops or inlines captions and has no notion of a credit.
A caption is a ``<figcaption>`` (or an element whose class says caption); the credit is a
child element whose class says credit/copyright/source, else a trailing pattern such as
``(AP Photo/Jane Doe)``, ``[YONHAP]``, ``Credit: ...`` or ``Photo: ...``.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from newstrace.extract import patterns as pt
from newstrace.extract.metadata import squeeze
from newstrace.models import Caption

_CAPTION_XPATH = (
    ".//figcaption|.//*[contains(@class,'cap') or contains(@class,'Cap')][not(ancestor::figcaption)]"
    "[not(self::script or self::style or self::img or self::body or self::html or self::article or self::main)]"
)
#: A picture followed by a line of text in the same block: an unmarked caption when the text
#: carries a credit ("<img><br><i>Crowds at the pier.</i> (Jane Doe/Example)").
_IMG_PARENT_XPATH = ".//body//img/parent::*[self::p or self::div or self::td or self::center]"
_CREDIT_CLASS = re.compile(r"credit|copyright|source|attribution|byline|photographer", re.I)
#: Caption elements read at most: a gallery page lists hundreds, the article's are near the top.
_MAX_CAPTIONS = 60
#: Longest unmarked caption (text beside a picture); longer blocks are body paragraphs.
_MAX_UNMARKED_CHARS = 300
#: Longest caption text kept; longer "caption" elements are layout boxes, not captions.
_MAX_CAPTION_CHARS = 600


def split_credit(text: str) -> tuple[str, str | None]:
    """("Crowds at the rally.", "AP Photo/Jane Doe") from "Crowds at the rally. (AP Photo/Jane Doe)"."""
    text = squeeze(text)
    if pt.CREDIT_ONLY.match(text) and len(text) < 80:
        return "", re.sub(r"^(?:photo(?:graph)?s?|image|picture|credit|courtesy|foto)\s*[:|]\s*", "", text,
                          flags=re.I).strip() or None
    for pattern in pt.CREDIT_PATTERNS:
        m = pattern.search(text)
        if m and m.start() > 0:
            return text[: m.start()].strip(), clean_credit(m.group("credit"))
    return text, None


def clean_credit(credit: str) -> str | None:
    """"Lena Ortiz/Example" from "(Photo: Lena Ortiz/Example)"."""
    credit = squeeze(credit).strip("()[] ")
    credit = re.sub(r"^(?:photo(?:graph)?|image|picture|credit|source|foto)s?\s*(?:credit)?\s*[:|]\s*", "", credit,
                    flags=re.I)
    return credit.strip(" .") or None


def _credit_child(el: HtmlElement) -> tuple[str, str | None]:
    """Caption text and credit where the page marks the credit with its own element."""
    for child in el.iter():
        if child is el or not isinstance(child.tag, str):
            continue
        if _CREDIT_CLASS.search(child.get("class", "") + " " + child.get("itemprop", "")):
            credit = squeeze(child.text_content())
            full = squeeze(el.text_content())
            if credit and credit in full:
                text = squeeze(full.replace(credit, " ", 1))
                return text, clean_credit(credit)
    return split_credit(el.text_content())


def _candidates(tree: HtmlElement) -> list[tuple[HtmlElement, bool]]:
    """(element, needs_credit) pairs: marked captions, then blocks holding a picture."""
    marked = [(el, False) for el in tree.xpath(_CAPTION_XPATH)
              if el.tag == "figcaption" or pt.CAPTION_CLASS.search(el.get("class", ""))]
    return marked + [(el, True) for el in tree.xpath(_IMG_PARENT_XPATH)]


def extract_captions(tree: HtmlElement) -> list[Caption]:
    """Captions of the page, marked ones first, each once."""
    out: list[Caption] = []
    seen: set[str] = set()
    for el, needs_credit in _candidates(tree)[:_MAX_CAPTIONS]:
        full = squeeze(el.text_content())
        if not full or len(full) > _MAX_CAPTION_CHARS or full in seen:
            continue
        if any(full in s for s in seen):  # a caption class nested in a figcaption seen already
            continue
        text, credit = _credit_child(el)
        if needs_credit and not (credit and text and len(full) <= _MAX_UNMARKED_CHARS):
            continue
        seen.add(full)
        if text or credit:
            out.append(Caption(text=text, credit=credit))
    return out


def caption_lines(captions: list[Caption]) -> set[str]:
    """Normalised strings whose appearance as a body line means the line is a caption."""
    keys: set[str] = set()
    for cap in captions:
        for piece in (cap.text, cap.credit, f"{cap.text} {cap.credit or ''}"):
            key = line_key(piece or "")
            if key:
                keys.add(key)
    return keys


def line_key(text: str) -> str:
    """A line reduced to its lower-case word characters, for comparisons."""
    return " ".join(re.findall(r"\w+", text.casefold()))
