"""Export the current revision of every article as JSON Lines, CSV or Parquet."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from newstrace.errors import UsageError
from newstrace.store.db import Store

ExportFormat = Literal["jsonl", "csv", "parquet"]

#: Columns of the flat (CSV / Parquet) export; lists are joined with "; ".
FLAT_COLUMNS = [
    "id", "revision_id", "title", "authors", "emails", "published", "outlet", "section",
    "language", "url", "kind", "source", "captions", "text", "first_seen", "last_seen", "story_id", "copy_of",
]
#: Rows buffered per Parquet row group: keeps memory flat on big stores.
_PARQUET_BATCH = 1000


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
    """Write every article to ``output`` (stdout when None, except Parquet). Returns the count."""
    if fmt == "parquet":
        if output is None:
            raise UsageError("Parquet export needs --output PATH (it is a binary file)")
        return _export_parquet(store, output)
    fh: IO[str] = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        n = 0
        if fmt == "jsonl":
            for rec in _records(store):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        elif fmt == "csv":
            w = csv.DictWriter(fh, fieldnames=FLAT_COLUMNS)
            w.writeheader()
            for rec in _records(store):
                w.writerow(_flat(rec))
                n += 1
        else:
            raise UsageError(f"unknown export format {fmt!r}: use jsonl, csv or parquet")
        return n
    finally:
        if output:
            fh.close()


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
