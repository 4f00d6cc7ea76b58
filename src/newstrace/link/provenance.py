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
one person), ``first_seen``, ``relayed_by``, ``circular``, ``denied_by`` (distinct sources
of the group's denials) and ``label`` (the first member's content). Origins are merged and
weighed by general rules:

* names that contain one another ("ministry" / "Ministry of Transport" / "Calderra's
  Ministry of Transport"), a person and the organisation an appositive names ("Agnes Tully,
  chief of the Marrowick Fire Service", found anywhere in the corpus), and "<Place>
  government" with "<Place>'s <body>" are one origin;
* an outlet that itself reports the claim in the group is a relay, not an origin;
* a spokesperson named by role only ("spokesman X") speaks for the organisation the same
  article quotes on the claim;
* a member whose content is only a source named in the group's chains ("a senior port
  official who spoke on condition of anonymity") reports nothing;
* weak origins count only when nothing else is left: unattributed members (no source, or
  an unresolved pronoun: they relay their outlet), a pronoun resolved to a name (the
  weakest link of attribution), and an anonymous source first heard after
  :data:`LATE_ANONYMOUS_AFTER` other original articles had printed the claim (an echo).

A group is ``circular`` when its reports, from at least :data:`CIRCULAR_MIN_OUTLETS`
original articles, reduce to one origin, named or anonymous: "widely reported" that is one
source repeated. Every origin found is kept with why it counts or not (``details``). Measured on the sample gold
(bench/linking_claims.py): 7 of 9 groups get gold's independent-origin count (1 before),
9 of 9 its circular flag (7 before; the 13-report postponed-inspection claim is now
circular); the misses are groups the grouper splits or mixes. :func:`to_graphml`,
:func:`to_gexf` and :func:`to_json` export the graph; the XML is written by hand with
every value escaped (contents are hostile input).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from newstrace.link.claimgroups import ClaimGrouper, content_text
from newstrace.models import Article, Claim, Origin, ProvenanceGraph

#: Reports a group needs before it can be called circular ...
CIRCULAR_MIN_MEMBERS = 2
#: ... from at least this many original articles (copies count as their original). A group
#: is circular when all of it reduces to one origin, named or anonymous, printed by several
#: outlets: the README's definition (several reports from several outlets, one origin).
CIRCULAR_MIN_OUTLETS = 2
#: An anonymous origin first heard after this many other original articles had printed the
#: group's claim is an echo (vox pop: "several people said they had read ..."), not an
#: independent origin, unless nothing else is left.
LATE_ANONYMOUS_AFTER = 2

#: Source types that are bodies a spokesperson can speak for.
_BODY_TYPES = frozenset({"organisation", "government"})
#: A person introduced by a spokesperson's role only ("spokesman Corin Blaise", "a spokeswoman").
_SPOKESPERSON = re.compile(r"^(?:(?:a|an|the|its|his|her|their)\s+)?(?:\w+\s+)?(?:spokes(?:man|woman|person)|"
                          r"press\s+(?:officer|secretary)|representative)\b", re.I)
#: "Name, <role> of/at/for (the) Org", "Name, who chairs/heads/leads/runs the Org".
_APPOSITION = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+),\s+(?:(?:the|a|an)\s+)?"
    r"(?:(?:[\w'’-]+\s+){0,4}?(?:of|at|for)|who\s+(?:chairs|heads|leads|runs|speaks\s+for))\s+"
    r"(?:the\s+)?(?P<org>[A-Z][^,;]+?)\s*$"
)

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
    #: distinct sources denying the group's claim (a ministry and its spokesman are one)
    denied_by: list[str] = field(default_factory=list)
    #: the group's claim as first reported (its first member's content)
    label: str = ""
    #: every origin found, counted or not, with why; ``claims`` hold (article id, claim
    #: index) keys until the caller maps them to stored claim ids
    details: list[Origin] = field(default_factory=list)
    #: (article id, claim index) of the members each origin's ``claims`` list, in order
    detail_keys: list[list[tuple[int, int]]] = field(default_factory=list)


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
    affiliation = _affiliations(claims)
    for gid, grp in grouper.groups.items():
        g.groups[gid] = _summarise(g, gid, grp, articles, claims, root, affiliation)
    return g


def _affiliations(claims: Mapping[int, Sequence[Claim]]) -> dict[str, str]:
    """Person -> the organisation they speak for, from appositive source phrases anywhere in
    the corpus ("Agnes Tully, chief of the Marrowick Fire Service", "Mirela Dunmore, who
    chairs the Quayside Residents' Association"): a spokesperson and their organisation are
    one origin, not two."""
    out: dict[str, str] = {}
    for cl in claims.values():
        for c in cl:
            if c.source is None:
                continue
            m = _APPOSITION.match(c.source.text.strip())
            if m:
                out.setdefault(_norm(m.group("name")), m.group("org").strip())
                if c.source.entity:
                    out.setdefault(_norm(c.source.entity), m.group("org").strip())
    return out


class _Names:
    """Origin names of one group, merged when one names the other: a name contained in
    another at word boundaries ("ministry" / "Ministry of Transport" / "Calderra's Ministry
    of Transport", "dockers' union" / "Marrowick Dockers' Union"), a person and the
    organisation they speak for, and "<Place> government" with "<Place>'s <body>"."""

    def __init__(self, affiliation: Mapping[str, str]) -> None:
        self.aff = affiliation
        self.parent: dict[str, str] = {}
        self.label: dict[str, str] = {}

    def find(self, n: str) -> str:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def add(self, name: str) -> str:
        n = _norm(name)
        org = self.aff.get(n)
        if org is not None and _norm(org) != n:
            n = _norm(org)
            name = org
        if n not in self.parent:
            self.parent[n] = n
            self.label[n] = name
            for other in list(self.parent):
                if other != n and _same_body(n, other):
                    self.parent[self.find(n)] = self.find(other)
        return n

    def key(self, n: str) -> str:
        return self.find(n)


def _same_body(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    if re.search(r"(?:^|\s)" + re.escape(short) + r"(?:$|\s)", long_) and len(short) >= 4:
        return True
    for x, y in ((a, b), (b, a)):
        m = re.fullmatch(r"(?:government of (\w+)|(\w+) government)", x)
        if m and y.startswith((m.group(1) or m.group(2)) + " "):
            return True
    return False


def _summarise(
    g: ProvenanceGraph,
    gid: int,
    grp: Any,
    articles: Mapping[int, Article],
    claims: Mapping[int, Sequence[Claim]],
    root: Any,
    affiliation: Mapping[str, str],
) -> GroupProvenance:
    """The summary of one group (see the module notes)."""
    affiliation = _group_affiliations(grp, claims, affiliation)
    names = _Names(affiliation)
    members = sorted(grp.members, key=lambda k: (claims[k[0]][k[1]].date or articles[k[0]].published or "9999", k))
    found = _Origins(g, gid, names, grp, claims)
    dates: list[str] = []
    seen_roots: set[int] = set()
    for aid, ci in members:
        art, claim = articles[aid], claims[aid][ci]
        r = root(aid)
        when = claim.date or art.published
        if when:
            dates.append(when)
        found.add(aid, ci, r, articles[r].outlet or f"article {r}", _norm(art.outlet or f"article {aid}"),
                  prior_roots=len(seen_roots - {r}))
        seen_roots.add(r)
    final, details, keys = found.decide()
    indep = len(final)
    n_roots = len({root(a) for a, _ in grp.members})
    denied = _Names(affiliation)
    for aid, ci in grp.denials:
        claim = claims[aid][ci]
        who = [h for h in claim.chain if _norm(h) not in _PRONOUNS]
        name = who[-1] if who else (claim.source.entity or claim.source.text) if claim.source else None
        if name and _norm(name) not in _PRONOUNS:
            denied.add(name)
    first = (grp.members or grp.denials or [None])[0]
    return GroupProvenance(
        group=gid,
        origins=sorted(o["label"] for o in final.values()),
        independent_origins=indep,
        first_seen=min(dates) if dates else None,
        relayed_by=sorted(found.outlets),
        # several reports from several outlets that reduce to one origin, named or anonymous
        circular=indep == 1 and len(grp.members) >= CIRCULAR_MIN_MEMBERS and n_roots >= CIRCULAR_MIN_OUTLETS,
        members=len(grp.members),
        denied_by=sorted({denied.label[denied.key(n)] for n in denied.parent}),
        label=content_text(claims[first[0]][first[1]]) if first else "",
        details=details,
        detail_keys=keys,
    )


def _group_affiliations(grp: Any, claims: Mapping[int, Sequence[Claim]],
                        affiliation: Mapping[str, str]) -> dict[str, str]:
    """The corpus' affiliations, plus: a spokesperson named by role only ("spokesman Corin
    Blaise said") speaks for the organisation the same article quotes on the same claim."""
    speaks_for: dict[int, str] = {}
    for aid, ci in grp.members + grp.denials:
        src = claims[aid][ci].source
        if src is not None and src.type in _BODY_TYPES and (src.entity or "").strip():
            speaks_for.setdefault(aid, src.entity or "")
    out = dict(affiliation)
    for aid, ci in grp.members + grp.denials:
        src = claims[aid][ci].source
        if src is not None and aid in speaks_for and _SPOKESPERSON.match(src.text.strip()):
            for n in (src.text, src.entity or ""):
                if n:
                    out.setdefault(_norm(n), speaks_for[aid])
    return out


class _Origins:
    """The origins of one group's members, merged, weighed and explained."""

    def __init__(self, g: ProvenanceGraph, gid: int, names: _Names, grp: Any,
                 claims: Mapping[int, Sequence[Claim]]) -> None:
        self.g, self.gid, self.names, self.claims = g, gid, names, claims
        # every source named in the group's chains: a member whose content is only one of
        # them ("a senior port official who spoke on condition of anonymity", extracted as a
        # claim of its own) mentions a source and reports nothing
        self.hops = {_norm(h) for a, c in grp.members for h in claims[a][c].chain if len(_norm(h)) > 3}
        self.origins: dict[tuple[str, str], dict[str, Any]] = {}
        self.outlets: set[str] = set()
        self.roots: set[str] = set()

    def _entry(self, key: tuple[str, str], label: str, weak: bool, anon: bool, why: str) -> dict[str, Any]:
        o = self.origins.setdefault(key, {"label": label, "weak": weak, "anon": anon, "articles": set(),
                                          "keys": [], "outlets": set(), "why": why})
        if o["weak"] and not weak:
            o["why"] = why
        o["weak"] = o["weak"] and weak
        return o

    def add(self, aid: int, ci: int, r: int, outlet: str, outlet_key: str, *, prior_roots: int) -> None:
        claim = self.claims[aid][ci]
        self.outlets.add(outlet_key)
        self.roots.add(_norm(outlet))
        text = _norm(content_text(claim))
        chain = [h for h in claim.chain if _norm(h) not in _PRONOUNS]
        if any(text == h or text.startswith(h + " ") for h in self.hops if h not in {_norm(x) for x in chain}):
            return
        if not chain:
            if claim.source is None or not (claim.source.entity or "").strip():
                # unattributed (or an unresolved pronoun): the member relays its outlet's
                # reporting; its outlet is an origin only when nothing else is
                o = self._entry(("unattributed", _norm(outlet)), outlet, True, False,
                                f"{outlet}'s own reporting, no source named")
                self._note(o, aid, ci, r, outlet)
                return
            chain = [claim.source.entity or claim.source.text]
        last = chain[-1]
        relay = chain[-2] if len(chain) > 1 else outlet
        # a pronoun resolved to a name: the weakest link of attribution, no new origin when
        # the group has others
        weak = claim.source is not None and _norm(claim.source.text) in _PRONOUNS and len(chain) == 1
        why = "a named source" + (" (only through a pronoun)" if weak else "")
        if _is_anonymous(claim, last, True):
            # an anonymous source first heard after two other outlets had printed the claim
            # adds an unverifiable echo, not an independent origin
            echo = prior_roots >= LATE_ANONYMOUS_AFTER
            why = (f"an unnamed source first quoted after {prior_roots} other outlets had the claim: an echo"
                   if echo else f"an unnamed source, as {relay} quotes it")
            o = self._entry(("anonymous", _norm(relay)), f"{last} (anonymous, via {relay})", weak or echo, True, why)
        else:
            n = self.names.add(last)
            o = self._entry(("named", n), self.names.label[n], weak, False, why)
        self._note(o, aid, ci, r, outlet)
        prev = f"article:{aid}"
        for i, hop in enumerate(chain):
            hid = self.g.node(f"source:{_norm(hop)}", "source", label=hop)
            self.g.edge(prev, hid, "reports" if i == 0 else "cites", group=self.gid, content=content_text(claim))
            prev = hid

    @staticmethod
    def _note(o: dict[str, Any], aid: int, ci: int, r: int, outlet: str) -> None:
        o["articles"].add(r)
        o["keys"].append((aid, ci))
        o["outlets"].add(outlet)

    def decide(self) -> tuple[dict[tuple[str, str], dict[str, Any]], list[Origin], list[list[tuple[int, int]]]]:
        """The origins that count, and every origin with why it counts or not."""
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for (kind, n), o in self.origins.items():
            k = (kind, self.names.key(n)) if kind == "named" else (kind, n)
            if k in merged:
                m = merged[k]
                if m["weak"] and not o["weak"]:
                    m["why"] = o["why"]
                m["weak"] = m["weak"] and o["weak"]
                m["articles"] |= o["articles"]
                m["keys"] += o["keys"]
                m["outlets"] |= o["outlets"]
                if kind == "named":
                    m["label"] = self.names.label[self.names.key(n)]
            else:
                merged[k] = {**o, "articles": set(o["articles"]), "keys": list(o["keys"]),
                             "outlets": set(o["outlets"])}
        # an origin that is itself an outlet reporting the claim in the group ("Harbor Wire
        # reported ...") is a relay: its own members carry the real origin
        outlet_keys = {k[1] for k in merged if k[0] in ("anonymous", "unattributed")}
        relays = set()
        for key in merged:
            if key[0] == "named" and len(merged) > 1 and (key[1] in outlet_keys or key[1] in self.roots):
                if any(k2 != key and not merged[k2]["weak"] for k2 in merged):
                    relays.add(key)
        live = {k: o for k, o in merged.items() if k not in relays}
        # weak origins count only when nothing stronger is left (unattributed ones last)
        final = {k: o for k, o in live.items() if not o["weak"]}
        if not final:
            final = {k: o for k, o in live.items() if k[0] != "unattributed"} or live
        details, keys = [], []
        for k, o in sorted(merged.items(), key=lambda kv: (kv[0] not in final, kv[1]["label"].lower())):
            why = o["why"]
            if k in relays:
                why = "an outlet that reports the claim itself: a relay, not an origin"
            elif k not in final:
                why += "; not counted: stronger origins explain the reports"
            n = len(o["articles"])
            why += f" ({n} original article{'s' if n != 1 else ''})"
            details.append(Origin(o["label"], k[0], k in final, why, [], sorted(o["outlets"])))  # type: ignore[arg-type]
            keys.append(sorted(o["keys"]))
        return final, details, keys


# -- export ---------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    return _XML_BAD.sub("\ufffd", str(value))


def _attr_keys(g: ProvenanceGraph) -> tuple[list[str], list[str]]:
    nk = sorted({k for a in g.nodes.values() for k in a})
    ek = sorted({"kind"} | {k for e in g.edges for k in e.attrs})
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
    for e in g.edges:
        out.append(f"<edge source={quoteattr(_clean(e.source))} target={quoteattr(_clean(e.target))}>")
        out += [f'<data key="e{ek.index(k)}">{escape(_clean(v))}</data>' for k, v in {"kind": e.kind, **e.attrs}.items()]
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
    for i, e in enumerate(g.edges):
        out.append(f'<edge id="{i}" source={quoteattr(_clean(e.source))} target={quoteattr(_clean(e.target))}>'
                   "<attvalues>")
        out += [
            f'<attvalue for="{ek.index(k)}" value={quoteattr(_clean(v))}/>'
            for k, v in {"kind": e.kind, **e.attrs}.items()
        ]
        out.append("</attvalues></edge>")
    out += ["</edges>", "</graph>", "</gexf>"]
    return "\n".join(out) + "\n"


def to_json(g: ProvenanceGraph) -> dict[str, Any]:
    return {
        "nodes": [{"id": nid, **attrs} for nid, attrs in g.nodes.items()],
        "edges": [{"source": e.source, "target": e.target, "kind": e.kind, **e.attrs} for e in g.edges],
        "groups": [_group_record(p) for p in g.groups.values()],
    }


def _group_record(p: Any) -> dict[str, Any]:
    """A group's provenance as JSON: a stored :class:`~newstrace.models.ClaimGroup` or this
    module's :class:`GroupProvenance`."""
    if hasattr(p, "to_record"):
        return p.to_record()  # type: ignore[no-any-return]
    rec = {k: v for k, v in vars(p).items() if k not in ("details", "detail_keys")}
    rec["origin_details"] = [o.to_record() for o in p.details]
    return rec

