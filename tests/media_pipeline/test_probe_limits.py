"""The blocking codes no other test reaches with a real file: a file with sound and no picture, a file with more
streams than the probe accepts, and a container whose header parses but whose body is noise."""

import os

import av
import pytest

from media_pipeline.probe import MediaRules, probe_path


def _remux(source, destination, *, video: bool, audio_copies: int):
    """Copy the packets of `source` into `destination`: its picture or not, and its sound `audio_copies` times."""
    with av.open(str(source)) as media, av.open(str(destination), "w") as output:
        outputs = {}
        if video:
            outputs[media.streams.video[0].index] = [output.add_stream_from_template(media.streams.video[0])]
        outputs[media.streams.audio[0].index] = [
            output.add_stream_from_template(media.streams.audio[0]) for _ in range(audio_copies)
        ]
        for packet in media.demux():
            if packet.dts is None or packet.stream.index not in outputs:
                continue
            for stream in outputs[packet.stream.index]:
                copy = av.Packet(bytes(packet))
                copy.pts, copy.dts, copy.time_base, copy.stream = packet.pts, packet.dts, packet.time_base, stream
                copy.is_keyframe = packet.is_keyframe
                output.mux(copy)
    return destination


def test_sound_without_picture_is_no_video_stream(tmp_path, films):
    path = _remux(films.get("h264"), tmp_path / "interview.mp4", video=False, audio_copies=1)

    report = probe_path(path, rules=MediaRules())

    assert (report.verdict, [problem.as_dict() for problem in report.problems], report.video) == (
        "rejected",
        [{"code": "no_video_stream", "message": "This file has sound but no picture. Upload the film itself."}],
        None,
    )


@pytest.mark.parametrize("container", ["mkv", "mp4"])
def test_more_tracks_than_the_limit_is_unreadable_and_says_why(tmp_path, films, container):
    at_limit = _remux(films.get("h264"), tmp_path / f"sixteen.{container}", video=True, audio_copies=15)
    over = _remux(films.get("h264"), tmp_path / f"seventeen.{container}", video=True, audio_copies=16)

    assert probe_path(at_limit, rules=MediaRules()).verdict == "accepted"
    assert [problem.as_dict() for problem in probe_path(over, rules=MediaRules()).problems] == [
        {
            "code": "unreadable",
            "message": "We could not read this file (more than 16 tracks). Export the film again from your editing "
            "software and upload the new file.",
        }
    ]


def test_a_valid_header_before_noise_is_refused(tmp_path, films):
    path = tmp_path / "noise.mp4"
    path.write_bytes(films.get("h264").read_bytes()[:32] + os.urandom(200_000))

    report = probe_path(path, rules=MediaRules())

    assert report.verdict == "rejected"
    assert [problem.code for problem in report.problems] in (["unreadable"], ["truncated"])
