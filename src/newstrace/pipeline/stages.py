"""Stages, and the work done to one input: extraction, then the analysis stages.

Stages are small callables that declare what they read and what they add (like spaCy's
``requires``/``assigns``); :class:`Pipeline` checks their order when it is built and
records which stage version produced what.

:class:`Work` is everything that happens to one input before it is stored. It never
raises for a bad input: whatever goes wrong in any stage (our own errors, a third-party
parser's ``AssertionError`` on a hostile tree, ``RecursionError`` on deep nesting,
``MemoryError``) comes back as a :class:`~newstrace.models.Failure` naming the stage and
the reason, and the run goes on. ``strict=True`` re-raises instead (tests). It runs in the
ingesting process or in a worker process (:mod:`newstrace.pipeline.isolate`), which adds
the time and memory budgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from newstrace.errors import NewstraceError, UsageError
from newstrace.extract import extract_raw
from newstrace.models import Article, ExtractOptions, Failure, RawInput

#: Failure stages: reading the input, extraction, any analysis stage, storing, linking.
EXTRACT = "extract"
ANALYSE = "analyse"


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


def no_analysis() -> Pipeline:
    """No analysis stage: extraction only (``--no-claims``, ``newstrace extract``)."""
    return Pipeline()


#: Called when a stage starts, with its name ("extract", then each analysis stage's name).
StageCallback = Callable[[str], None]


def one_line(message: str, limit: int = 2000) -> str:
    """A message on one line (page content can hold newlines and control characters), bounded."""
    return " ".join(str(message).split())[:limit]


def _internal(source: str, stage: str, exc: BaseException, what: str = "") -> Failure:
    if isinstance(exc, MemoryError):
        return Failure(source, stage, "too-large", one_line(f"{source}: {what or stage} ran out of memory"))
    detail = one_line(f"{type(exc).__name__}: {exc}", 500)
    return Failure(source, stage, "internal-error", f"{source}: {what or stage} failed unexpectedly ({detail})")


def extract_one(raw: RawInput, options: ExtractOptions, *, strict: bool = False) -> Article | Failure:
    """Extract one input; a bad input becomes a Failure (or raises, in strict mode)."""
    try:
        return extract_raw(raw, options)
    except NewstraceError as exc:
        if strict:
            raise
        return Failure(raw.source, EXTRACT, exc.reason, one_line(exc.message))
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on hostile pages
        if strict:
            raise
        return _internal(raw.source, EXTRACT, exc, "extraction")


@dataclass
class Work:
    """What happens to one input before it is stored: extraction, then the pipeline.

    ``pipeline`` is built on first need by ``factory`` (so that a run whose inputs all fail
    to extract loads no model) unless one is given. When sent to a worker process started
    by *spawn*, the built pipeline stays behind and the worker builds its own."""

    options: ExtractOptions = field(default_factory=ExtractOptions)
    factory: Callable[[], Pipeline] = default_pipeline
    pipeline: Pipeline | None = None
    strict: bool = False

    def warm(self) -> Pipeline:
        """The pipeline, built now if it was not (before worker processes are forked, so
        they share the loaded models)."""
        if self.pipeline is None:
            self.pipeline = self.factory()
        return self.pipeline

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self.factory is not None:
            state["pipeline"] = None
        return state

    def __call__(self, raw: RawInput, on_stage: StageCallback | None = None) -> Article | Failure:
        if on_stage:
            on_stage(EXTRACT)
        result = extract_one(raw, self.options, strict=self.strict)
        if isinstance(result, Failure):
            return result
        article = result
        for stage in self.warm().stages:
            if on_stage:
                on_stage(stage.name)
            try:
                article = stage(article)
            except NewstraceError as exc:
                if self.strict:
                    raise
                return Failure(raw.source, ANALYSE, exc.reason, one_line(f"{raw.source}: {exc.message}"))
            except Exception as exc:  # noqa: BLE001 - one input must never stop the run
                if self.strict:
                    raise
                return _internal(raw.source, ANALYSE, exc, f"the {stage.name} stage")
            article.evidence[f"stage:{stage.name}"] = stage.version
        return article
