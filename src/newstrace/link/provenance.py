"""Provenance graph: who reported which claim, citing whom, copied from where.

A :class:`ProvenanceGraph` is plain data: ``nodes`` (id -> attributes, with ``kind`` one of
``outlet``, ``article``, ``source``) and ``edges`` (source, target, ``kind``, attributes):

* ``reports``: article -> the claim's immediate source (first chain hop), and outlet ->
  article ("published");
* ``cites``: chain hop i -> hop i+1 (the source that relayed it -> the one it cites);
* ``copies``: copy article -> original article (from a :class:`CopyIndex`).

:func:`build` also summarises each claim group (:class:`GroupProvenance`): its ``origins``
(the last chain hop of each member, a copy's members counted as its original's),
``independent_origins`` (distinct origins once anonymous descriptions relayed by the same
outlet are merged: "a senior port official" and "the official" quoted by Harbor Wire are
one person), ``first_seen``, ``relayed_by`` and ``circular`` (at least
:data:`CIRCULAR_MIN_MEMBERS` reports from at least :data:`CIRCULAR_MIN_OUTLETS` outlets
reducing to one origin). :func:`to_graphml`, :func:`to_gexf` and :func:`to_json` export it;
the XML is written by hand with every value escaped (contents are hostile input).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from newstrace.link.claimgroups import ClaimGrouper, content_text
from newstrace.models import Article, Claim

#: Members (reports) a group needs before it can be called circular: two reports of one
#: origin are ordinary relaying, three or more from several outlets is an echo chamber.
CIRCULAR_MIN_MEMBERS = 3
#: ... from at least this many outlets.
CIRCULAR_MIN_OUTLETS = 2

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_PRONOUNS = frozenset("he she it they we i you who which that this one his her their its".split())


def _norm(name: str) -> str:
    n = name.strip().lower().replace("’", "'")
    n = re.sub(r"^(the|a|an)\s+", "", n)
    n = re.sub(r"'s\b", "", n)
    return re.sub(r"\s+", " ", n)


@dataclass
class GroupProvenance:
    group: int
    origins: list[str]
    independent_origins: int
    first_seen: str | None
    relayed_by: list[str]
    circular: bool
    members: int


@dataclass
class ProvenanceGraph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    groups: dict[int, GroupProvenance] = field(default_factory=dict)

    def node(self, nid: str, kind: str, **attrs: Any) -> str:
        if nid not in self.nodes:
            self.nodes[nid] = {"kind": kind, "label": attrs.pop("label", nid), **attrs}
        return nid

    def edge(self, a: str, b: str, kind: str, **attrs: Any) -> None:
        self.edges.append((a, b, kind, attrs))


def _is_anonymous(claim: Claim, hop: str, last: bool) -> bool:
    if last and claim.source is not None and claim.source.type == "anonymous" and len(claim.chain) <= 1:
        return True
    return bool(re.match(r"^(a|an|one|two|several|some)\s", hop.strip().lower())) or "anonym" in hop.lower()


def build(
    grouper: ClaimGrouper,
    articles: Mapping[int, Article],
    claims: Mapping[int, Sequence[Claim]],
    copies: Any = None,
) -> ProvenanceGraph:
    """The graph of every claim the grouper holds. ``copies`` is a CopyIndex (or anything
    with ``root_of(doc_id)``), or None."""
    g = ProvenanceGraph()

    def root(aid: int) -> int:
        if copies is None:
            return aid
        try:
            return copies.root_of(aid)
        except KeyError:
            return aid

    for aid, art in articles.items():
        an = g.node(f"article:{aid}", "article", label=art.title or art.source, date=art.published or "")
        if art.outlet:
            g.edge(g.node(f"outlet:{_norm(art.outlet)}", "outlet", label=art.outlet), an, "reports")
        if root(aid) != aid:
            g.edge(an, f"article:{root(aid)}", "copies")
    for gid, grp in grouper.groups.items():
        origins: dict[tuple[str, str], str] = {}
        via: dict[tuple[str, str], set[str]] = {}
        outlets: set[str] = set()
        dates: list[str] = []
        for aid, ci in grp.members:
            art, claim = articles[aid], claims[aid][ci]
            outlet = articles[root(aid)].outlet or f"article {root(aid)}"
            outlets.add(_norm(art.outlet or f"article {aid}"))
            if claim.date or art.published:
                dates.append(claim.date or art.published or "")
            fallback = (claim.source.entity or claim.source.text) if claim.source else outlet
            chain = [h for h in claim.chain if _norm(h) not in _PRONOUNS] or [
                outlet if _norm(fallback) in _PRONOUNS else fallback
            ]
            prev = f"article:{aid}"
            for i, hop in enumerate(chain):
                hid = g.node(f"source:{_norm(hop)}", "source", label=hop)
                g.edge(prev, hid, "reports" if i == 0 else "cites", group=gid, content=content_text(claim))
                prev = hid
            last = chain[-1]
            relay = chain[-2] if len(chain) > 1 else outlet
            if _is_anonymous(claim, last, True):
                key = ("anonymous", _norm(relay))
                label = f"{last} (anonymous, via {relay})"
            else:
                key = ("named", _norm(last))
                label = last
            origins.setdefault(key, label)
            via.setdefault(key, set()).add(_norm(outlet))
        # an origin that is itself an outlet reporting the claim in the group ("Harbor Wire
        # reported ...") is a relay: its own members carry the real origin
        for key in list(origins):
            if key[0] == "named" and len(origins) > 1:
                if any(key[1] in outs for k2, outs in via.items() if k2 != key):
                    del origins[key]
        n_members = len({(root(a), c) if root(a) == a else (a, c) for a, c in grp.members})
        indep = len(origins)
        g.groups[gid] = GroupProvenance(
            group=gid,
            origins=sorted(origins.values()),
            independent_origins=indep,
            first_seen=min(dates) if dates else None,
            relayed_by=sorted(outlets),
            circular=indep == 1 and n_members >= CIRCULAR_MIN_MEMBERS and len(outlets) >= CIRCULAR_MIN_OUTLETS,
            members=len(grp.members),
        )
    return g


# -- export ---------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    return _XML_BAD.sub("\ufffd", str(value))


def _attr_keys(g: ProvenanceGraph) -> tuple[list[str], list[str]]:
    nk = sorted({k for a in g.nodes.values() for k in a})
    ek = sorted({"kind"} | {k for *_, a in g.edges for k in a})
    return nk, ek


def to_graphml(g: ProvenanceGraph) -> str:
    nk, ek = _attr_keys(g)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    for i, k in enumerate(nk):
        out.append(f'<key id="n{i}" for="node" attr.name={quoteattr(_clean(k))} attr.type="string"/>')
    for i, k in enumerate(ek):
        out.append(f'<key id="e{i}" for="edge" attr.name={quoteattr(_clean(k))} attr.type="string"/>')
    out.append('<graph edgedefault="directed">')
    for nid, attrs in g.nodes.items():
        out.append(f"<node id={quoteattr(_clean(nid))}>")
        out += [f'<data key="n{nk.index(k)}">{escape(_clean(v))}</data>' for k, v in attrs.items()]
        out.append("</node>")
    for a, b, kind, attrs in g.edges:
        out.append(f"<edge source={quoteattr(_clean(a))} target={quoteattr(_clean(b))}>")
        out += [f'<data key="e{ek.index(k)}">{escape(_clean(v))}</data>' for k, v in {"kind": kind, **attrs}.items()]
        out.append("</edge>")
    out += ["</graph>", "</graphml>"]
    return "\n".join(out) + "\n"


def to_gexf(g: ProvenanceGraph) -> str:
    nk, ek = _attr_keys(g)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
        '<graph defaultedgetype="directed">',
        '<attributes class="node">',
    ]
    out += [f'<attribute id="{i}" title={quoteattr(_clean(k))} type="string"/>' for i, k in enumerate(nk)]
    out += ["</attributes>", '<attributes class="edge">']
    out += [f'<attribute id="{i}" title={quoteattr(_clean(k))} type="string"/>' for i, k in enumerate(ek)]
    out += ["</attributes>", "<nodes>"]
    for nid, attrs in g.nodes.items():
        out.append(f"<node id={quoteattr(_clean(nid))} label={quoteattr(_clean(attrs.get('label', nid)))}><attvalues>")
        out += [f'<attvalue for="{nk.index(k)}" value={quoteattr(_clean(v))}/>' for k, v in attrs.items()]
        out.append("</attvalues></node>")
    out.append("</nodes><edges>")
    for i, (a, b, kind, attrs) in enumerate(g.edges):
        out.append(f'<edge id="{i}" source={quoteattr(_clean(a))} target={quoteattr(_clean(b))}><attvalues>')
        out += [
            f'<attvalue for="{ek.index(k)}" value={quoteattr(_clean(v))}/>' for k, v in {"kind": kind, **attrs}.items()
        ]
        out.append("</attvalues></edge>")
    out += ["</edges>", "</graph>", "</gexf>"]
    return "\n".join(out) + "\n"


def to_json(g: ProvenanceGraph) -> dict[str, Any]:
    return {
        "nodes": [{"id": nid, **attrs} for nid, attrs in g.nodes.items()],
        "edges": [{"source": a, "target": b, "kind": k, **attrs} for a, b, k, attrs in g.edges],
        "groups": [vars(p).copy() for p in g.groups.values()],
    }
