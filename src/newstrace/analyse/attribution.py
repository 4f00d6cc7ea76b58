"""Attribution relations: each reporting cue with its source and content parts.

Two finders are combined. Rules over the dependency parse find the clear patterns with exact
spans (``X said (that) ...``, ``"...," X said``, ``According to X, ...``, ``..., according to
X``, ``X told Y that ...``, ``X wrote on X that ...``, ``X denied / accused ...``). The trained
tagger (:class:`~newstrace.analyse.tagger.AttributionTagger`) adds the relations the rules miss;
its CUE / SOURCE / CONTENT spans are grouped per sentence, each content and source going to the
nearest cue. Where both find the same cue the rule wins: its spans follow the parse, while the
tagger's boundaries drift ("said Wednesday", a content swallowing the cited source).

All offsets are character offsets into the article text; nothing here leaves the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from newstrace.analyse import lexicons as lx
from newstrace.analyse.parsed import Free, Offsets, Parsed, SpanIndex
from newstrace.analyse.tagger import MAX_PARAGRAPH_CHARS, split_paragraphs

#: Most rule relations read off one sentence (the first ones, in text order). Real sentences
#: hold at most 4 (sample corpus, PolNeAR dev, 250 NAEB bodies: "They say that he said ..., I
#: said ..."); a "sentence" of thousands of characters with a cue every few words is no prose,
#: and as every relation of a sentence may take the whole sentence (or all its quotations) as
#: its content, the bound keeps the claims of a page proportional to its length.
MAX_RELATIONS_PER_SENTENCE = 16

_QUOTED = re.compile(r"[“\"]([^“”\"]{2,}?)[”\"]")
_QUOTE_CHARS = "“”\"«»"
_TRIM_LEFT = " \t\n,;:—–-" + _QUOTE_CHARS
_TRIM_RIGHT = " \t\n,;:.—–-" + _QUOTE_CHARS
_TAILS = re.compile(r"\s+(" + "|".join(re.escape(t) for t in lx.CUE_TAILS) + r")\b", re.IGNORECASE)


@dataclass
class Relation:
    """One reported statement before its speaker is resolved."""

    cue: Offsets
    source: Offsets | None
    content: list[Offsets]
    sentence: Offsets
    kind: str = "indirect"
    stance: str = "asserted"
    found_by: str = "rule"
    #: "told the Kyiv Post": who was told (an outlet here makes a chain)
    addressee: Offsets | None = None
    #: source phrases cited by the source ("a report that cited X"), outermost first
    cited: list[Offsets] = field(default_factory=list)
    #: who relayed the source to the article ("As first reported by X, the official said")
    via: list[Offsets] = field(default_factory=list)
    #: tokens of the source phrase head (for type and speaker resolution)
    source_root: Any = None


def paragraph_spans(text: str, max_chars: int = MAX_PARAGRAPH_CHARS) -> list[Offsets]:
    """Non-blank lines of ``text`` (paragraphs are separated by line breaks), stripped of
    surrounding whitespace; a line longer than ``max_chars`` is cut after sentence punctuation
    (hard at ``max_chars`` where there is none), at the very places the tagger cuts it. No real
    paragraph is that long; the cut keeps one runaway "paragraph" (a page without line breaks)
    from costing the parser memory and every per-paragraph step time without bound."""
    return split_paragraphs(text, max_chars)


def trim(text: str, s: int, e: int, *, that: bool = True) -> Offsets | None:
    """Strip punctuation, quote marks and a leading "that" from ``text[s:e]``; None if empty."""
    while s < e and text[s] in _TRIM_LEFT:
        s += 1
    while e > s and text[e - 1] in _TRIM_RIGHT:
        e -= 1
    if that and text[s:s + 5].lower() == "that " and e - s > 5:
        s += 5
    return (s, e) if e > s else None


def span_of(tokens: Iterable[Any], off: int) -> Offsets:
    toks = list(tokens)
    return off + toks[0].idx, off + toks[-1].idx + len(toks[-1])


def _subtree(tok: Any, off: int, exclude: Any = None) -> Offsets:
    toks = [t for t in tok.subtree if exclude is None or not (exclude.left_edge.i <= t.i <= exclude.right_edge.i)]
    return span_of(toks, off)


def quote_segments(text: str, s: int, e: int) -> list[Offsets]:
    """Inner offsets of the balanced quotations inside ``text[s:e]``."""
    return [(m.start(1) + s, m.end(1) + s) for m in _QUOTED.finditer(text[s:e])]


def kind_of(text: str, parts: list[Offsets], quotes: list[Offsets]) -> str:
    """direct when every part lies inside a quotation, mixed when a part holds quoted words,
    indirect otherwise."""
    index = SpanIndex(quotes)
    if parts and all(index.holds(p) for p in parts):
        return "direct"
    if any(ch in text[ps:pe] for ps, pe in parts for ch in _QUOTE_CHARS):
        return "mixed"
    return "indirect"


# --------------------------------------------------------------------------- rules


def _is_cue(tok: Any) -> bool:
    if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in lx.CUE_VERBS:
        return False
    # "citing X" relays a source inside another attribution; chains.py reads it
    return not (tok.lemma_.lower() in ("cite", "quote") and tok.dep_ in ("advcl", "relcl", "acl"))


def _cue_span(tok: Any, off: int, text: str) -> Offsets:
    """The verb with its auxiliaries and adverbs before it ("have previously accused") and a
    channel after it ("said in a statement", "wrote on X")."""
    left = [c for c in tok.lefts if c.dep_ in ("aux", "neg", "advmod") and c.i >= tok.i - 3
            and all(t.dep_ in ("aux", "neg", "advmod") for t in tok.doc[c.i:tok.i])]
    start = off + (left[0].idx if left else tok.idx)
    end = off + tok.idx + len(tok)
    m = _TAILS.match(text, end)
    if m:
        end = m.end()
    return start, end


def _subject(tok: Any) -> Any:
    for c in tok.children:
        if c.dep_ in ("nsubj",):
            return c
    if tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX"):
        return _subject(tok.head)
    if tok.dep_ in ("advcl", "xcomp") and tok.tag_ == "VBG" and tok.head.pos_ in ("VERB", "AUX"):
        return _subject(tok.head)  # "The ministry denied the report, saying ..."
    for c in tok.children:  # "first reported by X"
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _content_child(tok: Any) -> Any:
    for c in tok.children:
        if c.dep_ in ("ccomp",):
            return c
    for c in tok.children:  # "reported, citing X, that ...": the parser hangs the clause on "citing"
        if c.dep_ == "advcl" and c.lemma_.lower() in ("cite", "quote"):
            return next((g for g in c.children if g.dep_ == "ccomp"), None)
    return None


def _verb_relation(tok: Any, off: int, sent_span: Offsets, text: str, quotes: list[Offsets]) -> Relation | None:
    subj = _subject(tok)
    if subj is None or subj.lower_ in ("that", "which", "who"):
        return None
    lemma = tok.lemma_.lower()
    src = _subtree(subj, off)
    cue = _cue_span(tok, off, text)
    addressee = None
    content: list[Offsets] = []
    comp = _content_child(tok)
    if comp is not None and comp.i < tok.i and quotes:
        # '"...," an official said': the whole quotation is the content
        content = [q for q in quotes if (q[1] <= cue[0] or q[0] >= cue[1]) and not (src[0] <= q[0] < src[1])]
    elif comp is not None:
        content = [_subtree(comp, off)]
    for c in tok.children:
        if c.dep_ == "dobj" and lemma == "tell":
            addressee = _subtree(c, off)
        elif c.dep_ == "dobj" and comp is None and not content and c.lower_ not in ("that", "which") \
                and lemma in lx.OBJECT_CUES:
            end = _subtree(c, off)[1]
            for p in c.head.children:  # "accused X of doing Y"
                if p.dep_ == "prep" and p.i > c.i and p.lower_ == "of":
                    end = max(end, _subtree(p, off)[1])
            content = [(_subtree(c, off)[0], end)]
    if not content:
        content = _that_clause(text, cue[1], sent_span[1])
    if not content and quotes:
        content = [q for q in quotes if not (src[0] <= q[0] < src[1]) and not (cue[0] <= q[0] < cue[1])]
    parts = [p for p in (trim(text, s, e, that=False) for s, e in content) if p]
    if not parts:
        return None
    return Relation(cue=cue, source=src, content=parts, sentence=sent_span, kind=kind_of(text, parts, quotes),
                    stance="denied" if lemma in lx.DENIAL_VERBS else "asserted", addressee=addressee,
                    source_root=subj)


_RELAYS = re.compile(r"\s*(?:which|that|who)?\s*(?:cited|citing|quoted|quoting)\b", re.IGNORECASE)
_THAT = re.compile(r"(?:(?:\s+[\w’'-]+){0,6}?|,\s+(?:citing|quoting)\b[^.;“\"]*?,)\s+that\s+", re.IGNORECASE)


def _that_clause(text: str, cue_end: int, sent_end: int) -> list[Offsets]:
    """"said in a statement that ...": the parser often hangs the clause on "statement"; the
    words after "that" up to the end of the sentence are the content."""
    m = _THAT.match(text, cue_end, sent_end)
    if not m:
        return []
    return [(m.end(), sent_end)]


def _according_relation(tok: Any, off: int, sent: Any, text: str) -> Relation | None:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is None or nxt.lower_ != "to":
        return None
    pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    src = _subtree(pobj, off)
    cue = (off + tok.idx, off + nxt.idx + len(nxt))
    comma = text.find(",", cue[1], src[1])
    if comma != -1 and _RELAYS.match(text, comma + 1):
        # "According to the X report, which cited Y, ...": the relative clause is a chain hop
        comma = text.find(",", _RELAYS.match(text, comma + 1).end(), src[1])  # type: ignore[union-attr]
    if comma != -1:
        # "According to X that cited Y, up to 3,000 ...": the parser may pull the content's
        # first words into the source phrase; a source phrase ends at its comma
        src = (src[0], comma)
    s0, s1 = off + sent.start_char, off + sent.end_char
    before, after = trim(text, s0, cue[0], that=False), trim(text, src[1], s1, that=False)
    part = after if after and (not before or after[1] - after[0] >= before[1] - before[0]) else before
    if part is None:
        return None
    return Relation(cue=cue, source=src, content=[part], sentence=(s0, s1), kind="according-to", source_root=pobj)


def rule_relations(parsed: Parsed) -> list[Relation]:
    """Relations from the dependency parse, sentence by sentence. Quotations are found per
    paragraph: a quotation often runs over several sentences before its "X said"."""
    text = parsed.text
    out: list[Relation] = []
    for k, (off, doc) in enumerate(parsed.docs):
        para_quotes = quote_segments(text, off, parsed.doc_end(k))
        # quotations are disjoint and in order: those of a sentence are found by bisection
        quote_starts, quote_ends = [q[0] for q in para_quotes], [q[1] for q in para_quotes]
        last: Relation | None = None
        last_parts: SpanIndex | None = None
        for sent in doc.sents:
            s0, s1 = off + sent.start_char, off + sent.end_char
            quotes = para_quotes[bisect_right(quote_ends, s0):bisect_left(quote_starts, s1)]
            found: list[Relation] = []
            for tok in sent:
                if len(found) == MAX_RELATIONS_PER_SENTENCE:
                    break
                rel = None
                if tok.lower_ == "according":
                    rel = _according_relation(tok, off, sent, text)
                elif _is_cue(tok):
                    rel = _verb_relation(tok, off, (s0, s1), text, quotes)
                if rel is not None:
                    found.append(rel)
            if found:
                out.extend(found)
                last, last_parts = found[-1], None
            elif last is not None and last.kind in ("direct", "mixed"):
                if last_parts is None:
                    last_parts = SpanIndex(last.content)
                _continue_quote(text, last, quotes, s0, s1, last_parts)
    return out


def _continue_quote(text: str, rel: Relation, quotes: list[Offsets], s0: int, s1: int, own: SpanIndex) -> None:
    """'"A," X said. "B."': a quotation with no cue of its own after a quoted speaker is more
    of the same speaker's words. ``own``: the parts the relation had before any was added here;
    the parts added never overlap one another (each lies in one quotation of one later
    sentence), so a new part is checked against those alone."""
    for q in quotes:
        part = trim(text, max(q[0], s0), min(q[1], s1), that=False)
        if part and not own.overlaps(part):
            rel.content.append(part)


# --------------------------------------------------------------------------- tagger


def model_relations(parsed: Parsed, spans: list[tuple[str, int, int]]) -> list[Relation]:
    """Group the tagger's spans into relations: per paragraph (a quoted content often runs over
    several sentences), each source and content part goes to the nearest cue."""
    text = parsed.text
    out: list[Relation] = []
    by_start = sorted(range(len(spans)), key=lambda i: spans[i][1])
    starts = [spans[i][1] for i in by_start]
    sentence_quotes: dict[Offsets, list[Offsets]] = {}
    for k, (off, _doc) in enumerate(parsed.docs):
        p0, p1 = off, parsed.doc_end(k)
        # the spans of this paragraph, in the order given
        mine = [spans[i] for i in sorted(by_start[bisect_left(starts, p0):bisect_right(starts, p1)])
                if spans[i][2] <= p1]
        cues = [(s, e) for r, s, e in mine if r == "cue"]
        if not cues:
            continue
        rels = {c: Relation(cue=c, source=None, content=[], sentence=parsed.sentence_at(k, c[0]), found_by="model")
                for c in cues}
        _attach(text, mine, cues, rels)
        for rel in rels.values():
            if rel.content:
                if rel.sentence not in sentence_quotes:
                    sentence_quotes[rel.sentence] = quote_segments(text, *rel.sentence)
                rel.kind = "according-to" if text[rel.cue[0]:rel.cue[1]].lower().startswith("according") \
                    else kind_of(text, rel.content, sentence_quotes[rel.sentence])
                out.append(rel)
    return out


def _attach(text: str, mine: list[tuple[str, int, int]], cues: list[Offsets], rels: dict[Offsets, Relation]) -> None:
    """Each source goes to the nearest cue that has none yet (two statements in one paragraph
    each keep their speaker), each content part to the nearest cue."""
    if not _disjoint(mine):
        _attach_by_scan(text, mine, cues, rels)
        return
    # Spans in text order, none overlapping (the tagger's always are): the nearest cue is the
    # last one before the span or the first one after it (the one before on a tie), found by
    # bisection; cues that already have a source are skipped over by ``_Free``.
    cue_starts, cue_ends = [c[0] for c in cues], [c[1] for c in cues]
    free = Free(len(cues))
    for role, s, e in mine:
        if role == "cue":
            continue
        before = bisect_right(cue_ends, s) - 1
        after = before + 1
        if role == "source":
            before, after = free.at_or_before(before), free.at_or_after(after)
        gap_before = s - cue_ends[before] if before >= 0 else None
        gap_after = cue_starts[after] - e if after < len(cues) else None
        if gap_before is None and gap_after is None:
            continue
        near = before if gap_after is None or gap_before is not None and gap_before <= gap_after else after
        _give(text, rels[cues[near]], role, s, e)
        if role == "source":
            free.take(near)


def _attach_by_scan(
    text: str, mine: list[tuple[str, int, int]], cues: list[Offsets], rels: dict[Offsets, Relation]
) -> None:
    """:func:`_attach` for spans that overlap: every cue is measured."""
    for role, s, e in mine:
        if role == "cue":
            continue
        free = [c for c in cues if rels[c].source is None] if role == "source" else cues
        if not free:
            continue
        near = min(free, key=lambda c: min(abs(c[0] - e), abs(s - c[1])))
        _give(text, rels[near], role, s, e)


def _give(text: str, rel: Relation, role: str, s: int, e: int) -> None:
    if role == "source":
        rel.source = (s, e)
    elif role == "content":
        # keep a leading "that": the tagger learnt where a content starts
        part = trim(text, s, e, that=False)
        if part:
            rel.content.append(part)


def _disjoint(spans: Sequence[tuple[str, int, int]]) -> bool:
    """Every span is non-empty and ends before the next one starts."""
    return all(s < e for _r, s, e in spans) and all(a[2] <= b[1] for a, b in pairwise(spans))


def _cue_words(sent: Any, off: int, s: int, e: int) -> bool:
    toks = [t for t in sent if s <= off + t.idx < e]
    if any(t.lower_ == "according" for t in toks):
        return True
    return any(t.lemma_.lower() in lx.CUE_VERBS and t.pos_ in ("VERB", "AUX") for t in toks)


def merge(rules: list[Relation], model: list[Relation], parsed: Parsed | None = None) -> list[Relation]:
    """Rule relations, plus model relations whose cue no rule relation overlaps; text order.

    Where both found the same statement the rule's cue, source and structure stand (they
    follow the parse), but the content boundaries are the tagger's when its parts overlap the
    rule's: the tagger learnt where annotated news (PolNeAR) starts and ends a content, and is
    far more often exactly right there than the parse rules.

    With ``parsed``, a model relation is compared with the rule relations of its own paragraph
    only (the same answer: a relation's spans never leave its paragraph, and one that would is
    filed under every paragraph it touches), so that the work grows with the text, not with
    its square.
    """
    out = list(rules)
    extents = [_extent(r) for r in rules]
    members: dict[int, list[int]] = {}  # paragraph -> its rule relations, in list order

    def file(i: int) -> None:
        for k in _paragraphs(parsed, extents[i]):
            listed = members.setdefault(k, [])
            at = bisect_left(listed, i)
            if at == len(listed) or listed[at] != i:
                listed.insert(at, i)

    for i in range(len(rules)):
        file(i)  # in list order: each lands at the end of its paragraphs' lists
    for rel in model:
        near = _members(members, _paragraphs(parsed, rel.cue))
        twin = next((i for i in near if _overlaps(rules[i].cue, rel.cue)), None)
        if twin is None:
            # a sourceless cue within a rule relation ("citing" in "reported, citing an official,
            # that ...") is part of that statement, not another one
            inside = any(_overlaps(rel.cue, extents[i]) for i in near)
            if rel.source is not None or not inside:
                out.append(rel)
        elif rel.content and rules[twin].content \
                and any(_overlaps(p, q) for p in rel.content for q in rules[twin].content):
            rules[twin].content = list(rel.content)
            extents[twin] = _extent(rules[twin])
            file(twin)
    out.sort(key=lambda r: (r.cue[0], r.cue[1]))
    return out


def _paragraphs(parsed: Parsed | None, span: Offsets) -> Iterable[int]:
    """The paragraphs ``span`` touches; all relations are in paragraph 0 without ``parsed``."""
    return parsed.docs_over(*span) if parsed is not None else (0,)


def _members(members: dict[int, list[int]], paragraphs: Iterable[int]) -> list[int]:
    found = [members.get(k, []) for k in paragraphs]
    if len(found) == 1:
        return found[0]
    return sorted({i for f in found for i in f})


def _extent(rel: Relation) -> Offsets:
    """From the first to the last character of a relation's cue, source and content."""
    spans = [rel.cue, *rel.content, *([rel.source] if rel.source else [])]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _overlaps(a: Offsets, b: Offsets) -> bool:
    return a[0] < b[1] and b[0] < a[1]
