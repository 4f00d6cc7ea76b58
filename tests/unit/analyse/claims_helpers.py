"""Assertions shared by the claim-extraction tests (a plain module: ``conftest`` is no
importable name when several test folders have one)."""

from __future__ import annotations

from newstrace.models import Claim


def assert_spans_inside(claims: list[Claim], text: str) -> None:
    """Every span of every claim is a true slice of the text."""
    for c in claims:
        spans = [c.cue, *c.content, *c.quantities, *c.places] + ([c.source] if c.source else [])
        for sp in spans:
            assert 0 <= sp.start < sp.end <= len(text), sp
            assert text[sp.start:sp.end] == sp.text, sp
