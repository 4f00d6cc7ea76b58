"""B-cubed scoring of a clustering against gold clusters (stories, copy groups).

``pred`` and ``gold`` map an item id to a cluster label. For each item, precision is the
share of its predicted cluster that shares its gold cluster, recall the share of its gold
cluster that shares its predicted cluster; both are averaged over items (Bagga & Baldwin
1998). An item present on only one side counts as a singleton on the other, so a missing
prediction costs recall and an extra one costs precision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping


def _groups(assign: Mapping[Hashable, Hashable], items: set[Hashable]) -> dict[Hashable, frozenset[Hashable]]:
    by_label: dict[Hashable, set[Hashable]] = defaultdict(set)
    for item in items:
        label = assign[item] if item in assign else ("__singleton__", item)
        by_label[label].add(item)
    out: dict[Hashable, frozenset[Hashable]] = {}
    for members in by_label.values():
        frozen = frozenset(members)
        for item in members:
            out[item] = frozen
    return out


def score_clusters(
    pred: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]
) -> tuple[float, float, float]:
    """B-cubed ``(precision, recall, f1)``; ``(1.0, 1.0, 1.0)`` when both are empty."""
    items = set(pred) | set(gold)
    if not items:
        return 1.0, 1.0, 1.0
    pc = _groups(pred, items)
    gc = _groups(gold, items)
    p = sum(len(pc[i] & gc[i]) / len(pc[i]) for i in items) / len(items)
    r = sum(len(pc[i] & gc[i]) / len(gc[i]) for i in items) / len(items)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1
