"""The JSON-LD objects of a page: every ``<script type="application/ld+json">`` block, parsed,
with ``@graph`` members flattened in.

Blocks are hostile input like the rest of the page: one too large is skipped, one nested
deeper than the interpreter's stack (``[[[[...`` a thousand deep) is skipped instead of
raising RecursionError, and the flattening walks at most _MAX_JSON_LD_DEPTH levels.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

__all__ = ["json_ld"]

#: JSON-LD blocks larger than this are data dumps, not page metadata; skip them.
_MAX_JSON_LD_CHARS = 2_000_000
#: Levels of lists and ``@graph`` members read into a JSON-LD block. Real pages put the
#: article object at most 3 levels down ([{"@graph": [...]}]); deeper nesting is hostile.
_MAX_JSON_LD_DEPTH = 16


def _flatten(obj: Any, out: list[dict[str, Any]]) -> None:
    """Append the objects of a JSON-LD value to ``out`` in document order: the value's own
    objects, members of lists and ``@graph`` members, at most _MAX_JSON_LD_DEPTH levels down
    (iterative: a hostile block nests lists a thousand deep)."""
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_JSON_LD_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((member, depth + 1) for member in reversed(item))
        elif isinstance(item, dict):
            out.append(item)
            if isinstance(item.get("@graph"), (list, dict)):
                stack.append((item["@graph"], depth + 1))


def json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects of the page, ``@graph`` members flattened in."""
    out: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw or len(raw) > _MAX_JSON_LD_CHARS:
            continue
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw)
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the interpreter's stack
            continue
        _flatten(data, out)
    return out
