"""The command line as a user runs it: contracts, exit codes, one-line errors, resumable ingest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

pytestmark = pytest.mark.e2e

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Lakeside Ledger</title>
<meta property="og:site_name" content="The Lakeside Ledger">
<link rel="canonical" href="https://ledger.example/news/{slug}">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>{title}</h1>
<p class="byline">By Marta Quill</p>
<p>{para1}</p>
<p>The harbour master said the cleanup would take at least a week, and that crews from two counties had
been called in to help contain the spill near the northern pier.</p>
<p>Residents living within a kilometre of the dock were told to keep their windows closed overnight,
according to a notice posted by the county's emergency office on Tuesday evening.</p>
</article>
<footer>© 2025 The Lakeside Ledger. All rights reserved.</footer>
</body></html>
"""


def write_page(folder: Path, slug: str, title: str, para1: str) -> Path:
    p = folder / f"{slug}.html"
    p.write_text(PAGE.format(slug=slug, title=title, para1=para1), encoding="utf-8")
    return p


def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "newstrace", *args], input=input, capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture()
def pages(tmp_path: Path) -> Path:
    d = tmp_path / "pages"
    d.mkdir()
    for i in range(5):
        write_page(d, f"spill-{i}", f"Chemical spill closes harbour, day {i}",
                   f"A chemical spill closed the harbour for the {i}th day on Monday, officials said, as crews "
                   f"worked through the night to pump contaminated water from the basin near the old cannery.")
    return d


def test_extract_jsonl_contract_in_input_order(pages: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.html"
    bad.write_bytes(b"")
    paths = [str(pages / "spill-3.html"), str(bad), str(pages / "spill-1.html")]
    res = run("extract", *paths, "--format", "jsonl")
    assert res.returncode == 1, res.stderr
    recs = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert [r["path"] for r in recs] == paths
    keys = {"path", "title", "authors", "emails", "published", "published_at", "outlet", "section", "language",
            "url", "captions", "paragraphs", "text", "error"}
    assert all(set(r) == keys for r in recs)
    ok = recs[0]
    assert ok["title"] == "Chemical spill closes harbour, day 3" and ok["error"] is None
    assert ok["text"] == "\n\n".join(ok["paragraphs"]) and "3th day" in ok["text"]
    assert recs[1]["error"].startswith("empty") and recs[1]["paragraphs"] == []
    assert b"Traceback" not in res.stderr and b"1 input(s) failed" in res.stderr


def test_extract_as_body_keeps_input_character_for_character(tmp_path: Path) -> None:
    body = "First line of a clean body.\r\n\r\nSecond  paragraph with  odd   spacing.\n\n\nThird.  \n"
    p = tmp_path / "body.txt"
    p.write_bytes(body.encode("utf-8"))
    res = run("extract", str(p), "--as", "body", "--published", "2024-10-16")
    rec = json.loads(res.stdout)
    assert res.returncode == 0 and rec["text"] == body and rec["published"] == "2024-10-16"


def test_extract_from_stdin(pages: Path) -> None:
    res = run("extract", "-", "--format", "json", input=(pages / "spill-0.html").read_bytes())
    assert res.returncode == 0 and json.loads(res.stdout)["outlet"] == "The Lakeside Ledger"


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    res = run("extract", str(tmp_path), "--as", "pdf")
    assert res.returncode == 2 and b"--as must be" in res.stderr and b"Traceback" not in res.stderr
    res = run("extract", str(tmp_path), "--published", "16/10/2024")
    assert res.returncode == 2 and b"YYYY-MM-DD" in res.stderr


def test_ingest_search_show_export(pages: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(pages), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    res = runner.invoke(app, ["search", "cannery", "--db", str(db), "--format", "jsonl"])
    hits = [json.loads(x) for x in res.output.splitlines()]
    assert res.exit_code == 0 and len(hits) == 5 and all("cannery" in h["snippet"] for h in hits)
    res = runner.invoke(app, ["show", str(hits[0]["article_id"]), "--db", str(db), "--format", "json"])
    assert json.loads(res.output)["outlet"] == "The Lakeside Ledger"
    out = tmp_path / "all.csv"
    res = runner.invoke(app, ["export", "--format", "csv", "--output", str(out), "--db", str(db)])
    assert res.exit_code == 0 and out.read_text(encoding="utf-8").count("The Lakeside Ledger") >= 5


def test_reingest_creates_no_duplicate_and_changed_page_is_a_revision(pages: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    assert run("ingest", str(pages), "--db", str(db)).returncode == 0
    res = run("ingest", str(pages), "--db", str(db))
    assert res.returncode == 0
    write_page(pages, "spill-2", "Chemical spill closes harbour, day 2",
               "Updated: the harbour reopened on Wednesday after crews finished pumping the basin, officials said "
               "in a statement that gave no figure for the cost of the cleanup.")
    assert run("ingest", str(pages), "--db", str(db)).returncode == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert con.execute("SELECT count(*) FROM revisions").fetchone()[0] == 6
    skipped = con.execute("SELECT skipped FROM runs ORDER BY id").fetchall()
    assert [s[0] for s in skipped] == [0, 5, 4]


def test_failed_inputs_are_recorded_and_the_run_goes_on(pages: Path, tmp_path: Path) -> None:
    (pages / "junk.html").write_bytes(bytes(range(256)) * 40)
    (pages / "nav.html").write_text("<html><body><nav><a href='/'>Home</a><a href='/x'>News</a></nav></body></html>")
    db = tmp_path / "n.db"
    res = run("ingest", str(pages), "--db", str(db))
    assert res.returncode == 1 and b"2 input(s) failed" in res.stderr and b"Traceback" not in res.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    reasons = dict(con.execute("SELECT source, reason FROM failures").fetchall())
    assert sorted(reasons.values()) == ["binary", "no-article"]
    res = run("failures", "--db", str(db))
    assert res.returncode == 0 and b"binary" in res.stdout


def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    d = tmp_path / "many"
    d.mkdir()
    for i in range(60):
        write_page(d, f"p{i:03d}", f"Harbour report number {i}",
                   f"Report {i}: the harbour authority said on Monday that inspections of berth {i} found no "
                   f"further damage, and that traffic would resume once divers had checked the channel.")
    db = tmp_path / "n.db"
    proc = subprocess.Popen([sys.executable, "-m", "newstrace", "ingest", str(d), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some, but not necessarily all, pages are stored
        try:
            n = sqlite3.connect(db).execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= 5 or proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    res = run("ingest", str(d), "--db", str(db))
    assert res.returncode == 0, res.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 60
    assert con.execute("SELECT count(*) FROM revisions").fetchone()[0] == 60
    assert con.execute("SELECT count(DISTINCT source) FROM inputs WHERE status='ok'").fetchone()[0] == 60


def test_malformed_search_is_one_line(pages: Path, tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    run("ingest", str(pages), "--db", str(db))
    res = run("search", '"unbalanced', "--db", str(db))
    assert res.returncode == 2 and b"FTS5" in res.stderr and b"Traceback" not in res.stderr
    assert len(res.stderr.decode().strip().splitlines()) <= 3  # Rich may wrap one long line


def test_page_content_cannot_inject_terminal_markup(tmp_path: Path) -> None:
    d = tmp_path / "p"
    d.mkdir()
    write_page(d, "evil", "[bold red]Pwned[/bold red] [link=file:///etc/passwd]x[/link]",
               "A perfectly ordinary first paragraph about the harbour spill, long enough to be kept as body text "
               "by any extractor that reads the page, [blink]with markup[/blink] inside it.")
    db = tmp_path / "n.db"
    run("ingest", str(d), "--db", str(db))
    res = run("search", "harbour", "--db", str(db), env={"COLUMNS": "300"})
    assert b"[bold red]Pwned[/bold red]" in res.stdout
    res = run("show", "1", "--db", str(db), env={"COLUMNS": "300"})
    assert b"[blink]with markup[/blink]" in res.stdout


def test_store_location_from_environment(pages: Path, tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    res = run("ingest", str(pages / "spill-0.html"), env={"NEWSTRACE_DB": str(db)})
    assert res.returncode == 0 and db.exists()
    home = tmp_path / "home"
    res = run("ingest", str(pages / "spill-0.html"), env={"NEWSTRACE_HOME": str(home)})
    assert res.returncode == 0 and (home / "newstrace.db").exists()


def test_version() -> None:
    from importlib.metadata import version

    for flag in ("--version", "-V"):
        res = CliRunner().invoke(app, [flag])
        assert res.exit_code == 0 and res.stdout == f"newstrace {version('newstrace')}\n", res.output
    res = run("--version")
    assert res.returncode == 0 and res.stdout.decode().startswith("newstrace ")


def test_help_shows_flags_as_flags() -> None:
    """This typer prints a ``<bool>`` type beside every flag, as if it took a value."""
    import typer.main

    runner = CliRunner(env={"COLUMNS": "200"})
    names = list(typer.main.get_group(app).commands)
    assert len(names) >= 14
    for args in [["--help"], *([name, "--help"] for name in names)]:
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        assert "<bool>" not in res.stdout, args
    ingest_help = runner.invoke(app, ["ingest", "--help"]).stdout
    assert "--no-claims" in ingest_help and "<str>" in ingest_help  # options with values keep their type


def test_failures_as_jsonl(tmp_path: Path) -> None:
    from newstrace.models import Failure
    from newstrace.store import Store

    db = tmp_path / "n.db"
    with Store(db) as store:
        store.record_failure(Failure("pages/empty.html", "ingest", "empty", "pages/empty.html: the file is empty"))
    runner = CliRunner()
    res = runner.invoke(app, ["failures", "--format", "jsonl", "--db", str(db)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(recs) == 1
    assert list(recs[0]) == ["source", "stage", "reason", "message", "attempts", "first_seen", "last_seen",
                             "resolved_at"]
    r = recs[0]
    assert (r["source"], r["stage"], r["reason"], r["attempts"]) == ("pages/empty.html", "ingest", "empty", 1)
    assert r["first_seen"] == r["last_seen"] and r["resolved_at"] is None
    table = runner.invoke(app, ["failures", "--db", str(db)])
    assert table.exit_code == 0 and "1 failure(s)" in table.stdout
