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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

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
T = TypeVar("T")


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

    def map(self, inputs: Iterable[T]) -> Iterator[tuple[T, Article | Failure]]:
        """``(input, result)`` in input order; non-RawInputs pass through as their own result."""
        for item in inputs:
            yield item, (self.work(item) if isinstance(item, RawInput) else item)  # type: ignore[misc]

    @property
    def peak_rss(self) -> list[int]:
        return []

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


class _Worker:
    """One worker process and the input it holds, watched without blocking: the pool asks
    it to take an input, hands it each message from its pipe, and asks it to check its
    budgets; a worker that is killed (or dies) is started again for the next input."""

    def __init__(self, pool: Isolated, slot: int) -> None:
        self.pool, self.slot = pool, slot
        self.proc: Any = None
        self.conn: Connection | None = None
        self.base_rss = 0
        #: (sequence number, input, current stage, when it started, memory before it)
        self.job: tuple[int, RawInput] | None = None
        self.stage, self.started, self.before = EXTRACT, 0.0, 0
        #: highest memory seen in this slot, bytes
        self.peak_rss = 0

    def start(self) -> None:
        ctx = self.pool._ctx
        if ctx.get_start_method() == "fork":
            self.pool.work.warm()  # loaded once here, shared by every forked worker
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_serve, args=(child, self.pool.work), daemon=True,
                           name=f"newstrace-worker-{self.slot}")
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process that has threads (the server's).
            # The worker only runs _serve: it takes no lock another thread could hold.
            warnings.simplefilter("ignore", DeprecationWarning)
            proc.start()
        child.close()
        self.proc, self.conn = proc, parent
        self.base_rss = _rss(proc.pid)
        self.pool.started += 1

    def stop(self, *, kill: bool) -> None:
        proc, conn = self.proc, self.conn
        self.proc = self.conn = None
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

    def take(self, seq: int, raw: RawInput) -> Failure | None:
        """Send an input to the worker (started, or replaced when its idle memory has grown);
        a Failure when it cannot even be sent."""
        if self.proc is not None and self.base_rss:
            if _rss(self.proc.pid) - self.base_rss > self.pool.budgets.memory_bytes * RECYCLE_SHARE:
                self.stop(kill=False)
        if self.proc is None:
            self.start()
        assert self.conn is not None
        self.job = (seq, raw)
        self.stage, self.started, self.before = EXTRACT, self.pool._clock(), _rss(self.proc.pid)
        try:
            self.conn.send((seq, raw))
        except (OSError, EOFError):
            return self.lost()
        return None

    def receive(self) -> Article | Failure | None:
        """Handle what the worker sent: None for a stage change, the result when done."""
        assert self.conn is not None and self.job is not None
        try:
            kind, seq, payload = self.conn.recv()
        except (EOFError, OSError):
            return self.lost()
        if seq != self.job[0]:
            return None
        if kind == "stage":
            self.stage, self.started = payload, self.pool._clock()
            return None
        self.note_memory()
        self.job = None
        return payload  # type: ignore[no-any-return]

    def note_memory(self) -> int:
        rss = _rss(self.proc.pid) if self.proc is not None else 0
        self.peak_rss = max(self.peak_rss, rss)
        return rss

    def check(self) -> Failure | None:
        """A Failure when the input in hand is over a budget or the worker is gone."""
        assert self.job is not None
        raw, stage, budget = self.job[1], self.stage, self.pool.budgets.seconds(self.stage)
        if not self.proc.is_alive():
            return self.lost()
        if self.pool._clock() - self.started >= budget:
            self.stop(kill=True)
            self.job = None
            why = (f"{raw.source}: {stage} took longer than {budget:g} s "
                   f"(setting {Budgets.setting(stage)}); the input was abandoned")
            return Failure(raw.source, failure_stage(stage), "too-slow", why)
        used = self.note_memory() - self.before
        if self.before and used > self.pool.budgets.memory_bytes:
            self.stop(kill=True)
            self.job = None
            why = (f"{raw.source}: {stage} needed more than {self.pool.budgets.memory_bytes // 2**20} MiB "
                   "(setting stage_memory_mb); the input was abandoned")
            return Failure(raw.source, failure_stage(stage), "too-large", why)
        return None

    def lost(self) -> Failure:
        assert self.job is not None
        raw, stage = self.job[1], self.stage
        code = None
        if self.proc is not None:
            self.proc.join(STOP_GRACE_SECONDS)  # the pipe closes a moment before the exit is seen
            code = self.proc.exitcode
        self.stop(kill=True)
        self.job = None
        how = f"exit code {code}" if code is not None and code >= 0 else f"signal {-code}" if code else "no answer"
        why = f"{raw.source}: the worker process died in {stage} ({how}); the input was abandoned"
        return Failure(raw.source, failure_stage(stage), "crashed", why)


class Isolated:
    """Runs :class:`Work` in ``workers`` worker processes, each input under :class:`Budgets`.

    :meth:`map` hands back results in input order whatever order the workers finish in, so
    what is stored (and linked) is the same with one worker or many; ``__call__`` does one
    input. Use as a context manager (or call :meth:`close`): the workers are stopped at the
    end. ``clock`` is for tests."""

    def __init__(self, work: Work, budgets: Budgets, *, workers: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.work = work
        self.budgets = budgets
        self._clock = clock
        self._ctx = _context()
        self._workers = [_Worker(self, i) for i in range(max(1, workers))]
        self._seq = 0
        #: worker processes started so far (one per slot, and one after each kill or recycle)
        self.started = 0

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._workers:
            w.stop(kill=w.job is not None)

    @property
    def peak_rss(self) -> list[int]:
        """The highest resident memory seen in each worker slot, bytes."""
        return [w.peak_rss for w in self._workers]

    def __call__(self, raw: RawInput) -> Article | Failure:
        return next(iter(self.map([raw])))[1]

    def map(self, inputs: Iterable[T]) -> Iterator[tuple[T, Article | Failure]]:
        """``(input, result)`` for each input, in input order; inputs that are not RawInputs
        (a caller's Failures and Skipped markers) pass through in their place unworked, with
        themselves as the result, so that order is kept."""
        pending: dict[int, tuple[T, Article | Failure | None]] = {}
        todo = iter(inputs)
        next_out = next_in = 0
        exhausted = False
        window = 2 * len(self._workers)
        while True:
            while not exhausted and next_in - next_out < window and self._free() is not None:
                item = next(todo, _END)
                if item is _END:
                    exhausted = True
                    break
                if isinstance(item, RawInput):
                    pending[next_in] = (item, None)  # type: ignore[assignment]
                    failed = self._free().take(next_in, item)  # type: ignore[union-attr]
                    if failed is not None:
                        pending[next_in] = (item, failed)  # type: ignore[assignment]
                else:
                    pending[next_in] = (item, item)  # type: ignore[assignment]
                next_in += 1
            while next_out in pending and pending[next_out][1] is not None:
                yield pending.pop(next_out)  # type: ignore[misc]
                next_out += 1
            if exhausted and next_out == next_in:
                return
            self._step(pending)

    def _free(self) -> _Worker | None:
        return next((w for w in self._workers if w.job is None), None)

    def _step(self, pending: dict[int, Any]) -> None:
        """Wait a little for any busy worker, then settle what it sent or what went over budget."""
        busy = [w for w in self._workers if w.job is not None]
        if not busy:
            return
        ready = wait([w.conn for w in busy], timeout=POLL_SECONDS)
        for w in busy:
            seq = w.job[0] if w.job is not None else None
            result = None
            if w.conn in ready:
                while w.job is not None and w.conn is not None and w.conn.poll(0):
                    result = w.receive()
                    if result is not None:
                        break
            if result is None and w.job is not None:
                result = w.check()
            if result is not None and seq is not None:
                pending[seq] = (pending[seq][0], result)


_END = object()


def runner(work: Work, settings: Settings, *, isolate: bool = True, workers: int = 1) -> InProcess | Isolated:
    """The runner for a run: ``workers`` worker processes under the settings' budgets, or
    (``isolate`` false, or strict work that must raise in this process) the work in this process."""
    if not isolate or work.strict:
        return InProcess(work)
    return Isolated(work, Budgets.from_settings(settings), workers=workers)
