"""Incremental story clustering (link/stories.py) and B-cubed scoring (link/score.py)."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from newstrace.link.copies import CopyIndex
from newstrace.link.protocol import PastArticles
from newstrace.link.score import score_clusters
from newstrace.link.stories import StoryClusterer
from newstrace.link.stories import names as find_names
from newstrace.models import Article


def _gold_stories(gold: dict, page_names: list[str]) -> dict[int, int]:
    return {page_names.index(n): k for k, story in enumerate(gold["stories"]) for n in story}


def _cluster(sample: dict[str, Article], page_names: list[str], order: list[str], **kw: object) -> StoryClusterer:
    clusterer = StoryClusterer(**kw)  # type: ignore[arg-type]
    for name in order:
        clusterer.add(page_names.index(name), sample[name])
    return clusterer


# -- scoring --------------------------------------------------------------------------------


def test_score_perfect_and_degenerate() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    assert score_clusters({1: 7, 2: 7, 3: 8}, gold) == (1.0, 1.0, 1.0)
    p, r, _ = score_clusters({1: 0, 2: 0, 3: 0}, gold)  # everything in one cluster
    assert r == 1.0 and p == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    p, r, _ = score_clusters({1: 1, 2: 2, 3: 3}, gold)  # all singletons
    assert p == 1.0 and r == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
    assert score_clusters({}, {}) == (1.0, 1.0, 1.0)


def test_score_counts_missing_items_as_singletons() -> None:
    p, r, _ = score_clusters({1: "x"}, {1: "a", 2: "a"})
    assert p == 1.0 and r == pytest.approx(0.5)


# -- the sample corpus ----------------------------------------------------------------------


def test_sample_stories_in_date_order(sample, names, gold) -> None:
    by_date = sorted(names, key=lambda n: (sample[n].published or "", n))
    clusterer = _cluster(sample, names, by_date)
    assert score_clusters(clusterer.assignments(), _gold_stories(gold, names)) == (1.0, 1.0, 1.0)
    assert len(clusterer.stories()) == 2


@pytest.mark.parametrize("seed", range(12))
def test_sample_stories_in_any_order(sample, names, gold, seed) -> None:
    order = names[:]
    random.Random(seed).shuffle(order)
    clusterer = _cluster(sample, names, order)
    p, r, f1 = score_clusters(clusterer.assignments(), _gold_stories(gold, names))
    assert (p, r, f1) == (1.0, 1.0, 1.0), order


def test_assignment_reports_join_start_and_merge(sample, names) -> None:
    clusterer = StoryClusterer()
    first = clusterer.add(0, sample["harborwire-ammonia-leak-marrowick.html"])
    assert not first.joined and first.merged == []
    second = clusterer.add(1, sample["estuarypost-tanker-leak-ammonia-cloud.html"])
    assert second.joined and second.story_id == first.story_id
    tram = clusterer.add(2, sample["courier-council-backs-tram-extension.html"])
    assert not tram.joined and tram.story_id != first.story_id


FLOOD = "The Grell Tunnel flooded after pumps failed at Kestrow."


def _body(title: str, lead: str, published: str) -> Article:
    return Article(title, "body", title=title, published=published, paragraphs=[lead, "Nothing else happened."])


def test_a_bridging_article_merges_two_stories() -> None:
    clusterer = StoryClusterer()
    fillers = [
        _body(f"Filler {w} item", f"The {w} fixture at Zorvath {w} was {w} and dull.", "2025-03-01")
        for w in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda")
    ]
    for i, filler in enumerate(fillers):  # some background so that document frequencies mean something
        clusterer.add(100 + i, filler)
    a = clusterer.add(1, _body("Grell Tunnel flooded", FLOOD, "2025-03-02"))
    strike = "Ombrin Dockers walked out at Velmara over pay cuts."
    b = clusterer.add(2, _body("Ombrin strike widens", strike, "2025-03-02"))
    assert a.story_id != b.story_id
    bridge = clusterer.add(
        3,
        _body(
            "Ombrin strike and Grell Tunnel flood",
            "Ombrin Dockers at Velmara walked out as the Grell Tunnel flooded after pumps failed at Kestrow.",
            "2025-03-03",
        ),
    )
    assert bridge.joined and bridge.merged
    assert clusterer.story_of(1) == clusterer.story_of(2) == clusterer.story_of(3) == bridge.story_id


def test_time_window_keeps_distant_articles_apart() -> None:
    clusterer = StoryClusterer()
    a = clusterer.add(1, _body("Grell Tunnel flooded", FLOOD, "2025-03-02"))
    b = clusterer.add(2, _body("Grell Tunnel flooded", FLOOD, "2025-06-02"))
    assert not b.joined and a.story_id != b.story_id


def test_names_regex() -> None:
    found = find_names("At Quay 9 the Tessaly Crown and St. Aldric's Hospital were named. The port was shut.")
    assert {"e:quay 9", "e:tessaly crown", "e:st. aldric hospital"} <= set(found)
    assert "e:port" not in found and "e:the" not in found


def test_optional_encoder_is_used(sample, names, gold) -> None:
    calls: list[str] = []

    def encoder(text: str) -> list[float]:  # a stand-in for a packaged sentence encoder
        calls.append(text)
        return [1.0 if "tram" in text.lower() else 0.0, 0.0 if "tram" in text.lower() else 1.0]

    by_date = sorted(names, key=lambda n: (sample[n].published or "", n))
    clusterer = _cluster(sample, names, by_date, encoder=encoder)
    assert len(calls) == len(names)
    assert score_clusters(clusterer.assignments(), _gold_stories(gold, names))[2] == 1.0


def test_text_only_path_imports_no_spacy_or_torch() -> None:
    code = (
        "import sys, newstrace.link.stories, newstrace.link.copies; "
        "print('spacy' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


# -- a generated corpus ---------------------------------------------------------------------


def _word(rng: random.Random, capital: bool) -> str:
    word = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(4))
    return word.capitalize() if capital else word


def test_scaling_smoke_generated_stories() -> None:
    """320 articles in 40 stories over four weeks, shuffled: stories share everyday words
    (drawn with Zipf frequencies) and differ by their own names; the clusterer must keep
    them apart and together."""
    rng = random.Random(3)
    common = [_word(rng, False) for _ in range(3000)]
    # everyday words with Zipf frequencies, starting below the head: the ~150 most frequent
    # words of real text are in the clusterer's stopword list
    zipf = [1.0 / (rank + 151) for rank in range(len(common))]

    def everyday(k: int) -> list[str]:
        return rng.choices(common, weights=zipf, k=k)

    gold: dict[int, int] = {}
    articles: list[tuple[int, Article]] = []
    doc = 0
    for story in range(40):
        own = [_word(rng, True) for _ in range(12)]  # the story's own names
        day = 1 + story % 25
        for k in range(8):
            title = " ".join(rng.sample(own, 3) + everyday(3))
            lead = "It was " + ", ".join(rng.sample(own, 5) + everyday(20)) + "."
            published = f"2025-05-{day + k % 3:02d}"
            paragraphs = [lead, " ".join(everyday(30)) + "."]
            article = Article(str(doc), "body", title=title, published=published, paragraphs=paragraphs)
            articles.append((doc, article))
            gold[doc] = story
            doc += 1
    rng.shuffle(articles)
    clusterer = StoryClusterer()
    for doc_id, article in articles:
        clusterer.add(doc_id, article)
    p, r, f1 = score_clusters(clusterer.assignments(), gold)
    assert p >= 0.98 and r >= 0.98, (p, r, f1)


class _Past:
    """A list-backed stand-in for the store, satisfying link's PastArticles protocol."""

    def __init__(self, items: list[tuple[int, Article]]) -> None:
        self.items = items

    def articles_since(self, date: str | None) -> list[tuple[int, Article]]:
        return [(i, a) for i, a in self.items if date is None or not a.published or a.published >= date]


def test_build_from_past_articles(sample, names, gold) -> None:
    past: PastArticles = _Past([(names.index(n), sample[n]) for n in names])
    clusterer = StoryClusterer.build(past)
    assert score_clusters(clusterer.assignments(), _gold_stories(gold, names))[2] == 1.0
    recent = StoryClusterer.build(past, since="2025-10-10")
    assert set(recent.assignments()) == {names.index(n) for n in names if sample[n].published >= "2025-10-10"}
    index = CopyIndex.build(past)
    copy = gold["copies"][0]
    assert index.original_of(names.index(copy["copy"])) == names.index(copy["original"])


# -- dates, pruning, persistence ------------------------------------------------------------


def test_dates_and_titles_are_not_names() -> None:
    text = (
        "The leak began on Oct. 7 and by January 3, Mayor Odile Strand said, the Quay 9 berth was shut. "
        "Figures for November 2023 and for Sept. 29 were revised on Monday. Roughly 5,400 left."
    )
    found = set(find_names(text))
    assert {"e:odile strand", "e:quay 9"} <= found
    for date_like in ("e:oct", "e:oct. 7", "e:january 3", "e:january", "e:november 2023", "e:sept. 29", "e:roughly 5"):
        assert date_like not in found, found
    assert "e:mayor odile strand" not in found


def _synthetic(n: int, seed: int = 0) -> list[tuple[int, Article, int]]:
    from newstrace.link.synthetic import generate

    return [(doc_id, article, truth.story) for doc_id, article, truth in generate(n, seed)]


def test_generated_corpus_with_shared_everyday_words_keeps_stories_apart() -> None:
    corpus = _synthetic(600)
    clusterer = StoryClusterer()
    for doc_id, article, _ in corpus:
        clusterer.add(doc_id, article)
    p, r, f1 = score_clusters(clusterer.assignments(), {d: s for d, _, s in corpus})
    assert f1 >= 0.9, (p, r, f1)


def test_prune_forgets_old_stories_and_keeps_recent_ones() -> None:
    corpus = _synthetic(1200)
    clusterer = StoryClusterer()
    for doc_id, article, _ in corpus:
        clusterer.add(doc_id, article)
    before = clusterer.assignments()
    days = sorted({a.published for _, a, _ in corpus})
    cut = days[len(days) // 2]
    forgotten = clusterer.prune(cut)
    after = clusterer.assignments()
    assert forgotten > 0 and 0 < len(after) < len(before)
    # kept articles keep their story ids; every kept story has a member on or after the cut
    assert all(before[d] == sid for d, sid in after.items())
    published = {d: a.published for d, a, _ in corpus}
    for members in clusterer.stories().values():
        assert max(published[m] for m in members) >= cut
    assert not any(d < clusterer._latest_day - 100 for _, d in clusterer._postings)  # noqa: SLF001
    gone = next(d for d in before if d not in after)
    with pytest.raises(KeyError):
        clusterer.story_of(gone)
    # it goes on working after pruning
    extra = _body("Grell Tunnel flooded", FLOOD, corpus[-1][1].published)
    assert clusterer.add(10_000, extra).story_id not in before.values()
    with pytest.raises(ValueError):
        clusterer.prune("not a date")


@pytest.mark.parametrize("compress", [True, False])
def test_to_bytes_round_trip_gives_the_same_later_assignments(compress: bool) -> None:
    corpus = _synthetic(700, seed=1)
    head, tail = corpus[:400], corpus[400:]
    straight, saved = StoryClusterer(), StoryClusterer()
    for doc_id, article, _ in head:
        straight.add(doc_id, article)
        saved.add(doc_id, article)
    data = saved.to_bytes(compress=compress)
    assert isinstance(data, bytes)
    reloaded = StoryClusterer.from_bytes(data)
    assert reloaded.assignments() == straight.assignments()
    assert reloaded.stories() == straight.stories()
    for doc_id, article, _ in tail:
        assert reloaded.add(doc_id, article) == straight.add(doc_id, article)
    assert reloaded.assignments() == straight.assignments()
    assert reloaded.to_bytes() == straight.to_bytes()


def test_from_bytes_refuses_foreign_data() -> None:
    import json
    import zlib

    for data in (b"", b"hello", b"\x80\x04K\x01.", zlib.compress(b'{"a": 1}'), json.dumps([1, 2]).encode(),
                 json.dumps({"format": "something else"}).encode()):
        with pytest.raises(ValueError):
            StoryClusterer.from_bytes(data)
