"""Named-entity mentions in the store: written with their revision, read back with it,
filtered on in search, and the migration that adds their table."""

from __future__ import annotations

import sqlite3

import pytest

from newstrace.models import Article, Entity
from newstrace.store import Store
from newstrace.store.db import SCHEMA_VERSION

TEXT = "Harbor Wire reported that the Marrowick Port Authority closed Quay 9.\n\nHollis Brandt said nothing."


def article(n: int = 1, text: str = TEXT, entities: list[Entity] | None = None, **kw: object) -> Article:
    if entities is None:
        entities = [Entity(t.start, t.end, t.text, t.label) for t in _spans(text)]
    return Article(source=f"pages/{n}.html", kind="html", title=f"Story {n}", published="2025-03-04",
                   outlet="Harbor Wire", url=f"https://example.org/{n}", paragraphs=text.split("\n\n"),
                   entities=entities, **kw)  # type: ignore[arg-type]


def _spans(text: str) -> list[Entity]:
    out = []
    for name, label in (("Harbor Wire", "ORG"), ("Marrowick Port Authority", "ORG"), ("Quay 9", "FAC"),
                        ("Hollis Brandt", "PERSON")):
        if name in text:
            s = text.index(name)
            out.append(Entity(s, s + len(name), name, label))
    return out


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        yield s


def test_entities_round_trip_with_the_revision(store: Store) -> None:
    a = article()
    r = store.add(a, sha256="a")
    got = store.get(r.article_id).article
    assert got.entities == a.entities and len(got.entities) == 4
    assert all(got.text[e.start:e.end] == e.text for e in got.entities)
    rows = store.db.execute(
        'SELECT revision_id, position, text, label, start, "end" FROM entities ORDER BY position').fetchall()
    assert [tuple(x) for x in rows][0] == (r.revision_id, 0, "Harbor Wire", "ORG", 0, 11)
    # the same content again is no new revision, and no second set of mentions
    assert store.add(article(), sha256="b").status == "unchanged"
    assert store.db.execute("SELECT count(*) FROM entities").fetchone()[0] == 4


def test_one_row_per_mention_and_a_new_revision_has_its_own(store: Store) -> None:
    text = "Hollis Brandt spoke. Later Hollis Brandt left."
    ents = [Entity(0, 13, "Hollis Brandt", "PERSON"), Entity(27, 40, "Hollis Brandt", "PERSON")]
    r1 = store.add(article(text=text, entities=ents), sha256="a")
    r2 = store.add(article(text=text + " For good.", entities=ents[:1]), sha256="b")
    assert r2.status == "revised" and r2.article_id == r1.article_id
    assert store.get(r1.article_id).article.entities == ents[:1]
    assert store.db.execute("SELECT count(*) FROM entities WHERE revision_id=?", (r1.revision_id,)).fetchone()[0] == 2


def test_search_filters_on_an_entity_name_exactly_and_case_insensitively(store: Store) -> None:
    a1 = store.add(article(1), sha256="1").article_id
    a2 = store.add(article(2, text="Hollis Brandt said the quay was quiet."), sha256="2").article_id
    store.add(article(3, text="Nothing named here, the quay said.", entities=[]), sha256="3")
    assert {h.article_id for h in store.search("", entity="hollis brandt")} == {a1, a2}
    assert [h.article_id for h in store.search("", entity="QUAY 9")] == [a1]
    assert store.search("", entity="Hollis") == []  # exact names, not parts
    assert [h.article_id for h in store.search("quiet", entity="Hollis Brandt")] == [a2]
    assert store.search_matches("quay", entity="Quay 9") == [a1]
    assert store.search_matches("quiet", entity="Quay 9") == []  # "quiet" is not in a1's text
    assert store.search_ranked("", entity="Harbor Wire", outlet="Harbor Wire").ids == [a1]
    # hostile names are parameters, never SQL
    assert store.search("", entity="x' OR 1=1 --") == []


def test_a_version_5_store_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as s:
        s.add(article(1, entities=[]), sha256="1")
    db = sqlite3.connect(path)  # take it back to what version 5 wrote
    db.executescript("DROP TABLE entities; UPDATE meta SET value='5' WHERE key='schema_version';")
    db.commit()
    db.close()
    with Store(path, readonly=True) as s:  # read-only: an older store reads, with no mentions
        assert s.schema_version == 5
        assert s.get(1).article.title == "Story 1" and s.get(1).article.entities == []
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION >= 6
        assert s.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        names = {r[0] for r in s.db.execute("SELECT name FROM sqlite_master WHERE tbl_name='entities'")}
        assert {"entities", "entities_text", "entities_revision"} <= names
        assert s.get(1).article.entities == []  # stored before version 6: none until re-ingested
        r = s.add(article(2), sha256="2")
        assert len(s.get(r.article_id).article.entities) == 4
        assert [h.article_id for h in s.search("", entity="quay 9")] == [r.article_id]
