"""Every page of the shipped sample corpus comes out as a reader sees it (gold in sample/gold.json)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from newstrace import extract, sample_corpus_path
from newstrace.extract.score import norm_text

PAGES = sample_corpus_path()
GOLD: dict[str, Any] = json.loads((PAGES.parent / "gold.json").read_text(encoding="utf-8"))["pages"]


@cache
def extracted(name: str) -> Any:
    return extract(PAGES / name)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_body_is_the_article_and_nothing_else(name: str) -> None:
    gold, got = GOLD[name], extracted(name)
    paras = [norm_text(p) for p in got.paragraphs]
    assert norm_text(gold["first_paragraph"]) == paras[0]
    assert norm_text(gold["last_paragraph"]) == paras[-1]
    assert len(got.paragraphs) == gold["paragraph_count"]
    for furniture in gold["must_not_appear"]:
        assert norm_text(furniture) not in norm_text(got.text), furniture
    for cap in gold["captions"]:
        assert norm_text(cap["text"]) not in norm_text(got.text)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_metadata(name: str) -> None:
    gold, got = GOLD[name], extracted(name)
    assert norm_text(got.title) == norm_text(gold["title"])
    assert got.authors == gold["authors"]
    assert got.outlet == gold["outlet"]
    assert got.section == gold["section"]
    assert sorted(got.emails) == sorted(gold["emails"])
    raw = (PAGES / name).read_text(encoding="utf-8", errors="replace")
    if gold["kind"] == "html" and gold["url"] in raw:  # a syndicated copy keeps its own address
        assert got.url == gold["url"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_captions_once_with_credits(name: str) -> None:
    gold, got = GOLD[name], extracted(name)
    assert [(norm_text(c.text), c.credit) for c in got.captions] == [
        (norm_text(c["text"]), c["credit"]) for c in gold["captions"]
    ]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_publication_date(name: str) -> None:
    assert extracted(name).published == GOLD[name]["published"]
