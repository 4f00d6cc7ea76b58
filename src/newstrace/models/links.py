"""Link results: what the link step finds across articles, one class each.

The link step (:mod:`newstrace.linker`) makes them, the store saves them and reads them
back, and every view (the command line, the JSON API, the workbench) shows what was read:
nothing recomputes the link stage to answer a request. Ids are the store's.

* :class:`Copy`: a syndicated or lightly edited copy and the article it copies;
* :class:`Story`: articles about one event or development;
* :class:`ClaimGroup`: the same claim reported by several articles, with its
  :class:`Report` members (in time order), its :class:`Origin` s (each saying why it counts
  as an independent origin or not) and who denied it;
* :class:`Figure`: a number a story reports repeatedly, as it changed
  (:class:`FigureValue`);
* :class:`ProvenanceGraph`: outlets, articles and sources (:class:`Node`) joined by typed
  :class:`Edge` s (``reports``, ``cites``, ``copies``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["asserts", "denies"]
#: named: a source with a name ("Teo Marsh", "the fire department"); anonymous: a described,
#: unnamed one ("a senior port official"), kept apart per outlet that quotes it;
#: unattributed: an article's own reporting (its author or outlet is the origin)
OriginKind = Literal["named", "anonymous", "unattributed"]


@dataclass
class Copy:
    """``copy_id`` is a copy of ``original_id``; ``evidence`` says how that was found."""

    copy_id: int
    original_id: int
    similarity: float
    evidence: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Story:
    id: int
    title: str | None
    first_published: str | None
    last_published: str | None
    #: articles in the story, copies included
    articles: int
    #: articles that are not copies of another
    originals: int
    outlets: int
    claim_groups: int
    merged_into: int | None = None

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Report:
    """One member of a claim group: a claim as one article printed it."""

    claim_id: int
    article_id: int
    role: Role
    outlet: str | None = None
    #: the article's publication date, and date-time with offset when the page gives one
    published: str | None = None
    published_at: str | None = None
    #: the claim's immediate source and its chain back to the origin
    source: str | None = None
    chain: list[str] = field(default_factory=list)
    content: str = ""
    #: the article this report's article copies (a copy is not a report of its own)
    copy_of: int | None = None
    #: another claim of the same article in this group came first (a repeat, not a report)
    repeat: bool = False

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Origin:
    """A source a claim group traces back to, and why it counts (or does not) as an
    independent origin: ``why`` is one line a reader can check against ``claims``."""

    name: str
    kind: OriginKind
    counts: bool
    why: str
    #: ids of the member claims that lead to it
    claims: list[int] = field(default_factory=list)
    #: outlets whose reports lead to it
    outlets: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ClaimGroup:
    """The same claim reported by several articles, and where it comes from."""

    id: int
    story_id: int
    label: str
    #: asserting members (reports, copies and repeats included) and denying members
    reports: int
    denials: int
    independent_origins: int
    #: names of the origins that count, for lists and filters; ``origin_details`` says why
    origins: list[str]
    relayed_by: list[str]
    first_seen: str | None
    circular: bool
    denied_by: list[str] = field(default_factory=list)
    #: distinct outlets among the original reports; members printed in copies; repeats
    #: of the claim inside one article ("9 reports from 8 outlets, 2 copies, 1 repeat")
    outlets: int = 0
    copies: int = 0
    repeats: int = 0
    #: 0..1: how sure the grouping and the origin count are; below
    #: :data:`LOW_CONFIDENCE` a view marks the group as uncertain
    confidence: float = 1.0
    #: the earliest report (by publication date-time, then date)
    first_article_id: int | None = None
    first_outlet: str | None = None
    first_time: str | None = None
    origin_details: list[Origin] = field(default_factory=list)
    #: (claim id, role) pairs; filled on request
    members: list[tuple[int, str]] = field(default_factory=list)
    #: the members as reports, in time order; filled on request
    member_reports: list[Report] = field(default_factory=list)

    @property
    def uncertain(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def to_record(self) -> dict[str, Any]:
        rec = asdict(self)
        rec["members"] = [{"claim_id": c, "role": r} for c, r in self.members]
        rec["uncertain"] = self.uncertain
        return rec


#: Confidence under which a claim group is shown as uncertain (not hidden).
LOW_CONFIDENCE = 0.5


@dataclass
class FigureValue:
    value: float
    value_max: float | None
    qualifier: str | None
    text: str
    counted: str | None
    source: str | None
    chain: list[str]
    date: str | None
    article_id: int
    outlet: str | None
    claim_id: int | None = None

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Figure:
    #: what is counted, as first printed
    counted: str
    values: list[FigureValue] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        return {"counted": self.counted, "values": [v.to_record() for v in self.values]}


@dataclass
class Edge:
    """A typed edge of the provenance graph: ``reports`` (outlet -> article, article -> the
    claim's immediate source), ``cites`` (a chain hop -> the source it cites), ``copies``
    (copy -> original); ``attrs`` carry the claim group and content where there is one."""

    source: str
    target: str
    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProvenanceGraph:
    """Nodes by id (attributes with ``kind``: outlet, article or source, and ``label``),
    typed edges, and the provenance of each claim group by group id."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    groups: dict[int, Any] = field(default_factory=dict)

    def node(self, nid: str, kind: str, **attrs: Any) -> str:
        if nid not in self.nodes:
            self.nodes[nid] = {"kind": kind, "label": attrs.pop("label", nid), **attrs}
        return nid

    def edge(self, a: str, b: str, kind: str, **attrs: Any) -> None:
        self.edges.append(Edge(a, b, kind, attrs))
