"""``newstrace claims``: the per-input contract, the store query, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app

pytestmark = pytest.mark.e2e

BODY = ("The Ostrian Fisheries Ministry said on Tuesday that the quota would not change.\n\n"
        "“We will [bold]not[/bold] back down,” Minister Lena Dorsk said.\n\n"
        "The Valden Herald reported, citing port officials, that 40 boats stayed in harbour.")


def test_body_is_kept_character_for_character(tmp_path: Path) -> None:
    path = tmp_path / "body.txt"
    path.write_text(BODY, encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", str(path), "--as", "body", "--published", "2025-06-12"])
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)
    assert rec["text"] == BODY and rec["error"] is None
    claims = rec["claims"]
    assert len(claims) >= 2
    assert claims[0]["date"] == "2025-06-10"
    for c in claims:
        parts = c["content"] if isinstance(c["content"], list) else [c["content"]]
        for sp in [c["cue"], c["source"], *parts]:
            assert BODY[sp["start"]:sp["end"]] == sp["text"]


def test_missing_input_exits_1_and_bad_usage_2(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["claims", str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]
    assert runner.invoke(app, ["claims", str(tmp_path), "--format", "csv"]).exit_code == 2
    assert runner.invoke(app, ["claims", "--since", "yesterday", "--db", str(tmp_path / "x.db")]).exit_code == 2


def test_query_the_store(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.txt").write_text(BODY, encoding="utf-8")
    db = str(tmp_path / "news.db")
    runner = CliRunner()
    ingest = runner.invoke(app, ["ingest", str(tmp_path / "pages"), "--as", "body", "--published", "2025-06-12",
                                 "--db", db])
    assert ingest.exit_code == 0, ingest.output
    result = runner.invoke(app, ["claims", "--source", "Fisheries", "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in result.stdout.splitlines()]
    assert recs and all("Fisheries" in r["source"]["entity"] for r in recs)
    about = runner.invoke(app, ["claims", "--about", "boats", "--db", db, "--format", "jsonl"])
    assert about.exit_code == 0, about.output
    assert [json.loads(line)["chain"] for line in about.stdout.splitlines()] == [["Valden Herald", "port officials"]]
    # page text with markup is printed, not interpreted
    table = runner.invoke(app, ["claims", "--source", "Dorsk", "--db", db], env={"COLUMNS": "400"})
    assert table.exit_code == 0, table.output
    assert "[bold]not[/bold]" in table.stdout
