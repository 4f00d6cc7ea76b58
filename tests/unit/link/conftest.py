"""The sample corpus, extracted once per test session, and its linking gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newstrace
from newstrace.models import Article

SAMPLE = Path(__file__).resolve().parents[3] / "src" / "newstrace" / "sample"


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample() -> dict[str, Article]:
    """File name -> extracted Article, for every sample page."""
    return {p.name: newstrace.extract(p) for p in sorted((SAMPLE / "pages").iterdir())}


@pytest.fixture(scope="session")
def names(sample: dict[str, Article]) -> list[str]:
    """Sample page names; a page's index in this list is its doc id in the tests."""
    return sorted(sample)


@pytest.fixture(scope="session")
def sample_claims(sample: dict[str, Article]) -> dict[str, list]:
    """File name -> the claims extracted from that page (one extractor for the session)."""
    from newstrace.analyse.claims import ClaimExtractor

    extractor = ClaimExtractor()
    return {name: extractor(a.text, a.published, a.outlet) for name, a in sample.items()}
