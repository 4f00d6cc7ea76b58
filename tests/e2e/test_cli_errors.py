"""Ordinary mistakes with paths, permissions, formats and settings, in every command: one
``error: ...`` line on stderr and exit 2 (a usage mistake) or 1 (anything else), never a
traceback. Run in-process with Typer's CliRunner."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from newstrace.cli import app
from newstrace.store import Store

pytestmark = pytest.mark.e2e

#: commands that only read the store, with the arguments each needs
READERS = {
    "search": ["search", "harbour"],
    "show": ["show", "1"],
    "claims": ["claims"],
    "export": ["export"],
    "failures": ["failures"],
    "stats": ["stats"],
    "stories": ["stories"],
    "story": ["story", "1"],
    "export-graph": ["export-graph"],
}
#: commands that create or write the store (``{afile}`` is a file to ingest)
WRITERS = {
    "ingest": ["ingest", "{afile}", "--no-claims"],
    "link": ["link"],
    "demo": ["demo"],
    "serve": ["serve"],
}
#: every command that builds settings, with the arguments it needs
ALL = {**READERS, **WRITERS, "extract": ["extract", "{afile}"], "claims-of-inputs": ["claims", "{afile}"]}


class Paths:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = root / "news.db"
        Store(self.store).close()  # an empty newstrace store
        self.folder = root / "folder"
        self.folder.mkdir()
        self.afile = root / "page.txt"
        self.afile.write_text("Not much of a page.\n", encoding="utf-8")
        self.notdb = root / "notes.db"
        self.notdb.write_text("these are notes, not a SQLite file\n" * 20, encoding="utf-8")
        self.missing = root / "missing" / "deeper"

    def args(self, args: list[str]) -> list[str]:
        return [a.replace("{afile}", str(self.afile)) for a in args]


@pytest.fixture()
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    for var in [v for v in os.environ if v.startswith("NEWSTRACE_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("NEWSTRACE_HOME", str(tmp_path / "home"))
    # serve must never start listening here: every case below fails before it would
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("serve started"))
    return Paths(tmp_path)


def unwritable_dir(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (root ignores permissions: /sys then)."""
    if os.geteuid() != 0:
        d = tmp_path / "read-only"
        d.mkdir()
        d.chmod(0o555)
        return d
    if Path("/sys").is_dir() and not os.access("/sys/newstrace-test", os.F_OK):
        return Path("/sys")
    pytest.skip("no folder that root cannot write to")


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, args, env=env)


def one_line_error(r: Result, code: int, *words: str) -> str:
    """Assert exit ``code`` and exactly one stderr line, ``error: ...``, holding ``words``."""
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.exit_code == code, (r.exit_code, r.output)
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


# -- the store (--db) ---------------------------------------------------------------------------


@pytest.mark.parametrize("cmd", sorted({**READERS, **WRITERS}))
def test_db_is_a_folder(paths: Paths, cmd: str) -> None:
    args = {**READERS, **WRITERS}[cmd]
    one_line_error(invoke(paths.args(args) + ["--db", str(paths.folder)]), 2, "is a folder", str(paths.folder))


@pytest.mark.parametrize("cmd", sorted({**READERS, **WRITERS}))
def test_db_is_not_a_sqlite_file(paths: Paths, cmd: str) -> None:
    args = {**READERS, **WRITERS}[cmd]
    one_line_error(invoke(paths.args(args) + ["--db", str(paths.notdb)]), 1, str(paths.notdb), "not a database")


@pytest.mark.parametrize("cmd", sorted(READERS))
def test_reading_a_missing_store(paths: Paths, cmd: str) -> None:
    db = paths.missing / "x.db"
    one_line_error(invoke(paths.args(READERS[cmd]) + ["--db", str(db)]), 1, f"no store at {db}")
    assert not paths.missing.exists()
    # a file where a folder is expected
    one_line_error(invoke(paths.args(READERS[cmd]) + ["--db", str(paths.afile / "x.db")]), 2, "not a folder")


@pytest.mark.parametrize("cmd", sorted(WRITERS))
def test_creating_a_store_under_a_file(paths: Paths, cmd: str) -> None:
    db = paths.afile / "x.db"
    one_line_error(invoke(paths.args(WRITERS[cmd]) + ["--db", str(db)]), 2, str(paths.afile), "not a folder")


@pytest.mark.parametrize("cmd", ["ingest", "link", "demo"])
def test_creating_a_store_where_nothing_may_be_written(paths: Paths, cmd: str) -> None:
    db = unwritable_dir(paths.root) / "x.db"
    one_line_error(invoke(paths.args(WRITERS[cmd]) + ["--db", str(db)]), 1, str(db))


def test_the_store_from_the_environment_is_checked_too(paths: Paths) -> None:
    one_line_error(invoke(["stats"], env={"NEWSTRACE_DB": str(paths.folder)}), 2, "is a folder")
    # NEWSTRACE_HOME naming a file: the default store and the demo's cannot be made there
    env = {"NEWSTRACE_HOME": str(paths.afile)}
    one_line_error(invoke(["ingest", str(paths.afile), "--no-claims"], env=env), 2, "not a folder")
    one_line_error(invoke(["demo"], env=env), 2, "not a folder")


# -- output files -------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["export", "--format", "csv"], ["export", "--format", "jsonl"], ["export", "--format", "parquet"],
    ["export-graph", "--format", "graphml"], ["export-graph", "--format", "json"],
])
def test_output_paths(paths: Paths, args: list[str]) -> None:
    db = ["--db", str(paths.store)]
    cases: list[tuple[Path, int, str]] = [
        (paths.missing / "out.x", 2, "does not exist"),       # a missing folder
        (paths.folder, 2, "is a folder"),                      # a folder where a file is expected
        (paths.afile / "out.x", 2, "is a file, not a folder"),  # a file where a folder is expected
        (unwritable_dir(paths.root) / "out.x", 1, "cannot write"),  # a read-only location
    ]
    for output, code, words in cases:
        line = one_line_error(invoke(args + ["--output", str(output)] + db), code, words)
        assert str(output) in line
        assert not paths.missing.exists()
    if args[0] == "export":
        one_line_error(invoke(args + ["--output", str(paths.store)] + db), 2, "the store itself")


def test_exports_work_once_the_path_is_right(paths: Paths) -> None:
    for args, name in [(["export", "--format", "parquet"], "a.parquet"), (["export-graph"], "g.graphml")]:
        r = invoke(args + ["--output", str(paths.folder / name), "--db", str(paths.store)])
        assert r.exit_code == 0, r.output
        assert (paths.folder / name).is_file()


# -- settings (--config, NEWSTRACE_*) -----------------------------------------------------------


@pytest.mark.parametrize("cmd", sorted(ALL))
def test_config_file_mistakes(paths: Paths, cmd: str) -> None:
    args = paths.args(ALL[cmd]) + (["--db", str(paths.store)] if cmd not in ("extract", "claims-of-inputs") else [])
    bad_toml = paths.root / "bad.toml"
    bad_toml.write_text("fetch_timeout = \n")
    unknown = paths.root / "unknown.toml"
    unknown.write_text("fetch_timout = 3\n")
    out_of_range = paths.root / "range.toml"
    out_of_range.write_text("copy_window_days = 0\n")
    for config, words in [
        (paths.root / "nowhere.toml", "does not exist"),
        (paths.folder, "is a folder"),
        (bad_toml, "not valid TOML"),
        (unknown, "unknown setting 'fetch_timout'"),
        (out_of_range, "copy_window_days"),
    ]:
        one_line_error(invoke(args + ["--config", str(config)]), 2, words, str(config))


@pytest.mark.parametrize(("var", "value", "words"), [
    ("NEWSTRACE_FETCH_RETRIES", "lots", "fetch_retries"),
    ("NEWSTRACE_ALLOW_PRIVATE", "perhaps", "true or false"),
    ("NEWSTRACE_ENCODER", "bert", "one of none, minilm"),
    ("NEWSTRACE_STAGE_MEMORY_MB", "0", "stage_memory_mb"),
])
def test_bad_settings_in_the_environment(paths: Paths, var: str, value: str, words: str) -> None:
    for args in (["stats", "--db", str(paths.store)], ["extract", str(paths.afile)]):
        one_line_error(invoke(args, env={var: value}), 2, words, var, repr(value))


def test_an_unknown_encoder_is_refused_before_anything_is_stored(paths: Paths) -> None:
    db = paths.root / "new.db"
    one_line_error(invoke(["ingest", str(paths.afile), "--db", str(db)], env={"NEWSTRACE_ENCODER": "e5"}), 2,
                   "encoder")
    assert not db.exists()


# -- malformed command lines and formats ----------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), [
    (["show", "abc"], "article_id"),
    (["search", "--limit", "0"], "--limit"),
    (["stats", "--bogus"], "--bogus"),
    (["nonsense"], "nonsense"),
    (["serve", "--port", "http"], "--port"),
    (["export", "--format", "xlsx"], "--format"),
    (["search", "--format", "xml"], "--format"),
    (["show", "1", "--format", "yaml"], "--format"),
    (["failures", "--format", "csv"], "--format"),
    (["stories", "--format", "csv"], "--format"),
    (["story", "1", "--format", "csv"], "--format"),
    (["export-graph", "--format", "dot"], "--format"),
    (["extract", "{afile}", "--format", "xml"], "--format"),
    (["claims", "--format", "csv"], "--format"),
    (["export", "--format", "parquet"], "--output"),
    (["serve", "--host", "0.0.0.0"], "without a token"),
])
def test_malformed_command_lines(paths: Paths, args: list[str], words: str) -> None:
    db = [] if args[0] == "extract" else ["--db", str(paths.store)]
    one_line_error(invoke(paths.args(args) + db), 2, words)


def test_input_failures_are_reported_without_traceback(paths: Paths) -> None:
    for args in (["extract", str(paths.missing)], ["extract", str(paths.folder)],
                 ["ingest", str(paths.missing), "--no-claims", "--no-link", "--db", str(paths.store)]):
        r: Any = invoke(args)
        assert r.exit_code == 1 and "Traceback" not in r.output and "1 input(s) failed" in r.stderr
