"""The shipped attribution model: it loads, finds an obvious attribution, and never crashes or
returns spans outside the text on awkward input."""

from __future__ import annotations

import pytest

from newstrace.analyse.tagger import AttributionTagger, model_path, split_paragraphs

QUAY = '"We will reopen the quay," the harbour master said on Tuesday.'


@pytest.fixture(scope="module")
def tagger() -> AttributionTagger:
    return AttributionTagger()


def _inside(spans, text) -> bool:
    return all(
        role in ("source", "cue", "content") and 0 <= s < e <= len(text) and text[s:e].strip()
        for role, s, e in spans
    )


def test_shipped_model_is_in_the_package() -> None:
    path = model_path()
    assert (path / "config.cfg").is_file()
    assert (path / "meta.json").is_file()
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    assert size < 25_000_000


def test_finds_source_cue_and_content(tagger) -> None:
    spans = tagger.tag(QUAY)
    assert _inside(spans, QUAY)
    roles = {role for role, _, _ in spans}
    assert roles == {"source", "cue", "content"}, spans
    text_of = {role: QUAY[s:e] for role, s, e in spans}
    assert "harbour master" in text_of["source"]
    assert "said" in text_of["cue"]
    assert "reopen the quay" in text_of["content"]


def test_offsets_are_into_the_whole_text(tagger) -> None:
    head = "Port news.\n\n   "
    text = head + QUAY + "\n"
    spans = tagger.tag(text)
    assert _inside(spans, text)
    shifted = [(role, s + len(head), e + len(head)) for role, s, e in tagger.tag(QUAY)]
    assert shifted and all(span in spans for span in shifted)


def test_no_attribution_gives_nothing(tagger) -> None:
    assert tagger.tag("The quay is 300 metres long. It was built in 1911.") == []
    assert tagger.tag("") == []
    assert tagger.tag("   \n\n  ") == []


@pytest.mark.parametrize(
    "text",
    [
        "Der Hafenmeister sagte am Dienstag, der Kai werde wieder geöffnet.",
        "Le capitaine du port a déclaré mardi : « Nous rouvrirons le quai. »",
        "港务长周二表示，码头将重新开放。",
        'THE HARBOUR MASTER SAID ON TUESDAY: "WE WILL REOPEN THE QUAY."',
        '"We will reopen the quay, the harbour master said. "And then',
        '" " " "" said said "',
        "“Unbalanced quotes ‘everywhere,” he said”” ‘‘",
        "said",
        "\u200b\ufeff\t\r\n",
        "a" * 6000,
        ("He said it. " * 600),
    ],
)
def test_awkward_input_never_crashes_or_leaves_the_text(tagger, text) -> None:
    spans = tagger.tag(text)
    assert _inside(spans, text)
    assert spans == sorted(spans, key=lambda x: (x[1], x[2]))


def test_tag_many_matches_tag(tagger) -> None:
    texts = [QUAY, "", "Nothing to see.", "Officials said the port was closed."]
    many = tagger.tag_many(texts, batch_size=2)
    assert len(many) == len(texts)
    assert many == [tagger.tag(t) for t in texts]


def test_split_paragraphs() -> None:
    text = "  One.\n\nTwo two.\r\n  \nThree"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["One.", "Two two.", "Three"]
    long = "Aa bb. " * 100
    parts = split_paragraphs(long, max_chars=50)
    assert all(e - s <= 50 for s, e in parts)
    assert "".join(long[s:e] for s, e in parts).replace(" ", "") == long.replace(" ", "")
    assert split_paragraphs("x" * 120, max_chars=50) == [(0, 50), (50, 100), (100, 120)]
