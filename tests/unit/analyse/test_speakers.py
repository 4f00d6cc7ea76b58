"""Speakers: pronouns and descriptions resolved to the earlier named mention."""

from __future__ import annotations

from claims_helpers import assert_spans_inside
from newstrace.analyse.speakers import clean_name


def _claims(extractor, text):
    claims = extractor(text, None)
    assert_spans_inside(claims, text)
    return claims


def test_she_is_the_last_person(extractor) -> None:
    text = ("Harbour master Greta Lindqvist said the quay was safe. "
            "She said inspections would continue.")
    claims = _claims(extractor, text)
    assert [c.source.entity for c in claims] == ["Greta Lindqvist", "Greta Lindqvist"]


def test_the_ministry_is_the_named_ministry(extractor) -> None:
    text = ("Ostria's Transport Ministry said the ferry would resume. "
            "The ministry said the timetable was unchanged.")
    claims = _claims(extractor, text)
    assert claims[1].source.entity == "Ostria's Transport Ministry"
    assert claims[1].source.type == "government"


def test_capital_for_country(extractor) -> None:
    text = ("South Korea's Defense Ministry said the drills were routine. "
            "An official from Seoul's Defense Ministry said the schedule was unchanged.")
    claims = _claims(extractor, text)
    assert claims[1].source.entity == "South Korea's Defense Ministry"
    assert claims[1].source.description == "An official from Seoul's Defense Ministry"


def test_the_official_is_the_anonymous_official(extractor) -> None:
    text = ("A senior port official told reporters that the inspection was postponed. "
            "The official said it had been due in March.")
    claims = _claims(extractor, text)
    assert claims[1].source.type == "anonymous"
    assert claims[1].source.entity == "a senior port official"


def test_surname_links_to_full_name(extractor) -> None:
    text = "Mayor Odile Strand said the hall was full. Strand said more buses were coming."
    claims = _claims(extractor, text)
    assert [c.source.entity for c in claims] == ["Odile Strand", "Odile Strand"]


def test_clean_name() -> None:
    assert clean_name("the Kyiv Post") == "Kyiv Post"
    assert clean_name("South Korea’s Defense Ministry,") == "South Korea's Defense Ministry"
