"""Article-extraction benchmark: newstrace against its peers, in the same run, on the same pages.

Run from the project root::

    python bench/extraction.py [--data ../shared/data/extraction-dev/naeb] [--only html,w3m,lynx]
                               [--limit N] [--check] [--json PATH]

For the HTML pages it runs newstrace, trafilatura (body only, and with its metadata),
readability-lxml and justext. For each whole-page text dump folder (``text-w3m``,
``text-lynx``) it runs newstrace's text-dump extractor, the "whole dump" as is, and the
peers over the dump's lines (each non-empty line wrapped in ``<p>``). Body quality is the
shingle metric of :mod:`newstrace.extract.score`; title, authors and date are exact-match
accuracies where a system gives them. Speed is pages per second of process time, summed
per page and per system, so that the systems are timed separately.

The data is not part of the project: when the folder is absent the script says so and exits 0.
``--check`` compares newstrace with the floors pinned in ``bench/floors.json`` and exits 1 when
it falls below any of them.
"""

from __future__ import annotations

import argparse
import gzip
import html as htmllib
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newstrace.extract.decode import decode_bytes
from newstrace.extract.score import authors_match, date_match, score_bodies, title_match

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "extraction-dev" / "naeb"
FLOORS = Path(__file__).resolve().parent / "floors.json"
DUMP_SETS = {"w3m": "text-w3m", "lynx": "text-lynx"}


@dataclass
class Output:
    """What one system gave for one page; ``None`` fields mean "this system does not say"."""

    text: str = ""
    title: str | None = None
    authors: list[str] | None = None
    date: str | None = None


@dataclass
class Result:
    system: str
    outputs: list[Output] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    gives: tuple[str, ...] = ()
    trace: str = ""


# --- systems -------------------------------------------------------------------------------


def run_newstrace_html(page: str) -> Output:
    from newstrace.errors import ExtractionError
    from newstrace.extract.html import extract_html

    try:
        art = extract_html(page, source="bench", url=None)
    except ExtractionError:
        return Output(authors=[])
    return Output(art.text, art.title, art.authors, art.published)


def run_trafilatura(page: str) -> Output:
    import trafilatura

    return Output(trafilatura.extract(page) or "")


def run_trafilatura_meta(page: str) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(page, with_metadata=True)
    if doc is None:
        return Output(authors=[])
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Output(doc.text or "", doc.title, authors, doc.date)


def run_readability(page: str) -> Output:
    import lxml.html
    from readability import Document

    doc = Document(page)
    try:
        summary = doc.summary(html_partial=True)
        tree = lxml.html.fromstring(summary) if summary.strip() else None
    except Exception:  # readability raises on pages it cannot parse; count as empty
        tree = None
    text = ""
    if tree is not None:
        blocks = tree.xpath("//p|//li|//h1|//h2|//h3|//h4|//blockquote|//pre|//td")
        text = "\n\n".join(b.text_content().strip() for b in blocks if b.text_content().strip())
        text = text or tree.text_content().strip()
    return Output(text, doc.short_title())


def run_justext(page: str) -> Output:
    import justext

    paras = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"), encoding="utf-8")
    return Output("\n\n".join(p.text for p in paras if not p.is_boilerplate))


def run_newstrace_dump(dump: str) -> Output:
    from newstrace.errors import ExtractionError
    from newstrace.extract.textdump import extract_text_dump

    try:
        art = extract_text_dump(dump, source="bench")
    except ExtractionError:
        return Output(authors=[])
    return Output(art.text, art.title, art.authors, art.published)


def run_whole_dump(dump: str) -> Output:
    return Output(dump)


def lines_to_html(dump: str) -> str:
    """A dump as a minimal HTML page: every non-empty line becomes a <p>."""
    body = "\n".join(f"<p>{htmllib.escape(line.strip())}</p>" for line in dump.splitlines() if line.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def over_lines(fn: Callable[[str], Output]) -> Callable[[str], Output]:
    def run(dump: str) -> Output:
        return fn(lines_to_html(dump))

    return run


HTML_SYSTEMS: list[tuple[str, Callable[[str], Output], tuple[str, ...]]] = [
    ("newstrace", run_newstrace_html, ("title", "authors", "date")),
    ("trafilatura", run_trafilatura, ()),
    ("trafilatura+metadata", run_trafilatura_meta, ("title", "authors", "date")),
    ("readability-lxml", run_readability, ("title",)),
    ("justext", run_justext, ()),
]
DUMP_SYSTEMS: list[tuple[str, Callable[[str], Output], tuple[str, ...]]] = [
    ("newstrace", run_newstrace_dump, ("title", "authors", "date")),
    ("whole dump", run_whole_dump, ()),
    ("trafilatura (lines)", over_lines(run_trafilatura), ()),
    ("readability-lxml (lines)", over_lines(run_readability), ()),
    ("justext (lines)", over_lines(run_justext), ()),
]


# --- running and scoring -----------------------------------------------------------------


def run_system(name: str, fn: Callable[[str], Output], gives: tuple[str, ...], pages: list[str]) -> Result:
    """Run one system over all pages, timing each call with process time."""
    res = Result(name, gives=gives)
    try:  # warm-up, untimed: imports and lazy initialisation (dateparser's locales) are not per page
        fn(pages[0]) if pages else None
    except ImportError as err:
        res.error = f"not available: {err}"
        return res
    except Exception:  # a crash on the first page is counted below, in the timed run
        pass
    crashes = 0
    for page in pages:
        start = time.process_time()
        try:
            out = fn(page)
        except ImportError as err:
            res.error = f"not available: {err}"
            return res
        except Exception as err:  # a system crashing on one page scores that page as empty
            out = Output()
            crashes += 1
            if res.error is None:
                res.error = f"crashed on {{n}} page(s), first: {type(err).__name__}: {err}"
                res.trace = traceback.format_exc()
        res.seconds += time.process_time() - start
        res.outputs.append(out)
    if res.error and crashes:
        res.error = res.error.replace("{n}", str(crashes))
        if crashes == len(pages):
            res.outputs = []  # nothing to score: an error row
        elif name == "newstrace":
            print(res.trace, file=sys.stderr)  # a crash on some pages is a bug to see
    return res


def score(res: Result, truths: list[dict[str, Any]]) -> dict[str, Any]:
    if len(res.outputs) != len(truths):
        return {"system": res.system, "error": res.error or "did not run"}
    body = score_bodies((o.text, t["text"]) for o, t in zip(res.outputs, truths, strict=True))
    row: dict[str, Any] = {
        "system": res.system,
        "precision": body.precision,
        "recall": body.recall,
        "f1": body.f1,
        "pages": body.pages,
        "pages_per_s": len(truths) / res.seconds if res.seconds else None,
    }
    n = len(truths)
    pairs = list(zip(res.outputs, truths, strict=True))
    row["title"] = sum(title_match(o.title, t["title"]) for o, t in pairs) / n if "title" in res.gives else None
    row["authors"] = (
        sum(authors_match(o.authors or [], t["authors"]) for o, t in pairs) / n if "authors" in res.gives else None
    )
    row["date"] = sum(date_match(o.date, t["date"]) for o, t in pairs) / n if "date" in res.gives else None
    if res.error:
        row["error"] = res.error
    return row


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in ("system", "precision", "recall", "F1", "title", "authors", "date", "pages/s"):
        table.add_column(col, justify="left" if col == "system" else "right")
    notes = []
    for row in rows:
        if row.get("error"):
            notes.append(f"{row['system']}: {row['error']}")
        if "f1" not in row:
            table.add_row(row["system"], *["-"] * 7, style="red")
            continue

        def fmt(key: str, digits: int = 3) -> str:
            v = row.get(key)
            return "-" if v is None else f"{v:.{digits}f}"

        table.add_row(
            row["system"], fmt("precision"), fmt("recall"), fmt("f1"), fmt("title"), fmt("authors"), fmt("date"),
            fmt("pages_per_s", 1),
        )
    console = Console(width=max(Console().width, 100))
    console.print(table)
    if title.startswith("text-"):
        notes.append(
            "newstrace's dump line model was trained on these pages: for an honest estimate use its 2-fold"
            " cross-validated scores (python scripts/train_textdump.py --cv-only; docs/models/textdump.md)"
        )
    for note in notes:
        console.print(f"  {note}", style="yellow", markup=False, highlight=False)


# --- data --------------------------------------------------------------------------------


def load_truth(data: Path, limit: int | None) -> list[dict[str, Any]]:
    with open(data / "truth.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return rows[:limit] if limit else rows


def load_html_pages(data: Path, truths: list[dict[str, Any]]) -> list[str]:
    pages = []
    for t in truths:
        raw = gzip.decompress((data / "html" / f"{t['id']}.html.gz").read_bytes())
        pages.append(decode_bytes(raw, source=t["id"]))
    return pages


def load_dumps(folder: Path, truths: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    dumps, kept = [], []
    for t in truths:
        path = folder / f"{t['id']}.txt"
        if path.exists():
            dumps.append(decode_bytes(path.read_bytes(), source=str(path)) if path.stat().st_size else "")
            kept.append(t)
    return dumps, kept


# --- main --------------------------------------------------------------------------------


def check_floors(results: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Where newstrace falls below a pinned floor: one line each."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    failures = []
    for set_name, metrics in floors.items():
        if set_name.startswith("_") or set_name not in results:
            continue
        row = next((r for r in results[set_name] if r["system"] == "newstrace"), None)
        if row is None or "f1" not in row:
            failures.append(f"{set_name}: newstrace did not run ({row.get('error') if row else 'no row'})")
            continue
        for metric, floor in metrics.items():
            if metric == "beats":
                failures.extend(_beats(set_name, row, results[set_name], floor))
            elif metric == "speed_vs":
                for peer, share in floor.items():
                    other = next((r for r in results[set_name] if r["system"] == peer), {})
                    ours, theirs = row.get("pages_per_s") or 0, other.get("pages_per_s")
                    if theirs and ours < share * theirs:
                        failures.append(f"{set_name}: newstrace {ours:.1f} pages/s below {share} x {peer} {theirs:.1f}")
            else:
                value = row.get(metric)
                if value is None or value < floor:
                    failures.append(f"{set_name}: newstrace {metric} {value} below floor {floor}")
    return failures


def _beats(set_name: str, row: dict[str, Any], rows: list[dict[str, Any]], spec: dict[str, str]) -> list[str]:
    """Failures where newstrace is not above a peer on a metric in the same run."""
    out = []
    for metric, peer in spec.items():
        other = next((r for r in rows if r["system"] == peer), None)
        if other is None or other.get(metric) is None:
            continue
        if (row.get(metric) or 0) <= other[metric]:
            out.append(f"{set_name}: newstrace {metric} {row.get(metric)} not above {peer} {other[metric]}")
    return out


def run_set(name: str, systems: list, pages: list[str], truths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for sys_name, fn, gives in systems:
        rows.append(score(run_system(sys_name, fn, gives, pages), truths))
    print_table(f"{name}: {len(pages)} pages", rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--only", default="html,w3m,lynx", help="comma-separated sets: html, w3m, lynx")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--check", action="store_true", help="exit 1 when newstrace falls below bench/floors.json")
    ap.add_argument("--json", type=Path, default=None, help="write the numbers to this file")
    args = ap.parse_args(argv)

    data = args.data if args.data.is_absolute() else (Path.cwd() / args.data)
    if not (data / "truth.jsonl").exists():
        print(f"benchmark data not found at {data}; skipping (it lives beside the project, not in it)")
        return 0
    truths = load_truth(data, args.limit)
    sets = [s.strip() for s in args.only.split(",") if s.strip()]
    results: dict[str, list[dict[str, Any]]] = {}
    if "html" in sets:
        results["html"] = run_set("html", HTML_SYSTEMS, load_html_pages(data, truths), truths)
    for s in sets:
        if s in DUMP_SETS and (data / DUMP_SETS[s]).is_dir():
            dumps, kept = load_dumps(data / DUMP_SETS[s], truths)
            results[s] = run_set(DUMP_SETS[s], DUMP_SYSTEMS, dumps, kept)
        elif s in DUMP_SETS:
            print(f"{data / DUMP_SETS[s]} not found; skipping {s}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.check:
        failures = check_floors(results)
        for line in failures:
            print(f"FLOOR: {line}")
        if failures:
            return 1
        print("all floors met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
