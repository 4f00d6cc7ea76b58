"""Ingest: files, folders, globs, stdin, gzip, WARC archives, feeds and URLs become RawInputs.

:func:`iter_inputs` is the one entry point. It yields, in input order, one
:class:`~newstrace.models.RawInput` per document or one :class:`~newstrace.models.Failure`
per input that cannot be read, and never raises for a bad input, so a batch always goes
on. Containers (WARC archives, feeds, URL list files) are opened only at the top level: a
URL listed in a URL list, or a feed entry's link, is a document, never another container;
and only a local file or stdin is taken for a URL list, never a fetched page.

``kind`` forces how inputs are read: ``html``, ``text`` or ``body`` mean "each input is one
document of this kind" (passed on as ``RawInput.kind`` for extraction, no container
detection); ``warc`` and ``feed`` force the container parsing; ``auto`` detects.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO

from newstrace.config import Settings
from newstrace.errors import InputError
from newstrace.extract.decode import looks_binary
from newstrace.ingest.detect import (
    GZIP_MAGIC,
    MAX_LIST_URLS,
    SNIFF_BYTES,
    UrlList,
    detect_kind,
    is_http_url,
    url_list,
)
from newstrace.ingest.feeds import EntryLink, parse_feed
from newstrace.ingest.fetch import Fetcher
from newstrace.ingest.files import (
    STDIN_NAME,
    LocalFile,
    expand_source,
    gunzip_bytes,
    open_regular,
    printable_name,
    read_file,
    read_head,
    read_stdin,
)
from newstrace.ingest.warc import iter_warc
from newstrace.models import Failure, InputKind, RawInput

__all__ = ["Fetcher", "IngestStats", "Skipped", "detect_kind", "iter_inputs"]

log = logging.getLogger(__name__)

_DOCUMENT_KINDS = ("html", "text", "body")


@dataclass
class IngestStats:
    """What a run of :func:`iter_inputs` saw, for a summary line."""

    documents: int = 0
    failures: int = 0
    #: WARC records skipped silently (not HTML responses), by record or media type
    skipped_records: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Skipped:
    """A URL not fetched again because the caller already holds it (a resumed run)."""

    source: str


@dataclass
class _Run:
    settings: Settings
    kind: InputKind
    stats: IngestStats
    fetcher_factory: Callable[[], Fetcher]
    _fetcher: Fetcher | None = None
    #: URLs (by source name) that need no fetching: already stored by an earlier run
    skip_url: Callable[[str], bool] | None = None

    @property
    def cap(self) -> int:
        return self.settings.max_input_bytes

    def fetcher(self) -> Fetcher:
        # Created on first use only: a batch of local files never opens an HTTP client.
        if self._fetcher is None:
            self._fetcher = self.fetcher_factory()
        return self._fetcher


def _fail(source: str, exc: InputError) -> Failure:
    return Failure(source, "ingest", exc.reason, exc.message)


_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _document(name: str, data: bytes, kind: InputKind, meta: RawInput | None, hints: dict[str, str]) -> RawInput:
    return RawInput(
        source=name,
        data=data,
        kind=kind,
        url=meta.url if meta else None,
        encoding=meta.encoding if meta else None,
        content_type=meta.content_type if meta else None,
        fetched_at=meta.fetched_at if meta else None,
        hints=dict(hints),
    )


def _from_bytes(
    name: str,
    data: bytes,
    run: _Run,
    *,
    top: bool,
    meta: RawInput | None = None,
    hints: dict[str, str] | None = None,
) -> Iterator[RawInput | Failure | Skipped]:
    """Turn the bytes of one input into documents (opening containers when ``top``)."""
    forced = run.kind if top else "auto"
    if data[:2] == GZIP_MAGIC and forced != "warc" and detect_kind(data) != "warc":
        try:
            data = gunzip_bytes(data, run.cap, name)
        except InputError as exc:
            yield _fail(name, exc)
            return
    if not data.strip():
        yield Failure(name, "ingest", "empty", f"{name}: the input is empty")
        return
    detected = forced if forced != "auto" else detect_kind(data, name, meta.content_type if meta else None)
    if detected == "warc" and top:
        yield from iter_warc(name, BytesIO(data), run.cap, run.stats.skipped_records)
    elif detected == "feed" and top:
        yield from _from_feed(name, data, run)
    elif looks_binary(data):
        yield Failure(name, "ingest", "binary", f"{name}: the input is binary data, not a page or text")
    elif forced == "auto" and top and meta is None and detected == "text" and (listed := url_list(data)):
        # Only a local file (or stdin) is read as a URL list: a fetched page that happens to
        # be a list of links is a document, or one URL could make the run fetch thousands.
        yield from _from_url_list(name, listed, run)
    else:
        kind: InputKind = forced if forced in _DOCUMENT_KINDS else "auto"
        yield _document(name, data, kind, meta, hints or {})


def _from_url_list(name: str, listed: UrlList, run: _Run) -> Iterator[RawInput | Failure | Skipped]:
    """Each http(s) URL of the list fetched, each other entry refused, then what was left out."""
    for number, text in listed.lines:
        if is_http_url(text):
            yield from _from_url(text, run, top=False)
        else:
            why = f"{name} line {number}: {text}: only http and https URLs can be fetched"
            yield Failure(text, "ingest", "bad-url", why)
    if listed.left_out:
        total = len(listed.lines) + listed.left_out
        why = (
            f"{name}: the list holds {total:,} URLs; only the first {MAX_LIST_URLS:,} were read and "
            f"{listed.left_out:,} left out (split it into smaller lists)"
        )
        yield Failure(name, "ingest", "too-many-urls", why)


def _from_feed(name: str, data: bytes, run: _Run) -> Iterator[RawInput | Failure | Skipped]:
    for item in parse_feed(name, data):
        if isinstance(item, EntryLink):
            yield from _from_url(item.url, run, top=False, source=item.source, hints=item.hints)
        else:
            yield item


def _from_url(
    url: str, run: _Run, *, top: bool, source: str | None = None, hints: dict[str, str] | None = None
) -> Iterator[RawInput | Failure | Skipped]:
    if run.skip_url is not None and run.skip_url(source or url):
        yield Skipped(source or url)
        return
    got = run.fetcher().fetch(url, source=source)
    if isinstance(got, Failure):
        yield got
        return
    yield from _from_bytes(got.source, got.data, run, top=top, meta=got, hints=hints)


def _from_file(f: LocalFile, run: _Run) -> Iterator[RawInput | Failure | Skipped]:
    if f.problem is not None:
        yield _fail(f.name, f.problem)
        return
    try:
        head = read_head(f.path, SNIFF_BYTES, f.name)  # refuses FIFOs, devices, sockets
    except InputError as exc:
        yield _fail(f.name, exc)
        return
    except OSError as exc:
        yield Failure(f.name, "ingest", "unreadable", f"{f.name}: cannot be read ({exc.strerror or exc})")
        return
    if not head:
        yield Failure(f.name, "ingest", "empty", f"{f.name}: the file is empty")
        return
    if run.kind == "warc" or (run.kind == "auto" and detect_kind(head, f.name) == "warc"):
        # Streamed from disk: an archive may be far larger than max_input_bytes.
        try:
            stream = open_regular(f.path, f.name)
        except InputError as exc:
            yield _fail(f.name, exc)
            return
        except OSError as exc:
            yield Failure(f.name, "ingest", "unreadable", f"{f.name}: cannot be read ({exc.strerror or exc})")
            return
        with stream:
            yield from iter_warc(f.name, stream, run.cap, run.stats.skipped_records)
        return
    try:
        data = read_file(f.path, run.cap, f.name)
    except InputError as exc:
        yield _fail(f.name, exc)
        return
    yield from _from_bytes(f.name, data, run, top=True)


def _from_source(source: str, run: _Run) -> Iterator[RawInput | Failure | Skipped]:
    if source == "-":
        try:
            data = read_stdin(run.cap)
        except InputError as exc:
            yield _fail(STDIN_NAME, exc)
            return
        yield from _from_bytes(STDIN_NAME, data, run, top=True)
    elif _is_url(source):
        yield from _from_url(source, run, top=True, source=printable_name(source))
    elif _OTHER_SCHEME.match(source):
        shown = printable_name(source)
        yield Failure(shown, "ingest", "bad-url", f"{shown}: only http and https URLs can be fetched")
    else:
        try:
            files = expand_source(source)
        except InputError as exc:
            yield _fail(printable_name(source), exc)
            return
        for f in files:
            yield from _from_file(f, run)


def iter_inputs(
    sources: Iterable[str],
    settings: Settings,
    *,
    kind: InputKind = "auto",
    fetcher: Fetcher | None = None,
    stats: IngestStats | None = None,
    skip_url: Callable[[str], bool] | None = None,
) -> Iterator[RawInput | Failure | Skipped]:
    """Yield a RawInput per document, or a Failure per unreadable input, in input order.

    ``sources`` are paths, folders, glob patterns, ``-`` (stdin), URLs, URL list files, WARC
    archives and feeds. ``fetcher`` is used for URLs when given (and left open); otherwise
    one is created on first need and closed when the iteration ends. ``stats``, when given,
    is filled in as the run goes. ``skip_url(source)`` true means "already held": that URL is
    not fetched and a :class:`Skipped` is yielded instead (how a killed run resumes).
    """
    stats = stats if stats is not None else IngestStats()
    run = _Run(
        settings, kind, stats, (lambda: fetcher) if fetcher is not None else (lambda: Fetcher(settings)),
        skip_url=skip_url,
    )
    try:
        for source in sources:
            for item in _guarded(source, run):
                if isinstance(item, Failure):
                    stats.failures += 1
                elif isinstance(item, RawInput):
                    stats.documents += 1
                yield item
    finally:
        if fetcher is None and run._fetcher is not None:
            run._fetcher.close()


def _guarded(source: str, run: _Run) -> Iterator[RawInput | Failure | Skipped]:
    """One source's items; an unexpected error ends that source with a Failure, not the batch."""
    try:
        yield from _from_source(source, run)
    except Exception as exc:  # a bug or a library surprise on odd data: report it, go on
        shown = printable_name(source)
        log.exception("ingest of %s failed unexpectedly", shown)
        yield Failure(shown, "ingest", "internal-error", f"{shown}: unexpected error ({type(exc).__name__}: {exc})")
