"""The link step of the pipeline: stored articles → copies, stories, claim groups.

:func:`link` takes in every article the store holds but has not linked yet (new ones,
and those with a new revision), a batch at a time, in publication order:

* the copy index (:class:`~newstrace.link.CopyIndex`) names syndicated copies and their
  original;
* the story clusterer (:class:`~newstrace.link.StoryClusterer`) puts the article in a
  story, starting or merging stories;
* each story that changed has its claims regrouped (:class:`~newstrace.link.ClaimGrouper`),
  the provenance of every group summarised (independent origins and why each counts,
  circular reporting), its figures found and its provenance graph built; all of it is
  stored (:meth:`Store.save_story_links`) for the views to read.

Both indexes keep only recent news in memory (the copy index :attr:`Settings.copy_window_days`,
the clusterer the days an article can still join a story), and are saved, in code-free
formats, in the same transaction as the batch's results: a killed run resumes at the next
batch and the cost of one article does not grow with the store.

:mod:`newstrace.views` reads a story back for the commands, the API and the workbench.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from newstrace.config import Settings, load_settings
from newstrace.link import ClaimGrouper, CopyIndex, GroupProvenance, StoryClusterer, build_provenance, figures
from newstrace.link.claimgroups import content_text
from newstrace.link.stories import STORY_WINDOW_DAYS
from newstrace.models import Article, ClaimGroup, Copy, Failure, ProvenanceGraph, utc_instant
from newstrace.store import Store
from newstrace.store.claims import StoredClaim
from newstrace.store.links import LinkBatch

COPY_STATE = "copy-index"
STORY_STATE = "story-clusterer"
#: Articles taken in per transaction (and per save of the indexes).
BATCH = 500
#: Days a story stays in the clusterer's memory after its last article: an article can join
#: a story within STORY_WINDOW_DAYS of it; the margin covers articles arriving a little late.
STORY_KEEP_DAYS = STORY_WINDOW_DAYS + 3

#: Called after each article with (article id, story id).
LinkProgress = Callable[[int, int], None]


@dataclass
class LinkReport:
    articles: int = 0
    #: copy relations written (new or changed)
    copies: int = 0
    #: stories merged into another
    merged: int = 0
    #: stories whose claim groups were recomputed
    regrouped: int = 0
    #: articles and stories that could not be linked (recorded in the store too)
    failures: list[Failure] = field(default_factory=list)


def link(
    store: Store,
    *,
    settings: Settings | None = None,
    rebuild: bool = False,
    batch: int = BATCH,
    on_progress: LinkProgress | None = None,
) -> LinkReport:
    """Link every pending article of the store; ``rebuild`` forgets all links first.

    Articles are taken in the store's pending order (publication date, then content: see
    :meth:`Store.pending_links`), so what is found does not depend on ``batch``, on hash
    seeds or on the order equal-dated inputs were ingested in. One link step runs at a time
    per store (:meth:`Store.link_lock`); a second waits, then links what is still pending.
    An article or a story that fails to link is recorded as a failure (stage ``link``) and
    the step goes on."""
    settings = settings or load_settings()
    _encoder(settings)  # a missing extra fails here, before anything is written
    report = LinkReport()
    with store.link_lock():
        if rebuild:
            store.clear_links()
        index = _load(store, COPY_STATE, CopyIndex.from_bytes, CopyIndex)
        clusterer = _load(store, STORY_STATE, StoryClusterer.from_bytes, StoryClusterer)
        for story_id in store.stories_needing_regroup():  # left behind by a stopped run
            _regroup_guarded(store, story_id, settings, report)
        while todo := store.pending_links():  # again: articles stored while linking
            for start in range(0, len(todo), max(1, batch)):
                _link_batch(store, todo[start:start + max(1, batch)], index, clusterer, settings, report,
                            on_progress)
    return report


def _link_batch(
    store: Store,
    todo: list[tuple[int, int, str | None]],
    index: CopyIndex,
    clusterer: StoryClusterer,
    settings: Settings,
    report: LinkReport,
    on_progress: LinkProgress | None,
) -> None:
    """Link one batch, save it with both indexes in one transaction, then regroup."""
    found = LinkBatch()
    newest = ""
    today = date.today().isoformat()
    for article_id, revision_id, published in todo:
        try:
            article = store.get(article_id).article
            _link_one(article_id, article, index, clusterer, found)
        except Exception as exc:  # noqa: BLE001 - one article must not stop the step
            _record(store, report, f"article:{article_id}", exc, article_id)
        found.linked.append((article_id, revision_id))  # even when it failed: no retry loop
        if published and published[:10] <= today:
            newest = max(newest, published[:10])
        if on_progress and article_id in found.stories:
            on_progress(article_id, found.stories[article_id])
    if newest:
        day = date.fromisoformat(newest)
        index.prune((day - timedelta(days=settings.copy_window_days)).isoformat())
        clusterer.prune((day - timedelta(days=STORY_KEEP_DAYS)).isoformat())
    found.states = {COPY_STATE: index.to_bytes(), STORY_STATE: clusterer.to_bytes()}
    touched = store.save_links(found)
    report.articles += len(todo)
    report.copies += sum(1 for rel in found.copies.values() if rel is not None)
    report.merged += len(found.merges)
    for story_id in sorted(touched):  # marked in the store until done: a stop here resumes
        _regroup_guarded(store, story_id, settings, report)


def _regroup_guarded(store: Store, story_id: int, settings: Settings, report: LinkReport) -> None:
    """Regroup a story; a failure is recorded and the story stays marked for the next run."""
    try:
        regroup(store, story_id, settings=settings)
    except Exception as exc:  # noqa: BLE001 - one story must not stop the step
        _record(store, report, f"story:{story_id}", exc)
        return
    report.regrouped += 1


def _record(store: Store, report: LinkReport, what: str, exc: Exception, article_id: int | None = None) -> None:
    source = what
    if article_id is not None:
        try:
            source = store.get(article_id).article.source or what
        except Exception:  # noqa: BLE001 - the article itself may be what cannot be read
            pass
    message = " ".join(f"{what}: {type(exc).__name__}: {exc}".split())[:1000]
    failure = Failure(source, "link", "internal-error", message)
    store.record_failure(failure)
    report.failures.append(failure)


def _load(store: Store, name: str, loader: Callable[[bytes], Any], empty: Callable[[], Any]) -> Any:
    data = store.load_link_state(name)
    if data is None:
        return empty()
    try:
        return loader(data)
    except (ValueError, KeyError, TypeError):
        # saved by another version: start afresh (the tables keep what was found)
        return empty()


def _link_one(
    article_id: int, article: Article, index: CopyIndex, clusterer: StoryClusterer, found: LinkBatch
) -> None:
    # relations that re-adding this article can undo: its own, and its copies'
    before = set(index.copies_of(article_id)) | {article_id}
    matches = {m.copy_id: m for m in index.add_all(article_id, article)}
    for copy_id in before | set(matches):
        if copy_id in matches:
            m = matches[copy_id]
            found.copies[copy_id] = (m.original_id, m.similarity, list(m.evidence))
        elif copy_id in index and index.original_of(copy_id) is None:
            found.copies[copy_id] = None
    assignment = clusterer.add(article_id, article)
    found.stories[article_id] = assignment.story_id
    found.merges += [(gone, assignment.story_id) for gone in assignment.merged]


# -- claim groups of a story ----------------------------------------------------------------


class _Roots:
    """``root_of`` over the stored copy relations (a copy of a copy leads to the first)."""

    def __init__(self, copies: dict[int, Copy]) -> None:
        self._orig = {c: row.original_id for c, row in copies.items()}

    def root_of(self, article_id: int) -> int:
        seen = {article_id}
        while (nxt := self._orig.get(article_id)) is not None and nxt not in seen:
            seen.add(nxt)
            article_id = nxt
        return article_id


def _encoder(settings: Settings) -> Callable[[list[str]], Any] | None:
    """The sentence encoder the settings ask for (None for "none")."""
    if settings.encoder in ("", "none"):
        return None
    from newstrace.link.encoder import load_encoder  # UsageError when the embed extra is missing

    return load_encoder(settings.encoder).encode


def regroup(store: Store, story_id: int, *, settings: Settings | None = None) -> None:
    """Recompute and store what is inside one story: its claim groups (with origins and why
    they count), its figures and its provenance graph."""
    ids = store.story_articles(story_id)
    articles: dict[int, Article] = {}
    claims: dict[int, list[StoredClaim]] = {}
    for aid in ids:
        claims[aid] = store.claims(article_id=aid, limit=1_000_000)
        articles[aid] = store.get(aid, claims=claims[aid]).article  # the claims read once
    copies = {c: row for c, row in store.copies(ids).items() if c in articles and row.original_id in articles}
    grouper = _grouper(ids, claims, articles, settings or load_settings())
    plain = {aid: [sc.claim for sc in cs] for aid, cs in claims.items()}
    roots = _Roots(copies)
    graph = build_provenance(grouper, articles, plain, copies=roots)
    idmap = {gid: min(claims[a][c].id for a, c in grp.members + grp.denials)
             for gid, grp in grouper.groups.items() if grp.members or grp.denials}
    _renumber(graph, idmap)
    groups = [
        _claim_group(story_id, idmap[gid], grp, graph.groups[idmap[gid]], grouper.cohesion(gid), articles, claims,
                     roots)
        for gid, grp in grouper.groups.items()
        # a claim printed once is not a group: only what several reports (or a denial) share
        if gid in idmap and len(grp.members) + len(grp.denials) >= 2
    ]
    figs = figures((aid, sc.id, sc.claim, articles[aid]) for aid in ids for sc in claims[aid])
    graph.groups = {}
    store.save_story_links(story_id, groups, figs, graph)


def _grouper(ids: list[int], claims: dict[int, list[StoredClaim]], articles: dict[int, Article],
             settings: Settings) -> ClaimGrouper:
    encode = _encoder(settings)
    grouper = ClaimGrouper(encoder=encode)
    vectors: Any = None
    if encode is not None:  # one batch for the story's claims
        texts = [content_text(sc.claim) or " " for aid in ids for sc in claims[aid]]
        vectors = iter(encode(texts)) if texts else iter(())
    for aid in ids:
        for ci, sc in enumerate(claims[aid]):
            grouper.add(aid, ci, sc.claim, articles[aid], embedding=next(vectors) if vectors is not None else None)
    return grouper


def _renumber(graph: ProvenanceGraph, idmap: dict[int, int]) -> None:
    """Group ids in the graph become the stored ones, so graphs of stories can be merged."""
    graph.groups = {idmap[g]: p for g, p in graph.groups.items() if g in idmap}
    for gid, p in graph.groups.items():
        p.group = gid
    for e in graph.edges:
        if "group" in e.attrs and e.attrs["group"] in idmap:
            e.attrs["group"] = idmap[e.attrs["group"]]


def _when(article: Article) -> str:
    """Sort key of a report: the publication instant (UTC) when known, else the date."""
    return utc_instant(article.published_at) or article.published or "9999"


def _claim_group(story_id: int, gid: int, grp: Any, prov: GroupProvenance, cohesion: float,
                 articles: dict[int, Article], claims: dict[int, list[StoredClaim]], roots: _Roots) -> ClaimGroup:
    """A stored claim group from the grouper's members and their provenance: counts that
    explain the numbers (reports, outlets, copies, repeats), the first report, and each
    origin with the claims that make it count."""
    ordered = sorted(grp.members, key=lambda k: (_when(articles[k[0]]), k))
    copies = sum(1 for a, _ in ordered if roots.root_of(a) != a)
    seen: set[int] = set()
    repeats = 0
    outlets: set[str] = set()
    for a, _ in ordered:
        if a in seen:
            repeats += 1
            continue
        seen.add(a)
        if roots.root_of(a) == a:
            outlets.add((articles[a].outlet or f"article {a}").casefold())
    first = (ordered or sorted(grp.denials, key=lambda k: (_when(articles[k[0]]), k)))[0]
    first_art = articles[first[0]]
    details = [replace(o, claims=[claims[a][c].id for a, c in keys]) for o, keys in zip(prov.details, prov.detail_keys,
                                                                                          strict=True)]
    confidence = cohesion * _mean(claims[a][c].claim.confidence for a, c in grp.members + grp.denials)
    return ClaimGroup(
        id=gid, story_id=story_id, label=prov.label or content_text(claims[first[0]][first[1]].claim),
        reports=len(grp.members), denials=len(grp.denials), independent_origins=prov.independent_origins,
        origins=list(prov.origins), relayed_by=list(prov.relayed_by), first_seen=prov.first_seen,
        circular=prov.circular, denied_by=list(prov.denied_by), outlets=len(outlets), copies=copies,
        repeats=repeats, confidence=round(confidence, 3), first_article_id=first[0], first_outlet=first_art.outlet,
        first_time=first_art.published_at or first_art.published, origin_details=details,
        members=[(claims[a][c].id, "asserts") for a, c in grp.members]
        + [(claims[a][c].id, "denies") for a, c in grp.denials],
    )


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return math.fsum(vals) / len(vals) if vals else 0.0
