"""The pipeline: inputs → articles → store, with failures kept and the batch going on.

* :mod:`~newstrace.pipeline.stages`: the stages after extraction, and :class:`Work`, what
  happens to one input before it is stored (errors of any stage become Failures);
* :mod:`~newstrace.pipeline.isolate`: that work in a worker process under per-stage time
  and memory budgets;
* :mod:`~newstrace.pipeline.run`: the one ingest loop, and extraction of many inputs.
"""

from newstrace.pipeline.isolate import Budgets, InProcess, Isolated, runner
from newstrace.pipeline.run import (
    IngestReport,
    ProgressCallback,
    StoredCallback,
    extract,
    extract_many,
    ingest,
    ingest_items,
    iter_raw,
    sample_corpus_path,
)
from newstrace.pipeline.stages import Pipeline, Stage, Work, default_pipeline, extract_one, no_analysis

__all__ = [
    "Budgets",
    "InProcess",
    "IngestReport",
    "Isolated",
    "Pipeline",
    "ProgressCallback",
    "Stage",
    "StoredCallback",
    "Work",
    "default_pipeline",
    "extract",
    "extract_many",
    "extract_one",
    "ingest",
    "ingest_items",
    "iter_raw",
    "no_analysis",
    "runner",
    "sample_corpus_path",
]
