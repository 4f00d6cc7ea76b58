"""Time references resolved against the publication date, on invented news sentences."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from newstrace.analyse.timeref import TimeRef, find_time_refs, infer_year, statement_date

WED = date(2024, 10, 16)  # a Wednesday


def refs(text: str, published: date | str | None = WED) -> list[TimeRef]:
    found = find_time_refs(text, published)
    for r in found:
        assert text[r.start:r.end] == r.text
    return found


def one(text: str, published: date | str | None = WED) -> TimeRef:
    found = refs(text, published)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("sentence", "span", "iso"),
    [
        ("The harbour master said Tuesday that the quay would stay shut.", "Tuesday", "2024-10-15"),
        ("The ministry said on Wednesday that the leak was contained.", "on Wednesday", "2024-10-16"),
        ("Firefighters were called to the depot on Monday.", "on Monday", "2024-10-14"),
        ("The ferry sank last Tuesday off the northern cape.", "last Tuesday", "2024-10-15"),
        ("A council meeting last Wednesday ended in shouting.", "last Wednesday", "2024-10-09"),
        ("The tanker docked Thursday, port records show.", "Thursday", "2024-10-10"),
        ("Rescuers reached the crew Sunday night.", "Sunday night", "2024-10-13"),
        ("Protesters gathered late Tuesday outside the town hall.", "late Tuesday", "2024-10-15"),
        ("The results came in early on Monday.", "early on Monday", "2024-10-14"),
        ("The vote has been moved to next Monday.", "next Monday", "2024-10-21"),
        ("The inquiry opens next Wednesday.", "next Wednesday", "2024-10-23"),
        ("Officials will meet this coming Friday.", "this coming Friday", "2024-10-18"),
        ("The clean-up starts this Friday.", "this Friday", "2024-10-18"),
        ("She resigned on Saturday morning.", "on Saturday morning", "2024-10-12"),
    ],
)
def test_weekdays(sentence: str, span: str, iso: str) -> None:
    r = one(sentence)
    assert (r.text, r.date, r.precision, r.relation) == (span, iso, "day", "on")


@pytest.mark.parametrize(
    ("sentence", "iso"),
    [
        ("The council will vote on Friday on the tram plan.", "2024-10-18"),
        ("The inquiry is due to open Monday in Marrowick.", "2024-10-21"),
        ("Divers are expected to return to the wreck on Tuesday.", "2024-10-22"),
        ("The union says it will strike Wednesday.", "2024-10-16"),
        ("Crews will resume work on Thursday morning.", "2024-10-17"),
        # the future marker is too far away or in another clause: the past rule holds
        ("He will be missed, his widow said Tuesday.", "2024-10-15"),
        ("The port will stay shut, officials said on Monday.", "2024-10-14"),
        ("It will take weeks to clear the wreck of the ship that sank on Monday.", "2024-10-14"),
    ],
)
def test_weekdays_after_a_future_marker(sentence: str, iso: str) -> None:
    assert one(sentence).date == iso


def test_weekday_on_the_day_of_publication_is_that_day() -> None:
    assert one("Police said Wednesday that two men were held.").date == "2024-10-16"


def test_weekday_in_all_caps_and_lower_case() -> None:
    assert one("OFFICIALS SAID TUESDAY THE PORT WAS CLOSED.").date == "2024-10-15"
    assert one("the statement came on tuesday.").date == "2024-10-15"


def test_weekday_plural_and_names_are_not_refs() -> None:
    assert refs("The market opens on Tuesdays and Thursdays.") == []


# --------------------------------------------------------------------------- days, weeks, months, years


@pytest.mark.parametrize(
    ("sentence", "span", "iso", "precision"),
    [
        ("The mayor said today that schools would reopen.", "today", "2024-10-16", "day"),
        ("The ship was towed away yesterday.", "yesterday", "2024-10-15", "day"),
        ("The evacuation order was lifted yesterday afternoon.", "yesterday afternoon", "2024-10-15", "day"),
        ("A vigil will be held tonight.", "tonight", "2024-10-16", "day"),
        ("The minister told reporters this morning that talks had failed.", "this morning", "2024-10-16", "day"),
        ("Two fires broke out last night near the docks.", "last night", "2024-10-15", "day"),
        ("The report is due tomorrow.", "tomorrow", "2024-10-17", "day"),
        ("The crane collapsed the day before yesterday.", "the day before yesterday", "2024-10-14", "day"),
        ("Divers found the wreck earlier this week.", "earlier this week", "2024-10-14", "week"),
        ("The tribunal sits this week.", "this week", "2024-10-14", "week"),
        ("The union called a strike last week.", "last week", "2024-10-07", "week"),
        ("Ballots will be counted next week.", "next week", "2024-10-21", "week"),
        ("Two ferries collided over the weekend.", "over the weekend", "2024-10-07", "week"),
        ("A regatta is planned this weekend.", "this weekend", "2024-10-14", "week"),
        ("Prices rose last month.", "last month", "2024-09-01", "month"),
        ("The port authority warned earlier this month of delays.", "earlier this month", "2024-10-01", "month"),
        ("The bridge will open next month.", "next month", "2024-11-01", "month"),
        ("Tourism has fallen this year.", "this year", "2024-01-01", "year"),
        ("The plant was inspected last year.", "last year", "2023-01-01", "year"),
        ("The canal was dredged earlier this year.", "earlier this year", "2024-01-01", "year"),
    ],
)
def test_relative_days_weeks_months_years(sentence: str, span: str, iso: str, precision: str) -> None:
    r = one(sentence)
    assert (r.text, r.date, r.precision) == (span, iso, precision)


@pytest.mark.parametrize(
    ("sentence", "span", "iso", "precision"),
    [
        ("The leak started two days ago.", "two days ago", "2024-10-14", "day"),
        ("The ferry left 10 days ago.", "10 days ago", "2024-10-06", "day"),
        ("The first warning came three weeks ago.", "three weeks ago", "2024-09-23", "week"),
        ("A week ago the quay was still open.", "A week ago", "2024-10-07", "week"),
        ("A month ago nobody had heard of the firm.", "A month ago", "2024-09-01", "month"),
        ("The plant opened five years ago.", "five years ago", "2019-01-01", "year"),
    ],
)
def test_ago(sentence: str, span: str, iso: str, precision: str) -> None:
    r = one(sentence)
    assert (r.text, r.date, r.precision) == (span, iso, precision)


def test_week_precision_is_always_a_monday() -> None:
    for text in ("earlier this week", "last week", "next week", "three weeks ago", "last weekend"):
        for day in range(1, 29):
            pub = date(2024, 2, day)
            r = one(f"It happened {text}.", pub)
            assert r.precision == "week"
            assert date.fromisoformat(r.date).weekday() == 0, (text, pub, r)


def test_weekend_on_a_sunday_is_that_weekend() -> None:
    sunday = date(2024, 10, 20)
    assert one("Two ferries collided over the weekend.", sunday).date == "2024-10-14"
    assert one("Two ferries collided last weekend.", sunday).date == "2024-10-07"


# --------------------------------------------------------------------------- absolute dates


@pytest.mark.parametrize(
    ("sentence", "span", "iso"),
    [
        ("The cargo was loaded on Oct. 3 in Tessaly.", "on Oct. 3", "2024-10-03"),
        ("The cargo was loaded on October 3 in Tessaly.", "on October 3", "2024-10-03"),
        ("The cargo was loaded on 3 October in Tessaly.", "on 3 October", "2024-10-03"),
        ("The first complaint was filed Sept. 29.", "Sept. 29", "2024-09-29"),
        ("The first complaint was filed Sep 29.", "Sep 29", "2024-09-29"),
        ("The ship sailed on Oct. 3, 2024, records show.", "on Oct. 3, 2024", "2024-10-03"),
        ("The ship sailed on 2024-10-03.", "on 2024-10-03", "2024-10-03"),
        ("A notice dated 10/3/2024 was posted.", "10/3/2024", "2024-10-03"),
        ("The hearing of the 5th of November was cancelled.", "the 5th of November", "2024-11-05"),
        ("It was signed on October 3rd.", "on October 3rd", "2024-10-03"),
        ("The port reopened Wednesday, Oct. 2.", "Wednesday, Oct. 2", "2024-10-02"),
        ("The memo, dated 3 Oct 2023, surfaced this week.", "3 Oct 2023", "2023-10-03"),
    ],
)
def test_absolute_dates(sentence: str, span: str, iso: str) -> None:
    r = [x for x in refs(sentence) if x.precision == "day"][0]
    assert (r.text, r.date, r.precision) == (span, iso, "day")


def test_slash_dates_are_us_unless_impossible() -> None:
    assert one("A letter dated 3/10/2024 was leaked.").date == "2024-03-10"
    assert one("A letter dated 31/12/2023 was leaked.").date == "2023-12-31"
    assert refs("A letter dated 31/31/2023 was leaked.") == []


def test_weekday_abbreviations_only_before_dates() -> None:
    assert one("Posted Sun, 13 Oct 2024 by the desk.").text == "Sun, 13 Oct 2024"
    assert one("The barge sat Oct. 3 at the quay.").text == "Oct. 3"
    assert refs("The Sun and the Sat. night show.") == []


def test_year_is_inferred_backwards_over_new_year() -> None:
    jan3 = date(2025, 1, 3)
    assert one("The fire started on Dec. 28 in a warehouse.", jan3).date == "2024-12-28"
    assert one("The fire started on Oct. 3 in a warehouse.", jan3).date == "2024-10-03"


def test_year_is_inferred_forwards_over_new_year() -> None:
    dec20 = date(2024, 12, 20)
    r = one("The new timetable starts Jan. 6.", dec20)
    assert r.date == "2025-01-06"
    assert one("The fire started on Oct. 3 in a warehouse.", dec20).date == "2024-10-03"


def test_near_future_deadline_is_the_same_year() -> None:
    r = one("The operator must remove the tanks by Oct. 31, the ministry said.", date(2024, 10, 10))
    assert (r.text, r.date, r.relation) == ("by Oct. 31", "2024-10-31", "before")


def test_infer_year_window() -> None:
    pub = date(2024, 10, 16)
    assert infer_year(12, 15, pub) == date(2024, 12, 15)  # 60 days ahead
    assert infer_year(12, 31, pub) == date(2023, 12, 31)  # 76 days ahead: last year's
    assert infer_year(2, 29, date(2025, 1, 10)) == date(2024, 2, 29)


def test_impossible_dates_are_not_refs() -> None:
    assert [r.text for r in refs("Figures for Feb. 30 and Nov. 31 were revised.")] == []


def test_relations() -> None:
    assert one("The quay stays shut until Friday.").relation == "before"
    assert one("No ship has docked since Monday.").relation == "after"
    r = one("Records have been kept since March 2023.")
    assert (r.date, r.precision, r.relation) == ("2023-03-01", "month", "after")


def test_months_and_years() -> None:
    r = one("The contract was signed in May.")
    assert (r.text, r.date, r.precision) == ("in May", "2024-05-01", "month")
    assert one("Elections are due in December.").date == "2024-12-01"
    assert one("The ferry was refitted last October.").date == "2023-10-01"
    assert one("Work resumes next March.").date == "2025-03-01"
    assert one("Traffic picked up in mid-October.").date == "2024-10-01"
    r = one("The quay was built in 1998.")
    assert (r.text, r.date, r.precision) == ("in 1998", "1998-01-01", "year")


def test_words_that_look_like_months_are_not_refs() -> None:
    assert refs("The council may march on the town hall; she may decide.") == []
    assert refs("Marrowick and Martinez met the Octopus crew.") == []


def test_counts_after_by_are_not_years() -> None:
    assert refs("The crowd grew by 2000 people in an hour.") == []
    assert one("The port wants to double capacity by 2030.").date == "2030-01-01"


def test_times_and_numbers_are_not_dates() -> None:
    assert refs("The meeting starts at 10:30 and 3,000 people are expected.") == []


def test_no_ref_spans_a_line_break() -> None:
    found = refs("The count rose in Oct.\n\n3 people were hurt on\nTuesday.")
    assert [(r.text, r.precision) for r in found] == [("in Oct.", "month"), ("Tuesday", "day")]


def test_several_refs_in_order_without_overlap() -> None:
    text = ("On Tuesday, the mayor said the tanker had arrived Oct. 3 and would leave by next Monday; "
            "a report is due next month.")
    found = refs(text)
    assert [r.text for r in found] == ["On Tuesday", "Oct. 3", "by next Monday", "next month"]
    assert [r.date for r in found] == ["2024-10-15", "2024-10-03", "2024-10-21", "2024-11-01"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


# --------------------------------------------------------------------------- no publication date


def test_without_publication_date() -> None:
    text = "On Tuesday, officials said the ship left Oct. 3, 2024; it had arrived Oct. 1 and was seen yesterday."
    found = refs(text, None)
    by_text = {r.text: r for r in found}
    assert by_text["On Tuesday"].date is None
    assert by_text["Oct. 3, 2024"].date == "2024-10-03"
    assert by_text["Oct. 1"].date is None
    assert by_text["yesterday"].date is None
    assert one("Prices rose last month.", None).precision == "month"


def test_publication_date_as_iso_string() -> None:
    assert one("The port said Tuesday it would reopen.", "2024-10-16").date == "2024-10-15"
    assert one("The port said Tuesday it would reopen.", "2024-10-16T08:00:00Z").date == "2024-10-15"
    assert one("The port said Tuesday it would reopen.", "not a date").date is None


# --------------------------------------------------------------------------- statement dates


def _sentence_refs(text: str) -> tuple[int, int, list[TimeRef]]:
    return 0, len(text), refs(text)


def test_statement_date_said_weekday() -> None:
    text = "The harbour master said Tuesday that the quay would reopen next month."
    s, e, found = _sentence_refs(text)
    cue = text.index("said")
    assert statement_date(s, e, found, WED, cue_start=cue, text=text) == "2024-10-15"


def test_statement_date_sentence_initial() -> None:
    text = "On Monday, the ministry said in a statement that no ammonia had leaked."
    s, e, found = _sentence_refs(text)
    assert statement_date(s, e, found, WED, cue_start=text.index("said"), text=text) == "2024-10-14"


def test_statement_date_nearest_to_cue_wins() -> None:
    text = '"We left the port on Sunday," the captain told reporters on Tuesday.'
    s, e, found = _sentence_refs(text)
    cue = text.index("told")
    assert statement_date(s, e, found, WED, cue_start=cue, text=text) == "2024-10-15"
    # without the text, only the distance counts: still Tuesday (nearest)
    assert statement_date(s, e, found, WED, cue_start=cue) == "2024-10-15"


def test_statement_date_skips_the_date_of_the_content() -> None:
    text = "The ship arrived on Monday, the port authority said."
    s, e, found = _sentence_refs(text)
    cue = text.index("said")
    assert statement_date(s, e, found, WED, cue_start=cue, text=text) is None
    text = "The operator said that the tanks were emptied on Sunday."
    s, e, found = _sentence_refs(text)
    assert statement_date(s, e, found, WED, cue_start=text.index("said"), text=text) is None


def test_statement_date_ignores_future_and_coarse_refs() -> None:
    text = "The mayor said the vote would be held next Monday."
    s, e, found = _sentence_refs(text)
    assert statement_date(s, e, found, WED, cue_start=text.index("said")) is None
    text = "The ministry said last week that it would review the permits."
    s, e, found = _sentence_refs(text)
    assert statement_date(s, e, found, WED, cue_start=text.index("said")) is None
    text = "Officials said by Friday the quay should be clear."
    s, e, found = _sentence_refs(text)
    assert statement_date(s, e, found, WED, cue_start=text.index("said")) is None


def test_statement_date_only_within_the_sentence() -> None:
    text = "The port reopened on Monday. The minister said the leak was small."
    found = refs(text)
    second = text.index("The minister")
    assert statement_date(second, len(text), found, WED, cue_start=text.index("said")) is None
    assert statement_date(0, second, found, WED) == "2024-10-14"


def test_statement_date_without_refs_or_cue() -> None:
    assert statement_date(0, 10, [], WED, cue_start=3) is None
    text = "Yesterday the union said talks had failed."
    assert statement_date(0, len(text), refs(text), WED) == "2024-10-15"


# --------------------------------------------------------------------------- robustness

AWKWARD = [
    "",
    " ",
    "\n\n\t",
    "Am Dienstag sagte der Minister, dass am 3. Oktober 2024 rund 3.000 Menschen evakuiert wurden.",
    "Le ministre a déclaré mardi 15 octobre que 3 000 personnes avaient été évacuées.",
    "国防部周二表示，约3000名士兵于10月3日抵达。",
    "Министерство заявило во вторник, что 3 октября прибыли 3000 солдат.",
    "الوزارة قالت يوم الثلاثاء",
    "TUESDAY OCT. 15 2024 — UP TO 3,000 NORTH KOREANS, OFFICIALS SAID YESTERDAY; MAY 3, MARCH 2025",
    "| 2024-10-03 | 10/3/2024 | 3,000 | 12% | Oct. 3 | 31/12/2024 | 99/99/9999 | 2024-13-45 |",
    "Oct. Oct. 3 3 October October 2024 2024 in in 2024 ago days two ago weeks three",
    "Tuesday" * 50,
    "on " * 200 + "Tuesday",
    "\u200b\u00a0Tuesday\u00a0night\u200b",
    "\ud800 lone surrogate Tuesday",
    "1" * 500,
]


@pytest.mark.parametrize("text", AWKWARD)
@pytest.mark.parametrize("published", [WED, None, date(1, 1, 1), date(9999, 12, 31)])
def test_awkward_text_never_crashes(text: str, published: date | None) -> None:
    for r in refs(text, published):
        assert 0 <= r.start < r.end <= len(text)
        assert r.precision in ("day", "week", "month", "year")
        assert r.relation in ("on", "before", "after")


def test_generated_strings_never_crash() -> None:
    # hypothesis is not a dependency; a seeded generator over news-like pieces does the same job
    pieces = [
        "Tuesday", "on", "last", "next", "Oct.", "3", "31", "2024", ",", " ", "ago", "two", "days",
        "weeks", "this", "week", "month", "year", "earlier", "by", "since", "May", "may", "-", "/",
        "10", "12", "in", "the", "of", "5th", "night", "yesterday", "ÄÖÜ", "日本", "\n", ".", "3,000",
    ]
    rng = random.Random(1234)
    for _ in range(800):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "  "]) for _ in range(rng.randint(0, 25)))
        pub = rng.choice([WED, None, date(2025, 1, 1), date(2024, 2, 29)])
        found = refs(text, pub)
        assert all(a.end <= b.start for a, b in zip(found, found[1:]))
        assert all(r.date is None or len(r.date) == 10 for r in found)


def test_long_inputs_are_fast() -> None:
    for text in ("on " * 5000 + "Tuesday", "earlier " * 5000, "3 " * 5000 + "October", "Oct. " * 5000):
        t0 = time.perf_counter()
        refs(text)
        assert time.perf_counter() - t0 < 2.0, text[:20]
