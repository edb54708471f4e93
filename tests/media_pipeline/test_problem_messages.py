"""Every problem and warning code has a message that says what is wrong, with numbers, and how to fix it; a stored
problem is said again in another language from its code and arguments."""

import pytest
from django.utils import translation

from media_pipeline import problems as p

CASES = [
    (p.not_a_video, {}, "This file is not a video. Export your film as an MP4 file (H.264 picture, AAC sound) and upload that file."),
    (p.unsupported_format, {"found": "wmv2", "accepted": ["h264", "hevc"]}, "This film uses wmv2, which we do not accept (accepted: h264, hevc). Export it again as MP4 with H.264 picture and AAC sound."),
    (p.unreadable, {"detail": "more than 16 tracks"}, "We could not read this file (more than 16 tracks). Export the film again from your editing software and upload the new file."),
    (p.truncated, {"position_s": 312.4, "duration_s": 903}, "The file is incomplete: it stops at 5 min 13 s of 15 min 3 s. The upload was probably cut short: upload the file again."),
    (p.decode_error, {"position_s": 62.0}, "The picture or sound is damaged at 1 min 2 s. Export the film again and upload the new file."),
    (p.no_video_stream, {}, "This file has sound but no picture. Upload the film itself."),
    (p.no_audio_stream, {}, "Your film has no sound track and this contest requires one. Export it again with its sound."),
    (p.too_long, {"duration_s": 1203, "limit_s": 900}, "Your film lasts 20 min 3 s; the limit is 15 min: cut 5 min 3 s."),
    (p.too_short, {"duration_s": 42.5, "minimum_s": 60}, "Your film lasts 42 s; the minimum is 1 min: add 18 s."),
    (p.resolution_too_low, {"width": 640, "height": 360, "minimum_px": 720}, "Your film's picture is 640×360 pixels; its shorter side must be at least 720 pixels. Export it at 1280×720 or more."),
    (p.file_too_large, {"size_bytes": 6 * 1024**3, "limit_bytes": 4 * 1024**3, "duration_s": 900}, "The file weighs 6.0\xa0GB; the limit is 4.0\xa0GB. Export it again at 34.4 Mbit/s or less."),
    (p.too_quiet, {"integrated_lufs": -35.2}, "Your film's sound is quiet (-35.2 LUFS; aim for about -23 LUFS): raise the level by about 12.2 dB."),
    (p.too_loud, {"integrated_lufs": -12.0, "true_peak_dbtp": 0.5}, "Your film's sound is loud (-12.0 LUFS, peaks at 0.5 dBTP; aim for about -23 LUFS with peaks below -1 dBTP): lower the level by about 11.0 dB."),
    (p.silent_audio, {}, "The sound track is silent from start to end. Check that the sound was exported."),
    (p.black_frames, {"start_s": 30.6, "length_s": 4.2}, "The picture is black for 5 s from 30 s. Check the export if that is not intended."),
    (p.variable_frame_rate, {"lowest_fps": 12.5, "highest_fps": 25.0}, "The frame rate varies from 12.5 to 25.0 frames per second and some players stutter on that: export at a constant 25 frames per second."),
]  # fmt: skip


def test_every_code_has_a_case():
    assert sorted(factory.__name__ for factory, _params, _message in CASES) == sorted(
        p.BLOCKING_CODES + p.WARNING_CODES
    )


@pytest.mark.parametrize(("factory", "params", "message"), CASES, ids=[case[0].__name__ for case in CASES])
def test_each_message_says_what_and_how_much(factory, params, message):
    with translation.override("en"):
        problem = factory(**params)
    assert (problem.code, problem.message, problem.params) == (factory.__name__, message, params)


def test_a_stored_problem_is_said_again_in_french():
    with translation.override("en"):
        stored = p.too_long(duration_s=1203, limit_s=900).stored()
    with translation.override("fr"):
        assert p.render(stored) == "Votre film dure 20 min 3 s\xa0; la limite est de 15 min\xa0: coupez 5 min 3 s."


def test_a_film_shorter_than_a_second_is_told_its_length_and_what_is_missing_in_tenths():
    with translation.override("fr"):
        assert p.too_short(duration_s=0.5, minimum_s=1).message == (
            "Votre film dure 0,5 s\xa0; le minimum est de 1 s\xa0: ajoutez 0,5 s."
        )
        assert p.too_short(duration_s=59.5, minimum_s=60).message == (
            "Votre film dure 59 s\xa0; le minimum est de 1 min\xa0: ajoutez 0,5 s."
        )
