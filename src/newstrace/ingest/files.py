"""Local inputs: paths, folders, glob patterns, stdin, and gzip, read within a size cap.

Nothing here reads more than ``limit + 1`` bytes of anything: a file larger than the cap is
refused from its ``stat`` size, a gzip stream is decompressed only up to the cap, and stdin
is read up to the cap. Errors are raised as :class:`InputError` with a stable ``reason``;
the caller turns them into ``Failure`` records.
"""

from __future__ import annotations

import glob
import gzip
import os
import sys
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from newstrace.errors import InputError
from newstrace.ingest.detect import GZIP_MAGIC

STDIN_NAME = "<stdin>"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class LocalFile:
    """One file to read: ``name`` is how the user will recognise it, ``path`` where it is."""

    name: str
    path: Path


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def walk_folder(root: Path, name: str) -> list[LocalFile]:
    """Every non-hidden file under ``root``, recursively, sorted by path.

    Hidden folders are pruned during the walk rather than filtered after it, so a large
    ``.git`` or ``.cache`` inside an input folder costs nothing.
    """
    found: list[tuple[tuple[str, ...], LocalFile]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            if fn.startswith("."):
                continue
            rel = Path(dirpath, fn).relative_to(root)
            found.append((rel.parts, LocalFile(str(Path(name) / rel), Path(dirpath, fn))))
    found.sort(key=lambda item: item[0])
    return [f for _, f in found]


def expand_source(source: str) -> list[LocalFile]:
    """The files a path, folder or glob pattern names, in a stable order.

    Raises InputError ``not-found`` when nothing exists there and ``empty-folder`` for a
    folder (or pattern) that holds no readable file.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        files = walk_folder(path, source)
        if not files:
            raise InputError(f"{source}: the folder holds no (non-hidden) files", reason="empty-folder")
        return files
    if path.exists() or not (_GLOB_CHARS & set(source)):
        if not path.exists():
            raise InputError(f"{source}: no such file or folder", reason="not-found")
        return [LocalFile(source, path)]
    matches = sorted(glob.glob(os.path.expanduser(source), recursive=True))
    if not matches:
        raise InputError(f"{source}: no file matches this pattern", reason="not-found")
    found: list[LocalFile] = []
    for m in matches:
        mp = Path(m)
        found.extend(walk_folder(mp, m) if mp.is_dir() else [LocalFile(m, mp)])
    if not found:
        raise InputError(f"{source}: the pattern matches only empty folders", reason="empty-folder")
    return found


def too_large(source: str, limit: int, what: str = "the input") -> InputError:
    return InputError(
        f"{source}: {what} is larger than the {limit:,}-byte cap (max_input_bytes); "
        "raise NEWSTRACE_MAX_INPUT_BYTES if it really is one page",
        reason="too-large",
    )


def read_capped(stream: BinaryIO, limit: int, source: str) -> bytes:
    """Read a stream to its end, refusing it once it goes past ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(source, limit)
    return data


def gunzip_capped(stream: BinaryIO, limit: int, source: str) -> bytes:
    """Decompress a gzip stream (all members) up to ``limit`` bytes of output.

    A stream that ends before its end-of-stream marker is ``truncated``; one whose data does
    not inflate is ``bad-gzip``.
    """
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as gz:
            data = gz.read(limit + 1)
    except EOFError as exc:
        raise InputError(f"{source}: the gzip stream is truncated ({exc})", reason="truncated") from exc
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise InputError(f"{source}: not a valid gzip stream ({exc})", reason="bad-gzip") from exc
    if len(data) > limit:
        raise too_large(source, limit, "the decompressed input")
    return data


def gunzip_bytes(data: bytes, limit: int, source: str) -> bytes:
    return gunzip_capped(BytesIO(data), limit, source)


def read_file(path: Path, limit: int, source: str) -> bytes:
    """The bytes of a file, decompressed when it is gzip, within the size cap.

    The cap is checked against ``stat`` first so that a 200 MB file is refused without
    being read; a gzip file is also checked on its decompressed size as it inflates.
    """
    try:
        size = path.stat().st_size
        if size > limit:
            raise too_large(source, limit)
        with path.open("rb") as f:
            if f.read(2) == GZIP_MAGIC:
                f.seek(0)
                return gunzip_capped(f, limit, source)
            f.seek(0)
            return read_capped(f, limit, source)
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file", reason="not-found") from exc
    except OSError as exc:  # a directory, no permission, an I/O error
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})", reason="unreadable") from exc


def read_head(path: Path, n: int) -> bytes:
    """The first ``n`` bytes of a file (for detection)."""
    with path.open("rb") as f:
        return f.read(n)


def read_stdin(limit: int) -> bytes:
    """All of stdin as bytes, within the size cap."""
    return read_capped(sys.stdin.buffer, limit, STDIN_NAME)
