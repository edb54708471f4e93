"""The viewing copies of a film, made in one decoding pass: an H.264/AAC proxy (shorter side ≤ 1080 lines), a light
rendition (≤ 480 lines), poster stills, and the loudness of the sound. Rotation is applied to the pixels and nothing
of the original file's metadata (title, author, comment, encoder, dates) is carried over: films are judged blind.
(The team's subtitles are read and converted to WebVTT by contest.subtitles.)"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.filter
from av.video.frame import PictureType

from . import problems as p
from .containers import intact_frames, open_media, source_file
from .loudness import Loudness, LoudnessMeter
from .probe import rotation_clockwise

AUDIO_RATE = 48000
VIDEO_OPTIONS = {"preset": "veryfast", "crf": "23", "profile": "high"}
LIGHT_OPTIONS = {"preset": "veryfast", "crf": "27", "profile": "main"}
MUXER_OPTIONS = {"movflags": "+faststart", "fflags": "+bitexact"}
POSTER_FRACTIONS = (0.1, 0.5, 0.9)


@dataclass
class ProxyResult:
    path: Path
    width: int
    height: int
    duration_s: float
    frames: int
    light_path: Path | None = None
    light_width: int | None = None
    light_height: int | None = None
    posters: list[Path] = field(default_factory=list)
    loudness: Loudness | None = None
    elapsed_s: float = 0.0


def fit_dimensions(width: int, height: int, max_lines: int) -> tuple[int, int]:
    """Scale (width, height) so the shorter side is at most `max_lines`; both even, as yuv420p needs."""
    shorter = min(width, height)
    factor = min(1.0, max_lines / shorter)

    def even(value: float) -> int:
        return max(2, int(round(value / 2)) * 2)

    return even(width * factor), even(height * factor)


def rotation_filters(rotation: int) -> list[tuple[str, str | None]]:
    return {
        90: [("transpose", "clock")],
        180: [("hflip", None), ("vflip", None)],
        270: [("transpose", "cclock")],
    }.get(rotation, [])


class _Pictures:
    """Decoded frames -> rotated, scaled yuv420p frames for the proxy and the light rendition (one filter graph)."""

    def __init__(self, first: av.VideoFrame, stream, *, max_lines: int, light_lines: int | None):
        rotation = rotation_clockwise(first)
        width, height = (first.height, first.width) if rotation in (90, 270) else (first.width, first.height)
        self.size = fit_dimensions(width, height, max_lines)
        self.light_size = fit_dimensions(width, height, light_lines) if light_lines else None
        graph = av.filter.Graph()
        graph.threads = 0
        node = graph.add_buffer(
            width=first.width,
            height=first.height,
            format=first.format,
            time_base=stream.time_base,
        )
        head = node
        for name, args in rotation_filters(rotation):
            step = graph.add(name, args)
            head.link_to(step)
            head = step
        scale = graph.add("scale", f"{self.size[0]}:{self.size[1]}:flags=bicubic")
        head.link_to(scale)
        to_yuv = graph.add("format", "pix_fmts=yuv420p")
        scale.link_to(to_yuv)
        self.sink = graph.add("buffersink")
        self.light_sink = None
        if self.light_size:
            split = graph.add("split", "2")
            to_yuv.link_to(split)
            split.link_to(self.sink, 0, 0)
            light_scale = graph.add("scale", f"{self.light_size[0]}:{self.light_size[1]}:flags=bicubic")
            split.link_to(light_scale, 1, 0)
            self.light_sink = graph.add("buffersink")
            light_scale.link_to(self.light_sink)
        else:
            to_yuv.link_to(self.sink)
        graph.configure()
        self.graph, self.source = graph, node

    def push(self, frame: av.VideoFrame | None):
        self.source.push(frame)
        main, light = [], []
        for sink, out in ((self.sink, main), (self.light_sink, light)):
            if sink is None:
                continue
            while True:
                try:
                    out.append(sink.pull())
                except (av.error.BlockingIOError, av.error.EOFError):
                    break
        return main, light


def add_video(output, *, size, stream, options):
    rate = stream.average_rate or stream.guessed_rate or Fraction(25)
    video = output.add_stream("libx264", rate=rate, options=options)
    video.width, video.height = size
    video.pix_fmt = "yuv420p"
    video.codec_context.time_base = stream.time_base
    video.time_base = stream.time_base
    video.codec_context.thread_type = "FRAME"  # PyAV's default, slices, costs x264 both speed and size
    return video


def add_audio(output):
    audio = output.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
    audio.codec_context.bit_rate = 160_000
    return audio


def _write_poster(frame: av.VideoFrame, path: Path) -> Path:
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt = "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.options = {"qmin": "2", "qmax": "4"}
    picture = frame.reformat(format="yuvj420p")
    picture.pts = 0
    packets = encoder.encode(picture) + encoder.encode(None)
    path.write_bytes(b"".join(bytes(packet) for packet in packets))
    return path


class Sound:
    """Decoded audio -> 48 kHz stereo AAC frames of the encoder's size, measured for loudness on the way."""

    def __init__(self, stream_out, *, measure: bool):
        self.stream = stream_out
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=AUDIO_RATE)
        self.fifo = av.AudioFifo()
        self.meter = LoudnessMeter() if measure else None
        self.samples = 0

    def packets(self, frame: av.AudioFrame | None):
        resampled = self.resampler.resample(frame)
        for piece in resampled:
            piece.pts = None
            self.fifo.write(piece)
        size = self.stream.codec_context.frame_size or 1024
        out = []
        while self.fifo.samples >= size or (frame is None and self.fifo.samples):
            chunk = self.fifo.read(size, partial=frame is None)
            chunk.pts = self.samples
            chunk.time_base = Fraction(1, AUDIO_RATE)
            self.samples += chunk.samples
            out += self.stream.encode(chunk)
            if self.meter is not None:
                self.meter.add(chunk)
        if frame is None:
            out += self.stream.encode(None)
        return out


def make_proxy(
    source,
    out_path,
    *,
    max_lines: int = 1080,
    light_path=None,
    light_lines: int = 480,
    poster_dir=None,
    poster_fractions: tuple[float, ...] = POSTER_FRACTIONS,
    progress: Callable[[float], None] | None = None,
    video_options: dict | None = None,
) -> ProxyResult:
    """Decode `source` (a path or seekable binary file object) once and write the proxy MP4 to `out_path`, plus a
    light MP4 at `light_path` and JPEG posters `poster-10.jpg`... in `poster_dir` when given. `progress(fraction)`
    is called as the pass advances. Raises MediaError("not_a_video" | "unsupported_format" | "unreadable" |
    "no_video_stream" | "decode_error" | "truncated"); partial outputs are removed then."""
    started = time.monotonic()
    out_path = Path(out_path)
    light_path = Path(light_path) if light_path else None
    written = [out_path] + ([light_path] if light_path else [])
    try:
        with source_file(source) as fileobj, open_media(fileobj) as media:
            result = _transcode(
                media,
                out_path=out_path,
                max_lines=max_lines,
                light_path=light_path,
                light_lines=light_lines,
                poster_dir=Path(poster_dir) if poster_dir else None,
                poster_fractions=poster_fractions,
                progress=progress,
                video_options={**VIDEO_OPTIONS, **(video_options or {})},
                written=written,
            )
    except BaseException:
        for path in written:
            if path.exists():
                path.unlink()
        raise
    result.elapsed_s = round(time.monotonic() - started, 3)
    return result


def _transcode(
    media,
    *,
    out_path,
    max_lines,
    light_path,
    light_lines,
    poster_dir,
    poster_fractions,
    progress,
    video_options,
    written,
) -> ProxyResult:
    if not media.streams.video:
        problem = p.no_video_stream()
        raise p.MediaError.from_problem(problem)
    video_in = media.streams.video[0]
    audio_in = media.streams.audio[0] if media.streams.audio else None
    video_in.codec_context.thread_type = "AUTO"
    duration = media.duration / av.time_base if media.duration else None
    start = float(video_in.start_time * video_in.time_base) if video_in.start_time is not None else 0.0
    poster_times = sorted(start + fraction * (duration or 0) for fraction in poster_fractions) if poster_dir else []
    posters: list[Path] = []
    if poster_dir:
        poster_dir.mkdir(parents=True, exist_ok=True)

    outputs, pictures, video_out, light_out, sound, light_sound = [], None, None, None, None, None
    frames, last_time, position, reported = 0, None, 0.0, -1.0
    pending_audio: list = []

    def open_outputs(first):
        nonlocal pictures, video_out, light_out, sound, light_sound
        pictures = _Pictures(first, video_in, max_lines=max_lines, light_lines=light_lines if light_path else None)
        main = av.open(str(out_path), "w", format="mp4", options=MUXER_OPTIONS)
        outputs.append(main)
        video_out = add_video(main, size=pictures.size, stream=video_in, options=video_options)
        if audio_in is not None:
            sound = Sound(add_audio(main), measure=True)
        if light_path:
            light = av.open(str(light_path), "w", format="mp4", options=MUXER_OPTIONS)
            outputs.append(light)
            light_out = add_video(light, size=pictures.light_size, stream=video_in, options=LIGHT_OPTIONS)
            if audio_in is not None:
                light_sound = Sound(add_audio(light), measure=False)

    def audio_packets(frame):
        packets = sound.packets(frame)
        light_packets = light_sound.packets(frame) if light_sound else []
        return packets, light_packets

    def send_pictures(decoded):
        nonlocal frames, last_time
        main, light = pictures.push(decoded)
        for picture in main:
            frames += 1
            moment = float(picture.pts * picture.time_base) if picture.pts is not None else None
            last_time = moment if moment is not None else last_time
            while poster_times and moment is not None and moment >= poster_times[0]:
                index = len(posters)
                fraction = sorted(poster_fractions)[index]
                posters.append(_write_poster(picture, poster_dir / f"poster-{round(fraction * 100):02d}.jpg"))
                written.append(posters[-1])
                poster_times.pop(0)
            picture.pict_type = PictureType.NONE  # let x264 choose; the source's I/P/B would be forced on it
            outputs[0].mux(video_out.encode(picture))
        for picture in light:
            picture.pict_type = PictureType.NONE
            outputs[1].mux(light_out.encode(picture))

    streams = [video_in] + ([audio_in] if audio_in is not None else [])
    try:
        for packet in media.demux(*streams):
            if packet.pts is not None and packet.time_base:
                position = float(packet.pts * packet.time_base)
            for frame in intact_frames(packet):
                if packet.stream is video_in:
                    if pictures is None:
                        open_outputs(frame)
                        for waiting in pending_audio:
                            _mux_audio(outputs, audio_packets(waiting))
                        pending_audio = []
                    send_pictures(frame)
                elif pictures is None:
                    pending_audio.append(frame)
                else:
                    _mux_audio(outputs, audio_packets(frame))
            if progress and duration and position - reported >= 1.0:
                reported = position
                progress(min(1.0, max(0.0, (position - start) / duration)))
    except av.error.InvalidDataError:
        for output in outputs:
            output.close()
        problem = p.decode_error(position_s=position)
        raise p.MediaError.from_problem(problem)
    if pictures is None:
        problem = p.decode_error(position_s=0)
        raise p.MediaError.from_problem(problem)
    send_pictures(None)
    outputs[0].mux(video_out.encode(None))
    if light_out is not None:
        outputs[1].mux(light_out.encode(None))
    if sound is not None:
        _mux_audio(outputs, audio_packets(None))
    for output in outputs:
        output.close()
    frame_s = float(1 / video_in.average_rate) if video_in.average_rate else 0.1
    end = float(video_in.duration * video_in.time_base) + start if video_in.duration else (duration or 0) + start
    if last_time is None or last_time < end - max(0.5, 4 * frame_s):
        problem = p.truncated(position_s=last_time, duration_s=duration)
        raise p.MediaError.from_problem(problem)
    if progress:
        progress(1.0)
    return ProxyResult(
        path=out_path,
        width=pictures.size[0],
        height=pictures.size[1],
        duration_s=round(duration or 0.0, 3),
        frames=frames,
        light_path=light_path,
        light_width=pictures.light_size[0] if pictures.light_size else None,
        light_height=pictures.light_size[1] if pictures.light_size else None,
        posters=posters,
        loudness=sound.meter.result() if sound is not None else None,
    )


def _mux_audio(outputs, packets):
    main, light = packets
    outputs[0].mux(main)
    if light:
        outputs[1].mux(light)
