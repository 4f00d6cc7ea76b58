"""Denials: stance denied, and "both countries" resolved to the accused parties."""

from __future__ import annotations

from claims_helpers import assert_spans_inside


def test_denied_the_report(extractor) -> None:
    text = "The Ostrian Fisheries Ministry denied the report on Wednesday."
    claims = extractor(text, "2025-06-12")
    assert_spans_inside(claims, text)
    c = claims[0]
    assert c.stance == "denied"
    assert c.content[0].text == "the report"
    assert c.date == "2025-06-11"


def test_rejected_that(extractor) -> None:
    text = "The company rejected claims that its tankers had skipped inspections."
    claims = extractor(text, None)
    assert_spans_inside(claims, text)
    assert claims and claims[0].stance == "denied"


def test_charge_that_both_countries_denied(extractor) -> None:
    text = ("Ostria and Valden have accused Kerrland of selling drones to Morvania, "
            "a charge that both countries have denied.")
    claims = extractor(text, None)
    assert_spans_inside(claims, text)
    accusation = [c for c in claims if c.stance == "asserted"]
    denials = [c for c in claims if c.stance == "denied"]
    assert accusation and accusation[0].cue.text == "have accused"
    assert accusation[0].source.entity == "Ostria and Valden"
    assert sorted(c.source.entity for c in denials) == ["Kerrland", "Morvania"]
    assert all(c.source.text == "both countries" for c in denials)
    assert all(c.content == accusation[0].content for c in denials)
