"""One export module writes every CSV the project writes, formula-safe: the command line's
export and the web's downloads of a hostile title come out the same, neutralised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.errors import NewstraceError, UsageError
from newstrace.models import Article, Failure
from newstrace.store import Store
from newstrace.store.export import (
    FAILURE_FIELDS,
    FORMULA_START,
    check_output,
    csv_text,
    export,
    failure_records,
    safe_cell,
    write_output,
)

TITLE = '=HYPERLINK("http://x","y")'


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    with Store(path) as store:
        store.add(Article(source="hostile.html", kind="html", title=TITLE, authors=["@Mallory"], outlet="+Outlet",
                          url="https://x.example/a", paragraphs=["-2+3 is how the body opens.", "Plain text."]),
                  sha256="0" * 64)
    return path


def test_safe_cell_neutralises_every_formula_start_the_owasp_way() -> None:
    for start in FORMULA_START:
        assert safe_cell(start + "1+1") == "'" + start + "1+1"
    for full_width in ("\uff1dSUM(A1)", "\uff0b1", "\uff0d1", "\uff20A1"):  # ＝ ＋ － ＠
        assert safe_cell(full_width) == "'" + full_width
    assert safe_cell("\tcmd") == "'\tcmd" and safe_cell("\rcmd") == "'\rcmd"
    for kept in ("plain", "a=b", " x", "", 3, -3, 2.5, None):
        assert safe_cell(kept) == kept


def test_csv_text_quotes_and_neutralises() -> None:
    text = csv_text(["a", "b"], [{"a": TITLE, "b": "x,y", "c": "ignored"}], header=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{"a": "'" + TITLE, "b": "x,y"}]
    assert csv_text(["a"], [{"a": "1"}], header=False) == "1\r\n"


def _title_of(text: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    return rows[0]["title"]


def test_a_formula_title_comes_out_neutralised_from_the_cli_and_the_web(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    res = CliRunner().invoke(app, ["export", "--format", "csv", "--output", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    cli_file = out.read_text(encoding="utf-8")
    row = next(csv.DictReader(io.StringIO(cli_file)))
    assert row["title"] == "'" + TITLE and row["authors"] == "'@Mallory" and row["outlet"] == "'+Outlet"
    assert row["text"].startswith("'-2+3")
    res = CliRunner().invoke(app, ["export", "--format", "csv", "--db", str(db)])
    assert res.exit_code == 0 and _title_of(res.stdout) == "'" + TITLE
    # JSON Lines is data, not a spreadsheet: kept as stored
    res = CliRunner().invoke(app, ["export", "--format", "jsonl", "--db", str(db)])
    assert json.loads(res.stdout)["title"] == TITLE

    pytest.importorskip("httpx2")
    from fastapi.testclient import TestClient

    from newstrace.web import create_app

    with TestClient(create_app(db)) as c:
        api = c.get("/api/v1/export/articles", params={"format": "csv"})
        assert api.status_code == 200 and _title_of(api.text) == "'" + TITLE
        assert api.text.replace("\r\n", "\n") == cli_file.replace("\r\n", "\n")  # one writer, one output
        page = c.get("/search/results.csv")
        assert page.status_code == 200 and _title_of(page.text) == "'" + TITLE


def test_output_paths_are_checked_before_anything_is_written(db: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    for bad, words in [
        (tmp_path, "is a folder"),
        (tmp_path / "missing" / "x.csv", "does not exist"),
        (tmp_path / "afile" / "x.csv", "is a file, not a folder"),
    ]:
        with pytest.raises(UsageError, match=words):
            check_output(bad)
    with pytest.raises(UsageError, match="the store itself"):
        check_output(db, store_path=db)
    with Store(db, readonly=True) as store:
        with pytest.raises(UsageError, match="needs --output"):
            export(store, "parquet", None)
        with pytest.raises(UsageError, match="unknown export format"):
            export(store, "xml", tmp_path / "x.xml")  # type: ignore[arg-type]
        with pytest.raises(UsageError, match="is a folder"):
            export(store, "parquet", tmp_path)
        assert export(store, "parquet", tmp_path / "a.parquet") == 1


def test_a_failed_write_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a: object, **k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_text", refuse)
    with pytest.raises(NewstraceError) as exc:
        write_output(tmp_path / "g.graphml", "<graph/>")
    assert exc.value.reason == "cannot-write" and "Permission denied" in exc.value.message
    assert str(tmp_path / "g.graphml") in exc.value.message and not isinstance(exc.value, UsageError)


def test_failure_records_carry_first_and_last_seen(tmp_path: Path) -> None:
    with Store(tmp_path / "f.db") as store:
        store.record_failure(Failure("a.html", "extract", "no-article", "a.html: no article body"))
        store.record_failure(Failure("a.html", "extract", "no-article", "a.html: no article body"))
        recs = failure_records(store)
    assert len(recs) == 1 and tuple(recs[0]) == FAILURE_FIELDS
    r = recs[0]
    assert (r["source"], r["stage"], r["reason"], r["attempts"]) == ("a.html", "extract", "no-article", 2)
    assert r["first_seen"] and r["last_seen"] >= r["first_seen"] and r["resolved_at"] is None
