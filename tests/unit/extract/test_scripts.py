"""Articles in scripts other than Latin: Japanese, Chinese, Korean, Arabic and Russian pages
(written for these tests; invented towns and outlets), as HTML and as whole-page text dumps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newstrace.extract import extract_raw
from newstrace.extract.html import guess_language
from newstrace.extract.scripts import script_language, word_count
from newstrace.models import Article, ExtractOptions, RawInput

PAGES = Path(__file__).resolve().parents[2] / "pages"


@dataclass(frozen=True)
class Expected:
    language: str
    title: str
    first: str  # the body's first paragraph starts so
    last: str  # and its last paragraph ends so
    menu: tuple[str, ...]  # navigation and footer lines, none of which may be body


EXPECTED = {
    "ja": Expected(
        "ja", "港北市、老朽化した東港橋の架け替えを決定", "港北市議会は５日、", "と話していた。",
        ("ホーム", "ニュース", "スポーツ", "ログイン", "この記事をシェア", "関連記事", "利用規約", "港北新聞社"),
    ),
    "zh": Expected(
        "zh", "滨海市启动老城区供水管网改造工程", "滨海市水务局周二宣布", "希望改造完成后问题能够彻底解决。",
        ("首页", "财经", "登录", "分享到", "相关新闻", "隐私政策", "版权所有"),
    ),
    "ko": Expected(
        "ko", "항구시, 노후 여객선 터미널 전면 재건축 추진", "항구시는 5일 1970년대에", "미리 마련해 달라고 요청했다.",
        ("홈", "스포츠", "로그인", "기사 공유하기", "많이 본 뉴스", "이용약관", "Copyright"),
    ),
    "ar": Expected(
        "ar", "بلدية المدينة الساحلية تبدأ مشروع تجديد الميناء القديم", "أعلنت بلدية المدينة الساحلية",
        "إلى وسط المدينة.",
        ("الرئيسية", "تسجيل الدخول", "شارك المقال", "اقرأ أيضا", "سياسة الخصوصية", "جميع الحقوق محفوظة"),
    ),
    "ru": Expected(
        "ru", "В Приморске начали ремонт старого морского вокзала", "Власти Приморска во вторник",
        "где будут парковаться автомобили посетителей.",
        ("Главная", "Экономика", "Войти", "Поделиться", "Читайте также", "Политика конфиденциальности"),
    ),
}
PARAGRAPHS = 5


def _extract(name: str, as_: str = "auto") -> Article:
    return extract_raw(RawInput(source=name, data=(PAGES / name).read_bytes()), ExtractOptions(as_=as_))  # type: ignore[arg-type]


def _check(article: Article, want: Expected) -> None:
    assert article.title == want.title
    assert article.language == want.language
    assert len(article.paragraphs) == PARAGRAPHS, article.paragraphs
    assert article.paragraphs[0].startswith(want.first)
    assert article.paragraphs[-1].endswith(want.last)
    for line in want.menu:
        assert not any(line in p for p in article.paragraphs), line


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_html_page_extracts(code: str) -> None:
    article = _extract(f"script_{code}.html")
    assert article.kind == "html"
    _check(article, EXPECTED[code])


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_text_dump_extracts(code: str) -> None:
    article = _extract(f"script_{code}_dump.txt")
    assert article.kind == "text"
    _check(article, EXPECTED[code])


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_page_and_dump_give_the_same_body(code: str) -> None:
    assert _extract(f"script_{code}.html").paragraphs == _extract(f"script_{code}_dump.txt").paragraphs


def test_declared_language_wins_over_the_script() -> None:
    page = (PAGES / "script_ja.html").read_bytes().replace(b"<html>", b'<html lang="zh-Hant">')
    article = extract_raw(RawInput(source="declared", data=page), ExtractOptions(as_="html"))
    assert article.language == "zh"
    assert article.evidence.get("language") is None  # the page said it; nothing was guessed


# --- word counts ---------------------------------------------------------------------------


def test_spaced_text_counts_as_split_does() -> None:
    for text in ("The council voted 6-1 — after a long debate.", "Власти Приморска во вторник объявили",
                 "항구시는 5일 1970년대에 지어진 여객선 터미널을", "", "   "):
        assert word_count(text) == len(text.split())
    assert word_count("U.S. officials don't", word_runs=True) == 5  # U, S, officials, don, t


def test_unspaced_scripts_count_about_a_word_per_two_characters() -> None:
    sentence = "港北市議会は５日、老朽化が進む東港橋の架け替え事業に約１４億円を充てる補正予算案を賛成多数で可決した。"
    assert 20 <= word_count(sentence) <= 35  # 51 characters, 27 words split by hand
    assert 8 <= word_count("滨海市水务局周二宣布，将投资约八亿元") <= 12
    assert word_count("ホーム") == 2 and word_count("首页") == 1  # menu items stay short


def test_a_few_han_characters_in_spaced_text_change_nothing() -> None:
    # a name or mojibake in an English line: still counted by its spaces
    for text in ("Posted by: バーバリー マフラー 値段 at October 28, 2012 1:40 PM", "Christian Louboutin N掳Prive 120mm"):
        assert word_count(text) == len(text.split())


# --- language by script --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("東京都は５日、新しい対策を発表した。", "ja"),
    ("政府は３日、対策本部を開いた。", "ja"),  # mostly Han, a few kana: still Japanese
    ("滨海市水务局周二宣布将投资约八亿元。", "zh"),
    ("항구시는 5일 여객선 터미널을 재건축하는 계획을 발표했다.", "ko"),
    ("أعلنت بلدية المدينة الساحلية يوم الثلاثاء", "ar"),
    ("Власти Приморска во вторник объявили о начале", "ru"),
    ("The council voted on Tuesday.", None),
    ("The ministry of 東京 said so on Tuesday in a statement.", None),
])
def test_script_language(text: str, code: str | None) -> None:
    assert script_language(text) == code


def test_stopwords_come_before_the_script() -> None:
    english = [("The council said on Tuesday that the bridge over the river would be rebuilt, and "
                "that it was the first of three bridges in the city to be replaced this year.")]
    assert guess_language(english) == "en"
    assert guess_language(["Власти Приморска во вторник объявили о начале реконструкции вокзала."]) == "ru"
