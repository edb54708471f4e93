"""`manage.py probe` and `manage.py make_proxy`: exit codes and output."""

import json

import av
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

VIDEO_KEYS = [
    "codec",
    "width",
    "height",
    "display_width",
    "display_height",
    "rotation",
    "frame_rate",
    "pixel_format",
]
QUICK_KEYS = ["verdict", "problems", "warnings", "container", "size_bytes", "duration_s", "video", "audio"]


def _probe(capsys, *args):
    with pytest.raises(SystemExit) as exited:
        call_command("probe", *args)
    return exited.value.code, capsys.readouterr()


def test_accepted_film_exits_0_with_exactly_the_report_keys(films, capsys):
    code, output = _probe(capsys, str(films.get("h264")), "--json")

    report = json.loads(output.out)
    assert code == 0
    assert list(report) == QUICK_KEYS
    assert (report["verdict"], report["duration_s"], report["video"]["codec"]) == ("accepted", 2.0, "h264")
    assert list(report["video"]) == VIDEO_KEYS
    assert list(report["audio"]) == ["codec", "channels", "sample_rate"]
    assert (report["problems"], report["container"], report["size_bytes"]) == (
        [],
        "mp4",
        films.get("h264").stat().st_size,
    )


def test_full_check_adds_loudness_and_decoded_frames(films, capsys):
    code, output = _probe(capsys, str(films.get("h264")), "--json", "--full")

    report = json.loads(output.out)
    assert code == 0
    assert list(report) == QUICK_KEYS + ["loudness", "decoded_frames"]
    assert list(report["loudness"]) == ["integrated_lufs", "true_peak_dbtp"]
    assert report["decoded_frames"] == 50


def test_rejected_film_exits_1_and_says_why(films, capsys):
    code, output = _probe(
        capsys, str(films.get("no_audio")), "--json", "--max-duration", "1", "--min-resolution", "720",
        "--require-audio", "--max-size", "1000", "--min-duration", "1",
    )  # fmt: skip

    report = json.loads(output.out)
    assert code == 1
    assert report["verdict"] == "rejected" and report["audio"] is None
    assert all(list(problem) == ["code", "message"] for problem in report["problems"] + report["warnings"])
    assert [problem["code"] for problem in report["problems"]] == [
        "file_too_large",
        "no_audio_stream",
        "too_long",
        "resolution_too_low",
    ]


def test_text_output_lists_problems(films, capsys):
    code, output = _probe(capsys, str(films.get("long")), "--max-duration", "5")

    assert code == 1
    assert "problem too_long: Your film lasts 8 s; the limit is 5 s: cut 3 s." in output.out


def test_usage_errors_exit_2(tmp_path, films, capsys):
    assert _probe(capsys, str(tmp_path / "missing.mp4"))[0] == 2
    with pytest.raises(SystemExit) as exited:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", "probe", str(films.get("h264")), "--max-duration", "abc"])
    assert exited.value.code == 2


def test_make_proxy_writes_an_h264_copy(films, tmp_path, capsys):
    out = tmp_path / "proxy.mp4"

    call_command("make_proxy", str(films.get("h264")), str(out), "--max-lines", "120")

    printed = json.loads(capsys.readouterr().out)
    assert (printed["width"], printed["height"], printed["frames"]) == (214, 120, 50)
    with av.open(str(out)) as media:
        assert (media.streams.video[0].codec_context.name, media.streams.video[0].height) == ("h264", 120)


def test_make_proxy_refuses_a_file_that_is_not_a_video(tmp_path):
    source = tmp_path / "film.mp4"
    source.write_text("not a film")

    with pytest.raises(CommandError) as raised:
        call_command("make_proxy", str(source), str(tmp_path / "proxy.mp4"))

    assert str(raised.value).startswith("not_a_video: ")
