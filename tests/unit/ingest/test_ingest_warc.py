"""WARC archives: HTML responses in, everything else skipped and counted, damage reported."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastwarc.warc import ArchiveIterator, WarcRecordType

from newstrace.config import Settings
from newstrace.ingest import IngestStats, iter_inputs
from newstrace.ingest.warc import iter_warc
from newstrace.models import Failure, RawInput

MakeWarc = Callable[..., None]


@pytest.mark.parametrize("gz", [True, False])
def test_html_responses_become_inputs(tmp_path: Path, settings: Settings, make_warc: MakeWarc, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    make_warc(path, gz=gz)
    stats = IngestStats()
    items = list(iter_inputs([str(path)], settings, stats=stats))
    assert all(isinstance(i, RawInput) for i in items)
    a, b = items
    assert isinstance(a, RawInput) and isinstance(b, RawInput)
    # record 0 is warcinfo, 1 the request, 2 story A, 3 the PNG, 4 the 404, 5 story B
    assert a.source == f"{path}#record-2"
    assert a.url == "https://news.example/a"
    assert a.kind == "html"
    assert a.content_type == "text/html"
    assert a.encoding == "utf-8"
    assert a.fetched_at == "2024-05-01T10:00:00Z"
    assert "é" * 50 in a.data.decode("utf-8")
    assert b.source == f"{path}#record-5"
    assert b.encoding == "iso-8859-1"
    assert b"<title>Story B</title>" in b.data  # Content-Encoding: gzip undone
    assert "café" in b.data.decode("latin-1")
    assert stats.documents == 2 and stats.failures == 0
    assert stats.skipped_records == {"warcinfo": 1, "request": 1, "image/png": 1, "http-404": 1, "metadata": 1}


def _record_starts(path: Path) -> list[int]:
    with path.open("rb") as f:
        return [r.stream_pos for r in ArchiveIterator(f, record_types=WarcRecordType.any_type)]


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_archive_yields_what_it_can_then_fails(
    tmp_path: Path, settings: Settings, make_warc: MakeWarc, gz: bool
) -> None:
    full = tmp_path / "full.warc"
    make_warc(full, gz=gz)
    starts = _record_starts(full)
    data = full.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    # cut in the middle of record 5 (story B): story A survives, B is lost
    cut.write_bytes(data[: starts[5] + (len(data) - starts[5]) // 3])
    items = list(iter_inputs([str(cut)], settings))
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert items[0].source == f"{cut}#record-2"
    fail = items[1]
    assert isinstance(fail, Failure)
    assert fail.source == str(cut)
    assert fail.reason == "truncated"
    assert "record 5" in fail.message


def test_archive_cut_inside_a_record_header(tmp_path: Path, settings: Settings, make_warc: MakeWarc) -> None:
    full = tmp_path / "full.warc"
    make_warc(full, gz=False)
    starts = _record_starts(full)
    cut = tmp_path / "cut.warc"
    cut.write_bytes(full.read_bytes()[: starts[3] + 20])
    items = list(iter_inputs([str(cut)], settings))
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert isinstance(items[1], Failure) and items[1].reason == "truncated"


def test_corrupt_archive_is_bad_warc(tmp_path: Path, settings: Settings, make_warc: MakeWarc) -> None:
    full = tmp_path / "full.warc"
    make_warc(full, gz=False)
    starts = _record_starts(full)
    data = full.read_bytes()
    bad = tmp_path / "bad.warc"
    bad.write_bytes(data[: starts[4]] + b"GARBAGE LINE\r\n" * 3 + data[starts[4] :])
    items = list(iter_inputs([str(bad)], settings))
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert isinstance(items[1], Failure) and items[1].reason == "bad-warc"
    assert items[1].source == str(bad)


def test_forced_warc_on_something_else(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "page.html"
    p.write_bytes(b"<html><body>not an archive</body></html>")
    (item,) = iter_inputs([str(p)], settings, kind="warc")
    assert isinstance(item, Failure) and item.reason == "bad-warc"


def test_record_over_the_cap_is_refused_and_the_rest_goes_on(
    tmp_path: Path, settings: Settings, make_warc: MakeWarc
) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_warc(path)
    # story A's page is 183 bytes, story B's 88: a 150-byte cap refuses A only
    items = list(iter_inputs([str(path)], settings.with_(max_input_bytes=150)))
    assert [(type(i).__name__, i.source) for i in items] == [
        ("Failure", f"{path}#record-2"),
        ("RawInput", f"{path}#record-5"),
    ]
    assert isinstance(items[0], Failure) and items[0].reason == "too-large"


def test_archive_larger_than_the_cap_is_streamed(tmp_path: Path, settings: Settings, make_warc: MakeWarc) -> None:
    path = tmp_path / "crawl.warc"
    make_warc(path, gz=False)
    cap = path.stat().st_size // 3  # smaller than the archive, larger than each page
    items = list(iter_inputs([str(path)], settings.with_(max_input_bytes=cap)))
    assert [type(i).__name__ for i in items] == ["RawInput", "RawInput"]


def test_warc_from_stdin_bytes(tmp_path: Path, settings: Settings, make_warc: MakeWarc) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_warc(path)
    items = list(iter_warc("<stdin>", BytesIO(path.read_bytes()), settings.max_input_bytes))
    assert [i.source for i in items] == ["<stdin>#record-2", "<stdin>#record-5"]


def test_gzipped_plain_warc_detected_inside_gzip(tmp_path: Path, settings: Settings, make_warc: MakeWarc) -> None:
    plain = tmp_path / "crawl.warc"
    make_warc(plain, gz=False)
    # one gzip member around the whole archive (not per record) also reads
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    items = list(iter_inputs([str(whole)], settings))
    assert [i.source for i in items] == [f"{whole}#record-2", f"{whole}#record-5"]


def _archive(tmp_path: Path, parts: SimpleNamespace, *http_blocks: bytes) -> Path:
    t = parts.types
    records = [parts.record(t.response, block, f"https://news.example/{i}") for i, block in enumerate(http_blocks)]
    path = tmp_path / "hand.warc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in records))
    return path


def test_chunked_payload_is_dechunked(tmp_path: Path, settings: Settings, warc_parts: SimpleNamespace) -> None:
    body = b"<html><body><p>chunked story</p></body></html>"
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
    (item,) = iter_inputs([str(_archive(tmp_path, warc_parts, block))], settings)
    assert isinstance(item, RawInput) and item.data == body


def test_html_without_content_type_is_sniffed(tmp_path: Path, settings: Settings, warc_parts: SimpleNamespace) -> None:
    html = b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n<!doctype html><html><body><p>x</p></body></html>"
    text = b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nplain words"
    stats = IngestStats()
    items = list(iter_inputs([str(_archive(tmp_path, warc_parts, html, text))], settings, stats=stats))
    assert [i.source.rsplit("#", 1)[1] for i in items] == ["record-0"]
    assert items[0].content_type is None
    assert stats.skipped_records == {"unknown-type": 1}


def test_unsupported_content_encoding_fails_that_record_only(
    tmp_path: Path, settings: Settings, warc_parts: SimpleNamespace
) -> None:
    br = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\n\x1b\x00\x00"
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>fine</p></html>"
    path = _archive(tmp_path, warc_parts, br, ok)
    items = list(iter_inputs([str(path)], settings))
    assert [(type(i).__name__, i.source) for i in items] == [
        ("Failure", f"{path}#record-0"),
        ("RawInput", f"{path}#record-1"),
    ]
    assert isinstance(items[0], Failure) and items[0].reason == "bad-encoding"
