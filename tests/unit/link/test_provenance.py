"""Provenance graph (link/provenance.py): origins, independence, circularity, export."""

from __future__ import annotations

import json
import xml.dom.minidom
from collections import Counter

from newstrace.link.claimgroups import ClaimGrouper
from newstrace.link.copies import CopyIndex
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
    kinds = Counter(k for _, _, k, _ in graph.edges)
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
    assert ("article:%d" % names.index(copy), "article:%d" % names.index(orig), "copies", {}) in graph.edges
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
    # the one gold group grouped cleanly (2 members found) gets the gold count: two origins,
    # not circular. Its origins read "Fergal Mayhew" and "dockers' union" where gold has the
    # union and the port authority: the union's secretary is not resolved to the union, and
    # the port's acknowledgement is not grouped with the warning. Impure groups (the
    # postponed inspection, the evacuation) do not get gold's answers; see the module notes.
    seals = matched["union-warned-seals"]
    assert seals.independent_origins == 2 and not seals.circular
    assert all(p.first_seen for p in matched.values())
    xml.dom.minidom.parseString(to_graphml(graph))
    xml.dom.minidom.parseString(to_gexf(graph))
