"""The team's subtitles, where the entry's subtitle file lives: SRT (or WebVTT) checked and converted to WebVTT for
the browser's <track>, with one size limit. The entry form reads them at upload; the transcode reads them again."""

import html
import re

from django.utils.translation import gettext

SUBTITLE_INVALID = "subtitle_invalid"
SUBTITLE_MAX_BYTES = 1024 * 1024  # the form refuses a larger file; the transcode leaves one out


class SubtitleError(Exception):
    """A subtitle file could not be read. `code` is "subtitle_invalid"; `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


_SRT_TIME = re.compile(r"^(?:(\d{1,3}):)?(\d{2}):(\d{2})[,.](\d{3})$")  # WebVTT may leave out the hours
# What looks like a tag in cue text: WebVTT's cue spans (<c.x>, <i>, <b>, <u>, <v Name>, <lang xx>, <ruby>, <rt>),
# their end tags, and timestamps (<00:01.000>); anything else between < and > is shown as text.
_CUE_TAG = re.compile(r"<(/?)([a-z]+|\d[\d:.]*)([.\s][^<>]*)?>", re.IGNORECASE)
_CUE_SPANS = {"c", "i", "b", "u", "v", "lang", "ruby", "rt", "font"}  # SRT files often carry <font color=…>
_KEPT_SPANS = {"i", "b", "u"}
# Only references closed by ";" are read as such: "Q&A" and "AT&T" stay as typed.
_CHARACTER_REFERENCE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _invalid_subtitles(line: int, reason: str) -> SubtitleError:
    message = gettext("The subtitle file is not valid SRT or WebVTT (line %(line)d: %(reason)s).") % {
        "line": line,
        "reason": reason,
    }
    return SubtitleError(SUBTITLE_INVALID, message)


def cue_start(line: str) -> float | None:
    """The start of the cue whose timing line is `line` (SRT or WebVTT), in seconds; None for any other line."""
    if "-->" not in line:
        return None
    try:
        return _srt_seconds(line.split("-->", 1)[0], 0)
    except SubtitleError:
        return None


def _srt_seconds(text: str, line: int) -> float:
    match = _SRT_TIME.match(text.strip())
    if not match:
        raise _invalid_subtitles(line, gettext("bad time %(time)s") % {"time": repr(text.strip())})
    hours, minutes, seconds, millis = (int(part or 0) for part in match.groups())
    if minutes > 59 or seconds > 59:
        raise _invalid_subtitles(line, gettext("bad time %(time)s") % {"time": repr(text.strip())})
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _plain(text: str) -> str:
    """Cue text between tags, as WebVTT writes it: character references read once, then &, < and > escaped."""
    text = _CHARACTER_REFERENCE.sub(lambda match: html.unescape(match.group(0)), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cue_text(text: str) -> str:
    """One line of cue text, SRT or WebVTT, as WebVTT that names nobody: <i>, <b>, <u> kept (without classes);
    other WebVTT spans and timestamps dropped, their text kept: a voice tag (<v Yanis Bernard>) loses the speaker's
    name; anything else that looks like markup is shown as text."""
    pieces, last = [], 0
    for match in _CUE_TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name not in _CUE_SPANS and not name[0].isdigit():
            continue  # not cue markup: left in the text, escaped below
        pieces.append(_plain(text[last : match.start()]))
        if name in _KEPT_SPANS:
            pieces.append(f"<{closing}{name}>")
        last = match.end()
    pieces.append(_plain(text[last:]))
    return "".join(pieces).strip()


def read_subtitles(data: bytes) -> str:
    """The bytes of a team's SRT or WebVTT file (UTF-8, else Windows-1252) as WebVTT text. Raises SubtitleError
    ("subtitle_invalid") naming the first bad line. Used by the entry form (at upload) and by the transcode."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return convert_subtitles(text)


def convert_subtitles(text: str) -> str:
    """SRT (or WebVTT) text -> WebVTT text. Raises SubtitleError("subtitle_invalid") naming the first bad line."""
    cues = _cues(text)
    if not cues:
        raise _invalid_subtitles(1, gettext("no cues"))
    return _webvtt(cues)


def cut_webvtt(text: str, *, start_s: float, end_s: float) -> str:
    """The WebVTT of a film cut to [start_s, end_s) (the jury's cut, media_pipeline.jury_cut), timed from its
    start: the cues that start within it, cut at its end; a cue that starts before it (in the opening credits) is
    left out whole, as its words may name someone. `text` is WebVTT as convert_subtitles wrote it."""
    cut = []
    for start, end, body in _cues(text):
        if start_s <= start < end_s:
            cut.append((start - start_s, min(end, end_s) - start_s, body))
    return _webvtt(cut)


def _cues(text: str) -> list[tuple[float, float, list[str]]]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    is_vtt = lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))
    index = 0
    if is_vtt:  # the header: the WEBVTT line (with any text after it) and metadata lines up to the first blank line
        while index < len(lines) and lines[index].strip():
            index += 1
    cues = []
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        if is_vtt and lines[index].startswith(("NOTE", "STYLE", "REGION")):
            while index < len(lines) and lines[index].strip():
                index += 1
            continue
        if "-->" not in lines[index]:
            if not is_vtt and not lines[index].strip().isdigit():
                raise _invalid_subtitles(index + 1, gettext("expected a cue number"))
            index += 1
        if index >= len(lines) or "-->" not in lines[index]:
            raise _invalid_subtitles(index + 1, gettext("expected a timing line"))
        start_text, end_text = lines[index].split("-->", 1)
        start = _srt_seconds(start_text, index + 1)
        end = _srt_seconds((end_text.split() or [""])[0], index + 1)  # WebVTT's cue settings may follow
        if end <= start:
            raise _invalid_subtitles(index + 1, gettext("cue ends before start"))
        index += 1
        body, read = [], 0
        while index < len(lines) and lines[index].strip():
            body.append(_cue_text(lines[index].rstrip()))
            index += 1
            read += 1
        if not read:
            raise _invalid_subtitles(index + 1, gettext("empty cue"))
        body = [line for line in body if line]  # a line that was only markup would end the cue early
        if body:
            cues.append((start, end, body))
    return cues


def _webvtt(cues) -> str:
    out = ["WEBVTT", ""]
    for number, (start, end, body) in enumerate(cues, start=1):
        out += [str(number), f"{_vtt_time(start)} --> {_vtt_time(end)}", *body, ""]
    return "\n".join(out)
