"""Syndicated and near-identical copies (link/copies.py) on the sample corpus, hand-made
variants of its wire story, and a generated corpus of a few hundred look-alikes."""

from __future__ import annotations

import dataclasses
import random

import pytest

from newstrace.link.copies import CopyIndex, CopyMatch, shingles, split_credits
from newstrace.models import Article

WIRE = "harborwire-ammonia-leak-marrowick.html"


def _index(sample: dict[str, Article], names: list[str], order: list[str]) -> tuple[CopyIndex, list[CopyMatch]]:
    index = CopyIndex()
    found: list[CopyMatch] = []
    for name in order:
        found.extend(index.add_all(names.index(name), sample[name]))
    return index, found


def _variant(article: Article, **changes: object) -> Article:
    changes.setdefault("paragraphs", list(article.paragraphs))  # never share the fixture's list
    return dataclasses.replace(article, **changes)  # type: ignore[arg-type]


def _relations(index: CopyIndex, names: list[str]) -> dict[str, str]:
    return {names[d]: names[o] for d in range(len(names)) if (o := index.original_of(d)) is not None}


# -- the sample corpus ----------------------------------------------------------------------


def test_syndicated_copy_found_with_its_original_and_nothing_else(sample, names, gold) -> None:
    by_date = sorted(names, key=lambda n: (sample[n].published or "", n))
    index, found = _index(sample, names, by_date)
    expected = {c["copy"]: c["original"] for c in gold["copies"]}
    assert _relations(index, names) == expected
    assert len(found) == 1
    match = found[0]
    assert (names[match.copy_id], names[match.original_id]) == next(iter(expected.items()))
    assert match.similarity > 0.7
    assert any("canonical" in e for e in match.evidence)


@pytest.mark.parametrize("seed", range(6))
def test_copy_relation_does_not_depend_on_ingest_order(sample, names, gold, seed) -> None:
    order = names[:]
    random.Random(seed).shuffle(order)
    index, _ = _index(sample, names, order)
    assert _relations(index, names) == {c["copy"]: c["original"] for c in gold["copies"]}


def test_copy_arriving_before_its_original_is_reassigned(sample, names, gold) -> None:
    copy, original = gold["copies"][0]["copy"], gold["copies"][0]["original"]
    index = CopyIndex()
    assert index.add(names.index(copy), sample[copy]) is None
    match = index.add(names.index(original), sample[original])
    assert match is not None
    assert (match.copy_id, match.original_id) == (names.index(copy), names.index(original))


def test_credited_rewrite_is_not_a_copy(sample, names, gold) -> None:
    for rewrite in gold["rewrites"]:
        index = CopyIndex()
        assert index.add(names.index(rewrite["based_on"]), sample[rewrite["based_on"]]) is None
        assert index.add(names.index(rewrite["page"]), sample[rewrite["page"]]) is None
        a = shingles(split_credits(sample[rewrite["page"]])[0])
        b = shingles(split_credits(sample[rewrite["based_on"]])[0])
        assert len(a & b) / len(a | b) < 0.1


def test_dateline_credit_is_read_and_stripped(sample) -> None:
    paragraphs, credits = split_credits(sample[WIRE])
    assert "harbor wire" in credits and credits["harbor wire"] == "dateline"
    assert paragraphs[0].startswith("A cloud of ammonia vapor")


# -- hand-made variants ---------------------------------------------------------------------


def _edited_copy(wire: Article, outlet: str, url: str, *, lead: str, end: str | None, published: str) -> Article:
    body = [lead, *wire.paragraphs[1:5], *wire.paragraphs[6:]]  # lead rewritten, a paragraph cut
    if end:
        body.append(end)
    return _variant(wire, outlet=outlet, url=url, title="Port leak", paragraphs=body, published=published, evidence={})


def test_credit_line_beats_an_earlier_date(sample) -> None:
    wire = sample[WIRE]
    copy = _edited_copy(
        wire,
        "Lowland Times",
        "https://lowlandtimes.example/leak",
        lead="MARROWICK — Ammonia leaked from a gas tanker at Marrowick's port late on Monday, port officials said.",
        end="This story was originally published by Harbor Wire.",
        published="2025-10-06",  # a wrong, earlier date on the copy
    )
    index = CopyIndex()
    index.add(1, wire)
    match = index.add(2, copy)
    assert match is not None and (match.copy_id, match.original_id) == (2, 1)
    assert any("credit line" in e for e in match.evidence)
    assert split_credits(copy)[0][-1] != "This story was originally published by Harbor Wire."


def test_agency_acronym_in_dateline_credits_the_agency(sample) -> None:
    wire = _variant(sample[WIRE], outlet="Associated Press", url="https://apnews.example/a1", evidence={})
    wire.paragraphs[0] = wire.paragraphs[0].replace("(Harbor Wire)", "(AP)")
    member = _edited_copy(
        wire,
        "Daily Star",
        "https://dailystar.example/x",
        lead="MARROWICK (AP) — An ammonia cloud escaped from a tanker at the port of Marrowick late on Monday.",
        end=None,
        published="2025-10-07",
    )
    other = _variant(member, outlet="Evening Star", url="https://eveningstar.example/y", published="2025-10-06")
    index = CopyIndex()
    index.add(10, other)  # an uncredited, earlier look-alike that is not the agency
    index.add(11, wire)
    match = index.add(12, member)
    assert match is not None and match.original_id == 11
    assert any("dateline" in e for e in match.evidence)


def test_earliest_is_original_without_credit(sample) -> None:
    plain = [p.replace("(Harbor Wire)", "") for p in sample[WIRE].paragraphs]
    early = _variant(
        sample[WIRE], outlet="A", url="https://a.example/1", published="2025-10-07", paragraphs=plain, evidence={}
    )
    late = _variant(early, outlet="B", url="https://b.example/1", published="2025-10-08", paragraphs=plain[:-1])
    index = CopyIndex()
    assert index.add(5, late) is None
    changed = index.add_all(4, early)
    assert [(m.copy_id, m.original_id) for m in changed] == [(5, 4)]
    assert "published later" in changed[0].evidence


def test_exact_copy_short_circuits(sample) -> None:
    wire = sample[WIRE]
    twin = _variant(wire, outlet="Mirror", url="https://mirror.example/1", title="Other headline", evidence={})
    index = CopyIndex()
    index.add(1, wire)
    match = index.add(2, twin)
    assert match == CopyMatch(2, 1, 1.0, match.evidence) and match.evidence[0] == "identical body"


def test_cut_down_copy_found_by_containment(sample) -> None:
    wire = sample[WIRE]
    short = _variant(wire, outlet="Brief", url="https://brief.example/1", paragraphs=wire.paragraphs[:7], evidence={})
    index = CopyIndex()
    index.add(1, wire)
    match = index.add(2, short)
    assert match is not None and match.original_id == 1
    assert match.evidence[0].startswith(("contained", "shingle"))


def test_readding_an_id_replaces_it(sample) -> None:
    index = CopyIndex()
    index.add(1, sample[WIRE])
    index.add(1, sample[WIRE])
    assert len(index) == 1


def test_prune_forgets_old_articles_and_their_relations(sample) -> None:
    wire = sample[WIRE]
    old = _variant(wire, outlet="A", url="https://a.example/1", published="2025-09-01", evidence={})
    copy = _variant(wire, outlet="B", url="https://b.example/1", published="2025-10-07", evidence={})
    undated = _variant(wire, outlet="C", url="https://c.example/1", published=None, evidence={})
    index = CopyIndex()
    index.add(1, old)
    assert index.add(2, copy) is not None and index.original_of(2) == 1
    index.add(3, undated)
    assert index.prune("2025-10-01") == 1
    assert 1 not in index and 2 in index and 3 in index  # undated articles are kept
    assert index.original_of(2) is None and index.copies_of(1) == []
    # a later look-alike is matched against what is left, and the index still round-trips
    later = _variant(wire, outlet="D", url="https://d.example/1", published="2025-10-09", evidence={})
    assert index.add(4, later) is not None
    assert len(CopyIndex.from_bytes(index.to_bytes())) == 3


def test_round_trip_keeps_index_and_relations(sample, names) -> None:
    by_date = sorted(names, key=lambda n: (sample[n].published or "", n))
    index, _ = _index(sample, names, by_date)
    data = index.to_bytes()
    again = CopyIndex.from_bytes(data)
    assert len(again) == len(index)
    assert _relations(again, names) == _relations(index, names)
    twin = _variant(sample[WIRE], outlet="Mirror", url="https://mirror.example/1", evidence={}, published="2025-10-08")
    twin.paragraphs = twin.paragraphs[:-2]
    match = again.add(100, twin)
    assert match is not None and match.original_id == names.index(WIRE)
    assert len(data) < 1000 * len(names)  # compact: signatures plus a small header


def test_foreign_bytes_are_refused() -> None:
    with pytest.raises(ValueError):
        CopyIndex.from_bytes(b"\x80\x04pickle")


# -- a generated corpus ---------------------------------------------------------------------


def _article(words: list[str], rng: random.Random, n_paragraphs: int = 10) -> list[str]:
    return [" ".join(rng.choice(words) for _ in range(40)).capitalize() + "." for _ in range(n_paragraphs)]


def _edit(paragraphs: list[str], rng: random.Random, words: list[str]) -> list[str]:
    out = list(paragraphs)
    del out[rng.randrange(1, len(out))]  # a cut paragraph
    first = out[0].split()
    for _ in range(6):  # a rewritten lead
        first[rng.randrange(len(first))] = rng.choice(words)
    out[0] = " ".join(first)
    return out


def test_scaling_smoke_generated_look_alikes() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    index = CopyIndex()
    truth: dict[int, int] = {}
    doc = 0
    for story in range(100):
        base = _article(words, rng)
        original = doc
        index.add(doc, Article(f"s{story}", "body", outlet=f"Outlet {story}", published="2025-01-01", paragraphs=base))
        doc += 1
        for k in range(2):
            copy = _edit(base, rng, words)
            index.add(doc, Article(f"c{doc}", "body", outlet=f"Other {k}", published="2025-01-02", paragraphs=copy))
            truth[doc] = original
            doc += 1
    found = {d: index.original_of(d) for d in range(doc) if index.original_of(d) is not None}
    assert found == truth
    again = CopyIndex.from_bytes(index.to_bytes())
    assert {d: again.original_of(d) for d in found} == truth
