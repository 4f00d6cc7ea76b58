"""The ``newstrace`` command line: thin over the Python API, rendered with Rich.

Exit status: 0 all went well, 1 some inputs failed (the count is printed) or a file or the
store could not be read or written, 2 usage error (a bad option or setting, a path that
cannot be what it must be). Errors print as one line, never a traceback: commands raise,
and :class:`_Group` (the app's group) prints. Page content is hostile: everything taken
from a page goes through ``Text`` or ``escape`` so that Rich markup in it is printed, not run.
"""

from __future__ import annotations

import errno
import json
import shlex
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer._click.exceptions import ClickException
from typer.core import TyperGroup, TyperOption

from newstrace.config import Settings, demo_db, load_settings
from newstrace.errors import NewstraceError, StoreError, UsageError
from newstrace.models import Article, Failure
from newstrace.pipeline import extract_many, ingest as run_ingest, sample_corpus_path
from newstrace.store import Store, export as run_export
from newstrace.store.export import EXPORT_FORMATS, failure_records

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


# -- the error boundary and the help of flags ----------------------------------------------

#: What to do after an OS error, by errno (the error itself says what failed).
_OS_HINTS = {
    errno.ENOENT: "check the path",
    errno.EACCES: "check the permissions, or choose another place",
    errno.EPERM: "check the permissions, or choose another place",
    errno.EROFS: "the file system is read-only: choose another place",
    errno.EISDIR: "it is a folder: give the path of a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a file is in the way",
    errno.ENOSPC: "the disk is full: free some space",
}


def _os_message(exc: OSError) -> str:
    reason = (exc.strerror or str(exc)).rstrip(".")
    text = f"{exc.filename}: {reason}" if exc.filename else reason
    hint = _OS_HINTS.get(exc.errno or 0)
    return f"{text}: {hint}" if hint else text


def _fail(exc: NewstraceError) -> NoReturn:
    err.print(Text(f"error: {' '.join(exc.message.split())}", style="red"))
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


def _plain_flags(params: list[Any]) -> None:
    """Show flags as flags in help: this typer prints ``<bool>`` beside each, as if it took a value."""
    for p in params:
        if isinstance(p, TyperOption) and p.is_flag and p.metavar is None:
            p.metavar = ""


class _Group(TyperGroup):
    """The ``newstrace`` group: every error a command meets (a newstrace error, a file that
    cannot be read or written, a store SQLite refuses) and every malformed command line
    prints one line, never a traceback; exit 2 for usage mistakes, 1 for the rest."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as exc:
            if not standalone_mode:
                raise
            if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help
                ctx = getattr(exc, "ctx", None)
                see = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
                err.print(Text(f"error: {' '.join(exc.format_message().split())}{see}", style="red"))
            sys.exit(exc.exit_code)
        except typer.Abort:  # end of input at a prompt
            if not standalone_mode:
                raise
            err.print(Text("error: aborted", style="red"))
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NewstraceError as exc:
            _fail(exc)
        except sqlite3.Error as exc:
            _fail(StoreError(f"the store failed: {exc}: check that it is a newstrace store you can write to, "
                             "and that no other program is writing to it"))
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # the reader went away (| head): typer exits quietly
            _fail(NewstraceError(_os_message(exc), reason="os-error"))

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        _plain_flags(params)
        return params

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            _plain_flags([*cmd.params, cmd.get_help_option(ctx)])
        return cmd


app = typer.Typer(
    name="newstrace",
    cls=_Group,
    help="Follow a developing news story: clean articles, attributed claims, and where they come from.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("newstrace")
        except PackageNotFoundError:  # run from a source tree that was never installed
            from newstrace import __version__ as v
        sys.stdout.write(f"newstrace {v}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_version,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Follow a developing news story: clean articles, attributed claims, and where they come from."""


DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="NEWSTRACE_DB", help="SQLite store file (default: $NEWSTRACE_HOME/newstrace.db)."),
]
ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="TOML settings file.")]
AsOption = Annotated[
    str, typer.Option("--as", help="Read inputs as: auto, html, text (page dump) or body (already clean).")
]
PublishedOption = Annotated[
    Optional[str], typer.Option("--published", help="Publication date YYYY-MM-DD (wins over the page's own).")
]
AllowPrivate = Annotated[
    bool, typer.Option("--allow-private", help="Allow fetching from private, loopback and link-local addresses.")
]


def _settings(db: Path | None, config: Path | None, allow_private: bool = False) -> Settings:
    return load_settings(config, db=db, allow_private=allow_private or None)


def _check_db_path(path: Path) -> None:
    """Raise a UsageError when the store path cannot be a file: a folder, or under a file."""
    if path.is_dir():
        raise UsageError(f"the store path {path} is a folder: give the path of a store file (--db or "
                         f"NEWSTRACE_DB), such as {path / 'newstrace.db'}")
    above = path.parent
    while not above.exists() and above != above.parent:
        above = above.parent
    if above.exists() and not above.is_dir():
        raise UsageError(f"cannot use the store {path}: {above} is a file, not a folder")


def _store(settings: Settings, *, readonly: bool = False) -> Store:
    """The store the settings name, opened (and created, unless ``readonly``)."""
    _check_db_path(settings.db)
    try:
        return Store(settings.db, readonly=readonly)
    except OSError as exc:
        raise StoreError(f"cannot open the store at {settings.db}: {_os_message(exc)}") from exc


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise UsageError(f"--format must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {value!r}")
    return value


def _check_as(value: str) -> str:
    if value not in ("auto", "html", "text", "body"):
        raise UsageError(f"--as must be auto, html, text or body, not {value!r}")
    return value


def _check_date(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"{name} must be a date as YYYY-MM-DD, not {value!r}") from exc


# -- extract -------------------------------------------------------------------------
@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, '-' for stdin, WARC, feeds or URLs.")],
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, json or text.")] = "jsonl",
    as_: AsOption = "auto",
    published: PublishedOption = None,
    allow_private: AllowPrivate = False,
    config: ConfigOption = None,
) -> None:
    """Extract clean articles and print them (one JSON object per input with --format jsonl)."""
    _check_format(format, ("jsonl", "json", "text"))
    settings = _settings(None, config, allow_private)
    items = extract_many(paths, as_=_check_as(as_), published=_check_date(published, "--published"),
                         settings=settings)
    failed = 0
    # The bar goes to stderr and only to a terminal: stdout stays clean JSON for pipes.
    with Progress(SpinnerColumn(), TextColumn("extracting"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("extract", total=None)
        for item in items:
            failed += isinstance(item, Failure)
            _print_extracted(item, format)
            if isinstance(item, Failure):
                err.print(Text(f"failed: {item.source}: {item.reason}: {item.message}", style="yellow"))
            progress.advance(task)
    if failed:
        err.print(Text(f"{failed} input(s) failed", style="red"))
        raise typer.Exit(1)


def _print_extracted(item: Article | Failure, fmt: str) -> None:
    rec = item.to_record()
    if fmt == "jsonl":
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    elif fmt == "json":
        sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2) + "\n")
    elif isinstance(item, Article):
        _print_article(item)


def _print_article(a: Article, header: dict[str, Any] | None = None) -> None:
    out.rule(Text(a.title or "(no title)", style="bold"))
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="dim")
    meta.add_column()
    rows = {**(header or {}), "source": a.source, "url": a.url, "outlet": a.outlet,
            "authors": ", ".join(a.authors), "e-mails": ", ".join(a.emails), "published": a.published,
            "section": " > ".join(a.section), "language": a.language}
    for k, v in rows.items():
        if v:
            meta.add_row(k, Text(str(v)))
    out.print(meta)
    for c in a.captions:
        out.print(Text("caption: ", style="dim") + Text(c.text) + Text(f" [{c.credit}]" if c.credit else "", style="dim"))
    out.print()
    for p in a.paragraphs:
        out.print(Text(p))
        out.print()


# -- ingest --------------------------------------------------------------------------
@app.command()
def ingest(
    sources: Annotated[Optional[list[str]], typer.Argument(help="Files, folders, globs, '-', WARC, feeds, URLs or URL lists.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Ingest the sample corpus that ships with newstrace.")] = False,
    as_: AsOption = "auto",
    published: PublishedOption = None,
    allow_private: AllowPrivate = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch URLs again even when already stored.")] = False,
    no_claims: Annotated[bool, typer.Option("--no-claims", help="Skip attributed-claim extraction (faster).")] = False,
    no_link: Annotated[bool, typer.Option("--no-link", help="Skip finding copies, stories and claim groups (run `newstrace link` later).")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", min=0, max=64, help="Worker processes that extract and analyse side by side (default: the workers setting; 0: one per core).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Read, extract and store articles with their attributed claims, then link them into
    copies, stories and claim groups. Re-running skips what is stored; a killed run resumes."""
    settings = _settings(db, config, allow_private).with_(workers=workers)
    srcs = list(sources or [])
    if sample:
        srcs.append(str(sample_corpus_path()))
    if not srcs:
        raise UsageError("give at least one source to ingest (or --sample)")
    report = _ingest_with_progress(srcs, settings, _check_as(as_), _check_date(published, "--published"),
                                   refresh=refresh, claims=not no_claims, link=not no_link)
    _summarise(report, settings.db)
    if report.failed:
        raise typer.Exit(1)


def _ingest_with_progress(
    srcs: list[str], settings: Settings, as_: str, published: str | None, *, refresh: bool = False,
    claims: bool = True, link: bool = True,
) -> Any:
    columns = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[last]}", style="dim")]
    with _store(settings) as store, Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("ingesting", total=None, last="")

        def tick(event: str, source: str) -> None:
            progress.update(task, advance=1, last=escape(f"{event}: {source[-60:]}"))

        return run_ingest(srcs, store, settings=settings, as_=as_, published=published, on_progress=tick,
                          refresh=refresh, command="ingest " + " ".join(srcs), claims=claims, link=link)


def _summarise(report: Any, db: Path) -> None:
    t = Table(title=f"ingest into {escape(str(db))}")
    for col in ("added", "revised", "unchanged", "skipped", "failed"):
        t.add_column(col, justify="right")
    t.add_row(*[str(v) for v in report.counts().values()])
    out.print(t)
    if report.linked is not None:
        out.print(f"linked {report.linked.articles} article(s): {report.linked.copies} copy relation(s), "
                  f"{report.linked.regrouped} stor{'y' if report.linked.regrouped == 1 else 'ies'} updated")
    for f in report.failures:
        err.print(Text(f"failed: {f.source}: {f.reason}: {f.message}", style="yellow"))
    if report.failed:
        err.print(Text(f"{report.failed} input(s) failed; see `newstrace failures`", style="red"))


# -- claims --------------------------------------------------------------------------
@app.command()
def claims(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Inputs to analyse; without any, query the store.")] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="jsonl (inputs, default) or table (store, default).")] = None,
    as_: AsOption = "auto",
    published: PublishedOption = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Store query: said by, or relayed through, this source.")] = None,
    about: Annotated[Optional[str], typer.Option("--about", help="Store query: FTS5 query over the claim's content.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Store query: statement made on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Store query: statement made on or before YYYY-MM-DD.")] = None,
    stance: Annotated[Optional[str], typer.Option(help="Store query: asserted or denied.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Attributed claims: who said what, citing whom, when. With PATHs, analyse those inputs
    (one JSON object per input: path, text, claims, error); without, query the stored claims."""
    failed = 0
    if paths:
        fmt = format or "jsonl"
        if fmt not in ("jsonl", "json"):
            raise UsageError(f"--format must be jsonl or json for inputs, not {fmt!r}")
        failed = _claims_of_inputs(paths, fmt, _check_as(as_), _check_date(published, "--published"),
                                   _settings(None, config))
    else:
        fmt = _check_format(format or "table", ("table", "jsonl"))
        if stance not in (None, "asserted", "denied"):
            raise UsageError(f"--stance must be asserted or denied, not {stance!r}")
        since, until = _check_date(since, "--since"), _check_date(until, "--until")
        with _store(_settings(db, config), readonly=True) as store:
            found = store.claims(source=source, about=about, since=since, until=until, stance=stance,
                                 limit=limit)
        _print_stored_claims(found, fmt)
    if failed:
        err.print(Text(f"{failed} input(s) failed", style="red"))
        raise typer.Exit(1)


def _claims_of_inputs(paths: list[str], fmt: str, as_: str, published: str | None, settings: Settings) -> int:
    failed = 0
    # extraction and the claims stage under the settings' budgets, as ingest runs them
    for item in extract_many(paths, as_=as_, published=published, settings=settings, claims=True):
        if isinstance(item, Failure):
            failed += 1
            rec: dict[str, Any] = {"path": item.source, "text": "", "claims": [],
                                   "error": f"{item.reason}: {item.message}"}
            err.print(Text(f"failed: {item.source}: {item.reason}: {item.message}", style="yellow"))
        else:
            rec = {"path": item.source, "text": item.text, "claims": [c.to_record() for c in item.claims],
                   "error": None}
        sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2 if fmt == "json" else None) + "\n")
        sys.stdout.flush()
    return failed


def _print_stored_claims(found: list[Any], fmt: str) -> None:
    if fmt == "jsonl":
        for sc in found:
            sys.stdout.write(json.dumps(sc.to_record(), ensure_ascii=False) + "\n")
        return
    t = Table(title=f"{len(found)} claim(s)")
    for col in ("date", "source", "cue", "content", "chain", "stance", "article"):
        t.add_column(col, overflow="fold")
    for sc in found:
        c = sc.claim
        who = (c.source.entity or c.source.text) if c.source else ""
        t.add_row(c.date or sc.published or "", Text(who), Text(c.cue.text), Text(" … ".join(p.text for p in c.content)),
                  Text(" ← ".join(c.chain)), Text(c.stance, style="red" if c.stance == "denied" else ""),
                  Text(f"{sc.article_id} {sc.outlet or ''}"))
    out.print(t)


# -- search / show / export / failures / stats ---------------------------------------------
@app.command()
def search(
    query: Annotated[str, typer.Argument(help="FTS5 query: words, \"a phrase\", AND/OR/NOT, prefix*.")] = "",
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet.")] = None,
    author: Annotated[Optional[str], typer.Option(help="Only articles by an author whose name contains this.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    format: Annotated[str, typer.Option("--format", "-f", help="table or jsonl.")] = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Search stored articles."""
    _check_format(format, ("table", "jsonl"))
    with _store(_settings(db, config), readonly=True) as store:
        hits = store.search(query, outlet=outlet, author=author, since=_check_date(since, "--since"),
                            until=_check_date(until, "--until"), limit=limit, offset=offset)
    if format == "jsonl":
        for h in hits:
            rec = dict(h.__dict__, snippet=h.snippet.replace("\x02", "").replace("\x03", ""))
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return
    t = Table(title=f"{len(hits)} result(s)")
    for col in ("id", "published", "outlet", "title", "snippet"):
        t.add_column(col, overflow="fold")
    for h in hits:
        t.add_row(str(h.article_id), h.published or "", Text(h.outlet or ""), Text(h.title or ""), _snippet(h.snippet))
    out.print(t)


def _snippet(s: str) -> Text:
    """FTS5 snippet with \\x02/\\x03 around matches, turned into highlighted Text (no markup parsing)."""
    text = Text()
    bold = False
    for part in s.replace("\x03", "\x02").split("\x02"):
        text.append(part, style="bold yellow" if bold else "")
        bold = not bold
    return text


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(help="Article id (from search).")],
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Show one stored article."""
    _check_format(format, ("text", "json"))
    with _store(_settings(db, config), readonly=True) as store:
        sa = store.get(article_id)
    if format == "json":
        sys.stdout.write(json.dumps(sa.to_record(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_article(sa.article, {"id": sa.id, "revisions": len(sa.revisions), "story": sa.story_id,
                                    "copy of": sa.copy_of, "copies": ", ".join(map(str, sa.copies))})


@app.command("export")
def export_cmd(
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (stdout if omitted).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Export every stored article (current revision); CSV cells that a spreadsheet would run
    as formulas are written as text."""
    _check_format(format, EXPORT_FORMATS)
    with _store(_settings(db, config), readonly=True) as store:
        n = run_export(store, format, output)  # type: ignore[arg-type]
    if output:
        err.print(Text(f"exported {n} article(s) to {output}"))


@app.command()
def failures(
    all_: Annotated[bool, typer.Option("--all", help="Include failures that a later run resolved.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table, or jsonl (one JSON object per failure).")] = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List inputs that failed, with their reason."""
    _check_format(format, ("table", "jsonl"))
    with _store(_settings(db, config), readonly=True) as store:
        rows = failure_records(store, include_resolved=all_)
    if format == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    t = Table(title=f"{len(rows)} failure(s)")
    for col in ("source", "stage", "reason", "message", "attempts", "last seen"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(Text(r["source"]), r["stage"], r["reason"], Text(r["message"]), str(r["attempts"]), r["last_seen"])
    out.print(t)


@app.command()
def stats(db: DbOption = None, config: ConfigOption = None) -> None:
    """Counts of what the store holds."""
    with _store(_settings(db, config), readonly=True) as store:
        s = store.stats()
    t = Table(title="store")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k, v in s.items():
        t.add_row(k, str(v))
    out.print(t)


@app.command()
def demo(
    db: Annotated[Optional[Path], typer.Option(
        "--db", help="SQLite store file for the demo (default: $NEWSTRACE_HOME/demo.db, apart from your own store).",
    )] = None,
    serve: Annotated[bool, typer.Option("--serve", help="Then serve the workbench on 127.0.0.1 (Ctrl-C stops it).")] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port for --serve.")] = 8765,
    config: ConfigOption = None,
) -> None:
    """Ingest the sample corpus that ships with newstrace into a store of its own
    ($NEWSTRACE_HOME/demo.db unless --db), list what it holds, and with --serve open the
    workbench over it."""
    settings = _settings(db or demo_db(), config)
    report = _ingest_with_progress([str(sample_corpus_path())], settings, "auto", None)
    _summarise(report, settings.db)
    with _store(settings, readonly=True) as store:
        hits = store.search("", limit=50)
    t = Table(title="articles in the store")
    for col in ("id", "published", "outlet", "title"):
        t.add_column(col, overflow="fold")
    for h in hits:
        t.add_row(str(h.article_id), h.published or "", Text(h.outlet or ""), Text(h.title or ""))
    out.print(t)
    out.print(Text(f"The demo store is {settings.db}" + ("." if db else " (your own store is left alone).")))
    hint = Text(f"Next, each with --db {shlex.quote(str(settings.db))}: ")
    for i, cmd in enumerate(("search 'evacuat*'", "show 1", "claims --source 'Harbor Wire'", "stories",
                             "story 1 --claims --figures", "serve")):
        hint.append(", " if i else "")
        hint.append(f"newstrace {cmd}", style="bold")
    out.print(hint)
    if report.failed:
        raise typer.Exit(1)
    if serve:
        from newstrace.cli_serve import serve as run_serve

        out.print(f"Open http://127.0.0.1:{port}/ (the workbench over the sample corpus); Ctrl-C stops it.")
        run_serve(host="127.0.0.1", port=port, token=None, db=settings.db, config=config)


# the commands over links (stories, story, link, export-graph) register themselves on `app`
from newstrace import cli_links  # noqa: E402,F401
from newstrace import cli_serve  # noqa: E402,F401


def main() -> None:
    """Console-script entry point (errors are one line each: see :class:`_Group`)."""
    app()


if __name__ == "__main__":
    main()
