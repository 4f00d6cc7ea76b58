"""Analysis of article text: attributed claims (``ClaimsStage``), time references, quantities.

``ClaimsStage`` is imported lazily (``from newstrace.analyse.claims import ClaimsStage``): it
pulls in spaCy, which commands that only extract do not need.
"""
