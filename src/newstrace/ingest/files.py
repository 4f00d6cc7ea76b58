"""Local inputs: paths, folders, glob patterns, stdin, and gzip, read within a size cap.

Nothing here reads more than ``limit + 1`` bytes of anything: a file larger than the cap is
refused from its ``stat`` size, a gzip stream is decompressed only up to the cap (so a gzip
bomb costs at most ``limit`` bytes of memory and the time to inflate them), and stdin is read
up to the cap. Errors are raised as :class:`InputError` with a stable ``reason``; the caller
turns them into ``Failure`` records.

Only regular files are read: a FIFO, socket or device (named, or met in a folder) is refused
as ``not-a-file`` after an ``open`` that cannot block, so a FIFO nobody writes to never hangs
a run. Folders are walked, and ``**`` patterns matched, without following symbolic links to
folders, so a link loop costs nothing. Names are made printable (:func:`printable_name`)
before they become an input's name.
"""

from __future__ import annotations

import fnmatch
import glob
import gzip
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
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
    """One file to read: ``name`` is how the user will recognise it, ``path`` where it is.

    ``problem`` is set for an entry that is known to be unreadable already (a folder the
    walk could not list): the caller reports it instead of reading.
    """

    name: str
    path: Path
    problem: InputError | None = None


#: what :func:`printable_name` escapes: control characters, line separators, and the lone
#: surrogates Python uses for bytes of a file name that are not UTF-8
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if "\udc80" <= c <= "\udcff":  # os.fsdecode's stand-in for the byte c - 0xdc00
        return f"\\x{ord(c) - 0xDC00:02x}"
    return c.encode("unicode_escape").decode("ascii")


def printable_name(name: str) -> str:
    """``name`` safe to print, store and encode as UTF-8, still telling files apart.

    A byte that is not UTF-8 becomes ``\\xNN`` and a control character (a newline, an
    escape sequence) ``\\xNN``, ``\\n`` or ``\\uNNNN``, so an error stays one line and a
    terminal prints it as it is. Ordinary names come back unchanged.
    """
    return _UNPRINTABLE.sub(_escape, name)


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def walk_folder(root: Path, name: str) -> list[LocalFile]:
    """Every non-hidden file under ``root``, recursively, sorted by path.

    Hidden folders are pruned during the walk rather than filtered after it, so a large
    ``.git`` or ``.cache`` inside an input folder costs nothing. Symbolic links to folders
    are not followed (no loops); a folder that cannot be listed becomes an entry with its
    ``problem``, so the caller reports it.
    """
    found: list[tuple[tuple[str, ...], LocalFile]] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        rel = where.relative_to(root) if where != root and where.is_relative_to(root) else Path()
        shown = printable_name(str(Path(name) / rel))
        problem = InputError(f"{shown}: the folder cannot be read ({exc.strerror or exc})", reason="unreadable")
        found.append((rel.parts, LocalFile(shown, where, problem)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in filenames:
            if fn.startswith("."):
                continue
            rel = Path(dirpath, fn).relative_to(root)
            found.append((rel.parts, LocalFile(printable_name(str(Path(name) / rel)), Path(dirpath, fn))))
    found.sort(key=lambda item: item[0])
    return [f for _, f in found]


def _glob_matches(parts: list[str], segments: list[str]) -> bool:
    """Whether path ``parts`` match glob ``segments`` (``**`` stands for any number of folders).

    As in ``glob``, a wildcard does not match a hidden name unless its segment starts with ``.``.
    """

    def skip_stars(states: set[int]) -> set[int]:  # ``**`` may match no folder at all
        todo = list(states)
        while todo:
            j = todo.pop()
            if j < len(segments) and segments[j] == "**" and j + 1 not in states:
                states.add(j + 1)
                todo.append(j + 1)
        return states

    states = skip_stars({0})
    for part in parts:
        after: set[int] = set()
        for j in states:
            if j == len(segments):
                continue
            seg = segments[j]
            visible = seg.startswith(".") or not part.startswith(".")
            if seg == "**":
                if visible:
                    after.add(j)
            elif visible and fnmatch.fnmatchcase(part, seg):
                after.add(j + 1)
        states = skip_stars(after)
        if not states:
            return False
    return len(segments) in states


def _walk_glob(pattern: str) -> Iterator[str]:
    """The paths a ``**`` pattern matches, named as ``glob.glob(recursive=True)`` names them,
    except that symbolic links to folders are not followed.

    ``glob`` follows them, so two links back to their own folder make it walk 2**40 paths;
    here the walk is ``os.walk``'s, which visits every real folder once.
    """
    parts = pattern.rstrip("/").split("/")
    fixed = 0
    while fixed < len(parts) - 1 and not (_GLOB_CHARS & set(parts[fixed])):
        fixed += 1
    base = "/".join(parts[:fixed]) or ("/" if pattern.startswith("/") else "")
    segments = parts[fixed:]
    hidden_wanted = any(seg.startswith(".") for seg in segments)
    root = base or "."
    for dirpath, dirnames, filenames in os.walk(root):
        if not hidden_wanted:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, root)
        prefix = [] if rel_dir == "." else rel_dir.split(os.sep)
        for entry in (*dirnames, *filenames):
            if _glob_matches([*prefix, entry], segments):
                rel = "/".join([*prefix, entry])
                yield os.path.join(base, rel) if base else rel


def _glob(pattern: str) -> list[str]:
    if "**" not in pattern:
        return sorted(glob.glob(pattern))  # no recursion, so no link loop to follow
    return sorted(set(_walk_glob(pattern)))


def expand_source(source: str) -> list[LocalFile]:
    """The files a path, folder or glob pattern names, in a stable order.

    Raises InputError ``not-found`` when nothing exists there, ``unreadable`` for a path that
    cannot be looked at (a symbolic link loop, a folder without permission on the way), and
    ``empty-folder`` for a folder (or pattern) that holds no readable file.
    """
    shown = printable_name(source)
    path = Path(source).expanduser()
    is_glob = bool(_GLOB_CHARS & set(source))
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:  # ELOOP, EACCES on a folder above it, ENAMETOOLONG
        if not is_glob:
            raise InputError(f"{shown}: cannot be read ({exc.strerror or exc})", reason="unreadable") from exc
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        files = walk_folder(path, source)
        if not files:
            raise InputError(f"{shown}: the folder holds no (non-hidden) files", reason="empty-folder")
        return files
    if st is not None:
        return [LocalFile(shown, path)]
    if not is_glob:
        what = "a broken symbolic link" if path.is_symlink() else "no such file or folder"
        raise InputError(f"{shown}: {what}", reason="not-found")
    matches = _glob(os.path.expanduser(source))
    if not matches:
        raise InputError(f"{shown}: no file matches this pattern", reason="not-found")
    found: list[LocalFile] = []
    seen: set[Path] = set()
    for m in matches:
        mp = Path(m)
        for f in walk_folder(mp, m) if mp.is_dir() else [LocalFile(printable_name(m), mp)]:
            if f.path not in seen:  # ``dir/**`` matches a folder and the files in it
                seen.add(f.path)
                found.append(f)
    if not found:
        raise InputError(f"{shown}: the pattern matches only empty folders", reason="empty-folder")
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


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def _not_regular(mode: int, source: str) -> InputError | None:
    if stat.S_ISREG(mode):
        return None
    what = "a folder" if stat.S_ISDIR(mode) else "a FIFO, socket or device"
    return InputError(f"{source}: is {what}, not a regular file; skipped", reason="not-a-file")


def open_regular(path: Path, source: str) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file.

    Raises InputError ``not-a-file`` for a FIFO, socket, device or folder, and lets OSError
    through. The open itself cannot block (a FIFO with no writer would otherwise hang here,
    were it put in the file's place after the check), and what was opened is checked again.
    """
    if problem := _not_regular(os.stat(path).st_mode, source):
        raise problem
    f = open(path, "rb", opener=_nonblocking)  # noqa: SIM115 (the caller closes it)
    if problem := _not_regular(os.fstat(f.fileno()).st_mode, source):
        f.close()
        raise problem
    return f


def read_file(path: Path, limit: int, source: str) -> bytes:
    """The bytes of a file, decompressed when it is gzip, within the size cap.

    The cap is checked against ``stat`` first so that a 200 MB file is refused without
    being read; a gzip file is also checked on its decompressed size as it inflates.
    """
    try:
        with open_regular(path, source) as f:
            if os.fstat(f.fileno()).st_size > limit:
                raise too_large(source, limit)
            if f.read(2) == GZIP_MAGIC:
                f.seek(0)
                return gunzip_capped(f, limit, source)
            f.seek(0)
            return read_capped(f, limit, source)
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file", reason="not-found") from exc
    except OSError as exc:  # no permission, a link loop, an I/O error
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})", reason="unreadable") from exc


def read_head(path: Path, n: int, source: str = "") -> bytes:
    """The first ``n`` bytes of a regular file (for detection)."""
    with open_regular(path, source or str(path)) as f:
        return f.read(n)


def read_stdin(limit: int) -> bytes:
    """All of stdin as bytes, within the size cap."""
    return read_capped(sys.stdin.buffer, limit, STDIN_NAME)
