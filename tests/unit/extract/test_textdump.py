"""The plain-text page-dump extractor, on fixtures written for the project (invented outlets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.errors import ExtractionError
from newstrace.extract.decode import decode_bytes
from newstrace.extract.textdump import extract_text_dump
from newstrace.extract.textdump_lines import split_lines, wrap_width

PAGES = Path(__file__).resolve().parents[2] / "pages"
#: The seed page lives beside the project, never inside it: <repo>/../shared/examples.
SEED = Path(__file__).resolve().parents[3].parent / "shared" / "examples" / "000_b36ff9c7d449d541.txt"


def _dump(name: str) -> str:
    return decode_bytes((PAGES / name).read_bytes(), source=name)


# -- hard-wrapped dump -------------------------------------------------------------------


def test_wrapped_dump_is_detected_and_rejoined() -> None:
    text = _dump("wrapped_lynx_dump.txt")
    assert wrap_width(text.split("\n")) == 72
    joined = [ln.text for ln in split_lines(text)]
    assert any(t.startswith("PORT ALDER") and t.endswith("for more than three years.") for t in joined)


def test_unwrapped_lines_are_left_alone() -> None:
    text = "Short line one\n\nA second line that is a little longer than the first one.\n"
    assert wrap_width(text.split("\n")) is None
    assert [ln.text for ln in split_lines(text)][0] == "Short line one"


def test_wrapped_dump_article() -> None:
    art = extract_text_dump(_dump("wrapped_lynx_dump.txt"), source="wrapped")
    assert art.kind == "text"
    assert art.title == "Council approves $14 million rebuild of the east ferry pier"
    assert len(art.paragraphs) == 7
    assert art.paragraphs[0].startswith("PORT ALDER — The city council voted 6-1")
    assert art.paragraphs[0].endswith("for more than three years.")
    assert art.paragraphs[-1].endswith("at the end of the pier.")
    assert art.section == ["News", "Waterfront"]
    assert art.outlet == "Harbor Ledger"
    assert art.published == "2024-03-05"
    assert art.language == "en"


def test_byline_in_capitals_and_email() -> None:
    art = extract_text_dump(_dump("wrapped_lynx_dump.txt"), source="wrapped")
    assert art.authors == ["Jane Morrow"]
    assert art.emails == ["jane.morrow@harborledger.example"]
    assert not any("MORROW" in p or "@" in p for p in art.paragraphs)


def test_widget_and_related_lines_are_dropped() -> None:
    art = extract_text_dump(_dump("wrapped_lynx_dump.txt"), source="wrapped")
    furniture = ("Advertisement", "Related Article", "Ferry fares to rise", "Share", "Comments",
                 "log in", "More from", "©", "Skip to content", "(BUTTON)")
    for p in art.paragraphs:
        assert not any(f in p for f in furniture), p


# -- captions ----------------------------------------------------------------------------


def test_duplicated_caption_kept_once_with_credit() -> None:
    art = extract_text_dump(_dump("wrapped_lynx_dump.txt"), source="wrapped")
    assert len(art.captions) == 1
    assert art.captions[0].text.startswith("Workers inspect the damaged pilings")
    assert art.captions[0].credit == "Tom Reyes/Harbor Ledger"
    assert not any("Workers inspect" in p for p in art.paragraphs)


def test_caption_between_body_paragraphs() -> None:
    art = extract_text_dump(_dump("caption_between_paragraphs_dump.txt"), source="frost")
    assert [c.credit for c in art.captions] == ["AP Photo/Lena Brandt"]
    assert art.captions[0].text == "Frost-damaged apple blossoms at an orchard north of Millbrook on Thursday."
    assert not any("Frost-damaged" in p for p in art.paragraphs)
    assert art.paragraphs[0].startswith("Apple growers in the Millbrook valley")
    assert art.paragraphs[-1].endswith('"If the fruit isn\'t there, I can\'t pay people to pick it," she said.')
    assert len(art.paragraphs) == 6


def test_breadcrumb_title_suffix_and_written_by() -> None:
    art = extract_text_dump(_dump("caption_between_paragraphs_dump.txt"), source="frost")
    assert art.title == "Valley farmers count losses after late frost"
    assert art.section == ["Farming", "Crops"]
    assert art.authors == ["Samuel Okafor"]
    assert art.published == "2024-04-12"
    assert art.outlet == "The Millbrook Courier"
    assert not any(p.startswith(("Written by", "Subscribe", "Drought plan")) for p in art.paragraphs)


# -- no article, odd text ----------------------------------------------------------------


def test_navigation_only_dump_raises() -> None:
    with pytest.raises(ExtractionError, match="no article body"):
        extract_text_dump(_dump("navigation_only_dump.txt"), source="nav")


def test_empty_dump_raises() -> None:
    with pytest.raises(ExtractionError):
        extract_text_dump("\n\n   \n", source="empty")


def test_non_english_dump_does_not_crash() -> None:
    body = (
        "Der Stadtrat hat am Dienstag beschlossen, die alte Fähranlegestelle am Osthafen neu zu bauen, "
        "nachdem das Projekt jahrelang umstritten war und die Anwohner sich nicht einigen konnten.\n\n"
        "Die Kosten für den Neubau liegen nach Angaben der Verwaltung bei rund vierzehn Millionen Euro, "
        "den größten Teil davon übernimmt das Land mit einem Zuschuss aus dem vergangenen Frühjahr.\n\n"
        "Die Bauarbeiten sollen im Frühling beginnen und etwa achtzehn Monate dauern. Die Fähre zu den "
        "Inseln legt in dieser Zeit an einem provisorischen Steg im Westhafen an.\n\n"
    )
    text = "Startseite\n\n  • Nachrichten\n  • Sport\n\nStadtrat beschließt Neubau der Fähre\n\n" + body
    art = extract_text_dump(text, source="de")
    assert art.paragraphs
    assert art.language == "de"
    korean = "홈\n\n서울시는 화요일 새로운 교통 정책을 발표했다고 밝혔다. 시민들은 대체로 환영하는 분위기다.\n\n" * 3
    try:
        art = extract_text_dump(korean, source="ko")
    except ExtractionError:
        pass  # saying "no article" is fine; crashing is not
    else:
        assert art.language == "ko"


def test_all_caps_dump_does_not_crash() -> None:
    text = _dump("caption_between_paragraphs_dump.txt").upper()
    try:
        art = extract_text_dump(text, source="caps")
    except ExtractionError:
        return
    assert all(isinstance(p, str) for p in art.paragraphs)


# -- the seed page, read from beside the project at run time ---------------------------------


@pytest.mark.skipif(not SEED.is_file(), reason=f"seed page not found at {SEED} (shared data is not checked out)")
def test_seed_page_reads_as_a_reader_sees_it() -> None:
    art = extract_text_dump(decode_bytes(SEED.read_bytes(), source=SEED.name), source=SEED.name)
    assert art.title == "South Korea watching closely amid reports Russia training North's troops to fight in Ukraine"
    assert art.section == ["National", "North Korea"]
    assert art.authors == ["Michael Lee"]
    assert len(art.emails) == 1 and art.emails[0].endswith("@joongang.co.kr")
    assert art.outlet == "Korea JoongAng Daily"
    assert art.published is None
    assert [c.credit for c in art.captions] == ["YONHAP", "PRESIDENTIAL OFFICE"]
    assert len(art.paragraphs) == 18
    assert art.paragraphs[0].startswith("South Korea’s Defense Ministry said Wednesday")
    assert art.paragraphs[-1].endswith("according to Russian news outlet Sputnik.")
    text = art.text
    for furniture in ("Related Article", "MICHAEL LEE", "[YONHAP]", "PRESIDENTIAL OFFICE", "Log in",
                      "comments", "print dictionary", "Home >"):
        assert furniture not in text
    assert not any(c.text in text for c in art.captions)
