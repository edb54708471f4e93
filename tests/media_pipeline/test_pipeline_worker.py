"""The pipeline through real Celery workers on a real Redis: verdicts for every kind of file, a worker killed
mid-transcode, duplicate messages, and a broker that is down when the upload completes."""

import hashlib
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contest.models import AuditEvent
from media_pipeline import pipeline, samples, storage
from media_pipeline.models import Film, Rendition, new_upload_key
from tests.factories import ContestFactory, EntryFactory

from .workers import RedisServer, Worker, publishing_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

DONE = (Film.State.READY, Film.State.REJECTED, Film.State.FAILED)


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    with publishing_to(server.url):
        yield server
    server.stop()


@pytest.fixture
def worker_log(tmp_path):
    return tmp_path / "worker.log"


@pytest.fixture
def worker(broker, worker_log):
    started = []

    def start(**options):
        worker = Worker(broker.url, worker_log, **options).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def stored_film(entry, data: bytes, name: str = "film.mp4") -> Film:
    key = default_storage.save(new_upload_key(), ContentFile(data))
    return Film.objects.create(
        entry=entry,
        key=key,
        original_name=name,
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
    )


def settled(film_ids, timeout=120):
    def all_done():
        films = list(Film.objects.filter(pk__in=film_ids))
        return films if all(film.state in DONE for film in films) else None

    return {film.pk: film for film in wait_for(all_done, timeout=timeout, what="every film's verdict")}


def codes(items) -> list[str]:
    return [item["code"] for item in items]


def test_every_kind_of_file_gets_its_verdict_from_the_worker(films, worker, tmp_path):
    lenient = ContestFactory(min_resolution_px=90, min_duration_s=1, max_duration_s=60)
    cases = {
        # name: (contest, expected state, expected problem codes)
        "h264": (lenient, Film.State.READY, []),
        "hevc": (lenient, Film.State.READY, []),
        "vp9": (lenient, Film.State.READY, []),
        "prores": (lenient, Film.State.READY, []),
        "moov_at_end": (lenient, Film.State.READY, []),
        "rotated": (lenient, Film.State.READY, []),
        "vfr": (lenient, Film.State.READY, []),
        "no_audio": (
            ContestFactory(min_resolution_px=90, audio_required=True),
            Film.State.REJECTED,
            ["no_audio_stream"],
        ),
        "long": (ContestFactory(min_resolution_px=90, max_duration_s=5), Film.State.REJECTED, ["too_long"]),
        "h264@360": (ContestFactory(min_resolution_px=360), Film.State.REJECTED, ["resolution_too_low"]),
        "truncated": (lenient, Film.State.REJECTED, ["truncated"]),
        "corrupted": (lenient, Film.State.REJECTED, ["decode_error"]),
        # Damage in the middle of a longer film passes the quick checks; the transcode's full decode finds it.
        "corrupted_long": (lenient, Film.State.REJECTED, ["decode_error"]),
        "text": (lenient, Film.State.REJECTED, ["not_a_video"]),
        "playlist": (lenient, Film.State.REJECTED, ["not_a_video"]),
    }
    playlist = samples.make_hls_playlist(
        tmp_path / "playlist.mp4", targets=["file:///etc/passwd", "http://127.0.0.1:9/x.ts"]
    )
    long_film = samples.make_film(tmp_path / "long.mp4", duration_s=12, width=320, height=180)
    contents = {
        "text": b"Sans voix, version finale\n" * 100,
        "playlist": playlist.read_bytes(),
        "corrupted_long": samples.corrupt_copy(
            long_film, tmp_path / "corrupted_long.mp4", at_fraction=0.5
        ).read_bytes(),
    }
    ids = {}
    for name, (contest, _state, _codes) in cases.items():
        data = contents.get(name) or films.get(name.split("@")[0]).read_bytes()
        ids[name] = stored_film(EntryFactory(team__contest=contest, contest=contest), data).pk
    worker()

    for film_id in ids.values():
        assert pipeline.enqueue(film_id, pipeline.CHECK) is True
    done = settled(ids.values(), timeout=240)

    outcome = {name: (done[film_id].state, codes(done[film_id].problems)) for name, film_id in ids.items()}
    assert outcome == {name: (state, expected) for name, (_contest, state, expected) in cases.items()}
    for name, film_id in ids.items():
        film = done[film_id]
        assert film.entry.film_accepted is (film.state == Film.State.READY), name
        kinds = sorted(film.renditions.values_list("kind", flat=True))
        if film.state == Film.State.READY:
            assert kinds == ["light", "poster", "poster", "poster", "proxy"], name
            assert film.check_seconds > 0 and film.transcode_seconds > 0
            assert film.progress == 1.0
        elif name == "corrupted_long":
            assert kinds == []
            assert film.transcode_seconds is not None
            verdicts = AuditEvent.objects.filter(verb="film_checked", entry=film.entry).order_by("pk")
            assert [event.data["verdict"] for event in verdicts] == ["accepted", "rejected"]
        else:
            assert kinds == []
            assert film.transcode_seconds is None  # rejected by the checks: never transcoded
    # The rotated phone film is portrait in its proxy: rotation applied to the pixels.
    rotated = done[ids["rotated"]].renditions.get(kind=Rendition.Kind.PROXY)
    assert (rotated.width, rotated.height) == (180, 320)


def test_checks_and_outputs_go_through_s3(s3, films, worker, settings):
    entry = EntryFactory(team__contest__min_resolution_px=90)
    film = stored_film(entry, films.get("moov_at_end").read_bytes())
    worker()

    pipeline.enqueue(film.pk, pipeline.CHECK)
    film = settled([film.pk])[film.pk]

    assert (film.state, film.problems, film.failure) == (Film.State.READY, [], "")
    keys = sorted(obj["Key"] for obj in s3.list_objects_v2(Bucket=settings.S3_BUCKET)["Contents"])
    assert keys == sorted([film.key, *film.renditions.values_list("key", flat=True)])


def test_a_worker_killed_mid_transcode_ends_in_exactly_one_ready_film(films, worker, tmp_path, settings):
    entry = EntryFactory(team__contest__min_resolution_px=90)
    source = samples.make_film(tmp_path / "long.mp4", duration_s=40, width=640, height=360, fps=25)
    film = stored_film(entry, source.read_bytes())
    first = worker(PIPELINE_LEASE_SECONDS=3)

    pipeline.enqueue(film.pk, pipeline.CHECK)
    wait_for(
        lambda: Film.objects.filter(pk=film.pk, state=Film.State.TRANSCODING, progress__gt=0).exists(),
        timeout=60,
        what="the transcode to be under way",
    )
    first.kill()
    killed = Film.objects.get(pk=film.pk)
    assert (killed.state, killed.attempts) == (Film.State.TRANSCODING, 1)

    worker(PIPELINE_LEASE_SECONDS=3)
    # The killed worker's message stays unacknowledged in Redis; its lease lapses and the sweeper re-sends the work.
    wait_for(lambda: pipeline.sweep()["transcode"] == 1, timeout=20, every=0.5, what="the lease to lapse")
    film = settled([film.pk], timeout=180)[film.pk]

    assert (film.state, film.problems, film.failure) == (Film.State.READY, [], "")
    assert Film.objects.filter(entry=entry, state=Film.State.READY).count() == 1
    assert sorted(film.renditions.values_list("kind", flat=True)) == ["light", "poster", "poster", "poster", "proxy"]
    assert AuditEvent.objects.filter(verb="film_ready", entry=entry).count() == 1
    # One set of outputs in storage: the killed attempt had written none, the second wrote five.
    assert len(list(storage.stored_objects("renditions/"))) == 5


def test_duplicate_messages_produce_one_set_of_outputs(films, worker):
    entry = EntryFactory(team__contest__min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    worker(concurrency=2)

    for _ in range(3):
        pipeline.enqueue(film.pk, pipeline.CHECK)
    wait_for(lambda: Film.objects.get(pk=film.pk).state in (Film.State.TRANSCODING, *DONE), what="the checks")
    for _ in range(3):
        pipeline.enqueue(film.pk, pipeline.TRANSCODE)
    film = settled([film.pk])[film.pk]
    time.sleep(2)  # let the extra messages arrive and find nothing to do

    assert (film.state, film.problems, film.failure) == (Film.State.READY, [], "")
    assert film.renditions.count() == 5
    assert len(list(storage.stored_objects("renditions/"))) == 5
    assert AuditEvent.objects.filter(verb="film_checked", entry=entry).count() == 1
    assert AuditEvent.objects.filter(verb="film_ready", entry=entry).count() == 1


def test_a_film_uploaded_while_redis_is_down_is_checked_when_it_returns(films, broker, worker, settings):
    entry = EntryFactory(team__contest__min_resolution_px=90)
    film = stored_film(entry, films.get("h264").read_bytes())
    broker.stop()

    pipeline.film_received(film)  # what the upload's on_commit hook does

    film.refresh_from_db()
    assert (film.state, film.enqueued_at) == (Film.State.RECEIVED, None)
    broker.start()
    worker()
    settings.PIPELINE_ENQUEUE_GRACE = 0
    assert pipeline.sweep() == {"check": 1, "transcode": 0}
    film = settled([film.pk])[film.pk]
    assert (film.state, film.problems, film.failure) == (Film.State.READY, [], "")


def test_a_transcode_over_its_time_limit_fails_with_the_reason(worker, tmp_path):
    entry = EntryFactory(team__contest__min_resolution_px=90)
    source = samples.make_film(tmp_path / "long.mp4", duration_s=40, width=640, height=360, fps=25)
    film = stored_film(entry, source.read_bytes())
    worker(PIPELINE_TRANSCODE_TIME_LIMIT=62)  # soft limit: 2 s

    pipeline.enqueue(film.pk, pipeline.CHECK)
    film = settled([film.pk])[film.pk]

    # Reasons for organisers are written in the site's language (French by default).
    assert (film.state, film.failure) == (Film.State.FAILED, "L’étape (transcodage) a dépassé la limite de 1 min.")
    assert film.renditions.count() == 0
    assert list(storage.stored_objects("renditions/")) == []
