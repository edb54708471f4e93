"""make_proxy read back with PyAV: codec, pixels, rotation, no original metadata, faststart; and its failures."""

import av
import pytest

from media_pipeline.containers import iso_top_level_boxes
from media_pipeline.problems import MediaError
from media_pipeline.transcode import fit_dimensions, make_proxy


def _boxes(path):
    with open(path, "rb") as fileobj:
        return [box[0] for box in iso_top_level_boxes(fileobj, path.stat().st_size)[0]]


@pytest.fixture(scope="module")
def proxy(films, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    calls = []
    result = make_proxy(
        films.get("tagged"),
        folder / "proxy.mp4",
        max_lines=240,
        light_path=folder / "light.mp4",
        light_lines=120,
        poster_dir=folder / "posters",
        progress=calls.append,
    )
    return result, calls


def test_proxy_is_h264_yuv420p_with_rotation_applied_to_the_pixels(proxy):
    result, _ = proxy
    with av.open(str(result.path)) as media:
        video = media.streams.video[0]
        frames = list(media.decode(video))

    assert (video.codec_context.name, video.codec_context.pix_fmt) == ("h264", "yuv420p")
    assert (video.width, video.height) == (result.width, result.height) == (180, 320)
    assert {frame.rotation for frame in frames} == {0}
    assert len(frames) == result.frames == 50


def test_proxy_sound_is_aac_stereo_48khz(proxy):
    result, _ = proxy
    with av.open(str(result.path)) as media:
        audio = media.streams.audio[0]
        assert (audio.codec_context.name, audio.codec_context.channels, audio.codec_context.sample_rate) == (
            "aac",
            2,
            48000,
        )


def test_proxy_keeps_nothing_of_the_original_metadata(proxy):
    result, _ = proxy
    with av.open(str(result.path)) as media:
        tags = dict(media.metadata)
        stream_tags = [dict(stream.metadata) for stream in media.streams]

    assert tags == {"major_brand": "isom", "minor_version": "512", "compatible_brands": "isomiso2avc1mp41"}
    assert stream_tags == [
        {"language": "und", "handler_name": "VideoHandler"},
        {"language": "und", "handler_name": "SoundHandler"},
    ]
    content = result.path.read_bytes()
    for leak in (b"Sans voix", "Lycée".encode(), b"v3 finale", b"Lavf"):
        assert leak not in content


def test_proxy_starts_with_its_index(proxy):
    result, _ = proxy

    assert _boxes(result.path) == ["ftyp", "moov", "free", "mdat"]
    assert _boxes(result.light_path) == ["ftyp", "moov", "free", "mdat"]


def test_light_rendition_posters_loudness_and_progress_come_from_the_same_pass(proxy):
    result, calls = proxy
    with av.open(str(result.light_path)) as media:
        video = media.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 120, 214)
        assert sum(1 for _ in media.decode(video)) == 50

    assert [path.name for path in result.posters] == ["poster-10.jpg", "poster-50.jpg", "poster-90.jpg"]
    for poster in result.posters:
        with av.open(str(poster)) as image:
            frame = next(image.decode(video=0))
            assert (image.streams.video[0].codec_context.name, frame.width, frame.height) == ("mjpeg", 180, 320)
    assert result.loudness.integrated_lufs == pytest.approx(-20.7, abs=0.1)
    assert calls[-1] == 1.0
    assert calls == sorted(calls)


def test_shorter_side_is_capped_and_even():
    assert fit_dimensions(1920, 1080, 1080) == (1920, 1080)
    assert fit_dimensions(3840, 2160, 1080) == (1920, 1080)
    assert fit_dimensions(1080, 1920, 480) == (480, 854)
    assert fit_dimensions(320, 180, 1080) == (320, 180)


@pytest.mark.parametrize(("name", "code"), [("corrupted", "decode_error"), ("truncated", "truncated")])
def test_damaged_input_raises_and_leaves_no_output(films, tmp_path, name, code):
    out = tmp_path / "proxy.mp4"

    with pytest.raises(MediaError) as raised:
        make_proxy(films.get(name), out, light_path=tmp_path / "light.mp4")

    assert raised.value.code == code
    assert not out.exists()
    assert not (tmp_path / "light.mp4").exists()


def test_not_a_video_is_refused(tmp_path):
    from media_pipeline import samples

    source = samples.make_not_video(tmp_path / "film.mp4", kind="text")

    with pytest.raises(MediaError) as raised:
        make_proxy(source, tmp_path / "proxy.mp4")

    assert raised.value.code == "not_a_video"


def test_default_sizes_cap_the_proxy_at_1080_lines_and_the_light_rendition_at_480(tmp_path):
    from media_pipeline import samples

    source = samples.make_film(tmp_path / "big.mp4", duration_s=0.4, fps=10, width=1600, height=1200)

    result = make_proxy(source, tmp_path / "proxy.mp4", light_path=tmp_path / "light.mp4")

    sizes = []
    for path in (result.path, result.light_path):
        with av.open(str(path)) as media:
            sizes.append((media.streams.video[0].width, media.streams.video[0].height))
    assert sizes == [(1440, 1080), (640, 480)]
