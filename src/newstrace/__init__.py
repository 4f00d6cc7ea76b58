"""newstrace: follow a developing news story — clean articles, attributed claims, provenance.

The public Python API::

    import newstrace
    article = newstrace.extract("page.html")            # one clean Article
    with newstrace.Store("news.db") as store:            # the embedded store
        report = newstrace.ingest(["pages/"], store)
        hits = store.search("ministry AND denied", outlet="Harbor Wire")
"""

from newstrace.config import Settings, load_settings
from newstrace.errors import (
    ExtractionError,
    FetchError,
    InputError,
    NewstraceError,
    QueryError,
    StoreError,
    UsageError,
)
from newstrace.models import Article, Caption, ExtractOptions, Failure, RawInput
from newstrace.pipeline import IngestReport, Pipeline, extract, extract_many, ingest, sample_corpus_path
from newstrace.store import Store, export

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Caption",
    "ExtractOptions",
    "ExtractionError",
    "Failure",
    "FetchError",
    "IngestReport",
    "InputError",
    "NewstraceError",
    "Pipeline",
    "QueryError",
    "RawInput",
    "Settings",
    "Store",
    "StoreError",
    "UsageError",
    "__version__",
    "export",
    "extract",
    "extract_many",
    "ingest",
    "load_settings",
    "sample_corpus_path",
]
