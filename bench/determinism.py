"""Determinism of the link step: the same articles give the same stories, copies and claim
groups whatever the hash seed, the link batch size, or the order the inputs were ingested in.

Run from the project root::

    python bench/determinism.py [--seeds 10] [--batches 1,7,500] [--orders 3] [--pages DIR]

The pages (default: the sample corpus) are ingested once without linking; then, for every
hash seed and batch size, a copy of that store is linked from scratch in a fresh Python
process (``PYTHONHASHSEED`` set) with that batch size; and ``--orders`` more stores are
ingested from the same files given in shuffled orders and linked. Every result is compared
with the first through :meth:`newstrace.Store.link_snapshot` (stories, copies and claim
groups named by article key, not by id). Prints one row per run and exits 1 when any
differs. Needs no shared data.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newstrace" / "sample" / "pages"

_LINK = """
import json, sys
import newstrace
with newstrace.Store(sys.argv[1]) as store:
    newstrace.link_articles(store, rebuild=True, batch=int(sys.argv[2]))
    print(json.dumps(store.link_snapshot()))
"""
_INGEST = """
import json, sys
import newstrace
with newstrace.Store(sys.argv[1]) as store:
    newstrace.ingest(sys.argv[3:], store, link=sys.argv[2] == "link")
    print(json.dumps(store.link_snapshot()))
"""


def _python(code: str, *args: str, seed: int = 0) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                         check=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(snap: dict) -> str:
    return f"{len(snap['stories'])} stories, {len(snap['copies'])} copies, {len(snap['groups'])} groups"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=10, help="hash seeds to try (0..N-1)")
    ap.add_argument("--batches", default="1,7,500", help="link batch sizes, comma-separated")
    ap.add_argument("--orders", type=int, default=3, help="shuffled ingest orders to try")
    ap.add_argument("--pages", type=Path, default=SAMPLE, help="folder of pages (default: the sample corpus)")
    args = ap.parse_args()
    files = sorted(str(p) for p in args.pages.rglob("*") if p.is_file() and not p.name.startswith("."))
    batches = [int(b) for b in args.batches.split(",")]
    console = Console()
    table = Table(title=f"link determinism on {len(files)} pages ({args.pages})")
    for col in ("run", "result", "same as the first"):
        table.add_column(col)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        _python(_INGEST, str(base), "no-link", *files)
        first: dict | None = None
        runs: list[tuple[str, dict]] = []
        for seed in range(args.seeds):
            for batch in batches:
                db = Path(tmp) / f"s{seed}-b{batch}.db"
                shutil.copy(base, db)
                runs.append((f"PYTHONHASHSEED={seed}, batch {batch}", _python(_LINK, str(db), str(batch), seed=seed)))
        rng = random.Random(0)
        for k in range(args.orders):
            order = files[:]
            rng.shuffle(order)
            db = Path(tmp) / f"order{k}.db"
            runs.append((f"shuffled ingest order {k + 1}", _python(_INGEST, str(db), "link", *order, seed=k + 100)))
        for name, snap in runs:
            first = first or snap
            same = snap == first
            differ += not same
            table.add_row(name, _summary(snap), "yes" if same else "[red]NO[/]")
    console.print(table)
    console.print(f"{len(runs)} runs, {differ} differ from the first")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
