"""The synthetic corpus generator (link/synthetic.py): deterministic, consistent truth, and
a corpus the copy index links correctly."""

from __future__ import annotations

import itertools

from newstrace.link.copies import CopyIndex, _outlet_keys, split_credits
from newstrace.link.synthetic import generate, score_pairs


def _corpus(n: int, seed: int = 0) -> list:
    return list(generate(n, seed))


def test_generator_is_deterministic() -> None:
    a, b = _corpus(300, seed=3), _corpus(300, seed=3)
    assert [(x[1], x[2]) for x in a] == [(y[1], y[2]) for y in b]
    other = _corpus(300, seed=4)
    assert [x[1].paragraphs for x in a] != [y[1].paragraphs for y in other]


def test_generator_streams_the_requested_count_in_date_order() -> None:
    docs = _corpus(500)
    assert [d for d, _, _ in docs] == list(range(500))
    dates = [a.published for _, a, _ in docs]
    assert dates == sorted(dates)
    kinds = {t.kind for _, _, t in docs}
    assert kinds == {"report", "copy", "rewrite"}
    # a prefix of a longer corpus is the shorter corpus
    assert [a for _, a, _ in itertools.islice(generate(800, 0), 500)] == [a for _, a, _ in docs]


def test_truth_is_consistent() -> None:
    docs = _corpus(500)
    by_id = {d: (a, t) for d, a, t in docs}
    copies = 0
    for doc_id, article, truth in docs:
        assert truth.doc_id == doc_id
        assert truth.claim_groups and len(truth.claim_groups) == len(truth.origins)
        if truth.kind != "copy":
            assert truth.original is None
        if truth.kind == "rewrite":
            cited, cited_truth = by_id[truth.cites]
            assert truth.cites < doc_id and cited_truth.kind == "report"
            assert cited.outlet in article.text  # it names the outlet it cites
        if truth.kind != "copy":
            continue
        copies += 1
        original, orig_truth = by_id[truth.original]
        assert truth.original < doc_id
        assert orig_truth.kind == "report" and orig_truth.story == truth.story
        assert original.published <= article.published
        assert original.outlet != article.outlet
        # the copy credits the original's outlet (dateline or "originally published by")
        _, credits = split_credits(article)
        assert set(credits) & _outlet_keys(original.outlet, None), (doc_id, credits)
    assert copies > 100


def test_stories_differ_in_names_but_share_common_words() -> None:
    docs = _corpus(500)
    words: dict[int, set[str]] = {}
    for _, article, truth in docs:
        words.setdefault(truth.story, set()).update(article.text.lower().split())
    a, b = list(words.values())[:2]
    assert len({"officials", "residents", "city", "authorities", "local"} & a & b) >= 2  # everyday words
    assert a - b and b - a


def test_copy_index_links_a_500_article_corpus() -> None:
    index = CopyIndex()
    gold: dict[int, int] = {}
    for doc_id, article, truth in generate(500, 0):
        index.add_all(doc_id, article)
        if truth.original is not None:
            gold[doc_id] = truth.original
    pred = {d: o for d in range(500) if (o := index.original_of(d)) is not None}
    p, r, f1 = score_pairs(pred, gold)
    # measured 1.000 / 1.000 / 1.000 (seed 0); syndicated copies keep nearly every shingle
    assert f1 >= 0.95, (p, r, f1)


def test_score_pairs() -> None:
    assert score_pairs({}, {}) == (1.0, 1.0, 1.0)
    assert score_pairs({2: 1, 3: 1}, {2: 1, 4: 1}) == (0.5, 0.5, 0.5)
    assert score_pairs({}, {2: 1})[1] == 0.0
