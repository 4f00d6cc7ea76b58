"""Bad input never takes a run down: each bad input gets a one-line error naming it and the reason."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

GOOD = (
    "<html><head><meta charset='iso-8859-1'><title>Z\u00fcrich ferry \u2013 \u201cstrike\u201d ends</title></head>"
    "<body><nav><a href='/'>Home</a></nav><article><h1>Z\u00fcrich ferry \u2013 \u201cstrike\u201d ends</h1>"
    "<p>Ferry crews in Z\u00fcrich returned to work on Friday after a three-day strike, the union said, ending "
    "disruption that had left thousands of commuters queueing for buses along the lake shore.</p>"
    "<p>The operator said timetables would return to normal by Monday, and that passengers holding season "
    "tickets would be offered a refund for the days lost.</p></article></body></html>"
)


def _warc(records: list[tuple[str, str]]) -> bytes:
    out = b""
    for i, (url, html) in enumerate(records):
        body = html.encode("utf-8")
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + \
            f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000000{i}>\r\n"
            f"WARC-Target-URI: {url}\r\nWARC-Date: 2025-10-07T10:00:00Z\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        out += head + http + b"\r\n\r\n"
    return out


@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "01-good-mislabelled.html").write_bytes(GOOD.encode("utf-8"))  # says latin-1, is UTF-8
    broken = GOOD.encode("utf-8").replace(b"three-day", b"three\xff-day")
    (d / "02-broken-encoding.html").write_bytes(broken)
    (d / "03-empty.html").write_bytes(b"")
    (d / "04-junk.bin").write_bytes(bytes(range(256)) * 64)
    with open(d / "05-huge.html", "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    (d / "06-truncated.html.gz").write_bytes(gzip.compress(GOOD.encode())[:60])
    (d / "07-truncated.warc").write_bytes(_warc([("https://a.example/1", GOOD), ("https://a.example/2", GOOD)])[:-300])
    (d / "08-feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        "<item><title>garbage</title></item>"
        "<item><title>full</title><link>https://b.example/x</link><description><![CDATA["
        + GOOD.replace("<html>", "").replace("</html>", "") * 5 + "]]></description></item>"
        "</channel></rss>", encoding="utf-8")
    (d / "09-all-nav.html").write_text(
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li>"
        "<li><a href='/s'>Sport</a></li></ul></nav><footer>About us | Contact</footer></body></html>")
    return d


def test_every_bad_input_is_one_line_and_the_run_goes_on(bad_folder: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "newstrace", "extract", str(bad_folder)],
                         capture_output=True, timeout=300)
    assert b"Traceback" not in res.stderr
    assert res.returncode == 1
    recs = [json.loads(x) for x in res.stdout.decode().splitlines()]
    by = {Path(r["path"].split("#")[0]).name: r for r in recs}
    assert by["01-good-mislabelled.html"]["error"] is None
    assert by["01-good-mislabelled.html"]["title"].startswith("Z\u00fcrich ferry \u2013 \u201cstrike")
    assert by["02-broken-encoding.html"]["error"] is None and "Z\u00fcrich" in by["02-broken-encoding.html"]["text"]
    reasons = {name: (r["error"] or "").split(":")[0] for name, r in by.items()}
    assert reasons["03-empty.html"] == "empty"
    assert reasons["04-junk.bin"] == "binary"
    assert reasons["05-huge.html"] == "too-large"
    assert reasons["06-truncated.html.gz"] in ("truncated", "bad-gzip")
    assert reasons["09-all-nav.html"] == "no-article"
    warc = [r for r in recs if "07-truncated.warc" in r["path"]]
    assert warc[0]["error"] is None and warc[0]["url"] == "https://a.example/1"
    assert warc[-1]["error"].split(":")[0] in ("truncated", "bad-warc")
    feed = [r for r in recs if "08-feed.xml" in r["path"]]
    assert [bool(r["error"]) for r in feed] == [True, False]
    failed_lines = [ln for ln in res.stderr.decode().splitlines() if ln.startswith("failed: ")]
    assert len(failed_lines) == sum(1 for r in recs if r["error"])
    assert all(str(bad_folder) in ln for ln in failed_lines)  # each names its input
