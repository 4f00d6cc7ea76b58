"""The pipeline: inputs → articles → store, with failures kept and the batch going on.

Stages are small callables that declare what they read and what they add (like spaCy's
``requires``/``assigns``); :class:`Pipeline` checks their order when it is built and
records which stage version produced what. A failing document becomes a
:class:`~newstrace.models.Failure` and the batch goes on; ``strict=True`` re-raises (tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from newstrace.config import Settings, load_settings
from newstrace.errors import NewstraceError, UsageError
from newstrace.extract import extract_raw
from newstrace.ingest import Skipped, iter_inputs
from newstrace.ingest.files import read_file, read_stdin
from newstrace.models import Article, ExtractOptions, Failure, InputKind, RawInput
from newstrace.store import Store


class Stage(Protocol):
    """One step over an Article: reads some fields, adds others."""

    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


@dataclass
class Pipeline:
    """An ordered list of stages run after extraction; order is checked when built."""

    stages: list[Stage] = field(default_factory=list)

    def __post_init__(self) -> None:
        available = {"text", "paragraphs", "title", "authors", "published", "outlet", "section", "captions"}
        for stage in self.stages:
            missing = [r for r in stage.requires if r not in available]
            if missing:
                raise UsageError(f"stage {stage.name} needs {', '.join(missing)}, which no earlier stage adds")
            available.update(stage.assigns)

    def __call__(self, article: Article) -> Article:
        for stage in self.stages:
            article = stage(article)
            article.evidence[f"stage:{stage.name}"] = stage.version
        return article


def default_pipeline() -> Pipeline:
    """The analysis stages ingest runs by default: attributed claims."""
    from newstrace.analyse.claims import ClaimsStage  # spaCy is loaded only when needed

    return Pipeline(stages=[ClaimsStage()])


@dataclass
class IngestReport:
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    skipped: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: what the link step did after storing (a newstrace.linker.LinkReport), if it ran
    linked: Any = None

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


def iter_raw(
    sources: Iterable[str],
    settings: Settings,
    kind: InputKind = "auto",
    skip_url: Callable[[str], bool] | None = None,
) -> Iterator[RawInput | Failure | Skipped]:
    """Every document behind the sources (files, folders, globs, '-', WARC, feeds, URLs)."""
    return iter_inputs(list(sources), settings, kind=kind, skip_url=skip_url)


def extract_one(raw: RawInput, options: ExtractOptions, *, strict: bool = False) -> Article | Failure:
    """Extract one input; a bad input becomes a Failure (or raises, in strict mode)."""
    try:
        return extract_raw(raw, options)
    except NewstraceError as exc:
        if strict:
            raise
        return Failure(raw.source, "extract", exc.reason, _one_line(exc.message))
    except (ValueError, TypeError, LookupError, RecursionError, MemoryError, OSError) as exc:
        # Third-party parsers raise these on hostile pages; the batch must go on.
        if strict:
            raise
        return Failure(raw.source, "extract", "internal", _one_line(f"{type(exc).__name__}: {exc}"))


def extract_many(
    sources: Iterable[str],
    *,
    as_: str = "auto",
    published: str | None = None,
    settings: Settings | None = None,
    strict: bool = False,
) -> Iterator[Article | Failure]:
    """One Article or Failure per input document, in input order."""
    settings = settings or load_settings()
    options = ExtractOptions(as_=as_, published=published)  # type: ignore[arg-type]
    kind: InputKind = as_ if as_ in ("html", "text", "body") else "auto"  # type: ignore[assignment]
    for item in iter_raw(sources, settings, kind):
        if isinstance(item, RawInput):
            yield extract_one(item, options, strict=strict)
        elif isinstance(item, Failure):
            yield item


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
) -> IngestReport:
    """Read, extract and store every input; each input is committed on its own.

    URLs already stored are not fetched again unless ``refresh`` (a killed run resumes
    where it stopped); files are always read, and skipped when their bytes are unchanged.
    Without a ``pipeline`` the claims stage runs (built once for the whole run);
    ``claims=False`` skips it for speed. Then the link step (:func:`newstrace.linker.link`)
    takes in what is new: copies, stories, claim groups; ``link=False`` leaves that for a
    later ``newstrace link``. Its summary is ``report.linked``.
    """
    settings = settings or load_settings()
    if pipeline is None:
        pipeline = default_pipeline() if claims else Pipeline()
    options = ExtractOptions(as_=as_, published=published)  # type: ignore[arg-type]
    kind: InputKind = as_ if as_ in ("html", "text", "body") else "auto"  # type: ignore[assignment]
    report = IngestReport()
    run_id = store.start_run(command)
    try:
        skip = None if refresh else store.done
        for item in iter_raw(sources, settings, kind, skip_url=skip):
            event = _ingest_item(item, store, options, pipeline, report, run_id, strict)
            if on_progress:
                on_progress(event, item.source)
        if link:
            from newstrace.linker import link as run_link  # numpy and datasketch only when linking

            report.linked = run_link(store, settings=settings)
    finally:
        store.finish_run(run_id, report.counts())
    return report


def _ingest_item(
    item: RawInput | Failure | Skipped,
    store: Store,
    options: ExtractOptions,
    pipeline: Pipeline,
    report: IngestReport,
    run_id: int,
    strict: bool,
) -> str:
    if isinstance(item, Failure):
        store.record_failure(item, run_id=run_id)
        report.failures.append(item)
        return "failed"
    if isinstance(item, Skipped):
        report.skipped += 1
        return "skipped"
    sha = item.sha256
    if store.seen(item.source, sha):
        report.skipped += 1
        return "skipped"
    result = extract_one(item, options, strict=strict)
    if isinstance(result, Article):
        try:
            result = pipeline(result)
        except NewstraceError as exc:
            if strict:
                raise
            result = Failure(item.source, "analyse", exc.reason, _one_line(exc.message))
    if isinstance(result, Failure):
        store.record_failure(result, sha256=sha, run_id=run_id)
        report.failures.append(result)
        return "failed"
    added = store.add(result, sha256=sha, run_id=run_id)
    setattr(report, added.status, getattr(report, added.status) + 1)
    return added.status


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


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
    input holds no article.
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
    return extract_raw(raw, options)
