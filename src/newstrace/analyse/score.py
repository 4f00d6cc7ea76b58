"""Scoring of attribution spans (source, cue, content) against gold, and the PolNeAR loader.

Data are plain: ``{doc_id: [(role, start, end), ...]}`` with Python character offsets into the
document text (end exclusive) and ``role`` one of :data:`ROLES`. A discontinuous span (a quote
split by "he said") is given as one entry per part, and every part is scored as a span.

Two measures, per role and micro-averaged over documents:

* **exact**: a predicted span is correct when a gold span of the same role in the same document
  has the same ``(start, end)`` *after normalisation*. Normalisation, applied identically to
  predicted and gold spans: move ``start`` right and ``end`` left past whitespace and Unicode
  punctuation (general category ``P*``: quotes, commas, full stops, dashes, brackets...), so
  ``“It works,”`` and ``It works`` are the same span. A span that is nothing but
  whitespace/punctuation is dropped on either side. Duplicates (same role and normalised offsets)
  count once. Precision = matched predicted / predicted, recall = matched gold / gold.
* **overlap**: a predicted span is correct when it shares at least one character with a gold
  span of the same role in the same document (after the same normalisation); recall is the
  share of gold spans that share a character with some predicted span of that role.

F1 is the harmonic mean of precision and recall (0 when both are 0). Documents present on only
one side count with an empty list on the other.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from pathlib import Path

ROLES: tuple[str, ...] = ("source", "cue", "content")

Span = tuple[str, int, int]


def _is_trim(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def normalise_span(text: str | None, start: int, end: int) -> tuple[int, int] | None:
    """Strip whitespace and punctuation at both ends of ``[start, end)``; ``None`` when nothing is left.

    Without the document text (``text=None``) the offsets are returned as they are.
    """
    start, end = max(0, int(start)), int(end)
    if text is None:
        return (start, end) if end > start else None
    end = min(end, len(text))
    while start < end and _is_trim(text[start]):
        start += 1
    while end > start and _is_trim(text[end - 1]):
        end -= 1
    return (start, end) if end > start else None


def _prepare(spans: Iterable[Span], text: str | None) -> dict[str, set[tuple[int, int]]]:
    out: dict[str, set[tuple[int, int]]] = {r: set() for r in ROLES}
    for role, start, end in spans:
        role = role.lower()
        if role not in out:
            continue
        norm = normalise_span(text, start, end)
        if norm is not None:
            out[role].add(norm)
    return out


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]], max_len: int) -> bool:
    """Whether ``span`` shares a character with any of ``others`` (sorted by start)."""
    s, e = span
    # candidates start before e and no earlier than s - max_len (longest other span)
    i = bisect_left(others, (s - max_len, -1))
    while i < len(others) and others[i][0] < e:
        os_, oe = others[i]
        if oe > s and os_ < e:
            return True
        i += 1
    return False


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> dict[str, float | int]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "pred": n_p, "gold": n_g, "tp_pred": tp_p, "tp_gold": tp_g}


def score_spans(
    pred: Mapping[str, Iterable[Span]],
    gold: Mapping[str, Iterable[Span]],
    texts: Mapping[str, str] | None = None,
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Exact and overlap P/R/F1 per role.

    ``texts`` (doc_id -> text) enables the whitespace/punctuation normalisation described in the
    module docstring; without it (or for a document missing from it) offsets are compared as given.

    Returns ``{"exact": {role: {"precision", "recall", "f1", "pred", "gold", "tp_pred", "tp_gold"}},
    "overlap": {...}}``; each measure also has an ``"all"`` entry, micro-averaged over the roles.
    """
    counts = {m: {r: [0, 0, 0, 0] for r in ROLES} for m in ("exact", "overlap")}
    for doc_id in set(pred) | set(gold):
        text = texts.get(doc_id) if texts is not None else None
        p = _prepare(pred.get(doc_id, ()), text)
        g = _prepare(gold.get(doc_id, ()), text)
        for role in ROLES:
            ps, gs = p[role], g[role]
            inter = len(ps & gs)
            c = counts["exact"][role]
            c[0] += inter
            c[1] += len(ps)
            c[2] += inter
            c[3] += len(gs)
            g_sorted, p_sorted = sorted(gs), sorted(ps)
            g_max = max((e - s for s, e in gs), default=0)
            p_max = max((e - s for s, e in ps), default=0)
            c = counts["overlap"][role]
            c[0] += sum(_overlaps(x, g_sorted, g_max) for x in ps)
            c[1] += len(ps)
            c[2] += sum(_overlaps(x, p_sorted, p_max) for x in gs)
            c[3] += len(gs)
    result: dict[str, dict[str, dict[str, float | int]]] = {}
    for measure, per_role in counts.items():
        result[measure] = {role: _prf(*c) for role, c in per_role.items()}
        total = [sum(c[i] for c in per_role.values()) for i in range(4)]
        result[measure]["all"] = _prf(*total)
    return result


def load_polnear(
    folder: str | Path, split: str, *, primary_only: bool = True
) -> tuple[dict[str, str], dict[str, list[Span]]]:
    """Read PolNeAR's ``articles/<split>/*.txt`` and ``<split>.jsonl``.

    Returns ``(texts, gold)``: ``texts`` doc_id -> article text; ``gold`` doc_id -> list of
    ``(role, start, end)``, one entry per part of every source/cue/content span of every
    (primary, unless ``primary_only=False``) relation. Every document of the split has an entry
    in ``gold``, possibly empty. Use :func:`load_polnear_relations` to keep the relations whole.
    """
    texts, relations = load_polnear_relations(folder, split, primary_only=primary_only)
    gold: dict[str, list[Span]] = {doc_id: [] for doc_id in texts}
    for rel in relations:
        spans = gold.setdefault(rel["doc_id"], [])
        for role in ROLES:
            for part in rel.get(role) or ():
                spans.append((role, int(part["start"]), int(part["end"])))
    return texts, gold


def load_polnear_relations(
    folder: str | Path, split: str, *, primary_only: bool = True
) -> tuple[dict[str, str], list[dict]]:
    """The texts of a split and its relations as read from the JSONL (filtered to ``primary``)."""
    folder = Path(folder)
    art = folder / "articles" / split
    if not art.is_dir():
        raise FileNotFoundError(f"no PolNeAR articles folder: {art}")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(art.glob("*.txt"))}
    relations: list[dict] = []
    with open(folder / f"{split}.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rel = json.loads(line)
            if primary_only and not rel.get("primary"):
                continue
            relations.append(rel)
    return texts, relations
