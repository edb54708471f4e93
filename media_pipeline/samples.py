"""Real media made with PyAV for tests, benches and the demo: films in the codecs people upload, broken files and
hostile look-alikes, a viewing session's copy of a screener. Pictures come from FFmpeg's `testsrc2` (moving,
recognisable), sound from `aevalsrc`."""

import io
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import av.filter

from . import accusation

# Muxer name, default audio codec and pixel format for each video codec we generate.
_CODEC_DEFAULTS = {
    "libx264": {"pix_fmt": "yuv420p", "options": {"preset": "ultrafast"}},
    "libx265": {"pix_fmt": "yuv420p", "options": {"preset": "ultrafast", "x265-params": "log-level=error"}},
    "libvpx-vp9": {"pix_fmt": "yuv420p", "options": {"deadline": "realtime", "cpu-used": "8", "b": "800k"}},
    "prores_ks": {"pix_fmt": "yuv422p10le", "options": {"profile": "0"}},
    "mpeg4": {"pix_fmt": "yuv420p", "options": {}},
}
_MUXERS = {
    "mp4": "mp4",
    "mov": "mov",
    "webm": "webm",
    "mkv": "matroska",
    "matroska": "matroska",
    "avi": "avi",
    "flv": "flv",
}


def _pull_all(graph: av.filter.Graph):
    while True:
        try:
            yield graph.pull()
        except (av.error.EOFError, av.error.BlockingIOError):
            return


def _picture_graph(*, width: int, height: int, fps: int, duration_s: float, black: bool) -> av.filter.Graph:
    graph = av.filter.Graph()
    if black:
        source = graph.add("color", f"c=black:size={width}x{height}:rate={fps}:duration={duration_s}")
    else:
        source = graph.add("testsrc2", f"size={width}x{height}:rate={fps}:duration={duration_s}")
    sink = graph.add("buffersink")
    source.link_to(sink)
    graph.configure()
    return graph


def _sound_graph(
    *, duration_s: float, frequency: float, amplitude_dbfs: float, silent: bool, sample_rate: int, frame_size: int
) -> av.filter.Graph:
    amplitude = 0.0 if silent else 10 ** (amplitude_dbfs / 20)
    wave = f"{amplitude:.9f}*sin(2*PI*{frequency}*t)"
    graph = av.filter.Graph()
    source = graph.add("aevalsrc", f"{wave}|{wave}:s={sample_rate}:d={duration_s}:n={frame_size}:c=stereo")
    sink = graph.add("abuffersink")
    source.link_to(sink)
    graph.configure()
    return graph


def make_film(
    path,
    *,
    duration_s: float = 2.0,
    width: int = 640,
    height: int = 360,
    fps: int = 25,
    video_codec: str = "libx264",
    container: str | None = None,
    audio: bool = True,
    audio_codec: str | None = None,
    rotation: int = 0,
    faststart: bool = True,
    title_tag: str | None = None,
    tags: dict | None = None,
    pix_fmt: str | None = None,
    frequency: float = 440,
    amplitude_dbfs: float = -20,
    variable_frame_rate: bool = False,
    black: bool = False,
    silent: bool = False,
    video_options: dict | None = None,
) -> Path:
    """Write a film to `path` and return it. `container` defaults to the file's suffix (mp4, mov, webm, mkv, avi).
    `rotation` is the clockwise turn a player applies (a phone's `rotate` tag: 90 shows the picture portrait);
    with `variable_frame_rate` every third frame lasts twice as long."""
    path = Path(path)
    container = container or path.suffix.lstrip(".") or "mp4"
    muxer = _MUXERS[container]
    defaults = _CODEC_DEFAULTS.get(video_codec, {"pix_fmt": "yuv420p", "options": {}})
    if audio_codec is None:
        audio_codec = {"webm": "libopus", "mov": "pcm_s16le", "avi": "pcm_s16le"}.get(container, "aac")
    options = {}
    if muxer in ("mp4", "mov") and faststart:
        options["movflags"] = "+faststart"
    with av.open(str(path), "w", format=muxer, options=options) as output:
        if title_tag is not None:
            output.metadata["title"] = title_tag
        for key, value in (tags or {}).items():
            output.metadata[key] = value
        video = output.add_stream(video_codec, rate=fps, options={**defaults["options"], **(video_options or {})})
        video.width, video.height = width, height
        video.pix_fmt = pix_fmt or defaults["pix_fmt"]
        if video_codec == "libx265" and muxer in ("mp4", "mov"):
            video.codec_tag = "hvc1"
        if variable_frame_rate:
            video.codec_context.time_base = Fraction(1, fps * 2)
        if rotation:
            video.set_display_rotation(-rotation)  # PyAV's degrees are counter-clockwise
        sound = None
        if audio:
            sample_rate = 48000
            sound = output.add_stream(audio_codec, rate=sample_rate, layout="stereo")
        pts = 0
        for index, frame in enumerate(
            _pull_all(_picture_graph(width=width, height=height, fps=fps, duration_s=duration_s, black=black))
        ):
            if variable_frame_rate:
                frame.time_base = video.codec_context.time_base
                frame.pts = pts
                pts += 4 if index % 3 == 2 else 2
            else:
                frame.pts = index
                frame.time_base = Fraction(1, fps)
            output.mux(video.encode(frame.reformat(format=video.pix_fmt)))
        output.mux(video.encode())
        if sound is not None:
            frame_size = sound.codec_context.frame_size or 1024
            samples = 0
            graph = _sound_graph(
                duration_s=duration_s,
                frequency=frequency,
                amplitude_dbfs=amplitude_dbfs,
                silent=silent,
                sample_rate=sample_rate,
                frame_size=frame_size,
            )
            resampler = av.AudioResampler(format=sound.codec_context.format.name, layout="stereo", rate=sample_rate)
            for frame in _pull_all(graph):
                for converted in resampler.resample(frame):
                    converted.pts = samples
                    converted.time_base = Fraction(1, sample_rate)
                    samples += converted.samples
                    output.mux(sound.encode(converted))
            output.mux(sound.encode())
    return path


def make_hevc(path, **options) -> Path:
    return make_film(path, video_codec="libx265", **options)


def make_vp9(path, **options) -> Path:
    return make_film(path, video_codec="libvpx-vp9", container="webm", **options)


def make_prores(path, **options) -> Path:
    return make_film(path, video_codec="prores_ks", container="mov", **options)


def make_moov_at_end(path, **options) -> Path:
    return make_film(path, faststart=False, **options)


def make_rotated(path, *, rotation: int = 90, **options) -> Path:
    return make_film(path, rotation=rotation, **options)


def make_variable_frame_rate(path, **options) -> Path:
    return make_film(path, variable_frame_rate=True, **options)


def make_without_audio(path, **options) -> Path:
    return make_film(path, audio=False, **options)


def make_sine(
    path, *, frequency: float = 1000, amplitude_dbfs: float = -23, duration_s: float = 10.0, sample_rate: int = 48000
) -> Path:
    """A stereo sine, both channels at `amplitude_dbfs` peak, as 32-bit float WAV (EBU Tech 3341 case 1 by default)."""
    path = Path(path)
    graph = _sound_graph(
        duration_s=duration_s,
        frequency=frequency,
        amplitude_dbfs=amplitude_dbfs,
        silent=False,
        sample_rate=sample_rate,
        frame_size=1024,
    )
    with av.open(str(path), "w", format="wav") as output:
        stream = output.add_stream("pcm_f32le", rate=sample_rate, layout="stereo")
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=sample_rate)
        for frame in _pull_all(graph):
            for converted in resampler.resample(frame):
                output.mux(stream.encode(converted))
        output.mux(stream.encode())
    return path


def truncate_copy(source, destination, *, keep_fraction: float = 0.5) -> Path:
    """Copy the first `keep_fraction` of `source`'s bytes, like an upload cut short."""
    data = Path(source).read_bytes()
    destination = Path(destination)
    destination.write_bytes(data[: int(len(data) * keep_fraction)])
    return destination


def corrupt_copy(source, destination, *, at_fraction: float = 0.5, length: int = 16384, seed: int = 7) -> Path:
    """Copy `source` with `length` bytes around `at_fraction` of the file replaced by noise."""
    data = bytearray(Path(source).read_bytes())
    start = int(len(data) * at_fraction)
    state = seed
    for offset in range(start, min(start + length, len(data))):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        data[offset] = state >> 16 & 0xFF
    destination = Path(destination)
    destination.write_bytes(bytes(data))
    return destination


def make_not_video(path, *, kind: str = "text") -> Path:
    """A file that is not a film though it may be named like one: `text`, `png` or `zip`."""
    path = Path(path)
    if kind == "text":
        path.write_text("Sans voix — scénario, version 3.\n" * 40, encoding="utf-8")
    elif kind == "png":
        with av.open(str(path), "w", format="image2", options={"update": "1"}) as output:
            stream = output.add_stream("png", rate=1)
            stream.width, stream.height, stream.pix_fmt = 64, 64, "rgb24"
            frame = next(_pull_all(_picture_graph(width=64, height=64, fps=1, duration_s=1, black=False)))
            output.mux(stream.encode(frame.reformat(format="rgb24")))
            output.mux(stream.encode())
    elif kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("film.txt", "not a film")
        path.write_bytes(buffer.getvalue())
    else:
        raise ValueError(kind)
    return path


def make_hls_playlist(path, *, targets: list[str]) -> Path:
    """An HLS playlist (whatever `path` is named) whose segments are `targets` (file://, http://...)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:10", "#EXT-X-MEDIA-SEQUENCE:0"]
    for target in targets:
        lines += ["#EXTINF:2.0,", target]
    lines.append("#EXT-X-ENDLIST")
    path = Path(path)
    path.write_text("\n".join(lines) + "\n")
    return path


def make_ffconcat(path, *, targets: list[str]) -> Path:
    """An ffconcat list (whatever `path` is named) that would splice `targets` together."""
    path = Path(path)
    path.write_text("ffconcat version 1.0\n" + "".join(f"file '{target}'\n" for target in targets))
    return path


def screener_session_copy(ladder, path, *, secret: bytes, film: str, session: int, lines: int | None = None) -> Path:
    """What `session` is served of a marked ladder (a ladder.LadderResult), segment after segment, in its top rung
    or the rung of `lines`, as one file: a leaker's copy, pictures only."""
    folder = Path(ladder.folder) / str(lines or ladder.rungs[0].lines)
    path = Path(path)
    with open(path, "wb") as copy:
        for segment in range(len(ladder.segments)):
            name = accusation.variant(secret=secret, film=film, session=session, segment=segment)
            copy.write((folder / name / f"seg{segment:05d}.ts").read_bytes())
    return path
