"""Named entities: the claims stage fills ``article.entities`` from the same spaCy parse it
reads claims from, one row per mention, offsets into the text; the claims do not change."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from claims_helpers import assert_spans_inside
from newstrace.analyse.attribution import Parsed
from newstrace.analyse.claims import ClaimsStage, entities_of
from newstrace.models import ENTITY_LABELS, Article, Entity
from newstrace.pipeline import Pipeline

TEXT = (
    "The Marrowick Port Authority said on Monday that 3,000 tonnes of ammonia were stored at Quay 9.\n\n"
    '"We will reopen the terminal," Hollis Brandt told Harbor Wire on Tuesday. Hollis Brandt is the '
    "harbour master of Marrowick."
)


def _article(text: str = TEXT) -> Article:
    return Article(source="t.txt", kind="body", published="2025-03-05", outlet="Harbor Wire",
                   paragraphs=text.split("\n\n"))


@pytest.fixture()
def stage(extractor) -> ClaimsStage:
    return ClaimsStage(extractor=extractor)


def test_the_stage_fills_entities_one_per_mention(stage: ClaimsStage) -> None:
    a = stage(_article())
    assert a.entities, "no entities found"
    text = a.text
    for e in a.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end] == e.text, e
        assert e.label in ENTITY_LABELS, e
    assert [e.start for e in a.entities] == sorted(e.start for e in a.entities)
    names = [e.text for e in a.entities]
    # every mention, none merged: the speaker is named twice
    assert names.count("Hollis Brandt") == 2
    assert any("Marrowick Port Authority" in n for n in names)
    # dates and numbers are not entities here
    assert not any(n in ("Monday", "Tuesday", "3,000", "3,000 tonnes") for n in names)
    assert a.claims  # and the claims are still there


def test_claims_are_the_same_with_or_without_entities(extractor, stage: ClaimsStage) -> None:
    before = extractor(TEXT, "2025-03-05", "Harbor Wire")
    claims, entities = extractor.analyse(TEXT, "2025-03-05", "Harbor Wire")
    assert [c.to_record() for c in claims] == [c.to_record() for c in before]
    assert_spans_inside(claims, TEXT)
    a = stage(_article())
    assert [c.to_record() for c in a.claims] == [c.to_record() for c in before]
    assert a.entities == entities


def test_the_text_is_parsed_once(extractor, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    parse_many = extractor.language.parse_many

    def counting(texts: Any, *args: Any, **kw: Any) -> Any:
        calls.append(1)
        return parse_many(texts, *args, **kw)

    monkeypatch.setattr(extractor.language, "parse_many", counting)
    ClaimsStage(extractor=extractor)(_article())
    assert calls == [1]


def test_empty_text_has_no_entities(stage: ClaimsStage) -> None:
    a = stage(Article(source="e.txt", kind="body", paragraphs=[]))
    assert a.claims == [] and a.entities == []


def test_the_stage_declares_entities_for_later_stages(stage: ClaimsStage) -> None:
    assert "entities" in stage.assigns and "claims" in stage.assigns

    class Later:
        name, version, requires, assigns = "later", "1", ("entities",), ()

        def __call__(self, article: Article) -> Article:
            return article

    Pipeline(stages=[stage, Later()])  # a stage that needs entities may follow


def test_entities_of_squeezes_whitespace_and_skips_numbers_and_dates() -> None:
    text = "Hollis \u00a0Brandt paid 40 dollars on Monday in Marrowick."

    def ent(s: int, e: int, label: str) -> Any:
        return SimpleNamespace(start_char=s, end_char=e, text=text[s:e], label_=label)

    doc = SimpleNamespace(ents=[ent(0, 14, "PERSON"), ent(20, 30, "MONEY"), ent(34, 40, "DATE"),
                                ent(44, 53, "GPE")])
    assert entities_of(Parsed(text, [(0, doc)])) == [
        Entity(0, 14, "Hollis Brandt", "PERSON"), Entity(44, 53, "Marrowick", "GPE")]
