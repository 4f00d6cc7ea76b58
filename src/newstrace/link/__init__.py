"""Linking across articles: syndicated copies, stories, claim groups, provenance, figures.

Stages here never import the store: they read past articles through
:class:`~newstrace.link.protocol.PastArticles`, which the store satisfies, and keep their
indexes on objects the pipeline or store creates and passes down.
"""

from newstrace.link.claimgroups import ClaimCluster, ClaimGrouper
from newstrace.link.copies import CopyIndex, CopyMatch
from newstrace.link.figures import figures
from newstrace.link.protocol import PastArticles
from newstrace.link.provenance import GroupProvenance, to_gexf, to_graphml, to_json
from newstrace.link.provenance import build as build_provenance
from newstrace.link.score import score_clusters
from newstrace.link.stories import StoryAssignment, StoryClusterer

__all__ = [
    "ClaimCluster",
    "ClaimGrouper",
    "GroupProvenance",
    "build_provenance",
    "figures",
    "to_gexf",
    "to_graphml",
    "to_json",
    "CopyIndex",
    "CopyMatch",
    "PastArticles",
    "StoryAssignment",
    "StoryClusterer",
    "score_clusters",
]
