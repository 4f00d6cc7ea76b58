"""Inference for the text-dump line classifiers: a gradient-boosted tree ensemble in numpy.

The weights were trained with scikit-learn by ``scripts/train_textdump.py`` and exported to
``textdump_model.json``; scikit-learn is not needed here. All trees are flattened into one
node table and evaluated for every line at once, level by level, so a dump of a thousand
lines costs a few dozen numpy operations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

MODEL_FILE = "textdump_model.json"
#: Lines evaluated at once. Each holds one node index per tree in several arrays while the
#: trees are walked, so a dump of 300,000 lines took close to a gigabyte at once; blocks of
#: this many lines keep that to a few megabytes and cost nothing on real dumps (under 2,000 lines).
ROWS_PER_BLOCK = 4096


@dataclass
class TreeEnsemble:
    """Boosted trees over a flat node table; leaves point to themselves."""

    features: list[str]
    bias: float
    feature: np.ndarray  # int, -1 at leaves
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # leaf value already scaled by the learning rate
    roots: np.ndarray
    depth: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TreeEnsemble:
        return cls(
            features=list(d["features"]),
            bias=float(d["bias"]),
            feature=np.asarray(d["feature"], dtype=np.int64),
            threshold=np.asarray(d["threshold"], dtype=np.float64),
            left=np.asarray(d["left"], dtype=np.int64),
            right=np.asarray(d["right"], dtype=np.int64),
            value=np.asarray(d["value"], dtype=np.float64),
            roots=np.asarray(d["roots"], dtype=np.int64),
            depth=int(d["depth"]),
        )

    def to_dict(self) -> dict[str, Any]:
        def rounded(a: np.ndarray) -> list[float]:
            return [round(float(v), 6) for v in a]

        return {
            "features": self.features,
            "bias": round(self.bias, 6),
            "feature": self.feature.tolist(),
            "threshold": rounded(self.threshold),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": rounded(self.value),
            "roots": self.roots.tolist(),
            "depth": self.depth,
        }

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each row of x."""
        return 1.0 / (1.0 + np.exp(-np.clip(self.decision(x), -30.0, 30.0)))

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of the positive class for each row of x, a block of rows at a time."""
        if len(x) <= ROWS_PER_BLOCK:
            return self._decision(x)
        return np.concatenate([self._decision(x[i : i + ROWS_PER_BLOCK]) for i in range(0, len(x), ROWS_PER_BLOCK)])

    def _decision(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        rows = np.arange(len(x))[:, None]
        idx = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            f = self.feature[idx]
            go_left = x[rows, np.maximum(f, 0)] <= self.threshold[idx]
            idx = np.where(go_left, self.left[idx], self.right[idx])
        return self.bias + self.value[idx].sum(axis=1)


@dataclass
class DumpModels:
    """The two classifiers the extractor uses: which line is the title, which lines are body."""

    title: TreeEnsemble
    body: TreeEnsemble

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DumpModels:
        return cls(TreeEnsemble.from_dict(d["title"]), TreeEnsemble.from_dict(d["body"]))

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title.to_dict(), "body": self.body.to_dict()}


@lru_cache(maxsize=1)
def default_models() -> DumpModels:
    """The shipped models, read once (they are immutable after loading)."""
    from newstrace.extract.textdump_features import FEATURES

    text = resources.files("newstrace.extract").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    models = DumpModels.from_dict(json.loads(text))
    for part in (models.title, models.body):
        if part.features != FEATURES:
            raise RuntimeError(
                f"{MODEL_FILE} was trained on other features than textdump_features.FEATURES: "
                "retrain it with scripts/train_textdump.py"
            )
    return models
