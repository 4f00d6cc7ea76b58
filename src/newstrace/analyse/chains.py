"""Chains of sources: from the immediate source back to the origin.

Three shapes are read, all from the parse, none naming an outlet:

* a source phrase that cites another ("a Tuesday report by the Kyiv Post that cited Ukraine's
  military intelligence", "earlier reports citing Ukrainian intelligence") is cut into hops;
  the source span keeps only the first hop;
* ``X told <outlet> that ...``: the outlet relays X, so the chain is [outlet, X];
* ``X said ..., citing Y``: [X, Y].

A speaker resolved to an earlier mention ("the source") inherits that mention's chain.
"""

from __future__ import annotations

from typing import Any

from newstrace.analyse import lexicons as lx
from newstrace.analyse.attribution import Offsets, Parsed, Relation, span_of, trim

#: Lemmas of the verbs that relay a source ("reported by X", "citing Y").
_RELAY_LEMMAS = frozenset({"report", "publish", "cite", "quote"})


def _citing(tok: Any) -> Any:
    """The token of the cited source under a citing verb ("cited X" -> X)."""
    for c in tok.children:
        if c.dep_ in ("dobj", "pobj", "attr"):
            return c
    return None


def split_cited(parsed: Parsed, rel: Relation) -> None:
    """Cut cited sources out of ``rel.source`` into ``rel.cited``, and add ", citing Y" after
    the cue."""
    if rel.source is None:
        return
    toks = parsed.tokens(*rel.source)
    if not toks:
        return
    off = parsed.offset_of(toks[0])
    ids = {t.i for t in toks}
    source_end = None
    cited: list[Offsets] = []
    for t in toks:
        if t.lemma_.lower() not in ("cite", "quote") or t.dep_ not in ("relcl", "acl", "advcl", "conj"):
            continue
        obj = _citing(t)
        if obj is None:
            continue
        sub = [x for x in obj.subtree if x.i in ids]
        if not sub:
            continue
        cited.append(span_of(sub, off))
        if source_end is None:
            first = min(t.left_edge.i, t.i)
            keep = [x for x in toks if x.i < first]
            if keep:
                source_end = span_of(keep, off)[1]
    if cited:
        rel.cited = cited
        if source_end is not None:
            text = parsed.text
            s, e = rel.source[0], source_end
            while e > s and text[e - 1] in " ,;:—–-":
                e -= 1
            rel.source = (s, e)
            rel.source_root = None
    _citing_after_cue(parsed, rel)


def _citing_after_cue(parsed: Parsed, rel: Relation) -> None:
    """", citing Y" anywhere in the cue's sentence outside the source: the parser hangs it on
    the cue or on the content's verb. A content that ends with it is cut before it."""
    if rel.kind == "according-to":
        return
    # only these lemmas matter below; the index finds them without a walk over the sentence
    toks = parsed.tokens_with_lemma(*rel.sentence, _RELAY_LEMMAS)
    if not toks:
        return
    off = parsed.offset_of(toks[0])
    for c in toks:
        if c.lemma_.lower() in ("report", "publish") and c.dep_ == "advcl" and off + c.idx < rel.cue[0]:
            _relayed_by(c, off, rel)
        if c.lemma_.lower() not in ("cite", "quote") or c.dep_ not in ("advcl", "xcomp", "conj"):
            continue
        start = off + c.idx
        if rel.source and rel.source[0] <= start < rel.source[1] or start < rel.cue[1]:
            continue
        obj = _citing(c)
        if obj is None:
            continue
        rel.cited.extend(_hops(obj, off))
        cut = off + c.left_edge.idx
        rel.content = [(s, min(e, cut)) if s < cut < e else (s, e) for s, e in rel.content]
        rel.content = [p for p in (trim(parsed.text, s, e, that=False) for s, e in rel.content) if p]
        return


def _relayed_by(verb: Any, off: int, rel: Relation) -> None:
    """"As first reported by X, the official said ...": X relays the official."""
    agent = next((a for a in verb.children if a.dep_ == "agent"), None)
    pobj = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
    if pobj is not None:
        rel.via.append(span_of(list(pobj.subtree), off))


def _hops(obj: Any, off: int) -> list[Offsets]:
    """"a single unnamed port official quoted by the news agency X" -> [X, the official]."""
    for c in obj.children:
        if c.dep_ == "acl" and c.lemma_.lower() in ("quote", "cite"):
            agent = next((a for a in c.children if a.dep_ == "agent"), None)
            pobj = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
            if pobj is not None:
                own = [t for t in obj.subtree if t.i < c.left_edge.i]
                return [span_of(list(pobj.subtree), off), span_of(own, off)]
    return [span_of(list(obj.subtree), off)]


def build_chain(source: str | None, source_chain: list[str], cited: list[str], addressee: tuple[str, str] | None,
                via: list[str] | None = None) -> list[str]:
    """Canonical names from the immediate source to the origin.

    ``source_chain``: the chain the speaker inherited when resolved ("the source" -> [Kyiv Post,
    a Ukrainian intelligence source]); ``addressee``: (name, type) of who was told.
    """
    if source_chain and source_chain[-1] == source:
        chain = list(source_chain)
    else:
        chain = [source] if source else []
    if addressee and addressee[1] == "news-outlet" and addressee[0] not in chain:
        chain.insert(0, addressee[0])
    for name in reversed(via or []):
        if name and name not in chain:
            chain.insert(0, name)
    for name in cited:
        if name and name not in chain:
            chain.append(name)
    return chain


def is_platform(name: str) -> bool:
    return name.lower() in lx.SOCIAL_PLATFORMS
