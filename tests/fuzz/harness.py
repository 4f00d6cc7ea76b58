"""Runs hostile inputs through newstrace and counts what went wrong (tests/fuzz and bench/fuzz.py).

For a folder of generated inputs (:mod:`hostile`):

* **ingest** through the Python API with claims and linking on, under the given budgets,
  timing each input between two progress events;
* **extract** through the command line (``newstrace extract FOLDER --format jsonl``), and
  ``newstrace ingest`` over the first inputs, checking exit codes and that no traceback is
  printed;
* **newstrace.extract()** in this process on the small inputs, which may raise only
  newstrace's own errors.

Then every input is looked for in the store: stored, or failed with a reason (a container's
documents and a URL list's URLs count for it). The counts: ``tried``, ``crashed`` (the run
or a command died, a worker process died, or an error escaped ``newstrace.extract``),
``internal`` (an unexpected exception caught and recorded: a bug, though nothing was lost),
``over_budget`` (an input that took longer than its budgets without being recorded as too
slow), ``lost`` (neither stored nor failed) and ``leaked`` (stored text holding what the XXE
inputs point at).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import newstrace
from newstrace.config import Settings
from newstrace.errors import NewstraceError
from newstrace.ingest.detect import url_list

from hostile import LEAK_MARK, Hostile  # noqa: E402 - a sibling module of the fuzz suite

#: Seconds an input may overrun the sum of its budgets (reading, storing and the worker's
#: own start-up and shutdown) before it counts as over budget.
GRACE_SECONDS = 10.0
#: Inputs up to this size also go through newstrace.extract() in this process.
INPROCESS_MAX_BYTES = 300_000


@dataclass
class FuzzReport:
    tried: int = 0
    documents: int = 0
    stored: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    crashed: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0

    def row(self) -> dict[str, int]:
        return {"tried": self.tried, "documents": self.documents, "stored": self.stored,
                "failed": sum(self.failed.values()), "crashed": len(self.crashed), "internal": len(self.internal),
                "over budget": len(self.over_budget), "lost": len(self.lost), "leaked": len(self.leaked)}

    @property
    def ok(self) -> bool:
        return not (self.crashed or self.over_budget or self.lost or self.leaked)


def write_inputs(items: list[Hostile], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for h in items:
        p = folder / h.name
        p.write_bytes(h.data)
        paths.append(p)
    return paths


def run_ingest(paths: list[Path], settings: Settings, report: FuzzReport) -> None:
    """The Python API's ingest, claims and link on, with each input timed."""
    budget = settings.extract_seconds + settings.analyse_seconds + GRACE_SECONDS
    last = [time.monotonic()]
    took: dict[str, float] = {}

    def tick(event: str, source: str) -> None:
        now = time.monotonic()
        took[source] = took.get(source, 0.0) + now - last[0]
        last[0] = now
        report.documents += 1

    with newstrace.Store(settings.db) as store:
        try:
            newstrace.ingest([str(p) for p in paths], store, settings=settings, on_progress=tick)
        except Exception as exc:  # noqa: BLE001 - counted, not raised: the report says what broke
            report.crashed.append(f"ingest raised {type(exc).__name__}: {exc}")
        failures = {f["source"]: f for f in store.failures(include_resolved=True)}
        stored = {r[0] for r in store.db.execute("SELECT source FROM inputs WHERE status='ok'")}
        texts = store.db.execute("SELECT count(*) FROM revisions WHERE instr(text, ?) > 0", (LEAK_MARK,)).fetchone()
        if texts[0]:
            report.leaked.append(f"{texts[0]} stored text(s) hold {LEAK_MARK!r}")
    report.stored = len(stored)
    for source, f in failures.items():
        report.failed[f["reason"]] += 1
        if f["reason"] == "crashed":
            report.crashed.append(f"{source}: {f['message']}")
        elif f["reason"] == "internal-error":
            report.internal.append(f"{source}: {f['message']}")
    for source, seconds in took.items():
        if seconds > budget and failures.get(source, {}).get("reason") != "too-slow":
            report.over_budget.append(f"{source}: {seconds:.1f} s")
    report.slowest = sorted(((s, src) for src, s in took.items()), reverse=True)[:5]
    known = set(failures) | stored
    for p in paths:
        name = str(p)
        if name in known or any(k.startswith(name + "#") for k in known):
            continue
        listed = url_list(p.read_bytes())
        entries = [text for _, text in listed.lines] if listed else []
        if entries and all(any(e in k for k in known) for e in entries):
            continue
        report.lost.append(name)


def start_cli(folder: Path, paths: list[Path], settings: Settings, *, ingest_first: int) -> list[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``newstrace extract`` over the folder and ``newstrace ingest`` over its first
    inputs (they run beside the in-process work: the machine has more than one core)."""
    env = {**os.environ, "NEWSTRACE_EXTRACT_SECONDS": str(settings.extract_seconds),
           "NEWSTRACE_ANALYSE_SECONDS": str(settings.analyse_seconds),
           "NEWSTRACE_FETCH_RETRIES": str(settings.fetch_retries), "NEWSTRACE_FETCH_TIMEOUT": str(settings.fetch_timeout)}
    out_dir = settings.db.parent

    def start(name: str, *args: str) -> tuple[str, subprocess.Popen[bytes]]:
        # the child holds its own copies of the files: ours are closed at once
        with open(out_dir / f"{name}.out", "wb") as stdout, open(out_dir / f"{name}.err", "wb") as stderr:
            return name, subprocess.Popen([sys.executable, "-m", "newstrace", *args], stdout=stdout,
                                          stderr=stderr, env=env)

    procs = [start("extract", "extract", str(folder), "--format", "jsonl")]
    subset = [str(p) for p in paths[:ingest_first]]
    if subset:
        procs.append(start("ingest", "ingest", *subset, "--db", str(out_dir / "cli.db")))
    return procs


def finish_cli(procs: list[tuple[str, subprocess.Popen[bytes]]], out_dir: Path, report: FuzzReport,
               timeout: float) -> None:
    """Wait for the commands; each must exit 0 or 1 without a traceback, extract print JSON lines."""
    for name, proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            report.crashed.append(f"newstrace {name}: still running after {timeout:g} s")
            continue
        err = (out_dir / f"{name}.err").read_bytes()
        if proc.returncode not in (0, 1) or b"Traceback" in err:
            report.crashed.append(f"newstrace {name}: exit {proc.returncode}: {err[-2000:].decode(errors='replace')}")
    with open(out_dir / "extract.out", "rb") as fh:
        for line in fh:
            try:
                json.loads(line)
            except ValueError:
                report.crashed.append(f"newstrace extract printed a line that is not JSON: {line[:200]!r}")
                break


class _Alarm(Exception):
    pass


def run_inprocess(paths: list[Path], seconds: float, report: FuzzReport) -> None:
    """``newstrace.extract(bytes)`` on the small inputs: only newstrace's errors may come out."""

    def ring(signum: int, frame: object) -> None:
        raise _Alarm

    old = signal.signal(signal.SIGALRM, ring)
    try:
        for p in paths:
            data = p.read_bytes()
            if len(data) > INPROCESS_MAX_BYTES:
                continue
            signal.setitimer(signal.ITIMER_REAL, seconds + GRACE_SECONDS)
            try:
                newstrace.extract(data)
            except NewstraceError:
                pass
            except _Alarm:
                report.over_budget.append(f"newstrace.extract({p.name}): over {seconds + GRACE_SECONDS:g} s")
            except Exception as exc:  # noqa: BLE001 - that is what is being looked for
                report.crashed.append(f"newstrace.extract({p.name}) raised {type(exc).__name__}: {exc}"[:500])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, old)


def fuzz(items: list[Hostile], workdir: Path, settings: Settings, *, cli_ingest: int = 100,
         inprocess: bool = True) -> FuzzReport:
    start = time.monotonic()
    report = FuzzReport(tried=len(items))
    folder = workdir / "inputs"
    paths = write_inputs(items, folder)
    settings = settings.with_(db=workdir / "fuzz.db")
    procs = start_cli(folder, paths, settings, ingest_first=cli_ingest)
    try:
        run_ingest(paths, settings, report)
        if inprocess:
            run_inprocess(paths, settings.extract_seconds, report)
    finally:
        finish_cli(procs, workdir, report, timeout=max(600.0, len(paths) * 5.0))
    report.seconds = time.monotonic() - start
    return report


def settings_for_fuzz(extract_seconds: float = 20.0, analyse_seconds: float = 30.0) -> Settings:
    """Settings for a fuzz run: the defaults, shorter budgets (a stuck input is given up
    sooner), no retries of the (refused) loopback URLs."""
    return Settings(extract_seconds=extract_seconds, analyse_seconds=analyse_seconds, fetch_retries=0,
                    fetch_timeout=2.0, per_host_delay=0.0)
