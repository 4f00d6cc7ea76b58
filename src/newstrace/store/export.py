"""What newstrace writes out: every article as JSON Lines, CSV or Parquet, and any table as
CSV that a spreadsheet will not run.

Every CSV the project writes (``newstrace export``, the API's exports, the workbench's
downloads) goes through :func:`write_csv` or :func:`csv_text`, so each cell passes
:func:`safe_cell`: page text is hostile, and a title such as ``=HYPERLINK("http://x","y")``
must reach a spreadsheet as text, not as a formula. Files are written only to a path that
:func:`check_output` accepts, and a failed write is one :class:`NewstraceError` line.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from newstrace.errors import NewstraceError, UsageError
from newstrace.store.db import Store

ExportFormat = Literal["jsonl", "csv", "parquet"]
EXPORT_FORMATS = ("jsonl", "csv", "parquet")

#: Columns of the flat (CSV / Parquet) export; lists are joined with "; ".
FLAT_COLUMNS = [
    "id", "revision_id", "title", "authors", "emails", "published", "outlet", "section",
    "language", "url", "kind", "source", "captions", "text", "first_seen", "last_seen", "story_id", "copy_of",
]
#: Rows buffered per Parquet row group: keeps memory flat on big stores.
_PARQUET_BATCH = 1000
#: What a failure record holds (``newstrace failures --format jsonl``).
FAILURE_FIELDS = ("source", "stage", "reason", "message", "attempts", "first_seen", "last_seen", "resolved_at")

# -- formula-safe CSV --------------------------------------------------------------------------

#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"),
#: with the full-width forms some spreadsheets also take for them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula: a string starting with one of
    :data:`FORMULA_START` gets a leading single quote (the OWASP way); anything else is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(fh: IO[str], columns: list[str], rows: Iterable[dict[str, Any]], *, header: bool = True) -> int:
    """Write ``rows`` (keys outside ``columns`` ignored) as formula-safe CSV; returns the count."""
    w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    if header:
        w.writeheader()
    n = 0
    for r in rows:
        w.writerow({k: safe_cell(v) for k, v in r.items()})
        n += 1
    return n


def csv_text(columns: list[str], rows: Iterable[dict[str, Any]], *, header: bool) -> str:
    """:func:`write_csv` into a string (a download, or one chunk of a streamed one)."""
    buf = io.StringIO()
    write_csv(buf, columns, rows, header=header)
    return buf.getvalue()


# -- output files ------------------------------------------------------------------------------


def check_output(path: Path, *, store_path: Path | None = None) -> None:
    """Raise a UsageError unless ``path`` can be a file to write: not a folder, in a folder
    that exists, not the store itself."""
    if path.is_dir():
        raise UsageError(f"the output {path} is a folder: give the path of a file to write")
    parent = path.parent
    if not parent.is_dir():
        above = parent
        while not above.exists() and above != above.parent:
            above = above.parent
        if above.exists() and not above.is_dir():
            raise UsageError(f"cannot write {path}: {above} is a file, not a folder")
        raise UsageError(f"cannot write {path}: the folder {parent} does not exist; create it first")
    if store_path is not None and path.exists() and path.resolve() == Path(store_path).resolve():
        raise UsageError(f"the output {path} is the store itself: choose another file")


def _cannot_write(path: Path, exc: OSError) -> NewstraceError:
    reason = (exc.strerror or str(exc)).rstrip(".")
    return NewstraceError(f"cannot write {path}: {reason}: choose a place you can write to", reason="cannot-write")


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn an OS error while opening or writing ``path`` into one NewstraceError line."""
    try:
        yield
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def write_output(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, checked by :func:`check_output` first."""
    check_output(path)
    with _writing(path):
        path.write_text(text, encoding="utf-8")


# -- articles ----------------------------------------------------------------------------------


def _flat(rec: dict[str, Any]) -> dict[str, Any]:
    out = {k: rec.get(k) for k in FLAT_COLUMNS}
    for k in ("authors", "emails"):
        out[k] = "; ".join(rec.get(k) or [])
    out["section"] = " > ".join(rec.get("section") or [])
    out["captions"] = "; ".join(
        c["text"] + (f" [{c['credit']}]" if c.get("credit") else "") for c in rec.get("captions") or []
    )
    return out


def _records(store: Store) -> Iterator[dict[str, Any]]:
    for sa in store.iter_articles():
        yield sa.to_record()


def export(store: Store, fmt: ExportFormat, output: Path | None) -> int:
    """Write every article to ``output`` (stdout when None, except Parquet). Returns the count.

    A bad output path (a folder, a missing folder, the store itself) is a UsageError before
    anything is read; a failed write a NewstraceError (reason ``cannot-write``)."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use jsonl, csv or parquet")
    if output is None:
        if fmt == "parquet":
            raise UsageError("Parquet export needs --output PATH (it is a binary file)")
        return _write(store, fmt, sys.stdout)
    check_output(output, store_path=store.path)
    with _writing(output):
        if fmt == "parquet":
            return _export_parquet(store, output)
        with open(output, "w", encoding="utf-8", newline="") as fh:
            return _write(store, fmt, fh)


def _write(store: Store, fmt: ExportFormat, fh: IO[str]) -> int:
    if fmt == "csv":
        return write_csv(fh, FLAT_COLUMNS, (_flat(rec) for rec in _records(store)))
    n = 0
    for rec in _records(store):
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _export_parquet(store: Store, output: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.int64() if c in ("id", "revision_id", "story_id", "copy_of") else pa.string()) for c in FLAT_COLUMNS])
    n = 0
    with pq.ParquetWriter(output, schema) as writer:
        batch: list[dict[str, Any]] = []
        for rec in _records(store):
            batch.append(_flat(rec))
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


# -- failures ----------------------------------------------------------------------------------


def failure_records(store: Store, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """The inputs that failed (:meth:`Store.failures`, newest first) as records with the
    fields of :data:`FAILURE_FIELDS`."""
    rows = store.failures(include_resolved=include_resolved)
    return [{k: r.get(k) for k in FAILURE_FIELDS} for r in rows]
