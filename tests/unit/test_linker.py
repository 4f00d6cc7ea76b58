"""The link step over a store: copies, stories and claim groups found, saved and resumed."""

from __future__ import annotations

import pytest

import newstrace
from newstrace.link import to_graphml
from newstrace.linker import link
from newstrace.views import story_view
from newstrace.models import Article, Claim, SourceRef, Span
from newstrace.store import Store

WIRE = [
    "A cloud of chlorine gas escaped from a rail tanker at the Dunmere freight yard late on Monday, forcing "
    "dozens of families from their homes in the Eastbank district, the Dunmere Fire Brigade said.",
    "Firefighters sealed a cracked valve on the tanker shortly after midnight and the gas dispersed before "
    "dawn, according to brigade commander Oona Farrell, who said nobody had been seriously hurt.",
    "The Eastbank Residents' Forum said at least 60 people had spent the night at the Kellan Street school "
    "gym, and that many of them had received no warning from the city before the gas reached their streets.",
    "Rail operator Torvane Freight said the tanker had passed an inspection in June and that it would help "
    "investigators establish why the valve failed on a routine shunting move inside the yard.",
    "The national rail safety office said it had sent two inspectors to Dunmere and would publish its first "
    "findings within a month, while the mayor promised a review of the city's warning sirens.",
]
TRAM = [
    "Councillors in Holloway voted on Thursday to extend the number 4 tram line to the new Westmarch hospital, "
    "ending a decade of argument over the route through the old market quarter.",
    "The extension will add three stops and cost about 90 million, the city's transport committee said, with "
    "building work due to start next spring and the first trams running in three years.",
    "Market traders who had opposed the route said they would keep campaigning for compensation for the months "
    "of roadworks, which the council has promised to keep to the quietest season.",
]


def _claim(text: str, content: str, who: str, stance: str = "asserted") -> Claim:
    start = text.index(content)
    return Claim(SourceRef(0, len(who), who, who, "organisation"), Span(0, 4, "said"),
                 [Span(start, start + len(content), content)], stance=stance)  # type: ignore[arg-type]


def _article(n: int, title: str, paras: list[str], outlet: str, host: str, published: str) -> Article:
    a = Article(source=f"pages/{n}.html", kind="html", title=title, published=published, outlet=outlet,
                url=f"https://{host}/news/{n}", paragraphs=paras)
    text = a.text
    if "chlorine" in text:
        a.claims = [_claim(text, "nobody had been seriously hurt", "Oona Farrell")]
    return a


def corpus() -> list[Article]:
    copy = ["DUNMERE (Rail Courier) — " + WIRE[0], *WIRE[1:]]
    return [
        _article(1, "Chlorine leak forces Eastbank families from homes", WIRE, "Rail Courier", "railcourier.example",
                 "2025-05-06"),
        _article(2, "Gas leak at Dunmere yard empties Eastbank streets", copy, "Valley Times", "valleytimes.example",
                 "2025-05-06"),
        _article(3, "Holloway votes to extend tram to Westmarch hospital", TRAM, "Holloway Post",
                 "hollowaypost.example", "2025-05-08"),
    ]


@pytest.fixture()
def store(tmp_path):
    with Store(tmp_path / "s.db") as s:
        for a in corpus():
            s.add(a, sha256=a.source)
        yield s


def test_link_finds_the_copy_and_the_stories(store: Store) -> None:
    report = link(store)
    assert report.articles == 3 and report.copies == 1
    copy = store.copies()[2]
    assert copy.original_id == 1 and any("credit" in e for e in copy.evidence)
    assert store.story_of(1) == store.story_of(2) != store.story_of(3)
    leak = store.story(store.story_of(1))  # type: ignore[arg-type]
    assert (leak.articles, leak.originals, leak.outlets) == (2, 1, 2)
    assert leak.title == "Chlorine leak forces Eastbank families from homes"  # the original's, not the copy's


def test_linking_again_does_nothing_and_a_revision_is_relinked(store: Store) -> None:
    link(store)
    before = [s.to_record() for s in store.stories()]
    assert link(store).articles == 0
    assert [s.to_record() for s in store.stories()] == before
    revised = corpus()[1]
    revised.paragraphs = [*revised.paragraphs, "An earlier version of this story misspelled the yard's name."]
    store.add(revised, sha256="revised")
    assert link(store).articles == 1
    assert store.copies()[2].original_id == 1


def test_a_killed_link_step_resumes(tmp_path) -> None:
    def killed(article_id: int, story_id: int) -> None:
        if article_id == 2:
            raise KeyboardInterrupt

    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        for s in (a, b):
            for art in corpus():
                s.add(art, sha256=art.source)
        with pytest.raises(KeyboardInterrupt):
            link(a, batch=1, on_progress=killed)
        assert a.count_pending_links() == 2  # the first batch was saved, the second was not
        link(a)
        link(b)
        assert [s.to_record() for s in a.stories()] == [s.to_record() for s in b.stories()]
        assert {k: v.original_id for k, v in a.copies().items()} == {k: v.original_id for k, v in b.copies().items()}


def test_rebuild_gives_the_same_links(store: Store) -> None:
    link(store)
    first = ([s.to_record() for s in store.stories()], {k: v.original_id for k, v in store.copies().items()})
    assert link(store, rebuild=True).articles == 3
    assert ([s.to_record() for s in store.stories()], {k: v.original_id for k, v in store.copies().items()}) == first


def test_story_view_counts_the_copy_as_its_original(store: Store) -> None:
    link(store)
    view = story_view(store, store.story_of(1))  # type: ignore[arg-type]
    assert [a.copy_of for a in view.articles] == [None, 1]
    [group] = view.groups  # the copied claim, reported twice
    assert (group.reports, group.independent_origins, group.origins) == (2, 1, ["Oona Farrell"])
    timeline = view.timeline()
    assert [r["copy_of"] for r in timeline] == [None, 1] and {r["group_id"] for r in timeline} == {group.id}
    g = view.graph()
    assert ("article:2", "article:1", "copies") in {(e.source, e.target, e.kind) for e in g.edges}
    assert group.id in g.groups
    assert "<graphml" in to_graphml(g)


def test_python_api_names(store: Store) -> None:
    assert newstrace.link_articles(store).articles == 3
    assert newstrace.story_view(store, 1).story.id == 1
    assert len(newstrace.provenance_graph(store).nodes) > 0


def test_a_run_stopped_before_regrouping_regroups_next_time(store: Store, monkeypatch) -> None:
    import newstrace.linker as linker

    real = linker.regroup

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(linker, "regroup", stopped)
    with pytest.raises(KeyboardInterrupt):
        link(store)
    assert store.count_pending_links() == 0 and store.claim_groups() == []
    monkeypatch.setattr(linker, "regroup", real)
    assert link(store).regrouped >= 1
    assert len(store.claim_groups()) == 1 and store.stories_needing_regroup() == []


def test_an_encoder_without_its_extra_fails_before_writing(store: Store) -> None:
    from newstrace.config import load_settings
    from newstrace.errors import UsageError
    from newstrace.link.encoder import available

    if available():
        pytest.skip("the embed extra is installed here")
    with pytest.raises(UsageError, match=r"newstrace\[embed\]"):
        link(store, settings=load_settings(encoder="minilm"))
    assert store.count_pending_links() == 3
