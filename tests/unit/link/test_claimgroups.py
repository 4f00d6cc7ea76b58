"""Claim groups (link/claimgroups.py): paraphrases grouped, numbers and denials respected."""

from __future__ import annotations

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
    # measured: p 0.69, r 0.57, f1 0.62 (see the calibration notes in claimgroups.py)
    assert p >= 0.6 and r >= 0.5 and f1 >= 0.58, (p, r, f1)
