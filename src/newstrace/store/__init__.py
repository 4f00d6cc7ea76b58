"""The embedded store (SQLite + FTS5) and its exports."""

from newstrace.store.db import AddResult, SearchHit, Store, StoredArticle, canonical_key
from newstrace.store.export import export

__all__ = ["AddResult", "SearchHit", "Store", "StoredArticle", "canonical_key", "export"]
