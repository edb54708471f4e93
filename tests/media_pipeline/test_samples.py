"""The generated films are what their names say, read back by PyAV."""

import av

from media_pipeline.containers import iso_top_level_boxes


def _boxes(path):
    with open(path, "rb") as fileobj:
        return [box[0] for box in iso_top_level_boxes(fileobj, path.stat().st_size)[0]]


def test_faststart_puts_the_index_first_and_moov_at_end_last(films):
    assert _boxes(films.get("h264")) == ["ftyp", "moov", "free", "mdat"]
    assert _boxes(films.get("moov_at_end")) == ["ftyp", "free", "mdat", "moov"]


def test_rotated_film_carries_a_display_matrix(films):
    with av.open(str(films.get("rotated"))) as media:
        frame = next(media.decode(video=0))

    assert (frame.width, frame.height, frame.rotation) == (320, 180, -90)


def test_tagged_film_carries_the_tags_the_proxy_must_drop(films):
    with av.open(str(films.get("tagged"))) as media:
        assert media.metadata["title"] == "Sans voix"
        assert media.metadata["artist"] == "Lycée Jean Moulin"


def test_vp9_and_prores_films(films):
    with av.open(str(films.get("vp9"))) as media:
        assert (media.streams.video[0].codec_context.name, media.streams.audio[0].codec_context.name) == (
            "vp9",
            "opus",
        )
    with av.open(str(films.get("prores"))) as media:
        assert media.streams.video[0].codec_context.name == "prores"


def test_truncated_copy_keeps_the_first_half(films):
    assert films.get("truncated").stat().st_size == films.get("h264").stat().st_size // 2
