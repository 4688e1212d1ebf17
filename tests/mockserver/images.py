"""Tiny, dependency-free PNG and JPEG encoders for the demo site's pictures.

Why hand-rolled: the demo site must ship real, decodable images (crawlers,
WARC writers and replay check Content-Type and magic bytes), but the project
must not depend on Pillow just to paint a few coloured rectangles. Both
encoders are deterministic, so regenerating the site gives identical bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence

RGB = tuple[int, int, int]
Painter = Callable[[int, int], RGB]


def make_png(width: int, height: int, paint: Painter) -> bytes:
    """Return an 8-bit RGB PNG whose pixel (x, y) is ``paint(x, y)``."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: None
        for x in range(width):
            rows.extend(paint(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


# --- JPEG: baseline, 4:4:4 YCbCr, DC coefficients only -----------------------
# Each 8x8 block is a flat colour, so every AC coefficient is zero and a block
# is "DC difference + end-of-block". That keeps the encoder ~60 lines while the
# output is a standard JFIF file any decoder accepts.

_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)  # ITU T.81 K.3
_DC_VALUES = tuple(range(12))
_AC_BITS = (0, 1) + (0,) * 14  # one 2-bit code: 0x00 (EOB); avoids an all-ones code
_AC_VALUES = (0x00,)
_QUANT_DC = 8


def make_jpeg(width: int, height: int, paint: Painter) -> bytes:
    """Return a baseline JPEG; ``paint(bx, by)`` gives the colour of 8x8 block (bx, by).

    ``width`` and ``height`` are rounded up to whole blocks.
    """
    bw, bh = -(-width // 8), -(-height // 8)
    out = bytearray(b"\xff\xd8")
    out += _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += _segment(0xDB, b"\x00" + bytes([_QUANT_DC] + [16] * 63))
    sof = struct.pack(">BHHB", 8, bh * 8, bw * 8, 3)
    sof += b"".join(bytes([cid, 0x11, 0]) for cid in (1, 2, 3))
    out += _segment(0xC0, sof)
    out += _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALUES))
    out += _segment(0xC4, b"\x10" + bytes(_AC_BITS) + bytes(_AC_VALUES))
    sos = b"\x03" + b"".join(bytes([cid, 0x00]) for cid in (1, 2, 3)) + b"\x00\x3f\x00"
    out += _segment(0xDA, sos)
    out += _entropy_data(bw, bh, paint)
    out += b"\xff\xd9"
    return bytes(out)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _huffman_codes(bits: Sequence[int], values: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Canonical Huffman codes (T.81 Annex C) as {symbol: (code, length)}."""
    codes: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return codes


def _entropy_data(bw: int, bh: int, paint: Painter) -> bytes:
    dc_codes = _huffman_codes(_DC_BITS, _DC_VALUES)
    eob = _huffman_codes(_AC_BITS, _AC_VALUES)[0x00]
    writer = _BitWriter()
    previous = [0, 0, 0]
    for by in range(bh):
        for bx in range(bw):
            for comp, sample in enumerate(_ycbcr(paint(bx, by))):
                dc = round(8 * (sample - 128) / _QUANT_DC)
                diff, previous[comp] = dc - previous[comp], dc
                size = abs(diff).bit_length()
                writer.write(*dc_codes[size])
                if size:
                    writer.write(diff if diff > 0 else diff + (1 << size) - 1, size)
                writer.write(*eob)
    return writer.finish()


def _ycbcr(rgb: RGB) -> tuple[float, float, float]:
    r, g, b = rgb
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return y, cb, cr


class _BitWriter:
    """MSB-first bit packer with JPEG's 0xFF byte stuffing."""

    def __init__(self) -> None:
        self._out = bytearray()
        self._acc = 0
        self._n = 0

    def write(self, value: int, length: int) -> None:
        self._acc = (self._acc << length) | (value & ((1 << length) - 1))
        self._n += length
        while self._n >= 8:
            self._n -= 8
            byte = (self._acc >> self._n) & 0xFF
            self._out.append(byte)
            if byte == 0xFF:
                self._out.append(0x00)
        self._acc &= (1 << self._n) - 1

    def finish(self) -> bytes:
        if self._n:
            self.write((1 << (8 - self._n)) - 1, 8 - self._n)  # pad with 1-bits
        return bytes(self._out)
