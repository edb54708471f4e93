"""The screener ladder: a film's H.264 renditions for adaptive streaming (HLS), made in one decoding pass. Each rung
(1080, 720, 480, 360 lines as the source allows, never upscaled) is cut into SEGMENT_S-second MPEG-TS segments that
start on a keyframe at the same instants in every rung, so that a player may switch rung at any segment; the sound
is its own rendition (AAC), cut the same way. For a restricted film every rung is written twice, variants A and B,
each picture carrying its variant's mark (watermark.py); a public film gets one unmarked ladder. The reference that
copies are read against is taken from the unmarked pictures of the top rung."""

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av
import av.filter
import numpy as np
from av.video.frame import PictureType

from . import watermark
from .containers import intact_frames, open_media, source_file
from .probe import rotation_clockwise
from .transcode import Sound, add_audio, add_video, fit_dimensions, rotation_filters

LADDER_LINES = (1080, 720, 480, 360)
SEGMENT_S = 1  # one bit of the mark per segment: a minute of film carries 60
MAX_RATES = {1080: 6_000_000, 720: 3_500_000, 480: 1_600_000, 360: 900_000}  # bits/s, so that a rung fits its line
MARKED_VARIANTS = ("a", "b")
PLAIN_VARIANTS = ("plain",)
_EXTINF = re.compile(r"^#EXTINF:([0-9.]+),", re.MULTILINE)


@dataclass
class Rung:
    lines: int
    width: int
    height: int
    max_rate: int
    size: int = 0  # bytes, all variants
    segments: list[float] = field(default_factory=list)  # each segment's duration, in seconds
    codec: str = ""  # as HLS's CODECS attribute names it: avc1.<profile><constraints><level>


@dataclass
class LadderResult:
    folder: Path  # <lines>/<variant>/seg00000.ts..., audio/seg00000.ts...
    variants: tuple[str, ...]
    rungs: list[Rung]
    audio_segments: list[float]
    reference: watermark.Reference | None
    elapsed_s: float = 0.0

    @property
    def segments(self) -> list[float]:
        return self.rungs[0].segments


def rung_sizes(width: int, height: int) -> list[tuple[int, int, int]]:
    """(lines, width, height) of each rung for a picture of width x height (as shown, rotation applied)."""
    shorter = min(width, height)
    lines = [rung for rung in LADDER_LINES if rung <= shorter] or [shorter - shorter % 2]
    return [(rung, *fit_dimensions(width, height, rung)) for rung in lines]


def peak_rate(lines: int) -> int:
    """The peak bit rate of a rung; a source under 360 lines gets the 360-line rung's."""
    return MAX_RATES.get(lines, MAX_RATES[360])


def avc_codec(segment: Path) -> str:
    """The RFC 6381 name of the H.264 stream of an MPEG-TS segment, read from its sequence parameter set."""
    with av.open(str(segment)) as media:
        extradata = media.streams.video[0].codec_context.extradata or b""
    start = extradata.find(b"\x00\x00\x01\x67")
    if start < 0:
        raise ValueError(f"{segment.name}: no sequence parameter set")
    return "avc1." + extradata[start + 4 : start + 7].hex()


def segment_of(moment: float) -> int:
    return int(moment // SEGMENT_S + 1e-9)


class _Rungs:
    """Decoded frames -> rotated yuv420p pictures at every rung's size (one filter graph, split once)."""

    def __init__(self, first: av.VideoFrame, stream):
        rotation = rotation_clockwise(first)
        width, height = (first.height, first.width) if rotation in (90, 270) else (first.width, first.height)
        self.sizes = rung_sizes(width, height)
        graph = av.filter.Graph()
        graph.threads = 0
        self.source = head = graph.add_buffer(
            width=first.width, height=first.height, format=first.format, time_base=stream.time_base
        )
        for name, args in rotation_filters(rotation):
            step = graph.add(name, args)
            head.link_to(step)
            head = step
        split = graph.add("split", str(len(self.sizes)))
        head.link_to(split)
        self.sinks = []
        for index, (_, rung_width, rung_height) in enumerate(self.sizes):
            scale = graph.add("scale", f"{rung_width}:{rung_height}:flags=bicubic")
            split.link_to(scale, index, 0)
            to_yuv = graph.add("format", "pix_fmts=yuv420p")
            scale.link_to(to_yuv)
            sink = graph.add("buffersink")
            to_yuv.link_to(sink)
            self.sinks.append(sink)
        graph.configure()
        self.graph = graph

    def push(self, frame: av.VideoFrame | None) -> list[list[av.VideoFrame]]:
        self.source.push(frame)
        pulled = []
        for sink in self.sinks:
            pictures = []
            while True:
                try:
                    pictures.append(sink.pull())
                except (av.error.BlockingIOError, av.error.EOFError):
                    break
            pulled.append(pictures)
        return pulled


def _hls(folder: Path, *, segment_s: float):
    folder.mkdir(parents=True, exist_ok=True)
    options = {
        "hls_time": str(segment_s),
        "hls_playlist_type": "vod",
        "hls_segment_filename": str(folder / "seg%05d.ts"),
        "hls_flags": "independent_segments",
    }
    return av.open(str(folder / "index.m3u8"), "w", format="hls", options=options)


def _segment_durations(folder: Path) -> list[float]:
    return [float(value) for value in _EXTINF.findall((folder / "index.m3u8").read_text())]


class _Encoder:
    """One rung in one variant: its marker (or none), its x264 encoder and its HLS muxer."""

    def __init__(self, folder: Path, *, lines, width, height, stream, marker: watermark.Marker | None):
        self.output = _hls(folder, segment_s=SEGMENT_S / 2)  # keyframes only at segment starts: each one cuts
        max_rate = peak_rate(lines)
        options = {
            "preset": "veryfast",
            "crf": "23",
            "profile": "high" if lines > 480 else "main",
            "maxrate": str(max_rate),
            "bufsize": str(2 * max_rate),
            "forced-idr": "1",
            "x264-params": "scenecut=0:keyint=infinite:open-gop=0",
        }
        self.video = add_video(self.output, size=(width, height), stream=stream, options=options)
        self.marker, self.folder = marker, folder

    def encode(self, picture: av.VideoFrame | None, *, segment: int = 0, starts: bool = False) -> None:
        if picture is not None:
            if self.marker is not None:
                picture = self.marker.mark(picture, segment=segment)
            picture.pict_type = PictureType.I if starts else PictureType.NONE
        self.output.mux(self.video.encode(picture))

    def close(self) -> None:
        self.output.close()


def make_ladder(
    source,
    folder,
    *,
    secret: bytes | None,
    film: str,
    progress: Callable[[float], None] | None = None,
) -> LadderResult:
    """Decode `source` (a path or seekable binary file object) once and write the ladder under `folder`: variants
    A and B of every rung, marked for `film` with `secret`, or one plain variant when `secret` is None. The reference
    is returned for a marked ladder. The folder is removed if anything fails."""
    started = time.monotonic()
    folder = Path(folder)
    try:
        with source_file(source) as fileobj, open_media(fileobj) as media:
            result = _write(media, folder, secret=secret, film=film, progress=progress)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    result.elapsed_s = round(time.monotonic() - started, 3)
    return result


def _write(media, folder: Path, *, secret, film, progress) -> LadderResult:
    video_in = media.streams.video[0]
    audio_in = media.streams.audio[0] if media.streams.audio else None
    video_in.codec_context.thread_type = "AUTO"
    variants = MARKED_VARIANTS if secret is not None else PLAIN_VARIANTS
    duration = media.duration / av.time_base if media.duration else None
    rungs: _Rungs | None = None
    encoders: list[list[_Encoder]] = []
    sound, sound_output, pending_audio = None, None, []
    signatures, times, segments = [], [], []
    first_time, previous = None, []
    reported = -1.0

    def open_outputs(first):
        nonlocal rungs, sound, sound_output
        rungs = _Rungs(first, video_in)
        for lines, width, height in rungs.sizes:
            row = []
            for variant in variants:
                marker = None
                if secret is not None:
                    sign = 1 if variant == "a" else -1
                    marker = watermark.Marker(secret=secret, film=film, sign=sign, width=width, height=height)
                row.append(
                    _Encoder(
                        folder / str(lines) / variant,
                        lines=lines,
                        width=width,
                        height=height,
                        stream=video_in,
                        marker=marker,
                    )
                )
            encoders.append(row)
            previous.append(None)
        if audio_in is not None:
            sound_output = _hls(folder / "audio", segment_s=SEGMENT_S)
            sound = Sound(add_audio(sound_output), measure=False)

    def send(decoded):
        nonlocal first_time
        for index, pictures in enumerate(rungs.push(decoded)):
            for picture in pictures:
                moment = float(picture.pts * picture.time_base)
                if first_time is None:
                    first_time = moment
                segment = segment_of(moment - first_time)
                starts = segment != previous[index]
                previous[index] = segment
                if index == 0 and secret is not None:
                    signatures.append(watermark.signature(picture))
                    times.append(moment - first_time)
                    segments.append(segment)
                for encoder in encoders[index]:
                    encoder.encode(picture, segment=segment, starts=starts)

    streams = [video_in] + ([audio_in] if audio_in is not None else [])
    try:
        for packet in media.demux(*streams):
            for frame in intact_frames(packet):
                if packet.stream is video_in:
                    if rungs is None:
                        open_outputs(frame)
                        for waiting in pending_audio:
                            sound_output.mux(sound.packets(waiting))
                        pending_audio = []
                    send(frame)
                elif rungs is None:
                    pending_audio.append(frame)
                else:
                    sound_output.mux(sound.packets(frame))
            if progress and duration and packet.pts is not None and packet.time_base:
                position = float(packet.pts * packet.time_base)
                if position - reported >= 1.0:
                    reported = position
                    progress(min(1.0, max(0.0, position / duration)))
        if rungs is None:
            raise av.error.InvalidDataError(0, "no picture")
        send(None)
        for row in encoders:
            for encoder in row:
                encoder.encode(None)
        if sound is not None:
            sound_output.mux(sound.packets(None))
    finally:
        for row in encoders:
            for encoder in row:
                encoder.close()
        if sound_output is not None:
            sound_output.close()
    result_rungs = []
    for (lines, width, height), row, last in zip(rungs.sizes, encoders, previous, strict=True):
        rung = Rung(lines, width, height, peak_rate(lines))
        durations = [_segment_durations(encoder.folder) for encoder in row]
        if any(len(cut) != last + 1 for cut in durations):  # a bit of the mark per segment: they must agree
            raise RuntimeError(f"rung {lines}: {[len(cut) for cut in durations]} segments, {last + 1} expected")
        rung.segments = durations[0]
        rung.codec = avc_codec(row[0].folder / "seg00000.ts")
        for encoder in row:
            (encoder.folder / "index.m3u8").unlink()
            rung.size += sum(path.stat().st_size for path in encoder.folder.glob("seg*.ts"))
        result_rungs.append(rung)
    audio_segments = []
    if sound_output is not None:
        audio_segments = _segment_durations(folder / "audio")
        (folder / "audio" / "index.m3u8").unlink()
    reference = None
    if secret is not None:
        reference = watermark.Reference(np.array(signatures), np.array(times), np.array(segments))
    if progress:
        progress(1.0)
    return LadderResult(folder, variants, result_rungs, audio_segments, reference)
