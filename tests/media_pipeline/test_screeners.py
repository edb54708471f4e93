"""Making a ready film's screener: its own task, after the film is ready (the MP4 proxy plays meanwhile), stored
segment by segment with its reference; claimed once; failures recorded; the backfill gives every ready film one,
sends lost work again, and may run any number of times."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole
from media_pipeline import screeners, services, storage, watermark
from media_pipeline.models import Film, Screener
from tests.factories import ContestRoleFactory, EntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def ready_film(path=None, *, data: bytes | None = None) -> Film:
    entry = EntryFactory(title="Sans voix")
    key = default_storage.save(
        f"uploads/{entry.public_id}", ContentFile(data if data is not None else path.read_bytes())
    )
    return Film.objects.create(
        entry=entry, key=key, original_name="film.mp4", size=1, checksum="x", state=Film.State.READY
    )


@pytest.fixture
def film(films):
    return ready_film(films.get("h264"))


def test_a_ready_film_gets_a_marked_screener_stored_segment_by_segment(film):
    screener = screeners.queue_screener(film)
    assert (screener.state, screener.marked) == (Screener.State.QUEUED, True)

    assert screeners.make(film.pk) == Screener.State.READY

    screener.refresh_from_db()
    assert (screener.state, screener.progress, screener.attempts, screener.failure) == ("ready", 1.0, 1, "")
    assert [(rung["lines"], rung["width"], rung["height"]) for rung in screener.rungs] == [(180, 320, 180)]
    assert screener.rungs[0]["codec"].startswith("avc1.")
    assert screener.rungs[0]["segments"] == [1.0, 1.0]  # the 2-second sample, one bit of the mark a second
    assert screener.audio_segments == [1.002667, 1.002667, 0.021333]  # AAC frames of 1024 samples overrun 2 s
    keys = screener.stored_keys()
    assert len(keys) == 2 * 2 + 3 + 1  # two variants of two segments, the sound's three, the reference
    assert all(key.startswith(f"{screener.prefix}/") for key in keys)
    assert screener.size == sum(default_storage.size(key) for key in keys)
    assert screener.ready_at is not None and screener.seconds > 0
    reference = screeners.load_reference(screener)
    assert reference.signatures.shape[1:] == (watermark.SIGNATURE[1], watermark.SIGNATURE[0])
    assert sorted(set(reference.segments.tolist())) == [0, 1]
    # The two variants of a segment differ (the mark), and a segment of either is a real MPEG-TS picture.
    first_a = default_storage.open(screener.segment_key(180, "a", 0)).read()
    first_b = default_storage.open(screener.segment_key(180, "b", 0)).read()
    assert first_a != first_b and first_a[0] == first_b[0] == 0x47  # the TS sync byte


def test_a_screener_is_made_once_whatever_the_messages(film):
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == Screener.State.READY
    assert screeners.make(film.pk) is None  # a duplicate message does nothing
    assert screeners.backfill() == {"created": 0, "sent": 0}
    assert Screener.objects.get().attempts == 1


def test_the_backfill_gives_every_ready_film_a_screener_and_sends_lost_work_again(films):
    ready, other = ready_film(data=b"film"), ready_film(data=b"other")
    rejected = ready_film(data=b"rejected")
    Film.objects.filter(pk=rejected.pk).update(state=Film.State.REJECTED)
    assert screeners.backfill() == {"created": 2, "sent": 2}
    assert set(Screener.objects.values_list("film_id", flat=True)) == {ready.pk, other.pk}
    assert screeners.backfill() == {"created": 0, "sent": 2}  # still queued: their messages may be lost

    now = timezone.now()
    Screener.objects.filter(film=ready).update(state=Screener.State.MAKING, lease_until=now + timedelta(seconds=60))
    Screener.objects.filter(film=other).update(state=Screener.State.MAKING, lease_until=now - timedelta(seconds=1))
    assert screeners.backfill() == {"created": 0, "sent": 1}  # the one whose worker stopped renewing its lease
    assert screeners.make(ready.pk) is None  # held by a live worker


def test_a_film_that_cannot_be_made_into_a_screener_fails_with_the_reason_and_keeps_playing(films):
    film = ready_film(data=b"not a film at all")
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == Screener.State.FAILED
    screener = Screener.objects.get()
    assert screener.state == "failed"
    assert screener.failure == (
        "not_a_video: This file is not a video. Export your film as an MP4 file (H.264 picture, AAC sound) and "
        "upload that file."
    )
    assert list(storage.stored_objects("screeners/")) == []  # nothing half-made stays
    film.refresh_from_db()
    assert film.state == Film.State.READY  # the film still plays from its proxy
    assert screeners.backfill() == {"created": 0, "sent": 0}  # failed stays failed, shown on the pipeline page
    assert screeners.retry_failed() == 1
    screener.refresh_from_db()
    assert (screener.state, screener.attempts, screener.failure) == ("queued", 0, "")


def test_a_public_film_gets_one_plain_ladder_beside_its_marked_one(film):
    marked = screeners.queue_screener(film)
    plain = screeners.queue_screener(film, marked=False)
    assert screeners.queue_screener(film, marked=False) == plain  # once
    assert screeners.make(film.pk, False) == Screener.State.READY
    plain.refresh_from_db()
    marked.refresh_from_db()
    assert (plain.state, marked.state) == ("ready", "queued")  # each its own task
    assert plain.variants == ("plain",)
    assert len(plain.stored_keys()) == 2 + 3  # one variant of two segments, the sound's three
    assert all(default_storage.exists(key) for key in plain.stored_keys())
    assert not default_storage.exists(plain.reference_key)
    assert screeners.ready_screener(film) is None and screeners.ready_screener(film, marked=False) == plain


def test_a_retired_films_screener_is_deleted_and_housekeeping_keeps_the_current_ones(
    film, django_capture_on_commit_callbacks
):
    screeners.queue_screener(film)
    screeners.make(film.pk)
    screener = Screener.objects.get()
    stray = f"screeners/{'0' * 8}-0000-0000-0000-000000000000/360/a/seg00000.ts"
    default_storage.save(stray, ContentFile(b"G"))
    later = timezone.now() + timedelta(days=2)
    assert services.delete_orphaned_objects(now=later) == 1  # the stray segment only
    assert all(default_storage.exists(key) for key in screener.stored_keys())
    with django_capture_on_commit_callbacks(execute=True):
        screeners.forget(film)
    assert not any(default_storage.exists(key) for key in screener.stored_keys())


def test_the_pipeline_page_shows_the_screeners_and_makes_the_failed_ones_again(client):
    organiser = UserFactory()
    made, failed, missing = (ready_film(data=name.encode()) for name in ("made", "failed", "missing"))
    for film in (failed, missing):
        Film.objects.filter(pk=film.pk).update(entry=EntryFactory(team__contest=made.entry.contest))
    contest = made.entry.contest
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    Screener.objects.create(film=made, state=Screener.State.READY)
    Screener.objects.create(film=failed, state=Screener.State.FAILED, failure="not_a_video: This file is not a video.")
    client.force_login(organiser)
    page = client.get(reverse("media_pipeline:pipeline", kwargs={"contest_slug": contest.slug})).content.decode()
    counts = dict(re.findall(r'data-screener-state="(\w+)">(\d+)<', page))
    assert counts == {"queued": "0", "making": "0", "ready": "1", "failed": "1", "missing": "1"}
    assert "not_a_video: This file is not a video." in page
    response = client.post(reverse("media_pipeline:pipeline_retry_screeners", kwargs={"contest_slug": contest.slug}))
    assert response.status_code == 302
    assert Screener.objects.get(film=failed).state == Screener.State.QUEUED
