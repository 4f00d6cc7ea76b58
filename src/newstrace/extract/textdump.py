"""Whole-page plain-text dumps (w3m -dump, lynx -dump ...) to a clean Article.

A dump has no tags, so the extractor reads what text carries:

1. :mod:`textdump_lines` splits the dump into logical lines, rejoining hard-wrapped blocks.
2. :mod:`textdump_features` describes each line (shape, punctuation, widget phrases,
   repetition, position, neighbourhood) and two small boosted-tree models
   (:mod:`textdump_model`) score which line is the title and which lines are body.
3. The body is the main run of body-scored lines, allowing short interruptions; captions
   (lines with a photo credit, or printed twice), bylines and "Related" lead-ins are taken
   out of it. :mod:`textdump_meta` reads title, authors, date, outlet and section from the
   lines around the title.
"""

from __future__ import annotations

import numpy as np

from newstrace.errors import ExtractionError
from newstrace.extract import textdump_meta as meta
from newstrace.extract.guards import MAX_DUMP_CHARS, MAX_DUMP_LINES
from newstrace.extract.scripts import script_language, word_count
from newstrace.extract.textdump_features import FEATURES, line_features, with_title
from newstrace.extract.textdump_lines import Line, split_lines, strip_bullet
from newstrace.extract.textdump_model import DumpModels, default_models
from newstrace.models import Article

__all__ = ["extract_text_dump", "extract_with"]

#: Body probability above which a line is body on its own (0.5 = the classifier's own cut;
#: chosen by 2-fold cross-validation on the naeb dumps).
BODY_CUT = 0.5
#: Within the main body region a line needs only this probability (short subheads and
#: one-line paragraphs between long ones); calibrated like BODY_CUT.
INSIDE_CUT = 0.3
#: A region may grow past its last strong line by lines scoring at least EDGE_CUT
#: (a closing one-sentence paragraph); calibrated by 2-fold CV on naeb.
EDGE_CUT = 0.4
EDGE_REACH = 1
#: A region keeps going across at most this many consecutive non-body lines (share
#: widgets, a "Related Article" link, an ad slot between paragraphs).
MAX_GAP = 6
#: Regions are kept when they hold at least this share of the best region's characters
#: (pages split by an inline newsletter box or a photo gallery).
KEEP_REGION_SHARE = 0.25
#: The title model's score below which a dump is taken to print no headline at all. Kept
#: tiny: on dumps whose headline the model is unsure of, its best guess is still right
#: more often than not (2-fold CV on naeb).
TITLE_MIN = 0.001
#: How far above the first body line the headline may be printed (lines). Calibrated on
#: naeb: in 96% of the dumps that print the gold title as a line, it sits at most 25 lines
#: above the first gold body line.
TITLE_WINDOW = 25
#: A body needs at least one paragraph of this many words (:func:`word_count`, so that words of
#: scripts written without spaces count too); menus and link lists have none.
MIN_SENTENCE_WORDS = 8
#: When no line reaches BODY_CUT (one-paragraph stories under heavy navigation), lines
#: within this factor of the best line's probability form the body instead of nothing.
FALLBACK_SHARE = 0.7
#: The line model was trained on Latin-script pages: for a line in another script (Japanese,
#: Korean, Arabic ...) its stopword, capital-letter and sentence-start features read nothing,
#: and it scores that script's prose lower, most of all the closing paragraph above the
#: footer (0.17 and 0.27 on our Chinese and Korean fixtures, under EDGE_CUT). Such a line
#: that has the shape of prose (PROSE_WORDS words by ``word_count``, a sentence end)
#: continues a body region it follows when it scores at least this; the menu and footer
#: lines of the fixtures in all five scripts score under 0.01.
OTHER_SCRIPT_PROSE_CUT = 0.1
_PROSE = FEATURES.index("prose")


def extract_text_dump(text: str, *, source: str) -> Article:
    """Extract the article from a whole-page text dump; raise ExtractionError when it holds none."""
    return extract_with(text, source=source, models=default_models())


def extract_with(text: str, *, source: str, models: DumpModels) -> Article:
    """:func:`extract_text_dump` with explicit models (training and cross-validation use it)."""
    lines = split_lines(text[:MAX_DUMP_CHARS], MAX_DUMP_LINES)
    if not lines:
        raise ExtractionError(f"{source}: the text dump is empty", reason="no-article")
    base = line_features(lines)
    title_scores = models.title.predict_proba(base)
    title_idx = _title_index(title_scores, None, lines)
    probs = models.body.predict_proba(with_title(base, lines, title_idx))
    if title_idx is not None:
        probs[title_idx] = 0.0
    body = _select_body(lines, probs, _other_script_prose(lines, base, probs))
    if body:
        # the headline sits above the story: re-pick it among the lines just before the body
        near = _title_index(title_scores, body[0], lines)
        title_idx = near if near is not None else title_idx
    if title_idx is not None:
        title_idx = meta.headline_under_breadcrumb(lines, title_idx)
    article = Article(source=source, kind="text")
    meta.fill(article, lines, title_idx, body)
    furniture = meta.non_body_lines(lines, body, article)
    body = [i for i in body if i not in furniture]
    article.paragraphs = [strip_bullet(lines[i].text) if lines[i].bullet else lines[i].text for i in body]
    if not any(word_count(p) >= MIN_SENTENCE_WORDS for p in article.paragraphs):
        raise ExtractionError(
            f"{source}: no article body found in the text dump (it looks like navigation only)",
            reason="no-article",
        )
    article.language = meta.guess_language(article.paragraphs)
    return article


def _title_index(scores: np.ndarray, body_start: int | None, lines: list[Line]) -> int | None:
    """The best-scored title line, anywhere or within TITLE_WINDOW lines above the body."""
    if body_start is not None:
        lo = max(0, body_start - TITLE_WINDOW)
        window = scores[lo : body_start + 1]
        if not len(window):
            return None
        best = lo + int(np.argmax(window))
    elif len(scores):
        best = int(np.argmax(scores))
    else:
        return None
    if scores[best] < TITLE_MIN:
        return None
    # a headline printed twice (page title bar, then the h1 over the story): take the later
    stop = body_start if body_start is not None else best
    same = [i for i in range(best + 1, stop) if lines[i].text == lines[best].text]
    return same[-1] if same else best


def _regions(keep: np.ndarray) -> list[tuple[int, int]]:
    """Runs of kept lines, merged across gaps of at most MAX_GAP lines."""
    idx = np.flatnonzero(keep)
    if not len(idx):
        return []
    out = [[int(idx[0]), int(idx[0])]]
    for i in idx[1:]:
        if i - out[-1][1] - 1 <= MAX_GAP:
            out[-1][1] = int(i)
        else:
            out.append([int(i), int(i)])
    return [(a, b) for a, b in out]


def _other_script_prose(lines: list[Line], base: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Mask of prose-shaped lines under BODY_CUT that are written in a script other than Latin."""
    out = np.zeros(len(lines), dtype=bool)
    for i in np.flatnonzero((base[:, _PROSE] > 0) & (probs < BODY_CUT) & (probs >= OTHER_SCRIPT_PROSE_CUT)):
        out[i] = script_language(lines[i].text) is not None
    return out


def _select_body(lines: list[Line], probs: np.ndarray, other_prose: np.ndarray) -> list[int]:
    """Indices of body lines: strong lines, plus weaker ones inside strong regions, plus
    prose lines in another script than Latin that continue a region (OTHER_SCRIPT_PROSE_CUT)."""
    if not len(probs):
        return []
    cut = min(BODY_CUT, float(probs.max()) * FALLBACK_SHARE)
    strong = probs >= cut
    regions = _regions(strong)
    mass = [sum(len(lines[i].text) for i in range(a, b + 1) if strong[i]) for a, b in regions]
    best = max(mass)
    chosen: list[int] = []
    for (a, b), m in zip(regions, mass):
        if m < best * KEEP_REGION_SHARE:
            continue
        # a short closing paragraph scores lower than the run above it: let a region reach
        # across its edge to lines that would count inside it
        for _ in range(EDGE_REACH):
            if b + 1 < len(probs) and probs[b + 1] >= EDGE_CUT:
                b += 1
        while b + 1 < len(probs) and other_prose[b + 1]:
            b += 1
        chosen.extend(i for i in range(a, b + 1) if probs[i] >= min(INSIDE_CUT, cut) or other_prose[i])
    return sorted(set(chosen))  # a region grown over other-script prose may reach the next one
