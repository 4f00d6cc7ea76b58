"""Hostile pages: extraction ends in an Article or a newstrace error, never a crash or a stall.

Each shape here once made extraction crash or take time growing faster than the page
(see ``newstrace.extract.guards``). The tests check behaviour on moderate sizes; they time
nothing.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from lxml import html as lxml_html

from newstrace.errors import ExtractionError, NewstraceError
from newstrace.extract import extract_raw, guards, looks_like_html, patterns, textdump, textdump_model
from newstrace.extract import html as html_extractor
from newstrace.extract.html import standfirst_keys
from newstrace.extract.textdump_features import _prefix_of_other
from newstrace.models import Article, ExtractOptions, RawInput

SENTENCE = ("The harbour council said on Tuesday that repairs to the east pier would cost more than "
            "officials had expected after engineers found damage under the deck.")
BODY = "".join(f"<p>{SENTENCE} Paragraph {i} adds one more detail about the works.</p>" for i in range(5))
TITLE = "Council weighs the cost of pier repairs"


def page(body: str = BODY, head: str = "", root: str = "<html>") -> bytes:
    return (f"<!DOCTYPE html>{root}<head><meta charset='utf-8'><title>{TITLE}</title>{head}</head>"
            f"<body><article><h1>{TITLE}</h1>{body}</article></body></html>").encode()


def dump(lines: list[str]) -> bytes:
    return "\n\n".join(["Home", "News", TITLE, *lines, "About us", "Contact"]).encode()


def extract(data: bytes, as_: str = "auto") -> Article:
    return extract_raw(RawInput(source="hostile", data=data), ExtractOptions(as_=as_))  # type: ignore[arg-type]


def assert_body(article: Article) -> None:
    assert any(p.startswith(SENTENCE[:40]) for p in article.paragraphs), article.paragraphs[:3]


# --- crashes -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"<svg><p><title>", b"<svg><title><p>", b"<math><p><title>x", b"<p><svg><title>"])
def test_tiny_fragments_give_a_newstrace_error(data: bytes) -> None:
    with pytest.raises(NewstraceError):
        extract(data, "html")


@pytest.mark.parametrize("block", ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000,
                                   '{"@graph":' * 900 + "{}" + "}" * 900])
def test_deep_json_ld_is_skipped_and_the_page_extracts(block: str) -> None:
    good = json.dumps({"@type": "NewsArticle", "headline": TITLE, "author": {"@type": "Person", "name": "Jane Doe"}})
    head = (f'<script type="application/ld+json">{block}</script>'
            f'<script type="application/ld+json">{good}</script>')
    article = extract(page(head=head))
    assert_body(article)
    assert article.title == TITLE
    assert article.authors == ["Jane Doe"]


def test_page_nested_past_the_parser_limit_says_so() -> None:
    with pytest.raises(ExtractionError, match="deeper than the HTML parser reads"):
        extract(page(body="<div>" * 2000 + BODY + "</div>" * 2000))


# --- long words, long lines --------------------------------------------------------------


@pytest.mark.parametrize("word", ["x" * 120_000, "a." * 60_000, "a" * 120_000 + "@", "a@" + "b." * 60_000])
def test_html_page_with_a_huge_word_extracts(word: str) -> None:
    article = extract(page(body=BODY + f"<p>{word}</p>"))
    assert_body(article)


@pytest.mark.parametrize("word", ["x" * 120_000, "a." * 60_000, "a" * 120_000 + "@", "a@" + "b." * 60_000])
def test_text_dump_with_a_huge_word_extracts(word: str) -> None:
    article = extract(dump([SENTENCE, word, SENTENCE + " Again.", SENTENCE + " Once more."]), "text")
    assert_body(article)


def test_dump_with_long_space_runs_extracts() -> None:
    spaced = "Home" + " " * 50_000 + "| Site"
    article = extract(dump([spaced, SENTENCE, SENTENCE + " Again.", spaced]), "text")
    assert_body(article)


def test_dump_of_table_rows_padded_with_spaces_extracts() -> None:
    # w3m prints table cells padded with spaces: short lines of long space runs, many of them
    lines = []
    for i in range(200):  # prose between the rows keeps them inside the body region
        lines += [f"{SENTENCE} Part {i}.", *(f"Cell {i} {j} a b" + " " * 370 + "end z" for j in range(5))]
    crumbs = ["Home" + " " * 150 + "> News"] * 50
    article = extract(dump([*crumbs, *lines]), "text")
    assert_body(article)


def test_credit_and_breadcrumb_patterns_read_lines_as_before() -> None:
    from newstrace.extract import textdump_patterns as pat
    from newstrace.extract.textdump_meta import _TITLE_SUFFIX

    m = pat.CREDIT_TAIL.search("Workers inspect the pier  (AP Photo/Jane Doe)")
    assert m and m.group("p") == "AP Photo/Jane Doe"
    m = pat.CREDIT_TAIL.search("The ferry at dawn - Photo: Tom Reyes")
    assert m and m.group("l") == "Photo: Tom Reyes"
    assert pat.BREADCRUMB_SEP.split("Home  >  News > Waterfront") == ["Home", "News", "Waterfront"]
    m = _TITLE_SUFFIX.match("Council approves the pier rebuild   |  Harbor Ledger")
    assert m and (m.group("title"), m.group("site")) == ("Council approves the pier rebuild", "Harbor Ledger")


def test_email_pattern_keeps_real_addresses_and_bounds_the_local_part() -> None:
    text = "Write to jane.doe+news@harbour-ledger.example or (desk@news.example.org)."
    assert patterns.EMAIL.findall(text) == ["jane.doe+news@harbour-ledger.example", "desk@news.example.org"]
    assert patterns.EMAIL.findall("a" * 65 + "@example.org") == []
    assert patterns.EMAIL.findall("x " + "a" * 64 + "@example.org") == ["a" * 64 + "@example.org"]


# --- many elements, attributes, children ---------------------------------------------------


def test_element_with_many_attributes_extracts() -> None:
    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(20_000))
    assert_body(extract(page(body=f"<div {attrs}>{BODY}</div>")))


def test_attributes_are_cut_to_the_limit_and_text_is_left_alone() -> None:
    attrs = " ".join(f'a{i}="{i}"' for i in range(guards.MAX_ATTRIBUTES + 50))
    cut = guards.limit_attributes(f"<div {attrs}>text</div>")
    assert cut.count("=") == guards.MAX_ATTRIBUTES and cut.endswith('">text</div>')
    script = '<script type="application/ld+json">{"x": "<y ' + "w " * 600 + '>"}</script>'
    assert guards.limit_attributes(script + f"<div {attrs}>") == script + cut[:-len("text</div>")]
    assert guards.limit_attributes("<p class='a'>short</p>") == "<p class='a'>short</p>"


def test_many_paragraphs_in_one_div_extract() -> None:
    paras = "".join(f"<p>{SENTENCE} Item {i}.</p>" for i in range(3000))
    assert_body(extract(page(body=f"<div>{paras}</div>")))


def test_paragraph_with_thousands_of_inline_elements_extracts() -> None:
    assert_body(extract(page(body=BODY + "<p>" + "<b>x</b>" * 8000 + "</p>")))


def test_tree_is_cut_after_the_element_limit() -> None:
    tree = lxml_html.fromstring("<html><body>" + "".join(f"<p>p{i}<b>b{i}</b></p>" for i in range(20)) + "</body></html>")
    assert guards.limit_elements(tree, 10)
    assert sum(1 for _ in tree.iter()) == 10
    assert [p.text for p in tree.iter("p")] == ["p0", "p1", "p2", "p3"]
    assert not guards.limit_elements(tree, 10)


def test_children_are_cut_and_fragments_get_a_document_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_CHILDREN", 5)
    tree, cut = guards.bound_tree(lxml_html.fromstring("<svg>" + "<g></g>" * 9 + "</svg>"))
    assert cut and tree.tag == "html" and tree.find("body").find("svg") is not None
    assert len(tree.find(".//svg")) == 5


def test_head_stuffed_with_meta_tags_leaves_the_body_whole() -> None:
    metas = "".join(f"<meta name='m{i}' content='v{i}'>" for i in range(40_000))
    assert_body(extract(page(head=metas)))


def test_body_past_the_element_limit_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_ELEMENTS", 300)
    with pytest.raises(ExtractionError, match="part of the page read"):
        extract(page(body="<div><span>menu</span></div>" * 400 + BODY))


def test_standfirst_after_many_headings() -> None:
    body = "".join(f"<h1>H{i}</h1><p class='dek'>Summary {i}</p><p>x</p>" for i in range(3000))
    tree = lxml_html.fromstring(f"<html><body>{body}</body></html>")
    assert len(standfirst_keys(tree)) == 3000
    small = lxml_html.fromstring("<html><body><h1>T</h1><!-- c --><p>a</p><p>b</p><p class='dek'>third</p>"
                                 "<p class='dek'>fourth</p></body></html>")
    assert standfirst_keys(small) == {"third"}  # the XPath's three following elements, comments not counted


def test_short_paragraphs_are_looked_up_in_the_article_body(monkeypatch: pytest.MonkeyPatch) -> None:
    lookup = html_extractor._ShortLookup("ConsThe battery lasts. The Pier, closed. Again!")
    assert lookup("Cons") and lookup("the pier") and lookup("pier closed again") and lookup("")
    assert not lookup("Pros")
    monkeypatch.setattr(html_extractor, "_AB_SCAN_BUDGET", 0)  # past the budget: whole words in order
    lookup = html_extractor._ShortLookup("ConsThe battery lasts. The Pier, closed. Again!")
    assert lookup("the pier") and lookup("pier closed again") and lookup("")
    assert not lookup("Cons") and not lookup("pie")


# --- text dumps ------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", [
    [f"Posted Dec {1 + i % 28}, 2023 by Jane Doe" for i in range(3000)],
    [f"Home > News > Item {i}" for i in range(3000)],
    [f"Contact writer{i}@example{i}.org or desk@news.example" for i in range(3000)],
    [f"{SENTENCE} Line {i}." for i in range(2000)] * 2,
])
def test_dumps_of_many_similar_lines_complete(lines: list[str]) -> None:
    try:
        extract(dump([SENTENCE, *lines]), "text")
    except ExtractionError:
        pass  # a dump of furniture may hold no article: that is an answer too


def test_dump_is_read_up_to_its_line_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textdump, "MAX_DUMP_LINES", 40)
    article = extract(dump([SENTENCE, SENTENCE + " Again.", *(["Menu item"] * 5000), "Unread tail sentence " * 10]),
                      "text")
    assert_body(article)
    assert not any("Unread tail" in p for p in article.paragraphs)


def test_long_wrapped_paragraph_is_rejoined() -> None:
    words = ["harbour"] * 30_000
    rows = [" ".join(words[i : i + 10]) for i in range(0, len(words), 10)]  # 69 columns, wrapped at 72
    text = "\n".join(["Title of the story", "", *rows, "", "About us"])
    lines = textdump.split_lines(text)
    assert any(ln.text == " ".join(words) for ln in lines)


def test_model_gives_the_same_scores_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    body = textdump_model.default_models().body
    x = np.random.default_rng(0).normal(size=(50, len(body.features)))
    whole = body.decision(x)
    monkeypatch.setattr(textdump_model, "ROWS_PER_BLOCK", 7)
    assert np.allclose(body.decision(x), whole)


def test_prefix_of_other_matches_its_definition() -> None:
    rng = random.Random(3)
    vocab = ["home", "news", "pier", "council", "vote", "site"]
    lines = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 6))) for _ in range(400)]
    naive = [float(len(t) >= 15 and any(o != t and o.startswith(t + " ") for o in lines)) for t in lines]
    assert list(_prefix_of_other(lines)) == naive


def test_run_of_comments_before_the_page_is_read_in_linear_time() -> None:
    # the regex this replaced tried every split of the comments: 22 empty ones took 80 s
    assert not looks_like_html("<!---->" * 200 + "plain text after comments, " * 100 + "<div>")
    assert looks_like_html("<!-- a --> <!-- b -->\n<html><body><p>x</p></body></html>")
    assert looks_like_html('<?xml version="1.0"?>\n<!-- a --> x --> <!DOCTYPE html><html>')  # "-->" inside a comment
    assert not looks_like_html("<!-- unclosed <div> " + "text " * 1000)
