"""Figures (link/figures.py): one count reported again and again, in date order."""

from __future__ import annotations

from newstrace.link.figures import figures
from newstrace.models import Article, Quantity, SourceRef, Span
from tests.unit.link.test_claimgroups import art, claim


def _q(text: str, value: float, counted: str, at: int, full: str) -> Quantity:
    start = full.index(text)
    return Quantity(start, start + len(text), text, value, counted=counted)


def test_figures_group_by_counted_thing_and_context() -> None:
    items = []
    for i, (n, verb, date) in enumerate([(40, "were evacuated", "2025-10-07"), (120, "were evacuated", "2025-10-08"),
                                          (11, "were treated in hospital", "2025-10-07"), (14, "were treated in hospital", "2025-10-08")]):
        text = f"{n} people {verb}"
        c = claim(text, date=date, quantities=[_q(f"{n} people", n, "people", 0, text)])
        items.append((i, 0, c, art("Outlet", date)))
    out = figures(items)
    assert sorted([v.value for v in f.values] for f in out) == [[11, 14], [40, 120]]


def test_single_report_is_no_figure() -> None:
    text = "40 people were evacuated"
    c = claim(text, quantities=[_q("40 people", 40, "people", 0, text)])
    assert figures([(1, 0, c, art("A"))]) == []


def test_sample_evacuation_count(sample, sample_claims, names) -> None:
    items = [(names.index(n), i, c, sample[n]) for n in names for i, c in enumerate(sample_claims[n])]
    figs = figures(items)
    evac = next(f for f in figs if any(v.value == 217 for v in f.values))
    seq = [v.value for v in evac.values]
    dates = [v.date for v in evac.values]
    assert dates == sorted(dates)
    distinct = list(dict.fromkeys(seq))
    # gold: 40, 120, 300, 296, 217 (296 sits in the attribution sentence, outside the content)
    assert distinct == [40, 120, 300, 296, 217]
    # the hospital count is a figure of its own, not part of the evacuation
    assert 11 not in seq and 14 not in seq
    hosp = next(f for f in figs if any(v.value == 11 for v in f.values))
    assert [v.value for v in hosp.values][-1] == 14
    assert all(v.source for v in evac.values)


def test_quantity_in_the_attribution_sentence_counts() -> None:
    """"... reading out the association's count: 296 people, in 131 households, who say they
    left their homes that night": the content is "they left their homes that night"."""
    para = ("Mirela Dunmore opened the meeting by reading out the association's count: 296 people, "
            "in 131 households, who say they left their homes that night.")
    body = Article(source="b.html", kind="html", outlet="B", published="2025-10-11", paragraphs=["Intro.", para])
    text = body.text
    content = "they left their homes that night"
    c = claim(content)
    c.content = [Span(text.index(content), text.index(content) + len(content), content)]
    c.cue = Span(text.index("say"), text.index("say") + 3, "say")
    c.source = SourceRef(text.index("Mirela"), text.index("Mirela") + 14, "Mirela Dunmore", entity="Mirela Dunmore")
    t2 = "A total of 217 people left their homes on the night of the leak"
    c2 = claim(t2, date="2025-10-12", quantities=[_q("A total of 217 people", 217, "people", 0, t2)])
    out = figures([(1, 0, c, body), (2, 0, c2, art("C", "2025-10-12"))])
    assert [[v.value for v in f.values] for f in out] == [[296, 217]]
    assert out[0].values[0].source == "Mirela Dunmore"


def test_measure_of_a_substance_needs_no_context() -> None:
    t1, t2 = "the manifest listed 3,112 tonnes of ammonia", "the ship was carrying about 3,100 tonnes of liquid ammonia"
    c1 = claim(t1, quantities=[_q("3,112 tonnes of ammonia", 3112, "tonnes of ammonia", 0, t1)])
    c2 = claim(t2, quantities=[_q("about 3,100 tonnes of liquid ammonia", 3100, "tonnes of liquid ammonia", 0, t2)])
    out = figures([(1, 0, c1, art("A")), (2, 0, c2, art("B"))])
    assert len(out) == 1 and sorted(v.value for v in out[0].values) == [3100, 3112]
