"""A text parsed paragraph by paragraph, and the position indexes the claims stage looks
things up in.

Every lookup by offset (the tokens of a span, the doc of a token, the sentence of a position,
the spans overlapping a span, the nearest free cue) bisects an index built once per text, so
that the claims stage makes its few lookups per relation in a logarithm each: a page can hold
thousands of relations, and a walk over the text for each made the stage grow with the square
of its input. The indexes live on the objects that need them (one text), never beyond.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, TypeVar

Offsets = tuple[int, int]
T = TypeVar("T")


@dataclass
class Parsed:
    """The article text parsed paragraph by paragraph: ``(offset, doc)`` pairs, in text order.

    Lookups by offset (:meth:`tokens`, :meth:`offset_of`, :meth:`sentence_at`) bisect indexes
    built on first use from ``docs``, so that each costs a logarithm, not a walk over the text:
    the claims stage makes a few per relation, and a page can hold thousands. The indexes live
    on this object (one text), never beyond it.
    """

    text: str
    docs: list[tuple[int, Any]]
    _index: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """``build()``, computed once for this text under ``key`` (an index a step needs)."""
        if key not in self._index:
            self._index[key] = build()
        return self._index[key]  # type: ignore[no-any-return]

    def sentences(self) -> Iterable[tuple[int, Any]]:
        for off, doc in self.docs:
            for sent in doc.sents:
                yield off, sent

    def _bounds(self) -> tuple[list[int], list[int]]:
        """Start and end offsets of the docs."""
        if "bounds" not in self._index:
            self._index["bounds"] = ([off for off, _ in self.docs], [off + len(doc.text) for off, doc in self.docs])
        return self._index["bounds"]  # type: ignore[no-any-return]

    def doc_at(self, s: int) -> int | None:
        """Index of the doc a span starting at ``s`` belongs to: the first whose text (or the
        line break after it) holds ``s``."""
        starts, ends = self._bounds()
        k = bisect_left(ends, s)  # docs are in text order: the first that ends at or after s
        return k if k < len(starts) and starts[k] <= s else None

    def docs_over(self, s: int, e: int) -> range:
        """Indexes of the docs whose text overlaps ``text[s:e]``."""
        starts, ends = self._bounds()
        return range(bisect_right(ends, s), bisect_left(starts, e))

    def doc_end(self, k: int) -> int:
        return self._bounds()[1][k]

    def _token_bounds(self, k: int) -> tuple[list[int], list[int]]:
        """Start and end (relative to the doc) of every token of doc ``k``."""
        key = ("tokens", k)
        if key not in self._index:
            doc = self.docs[k][1]
            self._index[key] = ([t.idx for t in doc], [t.idx + len(t) for t in doc])
        return self._index[key]  # type: ignore[no-any-return]

    def _token_range(self, s: int, e: int) -> tuple[int, int, int] | None:
        k = self.doc_at(s)
        if k is None:
            return None
        off = self.docs[k][0]
        starts, ends = self._token_bounds(k)
        return k, bisect_left(starts, s - off), bisect_right(ends, e - off)

    def tokens(self, s: int, e: int) -> list[Any]:
        """The tokens inside ``text[s:e]`` (one paragraph's doc; spans never cross paragraphs)."""
        found = self._token_range(s, e)
        if found is None:
            return []
        k, i, j = found
        doc = self.docs[k][1]
        return [doc[x] for x in range(i, j)]

    def tokens_with_lemma(self, s: int, e: int, lemmas: frozenset[str]) -> list[Any]:
        """The tokens of :meth:`tokens` whose lower-case lemma is in ``lemmas``."""
        found = self._token_range(s, e)
        if found is None:
            return []
        k, i, j = found
        key = ("lemmas", k, lemmas)
        if key not in self._index:
            self._index[key] = [t.i for t in self.docs[k][1] if t.lemma_.lower() in lemmas]
        ids = self._index[key]
        doc = self.docs[k][1]
        return [doc[x] for x in ids[bisect_left(ids, i):bisect_left(ids, j)]]

    def offset_of(self, tok: Any) -> int:
        if "offsets" not in self._index:
            offsets: dict[int, int] = {}
            for off, doc in self.docs:
                offsets.setdefault(id(doc), off)
            self._index["offsets"] = offsets
        off = self._index["offsets"].get(id(tok.doc))
        if off is None:
            raise ValueError("token of another text")
        return off  # type: ignore[no-any-return]

    def sentence_at(self, k: int, pos: int) -> Offsets:
        """``(start, end)`` of the sentence of doc ``k`` that holds ``pos``; the whole doc when
        none does."""
        key = ("sents", k)
        off, doc = self.docs[k]
        if key not in self._index:
            self._index[key] = [(off + sent.start_char, off + sent.end_char) for sent in doc.sents]
        sents = self._index[key]
        i = bisect_right(sents, (pos, float("inf"))) - 1
        if i >= 0 and sents[i][0] <= pos < sents[i][1]:
            return sents[i]  # type: ignore[no-any-return]
        return off, self.doc_end(k)

    def entities(self) -> Iterable[tuple[int, int, str, str]]:
        """``(start, end, text, label)`` of every named entity, in text order."""
        if "ents" not in self._index:
            self._index["ents"] = [(off + ent.start_char, off + ent.end_char, ent.text, ent.label_)
                                   for off, doc in self.docs for ent in doc.ents]
        return iter(self._index["ents"])


class SpanIndex:
    """Spans sorted by start, with the running maximum of their ends: whether one of them
    overlaps or holds a given span, by bisection."""

    def __init__(self, spans: Iterable[Offsets]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end = list(accumulate((e for _, e in ordered), max))

    def overlaps(self, span: Offsets) -> bool:
        k = bisect_left(self.starts, span[1])  # spans starting before ``span`` ends ...
        return k > 0 and self.max_end[k - 1] > span[0]  # ... one of which ends after it starts

    def holds(self, span: Offsets) -> bool:
        k = bisect_right(self.starts, span[0])  # spans starting at or before ``span`` ...
        return k > 0 and self.max_end[k - 1] >= span[1]  # ... one of which ends at or after it


class Free:
    """The indexes ``0 .. n-1``, some of them taken: the nearest free one at or before, or at or
    after, an index. Taken indexes are skipped by pointers that are shortened as they are
    followed, so a run of lookups costs about one step each."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.down = list(range(n + 1))  # down[i + 1]: towards the free index at or before i; 0: none
        self.up = list(range(n + 1))  # up[i]: towards the free index at or after i; n: none

    def take(self, i: int) -> None:
        self.down[i + 1] = i
        self.up[i] = i + 1

    def at_or_before(self, i: int) -> int:
        """The largest free index ``<= i``, or -1."""
        return _follow(self.down, i + 1) - 1

    def at_or_after(self, i: int) -> int:
        """The smallest free index ``>= i``, or ``n``."""
        return _follow(self.up, min(i, self.n))


def _follow(link: list[int], i: int) -> int:
    while link[i] != i:
        link[i] = link[link[i]]
        i = link[i]
    return i
