"""HLS playlists (RFC 8216) as text, written by the app for each viewing session: the master playlist names the rungs
of the ladder and the sound; a media playlist lists one rendition's segments. Every address comes from the caller,
so that each is the session's own, short-lived one. The subtitles are not listed: they stay the player's own
<track> (the same WebVTT whatever plays the film), which hls.js would otherwise show twice."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

AUDIO_CODEC = "mp4a.40.2"  # AAC-LC
AUDIO_BANDWIDTH = 160_000


@dataclass(frozen=True)
class Variant:
    """One rung as the master playlist announces it."""

    width: int
    height: int
    codec: str  # avc1.<profile><constraints><level>
    peak_bps: int
    average_bps: int
    url: str


def _quoted(value: str) -> str:
    if any(character in value for character in '"\r\n'):
        raise ValueError(f"an HLS quoted string cannot hold {value!r}")
    return f'"{value}"'


def master_playlist(variants: Sequence[Variant], *, audio_url: str | None = None) -> str:
    """The master playlist: the rungs from the best down, the sound as their group."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    groups = ""
    if audio_url:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI={_quoted(audio_url)}'
        )
        groups += ',AUDIO="audio"'
    for variant in sorted(variants, key=lambda v: -v.height * v.width):
        codecs = variant.codec + (f",{AUDIO_CODEC}" if audio_url else "")
        extra = AUDIO_BANDWIDTH if audio_url else 0
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={variant.peak_bps + extra},AVERAGE-BANDWIDTH={variant.average_bps + extra},"
            f"RESOLUTION={variant.width}x{variant.height},CODECS={_quoted(codecs)}{groups}"
        )
        lines.append(variant.url)
    return "\n".join(lines) + "\n"


def media_playlist(durations: Sequence[float], segment_url: Callable[[int], str]) -> str:
    """A complete (VOD) playlist of segments of these durations, segment i at `segment_url(i)`."""
    if not durations:
        raise ValueError("a playlist needs at least one segment")
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        f"#EXT-X-TARGETDURATION:{math.ceil(max(durations) - 1e-6)}",  # no EXTINF may round above it
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for index, duration in enumerate(durations):
        lines += [f"#EXTINF:{duration:.6f},", segment_url(index)]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"
