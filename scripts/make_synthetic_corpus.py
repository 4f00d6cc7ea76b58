"""Write a synthetic news corpus with known ground truth (see newstrace.link.synthetic).

    python scripts/make_synthetic_corpus.py OUT_DIR [--articles 1000] [--seed 0]

Writes OUT_DIR/articles.jsonl (the ``extract --format jsonl`` shape, one article a line,
plus ``doc_id``) and OUT_DIR/truth.jsonl (doc_id, kind, story, original, cites,
claim_groups, origins). Streams: 100,000 articles take well under a minute.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from newstrace.link.synthetic import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "articles.jsonl").open("w", encoding="utf-8") as fa, (args.out / "truth.jsonl").open(
        "w", encoding="utf-8"
    ) as ft:
        for doc_id, article, truth in generate(args.articles, args.seed):
            fa.write(json.dumps({"doc_id": doc_id, **article.to_record()}, ensure_ascii=False) + "\n")
            ft.write(json.dumps(asdict(truth), ensure_ascii=False) + "\n")
    print(f"wrote {args.articles} articles to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
