"""Views: stories as the commands, the JSON API and the workbench show them, read from what
the store holds.

The link step stores everything it finds inside a story (claim groups with their members,
origins and why each counts, figures, the provenance graph: see
:meth:`newstrace.Store.save_story_links`), so a view is a handful of queries whatever the
story's size, and nothing of the link stage runs to answer a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newstrace.config import Settings
from newstrace.models import ClaimGroup, Figure, ProvenanceGraph, Story
from newstrace.store import Store
from newstrace.store.claims import StoredClaim

__all__ = ["StoryArticle", "StoryView", "graph", "story_view"]


@dataclass
class StoryArticle:
    id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    #: the article this one copies, if it is a syndicated copy
    copy_of: int | None = None
    #: the publication date-time with its offset, when the page gives one
    published_at: str | None = None

    def to_record(self) -> dict[str, Any]:
        return vars(self).copy()


@dataclass
class StoryView:
    """A story as an analyst reads it: its articles, claim groups (with members in time
    order and origins), claims, figures and provenance graph, all as stored."""

    story: Story
    articles: list[StoryArticle]
    groups: list[ClaimGroup]
    _claims: list[StoredClaim] = field(default_factory=list, repr=False)
    _figures: list[Figure] = field(default_factory=list, repr=False)
    _graph: ProvenanceGraph = field(default_factory=ProvenanceGraph, repr=False)

    def claims(self) -> list[StoredClaim]:
        return list(self._claims)

    def timeline(self) -> list[dict[str, Any]]:
        """Every claim of the story by date (the statement's, else the article's), with its
        group, whether it is a denial, and whether its article is a copy."""
        by_claim: dict[int, tuple[int, str]] = {}
        for g in self.groups:
            for cid, role in g.members:
                by_claim[cid] = (g.id, role)
        copy_of = {a.id: a.copy_of for a in self.articles}
        published_at = {a.id: a.published_at for a in self.articles}
        rows = []
        for sc in self._claims:
            c = sc.claim
            gid, role = by_claim.get(sc.id, (None, None))
            rows.append({
                "date": c.date or sc.published,
                "claim_id": sc.id,
                "article_id": sc.article_id,
                "outlet": sc.outlet,
                "published": sc.published,
                "published_at": published_at.get(sc.article_id),
                "source": (c.source.entity or c.source.text) if c.source else None,
                "chain": list(c.chain),
                "cue": c.cue.text,
                "content": " ".join(s.text for s in c.content),
                "kind": c.kind,
                "stance": c.stance,
                "group_id": gid,
                "denies": role == "denies",
                "copy_of": copy_of.get(sc.article_id),
            })
        rows.sort(key=lambda r: (r["date"] is None, r["date"] or "", r["published_at"] or "", r["article_id"],
                                 r["claim_id"]))
        return rows

    def graph(self) -> ProvenanceGraph:
        return self._graph

    def figures(self) -> list[Figure]:
        return list(self._figures)

    def to_record(self) -> dict[str, Any]:
        return {
            **self.story.to_record(),
            "articles_list": [a.to_record() for a in self.articles],
            "claim_groups_list": [g.to_record() for g in self.groups],
        }


def story_view(store: Store, story_id: int, *, settings: Settings | None = None) -> StoryView:
    """A story as stored (a merged story's id leads to the story it joined). ``settings`` is
    accepted for callers that pass it; nothing here depends on it."""
    story = store.story(story_id)
    articles = [StoryArticle(r["id"], r["title"], r["outlet"], r["published"], r["url"], r["copy_of"],
                             r["published_at"]) for r in store.story_article_rows(story.id)]
    groups = store.claim_groups(story_id=story.id, members=True, limit=1_000_000)
    claims = store.claims(article_ids=[a.id for a in articles], limit=10_000_000) if articles else []
    g = store.story_graph(story.id)
    g.groups = {grp.id: grp for grp in groups}
    return StoryView(story, articles, groups, claims, store.story_figures(story.id), g)


def graph(store: Store, story_ids: Iterable[int] | None = None, *, settings: Settings | None = None) -> ProvenanceGraph:
    """The provenance graph of some stories, or of every live story, as one graph."""
    if story_ids is None:
        story_ids = [s.id for s in _all_stories(store)]
    out = ProvenanceGraph()
    for sid in story_ids:
        live = store.story(sid).id
        g = store.story_graph(live)
        for nid, attrs in g.nodes.items():
            out.nodes.setdefault(nid, attrs)
        out.edges += g.edges
        out.groups.update({grp.id: grp for grp in store.claim_groups(story_id=live, members=True,
                                                                     limit=1_000_000)})
    return out


def _all_stories(store: Store) -> list[Story]:
    out: list[Story] = []
    while True:
        page = store.stories(limit=1000, offset=len(out))
        out += page
        if len(page) < 1000:
            return out
