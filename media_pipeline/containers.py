"""Opening an upload safely: the first bytes are sniffed before FFmpeg sees anything, only the allow-list's
demuxers can be chosen, no other URL is ever opened, and the container's own structure says whether the file was
cut short. The probe (probe.py), the transcode (transcode.py) and the ladder (ladder.py) open files, and decode
frames, only through here."""

import os
import struct
from contextlib import contextmanager

import av

from . import problems as p

# Container label (what we report) -> FFmpeg demuxer. Nothing else is ever opened.
DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska", "matroska": "matroska", "avi": "avi", "mpegts": "mpegts"}
FORMAT_WHITELIST = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts"
DEFAULT_CONTAINERS = frozenset({"mp4", "mov", "webm", "matroska", "avi", "mpegts"})
# Known video containers we refuse (people learn what to do) versus anything else (not a video).
REFUSED_SIGNATURES = (
    (b"FLV\x01", "FLV"),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "WMV/ASF"),
    (b"\x00\x00\x01\xba", "MPEG-PS"),
    (b"OggS", "Ogg"),
)
ISO_BOX_TYPES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}

MAX_STREAMS = 16
IO_TIMEOUT_S = 20.0


class NestedOpenRefused(PermissionError):
    pass


def refuse_nested_open(url, flags, options):
    """PyAV io_open hook: a demuxer asked to open another URL; we never do."""
    raise NestedOpenRefused(f"refused to open {url!r}")


def sniff_container(head: bytes) -> tuple[str, str | None]:
    """("video", label) for an allowed-family container, ("refused", name) for a known video format we refuse,
    ("not_video", None) for anything else (text, playlists, images, archives...)."""
    if len(head) >= 12 and head[4:8] in ISO_BOX_TYPES:
        if head[4:8] == b"ftyp":
            return "video", "mov" if head[8:12] == b"qt  " else "mp4"
        return "video", "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "webm" if b"webm" in head[:64] else "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video", "avi"
    if len(head) >= 377 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return "video", "mpegts"
    for signature, name in REFUSED_SIGNATURES:
        if head.startswith(signature):
            return "refused", name
    return "not_video", None


def iso_top_level_boxes(fileobj, size_bytes: int) -> tuple[list[tuple[str, int, int]], bool]:
    """Top-level ISO BMFF boxes as (type, offset, size), read with a few small seeks; and whether the file ends
    before its last box does (an upload cut short)."""
    boxes, offset = [], 0
    while offset + 8 <= size_bytes and len(boxes) < 1000:
        fileobj.seek(offset)
        header = fileobj.read(16)
        if len(header) < 8:
            return boxes, True
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1:
            if len(header) < 16:
                return boxes, True
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:
            box_size = size_bytes - offset
        if box_size < 8:
            return boxes, False
        boxes.append((box_type.decode("latin-1"), offset, box_size))
        offset += box_size
    return boxes, offset > size_bytes


def _ebml_number(data: bytes, offset: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer at `offset`: (value, length); value None for "unknown size"."""
    first = data[offset]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or offset + length > len(data):
        raise ValueError("bad EBML number")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[offset + 1 : offset + length]:
        value = value << 8 | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return None, length
    return value, length


def ebml_cut_short(fileobj, size_bytes: int) -> bool:
    """Whether a Matroska/WebM file ends before its Segment says it does (an upload cut short)."""
    fileobj.seek(0)
    head = fileobj.read(128)
    try:
        offset = 0
        for _element in ("EBML", "Segment"):
            element_id, id_length = _ebml_number(head, offset, keep_marker=True)
            size, size_length = _ebml_number(head, offset + id_length, keep_marker=False)
            offset += id_length + size_length
            if element_id == 0x18538067:
                return size is not None and offset + size > size_bytes
            if size is None:
                return False
            offset += size
    except (ValueError, IndexError):
        return False
    return False


def demuxer_options(demuxer: str | None) -> dict:
    """FFmpeg options for opening an upload: only our demuxers, no protocols, bounded streams and probing."""
    options = {
        "format_whitelist": FORMAT_WHITELIST,
        "protocol_whitelist": "none",
        "max_streams": str(MAX_STREAMS + 1),  # one more, so that inspect() can say how many there are
        "probesize": str(10 * 1024 * 1024),
        "analyzeduration": str(10 * 1000 * 1000),
    }
    if demuxer == "mov":
        options["enable_drefs"] = "0"
    return options


def open_demuxer(fileobj, *, label: str):
    demuxer = DEMUXERS[label]
    fileobj.seek(0)
    return av.open(
        fileobj,
        format=demuxer,
        container_options=demuxer_options(demuxer),
        io_open=refuse_nested_open,
        timeout=(IO_TIMEOUT_S, IO_TIMEOUT_S),
        metadata_errors="replace",
    )


@contextmanager
def source_file(source):
    """A path opened for reading (and closed after), or the caller's binary file object as it is."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fileobj:
            yield fileobj
    else:
        yield source


def open_media(fileobj):
    """Open an upload for decoding with the same safeguards as the probe. Raises MediaError("not_a_video" |
    "unsupported_format" | "unreadable")."""
    fileobj.seek(0)
    kind, label = sniff_container(fileobj.read(512))
    if kind == "not_video":
        problem = p.not_a_video()
        raise p.MediaError.from_problem(problem)
    if kind == "refused":
        problem = p.unsupported_format(found=label, accepted=sorted(DEFAULT_CONTAINERS))
        raise p.MediaError.from_problem(problem)
    try:
        return open_demuxer(fileobj, label=label)
    except (av.FFmpegError, OSError) as error:
        problem = p.unreadable(detail=type(error).__name__)
        raise p.MediaError.from_problem(problem)


# FFmpeg's AVERROR_INVALIDDATA: the error a damaged packet or frame is raised as, like the decoder's own.
INVALID_DATA = 1094995529


def intact_frames(packet):
    """The frames of `packet`, decoded. A frame FFmpeg flags as corrupt raises av.error.InvalidDataError, as the
    damage the decoder reports itself does: the probe and the transcode both take it for a damaged file."""
    for frame in packet.decode():
        if frame.is_corrupt:
            raise av.error.InvalidDataError(INVALID_DATA, "corrupt frame")
        yield frame
