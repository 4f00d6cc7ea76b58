"""Denials of an earlier claim: "..., a charge that both countries have denied".

The rules in attribution.py already give ``X denied the report`` / ``X rejected that ...`` a
denied stance (the verb is in lexicons.DENIAL_VERBS). What they cannot see is a denial whose
object is a relative pronoun standing for an accusation made in the same sentence: the
denial's content is then the accusation's content, and "both countries" stands for the two
parties named just before it (the accused), never the accusers.
"""

from __future__ import annotations



from newstrace.analyse import lexicons as lx
from newstrace.analyse.attribution import Parsed, Relation, span_of

#: Nouns that name a claim which can be denied.
CLAIM_NOUNS = frozenset({"charge", "claim", "allegation", "accusation", "report", "assertion", "account",
                         "suggestion", "claims", "charges", "allegations", "accusations", "reports"})


def relative_denials(parsed: Parsed, relations: list[Relation]) -> list[Relation]:
    """Denial relations for "<claim noun> that X denied" patterns."""
    out: list[Relation] = []
    for off, sent in parsed.sentences():
        s0, s1 = off + sent.start_char, off + sent.end_char
        for tok in sent:
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
            accusation = _claim_before(relations, s0, s1, off + noun.idx)
            content = list(accusation.content) if accusation else [span_of(list(noun.subtree)[:1] + [noun], off)]
            out.append(Relation(cue=cue, source=src, content=content, sentence=(s0, s1), kind="indirect",
                                stance="denied", source_root=subj))
    return out


def _claim_before(relations: list[Relation], s0: int, s1: int, pos: int) -> Relation | None:
    best = None
    for r in relations:
        if s0 <= r.cue[0] < pos and r.stance == "asserted" and r.sentence[1] <= s1:
            best = r
    return best


def both_parties(parsed: Parsed, before: int, exclude: list[tuple[int, int]]) -> list[str]:
    """The two most recent distinct countries or organisations named before ``before``,
    outside the ``exclude`` spans (the accusers): what "both countries" stands for."""
    seen: list[str] = []
    ents = [e for e in parsed.entities() if e[1] <= before and e[3] in ("GPE", "LOC", "ORG")]
    for s, e, name, _label in reversed(ents):
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


