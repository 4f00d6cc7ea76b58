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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newstrace.analyse import lexicons as lx

Offsets = tuple[int, int]

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


@dataclass
class Parsed:
    """The article text parsed paragraph by paragraph: ``(offset, doc)`` pairs."""

    text: str
    docs: list[tuple[int, Any]]

    def sentences(self) -> Iterable[tuple[int, Any]]:
        for off, doc in self.docs:
            for sent in doc.sents:
                yield off, sent

    def tokens(self, s: int, e: int) -> list[Any]:
        """The tokens inside ``text[s:e]`` (one paragraph's doc; spans never cross paragraphs)."""
        for off, doc in self.docs:
            if off <= s < off + len(doc.text) + 1:
                return [t for t in doc if s <= off + t.idx and off + t.idx + len(t) <= e]
        return []

    def offset_of(self, tok: Any) -> int:
        for off, doc in self.docs:
            if doc is tok.doc:
                return off
        raise ValueError("token of another text")

    def entities(self) -> Iterable[tuple[int, int, str, str]]:
        """``(start, end, text, label)`` of every named entity, in text order."""
        for off, doc in self.docs:
            for ent in doc.ents:
                yield off + ent.start_char, off + ent.end_char, ent.text, ent.label_


def paragraph_spans(text: str) -> list[Offsets]:
    """Non-blank lines of ``text`` (paragraphs are separated by line breaks)."""
    out, pos = [], 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


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
    inside = [any(qs <= ps and pe <= qe for qs, qe in quotes) for ps, pe in parts]
    if parts and all(inside):
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
    for off, doc in parsed.docs:
        para_quotes = quote_segments(text, off, off + len(doc.text))
        last: Relation | None = None
        for sent in doc.sents:
            s0, s1 = off + sent.start_char, off + sent.end_char
            quotes = [q for q in para_quotes if q[0] < s1 and q[1] > s0]
            found = []
            for tok in sent:
                rel = None
                if tok.lower_ == "according":
                    rel = _according_relation(tok, off, sent, text)
                elif _is_cue(tok):
                    rel = _verb_relation(tok, off, (s0, s1), text, quotes)
                if rel is not None:
                    found.append(rel)
            if found:
                out.extend(found)
                last = found[-1]
            elif last is not None and last.kind in ("direct", "mixed"):
                _continue_quote(text, last, quotes, s0, s1)
    return out


def _continue_quote(text: str, rel: Relation, quotes: list[Offsets], s0: int, s1: int) -> None:
    """'"A," X said. "B."': a quotation with no cue of its own after a quoted speaker is more
    of the same speaker's words."""
    for q in quotes:
        part = trim(text, max(q[0], s0), min(q[1], s1), that=False)
        if part and not any(p[0] < part[1] and part[0] < p[1] for p in rel.content):
            rel.content.append(part)


# --------------------------------------------------------------------------- tagger


def model_relations(parsed: Parsed, spans: list[tuple[str, int, int]]) -> list[Relation]:
    """Group the tagger's spans into relations: per paragraph (a quoted content often runs over
    several sentences), each source and content part goes to the nearest cue."""
    text = parsed.text
    out: list[Relation] = []
    for off, doc in parsed.docs:
        p0, p1 = off, off + len(doc.text)
        mine = [(r, s, e) for r, s, e in spans if p0 <= s and e <= p1]
        cues = [(s, e) for r, s, e in mine if r == "cue"]
        if not cues:
            continue
        rels = {c: Relation(cue=c, source=None, content=[], sentence=_sentence_of(doc, off, c), found_by="model")
                for c in cues}
        for role, s, e in mine:
            if role == "cue":
                continue
            free = [c for c in cues if rels[c].source is None] if role == "source" else cues
            if not free:
                continue
            # each source goes to the nearest cue that has none yet: two statements in one
            # paragraph each keep their speaker
            near = min(free, key=lambda c: min(abs(c[0] - e), abs(s - c[1])))
            rel = rels[near]
            if role == "source":
                rel.source = (s, e)
            elif role == "content":
                # keep a leading "that": the tagger learnt where a content starts
                part = trim(text, s, e, that=False)
                if part:
                    rel.content.append(part)
        for rel in rels.values():
            if rel.content:
                quotes = quote_segments(text, *rel.sentence)
                rel.kind = "according-to" if text[rel.cue[0]:rel.cue[1]].lower().startswith("according") \
                    else kind_of(text, rel.content, quotes)
                out.append(rel)
    return out


def _sentence_of(doc: Any, off: int, cue: Offsets) -> Offsets:
    for sent in doc.sents:
        if off + sent.start_char <= cue[0] < off + sent.end_char:
            return off + sent.start_char, off + sent.end_char
    return off, off + len(doc.text)


def _cue_words(sent: Any, off: int, s: int, e: int) -> bool:
    toks = [t for t in sent if s <= off + t.idx < e]
    if any(t.lower_ == "according" for t in toks):
        return True
    return any(t.lemma_.lower() in lx.CUE_VERBS and t.pos_ in ("VERB", "AUX") for t in toks)


def merge(rules: list[Relation], model: list[Relation]) -> list[Relation]:
    """Rule relations, plus model relations whose cue no rule relation overlaps; text order.

    Where both found the same statement the rule's cue, source and structure stand (they
    follow the parse), but the content boundaries are the tagger's when its parts overlap the
    rule's: the tagger learnt where annotated news (PolNeAR) starts and ends a content, and is
    far more often exactly right there than the parse rules.
    """
    out = list(rules)
    for rel in model:
        twin = next((r for r in rules if _overlaps(r.cue, rel.cue)), None)
        if twin is None:
            # a sourceless cue within a rule relation ("citing" in "reported, citing an official,
            # that ...") is part of that statement, not another one
            inside = any(_overlaps(rel.cue, _extent(r)) for r in rules)
            if rel.source is not None or not inside:
                out.append(rel)
        elif rel.content and twin.content and any(_overlaps(p, q) for p in rel.content for q in twin.content):
            twin.content = list(rel.content)
    out.sort(key=lambda r: (r.cue[0], r.cue[1]))
    return out


def _extent(rel: Relation) -> Offsets:
    """From the first to the last character of a relation's cue, source and content."""
    spans = [rel.cue, *rel.content, *([rel.source] if rel.source else [])]
    return min(s for s, _ in spans), max(e for _, e in spans)


def _overlaps(a: Offsets, b: Offsets) -> bool:
    return a[0] < b[1] and b[0] < a[1]
