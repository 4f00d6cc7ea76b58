"""The claims stage on long and hostile text: what it returns, never how long it takes.

A page made of one paragraph repeated is claimed as that paragraph is, copy after copy (no
copy leaks into the next); a paragraph longer than the parser takes is cut, not refused; odd
text gives claims (maybe none), never an exception. The indexes that keep the stage linear
give the answers the walks they replace gave (checked against those walks here).
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest
from claims_helpers import assert_spans_inside

from newstrace.analyse.attribution import (
    MAX_RELATIONS_PER_SENTENCE,
    Relation,
    _attach,
    _attach_by_scan,
    paragraph_spans,
    rule_relations,
)
from newstrace.analyse.nlp import MAX_RUN_CHARS, prepared
from newstrace.analyse.parsed import Free
from newstrace.analyse.speakers import Mention, Resolver
from newstrace.analyse.tagger import MAX_PARAGRAPH_CHARS
from newstrace.analyse.timeref import find_time_refs, statement_date

PUBLISHED = "2025-10-07"

PARAGRAPH = (
    "Harbour master Greta Lindqvist said on Tuesday that up to 3,000 tonnes of ammonia had left "
    "Marrowick. “The quay is safe,” she said. According to the Valden Herald, about 120 residents "
    "were evacuated from Kestrel Bay. Vesland accused Ostria of seizing the ship, a charge that "
    "both countries have denied."
)


def _records(claims: list[Any], shift: int = 0) -> list[dict[str, Any]]:
    """The claims as plain data, every offset moved back by ``shift``."""

    def move(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: (v - shift if k in ("start", "end") else move(v)) for k, v in x.items()}
        if isinstance(x, list):
            return [move(v) for v in x]
        return x

    return [move(dataclasses.asdict(c)) for c in claims]


def test_a_repeated_paragraph_gives_the_same_claims_shifted(extractor) -> None:
    one, _ = extractor.analyse(PARAGRAPH, PUBLISHED, "Outlet")
    assert len(one) >= 4  # said, she said, according to, accused, denied
    copies = 4
    text = "\n\n".join([PARAGRAPH] * copies)
    many, _ = extractor.analyse(text, PUBLISHED, "Outlet")
    assert_spans_inside(many, text)
    step = len(PARAGRAPH) + 2
    for k in range(copies):
        mine = [c for c in many if k * step <= c.cue.start < (k + 1) * step]
        assert _records(mine, k * step) == _records(one)


def test_a_paragraph_longer_than_a_piece_is_claimed_throughout(extractor) -> None:
    unit = "“The quay at Marrowick will reopen,” said Greta Lindqvist, the harbour master. "
    copies = 2 * MAX_PARAGRAPH_CHARS // len(unit) + 5
    text = (unit * copies).strip()
    assert "\n" not in text and len(text) > 2 * MAX_PARAGRAPH_CHARS
    assert len(paragraph_spans(text)) >= 3
    claims = extractor(text, PUBLISHED)
    assert_spans_inside(claims, text)
    assert len(claims) == copies
    assert {c.source.entity for c in claims if c.source} == {"Greta Lindqvist"}
    assert claims[-1].cue.start > 2 * MAX_PARAGRAPH_CHARS


def test_a_paragraph_longer_than_the_parsers_max_length_is_cut_not_refused(
    extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extractor.language.nlp, "max_length", 1000)
    unit = "The port authority said the ferry would sail on Friday. "
    text = (unit * 60).strip()  # one paragraph of some 3,400 characters
    claims = extractor(text, PUBLISHED)
    assert_spans_inside(claims, text)
    assert len(claims) == 60
    assert max(c.cue.start for c in claims) > 3000


HOSTILE = {
    "punctuation": "!?.,;:-()[]{}…—" * 300,
    "quote marks": "“" * 3000,
    "straight quotes": '"' * 3000,
    "mixed quotes": "“”\"«»‘’'" * 400,
    "unbalanced": "“We said ”“ and “ then ” said “ X " * 100,
    "nested": "The minister said " + "(“" * 800 + "yes" + "”)" * 800 + ".",
    "scripts": "Путин сказал “мир” 北京 said 東京 قال المتحدث “سلام” said Jane Doe. " * 20,
    "control": "He said\x00 “yes\x01\x02\x1b,” said Jane\x07 Doe.\x0c\x0b\r\n" * 20,
    "odd unicode": "\ufeff\u200b\u200d\u2028\u2029\ufffc\uffff\U0001f600 said “\u0301\u0301ok” \U000e0001" * 30,
    "long word": "x" * 20_000,
    "long word quoted": "“" + "y" * 8000 + ",” said Jane Doe.",
    "rtl": "\u202eقال المتحدث باسم الوزارة إن “السفينة وصلت” يوم الثلاثاء. " * 20,
    "emoji": "😀🔥🚢" * 1000 + " said Jane Doe. " + "👍🏽" * 500,
    "line breaks": "\n\r\n\u2028" * 2000,
    "spaces": "said" + " " * 20_000 + "Tuesday",
    "run-on cues": " ".join(f"he said that she said that {i}" for i in range(150)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_gives_claims_not_exceptions(extractor, name: str) -> None:
    text = HOSTILE[name]
    claims, entities = extractor.analyse(text, PUBLISHED, "Outlet")
    assert_spans_inside(claims, text)
    assert all(text[e.start:e.end].split() == e.text.split() for e in entities)


def test_a_long_run_is_tokenized_in_pieces_with_the_same_text(language) -> None:
    text = "He said " + "“" * (3 * MAX_RUN_CHARS + 7) + " and left."
    doc = prepared(language.nlp, text)
    assert doc.text == text
    assert max(len(t) for t in doc) <= MAX_RUN_CHARS
    assert prepared(language.nlp, "an ordinary sentence.") == "an ordinary sentence."


def test_relations_per_sentence_are_bounded(extractor) -> None:
    text = " ".join(f"“x{i},” said Jane Doe and “y{i},” said Marek Holt," for i in range(40)) + " it ended."
    parsed = extractor.parse(text)
    per_sentence: dict[tuple[int, int], int] = {}
    for rel in rule_relations(parsed):
        per_sentence[rel.sentence] = per_sentence.get(rel.sentence, 0) + 1
    assert per_sentence and max(per_sentence.values()) <= MAX_RELATIONS_PER_SENTENCE


# --------------------------------------------------------------------------- indexes = walks


def test_tokens_by_bisection_are_the_tokens_of_a_walk(extractor) -> None:
    text = PARAGRAPH + "\n\n  Second paragraph, said Jane Doe.  \n" + PARAGRAPH
    parsed = extractor.parse(text)
    rnd = random.Random(3)
    for _ in range(300):
        s = rnd.randrange(len(text))
        e = rnd.randrange(s, len(text) + 1)
        walk: list[Any] = []
        for off, doc in parsed.docs:  # the definition: the first doc holding s, its tokens in [s, e)
            if off <= s < off + len(doc.text) + 1:
                walk = [t for t in doc if s <= off + t.idx and off + t.idx + len(t) <= e]
                break
        assert [(t.doc, t.i) for t in parsed.tokens(s, e)] == [(t.doc, t.i) for t in walk]
    for off, sent in parsed.sentences():
        for tok in sent:
            assert parsed.offset_of(tok) == off


def _statement_date_walk(s0: int, s1: int, refs: list[Any], published: str, cue: int, text: str) -> str | None:
    """statement_date as first written: every ref judged, then the nearest plausible one."""
    import re

    cands = [r for r in refs if s0 <= r.start and r.end <= s1 and r.date is not None
             and r.precision == "day" and r.relation == "on" and r.date <= published]

    def plausible(r: Any) -> bool:
        if r.start >= cue:
            gap = text[cue:r.start]
            return not re.search(r"\bthat\b|[\"“”«»]", gap, re.IGNORECASE) and len(gap.split()) <= 9
        if r.end > cue:
            return True
        if not re.search(r"[,\"“”«»]", text[r.end:cue]):
            return True
        return not text[s0:r.start].strip(" \t\n\"“”'‘’«»(")

    def distance(r: Any) -> tuple[int, int]:
        return (r.start - cue, 0) if r.start >= cue else (max(0, cue - r.end), 1)

    usable = [r for r in cands if plausible(r)]
    return min(usable, key=distance).date if usable else None


def test_statement_date_is_the_nearest_plausible_ref() -> None:
    rnd = random.Random(5)
    words = ["said", "Tuesday", "on Monday", "that", ",", "“", "the", "port", "yesterday", "Oct. 3",
             "officials", "and", "closed", "Wednesday", "«", "("]
    for _ in range(400):
        text = " ".join(rnd.choice(words) for _ in range(rnd.randrange(3, 30)))
        refs = find_time_refs(text, PUBLISHED)
        for cue in [k for k in range(len(text)) if text.startswith("said", k)] or [0]:
            assert statement_date(0, len(text), refs, PUBLISHED, cue_start=cue, text=text) == \
                _statement_date_walk(0, len(text), refs, PUBLISHED, cue, text), text


def test_nearest_cue_by_bisection_is_the_nearest_by_scan() -> None:
    rnd = random.Random(11)
    for _ in range(300):
        spans, pos = [], 0
        for _k in range(rnd.randrange(1, 25)):
            pos += rnd.randrange(0, 6)
            end = pos + rnd.randrange(1, 6)
            spans.append((rnd.choice(["cue", "cue", "source", "content"]), pos, end))
            pos = end
        cues = [(s, e) for r, s, e in spans if r == "cue"]
        if not cues:
            continue
        text = "x" * (pos + 1)
        fast, slow = ({c: Relation(cue=c, source=None, content=[], sentence=(0, pos)) for c in cues}
                      for _ in range(2))
        _attach(text, spans, cues, fast)
        _attach_by_scan(text, spans, cues, slow)
        assert [(r.source, r.content) for r in fast.values()] == [(r.source, r.content) for r in slow.values()]


def test_free_indexes_skip_the_taken() -> None:
    free = Free(6)
    for i in (2, 3, 0):
        free.take(i)
    assert [free.at_or_before(i) for i in range(-1, 6)] == [-1, -1, 1, 1, 1, 4, 5]
    assert [free.at_or_after(i) for i in range(7)] == [1, 1, 4, 4, 4, 5, 6]


def test_resolver_answers_as_a_walk_over_all_mentions() -> None:
    people = [(0, 10, "Odile Strand"), (500, 510, "Greta Lindqvist")]
    resolver = Resolver(people, [(20, 30, "Harbor Wire", "ORG")])
    named = [
        Mention(40, 50, "South Korea's Defense Ministry", "South Korea's Defense Ministry", "government", head="ministry"),
        Mention(60, 70, "Vesland Shipping", "Vesland Shipping", "organisation", head="shipping"),
        Mention(80, 90, "Marek Holt", "Marek Holt", "person", head="holt"),
    ]
    for m in named:
        resolver.remember(m)
    strand = resolver.resolve(Mention(100, 106, "Strand", "Strand", "person", head="strand"))
    assert strand.entity == "Strand"  # no earlier "... Strand" was quoted: stays itself
    holt = resolver.resolve(Mention(110, 114, "Holt", "Holt", "person", head="holt"))
    assert holt.entity == "Marek Holt"
    ministry = resolver.resolve(Mention(120, 135, "Defense Ministry", "Defense Ministry", "government",
                                        head="ministry", form="definite-named"))
    assert ministry.entity == "South Korea's Defense Ministry"
    company = resolver.resolve(Mention(140, 151, "the company", None, head="company", form="definite"))
    assert company.entity == "Vesland Shipping"
    he = resolver.resolve(Mention(150, 152, "he", None, "person", head="he", form="pronoun"))
    assert he.entity == "Marek Holt"  # the last speaker, within a few sentences
    she = resolver.resolve(Mention(1200, 1203, "she", None, "person", head="she", form="pronoun"))
    assert she.entity == "Greta Lindqvist"  # no recent speaker: the last person named
    it = resolver.resolve(Mention(160, 162, "it", None, head="it", form="pronoun"))
    assert it.entity == "Vesland Shipping"
