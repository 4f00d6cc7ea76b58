"""Attributed-statement tagger: SOURCE, CUE and CONTENT spans in news text.

A small spaCy pipeline (its own ``tok2vec`` + a transition-based ``ner`` with the labels
``SOURCE``, ``CUE`` and ``CONTENT``) trained on PolNeAR by ``scripts/train_attribution.py``; see
``docs/models/attribution.md``. The model ships inside the package
(``newstrace/analyse/models/attribution``) and is loaded once per :class:`AttributionTagger`.

Texts are tagged paragraph by paragraph (split at line breaks, as in training): in PolNeAR a
content span practically never crosses a line break, and short documents keep the tagger fast.
A discontinuous content ("“A,” he said, “B.”") comes out as one CONTENT span per part; the
tagger does not group spans into relations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

from newstrace.analyse.nlp import pipe

ROLES = ("source", "cue", "content")
LABELS = {"SOURCE": "source", "CUE": "cue", "CONTENT": "content"}
#: Longest paragraph handed to the model in one piece (characters); longer ones are cut at
#: sentence-like boundaries so that one runaway "paragraph" cannot blow up time or memory.
#: The claims stage's parse cuts at the same places (``attribution.paragraph_spans``), so every
#: tagged span lies inside one parsed piece. The longest paragraph in the sample corpus,
#: PolNeAR dev and 250 NAEB bodies is 1,230 characters.
MAX_PARAGRAPH_CHARS = 5000

_NEWLINES = re.compile(r"\n")
_CUT = re.compile(r"(?<=[.!?…])\s+")


def model_path() -> Path:
    """Folder of the shipped model (inside the installed package)."""
    return Path(str(resources.files("newstrace.analyse").joinpath("models", "attribution")))


def split_paragraphs(text: str, max_chars: int = MAX_PARAGRAPH_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` of the non-blank paragraphs of ``text``: lines, stripped of surrounding
    whitespace; a line longer than ``max_chars`` is cut after sentence punctuation (or hard at
    ``max_chars`` when there is none)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in [*_NEWLINES.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        s, e = pos, end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.extend(_cut_long(text, s, e, max_chars))
        if m is not None:
            pos = m.end()
    return out


def _cut_long(text: str, s: int, e: int, max_chars: int) -> Iterator[tuple[int, int]]:
    while e - s > max_chars:
        cut = None
        for m in _CUT.finditer(text, s, s + max_chars):
            cut = m
        if cut is not None and cut.start() > s:
            yield s, cut.start()
            s = cut.end()
        else:
            yield s, s + max_chars
            s += max_chars
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        yield s, e


class AttributionTagger:
    """Tag SOURCE / CUE / CONTENT spans.

    >>> tagger = AttributionTagger()                      # doctest: +SKIP
    >>> tagger.tag('"We will reopen the quay," the harbour master said.')  # doctest: +SKIP
    [('content', 1, 23), ('source', 26, 43), ('cue', 44, 48)]
    """

    def __init__(self, path: str | Path | None = None, *, n_process: int = 1) -> None:
        import spacy

        self._stack = ExitStack()
        if path is None:
            path = self._stack.enter_context(
                resources.as_file(resources.files("newstrace.analyse").joinpath("models", "attribution"))
            )
        self.path = Path(path)
        self.nlp = spacy.load(self.path)
        self.n_process = n_process

    def tag(self, text: str) -> list[tuple[str, int, int]]:
        """Spans of ``text`` as ``(role, start, end)``, character offsets, sorted by start."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: Iterable[str], batch_size: int = 64) -> list[list[tuple[str, int, int]]]:
        """:meth:`tag` for many texts, paragraphs batched through the model."""
        texts = [t if isinstance(t, str) else str(t or "") for t in texts]
        pieces: list[tuple[int, int]] = []  # (text index, paragraph start)
        strings: list[str] = []
        for i, text in enumerate(texts):
            for s, e in split_paragraphs(text):
                pieces.append((i, s))
                strings.append(text[s:e])
        out: list[list[tuple[str, int, int]]] = [[] for _ in texts]
        # batches capped in characters too, long runs of punctuation tokenized piecewise (nlp.pipe)
        docs = pipe(self.nlp, strings, batch_size, self.n_process)
        for (i, offset), doc in zip(pieces, docs):
            n = len(texts[i])
            for ent in doc.ents:
                role = LABELS.get(ent.label_)
                if role is None:
                    continue
                start, end = offset + ent.start_char, offset + ent.end_char
                if 0 <= start < end <= n:
                    out[i].append((role, start, end))
        for spans in out:
            spans.sort(key=lambda x: (x[1], x[2]))
        return out

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> AttributionTagger:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
