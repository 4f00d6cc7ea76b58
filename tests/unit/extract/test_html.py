"""The HTML article extractor on fixture pages written for these tests (invented outlets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newstrace.errors import ExtractionError
from newstrace.extract.captions import split_credit
from newstrace.extract.decode import decode_bytes
from newstrace.extract.html import extract_html
from newstrace.extract.metadata import clean_name, split_names, strip_site
from newstrace.models import Caption

PAGES = Path(__file__).resolve().parents[2] / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ledger():
    return extract_html(page("article_jsonld.html"), source="article_jsonld.html",
                        url="https://m.harbourledger.example/news/coast/tidal-barrage-vote?ref=feed")


@pytest.fixture(scope="module")
def courier():
    return extract_html(page("article_meta_only.html"), source="article_meta_only.html", url=None)


# --- JSON-LD + OpenGraph page --------------------------------------------------------------


def test_metadata_from_json_ld_and_opengraph(ledger) -> None:
    assert ledger.kind == "html"
    assert ledger.title == "Tidal barrage plan wins council backing after marathon vote"
    assert ledger.authors == ["Morwenna Tregarthen", "David Okonjo-Price"]
    assert ledger.published == "2024-03-05"
    assert ledger.outlet == "The Harbour Ledger"
    assert ledger.language == "en"
    assert ledger.url == "https://harbourledger.example/news/coast/tidal-barrage-vote"


def test_breadcrumbs_in_position_order_without_home(ledger) -> None:
    assert ledger.section == ["News", "Coast"]


def test_author_email_from_byline(ledger) -> None:
    assert ledger.emails == ["morwenna.tregarthen@harbourledger.example"]


def test_captions_with_credits_split_off(ledger) -> None:
    assert ledger.captions == [
        Caption("Councillors debate the barrage proposal in the town hall on Tuesday.", "AP Photo/Kerensa Polglase"),
        Caption("The salt marsh upstream of the proposed barrage at low tide.", "HARBOUR WIRE"),
    ]


def test_body_is_the_story_only(ledger) -> None:
    text = ledger.text
    assert len(ledger.paragraphs) == 6
    assert ledger.paragraphs[0].startswith("Councillors in Porthwenna voted late on Tuesday night")
    assert ledger.paragraphs[-1].startswith("Wildlife groups said they would take part")
    for furniture in (
        "cookies",  # cookie banner
        "Share on Facebook", "Copy link",  # share bar
        "Ferry timetable", "Lifeboat station",  # related links
        "first to comment", "Log in to comment",  # comment prompt
        "newsletter", "delivered to your inbox",  # newsletter box
        "Read more",  # link to another story
        "AP Photo", "HARBOUR WIRE", "town hall on Tuesday",  # captions
        "By Morwenna", "morwenna.tregarthen@",  # byline
        "All rights reserved", "Sport",  # footer and menu
    ):
        assert furniture not in text, furniture
    assert ledger.text == "\n\n".join(ledger.paragraphs)


def test_evidence_says_where_fields_came_from(ledger) -> None:
    assert ledger.evidence["authors"] == "json-ld"
    assert ledger.evidence["body"] == "dom"


# --- page with meta tags only --------------------------------------------------------------


def test_meta_tag_page(courier) -> None:
    assert courier.title == "Valley orchard growers count cost of late frost"
    assert courier.published == "2023-04-18"
    assert courier.outlet == "Upland Courier"
    assert courier.section == ["Business", "Farming"]
    assert courier.url == "https://uplandcourier.example/farming/orchard-frost"


def test_byline_names_in_normal_case_without_by_or_role(courier) -> None:
    assert courier.authors == ["John Roe", "Mary Major"]


def test_newsroom_mailbox_is_not_an_author_email(courier) -> None:
    assert courier.emails == []


def test_credit_element_and_credit_label(courier) -> None:
    assert courier.captions == [
        Caption("Frost-damaged apple blossom at an orchard near Millbrook.", "Ana Ruiz/Upland Courier"),
        Caption("Workers inspect cherry trees after the freeze.", "Upland Courier archive"),
    ]


def test_meta_page_body(courier) -> None:
    assert len(courier.paragraphs) == 5
    assert courier.paragraphs[0].startswith("Fruit growers along the upper valley")
    for furniture in ("JOHN ROE", "April 18, 2023", "Share this article", "Advertisement", "Have a tip",
                      "Workers inspect cherry trees", "Ana Ruiz", "County fair returns", "More from"):
        assert furniture not in courier.text, furniture


# --- broken pages --------------------------------------------------------------------------


def test_malformed_html_still_gives_the_story() -> None:
    art = extract_html(page("malformed.html"), source="malformed.html", url=None)
    assert art.title == "Night market returns to the old tram depot"
    assert art.outlet == "Eastgate Echo"
    assert art.paragraphs[0].startswith("The night market that filled the old tram depot")
    assert "Organisers expect around eighty stalls" in art.text


def test_all_navigation_page_raises() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_html(page("navigation_only.html"), source="navigation_only.html", url=None)
    assert err.value.reason == "no-article"
    assert "navigation_only.html" in str(err.value)


@pytest.mark.parametrize("html", ["<html><body></body></html>", "<p>Too short.</p>", "   "])
def test_empty_pages_raise(html: str) -> None:
    with pytest.raises(ExtractionError):
        extract_html(html, source="empty", url=None)


def test_utf8_bytes_declared_as_latin1_decode_right() -> None:
    html = page("article_jsonld.html").replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    html = html.replace("Porthwenna voted", "Porthwenna’s café voted")
    art = extract_html(decode_bytes(html.encode("utf-8")), source="mislabelled", url=None)
    assert "Porthwenna’s café voted" in art.text
    assert "Ã" not in art.text


def test_cp1252_bytes_declared_as_utf8_decode_right() -> None:
    html = page("article_meta_only.html").replace("hard frost", "hard frost — the “worst” in memory —")
    data = html.encode("cp1252")
    art = extract_html(decode_bytes(data, "utf-8"), source="mislabelled", url=None)
    assert "hard frost — the “worst” in memory —" in art.text


def test_url_argument_is_the_fallback_url() -> None:
    art = extract_html(page("malformed.html"), source="m", url="https://eastgate.example/night-market")
    assert art.url == "https://eastgate.example/night-market"


# --- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "credit"),
    [
        ("Crowds at the pier. (AP Photo/Jane Doe)", "Crowds at the pier.", "AP Photo/Jane Doe"),
        ("The new bridge at dusk. [YONHAP]", "The new bridge at dusk.", "YONHAP"),
        ("Snow on the pass. Credit: Lee Park", "Snow on the pass.", "Lee Park"),
        ("A quiet street. Photo: Sam Ito", "A quiet street.", "Sam Ito"),
        ("A caption with no credit at all.", "A caption with no credit at all.", None),
    ],
)
def test_split_credit(raw: str, text: str, credit: str | None) -> None:
    assert split_credit(raw) == (text, credit)


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By JANE DOE and John Roe", ["Jane Doe", "John Roe"]),
        ("By Jane Doe, Senior Correspondent", ["Jane Doe"]),
        ("Written by Ana María López | Updated 3 hours ago", ["Ana María López"]),
        ("Share this article", []),
    ],
)
def test_split_names(raw: str, names: list[str]) -> None:
    assert split_names(raw, outlet="The Daily Example") == names


def test_outlet_is_not_an_author() -> None:
    assert split_names("The Daily Example", outlet="The Daily Example") == []
    assert clean_name("https://example.test/staff/jane") is None


def test_strip_site() -> None:
    assert strip_site("Storm closes ferry | The Daily Example", "The Daily Example") == "Storm closes ferry"
    assert strip_site("Storm closes ferry - Example News", None) == "Storm closes ferry"
    assert strip_site("Storm closes ferry", "Example") == "Storm closes ferry"


# --- an old-style page: tables, fonts, no metadata -----------------------------------------


@pytest.fixture(scope="module")
def parish():
    return extract_html(page("old_style.html"), source="old_style.html", url=None)


def test_old_style_page_metadata_from_the_visible_page(parish) -> None:
    assert parish.title == "Footbridge over the Fen Brook to reopen after repairs"
    assert parish.outlet == "Millbrook Parish Post"  # from the copyright line
    assert parish.section == ["Village News"]  # from "You are here: Home » Village News"
    assert parish.authors == ["Agnes Whitlow"]
    assert parish.emails == ["agnes.whitlow@parishpost.example"]


def test_placeholder_date_loses_to_the_printed_date(parish) -> None:
    # <meta name="date" content="2024-06-01"> is a first-of-month default; the page prints the 12th
    assert parish.published == "2024-06-12"


def test_unmarked_caption_beside_a_picture(parish) -> None:
    assert parish.captions == [Caption("The repaired footbridge on Tuesday.", "Tom Hale/Parish Post")]


def test_old_style_page_body(parish) -> None:
    assert len(parish.paragraphs) == 3
    assert parish.paragraphs[0].startswith("The wooden footbridge over the Fen Brook")
    for furniture in ("Posted on", "Agnes Whitlow", "repaired footbridge on Tuesday", "Leave a reply",
                      "will not be published", "Back to home page", "Copyright", "Fete raises funds"):
        assert furniture not in parish.text, furniture


def test_standfirst_is_not_body() -> None:
    html = page("article_jsonld.html").replace(
        "<h1>Tidal barrage plan wins council backing after marathon vote</h1>",
        "<h1>Tidal barrage plan wins council backing after marathon vote</h1>"
        '<p class="article-dek">Eleven hours of debate end in a narrow vote for the estuary scheme</p>',
    )
    art = extract_html(html, source="dek", url=None)
    assert "Eleven hours of debate" not in art.text
    assert art.paragraphs[0].startswith("Councillors in Porthwenna")


def test_organisation_author_is_not_a_person() -> None:
    html = page("article_jsonld.html").replace(
        '"author": [{"@type": "Person", "name": "Morwenna Tregarthen"}, {"@type": "Person", "name": "DAVID OKONJO-PRICE"}]',
        '"author": {"@type": "Organization", "name": "Estuary Wire"}',
    ).replace('<meta name="author" content="Harbour Ledger Staff">', '<meta name="author" content="Estuary Wire">')
    html = html.replace('<div class="byline">', '<div class="other">')
    art = extract_html(html, source="org", url=None)
    assert "Estuary Wire" not in art.authors


def test_language_guessed_when_undeclared() -> None:
    art = extract_html(page("malformed.html"), source="m", url=None)
    assert art.language == "en"
    assert art.evidence["language"] == "stopwords"


def test_cross_site_canonical_keeps_the_copy_at_its_own_address() -> None:
    """A syndicated copy points its canonical link at the original on another site."""
    got = extract_html(page("article_jsonld.html"), source="copy.html",
                       url="https://syndication-partner.example/stories/tidal-barrage")
    assert got.url == "https://syndication-partner.example/stories/tidal-barrage"
    assert got.evidence["canonical"] == "https://harbourledger.example/news/coast/tidal-barrage-vote"


def _timed_page(head: str, body: str = "") -> str:
    para = ("The council said on Tuesday that the depot would stay closed while inspectors examined the "
            "storage tanks, and residents were told to keep their windows shut overnight.")
    return (f"<html><head><title>Depot closed</title>{head}</head><body><article><h1>Depot closed</h1>{body}"
            f"<p>{para}</p><p>{para}</p></article></body></html>")


def test_publication_time_with_its_offset_comes_from_structured_data() -> None:
    from newstrace.extract.html import extract_html

    ld = '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Depot closed",' \
         '"datePublished":"2026-03-14T07:30:00+01:00"}</script>'
    a = extract_html(_timed_page(ld), source="a.html", url=None)
    assert (a.published, a.published_at) == ("2026-03-14", "2026-03-14T07:30:00+01:00")
    assert a.published_utc == "2026-03-14T06:30:00Z"
    z = extract_html(_timed_page('<meta property="article:published_time" content="2026-03-14T07:55:00Z">'),
                     source="z.html", url=None)
    assert z.published_at == "2026-03-14T07:55:00+00:00"
    t = extract_html(_timed_page("", '<time datetime="2026-03-14T12:05:00+01:00">14 March, 12:05</time>'),
                     source="t.html", url=None)
    assert t.published_at == "2026-03-14T12:05:00+01:00"


def test_a_time_without_offset_or_of_another_day_is_not_kept() -> None:
    from newstrace.extract.html import extract_html

    naive = extract_html(_timed_page('<meta property="article:published_time" content="2026-03-14T07:30:00">'),
                         source="n.html", url=None)
    assert naive.published == "2026-03-14" and naive.published_at is None
    other = extract_html(_timed_page('<meta name="date" content="2026-03-14">',
                                     '<time datetime="2026-02-01T10:00:00+01:00">1 Feb</time>'),
                         source="o.html", url=None)
    assert other.published == "2026-03-14" and other.published_at is None
