"""The store keeps every article once, versions changed pages, and searches safely."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from newstrace.errors import QueryError, StoreError
from newstrace.models import Article, Caption, Claim, Failure
from newstrace.store import Store, canonical_key, export


def make_article(**kw: object) -> Article:
    base: dict[str, object] = dict(
        source="pages/a.html",
        kind="html",
        title="Port closed after chemical spill",
        authors=["Lena Ortiz"],
        emails=["lortiz@harborwire.example"],
        published="2025-03-04",
        outlet="Harbor Wire",
        section=["News", "Coast"],
        language="en",
        url="https://harborwire.example/news/port-closed",
        captions=[Caption("Crews at the dock on Monday.", "Harbor Wire")],
        paragraphs=["The port was closed on Monday, officials said.", "About 40 people were evacuated."],
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def test_same_page_twice_is_one_article(store: Store) -> None:
    a = store.add(make_article(), sha256="x1")
    b = store.add(make_article(source="elsewhere/a.html"), sha256="x2")
    assert a.status == "added" and b.status == "unchanged"
    assert a.article_id == b.article_id and a.revision_id == b.revision_id
    assert store.stats()["articles"] == 1 and store.stats()["revisions"] == 1


def test_changed_page_is_a_new_revision(store: Store) -> None:
    a = store.add(make_article(), sha256="x1")
    changed = make_article(paragraphs=["The port was closed on Monday, officials said.", "About 120 people were evacuated."])
    b = store.add(changed, sha256="x2")
    assert b.status == "revised" and b.article_id == a.article_id and b.revision_id != a.revision_id
    got = store.get(a.article_id)
    assert "120" in got.article.text and len(got.revisions) == 2


def test_file_without_url_found_again_under_another_path(store: Store) -> None:
    a = store.add(make_article(url=None, source="one/p.txt", kind="text"), sha256="s")
    b = store.add(make_article(url=None, source="two/p.txt", kind="text"), sha256="s")
    assert a.article_id == b.article_id and b.status == "unchanged"


def test_canonical_key_normalises_url() -> None:
    assert canonical_key("HTTP://Example.COM/a/b/#frag", "x") == canonical_key("https://example.com/a/b", "y")
    assert canonical_key(None, "p.html") == "source:p.html"


def test_round_trip_keeps_every_field(store: Store) -> None:
    r = store.add(make_article(), sha256="x")
    got = store.get(r.article_id).article
    want = make_article()
    assert got.to_record() == want.to_record()


def test_seen_marks_processed_inputs(store: Store) -> None:
    store.add(make_article(), sha256="abc")
    assert store.seen("pages/a.html", "abc")
    assert not store.seen("pages/a.html", "other")


def test_failures_are_kept_and_resolved_by_a_later_success(store: Store) -> None:
    store.record_failure(Failure("pages/a.html", "extract", "no-article", "no body"))
    store.record_failure(Failure("pages/a.html", "extract", "no-article", "no body"))
    rows = store.failures()
    assert len(rows) == 1 and rows[0]["attempts"] == 2 and rows[0]["reason"] == "no-article"
    store.add(make_article(), sha256="z")
    assert store.failures() == [] and len(store.failures(include_resolved=True)) == 1


def test_search_with_filters(store: Store) -> None:
    store.add(make_article(), sha256="1")
    store.add(make_article(url="https://other.example/x", outlet="Gazette", authors=["Tom Reyes"],
                           published="2025-03-06", title="Spill cleanup widens",
                           paragraphs=["Cleanup crews widened the zone."]), sha256="2")
    assert [h.title for h in store.search("evacuated")] == ["Port closed after chemical spill"]
    assert [h.outlet for h in store.search("", outlet="gazette")] == ["Gazette"]
    assert [h.authors for h in store.search("", author="reyes")] == [["Tom Reyes"]]
    assert [h.published for h in store.search("", since="2025-03-05")] == ["2025-03-06"]
    assert [h.published for h in store.search("", until="2025-03-05")] == ["2025-03-04"]
    hit = store.search("evacuated")[0]
    assert "\x02" in hit.snippet  # match is marked for highlighting


def _reference_search(store: Store, query: str, *, limit: int = 20, offset: int = 0,
                      **filters: str | None) -> list[tuple[int, str, float]]:
    """Search as one join over every match (what Store.search did before it ranked ids from
    the index alone): the oracle its results must equal, order included (ties by id)."""
    where, params = ["article_search MATCH ?"], [query]
    if filters.get("outlet"):
        where.append("c.outlet = ? COLLATE NOCASE")
        params.append(filters["outlet"])
    if filters.get("author"):
        where.append("EXISTS (SELECT 1 FROM revision_authors ra WHERE ra.revision_id=c.revision_id"
                     " AND ra.name LIKE ? ESCAPE '\\')")
        params.append(f"%{filters['author']}%")
    if filters.get("since"):
        where.append("c.published >= ?")
        params.append(filters["since"])
    if filters.get("until"):
        where.append("c.published <= ?")
        params.append(filters["until"])
    rows = store.db.execute(
        "SELECT c.article_id, snippet(article_search, 1, '\x02', '\x03', ' … ', 24) AS snip,"
        " bm25(article_search) AS rank FROM article_search JOIN current_articles c"
        " ON c.article_id = article_search.rowid WHERE " + " AND ".join(where)
        + " ORDER BY rank, c.article_id LIMIT ? OFFSET ?", (*params, limit, offset)).fetchall()
    return [(int(r[0]), r[1], float(r[2])) for r in rows]


def _search_corpus(store: Store) -> None:
    words = ["port", "spill", "ammonia", "closed", "evacuated", "ministry", "denied", "harbor"]
    outlets = ["Harbor Wire", "Gazette", "Coast Post"]
    for i in range(60):
        picked = [words[(i * k) % len(words)] for k in (1, 3, 5, 7)][: 1 + i % 4]
        body = " ".join(picked * (1 + i % 3)) + f". Item {i} of the port report."
        store.add(make_article(url=f"https://x.example/{i}", source=f"pages/{i}.html", title=f"Report {i} {picked[0]}",
                               outlet=outlets[i % 3], authors=[["Lena Ortiz"], ["Tom Reyes"]][i % 2],
                               published=f"2025-03-{1 + i % 28:02d}", paragraphs=[body]), sha256=f"h{i}")


@pytest.mark.parametrize(("query", "filters", "limit", "offset"), [
    ("port", {}, 20, 0), ("port", {}, 20, 20), ("port", {}, 7, 45), ("port", {}, 100, 0),
    ("spill OR ammonia", {}, 10, 3), ('"port report"', {}, 50, 0), ("evacuat*", {}, 20, 0),
    ("port", {"outlet": "gazette"}, 20, 0), ("port", {"outlet": "Gazette"}, 5, 5),
    ("port", {"author": "reyes"}, 20, 0), ("spill", {"since": "2025-03-10", "until": "2025-03-20"}, 20, 0),
    ("port NOT spill", {"outlet": "Coast Post", "since": "2025-03-05"}, 3, 1), ("nothing", {}, 20, 0),
])
def test_search_ranks_like_one_join_over_every_match(store: Store, query: str, filters: dict[str, str],
                                                     limit: int, offset: int) -> None:
    _search_corpus(store)
    got = [(h.article_id, h.snippet, h.rank) for h in store.search(query, limit=limit, offset=offset, **filters)]
    assert got == _reference_search(store, query, limit=limit, offset=offset, **filters)
    ranked = store.search_ranked(query, limit=limit, offset=offset, **filters)
    assert ranked.ids == [g[0] for g in got] and not ranked.cut


def test_a_very_common_word_ranks_only_the_newest_matches(store: Store) -> None:
    _search_corpus(store)  # every article says "port"
    everything = _reference_search(store, "port", limit=100)
    ranked = store.search_ranked("port", limit=100, rank_cap=25)
    assert ranked.cut and len(ranked.ids) == 25
    newest = sorted(i for i, _, _ in everything)[-25:]
    assert ranked.ids == [i for i, _, _ in everything if i in newest]  # the newest 25, in bm25 order
    assert [h.article_id for h in store.search("port", limit=100, rank_cap=0)] == [i for i, _, _ in everything]
    assert not store.search_ranked("port", rank_cap=60).cut  # exactly the cap: all ranked
    assert store.search_ranked("port", rank_cap=59).cut
    # with a filter every match that passes it is ranked
    gazette = store.search_ranked("port", outlet="Gazette", limit=100, rank_cap=5)
    assert not gazette.cut and len(gazette.ids) == 20


@pytest.mark.parametrize(("filters", "limit", "offset"), [
    ({}, 100, 0), ({}, 10, 0), ({}, 10, 55), ({}, 10, 60), ({}, 10, 63), ({}, 5, 70), ({"outlet": "Gazette"}, 8, 18),
    ({"since": "2025-03-20"}, 100, 0),
])
def test_newest_first_without_a_query_like_one_sort(store: Store, filters: dict[str, str], limit: int,
                                                    offset: int) -> None:
    _search_corpus(store)
    for i in range(5):  # undated articles come last
        store.add(make_article(url=f"https://x.example/undated/{i}", source=f"pages/u{i}.html", published=None,
                               outlet=["Gazette", "Harbor Wire"][i % 2], paragraphs=[f"Undated port item {i}."]),
                  sha256=f"u{i}")
    where, params = [], []
    if filters.get("outlet"):
        where.append("c.outlet = ? COLLATE NOCASE")
        params.append(filters["outlet"])
    if filters.get("since"):
        where.append("c.published >= ?")
        params.append(filters["since"])
    expected = [int(r[0]) for r in store.db.execute(
        "SELECT c.article_id FROM current_articles c" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.published IS NULL, c.published DESC, c.article_id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset))]
    assert store.search_ranked("", limit=limit, offset=offset, **filters).ids == expected
    assert [h.article_id for h in store.search("", limit=limit, offset=offset, **filters)] == expected


def test_search_matches_are_the_matching_ids_newest_first(store: Store) -> None:
    _search_corpus(store)
    everything = {i for i, _, _ in _reference_search(store, "spill", limit=100)}
    assert store.search_matches("spill", limit=100) == sorted(everything, reverse=True)
    assert store.search_matches("spill", limit=3) == sorted(everything, reverse=True)[:3]
    gazette = {i for i, _, _ in _reference_search(store, "spill", limit=100, outlet="Gazette")}
    assert store.search_matches("spill", outlet="gazette") == sorted(gazette, reverse=True)
    assert store.search_matches("nothing") == []
    assert store.search_matches("", limit=4) == store.search_ranked("", limit=4).ids
    with pytest.raises(QueryError, match="FTS5"):
        store.search_matches('"unbalanced')


def test_search_hits_keep_the_order_asked_for(store: Store) -> None:
    _search_corpus(store)
    hits = store.search_hits("port", [5, 2, 999, 9])
    assert [h.article_id for h in hits] == [5, 2, 9]  # an unknown id is left out
    assert all("\x02" in h.snippet for h in hits)
    plain = store.search_hits("", [3])
    assert plain[0].snippet == store.get(3).article.text[:200] and plain[0].rank == 0.0  # the text's start
    assert store.search_hits("port", []) == []
    with pytest.raises(QueryError, match="FTS5"):
        store.search_hits('"unbalanced', [1])


def test_author_filter_treats_wildcards_literally(store: Store) -> None:
    store.add(make_article(), sha256="1")
    assert store.search("", author="%") == []


@pytest.mark.parametrize("bad", ['"unbalanced', "AND AND", "title:", "(port"])
def test_malformed_query_is_a_clear_error(store: Store, bad: str) -> None:
    store.add(make_article(), sha256="1")
    with pytest.raises(QueryError, match="FTS5"):
        store.search(bad)


def test_readonly_store_missing_is_clear(tmp_path) -> None:
    with pytest.raises(StoreError, match="ingest something first"):
        Store(tmp_path / "nope.db", readonly=True)


def test_tables_are_plainly_named_for_sqlite_users(tmp_path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.add(make_article(), sha256="1")
    con = sqlite3.connect(tmp_path / "s.db")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {"articles", "revisions", "captions", "failures", "inputs", "current_articles", "article_search"} <= names
    assert con.execute("SELECT title FROM current_articles").fetchone()[0] == "Port closed after chemical spill"


def test_newer_schema_is_refused(tmp_path) -> None:
    with Store(tmp_path / "s.db"):
        pass
    con = sqlite3.connect(tmp_path / "s.db")
    con.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    con.commit()
    with pytest.raises(StoreError, match="upgrade newstrace"):
        Store(tmp_path / "s.db")


def test_exports(store: Store, tmp_path) -> None:
    store.add(make_article(), sha256="1")
    export(store, "jsonl", tmp_path / "a.jsonl")
    rec = json.loads((tmp_path / "a.jsonl").read_text().splitlines()[0])
    assert rec["title"] == "Port closed after chemical spill" and rec["captions"][0]["credit"] == "Harbor Wire"
    export(store, "csv", tmp_path / "a.csv")
    with open(tmp_path / "a.csv", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["authors"] == "Lena Ortiz" and row["section"] == "News > Coast"
    import pyarrow.parquet as pq

    assert export(store, "parquet", tmp_path / "a.parquet") == 1
    assert pq.read_table(tmp_path / "a.parquet").column("outlet").to_pylist() == ["Harbor Wire"]


def _claim(text: str, source: str, cue: str, content: str, chain: list[str], **kw: object) -> "Claim":
    from newstrace.models import Claim, SourceRef, Span

    s, c, k = text.index(source), text.index(cue), text.index(content)
    return Claim(
        source=SourceRef(s, s + len(source), source, entity=chain[0], type="organisation"),
        cue=Span(c, c + len(cue), cue),
        content=[Span(k, k + len(content), content)],
        chain=chain,
        **kw,  # type: ignore[arg-type]
    )


def test_claims_are_stored_and_queried_by_source_topic_and_date(store: Store) -> None:
    paras = ["The port authority said 40 people were evacuated, according to the Harbor Wire.",
             "The ministry denied the report on Tuesday."]
    art = make_article(paragraphs=paras)
    text = art.text
    art.claims = [
        _claim(text, "The port authority", "said", "40 people were evacuated", ["Harbor Wire", "Port Authority"],
               date="2025-03-03"),
        _claim(text, "The ministry", "denied", "the report", ["Transport Ministry"], stance="denied",
               date="2025-03-04"),
    ]
    r = store.add(art, sha256="c1")
    got = store.get(r.article_id).article
    assert [c.to_record() for c in got.claims] == [c.to_record() for c in art.claims]
    assert [c.claim.cue.text for c in store.claims(source="harbor wire")] == ["said"]
    assert [c.claim.stance for c in store.claims(about="report")] == ["denied"]
    assert [c.claim.date for c in store.claims(since="2025-03-04")] == ["2025-03-04"]
    assert store.claims(source="%") == []
    for sc in store.claims():
        for part in sc.claim.content:
            assert text[part.start:part.end] == part.text
    with pytest.raises(QueryError):
        store.claims(about='"open')
