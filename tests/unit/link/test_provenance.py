"""Provenance graph (link/provenance.py): origins, independence, circularity, export."""

from __future__ import annotations

import json
import xml.dom.minidom
from collections import Counter

from newstrace.link.claimgroups import ClaimGrouper
from newstrace.link.copies import CopyIndex
from newstrace.models import Edge
from newstrace.link.provenance import build, to_gexf, to_graphml, to_json
from tests.unit.link.test_claimgroups import FILLER, art, claim, gold_members, group_sample

TEXT = "a safety inspection of the quay's transfer equipment had been postponed twice this year"


def _world(reports: list[tuple[str, list[str], str]]):
    """reports: (outlet, chain, source type of the last hop) -> grouper, articles, claims."""
    g = ClaimGrouper()
    articles, claims = {}, {}
    for i, text in enumerate(FILLER):
        articles[100 + i], claims[100 + i] = art("Filler"), [claim(text)]
        g.add(100 + i, 0, claims[100 + i][0], articles[100 + i])
    for i, (outlet, chain, stype) in enumerate(reports):
        articles[i] = art(outlet, f"2025-10-{7 + i:02d}")
        claims[i] = [claim(TEXT, source=chain[0], chain=chain, stype=stype)]
        g.add(i, 0, claims[i][0], articles[i])
    return g, articles, claims


def _group_of_text(g: ClaimGrouper, graph):
    return graph.groups[g.group_of(0, 0)]


def test_one_anonymous_source_relayed_everywhere_is_circular() -> None:
    g, arts, cls = _world(
        [
            ("Harbor Wire", ["a senior port official"], "anonymous"),
            ("Gazette", ["Harbor Wire", "a senior port official"], "news-outlet"),
            ("Ledger", ["Harbor Wire", "a port official"], "news-outlet"),
            ("Radio", ["Harbor Wire"], "news-outlet"),
        ]
    )
    p = _group_of_text(g, build(g, arts, cls))
    assert p.independent_origins == 1 and p.circular
    assert p.first_seen == "2025-10-07"
    assert p.relayed_by == ["gazette", "harbor wire", "ledger", "radio"]


def test_two_named_origins_are_independent() -> None:
    g, arts, cls = _world(
        [
            ("Harbor Wire", ["Marrowick Port Authority"], "government"),
            ("Gazette", ["Meridian Track"], "organisation"),
            ("Ledger", ["the Marrowick Port Authority"], "government"),
        ]
    )
    p = _group_of_text(g, build(g, arts, cls))
    assert p.independent_origins == 2 and not p.circular
    assert p.origins == ["Marrowick Port Authority", "Meridian Track"]


def test_anonymous_sources_through_different_outlets_stay_apart() -> None:
    g, arts, cls = _world(
        [
            ("Harbor Wire", ["a senior port official"], "anonymous"),
            ("Gazette", ["a senior port official"], "anonymous"),
        ]
    )
    assert _group_of_text(g, build(g, arts, cls)).independent_origins == 2


def test_edges_and_hostile_export() -> None:
    evil = 'Evil <b>"&\' Outlet\x01'
    g, arts, cls = _world([(evil, ["<script>alert(1)</script>", "a & b"], "person")])
    graph = build(g, arts, cls)
    kinds = Counter(e.kind for e in graph.edges)
    assert kinds["cites"] >= 1 and kinds["reports"] >= 1
    for text in (to_graphml(graph), to_gexf(graph)):
        xml.dom.minidom.parseString(text)  # well-formed despite the content
        assert "<script>" not in text
    assert json.loads(json.dumps(to_json(graph)))["groups"]


def test_copies_collapse_to_the_original(sample, names) -> None:
    orig, copy = "harborwire-ammonia-leak-marrowick.html", "estuarypost-tanker-leak-ammonia-cloud.html"
    ci = CopyIndex()
    ci.add(names.index(orig), sample[orig])
    ci.add(names.index(copy), sample[copy])
    g = ClaimGrouper()
    arts = {names.index(orig): sample[orig], names.index(copy): sample[copy]}
    cls = {names.index(orig): [claim(TEXT, source="a port official", stype="anonymous")],
           names.index(copy): [claim(TEXT, source="a port official", stype="anonymous")]}
    for aid in arts:
        g.add(aid, 0, cls[aid][0], arts[aid])
    graph = build(g, arts, cls, ci)
    assert Edge("article:%d" % names.index(copy), "article:%d" % names.index(orig), "copies", {}) in graph.edges
    p = graph.groups[g.group_of(names.index(orig), 0)]
    # the copy's anonymous source is relayed by the original's outlet: one origin, not two
    assert p.independent_origins == 1 and not p.circular


def test_sample_provenance(sample, sample_claims, names, gold) -> None:
    g = group_sample(sample, sample_claims, names)
    ci = CopyIndex()
    for n in sorted(names, key=lambda n: (sample[n].published or "", n)):
        ci.add(names.index(n), sample[n])
    arts = {names.index(n): sample[n] for n in names}
    graph = build(g, arts, {names.index(n): sample_claims[n] for n in names}, ci)
    members = gold_members(gold, sample_claims, names)
    matched = {}
    for grp in gold["claim_groups"]:
        keys = [k for k, v in members.items() if v == grp["id"] and not g.is_denial(*k)]
        if keys:
            gid = Counter(g.group_of(*k) for k in keys).most_common(1)[0][0]
            matched[grp["id"]] = graph.groups[gid]
    # measured (bench/linking_claims.py): 7 of 9 gold groups get gold's independent-origin
    # count, 9 of 9 gold's circular flag
    post = matched["inspection-postponed"]
    assert post.independent_origins == 1 and post.circular  # one anonymous official, 13 reports
    corr = matched["coupling-corrosion"]
    assert corr.independent_origins == 1 and corr.circular  # one anonymous source, two outlets
    seals = matched["union-warned-seals"]
    assert seals.independent_origins == 2 and not seals.circular
    assert matched["coupling-failed"].circular  # one named origin relayed by several outlets
    # the anaphoric denials ("denied the report") sit with the claim they deny
    assert "Ministry of Transport" in post.denied_by and len(post.denied_by) <= 2
    assert all(p.first_seen for p in matched.values())
    xml.dom.minidom.parseString(to_graphml(graph))
    xml.dom.minidom.parseString(to_gexf(graph))


def test_two_reports_of_one_anonymous_source_are_circular() -> None:
    g, arts, cls = _world(
        [
            ("Gazette", ["a source familiar with the investigation"], "anonymous"),
            ("Harbor Wire", ["Gazette", "a source familiar with the investigation"], "news-outlet"),
        ]
    )
    p = _group_of_text(g, build(g, arts, cls))
    assert p.independent_origins == 1 and p.circular
    assert p.label == TEXT


def test_one_named_origin_relayed_by_several_outlets_is_circular() -> None:
    g, arts, cls = _world(
        [
            ("Harbor Wire", ["Agnes Tully, chief of the Marrowick Fire Service"], "person"),
            ("Gazette", ["the Marrowick Fire Service"], "government"),
            ("Ledger", ["Harbor Wire", "Agnes Tully"], "person"),
        ]
    )
    # "Agnes Tully, chief of the Marrowick Fire Service" speaks for the service: one origin
    for aid, c in cls.items():
        if aid < 100 and c[0].chain[-1].startswith("Agnes Tully,"):
            c[0].source.text = c[0].chain[-1]  # type: ignore[union-attr]
            c[0].source.entity = "Agnes Tully"  # type: ignore[union-attr]
            c[0].chain = ["Agnes Tully"]
    p = _group_of_text(g, build(g, arts, cls))
    # several reports from several outlets reduce to one origin: circular, as documented
    assert p.independent_origins == 1 and p.circular
    assert p.origins == ["Marrowick Fire Service"]
    [origin] = [o for o in p.details if o.counts]
    assert origin.name == "Marrowick Fire Service" and origin.kind == "named"
    assert "3 original articles" in origin.why


def test_late_anonymous_echo_and_unattributed_members_add_no_origin() -> None:
    g, arts, cls = _world(
        [
            ("Harbor Wire", ["a senior port official"], "anonymous"),
            ("Gazette", ["Harbor Wire", "a senior port official"], "news-outlet"),
            ("Ledger", ["Harbor Wire", "a senior port official"], "news-outlet"),
            ("Bulletin", ["several residents"], "anonymous"),  # heard after three outlets printed it
        ]
    )
    cls[4] = [claim(TEXT)]
    cls[4][0].source = None
    cls[4][0].chain = []
    arts[4] = art("Radio", "2025-10-12")
    g.add(4, 0, cls[4][0], arts[4])
    p = _group_of_text(g, build(g, arts, cls))
    assert p.independent_origins == 1 and p.circular
    assert p.origins == ["a senior port official (anonymous, via Harbor Wire)"]


def test_denied_by_merges_a_body_and_its_shorter_names() -> None:
    g, arts, cls = _world([("Harbor Wire", ["a senior port official"], "anonymous")])
    for i, who in enumerate(["Ministry of Transport", "Calderra's Ministry of Transport", "ministry"]):
        aid = 50 + i
        arts[aid] = art(f"Outlet{i}", "2025-10-09")
        cls[aid] = [claim("any inspection had been postponed twice this year at the quay", source=who,
                          stance="denied", stype="government")]
        g.add(aid, 0, cls[aid][0], arts[aid])
    p = _group_of_text(g, build(g, arts, cls))
    assert len(g.groups[g.group_of(0, 0)].denials) == 3
    assert len(p.denied_by) == 1


def test_spokesperson_speaks_for_the_body_quoted_in_the_same_article() -> None:
    g, arts, cls = _world([("Harbor Wire", ["a senior port official"], "anonymous")])
    arts[60] = art("Northlight", "2025-10-09")
    cls[60] = [claim("any inspection had been postponed twice this year at the quay", source="Ministry of Transport",
                     stance="denied", stype="government"),
               claim("any inspection had been postponed twice this year at the quay", source="Corin Blaise",
                     stance="denied")]
    cls[60][1].source.text = "spokesman Corin Blaise"  # type: ignore[union-attr]
    for i, c in enumerate(cls[60]):
        g.add(60, i, c, arts[60])
    p = _group_of_text(g, build(g, arts, cls))
    assert p.denied_by == ["Ministry of Transport"]
