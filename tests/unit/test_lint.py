"""The tree has no unused imports or variables, undefined names or syntax errors (ruff's
pyflakes rules), so dead code and typos fail CI instead of waiting for a user."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_pyflakes_rules_pass_over_the_tree() -> None:
    pytest.importorskip("ruff", reason="ruff comes with the test extra")
    res = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "F,E9", "src", "bench", "scripts", "tests"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
