"""Scoring of extracted article bodies and metadata against gold answers.

Body metric (the one of the widely used article-extraction benchmark, see
``../shared/data/README.md``): lowercase, ``\\w+`` tokens, sets of 4-token shingles; per
page precision |P∩T|/|P| and recall |P∩T|/|T| (an empty side scores 0, or 1 when both are
empty); precision and recall are averaged over pages and F1 is their harmonic mean.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    toks = _TOKEN.findall((text or "").lower())
    return {tuple(toks[i : i + n]) for i in range(max(len(toks) - n + 1, 0))}


def page_pr(predicted: str, truth: str) -> tuple[float, float]:
    """Precision and recall of one page's body."""
    p, t = shingles(predicted), shingles(truth)
    if not p and not t:
        return 1.0, 1.0
    if not p or not t:
        return 0.0, 0.0
    inter = len(p & t)
    return inter / len(p), inter / len(t)


@dataclass
class BodyScore:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        s = self.precision + self.recall
        return 2 * self.precision * self.recall / s if s else 0.0


def score_bodies(pairs: Iterable[tuple[str, str]]) -> BodyScore:
    """Average precision and recall over (predicted, truth) pages."""
    ps: list[float] = []
    rs: list[float] = []
    for pred, truth in pairs:
        p, r = page_pr(pred, truth)
        ps.append(p)
        rs.append(r)
    n = len(ps)
    return BodyScore(sum(ps) / n if n else 0.0, sum(rs) / n if n else 0.0, n)


def norm_text(s: str | None) -> str:
    """Normalise a title or name for comparison: NFKC, casefold, unify quotes and dashes, squeeze space."""
    s = unicodedata.normalize("NFKC", s or "")
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    return re.sub(r"\s+", " ", s).strip().casefold()


def title_match(predicted: str | None, truth: str | None) -> bool:
    return norm_text(predicted) == norm_text(truth)


def authors_match(predicted: list[str], truth: str | list[str]) -> bool:
    """Same set of author names (order and case ignored). Gold '' means no author."""
    gold = truth if isinstance(truth, list) else [a for a in (truth or "").split(",")]
    g = {norm_text(a) for a in gold if norm_text(a)}
    p = {norm_text(a) for a in predicted if norm_text(a)}
    return g == p


def date_match(predicted: str | None, truth: str | None) -> bool:
    return (predicted or "")[:10] == (truth or "")[:10]
