"""The claims stage: an Article's text in, its attributed claims out.

Order of work: parse (one spaCy pass per paragraph) -> relations (rules + tagger, merged) ->
relative denials -> cited sources split off -> speakers described and resolved in text order ->
chains -> statement dates, quantities and places -> :class:`~newstrace.models.Claim`.
Everything heavy (the spaCy pipeline, the tagger) is built once by :class:`ClaimExtractor`
and passed down; nothing is cached at module level.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from newstrace.analyse.attribution import (
    Parsed,
    Relation,
    merge,
    model_relations,
    paragraph_spans,
    rule_relations,
)
from newstrace.analyse.chains import build_chain, is_platform, split_cited
from newstrace.analyse.denials import (
    accusers_by_sentence,
    both_parties,
    relative_denials,
)
from newstrace.analyse.nlp import Language
from newstrace.analyse.quantities import find_quantities
from newstrace.analyse.speakers import Mention, Resolver, clean_name, describe
from newstrace.analyse.tagger import MAX_PARAGRAPH_CHARS
from newstrace.analyse.timeref import TimeRef, find_time_refs, statement_date
from newstrace.errors import NewstraceError
from newstrace.models import (
    ENTITY_LABELS,
    Article,
    Claim,
    Entity,
    Place,
    Quantity,
    SourceRef,
    Span,
)

#: Entity labels that name a place.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: How sure each finder is, roughly its precision on the sample corpus.
CONFIDENCE = {"rule": 0.9, "model": 0.6}


class ClaimExtractor:
    """Turns text into claims. Build once, call many times."""

    def __init__(self, language: Language | None = None, tagger: Any = None, *, use_tagger: bool = True) -> None:
        self.language = language or Language()
        if tagger is None and use_tagger:
            from newstrace.analyse.tagger import AttributionTagger

            tagger = AttributionTagger()
        self.tagger = tagger

    def parse(self, text: str) -> Parsed:
        # a paragraph longer than the parser takes is cut at sentence-like boundaries, never
        # truncated and never refused (spaCy raises beyond its max_length)
        spans = paragraph_spans(text, min(MAX_PARAGRAPH_CHARS, self.language.max_chars))
        docs = self.language.parse_many(text[s:e] for s, e in spans)
        return Parsed(text, [(s, doc) for (s, _e), doc in zip(spans, docs)])

    def __call__(self, text: str, published: str | None = None, outlet: str | None = None) -> list[Claim]:
        """The claims of ``text``; ``outlet``, the publisher, is never a hop in its own chains."""
        return self.analyse(text, published, outlet)[0]

    def analyse(
        self, text: str, published: str | None = None, outlet: str | None = None
    ) -> tuple[list[Claim], list[Entity]]:
        """The claims of ``text`` and its named-entity mentions, from one parse."""
        if not text.strip():
            return [], []
        parsed = self.parse(text)
        return self._claims(parsed, published, outlet), entities_of(parsed)

    def _claims(self, parsed: Parsed, published: str | None, outlet: str | None) -> list[Claim]:
        text = parsed.text
        rels = rule_relations(parsed)
        if self.tagger is not None:
            rels = merge(rels, model_relations(parsed, self.tagger.tag(text)), parsed)
        rels = rels + relative_denials(parsed, rels)
        rels.sort(key=lambda r: (r.cue[0], r.cue[1]))
        for rel in rels:
            split_cited(parsed, rel)
        return _Assembler(parsed, published, outlet).claims(rels)


class _Assembler:
    """Builds the claims of one text, resolving speakers in text order."""

    def __init__(self, parsed: Parsed, published: str | None, outlet: str | None = None) -> None:
        self.parsed = parsed
        self.outlet = clean_name(outlet or "").lower()
        self.sentence_dates: dict[tuple[int, int], str] = {}
        self.text = parsed.text
        self.published = published
        self.refs = find_time_refs(parsed.text, published)  # in text order, disjoint
        self.ref_starts = [r.start for r in self.refs]
        ents = list(parsed.entities())
        # only people who act in a clause: the entity tagger also calls ships and streets persons
        persons = [(s, e, t) for s, e, t, label in ents
                   if label == "PERSON" and t[:1].isupper() and _acts(parsed.tokens(s, e))]
        self.resolver = Resolver(persons, [e for e in ents if e[3] == "ORG"])
        # "Ukrainian" is sometimes labelled GPE; an adjective is no place
        self.places = [(s, e) for s, e, _t, label in parsed.entities()
                       if label in PLACE_LABELS and not all(t.pos_ == "ADJ" for t in parsed.tokens(s, e))]
        self.place_starts = [s for s, _e in self.places]  # in text order
        self.accusers: dict[tuple[int, int], list[tuple[int, int]]] | None = None

    def mention(self, span: tuple[int, int] | None, root: Any = None) -> Mention | None:
        if span is None:
            return None
        toks = self.parsed.tokens(*span)
        if not toks:
            return None
        return describe(toks, self.parsed.offset_of(toks[0]), self.text, root)

    def claims(self, rels: list[Relation]) -> list[Claim]:
        out: list[Claim] = []
        seen: set[tuple[int, int]] = set()
        for rel in rels:
            if rel.cue in seen:
                continue
            seen.add(rel.cue)
            out.extend(self.claims_of(rel, rels))
        return [c for c in out if _inside(c, self.text)]

    def claims_of(self, rel: Relation, rels: list[Relation]) -> list[Claim]:
        src = self.mention(rel.source, rel.source_root)
        if src is not None:
            src = self.resolver.resolve(src)
        cited = [m for m in (self.mention(c) for c in rel.cited) if m is not None and m.entity]
        via = [m for m in (self.mention(v) for v in rel.via) if m is not None]
        told = self.mention(rel.addressee)
        if told is not None:
            told = self.resolver.resolve(told)
            if self.outlet and told.entity and _same_outlet(told.entity, self.outlet):
                told = None  # "told the Gazette" in the Gazette: the publisher is no hop
        names = [src.entity] if src is not None and src.form != "both" else []
        if src is not None and src.form == "both":
            if self.accusers is None:
                self.accusers = accusers_by_sentence(rels)
            names = both_parties(self.parsed, src.start, self.accusers.get(rel.sentence, [])) or [None]
            if "government" in src.text.lower():  # "both governments": the two countries' governments
                names = [f"{n} government" if n else n for n in names]
        claims = []
        for name in names or [None]:
            ref = None
            if src is not None:
                kind = src.type if name or src.form != "both" else "unknown"
                if kind == "unknown" and _on_platform(self.text[rel.cue[0]:rel.cue[1]]):
                    kind = "social-media"  # "a post wrote on X ...": the post is the source
                ref = SourceRef(src.start, src.end, src.text, name, kind, src.description)  # type: ignore[arg-type]
            chain = build_chain(name, src.chain if src else [], [m.entity for m in cited if m.entity],
                                (told.entity, told.type) if told and told.entity else None,
                                [m.entity for m in via if m.entity])
            claims.append(self._claim(rel, ref, chain))
        if src is not None and src.entity:
            src.chain = claims[0].chain
            self.resolver.remember(src)
            for k, m in enumerate(cited):
                m.chain = claims[0].chain[:len(claims[0].chain) - len(cited) + k + 1]
                self.resolver.remember(m)
        return claims

    def _claim(self, rel: Relation, ref: SourceRef | None, chain: list[str]) -> Claim:
        text = self.text
        content = [Span(s, e, text[s:e]) for s, e in rel.content]
        return Claim(
            source=ref, cue=Span(rel.cue[0], rel.cue[1], text[rel.cue[0]:rel.cue[1]]), content=content,
            kind=rel.kind,  # type: ignore[arg-type]
            chain=[c for c in chain if c], stance=rel.stance,  # type: ignore[arg-type]
            date=self._date(rel), quantities=self._quantities(rel), places=self._places(rel),
            confidence=CONFIDENCE.get(rel.found_by, 0.5),
        )

    def _date(self, rel: Relation) -> str | None:
        found = self._own_date(rel)
        if found is None and rel.kind != "according-to":
            # one sentence, one occasion: "denied the report on Thursday, saying ..."
            found = self.sentence_dates.get(rel.sentence)
        elif rel.sentence not in self.sentence_dates:
            self.sentence_dates[rel.sentence] = found
        return found

    def _own_date(self, rel: Relation) -> str | None:
        if rel.kind == "according-to":
            # "according to a Tuesday report": only a date inside the source phrase dates the
            # report; one in the content dates the event reported
            if rel.source is None:
                return None
            return statement_date(rel.source[0], rel.source[1], self._refs_in(*rel.source), self.published)
        s0, s1 = rel.sentence
        refs = self._refs_in(s0, s1)
        found = statement_date(s0, s1, refs, self.published, cue_start=rel.cue[0], text=self.text)
        if found is None and rel.stance == "denied" and rel.content and rel.content[0][0] >= rel.cue[1]:
            # "rejected that account on Thursday": the object is no clause, so a date right
            # after it still dates the denial
            found = statement_date(s0, s1, refs, self.published, cue_start=rel.content[-1][1], text=self.text)
        return found

    def _refs_in(self, s: int, e: int) -> list[TimeRef]:
        """The time references that start in ``text[s:e]`` (all that statement_date could use
        there), by bisection: a page can hold thousands."""
        return self.refs[bisect_left(self.ref_starts, s):bisect_left(self.ref_starts, e)]

    def _quantities(self, rel: Relation) -> list[Quantity]:
        out = []
        for s, e in rel.content:
            for q in find_quantities(self.text[s:e]):
                q.start += s
                q.end += s
                out.append(q)
        return out

    def _places(self, rel: Relation) -> list[Place]:
        """The places inside the content parts, in text order, each once."""
        found: set[int] = set()
        for s, e in rel.content:
            k = bisect_left(self.place_starts, s)
            while k < len(self.places) and self.places[k][0] < e:
                if self.places[k][1] <= e:
                    found.add(k)
                k += 1
        return [Place(ps, pe, self.text[ps:pe]) for ps, pe in (self.places[k] for k in sorted(found))]


def entities_of(parsed: Parsed) -> list[Entity]:
    """Every mention of a named entity (labels in :data:`ENTITY_LABELS`), in text order, one
    per mention: offsets into the text, the text with its whitespace squeezed."""
    out = []
    for s, e, t, label in parsed.entities():
        name = " ".join(t.split())
        if label in ENTITY_LABELS and name and 0 <= s < e <= len(parsed.text):
            out.append(Entity(s, e, name, label))
    return out


def _on_platform(cue: str) -> bool:
    words = cue.lower().split()
    return "on" in words and is_platform(" ".join(words[words.index("on") + 1:]))


def _acts(tokens: list[Any]) -> bool:
    return any(t.dep_ in ("nsubj", "nsubjpass") or t.dep_ in ("appos", "compound") and t.head.dep_ == "nsubj"
               for t in tokens)


def _same_outlet(name: str, outlet: str) -> bool:
    name = name.lower()
    return name == outlet or name in outlet.split() or outlet.endswith(" " + name) or name.endswith(" " + outlet)


def _inside(c: Claim, text: str) -> bool:
    spans = [c.cue, *c.content, *c.quantities, *c.places] + ([c.source] if c.source else [])
    return all(0 <= sp.start < sp.end <= len(text) and text[sp.start:sp.end] == sp.text for sp in spans)


@dataclass
class ClaimsStage:
    """Pipeline stage: fills ``article.claims`` and ``article.entities`` (one spaCy parse)."""

    extractor: ClaimExtractor | None = None
    name: str = "claims"
    #: 2: the stage also fills ``entities``
    version: str = "2"
    requires: tuple[str, ...] = ("text", "published")
    assigns: tuple[str, ...] = ("claims", "entities")

    def __post_init__(self) -> None:
        if self.extractor is None:
            self.extractor = ClaimExtractor()

    def __call__(self, article: Article) -> Article:
        assert self.extractor is not None
        try:
            article.claims, article.entities = self.extractor.analyse(article.text, article.published, article.outlet)
        except (ValueError, IndexError, KeyError, RecursionError, MemoryError) as exc:
            # spaCy and the rules raise these on pathological text; the batch must go on
            raise NewstraceError(f"claims: {type(exc).__name__}: {exc}", reason="analyse") from exc
        return article
