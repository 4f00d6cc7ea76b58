"""Hostile inputs through newstrace: nothing may crash, stall past its budget, or be lost.

Run from the project root::

    python bench/fuzz.py [--count 20000] [--seed 0] [--chunk 2000] [--extract-seconds 20] [--analyse-seconds 30]

Generates ``--count`` inputs with the fuzz suite's generator (tests/fuzz/hostile.py:
truncations, deep nesting, huge attributes, bad encodings, gzip bombs, malformed WARC and
feeds, billion laughs and XXE, NUL bytes, enormous lines, mixed scripts, mutations of the
fixture pages) and runs them, ``--chunk`` at a time, through ``newstrace.ingest`` with claims
and linking on, ``newstrace extract`` and ``newstrace ingest`` on the command line, and
``newstrace.extract()`` in process (tests/fuzz/harness.py). Prints tried / crashed / internal
errors / over budget / lost / leaked per chunk and in total, the failure reasons, and the
first problems found; exits 1 when anything crashed, ran over budget, was lost or leaked.
Needs no shared data. CI runs 2,000 inputs of seed 0 (tests/fuzz/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

from harness import FuzzReport, fuzz, settings_for_fuzz  # noqa: E402
from hostile import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--chunk", type=int, default=2000, help="inputs per store and command-line run")
    ap.add_argument("--extract-seconds", type=float, default=20.0)
    ap.add_argument("--analyse-seconds", type=float, default=30.0)
    ap.add_argument("--big-share", type=float, default=0.02, help="share of inputs drawn large (megabytes)")
    args = ap.parse_args()
    console = Console(width=200)
    settings = settings_for_fuzz(args.extract_seconds, args.analyse_seconds)
    items = list(generate(args.seed, args.count, args.big_share))
    table = Table(title=f"fuzz: seed {args.seed}, {args.count} inputs")
    total = FuzzReport()
    reasons: Counter[str] = Counter()
    for start in range(0, len(items), args.chunk):
        chunk = items[start:start + args.chunk]
        with tempfile.TemporaryDirectory() as tmp:
            rep = fuzz(chunk, Path(tmp), settings)
        row = rep.row()
        if not table.columns:
            table.add_column("inputs")
            for k in row:
                table.add_column(k, justify="right")
            table.add_column("seconds", justify="right")
        table.add_row(f"{start}-{start + len(chunk) - 1}", *[str(v) for v in row.values()], f"{rep.seconds:.0f}")
        for k in ("crashed", "internal", "over_budget", "lost", "leaked"):
            getattr(total, k).extend(getattr(rep, k))
        total.tried += rep.tried
        total.documents += rep.documents
        total.stored += rep.stored
        total.seconds += rep.seconds
        reasons.update(rep.failed)
        console.print(f"chunk {start}: {row}, slowest {[(round(s, 1), n.rsplit('/', 1)[-1]) for s, n in rep.slowest]}")
    table.add_row("total", *[str(v) for v in total.row().values()][:3], str(sum(reasons.values())),
                  *[str(v) for v in list(total.row().values())[4:]], f"{total.seconds:.0f}")
    console.print(table)
    console.print("failure reasons: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    for k in ("crashed", "internal", "over_budget", "lost", "leaked"):
        for line in getattr(total, k)[:10]:
            console.print(f"[red]{k}[/]: {line}", markup=True, highlight=False, soft_wrap=True)
    return 0 if total.ok else 1


if __name__ == "__main__":
    sys.exit(main())
