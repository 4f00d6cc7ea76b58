"""Guards against hostile pages: bounds on what the HTML parser and the libraries are handed.

Pages are hostile input. A page may be built to make a parser or a library slow or make it
fail in a way it does not document; extraction must neither stall nor raise anything but a
newstrace error. What is bounded here, and why:

- page size: an HTML page is read up to MAX_HTML_CHARS characters, a text dump up to
  MAX_DUMP_CHARS characters and MAX_DUMP_LINES lines, each several times the largest of the
  development pages; what lies beyond is not a news article's page.
- elements: trafilatura's time grows faster than the number of elements (10,000 paragraphs
  0.8 s, 40,000 11 s, 160,000 220 s), so the tree it and the metadata readers get is cut after
  MAX_ELEMENTS elements in document order.
- children per element: libxml2 sorts XPath results into document order by walking the
  siblings of two text nodes with the same parent, so ``//p//text()`` (trafilatura runs it)
  is quadratic in the text runs of one element: a ``<p>`` of 30,000 ``<b>`` took 18 s once
  trafilatura had stripped the ``<b>`` tags. An element keeps its first MAX_CHILDREN children.
- attributes per tag: libxml2 checks each new attribute of a tag against those already
  read, and lxml's ``attrib.items()`` walks them again for each one, so both are quadratic in
  a tag's attribute count (a ``<div>`` with 40,000 attributes took 20 s to parse and 20 s to
  list). A tag keeps its first MAX_ATTRIBUTES attributes.
- nesting: libxml2 stops building the tree 256 levels deep and drops what is deeper, so a
  story nested that deep is lost; :func:`nested_too_deep` tells it from a page of navigation.
- library calls: trafilatura and htmldate walk and edit the tree in Python and assume a
  well-formed document (an ``<svg>`` root trips an ``assert`` in lxml's ``drop_tree``);
  their failures on a hostile tree are caught (LIBRARY_ERRORS) and cost that library's
  answer, not the article.
"""

from __future__ import annotations

import bisect
import itertools
import re

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

__all__ = ["LIBRARY_ERRORS", "as_document", "bound_page", "bound_tree", "limit_attributes", "limit_elements",
           "nested_too_deep"]

#: The development pages (naeb, dragnet and htmldate sets, 2,800 pages from 2012-2023, see
#: ../shared/data/README.md) set these bounds: the largest page is 2.9 MB (p99 1 MB) and
#: holds 10,476 elements (p99 3,800); the largest text dump is 464 KB (p99 82 KB) in 2,787
#: lines (p99 1,030), and its story ends by line 2,435 (p99 794).
#: Characters of an HTML page parsed: 3.4 times the largest page. Parsing costs about a second
#: and 170 MB per 5 MB of small elements, so this also bounds the parser's time and memory.
MAX_HTML_CHARS = 10_000_000
#: Elements of a parsed page kept, in document order: 3 times the largest page.
MAX_ELEMENTS = 30_000
#: Elements of the ``<head>`` kept (the most on a development page: 313; p99 160), so that a
#: head stuffed with meta tags does not use up MAX_ELEMENTS before the body.
MAX_HEAD_ELEMENTS = 5_000
#: Children of one element kept: 2.7 times the most seen (1,837, a ``<span>``; p99 273). At
#: this bound a tree of MAX_ELEMENTS elements in crowded paragraphs extracts in 1.5 s.
MAX_CHILDREN = 5_000
#: Characters and logical lines of a text dump read: 10 times the largest dump.
MAX_DUMP_CHARS = 5_000_000
MAX_DUMP_LINES = 30_000
#: Most attributes read from one tag. Real tags carry few (p99 of the largest per page: 28;
#: the most seen, 151); the extractor reads a handful (class, id, itemprop, rel, href,
#: content ...). 256 keeps every real tag whole.
MAX_ATTRIBUTES = 256
#: Shortest tag that can hold more than MAX_ATTRIBUTES attributes (one letter, one space
#: each): only tags this long are looked at, so a normal page costs one regex scan.
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{2 * MAX_ATTRIBUTES},}}>?")
#: One attribute in a start tag: its name and an optional quoted or bare value.
_ATTRIBUTE = re.compile(r"""[\s/]*[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?""")
#: The element name at the start of a tag.
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/>]*")
#: libxml2's nesting limit (without its "huge" option, which lifts all its safety limits).
PARSER_MAX_DEPTH = 256

#: What trafilatura, htmldate and lxml raise on trees they do not expect: their own
#: value/type errors, lxml's errors, and the assertions, index and attribute errors of code
#: written for well-formed pages. RecursionError: their tree walks recurse in Python.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, TypeError, AssertionError, IndexError, KeyError, AttributeError, RecursionError, etree.LxmlError,
)


def _trim_tag(m: re.Match[str]) -> str:
    """A long start tag cut after its MAX_ATTRIBUTES-th attribute; anything that does not
    read as a run of attributes (text after a stray "<") is left as it is."""
    tag = m.group(0)
    name = _TAG_NAME.match(tag)
    if name is None:
        return tag
    pos = name.end()
    for _ in range(MAX_ATTRIBUTES):
        attr = _ATTRIBUTE.match(tag, pos)
        if attr is None or not attr.group(0):
            return tag
        pos = attr.end()
    if not _ATTRIBUTE.match(tag, pos):
        return tag  # no more attributes than the limit
    return tag[:pos] + (">" if tag.endswith(">") else "")


def limit_attributes(html: str) -> str:
    """The page with every start tag cut to its first MAX_ATTRIBUTES attributes (linear time).

    What the HTML parser reads as a tag is cut: "<" and a letter starts one anywhere but in
    the raw text of ``<script>`` and ``<style>`` (JSON-LD among it), which is left as it is.
    Long tags are common (SVG paths, inline data); only those with enough separators to hold
    more than MAX_ATTRIBUTES attributes are read attribute by attribute.
    """
    pieces: list[str] = []
    last = 0
    raw: list[tuple[int, int]] | None = None
    for m in _LONG_TAG.finditer(html):
        tag = m.group(0)
        if sum(tag.count(c) for c in _SEPARATORS) < MAX_ATTRIBUTES:
            continue
        cut = _trim_tag(m)
        if cut == tag:
            continue
        raw = _raw_text_spans(html) if raw is None else raw
        i = bisect.bisect_right(raw, (m.start(), len(html))) - 1
        if i >= 0 and m.start() < raw[i][1]:
            continue
        pieces += [html[last : m.start()], cut]
        last = m.end()
    return "".join(pieces) + html[last:] if pieces else html


#: What separates attributes: each attribute past the first follows one of these.
_SEPARATORS = (" ", "\t", "\n", "\r", "\f", "/", "'", '"')
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^<>]*>", re.I)
_RAW_TEXT_CLOSE = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}


def _raw_text_spans(html: str) -> list[tuple[int, int]]:
    """(start, end) of the content of each ``<script>`` and ``<style>`` element, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _RAW_TEXT_OPEN.search(html, pos)) is not None:
        close = _RAW_TEXT_CLOSE[m.group(1).lower()].search(html, m.end())
        end = close.start() if close else len(html)
        spans.append((m.end(), end))
        pos = max(end, m.end())
    return spans


def bound_page(html: str) -> str:
    """The page as the parser should get it: at most MAX_HTML_CHARS characters, and no tag
    with more than MAX_ATTRIBUTES attributes."""
    return limit_attributes(html[:MAX_HTML_CHARS])


def bound_tree(tree: HtmlElement) -> tuple[HtmlElement, bool]:
    """The parsed page as the extractor and the libraries should get it: under an ``<html>``
    root, with at most MAX_HEAD_ELEMENTS elements in its head, MAX_ELEMENTS in all and
    MAX_CHILDREN children to an element; and whether anything was cut. (A page of fewer
    elements than MAX_CHILDREN, nearly all, costs one count.)"""
    tree = as_document(tree)
    elements = int(tree.xpath("count(//*)"))
    if elements <= min(MAX_CHILDREN, MAX_HEAD_ELEMENTS, MAX_ELEMENTS):
        return tree, False
    cut = False
    head = tree.find("head")
    if head is not None and head.xpath("count(.//*)") > MAX_HEAD_ELEMENTS:
        cut = limit_elements(head, MAX_HEAD_ELEMENTS)
    if elements > MAX_ELEMENTS:
        cut = limit_elements(tree, MAX_ELEMENTS) or cut
    for el in tree.xpath(f"//*[count(*) > {MAX_CHILDREN}]"):
        del el[MAX_CHILDREN:]
        cut = True
    return tree, cut


def limit_elements(root: HtmlElement, limit: int) -> bool:
    """Cut the subtree of ``root`` after its first ``limit`` elements in document order (in
    place; comments and processing instructions not counted); True when something was cut."""
    beyond = next(itertools.islice(root.iter(etree.Element), limit, None), None)
    if beyond is None:
        return False
    # everything after ``beyond`` in ``root``: the following siblings of it and of each of its
    # ancestors up to ``root``; then ``beyond`` itself, with its subtree
    node = beyond
    while node is not root and (parent := node.getparent()) is not None:
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent
    parent = beyond.getparent()
    if parent is not None:
        parent.remove(beyond)
    return True


def as_document(tree: HtmlElement) -> HtmlElement:
    """The tree under an ``<html>`` root: a fragment whose root is another element (``<svg>``,
    ``<p>``) is moved into the body of a parsed empty document (an ``<html>`` element made by
    hand is not the root XPath's "//" starts from), as the libraries edit the tree assuming
    every element but the root has a parent."""
    if tree.tag == "html":
        return tree
    root = lxml_html.document_fromstring("<html><head></head><body></body></html>")
    root.find("body").append(tree)
    return root


def nested_too_deep(tree: HtmlElement) -> bool:
    """True when the tree reaches the parser's nesting limit (so content below it was dropped)."""
    return bool(tree.xpath(f"boolean(//*[count(ancestor::*) >= {PARSER_MAX_DEPTH - 1}])"))
