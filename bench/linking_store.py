"""The link step as ingest runs it, through the store, on a growing synthetic corpus.

Run from the project root::

    nice -n 19 python bench/linking_store.py [--sizes 1000,10000] [--seed 0] [--db PATH]

Articles from :mod:`newstrace.link.synthetic` are stored (no claims: the claims stage is
measured by bench/claims.py) and linked a chunk of 1,000 at a time, as a stream of ingest
runs would: each chunk loads the saved copy index and story clusterer from the store, links,
and saves them with its results. Printed per size reached: seconds per article of the last
chunk (store writes and linking separately), the size of the saved indexes, resident memory,
and copy/story quality against the generator's truth read back from the store. A flat cost
per article as the store grows is the point. Needs no shared data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linking import _rss_mb  # noqa: E402  (current and peak RSS, as bench/linking.py reports them)

CHUNK = 1000


def run(sizes: list[int], seed: int, db: Path) -> list[dict]:
    from newstrace.config import load_settings
    from newstrace.link import score_clusters
    from newstrace.link.synthetic import generate, score_pairs
    from newstrace.linker import COPY_STATE, STORY_STATE, link
    from newstrace.store import Store

    settings = load_settings(db=db)
    gold_pairs: dict[int, int] = {}
    gold_stories: dict[int, int] = {}
    ids: dict[int, int] = {}  # generator id -> store id
    results = []
    pending = sorted(sizes)
    t_store = t_link = 0.0
    with Store(db) as store:
        for doc_id, article, truth in generate(max(sizes), seed):
            t0 = time.perf_counter()
            ids[doc_id] = store.add(article, sha256=f"synthetic-{doc_id}").article_id
            t_store += time.perf_counter() - t0
            if truth.original is not None:
                gold_pairs[doc_id] = truth.original
            gold_stories[doc_id] = truth.story
            n = doc_id + 1
            if n % CHUNK and n != pending[0]:
                continue
            chunk = n % CHUNK or CHUNK
            t0 = time.perf_counter()
            link(store, settings=settings)
            t_link = time.perf_counter() - t0
            if n == pending[0]:
                pending.pop(0)
                back = {v: k for k, v in ids.items()}
                copies = {back[c]: back[r.original_id] for c, r in store.copies().items()}
                stories = {back[a]: s for a, s in store.db.execute(
                    "SELECT article_id, story_id FROM story_articles")}
                current, peak = _rss_mb()
                results.append({
                    "articles": n,
                    "store_s_per_article": t_store / chunk,
                    "link_s_per_article": t_link / chunk,
                    "copies": score_pairs(copies, gold_pairs),
                    "stories": score_clusters(stories, gold_stories),
                    "state_mb": sum(len(store.load_link_state(k) or b"") for k in (COPY_STATE, STORY_STATE)) / 2**20,
                    "rss_mb": current,
                    "peak_rss_mb": peak,
                })
                if not pending:
                    break
            t_store = 0.0
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Link step through the store, on a growing synthetic corpus")
    ap.add_argument("--sizes", default="1000,10000", help="store sizes to report at (100000 takes a while)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--db", type=Path, help="store file to use (default: a temporary one)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    console = Console(width=200)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        results = run(sizes, args.seed, db)
    table = Table(title=f"Link step through the store (seed {args.seed}; time per article over the last chunk of "
                        f"up to {CHUNK:,})")
    for col in ("articles", "store ms/art", "link ms/art", "copy F1", "story P", "story R", "story F1",
                "saved indexes MiB", "RSS MiB", "peak MiB"):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            f"{r['articles']:,}", f"{1000 * r['store_s_per_article']:.2f}", f"{1000 * r['link_s_per_article']:.2f}",
            f"{r['copies'][2]:.3f}", *(f"{x:.3f}" for x in r["stories"]), f"{r['state_mb']:.1f}",
            f"{r['rss_mb']:.0f}", f"{r['peak_rss_mb']:.0f}",
        )
    console.print(table)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
