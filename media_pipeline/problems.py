"""Problem codes of the media checks and their messages: stable lowercase codes for code and tests, translated
messages that say what is wrong with numbers and what to do about it."""

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext

from contest.durations import format_duration
from contest.subtitles import SUBTITLE_INVALID as SUBTITLE_INVALID  # a problem code the pipeline reports

# Blocking: the film cannot be accepted as it is.
NOT_A_VIDEO = "not_a_video"
UNSUPPORTED_FORMAT = "unsupported_format"
UNREADABLE = "unreadable"
TRUNCATED = "truncated"
DECODE_ERROR = "decode_error"
NO_VIDEO_STREAM = "no_video_stream"
NO_AUDIO_STREAM = "no_audio_stream"
TOO_LONG = "too_long"
TOO_SHORT = "too_short"
RESOLUTION_TOO_LOW = "resolution_too_low"
FILE_TOO_LARGE = "file_too_large"
BLOCKING_CODES = (
    NOT_A_VIDEO,
    UNSUPPORTED_FORMAT,
    UNREADABLE,
    TRUNCATED,
    DECODE_ERROR,
    NO_VIDEO_STREAM,
    NO_AUDIO_STREAM,
    TOO_LONG,
    TOO_SHORT,
    RESOLUTION_TOO_LOW,
    FILE_TOO_LARGE,
)

# Warnings: the film is accepted, the team is told.
TOO_QUIET = "too_quiet"
TOO_LOUD = "too_loud"
SILENT_AUDIO = "silent_audio"
BLACK_FRAMES = "black_frames"
VARIABLE_FRAME_RATE = "variable_frame_rate"
WARNING_CODES = (TOO_QUIET, TOO_LOUD, SILENT_AUDIO, BLACK_FRAMES, VARIABLE_FRAME_RATE)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    # The arguments the message was made from, so that it can be said again in another language (see `render`).
    params: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}

    def stored(self) -> dict:
        """What the database keeps: the code, the arguments, and the message in the language of the check."""
        return {"code": self.code, "params": self.params, "message": self.message}


class MediaError(Exception):
    """A media file could not be handled. `code` is one of the codes above; `message` is for people."""

    def __init__(self, code: str, message: str = "", params: dict | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or code
        self.params = params or {}

    @classmethod
    def from_problem(cls, problem: Problem) -> "MediaError":
        return cls(problem.code, problem.message, problem.params)

    def problem(self) -> Problem:
        return Problem(self.code, self.message, self.params)

    def __str__(self):
        return f"{self.code}: {self.message}"


_FACTORIES: dict[str, Callable[..., Problem]] = {}


def _factory(function: Callable[..., Problem]) -> Callable[..., Problem]:
    """Register a message function under its code (its own name) and keep its keyword arguments on the Problem."""

    @functools.wraps(function)
    def make(**params) -> Problem:
        problem = function(**params)
        return Problem(problem.code, problem.message, params)

    _FACTORIES[function.__name__] = function
    return make


def render(stored: dict) -> str:
    """The message of a stored problem ({code, params, message}) in the active language; the stored message when
    the code or its arguments are unknown (a problem recorded by an older version)."""
    function = _FACTORIES.get(stored.get("code", ""))
    if function is None:
        return stored.get("message") or stored.get("code", "")
    try:
        return function(**stored.get("params", {})).message
    except TypeError:
        return stored.get("message") or stored["code"]


def _number(value: float, decimals: int = 1) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


@_factory
def not_a_video() -> Problem:
    return Problem(
        NOT_A_VIDEO,
        gettext(
            "This file is not a video. Export your film as an MP4 file (H.264 picture, AAC sound) and upload that file."
        ),
    )


@_factory
def unsupported_format(*, found: str, accepted: list[str]) -> Problem:
    return Problem(
        UNSUPPORTED_FORMAT,
        gettext(
            "This film uses %(found)s, which we do not accept (accepted: %(accepted)s). "
            "Export it again as MP4 with H.264 picture and AAC sound."
        )
        % {"found": found, "accepted": ", ".join(accepted)},
    )


@_factory
def unreadable(*, detail: str) -> Problem:
    return Problem(
        UNREADABLE,
        gettext(
            "We could not read this file (%(detail)s). Export the film again from your editing software "
            "and upload the new file."
        )
        % {"detail": detail},
    )


@_factory
def truncated(*, position_s: float | None, duration_s: float | None) -> Problem:
    if position_s is not None and duration_s:
        message = gettext(
            "The file is incomplete: it stops at %(position)s of %(duration)s. The upload was probably cut short: "
            "upload the file again."
        ) % {"position": format_duration(position_s), "duration": format_duration(duration_s)}
    else:
        message = gettext(
            "The file is incomplete: its end is missing. The upload was probably cut short: upload the file again."
        )
    return Problem(TRUNCATED, message)


@_factory
def decode_error(*, position_s: float | None) -> Problem:
    if position_s is None:
        message = gettext("The picture or sound is damaged. Export the film again and upload the new file.")
    else:
        message = gettext(
            "The picture or sound is damaged at %(position)s. Export the film again and upload the new file."
        ) % {"position": format_duration(position_s)}
    return Problem(DECODE_ERROR, message)


@_factory
def no_video_stream() -> Problem:
    return Problem(NO_VIDEO_STREAM, gettext("This file has sound but no picture. Upload the film itself."))


@_factory
def no_audio_stream() -> Problem:
    return Problem(
        NO_AUDIO_STREAM,
        gettext("Your film has no sound track and this contest requires one. Export it again with its sound."),
    )


@_factory
def too_long(*, duration_s: float, limit_s: float) -> Problem:
    return Problem(
        TOO_LONG,
        gettext("Your film lasts %(duration)s; the limit is %(limit)s: cut %(excess)s.")
        % {
            "duration": format_duration(duration_s),
            "limit": format_duration(limit_s),
            "excess": format_duration(duration_s - limit_s),
        },
    )


@_factory
def too_short(*, duration_s: float, minimum_s: float) -> Problem:
    return Problem(
        TOO_SHORT,
        gettext("Your film lasts %(duration)s; the minimum is %(minimum)s: add %(missing)s.")
        % {
            "duration": _short_duration(duration_s, math.floor),
            "minimum": format_duration(minimum_s),
            "missing": _short_duration(minimum_s - duration_s, math.ceil),
        },
    )


def _short_duration(seconds: float, rounding) -> str:
    """Whole seconds, except under one second, where whole seconds would read "lasts 0 s" or "add 1 s" for 0.5 s:
    tenths there, rounded the way that keeps the message true (the length down, what is missing up)."""
    if seconds >= 1:
        return format_duration(rounding(seconds))
    return gettext("%(seconds)s s") % {"seconds": _number(rounding(seconds * 10) / 10)}


@_factory
def resolution_too_low(*, width: int, height: int, minimum_px: int) -> Problem:
    shorter, longer = min(width, height), max(width, height)
    suggested_longer = math.ceil(longer * minimum_px / shorter / 2) * 2 if shorter else minimum_px
    if width >= height:
        suggested = f"{suggested_longer}×{minimum_px}"
    else:
        suggested = f"{minimum_px}×{suggested_longer}"
    return Problem(
        RESOLUTION_TOO_LOW,
        gettext(
            "Your film's picture is %(width)d×%(height)d pixels; its shorter side must be at least %(minimum)d "
            "pixels. Export it at %(suggested)s or more."
        )
        % {"width": width, "height": height, "minimum": minimum_px, "suggested": suggested},
    )


@_factory
def file_too_large(*, size_bytes: int, limit_bytes: int, duration_s: float | None) -> Problem:
    message = gettext("The file weighs %(size)s; the limit is %(limit)s.") % {
        "size": filesizeformat(size_bytes),
        "limit": filesizeformat(limit_bytes),
    }
    if duration_s:
        megabits = limit_bytes * 8 * 0.9 / duration_s / 1e6
        message += " " + gettext("Export it again at %(bitrate)s Mbit/s or less.") % {"bitrate": _number(megabits)}
    else:
        message += " " + gettext("Export it again at a lower bit rate.")
    return Problem(FILE_TOO_LARGE, message)


@_factory
def too_quiet(*, integrated_lufs: float) -> Problem:
    return Problem(
        TOO_QUIET,
        gettext(
            "Your film's sound is quiet (%(lufs)s LUFS; aim for about -23 LUFS): raise the level by about %(gain)s dB."
        )
        % {"lufs": _number(integrated_lufs), "gain": _number(-23 - integrated_lufs)},
    )


@_factory
def too_loud(*, integrated_lufs: float, true_peak_dbtp: float | None) -> Problem:
    peak = true_peak_dbtp if true_peak_dbtp is not None else integrated_lufs
    gain = max(integrated_lufs + 23, peak + 1)
    return Problem(
        TOO_LOUD,
        gettext(
            "Your film's sound is loud (%(lufs)s LUFS, peaks at %(peak)s dBTP; aim for about -23 LUFS with peaks "
            "below -1 dBTP): lower the level by about %(gain)s dB."
        )
        % {"lufs": _number(integrated_lufs), "peak": _number(peak), "gain": _number(gain)},
    )


@_factory
def silent_audio() -> Problem:
    return Problem(
        SILENT_AUDIO, gettext("The sound track is silent from start to end. Check that the sound was exported.")
    )


@_factory
def black_frames(*, start_s: float, length_s: float) -> Problem:
    return Problem(
        BLACK_FRAMES,
        gettext("The picture is black for %(length)s from %(start)s. Check the export if that is not intended.")
        % {"length": format_duration(length_s), "start": format_duration(math.floor(start_s))},
    )


@_factory
def variable_frame_rate(*, lowest_fps: float, highest_fps: float) -> Problem:
    suggested = 25 if highest_fps <= 26 else 30 if highest_fps <= 31 else 50 if highest_fps <= 51 else 60
    return Problem(
        VARIABLE_FRAME_RATE,
        gettext(
            "The frame rate varies from %(lowest)s to %(highest)s frames per second and some players stutter on "
            "that: export at a constant %(suggested)d frames per second."
        )
        % {"lowest": _number(lowest_fps), "highest": _number(highest_fps), "suggested": suggested},
    )
