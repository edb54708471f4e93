"""Housekeeping in both storage modes: stale multipart uploads are aborted, orphaned objects deleted, after 24 h."""

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contest.models import AuditEvent
from media_pipeline import services, storage, tasks
from media_pipeline.models import Film, Upload
from tests.factories import EntryFactory, team_with_member

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["local", "s3"])
def mode(request):
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


@pytest.fixture
def entry_and_user():
    team, user = team_with_member()
    return EntryFactory(team=team), user


def put_object(key: str, data: bytes) -> None:
    if storage.s3_mode():
        storage.s3_client().put_object(Bucket=storage.settings.S3_BUCKET, Key=key, Body=data)
    else:
        path = storage.settings.MEDIA_ROOT / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def complete_film(entry, user, data: bytes, django_capture_on_commit_callbacks) -> Film:
    upload = services.start_upload(entry=entry, by=user, filename="film.mp4", content_type="video/mp4", size=len(data))
    if storage.s3_mode():
        etag = (
            storage.s3_client()
            .upload_part(
                Bucket=storage.settings.S3_BUCKET,
                Key=upload.key,
                UploadId=upload.storage_upload_id,
                PartNumber=1,
                Body=data,
            )["ETag"]
            .strip('"')
        )
    else:
        etag = storage.write_local_part(
            storage_upload_id=upload.storage_upload_id, part_number=1, stream=io.BytesIO(data), length=len(data)
        )
    with django_capture_on_commit_callbacks(execute=True):
        return services.complete_upload(upload=upload, parts=[(1, etag)], by=user)


def test_uploads_incomplete_for_more_than_24_hours_are_aborted(mode, entry_and_user):
    entry, user = entry_and_user
    ours = services.start_upload(entry=entry, by=user, filename="a.mp4", content_type="video/mp4", size=1000)

    assert services.abort_stale_uploads(now=timezone.now() + timedelta(hours=23, minutes=59)) == 0
    assert Upload.objects.get(pk=ours.pk).state == Upload.State.OPEN
    # One we have no row for (moto reports every upload as initiated in 2010, so it is created only now).
    unknown_id = storage.start_multipart(key="uploads/not-in-the-database", content_type="video/mp4")
    assert services.abort_stale_uploads(now=timezone.now() + timedelta(hours=24, minutes=1)) == 2

    assert list(storage.incomplete_uploads()) == []
    assert Upload.objects.get(pk=ours.pk).state == Upload.State.ABORTED
    event = AuditEvent.objects.get(verb="upload_aborted")
    assert event.actor is None
    assert event.data == {"upload": str(ours.public_id), "reason": "stale"}
    assert unknown_id


def test_open_rows_whose_storage_upload_vanished_are_closed(mode, entry_and_user):
    entry, user = entry_and_user
    upload = services.start_upload(entry=entry, by=user, filename="a.mp4", content_type="video/mp4", size=1000)
    storage.abort_multipart(key=upload.key, storage_upload_id=upload.storage_upload_id)  # the bucket's lifecycle rule
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert services.abort_stale_uploads() == 0
    assert Upload.objects.get(pk=upload.pk).state == Upload.State.ABORTED


def test_orphaned_objects_older_than_24_hours_are_deleted_and_films_are_kept(
    mode, entry_and_user, django_capture_on_commit_callbacks
):
    entry, user = entry_and_user
    film = complete_film(entry, user, b"a film", django_capture_on_commit_callbacks)
    put_object("uploads/orphan", b"left behind")
    put_object("subtitles/2026/kept.vtt", b"WEBVTT")

    assert services.delete_orphaned_objects(now=timezone.now() + timedelta(hours=23)) == 0
    assert services.delete_orphaned_objects(now=timezone.now() + timedelta(hours=25)) == 1

    assert storage.stat_object("uploads/orphan") is None
    assert storage.stat_object(film.key).size == len(b"a film")
    assert storage.stat_object("subtitles/2026/kept.vtt") is not None


def test_a_replaced_film_whose_delete_failed_is_deleted_later(mode, entry_and_user, django_capture_on_commit_callbacks):
    entry, user = entry_and_user
    old = complete_film(entry, user, b"first cut", django_capture_on_commit_callbacks)
    new = complete_film(entry, user, b"final cut", django_capture_on_commit_callbacks)
    assert storage.stat_object(old.key) is None
    put_object(old.key, b"first cut")  # as if the delete after commit had failed

    assert tasks.clean_up_uploads.apply(kwargs={}).get() == {"aborted_uploads": 0, "deleted_objects": 0}
    assert services.delete_orphaned_objects(now=timezone.now() + timedelta(hours=25)) == 1
    assert storage.stat_object(old.key) is None
    assert storage.stat_object(new.key) is not None


def test_configure_bucket_sets_cors_for_the_site_and_the_lifecycle_rule(s3, settings):
    settings.SITE_URL = "https://palmares.example.org"
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.palmares.example.org"]
    out = io.StringIO()

    call_command("configure_bucket", stdout=out, stderr=io.StringIO())

    rules = s3.get_bucket_cors(Bucket=settings.S3_BUCKET)["CORSRules"]
    assert rules == [
        {
            "AllowedOrigins": ["https://palmares.example.org", "https://www.palmares.example.org"],
            "AllowedMethods": ["PUT", "GET", "HEAD"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3600,
        }
    ]
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=settings.S3_BUCKET)["Rules"]
    assert [rule["AbortIncompleteMultipartUpload"] for rule in lifecycle] == [{"DaysAfterInitiation": 1}]
    assert out.getvalue() == (
        f"Bucket {settings.S3_BUCKET}: PUT allowed from https://palmares.example.org, "
        "https://www.palmares.example.org.\n"
        f"Bucket {settings.S3_BUCKET}: incomplete multipart uploads aborted after 1 day(s).\n"
    )


class NotImplementedS3(BaseHTTPRequestHandler):
    """Answers every bucket-setting call the way community MinIO answers PutBucketCors (outside our system)."""

    def do_PUT(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code>'
            b"<Message>A header you provided implies functionality that is not implemented</Message></Error>"
        )
        self.send_response(501)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_configure_bucket_says_what_a_server_without_bucket_cors_or_lifecycle_needs(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotImplementedS3)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.S3_BUCKET = "palmares"
    settings.S3_ENDPOINT_URL = settings.S3_PUBLIC_ENDPOINT_URL = f"http://127.0.0.1:{server.server_port}"
    settings.S3_ACCESS_KEY_ID = settings.S3_SECRET_ACCESS_KEY = "testing"
    settings.SITE_URL = "https://palmares.example.org"
    settings.CSRF_TRUSTED_ORIGINS = []
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("configure_bucket", stdout=out, stderr=err)
    finally:
        server.shutdown()

    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == [
        "Bucket palmares: the storage server does not take per-bucket CORS. Allow PUT from "
        "https://palmares.example.org and expose ETag in its own settings (MinIO: MINIO_API_CORS_ALLOW_ORIGIN, "
        "as docker-compose.yml sets it).",
        "Bucket palmares: the storage server does not take the AbortIncompleteMultipartUpload lifecycle rule. "
        "The hourly clean_up_uploads task still aborts uploads left for 24 h (MinIO also does it itself: "
        "MINIO_API_STALE_UPLOADS_EXPIRY).",
    ]


def test_configure_bucket_refuses_in_local_mode():
    with pytest.raises(CommandError, match="S3_BUCKET is not set"):
        call_command("configure_bucket")
