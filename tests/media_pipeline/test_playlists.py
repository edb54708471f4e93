"""The HLS playlists the app writes for a viewing session, line by line."""

import pytest

from media_pipeline.playlists import Variant, master_playlist, media_playlist


def test_the_master_playlist_names_the_rungs_from_the_best_down_with_their_sound():
    text = master_playlist(
        [
            Variant(640, 360, "avc1.4d401e", 900_000, 400_000, "/w/t/360.m3u8"),
            Variant(1280, 720, "avc1.64001f", 3_500_000, 1_800_000, "/w/t/720.m3u8"),
        ],
        audio_url="/w/t/audio.m3u8",
    )
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,URI="/w/t/audio.m3u8"',
        "#EXT-X-STREAM-INF:BANDWIDTH=3660000,AVERAGE-BANDWIDTH=1960000,RESOLUTION=1280x720,"
        'CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"',
        "/w/t/720.m3u8",
        "#EXT-X-STREAM-INF:BANDWIDTH=1060000,AVERAGE-BANDWIDTH=560000,RESOLUTION=640x360,"
        'CODECS="avc1.4d401e,mp4a.40.2",AUDIO="audio"',
        "/w/t/360.m3u8",
    ]


def test_a_silent_film_has_video_variants_only():
    text = master_playlist([Variant(320, 180, "avc1.4d400d", 900_000, 100_000, "/w/t/180.m3u8")])
    assert text.splitlines()[3:] == [
        '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=100000,RESOLUTION=320x180,CODECS="avc1.4d400d"',
        "/w/t/180.m3u8",
    ]


def test_a_media_playlist_lists_every_segment_and_ends():
    text = media_playlist([1.0, 1.0, 0.5], lambda index: f"/w/t/720/{index}.ts")
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        "#EXT-X-TARGETDURATION:1",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        "#EXTINF:1.000000,",
        "/w/t/720/0.ts",
        "#EXTINF:1.000000,",
        "/w/t/720/1.ts",
        "#EXTINF:0.500000,",
        "/w/t/720/2.ts",
        "#EXT-X-ENDLIST",
    ]


def test_the_target_duration_is_never_below_a_rounded_segment():
    assert "#EXT-X-TARGETDURATION:2" in media_playlist([1.0, 1.002667], str)
    assert "#EXT-X-TARGETDURATION:63" in media_playlist([62.4], str)


def test_addresses_that_would_break_a_quoted_attribute_are_refused():
    with pytest.raises(ValueError):
        master_playlist([], audio_url='/w/"t"/audio.m3u8')
    with pytest.raises(ValueError):
        media_playlist([], str)
