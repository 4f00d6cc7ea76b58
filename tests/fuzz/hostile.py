"""A seeded generator of hostile inputs, for the fuzz tests and ``bench/fuzz.py``.

``generate(seed, count)`` yields ``Hostile(name, data)`` items, the same ones for the same
seed and count: hand-made shapes that break parsers (truncations, deep nesting, huge
attributes, bad encodings, gzip bombs, malformed WARC and feeds, billion laughs and XXE,
NUL bytes, enormous lines, mixed scripts, odd URL lists) and random mutations of the
project's own fixture pages (the sample corpus and tests/pages). Names carry the shape and
a counter, and end with an extension that does not decide how the input is read (detection
looks at the bytes).

Every URL an input can make the run fetch points at a loopback or reserved address, so a
run without ``--allow-private`` refuses them without touching the network.

Sizes: most inputs are a few kilobytes; ``big_share`` of them (default one in fifty) are
large (0.5-3 MB), so that a few thousand inputs run in minutes while the large shapes are
still tried.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIRS = (ROOT / "src" / "newstrace" / "sample" / "pages", ROOT / "tests" / "pages")
#: What no stored text may ever hold: the XXE inputs point at /etc/passwd, whose first line
#: starts so on every Linux system.
LEAK_MARK = "root:x:0:0"

PARA = (
    "The harbour authority said on Tuesday that 240 residents had been moved from the waterfront after a valve "
    "failed, and a spokesperson for the operator, Lina Okafor, told reporters the leak was under control."
)
SCRIPTS = [
    "東京都内では十日、記録的な大雨が降り、多くの住宅が浸水した。",
    "北京市今天上午发生了一次小规模地震，当地政府表示没有人员伤亡。",
    "서울시는 이날 오전 폭우로 인해 도로 일부를 통제했다고 밝혔다.",
    "قال المتحدث باسم الوزارة إن الحكومة ستعلن عن خطة جديدة الأسبوع المقبل.",
    "Представитель министерства заявил, что правительство объявит новый план.",
    "Ο εκπρόσωπος δήλωσε ότι η κυβέρνηση θα ανακοινώσει νέο σχέδιο.",
    "प्रवक्ता ने कहा कि सरकार अगले सप्ताह नई योजना की घोषणा करेगी।",
    "Z̸̢̛a̵͎͝l̷̰̊g̶̱̈o̵̠͐ ̶t̸e̵x̷t̸ 🙂🔥💥 \u202e reversed \u202c \u200b\u200d zero widths",
]


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes


def fixture_pages() -> list[tuple[str, bytes]]:
    out = []
    for d in FIXTURE_DIRS:
        if d.is_dir():
            out += [(p.stem, p.read_bytes()) for p in sorted(d.iterdir()) if p.is_file()]
    return out


def _page(body: str, head: str = "", lang: str = "en") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>A page</title>{head}</head>'
            f"<body><article><h1>A headline for the page</h1>{body}</article></body></html>").encode("utf-8", "surrogatepass")


def _paras(rng: random.Random, n: int) -> str:
    return "".join(f"<p>{PARA} ({i})</p>" for i in range(n))


# -- hand-made shapes ---------------------------------------------------------------------
def deep_divs(rng: random.Random, big: bool) -> bytes:
    n = rng.choice([500, 3000, 20000 if big else 5000])
    return _page("<div>" * n + f"<p>{PARA}</p>" + "</div>" * rng.choice([0, n]))


def deep_json_ld(rng: random.Random, big: bool) -> bytes:
    n = rng.choice([200, 1200, 5000])
    raw = '{"@type":"NewsArticle","headline":"x","a":' * n + "1" + "}" * n
    return _page(_paras(rng, 3), f'<script type="application/ld+json">{raw}</script>')


def json_ld_garbage(rng: random.Random, big: bool) -> bytes:
    blobs = ['{"@graph": [' + ",".join(['{"@type":"NewsArticle","author":{"@id":"x"}}'] * rng.randint(1, 2000)) + "]}",
             '{"@type": ["NewsArticle", null, 3, {"a": []}], "datePublished": 20250101, "author": [[[["x"]]]]}',
             '{"headline": "' + "A" * 100000 + '", "articleBody": ' + json.dumps(PARA * 50) + "}",
             "[" * 10000, '{"@type":"NewsArticle","datePublished":"2025-02-31T99:99:99+99:99"}']
    return _page(_paras(rng, 3), f'<script type="application/ld+json">{rng.choice(blobs)}</script>')


def many_attributes(rng: random.Random, big: bool) -> bytes:
    n = rng.choice([1000, 20000, 100000 if big else 20000])
    attrs = " ".join(f'a{i}="v{i}"' for i in range(n))
    return _page(f"<div {attrs}><p>{PARA}</p></div>" + _paras(rng, 3))


def huge_attribute(rng: random.Random, big: bool) -> bytes:
    n = 2_000_000 if big else rng.choice([10000, 200000])
    return _page(f'<div class="{"x" * n}" data-x="{"&quot;" * (n // 10)}"><p>{PARA}</p></div>' + _paras(rng, 2))


def huge_word(rng: random.Random, big: bool) -> bytes:
    n = 500_000 if big else rng.choice([5000, 120000])
    word = rng.choice(["a", "x@", "@", ".", "a.b@", "-", "http://"]) * (n // 2)
    return _page(f"<p>{PARA} {word} {PARA}</p>" + _paras(rng, 3))


def enormous_line(rng: random.Random, big: bool) -> bytes:
    n = 2_000_000 if big else rng.choice([5_000, 30_000])
    return ((PARA + " ") * (n // len(PARA))).encode()


def many_lines(rng: random.Random, big: bool) -> bytes:
    n = 50000 if big else rng.choice([500, 5000])
    lines = [rng.choice(["Home", "News", "", "*", PARA, "Share this", "—" * 40, "| a | b |", "  " + PARA])
             for _ in range(n)]
    return "\n".join(lines).encode()


def many_paragraphs(rng: random.Random, big: bool) -> bytes:
    return _page(_paras(rng, 5000 if big else rng.choice([50, 300])))


def many_quotes(rng: random.Random, big: bool) -> bytes:
    n = 3000 if big else rng.choice([20, 200])
    q = rng.choice(['"', "“", "”", "'", "«"])
    body = "".join(f"<p>{q}We will rebuild the pier,{q} said Mayor Jo Anan {i}. {q}" for i in range(n))
    return _page(body)


def many_claims(rng: random.Random, big: bool) -> bytes:
    n = 1000 if big else rng.choice([10, 60])
    body = "".join(f"<p>According to a report by outlet {i}, which cited official {i}, {PARA} He denied it.</p>"
                   for i in range(n))
    return _page(body)


def nul_bytes(rng: random.Random, big: bool) -> bytes:
    page = _page(_paras(rng, 4))
    k = rng.randint(1, 50)
    out = bytearray(page)
    for _ in range(k):
        out.insert(rng.randrange(len(out)), 0)
    return bytes(out)


def bad_encoding(rng: random.Random, big: bool) -> bytes:
    text = _paras(rng, 4) + "<p>" + rng.choice(SCRIPTS) + "</p>"
    choice = rng.randrange(7)
    if choice == 0:  # declared one thing, is another
        return ('<html><head><meta charset="utf-16"></head><body>' + text + "</body></html>").encode("cp1252", "replace")
    if choice == 1:  # UTF-16 without a BOM
        return ("<html><body>" + text + "</body></html>").encode("utf-16-le")
    if choice == 2:  # invalid UTF-8 sprinkled
        raw = bytearray(_page(text))
        for _ in range(rng.randint(1, 200)):
            raw[rng.randrange(len(raw))] = rng.choice([0x80, 0xC0, 0xFF, 0xFE, 0xED])
        return bytes(raw)
    if choice == 3:  # a bogus charset name
        return f'<html><head><meta charset="x-{"z" * 300}"></head><body>{text}</body></html>'.encode()
    if choice == 4:  # BOM then garbage
        return b"\xef\xbb\xbf" + bytes(rng.randrange(256) for _ in range(3000))
    if choice == 5:  # UTF-32 BOM with truncated content
        return ("\ufeff" + text).encode("utf-32")[: rng.randint(4, 200)]
    return text.encode("utf-8", "replace").replace(b"<p>", b"<p>\xc3\x28\xa0\xa1")


def gzip_bomb(rng: random.Random, big: bool) -> bytes:
    size = rng.choice([60, 200]) * 1024 * 1024  # decompresses past the default 50 MB cap
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1024 * 1024)
    out = io.BytesIO()
    for _ in range(size // len(chunk)):
        out.write(comp.compress(chunk))
    out.write(comp.flush())
    return out.getvalue()


def gzip_odd(rng: random.Random, big: bool) -> bytes:
    page = _page(_paras(rng, 3))
    kind = rng.randrange(4)
    if kind == 0:
        return gzip.compress(page)[: rng.randint(3, 60)]  # truncated
    if kind == 1:
        return gzip.compress(gzip.compress(page))  # nested
    if kind == 2:
        return gzip.compress(page[:100]) + gzip.compress(page[100:])  # concatenated members
    return b"\x1f\x8b" + bytes(rng.randrange(256) for _ in range(500))  # magic, then noise


def _warc_record(body: bytes, length: int | None = None, uri: str = "https://news.example/a") -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    n = len(http) if length is None else length
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:12345678-1234-1234-1234-123456789abc>\r\n"
            b"WARC-Target-URI: " + uri.encode() + b"\r\nWARC-Date: 2025-10-07T10:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: " + str(n).encode()
            + b"\r\n\r\n" + http + b"\r\n\r\n")


def bad_warc(rng: random.Random, big: bool) -> bytes:
    good = _warc_record(_page(_paras(rng, 3)))
    kind = rng.randrange(5)
    if kind == 0:
        return good[: rng.randint(10, len(good) - 1)]
    if kind == 1:
        return _warc_record(_page(_paras(rng, 2)), length=100 * 2**30)
    if kind == 2:
        return good + bytes(rng.randrange(256) for _ in range(2000))
    if kind == 3:
        return good + _warc_record(b"\0" * 100, length=7) + good
    return gzip.compress(good)[:-rng.randint(1, 40)]


def _feed(items: str, head: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{head}<rss version="2.0"><channel><title>F</title>'
            f"<link>http://127.0.0.1/</link>{items}</channel></rss>").encode()


def bad_feed(rng: random.Random, big: bool) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:  # billion laughs
        ents = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
        return _feed("<item><title>&l9;</title><description>&l9;</description></item>",
                     f"<!DOCTYPE rss [{ents}]>")
    if kind == 1:  # XXE
        return _feed(f"<item><title>x</title><description>&xxe; {PARA}</description></item>",
                     '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>')
    if kind == 2:  # many entries, each content inline
        n = 3000 if big else 200
        return _feed("".join(f"<item><title>Entry {i}</title><description><![CDATA[<p>{PARA} {i}</p>]]>"
                             f"</description></item>" for i in range(n)))
    if kind == 3:  # links to refused addresses
        return _feed("".join(f"<item><title>E{i}</title><link>http://127.0.0.{i % 250 + 1}/a{i}</link></item>"
                             for i in range(rng.randint(1, 30))))
    if kind == 4:  # malformed
        return _feed("<item><title>unclosed<description>" + PARA + "</item>" * 3)[: rng.randint(50, 400)]
    return (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title>'
            + b"<content type='html'>" + ("&lt;p&gt;" + PARA + "&lt;/p&gt;").encode() * 5 + b"</content>"
            + b"<updated>not a date</updated></entry></feed>")


def xml_page(rng: random.Random, big: bool) -> bytes:
    ents = '<!ENTITY a "' + "x" * 1000 + '">' + '<!ENTITY b "' + "&a;" * 1000 + '">'
    xxe = '<!ENTITY s SYSTEM "file:///etc/passwd">'
    return (f'<?xml version="1.0"?><!DOCTYPE html [{ents}{xxe}]><html xmlns="http://www.w3.org/1999/xhtml">'
            f"<body><p>&b; &s; {PARA}</p><p>{PARA}</p></body></html>").encode()


def url_list(rng: random.Random, big: bool) -> bytes:
    urls = ["http://127.0.0.1/a", "http://[::1]/b", "http://localhost/c", "http://10.0.0.1/d", "ftp://127.0.0.1/e",
            "javascript:alert(1)", "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/", "http://[fe80::1]/",
            "http://127.0.0.1:99999/", "https://user:pw@127.0.0.1/x", "http://127.1/", "http://0x7f000001/"]
    return "\n".join(rng.choice(urls) + f"?n={i}" for i in range(rng.randint(1, 40))).encode()


def mixed_scripts(rng: random.Random, big: bool) -> bytes:
    paras = "".join(f"<p>{rng.choice(SCRIPTS)} {rng.choice(SCRIPTS)} {PARA}</p>" for _ in range(rng.randint(3, 30)))
    return _page(paras, lang=rng.choice(["ja", "ar", "ru", "zh", "xx", "en"]))


def text_dump(rng: random.Random, big: bool) -> bytes:
    lines = []
    for _ in range(rng.randint(20, 400)):
        lines.append(rng.choice(["", "Home | News | Sport", "* " + PARA[:60], PARA, "    " + PARA, "=" * 80,
                                 rng.choice(SCRIPTS), "Photo: AP", "By Jane Roe", "October 7, 2025", "\t\t" + PARA]))
    return "\n".join(lines).encode()


def tiny(rng: random.Random, big: bool) -> bytes:
    return rng.choice([b"<svg><p><title>", b"<", b"<html>", b"\n\n\n", b" ", b"<!--", b"<![CDATA[", b"<p>a</p>",
                       b"<math><mi><table>", b"<svg><foreignObject><p>", b"<template><p>", b"<select><p>x",
                       b"<table><td><table><td>", b"<frameset><p>", b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
                       b"%PDF-1.7\n", b"{}", b"[]", b"<?xml?>", b"WARC/1.0\r\n"])


def script_tricks(rng: random.Random, big: bool) -> bytes:
    bits = ["<script>document.write('<p>" + PARA + "</p>')</script>", "<style>p{}</style>" * 100,
            "<noscript><p>" + PARA + "</p></noscript>", "<p>[link](javascript:alert(1)) <b>[/b]</p>",
            "<p>=HYPERLINK(\"http://x\",\"y\")</p>", "<p>[bold]markup[/bold] \x1b[31mred\x1b[0m</p>",
            "<iframe srcdoc='<p>x</p>'></iframe>", "<p>{{7*7}} ${7*7} <%= 7*7 %></p>"]
    return _page("".join(rng.choice(bits) for _ in range(rng.randint(2, 12))) + _paras(rng, 3))


SHAPES: dict[str, Callable[[random.Random, bool], bytes]] = {
    f.__name__: f for f in (deep_divs, deep_json_ld, json_ld_garbage, many_attributes, huge_attribute, huge_word,
                            enormous_line, many_lines, many_paragraphs, many_quotes, many_claims, nul_bytes,
                            bad_encoding, gzip_odd, bad_warc, bad_feed, xml_page, url_list, mixed_scripts,
                            text_dump, tiny, script_tricks)
}
#: Shapes too heavy to draw often: tried once per this many inputs.
RARE = {"gzip_bomb": gzip_bomb}
RARE_EVERY = 500


# -- mutations of real fixture pages ------------------------------------------------------
def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            break
        op = rng.randrange(9)
        i = rng.randrange(len(out))
        if op == 0:
            del out[i:]  # truncate
        elif op == 1:
            out[i] = rng.randrange(256)
        elif op == 2:
            j = min(len(out), i + rng.randint(1, 2000))
            out[i:i] = out[i:j] * rng.randint(2, 20)  # repeat a chunk
        elif op == 3:
            del out[i:i + rng.randint(1, 500)]
        elif op == 4:
            out[i:i] = rng.choice([b"<div>", b"</div>", b"<p>", b"</article>", b"<!--", b"-->", b"<script>",
                                   b"]]>", b"&#x0;", b"&#xD800;", b"&nbsp;" * 50, b"\x00", b"\r", b"\xe2\x80\xae"])
        elif op == 5:
            out[i:i] = rng.choice(SCRIPTS).encode()
        elif op == 6:
            out[i:i] = b'"' * rng.randint(1, 300)
        elif op == 7:
            out = bytearray(bytes(out).replace(b"<p>", b"<p " + b"x=1 " * rng.randint(1, 200) + b">"))
        else:
            out = bytearray(bytes(out).lower() if rng.random() < 0.5 else bytes(out).upper())
    return bytes(out)


def generate(seed: int, count: int, big_share: float = 0.02) -> Iterator[Hostile]:
    """``count`` hostile inputs for ``seed``: about half hand-made shapes, half mutations;
    ``big_share`` of the shapes are drawn large (megabytes)."""
    rng = random.Random(seed)
    fixtures = fixture_pages()
    names = sorted(SHAPES)
    for n in range(count):
        big = rng.random() < big_share
        if n % RARE_EVERY == RARE_EVERY - 1:
            shape = rng.choice(sorted(RARE))
            data = RARE[shape](rng, big)
        elif rng.random() < 0.5 and fixtures:
            stem, page = rng.choice(fixtures)
            shape, data = f"mutated-{stem}", mutate(rng, page)
        else:
            shape = rng.choice(names)
            data = SHAPES[shape](rng, big)
        yield Hostile(f"{n:05d}-{shape}.in", data)
