"""Self-consistency checks for the bundled sample corpus (src/newstrace/sample).

The gold file is hand-written against the pages, so these tests only check that the
two agree: every string the gold promises is really in the page (after stripping tags,
unescaping entities and collapsing whitespace, so hard-wrapped text dumps and inline
links still match), and every "furniture" string really is in the raw page, so an
extractor that drops it is doing real work.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "newstrace" / "sample"
PAGES = SAMPLE / "pages"
GOLD = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
PAGE_NAMES = sorted(GOLD["pages"])

KINDS = {"direct", "indirect", "mixed", "according-to"}
STANCES = {"asserted", "denied"}


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(name: str) -> str:
    """What a reader could see: tags removed, entities unescaped, whitespace collapsed."""
    s = _decode((PAGES / name).read_bytes())
    if name.endswith(".html"):
        s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", s)
        s = re.sub(r"(?s)<!--.*?-->", " ", s)
        s = re.sub(r"<[^>]+>", "", s)
        s = html.unescape(s)
    return _norm(s)


def raw_text(name: str) -> str:
    return _decode((PAGES / name).read_bytes())


def test_corpus_size_and_variety():
    assert len(PAGE_NAMES) >= 14
    outlets = {GOLD["pages"][n]["outlet"] for n in PAGE_NAMES}
    assert len(outlets) >= 6, outlets
    dumps = [n for n in PAGE_NAMES if n.endswith(".txt")]
    assert len(dumps) >= 2
    domains = {re.sub(r"^https?://(www\.)?", "", GOLD["pages"][n]["url"]).split("/")[0] for n in PAGE_NAMES}
    assert len(domains) >= 6


def test_every_page_file_is_in_gold_and_vice_versa():
    on_disk = sorted(p.name for p in PAGES.iterdir() if p.is_file())
    assert on_disk == PAGE_NAMES
    for name in PAGE_NAMES:
        outlet_slug = name.split("-")[0]
        assert outlet_slug and name.endswith((".html", ".txt"))


def test_one_text_dump_is_hard_wrapped():
    wrapped = []
    for name in PAGE_NAMES:
        if not name.endswith(".txt"):
            continue
        first = GOLD["pages"][name]["first_paragraph"]
        lines = raw_text(name).splitlines()
        if first not in raw_text(name) and all(len(l) <= 80 for l in lines if not re.match(r"\s*\d+\. \S+://", l)):
            wrapped.append(name)
    assert wrapped, "expected at least one text dump hard-wrapped at about 76 columns"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_fields(name):
    g = GOLD["pages"][name]
    text = page_text(name)
    for key in ("title", "authors", "emails", "published", "outlet", "section", "captions",
                "first_paragraph", "last_paragraph", "paragraph_count", "must_not_appear", "claims"):
        assert key in g, key
    assert _norm(g["title"]) in text
    assert _norm(g["first_paragraph"]) in text
    assert _norm(g["last_paragraph"]) in text
    assert g["paragraph_count"] >= 2
    assert text.index(_norm(g["first_paragraph"])) < text.index(_norm(g["last_paragraph"]))
    if g["published"] is not None:
        dt.date.fromisoformat(g["published"])
    for author in g["authors"]:
        assert author.lower() in text.lower(), author
    for email in g["emails"]:
        assert email in text
    assert g["section"], "every sample page names its section somewhere"
    for cap in g["captions"]:
        assert _norm(cap["text"]) in text
        if cap["credit"]:
            assert cap["credit"] in text
        if name.endswith(".txt"):
            assert text.count(_norm(cap["text"])) == 2, "dumps print the caption twice"


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_furniture_really_is_on_the_page(name):
    g = GOLD["pages"][name]
    text = page_text(name)
    assert len(g["must_not_appear"]) >= 5
    for junk in g["must_not_appear"]:
        assert _norm(junk) in text, junk
        assert _norm(junk) not in _norm(g["first_paragraph"])
        assert _norm(junk) not in _norm(g["last_paragraph"])


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_claims_occur_in_page(name):
    text = page_text(name)
    for claim in GOLD["pages"][name]["claims"]:
        assert _norm(claim["content"]) in text, claim["content"]
        assert claim["kind"] in KINDS
        assert claim["stance"] in STANCES
        assert claim["chain"] and claim["source"] and claim["cue"]
        if claim["date"] is not None:
            assert dt.date.fromisoformat(claim["date"]) <= dt.date.fromisoformat(GOLD["pages"][name]["published"])


def test_claims_cover_required_phenomena():
    claims = [c for n in PAGE_NAMES for c in GOLD["pages"][n]["claims"]]
    assert {c["kind"] for c in claims} == KINDS
    assert any(c["stance"] == "denied" for c in claims)
    assert any(len(c["chain"]) >= 3 for c in claims), "a three-link chain"
    assert any("anonymous" in c["chain"][-1] for c in claims)
    cues = {c["cue"] for c in claims}
    assert {"said", "told", "wrote on X", "said in a statement", "according to"} <= cues


def test_copies_and_stories():
    for cp in GOLD["copies"]:
        assert cp["copy"] in GOLD["pages"] and cp["original"] in GOLD["pages"]
        assert GOLD["pages"][cp["copy"]]["outlet"] != GOLD["pages"][cp["original"]]["outlet"]
        assert "Harbor Wire" in page_text(cp["copy"])
    flat = [n for story in GOLD["stories"] for n in story]
    assert sorted(flat) == PAGE_NAMES, "stories partition the corpus"
    assert len(GOLD["stories"]) >= 2
    main = max(GOLD["stories"], key=len)
    assert len(main) >= 14
    assert len({GOLD["pages"][n]["outlet"] for n in main}) >= 6


def test_claim_groups():
    ids = set()
    for group in GOLD["claim_groups"]:
        assert group["id"] not in ids
        ids.add(group["id"])
        assert group["independent_origins"] == len(group["origins"])
        assert group["members"]
        for page, content in group["members"]:
            assert page in GOLD["pages"]
            assert _norm(content) in page_text(page)
            assert any(c["content"] == content for c in GOLD["pages"][page]["claims"])
    circular = [g for g in GOLD["claim_groups"] if g["circular"]]
    confirmed = [g for g in GOLD["claim_groups"] if g["independent_origins"] >= 2]
    assert circular and confirmed
    assert any(len({p for p, _ in g["members"]}) >= 5 for g in circular), "one anonymous origin echoed widely"


def test_figures():
    assert GOLD["figures"]
    for fig in GOLD["figures"]:
        values = fig["values"]
        assert len(values) >= 2
        for v in values:
            assert v["page"] in GOLD["pages"]
            assert _norm(v["text"]) in page_text(v["page"]), v
            if v["date"] is not None:
                dt.date.fromisoformat(v["date"])
    changing = max(GOLD["figures"], key=lambda f: len({str(v["value"]) for v in f["values"]}))
    assert len({str(v["value"]) for v in changing["values"]}) >= 3


def test_metadata_variety():
    raws = {n: raw_text(n) for n in PAGE_NAMES if n.endswith(".html")}
    with_ld = [n for n, r in raws.items() if "application/ld+json" in r]
    without_meta = [n for n, r in raws.items() if "og:" not in r and "ld+json" not in r and "itemprop" not in r]
    assert len(with_ld) >= len(raws) // 2
    assert without_meta, "one page carries its metadata only in visible text"
    misleading = [n for n in PAGE_NAMES if GOLD["pages"][n].get("misleading_meta_date")]
    assert misleading
    for n in misleading:
        assert GOLD["pages"][n]["misleading_meta_date"] in raws[n]
        assert GOLD["pages"][n]["misleading_meta_date"] != GOLD["pages"][n]["published"]
