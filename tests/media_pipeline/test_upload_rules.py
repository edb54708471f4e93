"""Upload rules at the service level: deadline boundaries, part sizes, local part tokens."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from contest.services import grant_extension
from media_pipeline import services, storage
from media_pipeline.models import Film, Upload
from tests.factories import ContestRoleFactory, EntryFactory, team_with_member

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


@pytest.fixture
def entry_and_user():
    team, user = team_with_member()
    return EntryFactory(team=team), user


def start(entry, user, size=1000):
    return services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=size)


@pytest.mark.parametrize(
    ("size", "part_size", "parts"),
    [
        (1, 8 * MIB, 1),
        (8 * MIB, 8 * MIB, 1),
        (8 * MIB + 1, 8 * MIB, 2),
        (4 * 1024**3, 8 * MIB, 512),
        (80_000 * MIB, 8 * MIB, 10_000),
        (80_000 * MIB + 1, 9 * MIB, 8889),
        (200 * 1024**3, 21 * MIB, 9753),
    ],
)
def test_part_size_is_at_least_8_mib_with_at_most_10000_parts(size, part_size, parts):
    assert services.part_size_for(size) == part_size
    assert -(-size // part_size) == parts


def test_upload_one_second_before_the_deadline_is_accepted(entry_and_user):
    entry, user = entry_and_user
    with time_machine.travel(entry.contest.closes_at - timedelta(seconds=1), tick=False):
        upload = start(entry, user)
    assert upload.state == Upload.State.OPEN


def test_upload_one_second_after_the_deadline_is_refused(entry_and_user):
    entry, user = entry_and_user
    with time_machine.travel(entry.contest.closes_at + timedelta(seconds=1), tick=False):
        with pytest.raises(services.UploadError) as raised:
            start(entry, user)
    assert raised.value.code == "window_closed"
    assert not Upload.objects.exists()


def test_an_extension_reopens_uploads_for_that_team(entry_and_user):
    entry, user = entry_and_user
    organiser = ContestRoleFactory(contest=entry.contest).user
    grant_extension(team=entry.team, until=entry.contest.closes_at + timedelta(hours=2), by=organiser)
    with time_machine.travel(entry.contest.closes_at + timedelta(hours=1), tick=False):
        assert start(entry, user).state == Upload.State.OPEN


def test_a_part_signed_before_the_deadline_is_not_signed_after(entry_and_user):
    entry, user = entry_and_user
    upload = start(entry, user)
    with time_machine.travel(entry.contest.closes_at + timedelta(seconds=1), tick=False):
        with pytest.raises(services.UploadError) as raised:
            services.sign_upload_part(upload=upload, part_number=1, contest_slug=entry.contest.slug)
    assert raised.value.code == "window_closed"


def test_a_local_part_token_expires_after_the_presign_seconds(entry_and_user, settings):
    settings.S3_PRESIGN_SECONDS = 300
    entry, user = entry_and_user
    upload = start(entry, user)
    signed_at = timezone.now()
    with time_machine.travel(signed_at, tick=False):
        url = services.sign_upload_part(upload=upload, part_number=1, contest_slug=entry.contest.slug)
    token = url.rstrip("/").rsplit("/", 1)[1]
    with time_machine.travel(signed_at + timedelta(seconds=299), tick=False):
        assert storage.read_part_token(token) == (entry.contest.slug, str(upload.public_id), 1)
    with time_machine.travel(signed_at + timedelta(seconds=301), tick=False), pytest.raises(signing.SignatureExpired):
        services.receive_local_part(contest_slug=entry.contest.slug, token=token, stream=io.BytesIO(b"abc"), length=3)
    assert storage.list_parts(upload=upload) == []


def test_a_local_part_streams_to_disk_and_replaces_an_earlier_copy(entry_and_user):
    entry, user = entry_and_user
    upload = start(entry, user, size=8 * MIB + 6)  # part 2 is the last 6 bytes
    url = services.sign_upload_part(upload=upload, part_number=2, contest_slug=entry.contest.slug)
    token = url.rstrip("/").rsplit("/", 1)[1]
    slug = entry.contest.slug

    services.receive_local_part(contest_slug=slug, token=token, stream=io.BytesIO(b"first!"), length=6)
    etag = services.receive_local_part(contest_slug=slug, token=token, stream=io.BytesIO(b"second"), length=6)

    assert etag == "a9f0e61a137d86aa9db53465e0801612"  # md5(b"second")
    assert storage.list_parts(upload=upload) == [storage.StoredPart(2, etag, 6)]


def test_a_local_part_shorter_than_announced_is_not_kept(entry_and_user):
    entry, user = entry_and_user
    upload = start(entry, user, size=10)
    url = services.sign_upload_part(upload=upload, part_number=1, contest_slug=entry.contest.slug)
    token = url.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(services.UploadError) as raised:
        services.receive_local_part(contest_slug=entry.contest.slug, token=token, stream=io.BytesIO(b"abc"), length=10)
    assert raised.value.code == "incomplete_part"
    assert storage.list_parts(upload=upload) == []
    assert [p.name for p in (storage.settings.MEDIA_ROOT / "upload-parts" / upload.storage_upload_id).iterdir()] == [
        "upload.json"
    ]


def complete_with_one_part(entry, user, data: bytes) -> Film:
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=len(data))
    etag = storage.write_local_part(
        storage_upload_id=upload.storage_upload_id, part_number=1, stream=io.BytesIO(data), length=len(data)
    )
    return services.complete_upload(upload=upload, parts=[(1, etag)], by=user)


def test_the_old_file_is_deleted_and_the_pipeline_told_only_once_the_new_film_is_committed(
    entry_and_user, django_capture_on_commit_callbacks
):
    entry, user = entry_and_user
    with django_capture_on_commit_callbacks(execute=True):
        old = complete_with_one_part(entry, user, b"first cut")

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        new = complete_with_one_part(entry, user, b"final cut")

    # Recorded, but not committed yet: the old file is still there and the checks are not queued.
    assert Film.objects.get(pk=old.pk).replaced_at == new.created_at
    assert storage.stat_object(old.key).size == len(b"first cut")
    assert Film.objects.get(pk=new.pk).enqueued_at is None
    for callback in after_commit:
        callback()
    assert storage.stat_object(old.key) is None
    assert storage.stat_object(new.key).size == len(b"final cut")
    assert Film.objects.get(pk=new.pk).enqueued_at is not None  # the pipeline's hook queued the checks
