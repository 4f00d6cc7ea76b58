"""Several writers on one store, and link results that depend on the articles alone.

Three ``newstrace ingest`` processes of the same inputs into one store at once must all
finish, store every article once and link it once; linking the same store again under
other hash seeds and batch sizes, or ingesting the inputs in another order, must give
the same stories, copies and claim groups (compared by article key, not by id).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace import Store, ingest, sample_corpus_path

pytestmark = pytest.mark.e2e

_LINK = """
import json, sys
import newstrace
with newstrace.Store(sys.argv[1]) as store:
    newstrace.link_articles(store, rebuild=True, batch=int(sys.argv[2]))
    print(json.dumps(store.link_snapshot()))
"""


def _cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "newstrace", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _snapshot(db: Path) -> dict:
    with Store(db) as store:
        # through JSON, as the subprocesses hand theirs over (tuples become lists)
        return json.loads(json.dumps(store.link_snapshot()))


@pytest.fixture(scope="module")
def linked_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The sample ingested (without linking) into a store; its snapshot linked once."""
    db = tmp_path_factory.mktemp("base") / "base.db"
    with Store(db) as store:
        ingest([str(sample_corpus_path())], store, link=False)
    linked = db.with_name("linked.db")
    shutil.copy(db, linked)
    with Store(linked) as store:
        from newstrace import link_articles

        link_articles(store)
    return db, _snapshot(linked)


def test_concurrent_ingests_of_the_same_inputs_store_and_link_each_article_once(tmp_path: Path,
                                                                                  linked_once: tuple[Path, dict]) -> None:
    db = tmp_path / "shared.db"
    procs = [_cli("ingest", str(sample_corpus_path()), "--db", str(db)) for _ in range(3)]
    results = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode()
        assert b"Traceback" not in err
    con = sqlite3.connect(db)
    files = [p for p in sample_corpus_path().iterdir() if p.is_file()]
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(files)
    assert con.execute("SELECT count(*) FROM revisions").fetchone()[0] == len(files)
    assert con.execute("SELECT count(*) FROM inputs WHERE status='ok'").fetchone()[0] == len(files)
    assert con.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
    assert con.execute("SELECT count(*), count(DISTINCT article_id) FROM story_articles").fetchone() == (16, 16)
    con.close()
    assert _snapshot(db) == linked_once[1]


@pytest.mark.parametrize("seed, batch", [(1, 1), (2, 3), (3, 500)])
def test_link_results_do_not_depend_on_hash_seed_or_batch_size(tmp_path: Path, linked_once: tuple[Path, dict],
                                                               seed: int, batch: int) -> None:
    db = tmp_path / "again.db"
    shutil.copy(linked_once[0], db)
    out = subprocess.run([sys.executable, "-c", _LINK, str(db), str(batch)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True, timeout=600)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == linked_once[1]


def test_link_results_do_not_depend_on_the_order_inputs_come_in(tmp_path: Path,
                                                                linked_once: tuple[Path, dict]) -> None:
    files = sorted(str(p) for p in sample_corpus_path().iterdir() if p.is_file())
    random.Random(7).shuffle(files)
    with Store(tmp_path / "shuffled.db") as store:
        report = ingest(files, store)
        assert report.failed == 0
    assert _snapshot(tmp_path / "shuffled.db") == linked_once[1]


def _export_without_times(db: Path) -> list[dict]:
    from newstrace.store import export

    out = db.with_suffix(".jsonl")
    with Store(db) as store:
        export(store, "jsonl", out)
    recs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    for r in recs:  # when it was stored differs from run to run; what was stored must not
        for k in ("first_seen", "last_seen"):
            r.pop(k, None)
        for rev in r.get("revisions", []):
            rev.pop("ingested_at", None)
    return recs


def test_two_workers_store_and_link_exactly_what_one_worker_does(tmp_path: Path,
                                                                 linked_once: tuple[Path, dict]) -> None:
    files = sorted(str(p) for p in sample_corpus_path().iterdir() if p.is_file())
    reports = {}
    for n in (1, 2):
        with Store(tmp_path / f"w{n}.db") as store:
            reports[n] = ingest(files, store, workers=n)
        assert reports[n].failed == 0 and len(reports[n].worker_peak_rss) == n
    assert reports[1].counts() == reports[2].counts()
    assert _snapshot(tmp_path / "w1.db") == _snapshot(tmp_path / "w2.db") == linked_once[1]
    assert _export_without_times(tmp_path / "w1.db") == _export_without_times(tmp_path / "w2.db")
