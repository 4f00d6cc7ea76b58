"""The one ingest loop: inputs → articles → store → links, with failures kept and the run
going on. The command line, the Python API, the server's ingest and the watcher all run it.

Each input is read (:mod:`newstrace.ingest`), worked on (extraction and analysis, under
time and memory budgets in a worker process: :mod:`newstrace.pipeline.isolate`), and
stored in its own transaction, so a killed run loses at most the input in hand and a
re-run skips what is stored. Whatever fails, in any stage, is stored as a failure with its
stage and reason.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newstrace.config import Settings, load_settings
from newstrace.errors import ExtractionError, NewstraceError, StoreError
from newstrace.extract import extract_raw
from newstrace.ingest import Skipped, iter_inputs
from newstrace.ingest.files import read_file, read_stdin
from newstrace.models import Article, ExtractOptions, Failure, InputKind, RawInput
from newstrace.pipeline.isolate import runner
from newstrace.pipeline.stages import Pipeline, Work, default_pipeline, no_analysis, one_line
from newstrace.store import AddResult, Store


@dataclass
class IngestReport:
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: what the link step did after storing (a newstrace.linker.LinkReport), if it ran
    linked: Any = None
    #: the highest resident memory of each worker process, bytes (empty: no worker ran)
    worker_peak_rss: list[int] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
        }


#: Called after each input with (what happened, source): "added", "revised", "unchanged",
#: "skipped" or "failed".
ProgressCallback = Callable[[str, str], None]
#: Called after each article is stored, with what the store said and the article.
StoredCallback = Callable[[AddResult, Article], None]


def _kind(as_: str) -> InputKind:
    return as_ if as_ in ("html", "text", "body") else "auto"  # type: ignore[return-value]


def iter_raw(
    sources: Iterable[str],
    settings: Settings,
    kind: InputKind = "auto",
    skip_url: Callable[[str], bool] | None = None,
) -> Iterator[RawInput | Failure | Skipped]:
    """Every document behind the sources (files, folders, globs, '-', WARC, feeds, URLs)."""
    return iter_inputs(list(sources), settings, kind=kind, skip_url=skip_url)


def extract_many(
    sources: Iterable[str],
    *,
    as_: str = "auto",
    published: str | None = None,
    settings: Settings | None = None,
    strict: bool = False,
    isolate: bool = True,
    claims: bool = False,
) -> Iterator[Article | Failure]:
    """One Article or Failure per input document, in input order, each extracted (and with
    ``claims``, analysed by the default pipeline) under the settings' time and memory budgets
    (``isolate=False``: in this process, no budgets)."""
    settings = settings or load_settings()
    work = Work(ExtractOptions(as_=as_, published=published),  # type: ignore[arg-type]
                factory=default_pipeline if claims else no_analysis, strict=strict)
    with runner(work, settings, isolate=isolate, workers=settings.worker_count) as run:
        for _item, result in run.map(i for i in iter_raw(sources, settings, _kind(as_)) if not isinstance(i, Skipped)):
            yield result  # type: ignore[misc]


def ingest(
    sources: Iterable[str],
    store: Store,
    *,
    settings: Settings | None = None,
    as_: str = "auto",
    published: str | None = None,
    pipeline: Pipeline | None = None,
    on_progress: ProgressCallback | None = None,
    strict: bool = False,
    refresh: bool = False,
    command: str = "ingest",
    claims: bool = True,
    link: bool = True,
    isolate: bool = True,
    workers: int | None = None,
) -> IngestReport:
    """Read, extract, analyse and store every input; each input is committed on its own.

    URLs already stored are not fetched again unless ``refresh`` (a killed run resumes
    where it stopped); files are always read, and skipped when their bytes are unchanged.
    Without a ``pipeline`` the claims stage runs (built once for the whole run);
    ``claims=False`` skips it for speed. Then the link step (:func:`newstrace.linker.link`)
    takes in what is new: copies, stories, claim groups; ``link=False`` leaves that for a
    later ``newstrace link``. Its summary is ``report.linked``.
    """
    settings = settings or load_settings()
    items = iter_raw(sources, settings, _kind(as_), skip_url=None if refresh else store.done)
    return ingest_items(items, store, settings=settings, as_=as_, published=published, pipeline=pipeline,
                        on_progress=on_progress, strict=strict, command=command, claims=claims, link=link,
                        isolate=isolate, workers=workers)


def ingest_items(
    items: Iterable[RawInput | Failure | Skipped],
    store: Store,
    *,
    settings: Settings | None = None,
    as_: str = "auto",
    published: str | None = None,
    pipeline: Pipeline | None = None,
    factory: Callable[[], Pipeline] | None = None,
    on_progress: ProgressCallback | None = None,
    on_stored: StoredCallback | None = None,
    strict: bool = False,
    command: str = "ingest",
    claims: bool = True,
    link: bool = True,
    isolate: bool = True,
    workers: int | None = None,
) -> IngestReport:
    """:func:`ingest` over inputs already read (RawInputs, and the Failures and Skipped of
    reading them): what the server's upload and URL forms call. ``factory`` builds the
    analysis pipeline on first need (instead of ``pipeline``, or the default one).
    ``workers`` (default: ``settings.worker_count``) worker processes extract and analyse
    side by side; results are stored in input order, so the store ends the same with any
    number of them."""
    settings = settings or load_settings()
    factory = factory or (default_pipeline if claims else no_analysis)
    work = Work(ExtractOptions(as_=as_, published=published),  # type: ignore[arg-type]
                factory=factory, pipeline=pipeline, strict=strict)
    report = IngestReport()
    run_id = store.start_run(command)
    try:
        with runner(work, settings, isolate=isolate, workers=workers or settings.worker_count) as run:
            for item, result in run.map(_unseen(items, store)):
                event = _settle(item, result, store, report, run_id, strict, on_stored)
                if on_progress:
                    on_progress(event, item.source)
            report.worker_peak_rss = run.peak_rss
        if link:
            from newstrace.linker import link as run_link  # numpy and datasketch only when linking

            report.linked = run_link(store, settings=settings)
            report.failures.extend(report.linked.failures)
    finally:
        store.finish_run(run_id, report.counts())
    return report


@dataclass(frozen=True)
class _Seen:
    """An input whose exact bytes this source already stored: skipped, not worked on."""

    source: str


def _unseen(items: Iterable[RawInput | Failure | Skipped], store: Store) -> Iterator[RawInput | Failure | Skipped | _Seen]:
    for item in items:
        if isinstance(item, RawInput) and store.seen(item.source, item.sha256):
            yield _Seen(item.source)
        else:
            yield item


def _settle(
    item: RawInput | Failure | Skipped | _Seen,
    result: Any,
    store: Store,
    report: IngestReport,
    run_id: int,
    strict: bool,
    on_stored: StoredCallback | None,
) -> str:
    """Store what one input came to, in input order; say what happened to it."""
    if isinstance(item, Failure):
        store.record_failure(item, run_id=run_id)
        report.failures.append(item)
        return "failed"
    if isinstance(item, Skipped | _Seen):
        report.skipped += 1
        return "skipped"
    sha = item.sha256
    if store.seen(item.source, sha):  # the same bytes earlier in this run, stored meanwhile
        report.skipped += 1
        return "skipped"
    if isinstance(result, Article):
        result = _store(store, item, result, sha, run_id, strict, report, on_stored)
    if isinstance(result, Failure):
        store.record_failure(result, sha256=sha, run_id=run_id)
        report.failures.append(result)
        return "failed"
    return result  # type: ignore[no-any-return]


def _store(
    store: Store, item: RawInput, article: Article, sha: str, run_id: int, strict: bool, report: IngestReport,
    on_stored: StoredCallback | None,
) -> str | Failure:
    """Store one article; what the store cannot take (an odd value) fails that input only.
    A store that cannot be written at all (locked, full, read-only) stops the run."""
    try:
        added = store.add(article, sha256=sha, run_id=run_id)
    except (sqlite3.OperationalError, StoreError) as exc:
        raise StoreError(f"cannot write to the store at {store.path}: {one_line(str(exc))}") from exc
    except Exception as exc:  # noqa: BLE001 - e.g. a value SQLite cannot hold
        if strict:
            raise
        why = one_line(f"{item.source}: the article could not be stored ({type(exc).__name__}: {exc})")
        return Failure(item.source, "store", "internal-error", why)
    setattr(report, added.status, getattr(report, added.status) + 1)
    if on_stored:
        on_stored(added, article)
    return added.status


def sample_corpus_path() -> Path:
    """The folder of the sample corpus that ships with newstrace."""
    from importlib import resources

    return Path(str(resources.files("newstrace").joinpath("sample", "pages")))


def extract(
    source: str | Path | bytes | RawInput,
    *,
    as_: str = "auto",
    published: str | None = None,
    url: str | None = None,
) -> Article:
    """Extract one article from a file path, raw page bytes, or a RawInput.

    Raises :class:`~newstrace.errors.NewstraceError` (InputError, ExtractionError) when the
    input holds no article, also when a parser fails on it (reason ``internal-error``).
    Runs in this process, without the time and memory budgets of :func:`ingest`.
    """
    options = ExtractOptions(as_=as_, published=published, url=url)  # type: ignore[arg-type]
    if isinstance(source, RawInput):
        raw = source
    elif isinstance(source, bytes):
        raw = RawInput(source="<bytes>", data=source, url=url)
    else:
        limit = load_settings().max_input_bytes
        # the ingest layer's readers: gzip undone and the size cap kept, as for every other input
        data = read_stdin(limit) if str(source) == "-" else read_file(Path(source), limit, str(source))
        raw = RawInput(source=str(source), data=data, url=url)
    try:
        return extract_raw(raw, options)
    except NewstraceError:
        raise
    except MemoryError as exc:
        raise ExtractionError(f"{raw.source}: extraction ran out of memory", reason="too-large") from exc
    except Exception as exc:  # noqa: BLE001 - a parser's surprise on a hostile page
        detail = one_line(f"{type(exc).__name__}: {exc}", 500)
        raise ExtractionError(f"{raw.source}: extraction failed unexpectedly ({detail})",
                              reason="internal-error") from exc
