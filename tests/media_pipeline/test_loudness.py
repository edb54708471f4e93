"""EBU R128 integrated loudness and true peak, checked against EBU Tech 3341's reference signals."""

import pytest

from media_pipeline import samples
from media_pipeline.loudness import measure_loudness


def test_stereo_1khz_sine_at_minus_23_dbfs_reads_minus_23_lufs(tmp_path):
    sine = samples.make_sine(tmp_path / "sine.wav", frequency=1000, amplitude_dbfs=-23, duration_s=20)

    loudness = measure_loudness(sine)

    assert loudness.integrated_lufs == pytest.approx(-23.0, abs=0.2)
    assert loudness.true_peak_dbtp == pytest.approx(-23.0, abs=0.2)


def test_stereo_1khz_sine_at_minus_33_dbfs_reads_minus_33_lufs(tmp_path):
    sine = samples.make_sine(tmp_path / "sine.wav", frequency=1000, amplitude_dbfs=-33, duration_s=20)

    assert measure_loudness(sine).integrated_lufs == pytest.approx(-33.0, abs=0.2)


def test_film_without_sound_has_no_loudness(films):
    loudness = measure_loudness(films.get("no_audio"))

    assert (loudness.integrated_lufs, loudness.true_peak_dbtp) == (None, None)
