"""The safe media probe: is this upload a film we accept, and what is wrong with it if not.

Safety: the first bytes are sniffed before FFmpeg sees anything; only the demuxers of the allow-list can be chosen
(passed explicitly, and FFmpeg's own `format_whitelist`/`protocol_whitelist` say the same); the file is read through
a Python file object and any attempt by a demuxer to open another URL is refused, so playlists (HLS, ffconcat) and
references to local files or network addresses are never followed. Streams, pixels and decode time are bounded."""

import contextlib
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction

import av
from django.utils import translation
from django.utils.translation import gettext

from . import problems as p
from .containers import (
    DEFAULT_CONTAINERS,
    DEMUXERS,
    INVALID_DATA,
    MAX_STREAMS,
    NestedOpenRefused,
    ebml_cut_short,
    intact_frames,
    iso_top_level_boxes,
    open_demuxer,
    sniff_container,
)
from .loudness import LoudnessMeter

DEFAULT_VIDEO_CODECS = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "prores", "mpeg4", "mpeg2video", "dnxhd"})
DEFAULT_AUDIO_CODECS = frozenset(
    {"aac", "mp3", "opus", "vorbis", "ac3", "eac3", "flac", "alac", "pcm_s16le", "pcm_s16be", "pcm_s24le"}
    | {"pcm_s24be", "pcm_f32le", "mp2"}
)
MAX_PIXELS = 8192 * 4320
MAX_DURATION_S = 12 * 3600
QUICK_DECODE_LIMIT_S = 60.0
VFR_PACKETS = 60
END_FRAMES_DECODED = 3
BLACK_LUMA = 24  # mean luma (0-255) under which a frame counts as black
BLACK_RUN_S = 2.0
QUIET_LUFS = -31.0
LOUD_LUFS = -14.0
LOUD_PEAK_DBTP = -0.5


@dataclass(frozen=True)
class MediaRules:
    max_duration_s: float | None = None
    min_duration_s: float | None = None
    min_resolution_px: int | None = None  # shorter side of the displayed picture, after rotation
    audio_required: bool = False
    max_size_bytes: int | None = None
    allowed_containers: frozenset = DEFAULT_CONTAINERS
    allowed_video_codecs: frozenset = DEFAULT_VIDEO_CODECS
    allowed_audio_codecs: frozenset = DEFAULT_AUDIO_CODECS

    @classmethod
    def from_contest(cls, contest) -> "MediaRules":
        return cls(
            max_duration_s=contest.max_duration_s,
            min_duration_s=contest.min_duration_s,
            min_resolution_px=contest.min_resolution_px,
            audio_required=contest.audio_required,
            max_size_bytes=contest.max_file_size_bytes,
        )


@dataclass
class ProbeReport:
    verdict: str  # "accepted" | "rejected"
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    container: str | None = None
    size_bytes: int = 0
    duration_s: float | None = None
    video: dict | None = None
    audio: dict | None = None
    loudness: dict | None = None
    decoded_frames: int | None = None
    full: bool = False
    # Text people wrote into the file (title, artist, comment…), for the blind-leak search (contest.blind_leaks).
    tags: dict = field(default_factory=dict)

    @property
    def problem_codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    @property
    def warning_codes(self) -> list[str]:
        return [warning.code for warning in self.warnings]

    def as_dict(self) -> dict:
        data = {
            "verdict": self.verdict,
            "problems": [problem.as_dict() for problem in self.problems],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "container": self.container,
            "size_bytes": self.size_bytes,
            "duration_s": self.duration_s,
            "video": self.video,
            "audio": self.audio,
        }
        if self.full:
            data["loudness"] = self.loudness
            data["decoded_frames"] = self.decoded_frames
        if self.tags:
            data["tags"] = self.tags
        return data


# Tags that software writes by itself (never a person's words) are left out of ProbeReport.tags.
TECHNICAL_TAGS = frozenset(
    {"encoder", "handler_name", "vendor_id", "major_brand", "minor_version", "compatible_brands", "creation_time",
     "language", "duration", "timecode", "encoded_by", "com.apple.quicktime.software", "software"}
)  # fmt: skip


def written_tags(media, *, limit: int = 40, length: int = 300) -> dict[str, str]:
    """The container's and the streams' metadata that a person may have typed (title, artist, comment…), named
    `tag` or `stream N: tag`, each cut to `length` characters, at most `limit` of them."""
    found = {}
    sources = [("", media.metadata)] + [(f"stream {stream.index}: ", stream.metadata) for stream in media.streams]
    for prefix, metadata in sources:
        for key, value in (metadata or {}).items():
            if key.lower() in TECHNICAL_TAGS or not str(value).strip() or len(found) >= limit:
                continue
            found[f"{prefix}{key}"[:80]] = str(value)[:length]
    return found


def rotation_clockwise(frame) -> int:
    """The clockwise turn a player applies to `frame` (0, 90, 180 or 270)."""
    # PyAV reports the display matrix counter-clockwise; people and phones speak of the clockwise `rotate` tag.
    return int(round(-frame.rotation)) % 360


def _frame_time(frame) -> float | None:
    return float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else None


def _luma_mean(frame) -> float:
    small = frame.reformat(width=32, height=18, format="gray")
    plane = small.planes[0]
    data = bytes(plane)
    rows = [data[row * plane.line_size : row * plane.line_size + 32] for row in range(18)]
    return sum(sum(row) for row in rows) / (32 * 18)


def _frame_rate_range(times: list[float]) -> tuple[float, float] | None:
    """Lowest and highest instantaneous frame rate if they differ by more than 10 %, else None."""
    ordered = sorted(set(times))
    deltas = [b - a for a, b in zip(ordered, ordered[1:], strict=False) if b > a]
    if len(deltas) < 3:
        return None
    deltas = deltas[:-1]  # the last frame often carries a rounded duration
    shortest, longest = min(deltas), max(deltas)
    if longest > shortest * 1.1:
        return 1 / longest, 1 / shortest
    return None


class _Probe:
    def __init__(self, fileobj, *, rules: MediaRules, size_bytes: int, full: bool):
        self.fileobj, self.rules, self.size_bytes, self.full = fileobj, rules, size_bytes, full
        self.report = ProbeReport(verdict="rejected", size_bytes=size_bytes, full=full)

    def block(self, problem: p.Problem) -> None:
        if problem.code not in self.report.problem_codes:
            self.report.problems.append(problem)

    def warn(self, warning: p.Problem) -> None:
        if warning.code not in self.report.warning_codes:
            self.report.warnings.append(warning)

    def run(self) -> ProbeReport:
        report, rules = self.report, self.rules
        if rules.max_size_bytes is not None and self.size_bytes > rules.max_size_bytes:
            self.block(p.file_too_large(size_bytes=self.size_bytes, limit_bytes=rules.max_size_bytes, duration_s=None))
        self.fileobj.seek(0)
        kind, label = sniff_container(self.fileobj.read(512))
        if kind == "not_video":
            self.block(p.not_a_video())
            return self.finish()
        accepted = sorted(rules.allowed_containers)
        if kind == "refused" or label not in rules.allowed_containers:
            report.container = label
            self.block(p.unsupported_format(found=label or "?", accepted=[name.upper() for name in accepted]))
            return self.finish()
        report.container = label
        if DEMUXERS[label] == "mov":
            boxes, cut_short = iso_top_level_boxes(self.fileobj, self.size_bytes)
            moov_cut = cut_short and boxes and boxes[-1][0] == "moov"
            if cut_short or "moov" not in {box[0] for box in boxes}:
                self.block(p.truncated(position_s=None, duration_s=None))
                if moov_cut or "moov" not in {box[0] for box in boxes}:
                    return self.finish()  # without a whole index there is nothing more to say
        elif DEMUXERS[label] == "matroska" and ebml_cut_short(self.fileobj, self.size_bytes):
            self.block(p.truncated(position_s=None, duration_s=None))
        try:
            with open_demuxer(self.fileobj, label=label) as media:
                self.inspect(media)
        except NestedOpenRefused:
            self.block(p.unsupported_format(found=label, accepted=accepted))
        except av.error.ExitError:
            self.block(p.unreadable(detail="timeout"))
        except (av.FFmpegError, OSError, ValueError, RuntimeError) as error:
            if not self.report.problems:
                self.block(p.unreadable(detail=type(error).__name__))
        return self.finish()

    def finish(self) -> ProbeReport:
        report = self.report
        if report.duration_s and self.rules.max_size_bytes and p.FILE_TOO_LARGE in report.problem_codes:
            index = report.problem_codes.index(p.FILE_TOO_LARGE)
            report.problems[index] = p.file_too_large(
                size_bytes=self.size_bytes, limit_bytes=self.rules.max_size_bytes, duration_s=report.duration_s
            )
        report.verdict = "rejected" if report.problems else "accepted"
        return report

    def inspect(self, media) -> None:
        report, rules = self.report, self.rules
        if len(media.streams) > MAX_STREAMS:
            self.block(p.unreadable(detail=gettext("more than %(limit)d tracks") % {"limit": MAX_STREAMS}))
            return
        report.tags = written_tags(media)
        if not media.streams.video:
            self.block(p.no_video_stream())
            return
        video = media.streams.video[0]
        audio = media.streams.audio[0] if media.streams.audio else None
        video_codec = video.codec_context.name
        width, height = video.codec_context.width, video.codec_context.height
        if video_codec not in rules.allowed_video_codecs:
            self.block(p.unsupported_format(found=video_codec, accepted=sorted(rules.allowed_video_codecs)))
        if width * height > MAX_PIXELS or width <= 0 or height <= 0:
            self.block(p.unsupported_format(found=f"{width}×{height}", accepted=["≤ 8192×4320"]))
            return
        if audio is not None:
            report.audio = {
                "codec": audio.codec_context.name,
                "channels": audio.codec_context.channels,
                "sample_rate": audio.codec_context.sample_rate,
            }
            if audio.codec_context.name not in rules.allowed_audio_codecs:
                self.block(
                    p.unsupported_format(found=audio.codec_context.name, accepted=sorted(rules.allowed_audio_codecs))
                )
        elif rules.audio_required:
            self.block(p.no_audio_stream())
        duration = None
        if media.duration is not None and media.duration > 0:
            duration = media.duration / av.time_base
        elif video.duration and video.time_base:
            duration = float(video.duration * video.time_base)
        if duration is None or duration > MAX_DURATION_S:
            self.block(p.unreadable(detail="duration"))
            return
        report.duration_s = round(duration, 3)
        if self.full:
            video.codec_context.thread_type = "AUTO"  # frame threads: fast for a whole film, slow to a first frame
        rate = video.average_rate or video.guessed_rate
        report.video = {
            "codec": video_codec,
            "width": width,
            "height": height,
            "display_width": width,
            "display_height": height,
            "rotation": 0,
            "frame_rate": round(float(rate), 3) if rate else None,
            "pixel_format": video.codec_context.format.name if video.codec_context.format else None,
        }
        if p.UNSUPPORTED_FORMAT in report.problem_codes:
            return
        first = self.read_start(media, video)
        if first is None:
            return
        rotation = rotation_clockwise(first)
        sar = video.sample_aspect_ratio or Fraction(1)
        display_width = round(width * sar) if sar and sar != 1 else width
        display_height = height
        if rotation in (90, 270):
            display_width, display_height = display_height, display_width
        report.video.update(
            display_width=display_width,
            display_height=display_height,
            rotation=rotation,
            pixel_format=first.format.name,
        )
        self.judge_rules(duration=duration, display_width=display_width, display_height=display_height)
        if self.full:
            self.decode_everything(media, video, audio, duration)
        else:
            self.read_end(media, video, duration)

    def read_start(self, media, video):
        """Decode the first picture (rotation, pixel format) and look at the first packets' timing (VFR)."""
        first, times = None, []
        try:
            for packet in media.demux(video):
                if packet.pts is not None and packet.time_base:
                    times.append(float(packet.pts * packet.time_base))
                if first is None:
                    frames = video.decode(packet)
                    first = frames[0] if frames else None
                if first is not None and len(times) >= VFR_PACKETS:
                    break
            if first is None:
                frames = video.decode(None)
                first = frames[0] if frames else None
        except av.error.InvalidDataError:
            self.block(p.decode_error(position_s=0))
            return None
        if first is None:
            self.block(p.decode_error(position_s=0))
            return None
        if not self.full:
            rates = _frame_rate_range(times)
            if rates:
                self.warn(p.variable_frame_rate(lowest_fps=rates[0], highest_fps=rates[1]))
        return first

    def judge_rules(self, *, duration: float, display_width: int, display_height: int) -> None:
        rules = self.rules
        if rules.max_duration_s is not None and duration > rules.max_duration_s:
            self.block(p.too_long(duration_s=duration, limit_s=rules.max_duration_s))
        if rules.min_duration_s is not None and duration < rules.min_duration_s:
            self.block(p.too_short(duration_s=duration, minimum_s=rules.min_duration_s))
        if rules.min_resolution_px is not None and min(display_width, display_height) < rules.min_resolution_px:
            self.block(
                p.resolution_too_low(width=display_width, height=display_height, minimum_px=rules.min_resolution_px)
            )

    def read_end(self, media, video, duration: float) -> None:
        """Seek near the last second: decode a few pictures from the keyframe there, then read (without decoding)
        every packet to the end. A cut or damaged end shows here; the middle is left to the full check."""
        target = max(0.0, duration - 1.0)
        video.codec_context.flush_buffers()
        last_time, decoded = None, 0
        started = time.monotonic()
        try:
            media.seek(int(target / video.time_base), stream=video, backward=True, any_frame=False)
            for packet in media.demux(video):
                if packet.size == 0:
                    continue
                if packet.is_corrupt:
                    raise av.error.InvalidDataError(INVALID_DATA, "corrupt packet")
                if decoded < END_FRAMES_DECODED:
                    decoded += len(video.decode(packet))
                if packet.pts is not None:
                    last_time = float(packet.pts * packet.time_base)
                if time.monotonic() - started > QUICK_DECODE_LIMIT_S:
                    self.block(p.unreadable(detail="timeout"))
                    return
            if decoded == 0:
                decoded = len(video.decode(None))
        except av.error.InvalidDataError:
            self.block(p.decode_error(position_s=last_time if last_time is not None else target))
            return
        except av.error.EOFError:
            pass
        if decoded == 0 and last_time is not None:
            self.block(p.decode_error(position_s=last_time))
            return
        self.judge_end(last_time=last_time, video=video, duration=duration)

    def judge_end(self, *, last_time: float | None, video, duration: float) -> None:
        """The last picture must come within a few frames of the picture's announced end."""
        start = float(video.start_time * video.time_base) if video.start_time is not None else 0.0
        end = float(video.duration * video.time_base) + start if video.duration else duration
        frame_s = float(1 / video.average_rate) if video.average_rate else 0.1
        if last_time is None or last_time < end - max(0.5, 4 * frame_s):
            self.block(p.truncated(position_s=last_time, duration_s=duration))

    def decode_everything(self, media, video, audio, duration: float) -> None:
        """Decode every packet of the picture and the first sound track: frames counted, damage found, loudness
        measured, black stretches and a varying frame rate noticed."""
        media.seek(0)
        video.codec_context.flush_buffers()
        streams = [video] + ([audio] if audio is not None else [])
        meter = LoudnessMeter() if audio is not None else None
        decoded, times, last_time = 0, [], None
        black_start, black_longest = None, (0.0, 0.0)
        started = time.monotonic()
        limit = max(QUICK_DECODE_LIMIT_S, duration * 4)
        position = 0.0
        try:
            for packet in media.demux(*streams):
                if time.monotonic() - started > limit:
                    self.block(p.unreadable(detail="timeout"))
                    return
                if packet.pts is not None and packet.time_base:
                    position = float(packet.pts * packet.time_base)
                for frame in intact_frames(packet):
                    if packet.stream is video:
                        decoded += 1
                        moment = _frame_time(frame)
                        if moment is not None:
                            times.append(moment)
                            last_time = moment
                            if _luma_mean(frame) < BLACK_LUMA:
                                black_start = moment if black_start is None else black_start
                                if moment - black_start > black_longest[1]:
                                    black_longest = (black_start, moment - black_start)
                            else:
                                black_start = None
                    else:
                        meter.add(frame)
        except av.error.InvalidDataError:
            self.block(p.decode_error(position_s=position))
            return
        self.report.decoded_frames = decoded
        self.judge_end(last_time=last_time, video=video, duration=duration)
        frame_s = float(1 / video.average_rate) if video.average_rate else 0.04
        if black_longest[1] + frame_s >= BLACK_RUN_S:
            self.warn(p.black_frames(start_s=black_longest[0], length_s=black_longest[1] + frame_s))
        rates = _frame_rate_range(times)
        if rates:
            self.warn(p.variable_frame_rate(lowest_fps=rates[0], highest_fps=rates[1]))
        if meter is not None:
            loudness = meter.result()
            self.report.loudness = loudness.as_dict()
            for warning in loudness_warnings(loudness):
                self.warn(warning)


def loudness_warnings(loudness) -> list[p.Problem]:
    """Warnings about a film's measured loudness (silent, too quiet, too loud or clipping)."""
    if loudness.integrated_lufs is None:
        return [p.silent_audio()]
    if loudness.integrated_lufs < QUIET_LUFS:
        return [p.too_quiet(integrated_lufs=loudness.integrated_lufs)]
    if loudness.integrated_lufs > LOUD_LUFS or (
        loudness.true_peak_dbtp is not None and loudness.true_peak_dbtp > LOUD_PEAK_DBTP
    ):
        return [p.too_loud(integrated_lufs=loudness.integrated_lufs, true_peak_dbtp=loudness.true_peak_dbtp)]
    return []


def probe_media(fileobj, *, rules: MediaRules, size_bytes: int, full: bool = False, language=None) -> ProbeReport:
    """Check a film read from a seekable binary file object (see readers.py; it is never read whole unless
    `full`). Messages are in `language` (default: the active one). Never raises for a bad file: every failure
    becomes a problem in the report."""
    with translation.override(language) if language else contextlib.nullcontext():
        return _Probe(fileobj, rules=rules, size_bytes=size_bytes, full=full).run()


def probe_path(path, *, rules: MediaRules, full: bool = False, language=None) -> ProbeReport:
    with open(path, "rb") as fileobj:
        return probe_media(fileobj, rules=rules, size_bytes=os.path.getsize(path), full=full, language=language)
