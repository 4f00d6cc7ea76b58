"""Figures: how a number reported repeatedly in a story moved over time.

:func:`figures` takes every claim of a story with where it was printed and groups their
quantities that count the same thing (:func:`~newstrace.analyse.quantities.same_quantity`)
*and* are about the same event: besides the counted noun, the words around the two numbers
must share a content word (so "11 people treated" and "40 people evacuated" stay apart),
unless both numbers sit in one claim ("about 120 people had been evacuated; a residents'
group put the number at up to 300"), which links them outright. A figure is a group reported
at least :data:`MIN_REPORTS` times; its values come in date order (the claim's date, else
the article's publication date; undated last).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass

from newstrace.analyse.quantities import _key, find_quantities, quantity_key as _same_key
from newstrace.link.claimgroups import _STOP, stem
from newstrace.models import Article, Claim, Figure, FigureValue, Quantity

#: Reports (quantity mentions) a group needs to be a figure.
MIN_REPORTS = 2
#: Words after a number read as its context.
CONTEXT_WORDS = 8
#: Longest attribution sentence (source, cue, content) scanned for quantities outside the
#: content, in characters.
SENTENCE_CHARS = 400

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


@dataclass
class _Mention:
    q: Quantity
    claim_key: tuple[int, int]
    context: set[str]
    value: FigureValue


def _context(text: str, q: Quantity, offset: int) -> set[str]:
    """Content words in the :data:`CONTEXT_WORDS` words after the quantity (what the counted
    things did: "were evacuated", "were treated"), the counted noun out. Words before the
    number were tried and join hospital counts to evacuation counts on the sample."""
    end = q.end - offset
    after = _WORD.findall(text[max(0, end) :])[:CONTEXT_WORDS]
    counted = {stem(w) for w in _WORD.findall(q.counted or "")}
    return {stem(w) for w in after if w.lower() not in _STOP and len(w) > 2} - counted


def _claim_quantities(claim: Claim, text: str) -> list[tuple[Quantity, set[str]]]:
    """The claim's quantities with their context words, plus the counted quantities of its
    attribution sentence outside its content: "reading out the association's count: 296
    people, in 131 households, who say they left their homes" attributes "296 people" to the
    claim's source though the content is only "they left their homes"."""
    out = []
    for q in claim.quantities:
        if not q.counted:
            continue
        # the content span holding the quantity, for its context words
        span = next((s for s in claim.content if s.start <= q.start and q.end <= s.end), None)
        out.append((q, _context(span.text, q, span.start) if span else set()))
    if not claim.content or not text:
        return out
    starts = [claim.cue.start, *(c.start for c in claim.content)]
    if claim.source is not None:
        starts.append(claim.source.start)
    lo = max(0, min(starts))
    hi = max(c.end for c in claim.content)
    if hi - lo > SENTENCE_CHARS or "\n\n" in text[lo:hi]:
        return out
    lo = max(text.rfind(". ", 0, lo) + 2, text.rfind("\n\n", 0, lo) + 2, lo - SENTENCE_CHARS // 2, 0)
    window = text[lo:hi]
    if "\n\n" in window:
        return out
    for q in find_quantities(window):
        q.start += lo
        q.end += lo
        if not q.counted or any(c.start <= q.start < c.end for c in claim.content):
            continue
        if any(o.start <= q.start < o.end for o, _ in out):
            continue
        out.append((q, _context(window, q, lo)))
    return out


def _bucket(q: Quantity) -> tuple[str, ...] | None:
    """What :func:`same_quantity` compares: mentions in one bucket count the same thing."""
    return _same_key(q)


def _specific(q: Quantity) -> bool:
    """A counted phrase that names a measure of a substance ("tonnes of ammonia") says what
    is counted well enough without context words; "people" or "tonnes" alone do not."""
    return len(_key(q.counted or "")) >= 2


def figures(claims_with_meta: Iterable[tuple[int, int, Claim, Article]]) -> list[Figure]:
    """``claims_with_meta``: ``(article_id, claim_id, claim, article)`` for the claims of one
    story (``claim_id``: any id unique within the article, kept as ``FigureValue.claim_id``).
    Returns the figures, most reported first."""
    mentions: list[_Mention] = []
    texts: dict[int, str] = {}
    for aid, ci, claim, art in claims_with_meta:
        if aid not in texts:
            texts[aid] = art.text
        for q, ctx in _claim_quantities(claim, texts[aid]):
            src = (claim.source.entity or claim.source.text) if claim.source else None
            mentions.append(
                _Mention(
                    q,
                    (aid, ci),
                    ctx,
                    FigureValue(
                        q.value, q.value_max, q.qualifier, q.text, q.counted, src, list(claim.chain),
                        claim.date or art.published, aid, art.outlet, claim_id=ci,
                    ),
                )
            )
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Mentions join when they count the same thing (one bucket per kind and counted noun)
    # and share their claim or a context word, or the later one is specific. Indexed per
    # bucket instead of comparing every pair, so a story's cost grows with its mentions.
    buckets: dict[tuple[str, ...], dict[str, Any]] = {}
    for i, a in enumerate(mentions):
        key = _bucket(a.q)
        if key is None:
            continue
        b = buckets.setdefault(key, {"roots": [], "claims": {}, "words": {}})
        if _specific(a.q):
            for j in b["roots"]:
                parent[find(j)] = find(i)
            b["roots"] = []
        else:
            for j in [b["claims"].get(a.claim_key), *(b["words"].get(w) for w in sorted(a.context))]:
                if j is not None:
                    parent[find(i)] = find(j)
        b["roots"].append(i)
        b["claims"].setdefault(a.claim_key, i)
        for w in a.context:
            b["words"].setdefault(w, i)
    groups: dict[int, list[_Mention]] = {}
    for i, m in enumerate(mentions):
        groups.setdefault(find(i), []).append(m)
    out = []
    for ms in groups.values():
        if len(ms) < MIN_REPORTS:
            continue
        vals = sorted((m.value for m in ms), key=lambda v: (v.date is None, v.date or "", v.article_id))
        out.append(Figure(ms[0].q.counted or "", vals))
    out.sort(key=lambda f: -len(f.values))
    return out
