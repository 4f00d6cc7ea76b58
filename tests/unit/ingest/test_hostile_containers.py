"""Hostile containers: every bad feed, archive, gzip stream, folder or URL list ends as a
Failure with a clear reason (never an exception, never a hang), and costs at most linear
time and bounded memory.

Every hostile input is built here, in tmp_path or in memory. Memory bounds are checked
with tracemalloc (Python-side allocations); nothing is timed.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import signal
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from fastwarc.warc import WarcRecord, WarcRecordType

from newstrace.config import Settings
from newstrace.errors import InputError
from newstrace.ingest import IngestStats, Skipped, iter_inputs
from newstrace.ingest.detect import MAX_LIST_URLS
from newstrace.ingest.feeds import MAX_FEED_ENTRIES, MAX_HINT_CHARS, EntryLink, parse_feed
from newstrace.ingest.files import gunzip_bytes
from newstrace.ingest.warc import iter_warc
from newstrace.models import Failure, RawInput

PAGE = b"<!doctype html><html><head><title>Fine</title></head><body><p>A fine page.</p></body></html>"
MiB = 1024 * 1024


def _run(sources: list[str], settings: Settings, **kw: object) -> list[RawInput | Failure | Skipped]:
    return list(iter_inputs(sources, settings, **kw))  # type: ignore[arg-type]


def _reasons(items: list[object]) -> list[str]:
    return [i.reason for i in items if isinstance(i, Failure)]


def _no_internal_errors(items: list[object]) -> None:
    assert "internal-error" not in _reasons(items)


@contextlib.contextmanager
def _peak_python_memory() -> Iterator[list[int]]:
    """Yields a list that holds, afterwards, the peak of Python allocations inside the block."""
    peak: list[int] = []
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


@contextlib.contextmanager
def _no_hang(seconds: int = 20) -> Iterator[None]:
    """Turn a hang (a blocking open of a FIFO) into a test failure instead of a stuck run."""

    def alarm(signum: int, frame: object) -> None:
        raise AssertionError("ingest blocked")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# -- feeds ---------------------------------------------------------------------------------

RSS_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'
LAUGHS = (
    RSS_HEAD
    + b'<!DOCTYPE rss [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
    + b"<description>&lol9;</description><link>http://a.test/x</link></item></channel></rss>"
)


def _rss(items: bytes) -> bytes:
    return RSS_HEAD + b'<rss version="2.0"><channel><title>t</title>' + items + b"</channel></rss>"


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "laughs.xml"
    p.write_bytes(LAUGHS)
    with _peak_python_memory() as peak:
        (item,) = _run([str(p)], settings.with_(max_input_bytes=MiB))  # reads allocate the cap up front
    assert isinstance(item, Failure) and item.reason == "unsafe-feed"
    assert "<!ENTITY" in item.message
    assert peak[0] < 20 * MiB  # expanded, &lol9; alone is 3 GB


def test_billion_laughs_in_utf16_is_refused_too() -> None:
    data = LAUGHS.replace(b'encoding="utf-8"', b'encoding="utf-16"').decode().encode("utf-16")
    (item,) = parse_feed("laughs16.xml", data)
    assert isinstance(item, Failure) and item.reason == "unsafe-feed"


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!ENTITY xxe SYSTEM "file://{secret}">',
        b'<!ENTITY % xxe SYSTEM "file://{secret}"> %xxe;',
        b'<!ENTITY xxe PUBLIC "-//x//y" "file://{secret}">',
    ],
)
def test_external_entities_are_never_read(tmp_path: Path, settings: Settings, declaration: bytes) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    decl = declaration.replace(b"{secret}", str(secret).encode())
    p = tmp_path / "xxe.xml"
    p.write_bytes(
        RSS_HEAD + b"<!DOCTYPE rss [" + decl + b"]>"
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        b"<description>&xxe;</description></item></channel></rss>"
    )
    items = _run([str(p)], settings)
    assert _reasons(items) == ["unsafe-feed"]
    assert all("TOP-SECRET" not in repr(i) for i in items)


def test_a_feed_body_naming_a_local_file_is_not_opened(tmp_path: Path, settings: Settings) -> None:
    secret_feed = tmp_path / "elsewhere.xml"
    secret_feed.write_bytes(_rss(b"<item><title>SECRET-ENTRY</title><link>http://a.test/s</link></item>"))
    p = tmp_path / "pointer.txt"
    p.write_bytes(str(secret_feed).encode())  # feedparser opens a file when handed its name
    items = _run([str(p)], settings, kind="feed")
    assert _reasons(items) == ["bad-feed"]
    assert all("SECRET" not in repr(i) for i in items)


@pytest.mark.parametrize(
    "garbage",
    [
        b'<rss version="2.0"><channel><title>t<item><title>x</titl><description>hi</description></item>',
        b'<rss version="2.0"><channel><item><title>a & b < c</title><link>http://a.test/1</link></item>',
        b'<?xml version="1.0" encoding="no-such-encoding"?><rss><channel><item><title>x</title></item>',
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>" + b"<x>" * 50_000 + b"</entry>",
        b"<rss>" + bytes(range(256)) * 10,
        b"<rss version='2.0'><channel>" + b"<item>" * 20_000,
        b"<?xml version='1.0'?><!DOCTYPE rss SYSTEM 'http://a.test/rss.dtd'><rss><channel>",
    ],
)
def test_malformed_feeds_end_in_failures_or_entries(tmp_path: Path, settings: Settings, garbage: bytes) -> None:
    p = tmp_path / "broken.rss"
    p.write_bytes(garbage)
    items = _run([str(p)], settings, skip_url=lambda source: True)  # nothing fetched
    assert items
    assert all(isinstance(i, RawInput | Failure | Skipped) for i in items)
    _no_internal_errors(items)


def test_a_feed_of_100000_entries_is_capped_and_says_so(tmp_path: Path, settings: Settings) -> None:
    entries = b"".join(b"<item><title>e%d</title><link>http://a.test/%d</link></item>" % (i, i) for i in range(100_000))
    items = list(parse_feed("big.xml", _rss(entries)))
    *kept, last = items
    assert len(kept) == MAX_FEED_ENTRIES
    assert all(isinstance(i, EntryLink) for i in kept)
    assert isinstance(kept[-1], EntryLink) and kept[-1].url == f"http://a.test/{MAX_FEED_ENTRIES - 1}"
    assert isinstance(last, Failure) and last.reason == "too-many-entries" and last.source == "big.xml"
    assert "100,000 entries" in last.message and f"{100_000 - MAX_FEED_ENTRIES:,} left out" in last.message


def test_an_atom_feed_over_the_cap_is_capped_too() -> None:
    entry = b'<entry><title>e%d</title><link href="http://a.test/%d"/></entry>'
    entries = b"".join(entry % (i, i) for i in range(1500))
    data = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>' + entries + b"</feed>"
    items = list(parse_feed("atom.xml", data))
    assert len(items) == MAX_FEED_ENTRIES + 1
    assert isinstance(items[-1], Failure) and "500 left out" in items[-1].message


def test_huge_entry_content_and_title(tmp_path: Path, settings: Settings) -> None:
    body = b"<p>" + b"word " * 2_000_000 + b"</p>"  # 10 MB of article
    feed = _rss(
        b"<item><title>" + b"T" * 1_000_000 + b"</title><link>http://a.test/1</link>"
        b'<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA['
        + body
        + b"]]></content:encoded></item>"
    )
    p = tmp_path / "huge.xml"
    p.write_bytes(feed)
    (item,) = _run([str(p)], settings)
    assert isinstance(item, RawInput)
    assert item.data == body
    assert len(item.hints["title"]) == MAX_HINT_CHARS


def test_entry_content_with_many_tags_is_not_sanitized_character_by_character() -> None:
    # feedparser's sanitizer takes ~30 s on this; the extractor parses the HTML anyway
    body = b"<b>x</b> <a href='/r'>y</a> <script>z()</script> " * 100_000
    feed = _rss(
        b"<item><title>t</title><link>http://a.test/1</link>"
        b'<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA['
        + body
        + b"]]></content:encoded></item>"
    )
    (item,) = parse_feed("tags.xml", feed)
    assert isinstance(item, RawInput) and item.data == body.strip()


# -- WARC ----------------------------------------------------------------------------------


def _http(body: bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def _rec(block: bytes, uri: str = "https://n.example/a", *, kind: WarcRecordType = WarcRecordType.response,
         digest: bool = False, ctype: str = "application/http; msgtype=response") -> bytes:  # fmt: skip
    rec = WarcRecord()
    rec.init_headers(record_type=kind)
    rec.headers["WARC-Target-URI"] = uri
    rec.headers["Content-Type"] = ctype
    rec.set_bytes_content(block)
    out = BytesIO()
    rec.write(out, checksum_data=digest)
    return out.getvalue()


def _page(n: int) -> bytes:
    return _rec(_http(PAGE.replace(b"Fine", b"Page %d" % n)), f"https://n.example/{n}")


def _set_length(record: bytes, length: int) -> bytes:
    start = record.index(b"Content-Length: ") + len(b"Content-Length: ")
    return record[:start] + str(length).encode() + record[record.index(b"\r\n", start) :]


def _length(record: bytes) -> int:
    start = record.index(b"Content-Length: ") + len(b"Content-Length: ")
    return int(record[start : record.index(b"\r\n", start)])


def _warc_items(data: bytes, limit: int = MiB) -> list[RawInput | Failure]:
    return list(iter_warc("w.warc", BytesIO(data), limit, Counter()))


def _shape(items: list[RawInput | Failure]) -> list[str]:
    return [i.source.rsplit("#", 1)[-1] if isinstance(i, RawInput) else i.reason for i in items]


@pytest.mark.parametrize("gz", [False, True])
def test_half_valid_archive_yields_the_valid_documents_and_one_failure(
    tmp_path: Path, settings: Settings, gz: bool
) -> None:
    records = [_page(0), _page(1), _page(2)]
    members = [gzip.compress(r) if gz else r for r in records]
    third = members[2]
    p = tmp_path / ("half.warc.gz" if gz else "half.warc")
    p.write_bytes(members[0] + members[1] + third[: len(third) // 2])
    items = _run([str(p)], settings)
    assert _shape(items) == ["record-0", "record-1", "truncated" if not gz else _reasons(items)[0]]
    assert len(_reasons(items)) == 1 and _reasons(items)[0] in ("truncated", "bad-warc")


@pytest.mark.parametrize("gz", [False, True])
def test_garbage_after_a_valid_record(gz: bool) -> None:
    first = gzip.compress(_page(0)) if gz else _page(0)
    items = _warc_items(first + b"this is not a record\r\n\r\n" + bytes(range(256)) * 4)
    assert _shape(items) == ["record-0", "bad-warc"]


@pytest.mark.parametrize("delta", [-100, +100])
def test_a_wrong_content_length_with_a_digest_fails_that_record(delta: int) -> None:
    bad = _rec(_http(PAGE * 5), digest=True)
    bad = _set_length(bad, _length(bad) + delta)
    items = _warc_items(_rec(_http(PAGE), digest=True) + bad + _page(2))
    assert _shape(items)[:2] == ["record-0", "bad-digest"]
    assert _shape(items)[2:] in ([], ["bad-warc"], ["truncated"])  # where the next header lands


@pytest.mark.parametrize("delta", [-100, +100])
def test_a_wrong_content_length_without_a_digest_ends_the_archive(delta: int) -> None:
    bad = _set_length(_page(1), _length(_page(1)) + delta)
    items = _warc_items(_page(0) + bad + _page(2))
    assert _shape(items)[0] == "record-0"
    assert isinstance(items[-1], Failure) and items[-1].reason in ("bad-warc", "truncated")
    assert len(_reasons(items)) == 1


@pytest.mark.parametrize("gz", [False, True])
def test_a_record_claiming_100_gb(gz: bool) -> None:
    huge = _set_length(_page(1), 100 * 1024**3)
    data = _page(0) + huge + _page(2)
    if gz:
        data = gzip.compress(_page(0)) + gzip.compress(huge) + gzip.compress(_page(2))
    with _peak_python_memory() as peak:
        items = _warc_items(data)
    assert _shape(items) == ["record-0", "truncated"]
    assert "107,374,182,400" in items[-1].message
    assert peak[0] < 20 * MiB


@pytest.mark.parametrize("length", [b"-5", b"12abc", b"1" * 60, b""])
def test_a_nonsense_content_length(length: bytes) -> None:
    rec = _page(1)
    start = rec.index(b"Content-Length: ") + len(b"Content-Length: ")
    rec = rec[:start] + length + rec[rec.index(b"\r\n", start) :]
    items = _warc_items(_page(0) + rec)
    assert _shape(items)[0] == "record-0"
    assert len(items) == 2 and isinstance(items[1], Failure)
    assert items[1].reason in ("truncated", "bad-warc")


def test_gzip_member_boundaries() -> None:
    one, two, three = _page(0), _page(1), _page(2)
    # a record split over two members is fine; so are two records in one member
    split = gzip.compress(one[:200]) + gzip.compress(one[200:]) + gzip.compress(two + three)
    assert _shape(_warc_items(split)) == ["record-0", "record-1", "record-2"]
    # a member cut in half, then a good one: the damage is reported, nothing raises
    member = gzip.compress(two)
    cut = gzip.compress(one) + member[: len(member) // 2] + gzip.compress(three)
    items = _warc_items(cut)
    assert _shape(items)[0] == "record-0" and len(_reasons(items)) == 1
    # bytes of a member overwritten with zeros
    broken = bytearray(member)
    broken[20:60] = bytes(40)
    items = _warc_items(gzip.compress(one) + bytes(broken))
    assert _shape(items)[0] == "record-0" and _reasons(items) == ["bad-warc"]
    # a gzip member, then plain records
    assert _shape(_warc_items(gzip.compress(one) + two)) == ["record-0", "bad-warc"]


def test_non_html_records_are_skipped_and_counted() -> None:
    records = [
        _rec(_http(b"%PDF-1.4 ...", "application/pdf"), "https://n.example/f.pdf"),
        _rec(_http(b'{"a": 1}', "application/json"), "https://n.example/a.json"),
        _rec(b"no http here at all", "https://n.example/x"),
        _rec(PAGE, "https://n.example/r", kind=WarcRecordType.resource, ctype="text/html"),
        _rec(b"GET / HTTP/1.1\r\n\r\n", kind=WarcRecordType.request, ctype="application/http; msgtype=request"),
        _page(5),
    ]
    skipped: Counter[str] = Counter()
    items = list(iter_warc("w.warc", BytesIO(b"".join(records)), MiB, skipped))
    assert _shape(items) == ["record-5"]
    assert skipped == {"application/pdf": 1, "application/json": 1, "not-http": 1, "resource": 1, "request": 1}


def _zeros_members(total: int, member_size: int = 16 * MiB) -> bytes:
    """``total`` zero bytes as concatenated gzip members: ~1,000 times smaller, built in no time."""
    member = gzip.compress(bytes(member_size), compresslevel=9)
    return member * (total // member_size)


def test_a_gzip_bomb_inside_a_warc_is_stopped(tmp_path: Path, settings: Settings) -> None:
    size = 10 * 1024**3  # 10 GB of zeros in a ~10 MB file
    head = (
        b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:0>\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % size
    )
    p = tmp_path / "bomb.warc.gz"
    p.write_bytes(gzip.compress(_page(0)) + gzip.compress(head) + _zeros_members(size))
    with _peak_python_memory() as peak:  # (the file is read in chunks, never whole)
        items = _run([str(p)], settings)
    assert _shape(items) == ["record-0", "too-large"]
    assert "inflates more than" in items[-1].message
    assert peak[0] < 20 * MiB


# -- gzip ----------------------------------------------------------------------------------


def test_a_gzip_bomb_fails_as_too_large_with_bounded_memory(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "bomb.html.gz"
    p.write_bytes(_zeros_members(10 * 1024**3))  # 10 GB of zeros
    in_memory = _zeros_members(1024**3)
    capped = settings.with_(max_input_bytes=2 * MiB)
    with _peak_python_memory() as peak:
        items = _run([str(p)], capped)
        with pytest.raises(InputError) as raised:
            gunzip_bytes(in_memory, 2 * MiB, "in-memory")
    assert _reasons(items) == ["too-large"]
    assert raised.value.reason == "too-large"
    assert peak[0] < 16 * MiB  # the cap, not the 10 GB


def test_concatenated_gzip_members_are_one_input(tmp_path: Path, settings: Settings) -> None:
    half = len(PAGE) // 2
    p = tmp_path / "two.html.gz"
    p.write_bytes(gzip.compress(PAGE[:half]) + gzip.compress(PAGE[half:]))
    (item,) = _run([str(p)], settings)
    assert isinstance(item, RawInput) and item.data == PAGE


@pytest.mark.parametrize("cut", [5, 12, 30, -4])
def test_truncated_gzip(tmp_path: Path, settings: Settings, cut: int) -> None:
    blob = gzip.compress(PAGE * 50)
    p = tmp_path / "cut.html.gz"
    p.write_bytes(blob[:cut])
    items = _run([str(p)], settings)
    assert len(items) == 1 and _reasons(items)[0] in ("truncated", "bad-gzip", "binary")


def test_gzip_with_trailing_garbage(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "tail.html.gz"
    p.write_bytes(gzip.compress(PAGE) + b"not gzip at all")
    assert _reasons(_run([str(p)], settings)) == ["bad-gzip"]


# -- files and folders ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "SIGALRM"), reason="POSIX FIFOs and alarms")
def test_a_fifo_in_a_folder_is_skipped_without_blocking(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    os.mkfifo(tmp_path / "b.html")  # nobody ever writes to it
    with _no_hang():
        items = _run([str(tmp_path)], settings)
        named = _run([str(tmp_path / "b.html")], settings, kind="warc")
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert _reasons(items) == ["not-a-file"] and _reasons(named) == ["not-a-file"]
    assert "FIFO" in items[1].message


def test_a_device_is_not_read(settings: Settings) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    assert _reasons(_run(["/dev/zero"], settings)) == ["not-a-file"]


def test_directory_symlink_loops(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "site"
    d.mkdir()
    (d / "page.html").write_bytes(PAGE)
    os.symlink(".", d / "again")  # two links back to their own folder: 2**40 paths to a glob
    os.symlink("..", d / "up")
    os.symlink("self", d / "self")  # a link to itself
    monkeypatch.chdir(tmp_path)
    folder = _run(["site"], settings)
    pattern = _run(["site/**/*.html"], settings)
    assert [i.source for i in folder if isinstance(i, RawInput)] == ["site/page.html"]
    assert _reasons(folder) == ["unreadable"]  # site/self: too many levels of links
    assert [i.source for i in pattern] == ["site/page.html"]
    (loop,) = _run(["site/self"], settings)
    assert isinstance(loop, Failure) and loop.reason == "unreadable"


def test_unreadable_and_vanished_files(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    os.symlink(tmp_path / "gone.html", tmp_path / "dangling.html")
    items = _run([str(tmp_path)], settings)
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert _reasons(items) == ["unreadable"]
    (broken,) = _run([str(tmp_path / "dangling.html")], settings)
    assert isinstance(broken, Failure) and broken.reason == "not-found" and "broken symbolic link" in broken.message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission")
def test_files_and_folders_without_permission(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    (tmp_path / "locked.html").write_bytes(PAGE)
    (tmp_path / "locked.html").chmod(0)
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "x.html").write_bytes(PAGE)
    (tmp_path / "shut").chmod(0)
    try:
        items = _run([str(tmp_path)], settings)
    finally:
        (tmp_path / "shut").chmod(0o755)
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure", "Failure"]
    assert _reasons(items) == ["unreadable", "unreadable"]


def test_a_folder_that_cannot_be_listed(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # as a permission error would (root may list anything, so it is simulated here)
    (tmp_path / "a.html").write_bytes(PAGE)
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "x.html").write_bytes(PAGE)
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if str(path).endswith("shut"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    items = _run([str(tmp_path)], settings)
    assert [type(i).__name__ for i in items] == ["RawInput", "Failure"]
    assert isinstance(items[1], Failure) and items[1].reason == "unreadable"
    assert items[1].source == str(tmp_path / "shut") and "Permission denied" in items[1].message


def test_file_names_with_odd_bytes_and_characters(tmp_path: Path, settings: Settings) -> None:
    folder = os.fsencode(tmp_path / "odd")
    os.mkdir(folder)
    names = [b"caf\xe9-latin1.html", b"line\nbreak.html", b"\x1b[31mred.html", b"-dash.html", b"sp \xe2\x80\xae.html"]
    for name in names:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(PAGE)
    items = _run([str(tmp_path / "odd")], settings)
    assert len(items) == len(names) and all(isinstance(i, RawInput) and i.data == PAGE for i in items)
    sources = [i.source for i in items]
    assert len(set(sources)) == len(names)  # still told apart
    for s in sources:
        s.encode("utf-8")  # storable and printable: no lone surrogates
        assert "\n" not in s and "\x1b" not in s
    assert any(s.endswith("caf\\xe9-latin1.html") for s in sources)
    assert any(s.endswith("line\\nbreak.html") for s in sources)


def test_a_glob_matching_nothing(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.txt").write_text("x")
    items = _run([str(tmp_path / "*.html"), str(tmp_path / "**" / "*.nothing")], settings)
    assert _reasons(items) == ["not-found", "not-found"]


# -- URL lists -----------------------------------------------------------------------------


def test_a_million_line_url_list_is_capped_and_says_so(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "urls.txt"
    p.write_bytes(b"".join(b"https://a.test/%d\n" % i for i in range(1_000_000)))
    stats = IngestStats()
    items = _run([str(p)], settings, skip_url=lambda source: True, stats=stats)  # nothing fetched
    *kept, last = items
    assert len(kept) == MAX_LIST_URLS and all(isinstance(i, Skipped) for i in kept)
    assert kept[-1].source == f"https://a.test/{MAX_LIST_URLS - 1}"
    assert isinstance(last, Failure) and last.reason == "too-many-urls" and last.source == str(p)
    assert "1,000,000 URLs" in last.message and f"{1_000_000 - MAX_LIST_URLS:,} left out" in last.message
    assert stats.failures == 1


def test_url_list_lines_with_odd_schemes(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "urls.txt"
    p.write_text(
        "# to read\n"
        "https://a.test/1\n"
        "ftp://a.test/file\n"
        "javascript:alert(1)\n"
        "file:///etc/passwd\n"
        "data:text/plain,hello\n"
        "HTTP://A.TEST/2\n"
    )
    items = _run([str(p)], settings, skip_url=lambda source: True)
    assert [type(i).__name__ for i in items] == ["Skipped", "Failure", "Failure", "Failure", "Failure", "Skipped"]
    assert _reasons(items) == ["bad-url"] * 4
    assert "line 3" in items[1].message and "only http and https" in items[1].message


def test_a_url_list_with_control_characters_is_a_document_not_a_list(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "urls.txt"
    p.write_bytes(b"https://a.test/1\nhttps://a.test/\x1b[2J\n")
    (item,) = _run([str(p)], settings, skip_url=lambda source: True)
    assert isinstance(item, RawInput) and item.kind == "auto"
