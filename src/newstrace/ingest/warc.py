"""WARC archives (plain or gzip): one RawInput per HTML ``response`` record.

fastwarc reads the archive as a stream, record by record, so an archive of any size is fine;
only one record's payload is in memory at a time, and a payload over ``max_input_bytes``
is refused as ``too-large`` without being kept.

fastwarc does not report a cut-off archive: it hands out the last record with whatever
bytes were there. So every record's block is measured against its ``Content-Length``,
and a short one ends the archive with a ``truncated`` Failure (a header claiming 100 GB
ends it so too, after reading what is there, in chunks). A record header that does not
parse, garbage between or after records, and a gzip member that does not inflate make
fastwarc raise ``OSError``; that is reported as ``bad-warc``. Either way the records before
the damage have been yielded: a half-valid archive gives its valid documents and one
Failure for the rest.

A ``Content-Length`` that is wrong but not past the end shifts the next header, which then
does not parse (``bad-warc``); the record itself is caught when it carries a
``WARC-Block-Digest`` (as crawlers write them), which is checked for every document
(``bad-digest``).

A compressed archive is read as a stream and may be far larger than memory, but not a
decompression bomb: once more than :data:`_INFLATION_FLOOR` bytes have come out of it, it
may not have inflated more than :data:`MAX_INFLATION` times what was read (``too-large``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import zlib
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from typing import Any, BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newstrace.errors import InputError
from newstrace.ingest.detect import detect_kind, is_html_type
from newstrace.ingest.files import gunzip_bytes
from newstrace.models import Failure, RawInput

_CHUNK = 1024 * 1024
#: HTTP headers longer than this are not a web page's (real ones are a few KB).
_MAX_HTTP_HEAD = 64 * 1024
#: How many times its compressed size an archive may inflate to. Crawl archives compress 3
#: to 10 times (HTML, images already compressed); 100 leaves room for odd records, while a
#: gzip bomb of zeros inflates about 1,000 times.
MAX_INFLATION = 100
#: The ratio is checked only once this much has come out, so small archives of repetitive
#: records never trip it.
_INFLATION_FLOOR = 256 * 1024 * 1024
_DIGESTS = {"sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256", "md5": "md5"}


class _Truncated(Exception):
    pass


class _Bomb(Exception):
    pass


class _Counted:
    """A binary stream that counts the bytes read from it (compressed bytes, for a .warc.gz)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self.count += len(data)
        return data

    def __getattr__(self, name: str) -> Any:  # tell() and the rest, as the stream has them
        return getattr(self._stream, name)


class _Blocks:
    """Reads records' blocks in chunks, watching how far the archive has inflated."""

    def __init__(self, raw: _Counted) -> None:
        self._raw = raw
        self.inflated = 0

    def _took(self, n: int) -> None:
        self.inflated += n
        if self.inflated > _INFLATION_FLOOR and self.inflated > MAX_INFLATION * max(self._raw.count, 1):
            raise _Bomb(f"{self._raw.count:,} bytes inflated to over {self.inflated:,}")

    def read(self, record: WarcRecord, n: int) -> bytes:
        """Up to ``n`` bytes of the record's block (fewer only at its end)."""
        parts: list[bytes] = []
        got = 0
        while got < n:
            chunk = record.reader.read(min(_CHUNK, n - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
            self._took(len(chunk))
        return b"".join(parts)

    def drain(self, record: WarcRecord) -> int:
        """Skip the rest of a record's block; the number of bytes skipped."""
        n = 0
        while chunk := record.reader.read(_CHUNK):
            n += len(chunk)
            self._took(len(chunk))
        return n


def _digest_matches(record: WarcRecord, block: bytes) -> bool:
    """False when the record's ``WARC-Block-Digest`` is readable and does not match ``block``."""
    algo, _, encoded = (record.headers.get("WARC-Block-Digest") or "").strip().partition(":")
    name = _DIGESTS.get(algo.strip().lower())
    if name is None or not encoded.strip():
        return True  # none, or one this reader does not know: nothing to check
    h = hashlib.new(name, block)
    encoded = encoded.strip()
    try:
        if len(encoded) == 2 * h.digest_size:
            expected = bytes.fromhex(encoded)
        else:
            expected = base64.b32decode(encoded.upper() + "=" * (-len(encoded) % 8))
    except (ValueError, binascii.Error):
        return True
    return h.digest() == expected


def _expected_length(record: WarcRecord, index: int) -> int:
    declared = record.headers.get("Content-Length")
    if record.record_type == WarcRecordType.no_type or not declared or not declared.strip().isdigit():
        # fastwarc makes a record of a header cut off before its end: the archive stops here.
        raise _Truncated(f"record {index} has an incomplete header")
    return int(declared)


def _check_complete(got: int, expected: int, index: int) -> None:
    if got < expected:
        raise _Truncated(f"record {index} holds {got:,} of its {expected:,} bytes")


def _split_http(block: bytes) -> tuple[int, http.client.HTTPMessage, int] | None:
    """Status, headers and header length of an HTTP response at the start of ``block``."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
    if end < 0:
        return None
    status_line, _, rest = block[:end].partition(b"\n")
    parts = status_line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return None
    try:
        headers = http.client.parse_headers(BytesIO(rest + b"\r\n\r\n"))
    except http.client.HTTPException:  # over 100 headers, or a line over 64 KB
        return None
    return int(parts[1]), headers, end + sep


def _dechunk(data: bytes) -> bytes:
    """Undo HTTP chunked transfer coding (crawlers often store responses as received)."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        line_end = data.find(b"\n", pos)
        if line_end < 0:
            break
        size_text = data[pos:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return data  # not really chunked: keep the bytes as they are
        if size == 0:
            break
        start = line_end + 1
        out += data[start : start + size]
        pos = start + size + 2  # skip the CRLF after the chunk
    return bytes(out)


def _inflate(payload: bytes, limit: int, source: str) -> bytes:
    """HTTP ``deflate``: zlib-wrapped per the RFC, raw deflate from some servers."""
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        try:
            out = zlib.decompressobj(wbits).decompress(payload, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit:
            raise InputError(f"{source}: the inflated page is larger than {limit:,} bytes", reason="too-large")
        return out
    raise InputError(f"{source}: the deflate payload does not inflate", reason="bad-encoding")


def _decode_payload(payload: bytes, headers: http.client.HTTPMessage, limit: int, source: str) -> bytes:
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        payload = _dechunk(payload)
    coding = (headers.get("Content-Encoding") or "").strip().lower()
    if coding in ("gzip", "x-gzip"):
        return gunzip_bytes(payload, limit, source)
    if coding == "deflate":
        return _inflate(payload, limit, source)
    if coding not in ("", "identity"):
        raise InputError(f"{source}: payload has unsupported Content-Encoding {coding!r}", reason="bad-encoding")
    return payload


def _response(
    source: str, index: int, record: WarcRecord, limit: int, skipped: Counter[str], blocks: _Blocks
) -> Iterator[RawInput | Failure]:
    """The RawInput (or Failure) of one ``response`` record, or nothing for a non-HTML one."""
    expected = _expected_length(record, index)
    name = f"{source}#record-{index}"
    head = blocks.read(record, min(expected, _MAX_HTTP_HEAD))
    parsed = _split_http(head)
    if parsed is None:
        _check_complete(len(head) + blocks.drain(record), expected, index)
        skipped["not-http"] += 1
        return
    status, headers, head_len = parsed
    media = headers.get_content_type() if headers.get("Content-Type") else None
    html = is_html_type(media) if media else detect_kind(head[head_len:]) == "html"
    if not html or not 200 <= status < 300:
        _check_complete(len(head) + blocks.drain(record), expected, index)
        skipped[f"http-{status}" if html else (media or "unknown-type")] += 1
        return
    if expected - head_len > limit:
        _check_complete(len(head) + blocks.drain(record), expected, index)
        yield Failure(name, "ingest", "too-large", f"{name}: the record's page is larger than {limit:,} bytes")
        return
    block = head + blocks.read(record, expected - len(head))
    _check_complete(len(block), expected, index)
    if not _digest_matches(record, block):
        why = f"{name}: the record does not match its WARC-Block-Digest (a wrong Content-Length, or damage)"
        yield Failure(name, "ingest", "bad-digest", why)
        return
    try:
        payload = _decode_payload(block[head_len:], headers, limit, name)
    except InputError as exc:
        yield Failure(name, "ingest", exc.reason, exc.message)
        return
    yield RawInput(
        source=name,
        data=payload,
        kind="html",
        url=(record.headers.get("WARC-Target-URI") or "").strip("<> ") or None,
        encoding=headers.get_content_charset(),
        content_type=media,
        fetched_at=record.headers.get("WARC-Date"),
    )


def iter_warc(
    source: str, stream: BinaryIO, limit: int, skipped: Counter[str] | None = None
) -> Iterator[RawInput | Failure]:
    """Yield a RawInput per HTML response record of the WARC (plain or gzip) in ``stream``.

    Records that are not HTML responses (requests, metadata, images, redirects) are skipped
    and counted in ``skipped`` by record type or media type. A truncated or corrupt archive
    yields the records before the damage, then one Failure naming the archive.
    """
    skipped = skipped if skipped is not None else Counter()
    raw = _Counted(stream)
    blocks = _Blocks(raw)
    index = -1
    try:
        for record in ArchiveIterator(raw, parse_http=False, record_types=WarcRecordType.any_type):
            index += 1
            if record.record_type == WarcRecordType.response:
                yield from _response(source, index, record, limit, skipped, blocks)
                continue
            expected = _expected_length(record, index)
            _check_complete(blocks.drain(record), expected, index)
            skipped[str(record.record_type).rsplit(".", 1)[-1]] += 1
    except _Truncated as exc:
        yield Failure(source, "ingest", "truncated", f"{source}: the archive is cut off: {exc}")
        return
    except _Bomb as exc:
        why = f"{source}: the archive inflates more than {MAX_INFLATION} times its size ({exc})"
        why += f"; stopped at record {index}"
        yield Failure(source, "ingest", "too-large", why)
        return
    except OSError as exc:  # fastwarc: invalid record header, gzip data error
        where = f"after record {index}" if index >= 0 else "at its start"
        yield Failure(source, "ingest", "bad-warc", f"{source}: the archive is corrupt {where} ({exc})")
        return
    except BaseException as exc:
        # fastwarc is Rust: a panic on input it did not expect surfaces as pyo3's
        # PanicException, a BaseException that would otherwise end the whole run.
        if type(exc).__name__ != "PanicException":
            raise
        where = f"after record {index}" if index >= 0 else "at its start"
        yield Failure(source, "ingest", "bad-warc", f"{source}: the WARC reader gave up {where} ({exc})")
        return
    if index < 0:
        yield Failure(source, "ingest", "bad-warc", f"{source}: holds no WARC record")
