"""Claim groups (link/claimgroups.py): paraphrases grouped, numbers and denials respected."""

from __future__ import annotations

from collections import Counter

from newstrace.link.claimgroups import ClaimGrouper, content_text
from newstrace.link.score import score_clusters
from newstrace.models import Article, Claim, Quantity, SourceRef, Span


def claim(text: str, source: str = "Someone", stance: str = "asserted", chain: list[str] | None = None,
          date: str | None = None, quantities: list[Quantity] | None = None, stype: str = "person") -> Claim:
    return Claim(
        source=SourceRef(0, len(source), source, entity=source, type=stype),  # type: ignore[arg-type]
        cue=Span(0, 4, "said"),
        content=[Span(0, len(text), text)],
        chain=chain if chain is not None else [source],
        stance=stance,  # type: ignore[arg-type]
        date=date,
        quantities=quantities or [],
    )


def art(outlet: str, published: str = "2025-10-07") -> Article:
    return Article(source=f"{outlet}.html", kind="html", outlet=outlet, published=published, paragraphs=["x"])


FILLER = [
    "the mayor ordered a review of the city's emergency alert system",
    "schools in the district would stay closed on Tuesday",
    "the tram line extension would cost about 212 million crowns",
    "firefighters had used water curtains to knock down the vapor cloud",
    "the crew had followed emergency procedures on the night",
    "the council will vote on the budget next month",
]


def _grouper_with_filler() -> ClaimGrouper:
    g = ClaimGrouper()
    for i, text in enumerate(FILLER):
        g.add(100 + i, 0, claim(text), art("Filler"))
    return g


def test_paraphrases_group_and_unrelated_do_not() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, claim("a safety inspection of the quay's transfer equipment had been postponed twice this year"), art("A"))
    b = g.add(2, 0, claim("a required inspection of the quay's transfer equipment had been postponed twice"), art("B"))
    c = g.add(3, 0, claim("the leak began shortly before midnight at the quay"), art("C"))
    assert a == b
    assert c != a


def test_numbers_must_agree() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, claim("up to 3,000 North Korean troops had been sent to the front"), art("A"))
    b = g.add(2, 0, claim("about 10,000 North Korean troops had been sent to the front"), art("B"))
    c = g.add(3, 0, claim("up to 3,000 North Korean troops were sent to the front"), art("C"))
    assert a != b
    assert a == c


def test_names_must_not_conflict() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, claim("the shipment was loaded at Skarnes before the leak"), art("A"))
    b = g.add(2, 0, claim("the shipment was loaded at Aldenport before the leak"), art("B"))
    assert a != b


def test_denial_attaches_to_denied_group() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, claim("a safety inspection at Quay 9 had been postponed twice this year"), art("A"))
    d = g.add(2, 0, claim("any inspection at Quay 9 had been postponed twice", source="Ministry", stance="denied"), art("B"))
    assert d == a
    assert g.groups[a].members == [(1, 0)] and g.groups[a].denials == [(2, 0)]
    assert g.is_denial(2, 0) and not g.is_denial(1, 0)
    # adding twice returns the same group and does not duplicate
    assert g.add(1, 0, claim("whatever"), art("A")) == a
    assert len(g.groups[a].members) == 1


def test_candidates_come_from_rare_terms_only() -> None:
    g = ClaimGrouper()
    for i in range(200):
        g.add(i, 0, claim(f"the port said something number{i} today"), art("X"))
    # "port", "something", "today" are in 200 claims: far above MAX_POSTING, not indexed for lookup
    from newstrace.link import claimgroups

    assert len(g._postings["port"]) > claimgroups.MAX_POSTING


# -- the sample corpus ----------------------------------------------------------------------


def gold_members(gold: dict, sample_claims: dict[str, list[Claim]], names: list[str]) -> dict[tuple[int, int], str]:
    """(doc id, claim index) -> gold group id, for the gold members some claim covers."""
    out: dict[tuple[int, int], str] = {}
    for grp in gold["claim_groups"]:
        for page, sub in grp["members"]:
            for i, c in enumerate(sample_claims[page]):
                text = content_text(c).lower()
                if sub.lower() in text or (len(text) > 15 and text in sub.lower()):
                    out[(names.index(page), i)] = grp["id"]
                    break
    return out


def group_sample(sample: dict[str, Article], sample_claims: dict[str, list[Claim]], names: list[str]) -> ClaimGrouper:
    g = ClaimGrouper()
    for name in sorted(names, key=lambda n: (sample[n].published or "", n)):
        for i, c in enumerate(sample_claims[name]):
            g.add(names.index(name), i, c, sample[name])
    return g


def test_sample_claim_groups_bcubed(sample, sample_claims, names, gold) -> None:
    g = group_sample(sample, sample_claims, names)
    members = gold_members(gold, sample_claims, names)
    assert len(members) >= 40  # of the 52 gold members (some are not extracted as claims)
    # a denial is scored as its own cluster ("denials of group X"), as gold keeps denials apart
    pred = {k: (("denied", g.group_of(*k)) if g.is_denial(*k) else g.group_of(*k)) for k in members}
    p, r, f1 = score_clusters(pred, members)
    # measured: p 0.97, r 0.53, f1 0.69 (see the calibration notes in claimgroups.py)
    assert p >= 0.9 and r >= 0.5 and f1 >= 0.65, (p, r, f1)
    # the anaphoric denials ("denied the report", "rejected that account") sit with the claim
    # they deny: most gold members of the denial group are denials of one predicted group
    denials = [k for k, v in members.items() if v == "ministry-denies-postponement" and g.is_denial(*k)]
    top = Counter(g.group_of(*k) for k in denials).most_common(1)[0][1]
    assert len(denials) >= 8 and top >= len(denials) - 2, (len(denials), top)


# -- structure: anaphoric denials, negations, source mentions, ids ----------------------------


def spanned(text: str, start: int, source: str = "Someone", stance: str = "asserted", cue: str = "said",
            stype: str = "person", chain: list[str] | None = None) -> Claim:
    """A claim whose content sits at ``start`` of an article text (cue just before it)."""
    return Claim(
        source=SourceRef(max(0, start - 20), max(0, start - 10), source, entity=source, type=stype),  # type: ignore[arg-type]
        cue=Span(max(0, start - 8), max(0, start - 4), cue),
        content=[Span(start, start + len(text), text)],
        chain=chain if chain is not None else [source],
        stance=stance,  # type: ignore[arg-type]
    )


def test_anaphoric_denial_attaches_to_the_claim_it_follows() -> None:
    g = _grouper_with_filler()
    first = g.add(1, 0, claim("a safety inspection of the quay's transfer equipment had been postponed twice this year"),
                  art("A"))
    body = Article(source="b.html", kind="html", outlet="B", published="2025-10-09", paragraphs=[
        "The mayor spoke about the schools in the district at length on Monday.",
        "Harbor Wire reported that a required inspection of the quay's equipment had been postponed twice this year.",
        "The Ministry of Transport has denied the report.",
    ])
    text = body.text
    reported = "a required inspection of the quay's equipment had been postponed twice this year"
    c0 = spanned("schools in the district", text.index("schools"))
    c1 = spanned(reported, text.index(reported), source="Harbor Wire", cue="reported", stype="news-outlet")
    c2 = spanned("the report", text.index("the report."), source="Ministry of Transport", stance="denied",
                 cue="denied", stype="government")
    g.add(2, 0, c0, body)
    assert g.add(2, 1, c1, body) == first
    assert g.add(2, 2, c2, body) == first
    assert (2, 2) in g.groups[first].denials and g.is_denial(2, 2)
    # two bare "the report" denials with no referent are not one group
    other = Article(source="c.html", kind="html", outlet="C", published="2025-10-09", paragraphs=["It denied the report."])
    d1 = g.add(3, 0, spanned("the report", 10, stance="denied", cue="denied"), other)
    d2 = g.add(4, 0, spanned("the report", 10, stance="denied", cue="denied"), other)
    assert d1 != d2 and d1 != first


def test_anaphoric_denial_prefers_the_claim_its_noun_names() -> None:
    """"also denied the allegation" two paragraphs below what was alleged, a quote between."""
    g = _grouper_with_filler()
    body = Article(source="v.html", kind="html", outlet="V", published="2025-10-09", paragraphs=[
        "A green group has alleged that a 2023 shipping accord allowed carriers to skip port-state inspections.",
        "\"There is no side agreement and no waiver of any kind for our vessels,\" said a spokeswoman.",
        "The ministry also denied the allegation.",
    ])
    text = body.text
    alleged = "a 2023 shipping accord allowed carriers to skip port-state inspections"
    quote = "There is no side agreement and no waiver of any kind for our vessels"
    a = g.add(5, 0, spanned(alleged, text.index(alleged), source="Green group", cue="has alleged"), body)
    q = g.add(5, 1, spanned(quote, text.index(quote), source="spokeswoman"), body)
    d = g.add(5, 2, spanned("the allegation", text.index("the allegation"), source="ministry", stance="denied",
                            cue="denied"), body)
    assert d == a != q


def test_negated_paraphrase_is_a_denial() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, claim("a safety inspection at Quay 9 had been postponed twice this year"), art("A"))
    b = g.add(2, 0, claim("No inspection at Quay 9 was postponed twice this year", source="Ministry"), art("B"))
    assert a == b and g.is_denial(2, 0) and g.groups[a].denials == [(2, 0)]


def test_citing_mention_is_no_claim_to_group() -> None:
    g = _grouper_with_filler()
    a = g.add(1, 0, spanned("a senior port official", 30, cue="citing"), art("A"))
    b = g.add(2, 0, spanned("a senior port official who was not named", 30, cue="citing"), art("B"))
    c = g.add(3, 0, claim("a senior port official said the inspection was postponed twice"), art("C"))
    assert len({a, b, c}) == 3


def test_group_ids_stay_unique_after_merges() -> None:
    g = ClaimGrouper()
    seen: dict[int, tuple[int, int]] = {}
    texts = ["alpha bravo charlie delta", "echo foxtrot golf hotel", "alpha bravo charlie delta echo foxtrot golf hotel"]
    for i in range(60):
        t = texts[i % 3] + f" item{i // 3}"
        gid = g.add(i, 0, claim(t), art("X"))
        seen[i] = (i, 0)
    ids = list(g.groups)
    assert len(ids) == len(set(ids))
    for key, gid in g.assignments().items():
        assert key in g.groups[gid].members + g.groups[gid].denials
