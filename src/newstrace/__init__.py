"""newstrace: follow a developing news story — clean articles, attributed claims, provenance.

The public Python API::

    import newstrace
    article = newstrace.extract("page.html")            # one clean Article
    with newstrace.Store("news.db") as store:            # the embedded store
        report = newstrace.ingest(["pages/"], store)
        hits = store.search("ministry AND denied", outlet="Harbor Wire")
        for s in store.stories(query="ammonia"):          # stories, latest first
            view = newstrace.story_view(store, s.id)      # articles, claim groups
            view.timeline(), view.graph(), view.figures()
        newstrace.link_articles(store)                    # link what ingest(link=False) left
        graph = newstrace.provenance_graph(store)         # every story's graph as one
"""

from typing import Any


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

#: Linking needs numpy and datasketch: imported on first use, not with ``import newstrace``.
_LAZY = {"link_articles": ("linker", "link"), "LinkReport": ("linker", "LinkReport"),
         "story_view": ("views", "story_view"), "provenance_graph": ("views", "graph"),
         "StoryView": ("views", "StoryView")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f"newstrace.{module}"), attr)
    raise AttributeError(f"module 'newstrace' has no attribute {name!r}")


__all__ = [
    "Article",
    "Caption",
    "ExtractOptions",
    "ExtractionError",
    "Failure",
    "FetchError",
    "IngestReport",
    "InputError",
    "LinkReport",
    "NewstraceError",
    "Pipeline",
    "QueryError",
    "RawInput",
    "Settings",
    "Store",
    "StoreError",
    "StoryView",
    "UsageError",
    "__version__",
    "export",
    "extract",
    "extract_many",
    "ingest",
    "link_articles",
    "load_settings",
    "provenance_graph",
    "sample_corpus_path",
    "story_view",
]
