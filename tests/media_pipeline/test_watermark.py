"""The forensic mark, from the leaker's side: a session's copy of a restricted film's screener, re-encoded, resized,
trimmed or converted with the ffmpeg CLI, names that session among 100,000; what carries no mark of the film, or
another film's, names nobody; two sessions' copies mixed name one of them or "several", never a third."""

import av
import numpy as np
import pytest

from media_pipeline import accusation, ladder, samples, watermark

from .screeners import ffmpeg

SECRET = b"a test key of the screeners' mark"
FILM = "film-41"
GUILTY, OTHER = 4242, 77
SESSIONS = range(1, 100_001)


@pytest.fixture(scope="module")
def screener(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screener")
    source = samples.make_film(folder / "source.mp4", duration_s=62, width=320, height=180, audio=False)
    screener = ladder.make_ladder(source, folder / "ladder", secret=SECRET, film=FILM)
    copies = {
        session: samples.screener_session_copy(
            screener, folder / f"session-{session}.ts", secret=SECRET, film=FILM, session=session
        )
        for session in (GUILTY, OTHER)
    }
    return folder, source, screener.reference, copies


def trace(reference, path, *, film=FILM):
    reading = watermark.read_marks(secret=SECRET, film=film, reference=reference, copy=watermark.read_copy(str(path)))
    codebook = accusation.Codebook(
        secret=SECRET, film=film, sessions=SESSIONS, segments=int(reference.segments[-1]) + 1
    )
    return accusation.accuse(reading.bits, codebook)


@pytest.mark.parametrize(
    ("attack", "before_input", "after_input"),
    [
        ("as_fetched", None, None),
        ("480p_crf30", [], ["-vf", "scale=-2:480", "-c:v", "libx264", "-crf", "30"]),
        ("720p_crf28", [], ["-vf", "scale=-2:720", "-c:v", "libx264", "-crf", "28"]),
        ("trimmed_5s_both_ends", ["-ss", "5"], ["-t", "52", "-vf", "scale=-2:480", "-c:v", "libx264", "-crf", "30"]),
        ("25_to_30_fps", [], ["-vf", "fps=30,scale=-2:480", "-c:v", "libx264", "-crf", "30"]),
    ],
)
def test_a_sessions_copy_names_that_session(screener, attack, before_input, after_input):
    folder, _, reference, copies = screener
    path = copies[GUILTY]
    if before_input is not None:
        path = folder / f"{attack}.mp4"
        ffmpeg(*before_input, "-i", copies[GUILTY], *after_input, "-preset", "veryfast", "-an", path)
    verdict = trace(reference, path)
    assert verdict.verdict == "identified"
    assert [suspect.session for suspect in verdict.suspects] == [GUILTY]
    assert verdict.suspects[0].agreements == verdict.bits >= 50
    assert verdict.confidence > 1 - 1e-9


def test_the_unmarked_film_names_nobody(screener):
    _, source, reference, _ = screener
    verdict = trace(reference, source)
    assert (verdict.verdict, verdict.suspects) == ("not_found", [])


def test_another_films_marked_copy_names_nobody(screener):
    folder, _, reference, copies = screener
    # the same pictures, marked for another film: the mark of this film is absent
    verdict = trace(reference, copies[GUILTY], film="film-42")
    assert (verdict.verdict, verdict.suspects) == ("not_found", [])


@pytest.mark.parametrize(
    ("mix", "filters"),
    [
        ("averaged", ["-filter_complex", "[0:v][1:v]blend=all_mode=average"]),
        (
            "spliced",
            [
                "-filter_complex",
                "[0:v]trim=0:31,setpts=PTS-STARTPTS[a];[1:v]trim=31:62,setpts=PTS-STARTPTS[b];[a][b]concat=n=2:v=1[v]",
                "-map",
                "[v]",
            ],
        ),
    ],
)
def test_two_sessions_copies_mixed_name_one_of_them_or_several(screener, mix, filters):
    folder, _, reference, copies = screener
    path = folder / f"{mix}.mp4"
    ffmpeg("-i", copies[GUILTY], "-i", copies[OTHER], *filters, "-c:v", "libx264", "-preset", "veryfast", "-an", path)
    verdict = trace(reference, path)
    assert verdict.verdict in ("identified", "several")
    assert {suspect.session for suspect in verdict.suspects} <= {GUILTY, OTHER}


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720), (854, 480), (640, 360)])
def test_variants_a_and_b_differ_by_45_db_or_more_on_the_luma(width, height):
    frame = av.VideoFrame.from_ndarray(np.full((height * 3 // 2, width), 128, np.uint8), format="yuv420p")
    a, b = (
        watermark.Marker(secret=SECRET, film=FILM, sign=sign, width=width, height=height).mark(frame, segment=3)
        for sign in (1, -1)
    )
    planes_a, planes_b = a.to_ndarray(format="yuv420p"), b.to_ndarray(format="yuv420p")
    error = ((planes_a[:height].astype(float) - planes_b[:height]) ** 2).mean()
    assert 10 * np.log10(255**2 / error) >= 45
    assert np.array_equal(planes_a[height:], planes_b[height:])  # the colours are untouched
    assert set(np.unique(planes_a[:height].astype(int) - 128)) == {-1, 0, 1}
    assert 0.27 < (planes_a[:height] != 128).mean() < 0.33


def test_a_whole_copy_of_a_film_that_repeats_itself_is_aligned_where_it_lies_whole():
    """The samples' test picture repeats itself: a 10-minute copy re-encoded at CRF 30 fitted a shift of -384 s
    (its last 216 s over the film's first) a little better than its true place, and was read as carrying no mark.
    Here, at the coarse features' rate, a film that repeats every 10 s, and a copy of it whose first half is
    noisier than its second."""
    rng = np.random.default_rng(7)
    period = rng.normal(0, 10, (100, 12))
    film = np.tile(period, (6, 1))
    copy = film + np.concatenate([rng.normal(0, 0.6, (300, 12)), rng.normal(0, 0.5, (300, 12))])
    assert watermark._best_lag(film, copy) == 0
    trimmed = copy[50:550]  # 5 s trimmed at both ends
    assert watermark._best_lag(film, trimmed) == 50
