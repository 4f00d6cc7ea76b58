"""Chains from the immediate source back to the origin."""

from __future__ import annotations

from claims_helpers import assert_spans_inside


def _claims(extractor, text, published="2025-06-12"):
    claims = extractor(text, published)
    assert_spans_inside(claims, text)
    return claims


def test_report_that_cited(extractor) -> None:
    text = ("According to a Monday report by the Valden Herald that cited the Ostrian interior ministry, "
            "about 400 people were moved from the coast.")
    c = _claims(extractor, text)[0]
    assert c.chain == ["Valden Herald", "Ostrian interior ministry"]
    assert c.source.entity == "Valden Herald"
    assert c.date == "2025-06-09"  # Monday on or before Thursday 12 June
    assert c.quantities[0].value == 400


def test_source_told_outlet(extractor) -> None:
    text = "A senior customs source told the Valden Herald that the cargo had been inspected twice."
    c = _claims(extractor, text)[0]
    assert c.source.type == "anonymous"
    assert c.source.description == "a senior customs source"
    assert c.chain == ["Valden Herald", "a senior customs source"]


def test_reports_citing(extractor) -> None:
    text = "According to earlier reports that cited port officials, the ship left on Sunday."
    c = _claims(extractor, text)[0]
    assert c.chain[-1] == "port officials"
    assert "reports" in c.chain[0]


def test_resolved_speaker_inherits_chain(extractor) -> None:
    text = ("A senior customs source told the Valden Herald that the cargo had been inspected twice. "
            "The source said the papers were in order.")
    claims = _claims(extractor, text)
    assert claims[1].source.text == "The source"
    assert claims[1].chain == ["Valden Herald", "a senior customs source"]


def test_single_source_chain(extractor) -> None:
    c = _claims(extractor, "The Ostrian Fisheries Ministry said the quota would not change.")[0]
    assert c.chain == ["Ostrian Fisheries Ministry"]
    assert c.source.type == "government"


def test_relayed_by_and_quoted_by(extractor) -> None:
    text = ("Valden media have also reported, citing a port official quoted by the news agency Harbor Line, "
            "that the check was postponed. As first reported by the Ostrian Courier, the official said the "
            "check had slipped to November.")
    claims = _claims(extractor, text)
    assert claims[0].chain == ["Valden media", "Harbor Line", "a port official"]
    assert claims[1].chain[0] == "Ostrian Courier"
