"""Denials of an earlier claim: "..., a charge that both countries have denied".

The rules in attribution.py already give ``X denied the report`` / ``X rejected that ...`` a
denied stance (the verb is in lexicons.DENIAL_VERBS). What they cannot see is a denial whose
object is a relative pronoun standing for an accusation made in the same sentence: the
denial's content is then the accusation's content, and "both countries" stands for the two
parties named just before it (the accused), never the accusers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from newstrace.analyse import lexicons as lx
from newstrace.analyse.attribution import (
    MAX_RELATIONS_PER_SENTENCE,
    Offsets,
    Parsed,
    Relation,
    span_of,
)

#: Nouns that name a claim which can be denied.
CLAIM_NOUNS = frozenset({"charge", "claim", "allegation", "accusation", "report", "assertion", "account",
                         "suggestion", "claims", "charges", "allegations", "accusations", "reports"})


def relative_denials(parsed: Parsed, relations: list[Relation]) -> list[Relation]:
    """Denial relations for "<claim noun> that X denied" patterns."""
    out: list[Relation] = []
    # asserted relations by where their cue starts: those of one sentence are found by bisection
    asserted = sorted((r.cue[0], i) for i, r in enumerate(relations) if r.stance == "asserted")
    cue_starts = [c for c, _i in asserted]
    for off, sent in parsed.sentences():
        s0, s1 = off + sent.start_char, off + sent.end_char
        found = 0
        for tok in sent:
            if found == MAX_RELATIONS_PER_SENTENCE:
                break  # each copies an accusation's content: bounded as the rules are
            if tok.lemma_.lower() not in lx.DENIAL_VERBS or tok.dep_ != "relcl":
                continue
            noun = tok.head
            if noun.lemma_.lower() not in CLAIM_NOUNS:
                continue
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None:
                continue
            src = span_of(list(subj.subtree), off)
            aux = [c for c in tok.lefts if c.dep_ in ("aux", "neg", "advmod") and c.i > subj.i]
            cue = (off + (aux[0].idx if aux else tok.idx), off + tok.idx + len(tok))
            pos = off + noun.idx
            accusation = _claim_before(relations, asserted[bisect_left(cue_starts, s0):bisect_left(cue_starts, pos)], s1)
            content = list(accusation.content) if accusation else [span_of(list(noun.subtree)[:1] + [noun], off)]
            out.append(Relation(cue=cue, source=src, content=content, sentence=(s0, s1), kind="indirect",
                                stance="denied", source_root=subj))
            found += 1
    return out


def _claim_before(relations: list[Relation], candidates: list[tuple[int, int]], s1: int) -> Relation | None:
    """The last relation (in list order) among ``candidates`` (asserted, cue in the sentence
    before the claim noun: ``(cue start, index)`` pairs) that ends within the sentence."""
    best = max((i for _c, i in candidates if relations[i].sentence[1] <= s1), default=None)
    return relations[best] if best is not None else None


#: Entities looked at before "both countries" when naming the two parties: far more than the
#: two names a real sentence or paragraph puts before it (the two are the nearest distinct
#: countries or organisations), and a bound on a page that repeats one name thousands of times.
MAX_PARTY_LOOKBACK = 200


def both_parties(parsed: Parsed, before: int, exclude: list[tuple[int, int]]) -> list[str]:
    """The two most recent distinct countries or organisations named before ``before``,
    outside the ``exclude`` spans (the accusers): what "both countries" stands for."""
    parties = parsed.memo("parties", lambda: [e for e in parsed.entities() if e[3] in ("GPE", "LOC", "ORG")])
    ends = parsed.memo("party ends", lambda: [e for _s, e, _n, _l in parties])
    seen: list[str] = []
    k = bisect_right(ends, before)  # entities are in text order: those ending by ``before``
    for s, _e, name, _label in (parties[i] for i in range(k - 1, max(-1, k - 1 - MAX_PARTY_LOOKBACK), -1)):
        if any(xs <= s < xe for xs, xe in exclude):
            continue
        # a name used as a modifier still names the party: "Vesland-registered carriers"
        head, _, rest = name.partition("-")
        name = _strip_the(head if rest and rest.islower() else name)
        if name not in seen:
            seen.append(name)
        if len(seen) == 2:
            break
    return list(reversed(seen)) if len(seen) == 2 else []


def _strip_the(name: str) -> str:
    words = name.replace("’", "'").split()
    if len(words) > 1 and words[0].lower() == "the" and not words[1][:1].isupper():
        words = words[1:]
    return " ".join(words)


def accusers_of(relations: list[Relation], denial: Relation) -> list[tuple[int, int]]:
    return [r.source for r in relations if r.source and r.sentence == denial.sentence and r.stance == "asserted"]


def accusers_by_sentence(relations: Iterable[Relation]) -> dict[Offsets, list[Offsets]]:
    """:func:`accusers_of` for every sentence at once: sentence -> sources of its asserted
    relations, in list order."""
    out: dict[Offsets, list[Offsets]] = {}
    for r in relations:
        if r.source and r.stance == "asserted":
            out.setdefault(r.sentence, []).append(r.source)
    return out
