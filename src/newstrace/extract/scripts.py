"""Words and writing systems: word counts that hold for every script, and a language guess by script.

Every rule of the extractor that asks "is this prose?" counts words, and a word count
by spaces says a Japanese or Chinese paragraph is one word long: those scripts put no
space between words. :func:`word_count` counts whitespace-separated tokens, as the
rules were calibrated on, except that in text written mostly in a script without spaces a
run of its characters counts as the number of words such a run holds on average. For any
other text it is exactly ``len(text.split())``, so nothing changes for spaced scripts.

:func:`script_language` names the language of a text by its writing system (Hangul,
kana, Han, Cyrillic, Arabic ...), for pages that declare none and whose words match no
stopword list. One script can serve several languages; it names the most common one
(Cyrillic is guessed as Russian, Arabic script as Arabic).
"""

from __future__ import annotations

import re

__all__ = ["has_unspaced", "script_language", "word_count"]

#: Han ideographs (with extensions A-F and compatibility ideographs), the iteration marks,
#: Hiragana, Katakana (with its phonetic extension and half-width forms): Chinese and
#: Japanese are written with no space between words.
_IDEOGRAPHIC = ("\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
#: Thai, Lao, Khmer and Myanmar: alphabetic scripts also written without spaces between words.
_UNSPACED_ALPHABETIC = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
#: Characters per word in each unspaced script family. Han/kana: word segmenters (jieba,
#: MeCab and their peers) split Chinese and Japanese news text into words of 1.5-2
#: characters on average, so a run of 1.7 characters counts as one word. Thai, Lao, Khmer
#: and Myanmar words, counted with their vowel signs, run to 3-6 code points; 4.5 is a
#: rough middle, not measured on our data (we hold no pages in those scripts).
_CHARS_PER_WORD = ((_IDEOGRAPHIC, 1.7), (_UNSPACED_ALPHABETIC, 4.5))
_UNSPACED_ANY = re.compile("[" + "".join(chars for chars, _ in _CHARS_PER_WORD) + "]")
_RUNS = tuple((re.compile(f"[{chars}]+"), per_word) for chars, per_word in _CHARS_PER_WORD)
_WORD = re.compile(r"\w+")
#: A text is read as written without spaces when at least this share of its letters are of
#: such scripts; below it, the characters are a quoted name or mojibake in spaced text.
UNSPACED_MIN_SHARE = 0.5

#: Writing systems and the language a text mostly written in them is guessed to be, in the
#: order they are tested (Hangul before Han: Korean text may carry Han characters).
SCRIPT_LANGUAGES = (
    ("ko", "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"),
    ("zh", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),  # "ja" when kana are mixed in, see below
    ("ru", "\u0400-\u04ff"),
    ("ar", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
    ("el", "\u0370-\u03ff"),
    ("he", "\u0590-\u05ff"),
    ("hi", "\u0900-\u097f"),
    ("bn", "\u0980-\u09ff"),
    ("ta", "\u0b80-\u0bff"),
    ("th", "\u0e00-\u0e7f"),
    ("ka", "\u10a0-\u10ff"),
    ("hy", "\u0530-\u058f"),
)
_SCRIPT_RX = tuple((code, re.compile(f"[{chars}]")) for code, chars in SCRIPT_LANGUAGES)
_KANA = re.compile("[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
#: Share of a text's letters a script must hold to name the language: a Latin-script story
#: quoting a name in another script stays unguessed; real text in a script is 60-100 %.
SCRIPT_MIN_SHARE = 0.3
#: Japanese mixes kana into Han text (half of the Han and kana characters of our Japanese
#: fixture's body, a third of its headline); Chinese has none. Above this share of kana
#: among Han and kana characters, Han text is Japanese.
JAPANESE_KANA_SHARE = 0.1
#: Characters of a text looked at for its script (the start of the body is enough).
SCRIPT_SAMPLE_CHARS = 5000


def has_unspaced(text: str) -> bool:
    """True when text holds characters of a script written without spaces between words."""
    return _UNSPACED_ANY.search(text) is not None


def word_count(text: str, *, word_runs: bool = False) -> int:
    """Words in text: whitespace-separated tokens (``word_runs``: runs of word characters,
    ``\\w+``), with the words of scripts written without spaces estimated.

    In a text most of whose letters are of such scripts, each run of them counts as
    ``len(run) / chars-per-word`` words (at least one) and each other run of word characters
    in it ("NHK", "2025") as one; punctuation such as "、" counts for nothing. Any other
    text is counted as a spaced script, so a page in a spaced script that quotes a Han name
    or carries mojibake counts as it always did.
    """
    if has_unspaced(text):
        estimate, unspaced, rest = 0, 0, text
        for rx, per_word in _RUNS:
            for run in rx.findall(rest):
                estimate += max(1, round(len(run) / per_word))
                unspaced += len(run)
            rest = rx.sub(" ", rest)
        if unspaced >= UNSPACED_MIN_SHARE * sum(1 for c in text if c.isalpha()):
            return estimate + len(_WORD.findall(rest))
    return len(_WORD.findall(text)) if word_runs else len(text.split())


def script_language(text: str) -> str | None:
    """The language named by the writing system most of the text's letters are in, or None
    (Latin script, or no script holding SCRIPT_MIN_SHARE of the letters)."""
    sample = text[:SCRIPT_SAMPLE_CHARS]
    if sample.isascii():
        return None
    letters = sum(1 for c in sample if c.isalpha())
    if not letters:
        return None
    for code, rx in _SCRIPT_RX:
        n = len(rx.findall(sample))
        if code == "zh":
            kana = len(_KANA.findall(sample))
            if (n + kana) / letters > SCRIPT_MIN_SHARE:
                return "ja" if kana / (n + kana) > JAPANESE_KANA_SHARE else "zh"
        elif n / letters > SCRIPT_MIN_SHARE:
            return code
    return None
