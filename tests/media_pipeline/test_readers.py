"""Seekable readers over stored films: ranged S3 reads (moto server) give the same bytes as the file, and probing
through them reads only a small part of the object."""

import random

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from media_pipeline import samples
from media_pipeline.probe import MediaRules, probe_media
from media_pipeline.readers import S3RangeReader, open_path, open_stored


def test_ranged_reads_return_the_same_bytes_as_the_file(s3, settings, films):
    data = films.get("h264").read_bytes()
    s3.put_object(Bucket=settings.S3_BUCKET, Key="films/a.mp4", Body=data)
    reader = S3RangeReader(client=s3, bucket=settings.S3_BUCKET, key="films/a.mp4", block_size=4096, cache_blocks=4)
    rng = random.Random(5)

    for _ in range(40):
        offset, length = rng.randrange(len(data)), rng.randrange(1, 20000)
        reader.seek(offset)
        assert reader.read(length) == data[offset : offset + length]
    reader.seek(-10, 2)
    assert (reader.read(), reader.read(), reader.tell()) == (data[-10:], b"", len(data))
    assert reader.size == len(data)


def test_probe_over_s3_reads_a_small_part_of_a_moov_at_end_film(s3, settings, tmp_path):
    film = samples.make_moov_at_end(
        tmp_path / "end.mp4", duration_s=30, width=320, height=180, fps=25, video_options={"g": "25"}
    )
    data = film.read_bytes()
    s3.put_object(Bucket=settings.S3_BUCKET, Key="films/end.mp4", Body=data)
    reader = S3RangeReader(client=s3, bucket=settings.S3_BUCKET, key="films/end.mp4", block_size=16384)

    report = probe_media(reader, rules=MediaRules(), size_bytes=reader.size)

    assert (report.verdict, report.duration_s) == ("accepted", 30.0)
    assert reader.bytes_fetched < 0.25 * len(data)  # 1 GB films: bench/probe.py shows ≤ 2 %


def test_open_stored_uses_ranged_reads_on_s3(s3, settings, films):
    storage = storages["default"]
    name = storage.save("films/b.mp4", ContentFile(films.get("h264").read_bytes()))

    fileobj, size = open_stored(storage, name)

    assert isinstance(fileobj, S3RangeReader)
    assert size == films.get("h264").stat().st_size
    assert probe_media(fileobj, rules=MediaRules(), size_bytes=size).verdict == "accepted"


def test_open_stored_opens_local_files_directly(films):
    storage = storages["default"]
    name = storage.save("films/c.mp4", ContentFile(films.get("h264").read_bytes()))

    fileobj, size = open_stored(storage, name)
    with fileobj:
        assert fileobj.read(8)[4:] == b"ftyp"
    assert size == films.get("h264").stat().st_size


def test_open_path(films):
    fileobj, size = open_path(films.get("h264"))
    with fileobj:
        assert size == len(fileobj.read())
