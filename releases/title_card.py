"""The neutral title card that stands in for a poster where the visitor may read the announcement but not watch the
film: a plain 1200 × 630 PNG (the OpenGraph size) made of no frame of any film, the same for every entry."""

import struct
import zlib
from functools import cache

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (32, 33, 46)
BAND = (120, 86, 160)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@cache
def title_card_png() -> bytes:
    """A dark card with one coloured band across its lower third."""
    plain = b"\x00" + bytes(BACKGROUND) * WIDTH
    band = b"\x00" + bytes(BACKGROUND) * 80 + bytes(BAND) * (WIDTH - 160) + bytes(BACKGROUND) * 80
    rows = [band if 430 <= y < 440 else plain for y in range(HEIGHT)]
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
