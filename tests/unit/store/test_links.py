"""Link tables: copies, stories (with merges) and claim groups, written a batch at a time."""

from __future__ import annotations

import sqlite3

import pytest

from newstrace.errors import QueryError
from newstrace.models import Article, Claim, SourceRef, Span
from newstrace.store import Store
from newstrace.store.db import SCHEMA_VERSION
from newstrace.models import ClaimGroup, Edge, Figure, FigureValue, Origin, ProvenanceGraph
from newstrace.store.links import LinkBatch


def article(n: int, published: str = "2025-03-04", outlet: str = "Harbor Wire", claims: int = 0) -> Article:
    text = f"Paragraph {n} about the port."
    return Article(
        source=f"pages/{n}.html", kind="html", title=f"Story {n}", published=published, outlet=outlet,
        url=f"https://example.org/{n}", paragraphs=[text],
        claims=[Claim(SourceRef(0, 4, "Port", "Port Authority", "organisation"), Span(5, 9, "said"),
                      [Span(10, 20, f"claim {n}.{i}")]) for i in range(claims)],
    )


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def _add(store: Store, *arts: Article) -> list[tuple[int, int]]:
    out = []
    for a in arts:
        r = store.add(a, sha256=a.source)
        out.append((r.article_id, r.revision_id))
    return out


def test_new_articles_are_pending_until_a_batch_marks_them(store: Store) -> None:
    ids = _add(store, article(1), article(2))
    assert [p[0] for p in store.pending_links()] == [1, 2]
    assert store.count_pending_links() == 2
    store.save_links(LinkBatch(linked=[ids[0]], stories={1: 1}))
    assert [p[0] for p in store.pending_links()] == [2]
    # a new revision of a linked article is pending again
    changed = article(1)
    changed.paragraphs = ["A corrected paragraph about the port."]
    store.add(changed, sha256="new bytes")
    assert sorted(p[0] for p in store.pending_links()) == [1, 2]


def test_copies_are_upserted_and_removed(store: Store) -> None:
    ids = _add(store, article(1), article(2), article(3))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 1, 3: 1},
                               copies={2: (1, 0.9, ["shingle Jaccard ~0.90", "earliest published"])}))
    assert store.copies()[2].original_id == 1
    story = store.story(1)
    assert (story.articles, story.originals) == (3, 2)
    store.save_links(LinkBatch(copies={2: (3, 0.8, ["dateline credits 'x'"]), 3: None}))
    assert store.copies()[2].original_id == 3 and store.copies()[2].evidence == ["dateline credits 'x'"]
    store.save_links(LinkBatch(copies={2: None}))
    assert store.copies() == {}
    assert store.story(1).originals == 3


def test_story_summary_and_merge_redirect(store: Store) -> None:
    ids = _add(store, article(1, "2025-03-04"), article(2, "2025-03-06", "Coast Daily"), article(3, "2025-03-05"))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 2, 3: 1}))
    s1 = store.story(1)
    assert (s1.title, s1.first_published, s1.last_published, s1.articles, s1.outlets) == (
        "Story 1", "2025-03-04", "2025-03-05", 2, 1)
    assert [s.id for s in store.stories()] == [2, 1]  # latest news first
    store.save_links(LinkBatch(merges=[(2, 1)]))
    assert store.story(2).id == 1  # a merged story's id leads to the one it joined
    assert store.story(1).articles == 3 and store.story(1).outlets == 2
    assert [s.id for s in store.stories()] == [1]
    assert store.story_articles(2) == [1, 3, 2]  # by date
    with pytest.raises(QueryError, match="no story with id 99"):
        store.story(99)


def test_story_filters(store: Store) -> None:
    a = article(1, "2025-03-04")
    a.paragraphs = ["Ammonia leaked at the quay."]
    ids = _add(store, a, article(2, "2025-04-10"))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 2}))
    assert [s.id for s in store.stories(query="ammonia")] == [1]
    assert [s.id for s in store.stories(since="2025-04-01")] == [2]
    assert [s.id for s in store.stories(until="2025-03-31")] == [1]
    assert store.stories(min_articles=2) == []
    with pytest.raises(QueryError, match="FTS5"):
        store.stories(query='"unbalanced')


def _group(members: list[tuple[int, str]], **kw: object) -> ClaimGroup:
    fields = dict(id=0, story_id=0, label="the port closed", reports=sum(r == "asserts" for _, r in members),
                  denials=sum(r == "denies" for _, r in members), independent_origins=1,
                  origins=["Port Authority"], relayed_by=["harbor wire"], first_seen="2025-03-04", circular=True,
                  members=members)
    fields.update(kw)
    return ClaimGroup(**fields)  # type: ignore[arg-type]


def test_claim_groups_take_the_smallest_member_id_and_are_replaced(store: Store) -> None:
    ids = _add(store, article(1, claims=2), article(2, claims=2))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 1}))
    claim_ids = [c.id for c in store.claims(limit=10)]
    assert len(claim_ids) == 4
    origin = Origin("Port Authority", "named", True, "a named source (2 original articles)", [claim_ids[2]],
                    ["Harbor Wire"])
    g = _group([(claim_ids[2], "asserts"), (claim_ids[0], "asserts"), (claim_ids[3], "denies")],
               outlets=2, copies=0, repeats=0, confidence=0.8, first_article_id=1, first_outlet="Harbor Wire",
               first_time="2025-03-04", origin_details=[origin])
    store.save_story_links(1, [g], [], ProvenanceGraph())
    [row] = store.claim_groups(story_id=1, members=True)
    assert row.id == min(claim_ids[0], claim_ids[2], claim_ids[3])
    assert (row.reports, row.denials, row.circular, row.origins) == (2, 1, True, ["Port Authority"])
    assert (row.outlets, row.confidence, row.first_outlet, row.origin_details) == (2, 0.8, "Harbor Wire", [origin])
    assert sorted(role for _, role in row.members) == ["asserts", "asserts", "denies"]
    assert [r.claim_id for r in row.member_reports] == sorted(claim_ids[i] for i in (0, 2, 3))
    assert store.claim_group_of([claim_ids[3]]) == {claim_ids[3]: (row.id, "denies")}
    assert store.story(1).claim_groups == 1
    assert store.claim_groups(circular=False) == []
    store.save_story_links(1, [], [], ProvenanceGraph())
    assert store.claim_groups() == [] and store.story(1).claim_groups == 0
    assert store.stats()["claim_groups"] == 0


def test_figures_and_graph_are_saved_with_the_story_and_read_back(store: Store) -> None:
    ids = _add(store, article(1, claims=1), article(2, claims=1))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 1}))
    value = FigureValue(40.0, None, "at least", "at least 40", "people", "Port Authority", ["Port Authority"],
                        "2025-03-04", 1, "Harbor Wire", claim_id=1)
    fig = Figure("people", [value, FigureValue(120.0, None, "about", "about 120", "people", None, [], "2025-03-05",
                                               2, "Courier")])
    graph = ProvenanceGraph()
    graph.node("article:1", "article", label="<b>x</b>")
    graph.edge("article:2", "article:1", "copies")
    store.save_story_links(1, [], [fig], graph)
    assert store.story_figures(1) == [fig]
    back = store.story_graph(1)
    assert back.nodes == {"article:1": {"kind": "article", "label": "<b>x</b>"}}
    assert back.edges == [Edge("article:2", "article:1", "copies", {})]
    store.save_story_links(1, [], [], ProvenanceGraph())
    assert store.story_figures(1) == [] and store.story_graph(1).edges == []


def test_merging_stories_drops_the_merged_storys_groups(store: Store) -> None:
    ids = _add(store, article(1, claims=1), article(2, claims=1))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 2}))
    cid = store.claims(limit=10)[1].id
    store.save_story_links(2, [_group([(cid, "asserts")], label="x", circular=False)], [], ProvenanceGraph())
    store.save_links(LinkBatch(merges=[(2, 1)]))
    assert store.claim_groups() == []


def test_clear_links_keeps_articles(store: Store) -> None:
    ids = _add(store, article(1), article(2))
    store.save_links(LinkBatch(linked=ids, stories={1: 1, 2: 1}, copies={2: (1, 1.0, [])}, states={"x": b"\x00"}))
    assert store.load_link_state("x") == b"\x00"
    store.clear_links()
    assert store.count() == 2 and store.count_pending_links() == 2
    assert store.stats()["stories"] == 0 and store.copies() == {} and store.load_link_state("x") is None


def test_a_version_2_store_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as s:
        _add(s, article(1))
    db = sqlite3.connect(path)  # take it back to what version 2 wrote
    db.executescript(
        "DROP TABLE claim_group_members; DROP TABLE claim_groups; DROP TABLE story_articles; DROP TABLE stories;"
        " DROP TABLE copies; DROP TABLE link_state; DROP TABLE linked; DROP VIEW current_articles;"
        " CREATE VIEW current_articles AS SELECT a.id AS article_id, a.article_key, r.id AS revision_id, r.title,"
        " r.authors, r.emails, r.published, r.outlet, r.section, r.language, COALESCE(r.url, a.url) AS url,"
        " r.kind, r.source, r.paragraphs, r.text, a.first_seen, a.last_seen"
        " FROM articles a JOIN revisions r ON r.id = a.current_revision_id;"
        " UPDATE meta SET value='2' WHERE key='schema_version';"
    )
    db.commit()
    db.close()
    with Store(path) as s:
        assert s.count_pending_links() == 1
        assert s.get(1).article.title == "Story 1"
        assert s.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
