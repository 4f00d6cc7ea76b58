"""Relations: cue, source and content parts, kind by quote marks; bad input never crashes."""

from __future__ import annotations

import pytest

from claims_helpers import assert_spans_inside
from newstrace.analyse.attribution import kind_of, paragraph_spans, quote_segments, trim


def _one(extractor, text, published=None):
    claims = extractor(text, published)
    assert_spans_inside(claims, text)
    assert claims, text
    return claims


def test_said_that_is_indirect(extractor) -> None:
    text = "The harbour board said on Monday that the quay would reopen within a week."
    c = _one(extractor, text, "2025-03-05")[0]
    assert c.source.text == "The harbour board"
    assert c.cue.text == "said"
    # the content keeps its complementizer, as annotated news corpora (PolNeAR) mark it
    assert c.content[0].text == "that the quay would reopen within a week"
    assert c.kind == "indirect"
    assert c.date == "2025-03-03"


def test_quote_then_speaker_is_direct(extractor) -> None:
    text = '"We will rebuild the pier before winter," Mayor Alda Brennick said.'
    c = _one(extractor, text)[0]
    assert c.kind == "direct"
    assert c.content[0].text == "We will rebuild the pier before winter"
    assert c.source.entity == "Alda Brennick"
    assert c.source.type == "person"


def test_said_in_a_statement_and_mixed(extractor) -> None:
    text = 'The Tollvik Rail Company said in a statement that the delay was "entirely avoidable" and regrettable.'
    c = _one(extractor, text)[0]
    assert c.cue.text == "said in a statement"
    assert c.kind == "mixed"
    assert c.content[0].text.startswith("that the delay was")


def test_wrote_on_x(extractor) -> None:
    text = "Councillor Imre Vasko wrote on X that the vote had been rigged."
    c = _one(extractor, text)[0]
    assert c.cue.text == "wrote on X"
    assert c.source.entity == "Imre Vasko"


def test_according_to_front_and_back(extractor) -> None:
    text = ("According to the Fenmark Gazette, the bridge will close in May. "
            "The ferry fares rose by 12 percent, according to the transport office.")
    claims = _one(extractor, text)
    kinds = [c.kind for c in claims]
    assert kinds == ["according-to", "according-to"]
    assert claims[0].content[0].text == "the bridge will close in May"
    assert claims[0].source.entity == "Fenmark Gazette"
    assert claims[0].source.type == "news-outlet"
    assert claims[1].content[0].text == "The ferry fares rose by 12 percent"
    assert claims[1].quantities and claims[1].quantities[0].value == 12


def test_helpers() -> None:
    text = 'He said: "Go home, now," and left.'
    q = quote_segments(text, 0, len(text))
    assert [text[s:e] for s, e in q] == ["Go home, now,"]
    assert kind_of(text, [q[0]], q) == "direct"
    assert trim("  that it rained.", 0, 17) == (7, 16)
    assert paragraph_spans("a\n\n  b \n") == [(0, 1), (5, 6)]


def test_no_attribution_gives_nothing(extractor) -> None:
    assert extractor("The tide came in at noon. Gulls circled the harbour.", None) == []
    assert extractor("", None) == []
    assert extractor("   \n\n  ", None) == []


@pytest.mark.parametrize("text", [
    '"He said it was over, the minister said. "And then',
    "“Unbalanced quotes ” ” “ said the official “ that",
    "THE MINISTRY SAID ON TUESDAY THAT ALL PORTS WOULD CLOSE, ACCORDING TO OFFICIALS.",
    "Year | Tonnes | Share\n2021 | 3,100 | 12%\n2022 | 2,950 | 11%\n2023 | 3,112 | 12.5%",
    "Die Regierung sagte am Dienstag, dass der Hafen geschlossen bleibt. 政府は火曜日、港は閉鎖されたままだと述べた。",
    ("The council said that " + "the road, which was long, " * 400 + "would close."),
    "said said said according to according to , , ,",
    "\x00\x01 told “” ‘’ «»",
])
def test_bad_input_never_crashes_or_leaves_the_text(extractor, text) -> None:
    claims = extractor(text, "2025-01-01")
    assert_spans_inside(claims, text)


def test_quote_over_two_sentences_and_its_continuation(extractor) -> None:
    text = ('"We are not against the tram. We are against the route," said campaign chair Orla Benedek. '
            '"It cuts the park in two."')
    c = _one(extractor, text)[0]
    assert c.source.entity == "Orla Benedek"
    assert [p.text for p in c.content] == ["We are not against the tram. We are against the route",
                                           "It cuts the park in two."[:-1]]
    assert c.kind == "direct"


def test_saying_takes_the_subject_of_its_verb(extractor) -> None:
    text = "The ministry denied the report on Thursday, saying no inspection had been postponed."
    claims = _one(extractor, text, "2025-10-10")
    saying = [c for c in claims if c.cue.text == "saying"]
    assert saying and saying[0].source.text == "The ministry"
    assert saying[0].content[0].text == "no inspection had been postponed"
