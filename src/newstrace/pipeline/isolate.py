"""Each input's work under a time and memory budget, in a worker process.

A page can be made to stall any parser (a pathological regex, a tree built from a
million attributes, a text whose analysis grows with its square); the budget is what
keeps one such page from holding a run that watches the open web for weeks. Python cannot
stop a thread that is inside a C extension (lxml, the regex engine, spaCy), so the work
runs in a child process that can be stopped from outside:

* the child tells the parent when each stage starts ("extract", then each analysis
  stage), and the parent gives that stage its budget (``Settings.extract_seconds`` for
  extraction, ``Settings.analyse_seconds`` for each analysis stage);
* past the budget, the parent kills the child and the input fails with the reason
  ``too-slow``; when the child's resident memory grows by more than
  ``Settings.stage_memory_mb`` during one input, ``too-large``; when the child dies on its
  own (a crash in a C extension, the kernel's OOM killer), ``crashed``. A new child takes
  the next input and the run goes on;
* a child whose memory stays high after an input (fragmentation over a long run) is
  replaced before the next one, so memory stays bounded over weeks.

On Linux the child is forked from the ingesting process after the models are loaded, so
it shares them and starting one costs milliseconds; elsewhere it is spawned and loads its
own. :class:`InProcess` runs the same :class:`~newstrace.pipeline.stages.Work` without a
process and without budgets (strict mode, for tests; and where no process can be started).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from newstrace.config import Settings
from newstrace.models import Article, Failure, RawInput
from newstrace.pipeline.stages import ANALYSE, EXTRACT, Work, one_line

#: Seconds between two looks at a busy worker (its memory, whether it is alive).
POLL_SECONDS = 0.05
#: Seconds a worker gets to exit after being asked to, before it is killed.
STOP_GRACE_SECONDS = 2.0
#: A worker whose idle memory has grown by more than this share of the per-input memory
#: budget since it started is replaced before the next input.
RECYCLE_SHARE = 0.5

Runner = Callable[[RawInput], "Article | Failure"]


@dataclass(frozen=True)
class Budgets:
    """Time per stage (seconds) and memory per input (bytes) a worker may use."""

    extract_seconds: float
    analyse_seconds: float
    memory_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Budgets:
        return cls(settings.extract_seconds, settings.analyse_seconds, settings.stage_memory_mb * 1024 * 1024)

    def seconds(self, stage: str) -> float:
        return self.extract_seconds if stage == EXTRACT else self.analyse_seconds

    @staticmethod
    def setting(stage: str) -> str:
        return "extract_seconds" if stage == EXTRACT else "analyse_seconds"


def failure_stage(stage: str) -> str:
    """The stage a failure is recorded under: extraction, or analysis for every other stage."""
    return EXTRACT if stage == EXTRACT else ANALYSE


class InProcess:
    """The work in this process: every error becomes a Failure (or is raised, in strict
    mode), but nothing stops a slow input."""

    def __init__(self, work: Work) -> None:
        self.work = work

    def __call__(self, raw: RawInput) -> Article | Failure:
        return self.work(raw)

    def close(self) -> None:
        pass

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rss(pid: int) -> int:
    """Resident memory of a process in bytes (0 when it cannot be read: not Linux, gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _serve(conn: Connection, work: Work) -> None:
    """The worker's loop: take an input, say when each stage starts, send back the result."""
    # Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        seq, raw = job
        stage = EXTRACT

        def on_stage(name: str, seq: int = seq) -> None:
            nonlocal stage
            stage = name
            conn.send(("stage", seq, name))

        try:
            result: Article | Failure = work(raw, on_stage)
        except MemoryError:
            result = Failure(raw.source, failure_stage(stage), "too-large", f"{raw.source}: {stage} ran out of memory")
        try:
            conn.send(("done", seq, result))
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back (pickling)
            why = one_line(f"{raw.source}: the result of {stage} could not be passed on ({type(exc).__name__}: {exc})")
            conn.send(("done", seq, Failure(raw.source, failure_stage(stage), "internal-error", why)))


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class Isolated:
    """Runs :class:`Work` on one input at a time in a worker process, under :class:`Budgets`.

    Use as a context manager (or call :meth:`close`): the worker is stopped at the end.
    ``clock`` is for tests."""

    def __init__(self, work: Work, budgets: Budgets, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.work = work
        self.budgets = budgets
        self._clock = clock
        self._ctx = _context()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._seq = 0
        self._base_rss = 0
        #: workers started so far (the first, and one after each kill or recycle)
        self.started = 0

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the worker -------------------------------------------------------------------
    def _start(self) -> None:
        if self._ctx.get_start_method() == "fork":
            self.work.warm()  # loaded once here, shared by every forked worker
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_serve, args=(child, self.work), daemon=True, name="newstrace-worker")
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process that has threads (the server's).
            # The worker only runs _serve: it takes no lock another thread could hold.
            warnings.simplefilter("ignore", DeprecationWarning)
            proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        self._base_rss = _rss(proc.pid)
        self.started += 1

    def _stop(self, *, kill: bool) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return
        if not kill and conn is not None:
            try:
                conn.send(None)
            except (OSError, EOFError):
                pass
            proc.join(STOP_GRACE_SECONDS)
        if proc.is_alive():
            proc.kill()
            proc.join(STOP_GRACE_SECONDS)
        if conn is not None:
            conn.close()
        if not proc.is_alive():
            proc.close()

    def close(self) -> None:
        self._stop(kill=False)

    # -- one input --------------------------------------------------------------------
    def __call__(self, raw: RawInput) -> Article | Failure:
        if self._proc is not None and self._base_rss:
            grown = _rss(self._proc.pid) - self._base_rss
            if grown > self.budgets.memory_bytes * RECYCLE_SHARE:
                self._stop(kill=False)
        if self._proc is None:
            self._start()
        assert self._conn is not None
        self._seq += 1
        try:
            self._conn.send((self._seq, raw))
        except (OSError, EOFError):
            return self._lost(raw, EXTRACT)
        return self._wait(raw)

    def _wait(self, raw: RawInput) -> Article | Failure:
        assert self._conn is not None and self._proc is not None
        stage, started = EXTRACT, self._clock()
        before = _rss(self._proc.pid)
        while True:
            budget = self.budgets.seconds(stage)
            left = started + budget - self._clock()
            if self._conn.poll(max(0.0, min(left, POLL_SECONDS))):
                try:
                    kind, seq, payload = self._conn.recv()
                except (EOFError, OSError):
                    return self._lost(raw, stage)
                if seq != self._seq:
                    continue
                if kind == "stage":
                    stage, started = payload, self._clock()
                    continue
                return payload  # type: ignore[no-any-return]
            if not self._proc.is_alive():
                return self._lost(raw, stage)
            if self._clock() - started >= budget:
                self._stop(kill=True)
                why = (f"{raw.source}: {stage} took longer than {budget:g} s "
                       f"(setting {Budgets.setting(stage)}); the input was abandoned")
                return Failure(raw.source, failure_stage(stage), "too-slow", why)
            used = _rss(self._proc.pid) - before
            if before and used > self.budgets.memory_bytes:
                self._stop(kill=True)
                why = (f"{raw.source}: {stage} needed more than {self.budgets.memory_bytes // 2**20} MiB "
                       "(setting stage_memory_mb); the input was abandoned")
                return Failure(raw.source, failure_stage(stage), "too-large", why)

    def _lost(self, raw: RawInput, stage: str) -> Failure:
        code = None
        if self._proc is not None:
            self._proc.join(STOP_GRACE_SECONDS)  # the pipe closes a moment before the exit is seen
            code = self._proc.exitcode
        self._stop(kill=True)
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-code}" if code else "no answer"
        why = f"{raw.source}: the worker process died in {stage} ({how}); the input was abandoned"
        return Failure(raw.source, failure_stage(stage), "crashed", why)


def runner(work: Work, settings: Settings, *, isolate: bool = True) -> InProcess | Isolated:
    """The runner for a run: a worker process under the settings' budgets, or (``isolate``
    false, or strict work that must raise in this process) the work in this process."""
    if not isolate or work.strict:
        return InProcess(work)
    return Isolated(work, Budgets.from_settings(settings))
