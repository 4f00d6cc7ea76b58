"""Shared, expensive fixtures for the claim-extraction tests: one spaCy pipeline and one
tagger per test session."""

from __future__ import annotations

import pytest

from newstrace.analyse.claims import ClaimExtractor
from newstrace.analyse.nlp import Language


@pytest.fixture(scope="session")
def language() -> Language:
    return Language()


@pytest.fixture(scope="session")
def extractor(language: Language) -> ClaimExtractor:
    return ClaimExtractor(language)
