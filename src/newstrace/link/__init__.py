"""Linking across articles: syndicated copies, stories (and later claim groups, provenance).

Stages here never import the store: they read past articles through
:class:`~newstrace.link.protocol.PastArticles`, which the store satisfies, and keep their
indexes on objects the pipeline or store creates and passes down.
"""

from newstrace.link.copies import CopyIndex, CopyMatch
from newstrace.link.protocol import PastArticles
from newstrace.link.score import score_clusters
from newstrace.link.stories import StoryAssignment, StoryClusterer

__all__ = [
    "CopyIndex",
    "CopyMatch",
    "PastArticles",
    "StoryAssignment",
    "StoryClusterer",
    "score_clusters",
]
