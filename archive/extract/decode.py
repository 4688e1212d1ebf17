"""Raw page bytes -> text: BOM, then HTTP charset, then ``<meta>`` charset, then detection.

This follows the order browsers use (WHATWG "encoding sniffing"), so a page decodes as
its readers saw it. Labels are mapped the WHATWG way (``iso-8859-1`` means
``windows-1252``), and anything that is plainly not HTML (images, PDFs, archives,
NUL-filled binaries) is refused with ``ExtractionError`` before parsing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from archive.errors import ExtractionError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG maps these labels to a superset encoding; Python treats them literally.
_SUPERSETS = {
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "gzip data (decompress it first)"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
    (b"\x00\x00\x00", "binary data"),
)
_HEADER_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I | re.S
)
_SNIFF_BYTES = 4096
_CONTROL_BYTES = tuple(c for c in range(32) if c not in (9, 10, 12, 13)) + (127,)


def decode_html(data: bytes, headers: Mapping[str, str] | None = None, *, name: str = "page") -> str:
    """Decode ``data`` to text; ``name`` (URL or file) is quoted in errors."""
    _refuse_binary(data, name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = [
        enc
        for enc in (_header_charset(headers), _meta_charset(data[:_SNIFF_BYTES]))
        if enc is not None
    ]
    for encoding in declared:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            mixed = _mostly_utf8(data) if encoding == "utf-8" else None
            if mixed is not None:
                return mixed
    detected = _detect(data)
    if detected is not None:
        return detected
    fallback = declared[0] if declared else "utf-8"
    return data.decode(fallback, errors="replace")


def _mostly_utf8(data: bytes) -> str | None:
    """A UTF-8 page with a few stray single-byte characters (a comment or a snippet pasted in
    Latin-1 or Windows-1252): each undecodable byte is read as Windows-1252, the rest as UTF-8.

    Detection over the whole page would pick a single-byte encoding and garble every UTF-8
    character, so this applies only when valid UTF-8 characters outnumber stray bytes
    ``_MIXED_RATIO`` to one; otherwise the page is probably not UTF-8 at all.
    """
    text = data.decode("utf-8", errors=_CP1252_FALLBACK)
    stray = data.decode("utf-8", errors="replace").count("\ufffd")
    multibyte = sum(1 for char in text if ord(char) > 0x7F) - stray
    return text if stray and multibyte >= _MIXED_RATIO * stray else None


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "newsarchive-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_bytes)
_MIXED_RATIO = 10


def _refuse_binary(data: bytes, name: str) -> None:
    head = data[:_SNIFF_BYTES]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise ExtractionError(f"{name}: not HTML but {kind}")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    controls = sum(head.count(bytes([c])) for c in _CONTROL_BYTES)
    if controls > len(head) // 20:
        raise ExtractionError(f"{name}: not HTML but binary data ({controls} control bytes in the first {len(head)})")


def _normalize_label(label: bytes | str | None) -> str | None:
    """Python codec name for a charset label, or ``None`` if unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", errors="ignore")
    label = label.strip().lower()
    if label in ("x-user-defined", "replacement"):
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16"):  # a <meta> cannot declare UTF-16 (spec): it is ASCII-compatible
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and value:
            match = _HEADER_CHARSET.search(value.encode("latin-1", errors="ignore"))
            return _normalize_label(match.group(1)) if match else None
    return None


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return _normalize_label(match.group(1)) if match else None


def _detect(data: bytes) -> str | None:
    """Strict UTF-8 first (most of the web), then charset_normalizer on a sample."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    encoding = _normalize_label(best.encoding) or "utf-8"
    return data.decode(encoding, errors="replace")
