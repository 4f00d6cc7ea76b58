"""Fixtures the web tests share: a store of the sample corpus (one per test module) and a
TestClient over the app ``newstrace serve`` builds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx2")

from fastapi.testclient import TestClient  # noqa: E402

import newstrace  # noqa: E402
from newstrace.config import load_settings  # noqa: E402
from newstrace.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "news.db"
    settings = load_settings(db=path)
    with newstrace.Store(path) as store:
        report = newstrace.ingest([str(newstrace.sample_corpus_path())], store, settings=settings)
    assert report.added == 16 and not report.failed
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    settings = load_settings(db=db, allow_private=True, per_host_delay=0.0, respect_robots=False)
    with TestClient(create_app(db, settings=settings)) as c:
        yield c

