"""Set the S3 bucket's CORS (browsers PUT parts from the site and read each part's ETag) and its lifecycle rule
(abort multipart uploads left incomplete). Run once per bucket; docker-compose runs it at start."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from media_pipeline import bucket, storage


class Command(BaseCommand):
    help = "Configure the S3 bucket for direct browser uploads: CORS for the site's origins and a lifecycle rule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            action="append",
            dest="origins",
            help="An origin allowed to PUT (repeatable). Default: SITE_URL and CSRF_TRUSTED_ORIGINS.",
        )
        parser.add_argument("--abort-after-days", type=int, default=1)

    def handle(self, *args, origins=None, abort_after_days=1, **options):
        if not storage.s3_mode():
            raise CommandError("S3_BUCKET is not set: local mode needs no bucket configuration.")
        origins = origins or sorted({settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS})
        applied = bucket.configure_bucket(origins=origins, abort_incomplete_after_days=abort_after_days)
        if applied["cors"]:
            self.stdout.write(f"Bucket {settings.S3_BUCKET}: PUT allowed from {', '.join(origins)}.")
        else:
            self.stderr.write(
                f"Bucket {settings.S3_BUCKET}: the storage server does not take per-bucket CORS. Allow PUT from "
                f"{', '.join(origins)} and expose ETag in its own settings (MinIO: MINIO_API_CORS_ALLOW_ORIGIN, "
                "as docker-compose.yml sets it)."
            )
        if applied["lifecycle"]:
            self.stdout.write(
                f"Bucket {settings.S3_BUCKET}: incomplete multipart uploads aborted after {abort_after_days} day(s)."
            )
        else:
            self.stderr.write(
                f"Bucket {settings.S3_BUCKET}: the storage server does not take the AbortIncompleteMultipartUpload "
                "lifecycle rule. The hourly clean_up_uploads task still aborts uploads left for 24 h (MinIO also "
                "does it itself: MINIO_API_STALE_UPLOADS_EXPIRY)."
            )
