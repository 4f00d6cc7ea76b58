"""Bytes to text: the encoding a page declares, checked against what its bytes are.

Pages lie about their encoding (a ``charset=iso-8859-1`` header on UTF-8 bytes is common),
so a declaration is only trusted when the bytes decode cleanly under it. Order:
byte-order mark, strict UTF-8 (by far the most common real encoding, and self-verifying),
the declared charset (HTTP header, then ``<meta>``), then charset-normalizer's guess,
then cp1252 with replacement so that nothing is ever lost to an exception.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from newstrace.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: How far into a page to look for a <meta charset>; browsers look at the first 1024 bytes,
#: real pages put it later behind long comments, so look further.
_META_SCAN_BYTES = 8192
#: Share of control characters above which bytes are not text at all.
_BINARY_CONTROL_SHARE = 0.10


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any (normalised codec name)."""
    m = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    return _codec(m.group(1).decode("ascii", "ignore")) if m else None


def looks_binary(data: bytes) -> bool:
    """True when bytes are not text in any encoding a news page uses."""
    sample = data[:4096]
    if not sample:
        return False
    if any(sample.startswith(b) for b, _ in _BOMS[1:]):
        return False  # UTF-16/32 text legitimately has NULs
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / len(sample) > _BINARY_CONTROL_SHARE


#: A page that is UTF-8 but for a few broken bytes (a truncated multi-byte character, one
#: pasted cp1252 quote) is still UTF-8: below this share of bad sequences, replace them.
_UTF8_BAD_SHARE = 0.001
#: Bytes that start a multi-byte UTF-8 sequence.
_UTF8_LEAD_BYTES = bytes(range(0xC2, 0xF5))


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = len(data) - len(data.translate(None, _UTF8_LEAD_BYTES))  # bytes 0xC2-0xF4, counted in C
    return multibyte > bad * 4 and bad <= max(1, len(data) * _UTF8_BAD_SHARE)


def decode_bytes(data: bytes, declared: str | None = None, *, source: str = "input") -> str:
    """Decode page bytes to ``str``; raise InputError for empty or binary data."""
    if not data or not data.strip():
        raise InputError(f"{source}: the input is empty", reason="empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if looks_binary(data):
        raise InputError(f"{source}: the input is binary data, not a page or text", reason="binary")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    for name in (_codec(declared), declared_charset(data)):
        if name and name not in ("utf-8", "utf_8"):
            try:
                return data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")
