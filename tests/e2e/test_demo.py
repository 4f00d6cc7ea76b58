"""The README's main job: the demo ingests the shipped sample corpus, one article per page."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace import sample_corpus_path

pytestmark = pytest.mark.e2e


def test_demo_ingests_every_sample_page_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    pages = [p for p in sample_corpus_path().iterdir() if p.suffix in (".html", ".txt")]
    for _ in range(2):  # the second run finds everything stored already
        res = subprocess.run([sys.executable, "-m", "newstrace", "demo", "--db", str(db)],
                             capture_output=True, timeout=600)
        assert res.returncode == 0, res.stderr.decode()[-2000:]
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(pages)
    assert con.execute("SELECT count(*) FROM revisions").fetchone()[0] == len(pages)
    assert con.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
    assert con.execute("SELECT count(DISTINCT outlet) FROM current_articles").fetchone()[0] >= 6
    assert con.execute("SELECT count(*) FROM current_claims").fetchone()[0] > 100
    assert con.execute("SELECT skipped FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] == len(pages)


def test_demo_serve_opens_the_workbench_over_the_sample(tmp_path: Path) -> None:
    """The README's first command: ingest the sample into the demo's own store (not the
    user's default one), then serve the workbench over it until stopped."""
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSTRACE_")}
    env["NEWSTRACE_HOME"] = str(home)
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "newstrace", "demo", "--serve", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/stories", timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the workbench did not come up"
                time.sleep(0.5)
        assert "Ammonia leak at Marrowick" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    demo_db = home / "demo.db"
    assert demo_db.is_file() and not (home / "newstrace.db").exists()
    said = " ".join(log.read_text(errors="replace").split())
    assert f"The demo store is {demo_db} (your own store is left alone)" in said and f"--db {demo_db}" in said
    con = sqlite3.connect(demo_db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(
        [p for p in sample_corpus_path().iterdir() if p.suffix in (".html", ".txt")])
