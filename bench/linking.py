"""Linking benchmark: syndicated copies (CopyIndex), stories (StoryClusterer), and claim
groups with their provenance (bench/linking_claims.py).

Run from the project root::

    nice -n 19 python bench/linking.py [--sizes 1000,10000] [--seed 0] [--no-stories] [--claims N] [--json PATH]

(a) The shipped sample corpus (src/newstrace/sample/pages, extracted with newstrace.extract,
added in date order): copy -> original pairs scored against gold ``copies`` (precision,
recall, F1), stories scored B-cubed against gold ``stories``; then claim groups (B-cubed),
independent origins, the circular flag, denials and figures against the gold written for the
sample, and claim groups on N synthetic articles run through the claims stage.

(b) A synthetic corpus (newstrace.link.synthetic) at each size in ``--sizes``: the same two
scores against its truth, seconds per article over the last 1,000 articles added (copy
index and clusterer separately; a flat cost as the corpus grows is the point), and the
process's resident memory (current VmRSS and peak) after each size. The story clusterer is
pruned at the start of each publication day to the stories with an article in the last
STORY_WINDOW_DAYS + PRUNE_MARGIN_DAYS (3) days, as a long-running ingest would; the
assignments of pruned articles are recorded before pruning and scored with the rest (the
pruning time counts in the story cost). "stories kept" is how many are in memory at the end. Each size is a fresh
corpus and fresh indexes in the same process, so the peak only grows.
Sizes 1,000 and 10,000 take well under a minute; 100,000 takes several minutes and
about a gigabyte more memory. Needs no shared data.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newstrace" / "sample"
TAIL = 1000


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory in MiB."""
    current = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return current, peak


def run_sample() -> dict:
    import newstrace
    from newstrace.link import CopyIndex, StoryClusterer, score_clusters
    from newstrace.link.synthetic import score_pairs

    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    pages = sorted((SAMPLE / "pages").iterdir())
    names = [p.name for p in pages]
    arts = {p.name: newstrace.extract(p) for p in pages}
    order = sorted(names, key=lambda n: (arts[n].published or "", n))
    index, clusterer = CopyIndex(), StoryClusterer()
    for n in order:
        index.add_all(names.index(n), arts[n])
        clusterer.add(names.index(n), arts[n])
    pred = {d: o for d in range(len(names)) if (o := index.original_of(d)) is not None}
    gold_pairs = {names.index(c["copy"]): names.index(c["original"]) for c in gold["copies"]}
    gold_stories = {names.index(n): k for k, story in enumerate(gold["stories"]) for n in story}
    return {
        "articles": len(names),
        "copies": dict(zip(("precision", "recall", "f1"), score_pairs(pred, gold_pairs), strict=True)),
        "stories": dict(zip(("precision", "recall", "f1"), score_clusters(clusterer.assignments(), gold_stories),
                            strict=True)),
    }


#: Stories are pruned once a day, keeping those with an article in the last
#: STORY_WINDOW_DAYS + PRUNE_MARGIN_DAYS days: the window the store would keep in memory.
PRUNE_MARGIN_DAYS = 3


def run_synthetic(size: int, seed: int, stories: bool) -> dict:
    from datetime import date, timedelta

    from newstrace.link import CopyIndex, StoryClusterer, score_clusters
    from newstrace.link.stories import STORY_WINDOW_DAYS
    from newstrace.link.synthetic import generate, score_pairs

    index, clusterer = CopyIndex(), StoryClusterer()
    gold_pairs: dict[int, int] = {}
    gold_stories: dict[int, int] = {}
    t_copy = t_story = t_gen = 0.0
    tail_copy = tail_story = 0.0
    tail_from = max(0, size - TAIL)
    #: story assignments of pruned articles (final: a pruned story takes no more articles)
    story_pred: dict[int, int] = {}
    last_day: str | None = None
    t = time.perf_counter()
    for doc_id, article, truth in generate(size, seed):
        t0 = time.perf_counter()
        t_gen += t0 - t
        index.add_all(doc_id, article)
        t1 = time.perf_counter()
        if stories:
            if article.published and article.published != last_day:  # a new day: forget old stories
                last_day = article.published
                story_pred.update(clusterer.assignments())
                keep = timedelta(days=STORY_WINDOW_DAYS + PRUNE_MARGIN_DAYS)
                clusterer.prune((date.fromisoformat(last_day[:10]) - keep).isoformat())
            clusterer.add(doc_id, article)
        t = time.perf_counter()
        t_copy += t1 - t0
        t_story += t - t1
        if doc_id >= tail_from:
            tail_copy += t1 - t0
            tail_story += t - t1
        if truth.original is not None:
            gold_pairs[doc_id] = truth.original
        gold_stories[doc_id] = truth.story
    pred = {d: o for d in range(size) if (o := index.original_of(d)) is not None}
    tail_n = size - tail_from
    current, peak = _rss_mb()
    out = {
        "articles": size,
        "gold_copies": len(gold_pairs),
        "gold_stories": len(set(gold_stories.values())),
        "copies": dict(zip(("precision", "recall", "f1"), score_pairs(pred, gold_pairs), strict=True)),
        "copy_s_per_article_tail": tail_copy / tail_n,
        "copy_s_per_article_all": t_copy / size,
        "generate_s": t_gen,
        "rss_mb": current,
        "peak_rss_mb": peak,
    }
    if stories:
        story_pred.update(clusterer.assignments())
        out["stories"] = dict(
            zip(("precision", "recall", "f1"), score_clusters(story_pred, gold_stories), strict=True)
        )
        out["predicted_stories"] = len(set(story_pred.values()))
        out["stories_in_memory"] = len(clusterer.stories())
        out["story_s_per_article_tail"] = tail_story / tail_n
        out["story_s_per_article_all"] = t_story / size
    return out


def _prf(d: dict | None) -> list[str]:
    return [f"{d[k]:.3f}" for k in ("precision", "recall", "f1")] if d else ["-"] * 3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Copy and story linking benchmark")
    ap.add_argument("--sizes", default="1000,10000", help="synthetic corpus sizes (100000 takes minutes)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-stories", action="store_true", help="time and score the copy index only")
    ap.add_argument("--claims", type=int, default=200, metavar="N",
                    help="claim groups, provenance, denials and figures on the sample corpus and on N synthetic "
                         "articles through the claims stage (bench/linking_claims.py; 0 skips the synthetic part, "
                         "-1 skips claim groups)")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    console = Console(width=200)

    sample = run_sample()
    table = Table(title=f"Sample corpus ({sample['articles']} pages, date order)")
    for col in ("task", "precision", "recall", "F1"):
        table.add_column(col, justify="right" if col != "task" else "left")
    table.add_row("copies (pairs)", *_prf(sample["copies"]))
    table.add_row("stories (B-cubed)", *_prf(sample["stories"]))
    console.print(table)

    claim_groups = None
    if args.claims >= 0:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from linking_claims import print_claim_groups, run_claim_groups

        claim_groups = run_claim_groups(synthetic=args.claims, seed=args.seed)
        print_claim_groups(claim_groups, console)

    results = []
    for size in sizes:
        console.print(f"synthetic corpus: {size:,} articles ...", style="dim")
        results.append(run_synthetic(size, args.seed, not args.no_stories))
        sys.stdout.flush()
    table = Table(title=f"Synthetic corpus (seed {args.seed}; time per article over the last {TAIL:,} added)")
    for col in ("articles", "gold copies", "copy P", "copy R", "copy F1", "copy ms/art", "gold stories",
                "pred stories", "stories kept", "story P", "story R", "story F1", "story ms/art", "RSS MiB",
                "peak MiB"):
        table.add_column(col, justify="right")
    for r in results:
        st = r.get("stories")
        table.add_row(
            f"{r['articles']:,}", f"{r['gold_copies']:,}", *_prf(r["copies"]),
            f"{1000 * r['copy_s_per_article_tail']:.2f}", f"{r['gold_stories']:,}",
            f"{r.get('predicted_stories', 0):,}" if st else "-",
            f"{r.get('stories_in_memory', 0):,}" if st else "-", *_prf(st),
            f"{1000 * r['story_s_per_article_tail']:.2f}" if st else "-",
            f"{r['rss_mb']:.0f}", f"{r['peak_rss_mb']:.0f}",
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps({"sample": sample, "claim_groups": claim_groups, "synthetic": results, "seed": args.seed}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
