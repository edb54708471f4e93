"""probe_media on real films made by PyAV: what it reports, and each problem with its message."""

import pytest

from contest.models import Contest
from media_pipeline.probe import MediaRules, probe_media, probe_path
from tests.factories import ContestFactory

LENIENT = MediaRules()


def test_h264_mp4_is_accepted_with_its_properties(films):
    report = probe_path(films.get("h264"), rules=LENIENT)

    assert report.as_dict() == {
        "verdict": "accepted",
        "problems": [],
        "warnings": [],
        "container": "mp4",
        "size_bytes": films.get("h264").stat().st_size,
        "duration_s": 2.0,
        "video": {
            "codec": "h264",
            "width": 320,
            "height": 180,
            "display_width": 320,
            "display_height": 180,
            "rotation": 0,
            "frame_rate": 25.0,
            "pixel_format": "yuv420p",
        },
        "audio": {"codec": "aac", "channels": 2, "sample_rate": 48000},
    }


@pytest.mark.parametrize(
    ("name", "container", "video_codec", "pixel_format", "audio_codec"),
    [
        ("hevc", "mp4", "hevc", "yuv420p", "aac"),
        ("vp9", "webm", "vp9", "yuv420p", "opus"),
        ("prores", "mov", "prores", "yuv422p10le", "pcm_s16le"),
        ("avi", "avi", "mpeg4", "yuv420p", "pcm_s16le"),
        ("mkv", "matroska", "h264", "yuv420p", "aac"),
        ("moov_at_end", "mp4", "h264", "yuv420p", "aac"),
    ],
)
def test_other_codecs_and_containers_are_accepted(films, name, container, video_codec, pixel_format, audio_codec):
    report = probe_path(films.get(name), rules=LENIENT)

    assert (report.verdict, report.problems, report.warnings) == ("accepted", [], [])
    assert report.container == container
    assert (report.video["codec"], report.video["pixel_format"]) == (video_codec, pixel_format)
    assert report.audio["codec"] == audio_codec


def test_rotated_film_reports_the_displayed_picture(films):
    report = probe_path(films.get("rotated"), rules=MediaRules(min_resolution_px=320))

    assert (report.video["width"], report.video["height"]) == (320, 180)
    assert (report.video["display_width"], report.video["display_height"], report.video["rotation"]) == (180, 320, 90)
    assert report.problem_codes == ["resolution_too_low"]
    assert report.problems[0].message == (
        "Your film's picture is 180×320 pixels; its shorter side must be at least 320 pixels. "
        "Export it at 320×570 or more."
    )


def test_resolution_too_low_names_the_size_to_export(films):
    report = probe_path(films.get("h264"), rules=MediaRules(min_resolution_px=720))

    assert report.verdict == "rejected"
    assert [problem.as_dict() for problem in report.problems] == [
        {
            "code": "resolution_too_low",
            "message": "Your film's picture is 320×180 pixels; its shorter side must be at least 720 pixels. "
            "Export it at 1280×720 or more.",
        }
    ]


def test_too_long_says_how_much_to_cut(films):
    report = probe_path(films.get("long"), rules=MediaRules(max_duration_s=5))

    assert [problem.as_dict() for problem in report.problems] == [
        {"code": "too_long", "message": "Your film lasts 8 s; the limit is 5 s: cut 3 s."}
    ]


def test_too_short_says_how_much_is_missing(films):
    report = probe_path(films.get("h264"), rules=MediaRules(min_duration_s=30))

    assert [problem.as_dict() for problem in report.problems] == [
        {"code": "too_short", "message": "Your film lasts 2 s; the minimum is 30 s: add 28 s."}
    ]


def test_duration_messages_use_minutes(films):
    from media_pipeline import problems

    assert problems.too_long(duration_s=1203, limit_s=900).message == (
        "Your film lasts 20 min 3 s; the limit is 15 min: cut 5 min 3 s."
    )


def test_file_too_large_gives_a_bit_rate_that_fits(films):
    path = films.get("h264")
    report = probe_path(path, rules=MediaRules(max_size_bytes=100_000))

    assert report.problem_codes == ["file_too_large"]
    size_kb = path.stat().st_size / 1024
    assert report.problems[0].message == (
        f"The file weighs {size_kb:.1f}\xa0KB; the limit is 97.7\xa0KB. Export it again at 0.4 Mbit/s or less."
    )


def test_missing_sound_blocks_only_when_the_contest_requires_it(films):
    required = probe_path(films.get("no_audio"), rules=MediaRules(audio_required=True))
    optional = probe_path(films.get("no_audio"), rules=MediaRules(audio_required=False))

    assert [problem.as_dict() for problem in required.problems] == [
        {
            "code": "no_audio_stream",
            "message": "Your film has no sound track and this contest requires one. Export it again with its sound.",
        }
    ]
    assert (optional.verdict, optional.audio) == ("accepted", None)


def test_variable_frame_rate_is_a_warning(films):
    report = probe_path(films.get("vfr"), rules=LENIENT)

    assert report.verdict == "accepted"
    assert [warning.as_dict() for warning in report.warnings] == [
        {
            "code": "variable_frame_rate",
            "message": "The frame rate varies from 12.5 to 25.0 frames per second and some players stutter on "
            "that: export at a constant 25 frames per second.",
        }
    ]


@pytest.mark.parametrize("name", ["truncated", "truncated_moov_at_end", "truncated_mkv"])
def test_a_file_cut_short_is_truncated(films, name):
    report = probe_path(films.get(name), rules=LENIENT)

    assert report.verdict == "rejected"
    assert report.problem_codes == ["truncated"]


def test_truncated_message_asks_for_a_new_upload(films):
    report = probe_path(films.get("truncated_moov_at_end"), rules=LENIENT)

    assert report.problems[0].message == (
        "The file is incomplete: its end is missing. The upload was probably cut short: upload the file again."
    )


def test_corrupted_middle_is_a_decode_error_in_the_full_check(films):
    report = probe_path(films.get("corrupted"), rules=LENIENT, full=True)

    assert report.verdict == "rejected"
    assert report.problem_codes == ["decode_error"]
    assert report.problems[0].message.startswith("The picture or sound is damaged at ")


@pytest.mark.parametrize("kind", ["text", "png", "zip"])
def test_files_that_are_not_videos_are_refused_before_ffmpeg(tmp_path, kind):
    from media_pipeline import samples

    path = samples.make_not_video(tmp_path / "film.mp4", kind=kind)

    report = probe_path(path, rules=LENIENT)

    assert report.as_dict() == {
        "verdict": "rejected",
        "problems": [
            {
                "code": "not_a_video",
                "message": "This file is not a video. Export your film as an MP4 file (H.264 picture, AAC sound) "
                "and upload that file.",
            }
        ],
        "warnings": [],
        "container": None,
        "size_bytes": path.stat().st_size,
        "duration_s": None,
        "video": None,
        "audio": None,
    }


def test_known_video_formats_outside_the_allow_list_are_unsupported(films):
    report = probe_path(films.get("flv"), rules=LENIENT)

    assert report.problem_codes == ["unsupported_format"]
    assert report.problems[0].message == (
        "This film uses FLV, which we do not accept (accepted: AVI, MATROSKA, MOV, MP4, MPEGTS, WEBM). "
        "Export it again as MP4 with H.264 picture and AAC sound."
    )


def test_contest_can_narrow_the_containers(films):
    report = probe_path(films.get("avi"), rules=MediaRules(allowed_containers=frozenset({"mp4", "mov"})))

    assert report.problem_codes == ["unsupported_format"]


def test_full_check_counts_frames_and_measures_loudness(films):
    report = probe_path(films.get("h264"), rules=LENIENT, full=True)

    assert report.verdict == "accepted"
    assert report.decoded_frames == 50
    assert report.loudness["integrated_lufs"] == pytest.approx(-20.7, abs=0.1)  # 440 Hz sine at -20 dBFS
    assert set(report.as_dict()) == {
        "verdict", "problems", "warnings", "container", "size_bytes", "duration_s", "video", "audio",
        "loudness", "decoded_frames",
    }  # fmt: skip


def test_black_picture_and_silence_are_warnings(films):
    report = probe_path(films.get("black_silent"), rules=LENIENT, full=True)

    assert report.verdict == "accepted"
    assert [warning.as_dict() for warning in report.warnings] == [
        {
            "code": "black_frames",
            "message": "The picture is black for 3 s from 0 s. Check the export if that is not intended.",
        },
        {
            "code": "silent_audio",
            "message": "The sound track is silent from start to end. Check that the sound was exported.",
        },
    ]
    assert report.loudness == {"integrated_lufs": None, "true_peak_dbtp": None}


def test_loud_and_quiet_sound_are_warnings_with_the_gain_to_apply(films):
    loud = probe_path(films.get("loud"), rules=LENIENT, full=True)
    quiet = probe_path(films.get("quiet"), rules=LENIENT, full=True)

    assert loud.warning_codes == ["too_loud"]
    assert quiet.warning_codes == ["too_quiet"]
    assert quiet.warnings[0].message == (
        f"Your film's sound is quiet ({quiet.loudness['integrated_lufs']:.1f} LUFS; aim for about -23 LUFS): "
        f"raise the level by about {-23 - quiet.loudness['integrated_lufs']:.1f} dB."
    )


def test_quick_probe_reads_the_file_object_given(films):
    path = films.get("moov_at_end")
    with open(path, "rb") as fileobj:
        report = probe_media(fileobj, rules=LENIENT, size_bytes=path.stat().st_size)

    assert (report.verdict, report.duration_s) == ("accepted", 4.0)


@pytest.mark.django_db
def test_rules_come_from_the_contest():
    contest = ContestFactory(
        max_duration_s=600, min_duration_s=60, min_resolution_px=1080, audio_required=False, max_file_size_bytes=10**9
    )

    rules = MediaRules.from_contest(Contest.objects.get(pk=contest.pk))

    assert (rules.max_duration_s, rules.min_duration_s, rules.min_resolution_px) == (600, 60, 1080)
    assert (rules.audio_required, rules.max_size_bytes) == (False, 10**9)


def test_messages_follow_the_requested_language(films):
    report = probe_path(films.get("h264"), rules=MediaRules(max_size_bytes=100_000), language="fr")

    # Numbers and units follow the language (the French catalogue itself comes later from the .po files).
    assert "la limite" in report.problems[0].message or "97,7\xa0Kio" in report.problems[0].message
