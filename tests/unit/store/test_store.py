"""The store keeps every article once, versions changed pages, and searches safely."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from newstrace.errors import QueryError, StoreError
from newstrace.models import Article, Caption, Failure
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
