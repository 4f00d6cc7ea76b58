"""Scoring of attribution spans on hand-made spans, and the PolNeAR loader on a hand-made folder."""

from __future__ import annotations

import json

import pytest

from newstrace.analyse.score import load_polnear, normalise_span, score_spans

TEXT = '"We will reopen the quay," the harbour master said on Tuesday.'
# offsets in TEXT
CONTENT = (1, 25)  # We will reopen the quay,   (without the quotes)
SOURCE = (27, 45)  # the harbour master
CUE = (46, 50)  # said


def test_offsets_of_the_fixture() -> None:
    assert TEXT[slice(*CONTENT)] == "We will reopen the quay,"
    assert TEXT[slice(*SOURCE)] == "the harbour master"
    assert TEXT[slice(*CUE)] == "said"


def test_normalise_strips_whitespace_and_punctuation_on_both_ends() -> None:
    assert normalise_span(TEXT, 0, 26) == (1, 24)  # '"We ... quay,"' -> 'We ... quay'
    assert normalise_span(TEXT, 1, 25) == (1, 24)
    assert normalise_span(TEXT, 26, 46) == (27, 45)  # surrounding spaces
    assert normalise_span(TEXT, 24, 27) is None  # only punctuation and space
    assert normalise_span(None, 3, 7) == (3, 7)  # no text: offsets as they are
    assert normalise_span("abc", 2, 99) == (2, 3)  # clamped to the text


def test_perfect_prediction() -> None:
    gold = {"d": [("content", *CONTENT), ("source", *SOURCE), ("cue", *CUE)]}
    s = score_spans(gold, gold, {"d": TEXT})
    for role in ("source", "cue", "content", "all"):
        assert s["exact"][role]["f1"] == 1.0
        assert s["overlap"][role]["f1"] == 1.0


def test_exact_match_ignores_quotes_and_spaces_around_a_span() -> None:
    gold = {"d": [("content", 0, 26), ("source", *SOURCE)]}
    pred = {"d": [("content", 1, 24), ("source", 26, 46)]}
    s = score_spans(pred, gold, {"d": TEXT})
    assert s["exact"]["content"]["f1"] == 1.0
    assert s["exact"]["source"]["f1"] == 1.0
    # without the texts offsets are compared as given
    raw = score_spans(pred, gold)
    assert raw["exact"]["content"]["f1"] == 0.0
    assert raw["overlap"]["content"]["f1"] == 1.0


def test_partial_spans_count_for_overlap_only() -> None:
    gold = {"d": [("content", *CONTENT), ("source", *SOURCE), ("cue", *CUE)]}
    pred = {"d": [("content", 1, 8), ("source", 31, 45), ("cue", *CUE), ("cue", 54, 61)]}
    s = score_spans(pred, gold, {"d": TEXT})
    assert s["exact"]["content"]["f1"] == 0.0
    assert s["overlap"]["content"]["f1"] == 1.0
    assert s["exact"]["source"]["precision"] == 0.0
    assert s["overlap"]["source"]["recall"] == 1.0
    cue = s["exact"]["cue"]
    assert (cue["precision"], cue["recall"]) == (0.5, 1.0)
    assert cue["f1"] == pytest.approx(2 / 3)
    assert s["overlap"]["cue"]["precision"] == 0.5
    allx = s["exact"]["all"]
    assert (allx["tp_pred"], allx["pred"], allx["gold"]) == (1, 4, 3)


def test_roles_must_agree() -> None:
    gold = {"d": [("source", *SOURCE)]}
    pred = {"d": [("content", *SOURCE)]}
    s = score_spans(pred, gold, {"d": TEXT})
    assert s["exact"]["source"]["recall"] == 0.0
    assert s["exact"]["content"]["precision"] == 0.0
    assert s["overlap"]["all"]["f1"] == 0.0


def test_discontinuous_parts_are_scored_each_as_a_span() -> None:
    text = '"We will," he said, "reopen it."'
    gold = {"d": [("content", 1, 8), ("content", 21, 30), ("source", 11, 13), ("cue", 14, 18)]}
    pred = {"d": [("content", 0, 9), ("source", 11, 13), ("cue", 14, 18)]}
    s = score_spans(pred, gold, {"d": text})
    c = s["exact"]["content"]
    assert (c["precision"], c["recall"]) == (1.0, 0.5)


def test_documents_on_one_side_only_and_duplicates() -> None:
    gold = {"a": [("cue", 0, 4)], "b": [("cue", 0, 4)]}
    pred = {"a": [("cue", 0, 4), ("cue", 0, 4)], "c": [("cue", 0, 4)]}
    s = score_spans(pred, gold)
    cue = s["exact"]["cue"]
    assert (cue["pred"], cue["gold"], cue["tp_pred"]) == (2, 2, 1)
    assert cue["precision"] == 0.5 and cue["recall"] == 0.5


def test_empty_input() -> None:
    s = score_spans({}, {})
    assert s["exact"]["source"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "pred": 0, "gold": 0, "tp_pred": 0, "tp_gold": 0,
    }


def test_overlap_against_long_and_short_spans() -> None:
    gold = {"d": [("content", 0, 100), ("content", 200, 205)]}
    pred = {"d": [("content", 90, 95), ("content", 150, 160), ("content", 204, 230)]}
    o = score_spans(pred, gold)["overlap"]["content"]
    assert o["tp_pred"] == 2 and o["tp_gold"] == 2


def test_load_polnear(tmp_path) -> None:
    (tmp_path / "articles" / "dev").mkdir(parents=True)
    (tmp_path / "articles" / "dev" / "doc1.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "articles" / "dev" / "doc2.txt").write_text("Nothing here.", encoding="utf-8")
    rel = {
        "doc_id": "doc1", "id": "E1", "type": "Attribution", "primary": True,
        "source": [{"start": SOURCE[0], "end": SOURCE[1], "text": "the harbour master"}],
        "cue": [{"start": CUE[0], "end": CUE[1], "text": "said"}],
        "content": [{"start": 1, "end": 8, "text": "We will"}, {"start": 9, "end": 24, "text": "reopen the quay"}],
    }
    other = {**rel, "id": "E1b", "primary": False, "cue": [{"start": 51, "end": 53, "text": "on"}]}
    (tmp_path / "dev.jsonl").write_text(json.dumps(rel) + "\n\n" + json.dumps(other) + "\n", encoding="utf-8")
    texts, gold = load_polnear(tmp_path, "dev")
    assert texts == {"doc1": TEXT, "doc2": "Nothing here."}
    assert gold["doc2"] == []
    assert sorted(gold["doc1"]) == sorted(
        [("source", *SOURCE), ("cue", *CUE), ("content", 1, 8), ("content", 9, 24)]
    )
    _, everything = load_polnear(tmp_path, "dev", primary_only=False)
    assert ("cue", 51, 53) in everything["doc1"]
    with pytest.raises(FileNotFoundError):
        load_polnear(tmp_path, "train")
