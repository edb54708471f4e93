"""The S3 bucket's own settings (CORS for the browsers' direct uploads, a lifecycle rule), set once per bucket by
`manage.py configure_bucket`."""

from botocore.exceptions import ClientError
from django.conf import settings

from .storage import error_code, s3_client

LIFECYCLE_RULE_ID = "abort-incomplete-multipart-uploads"
# What S3-compatible servers answer for a bucket setting they do not implement. MinIO's community edition refuses
# per-bucket CORS (it applies MINIO_API_CORS_ALLOW_ORIGIN to every bucket) and drops or refuses the
# AbortIncompleteMultipartUpload lifecycle action (it aborts stale uploads itself, MINIO_API_STALE_UPLOADS_EXPIRY).
UNSUPPORTED_CODES = ("NotImplemented", "MalformedXML", "InvalidRequest")


def configure_bucket(*, origins: list[str], abort_incomplete_after_days: int = 1) -> dict[str, bool]:
    """S3 mode: let browsers at `origins` PUT parts (and read the ETag of each part), and have the bucket itself
    abort multipart uploads left incomplete, as a backstop to the housekeeping task. Returns which of the two the
    storage server took ({"cors": bool, "lifecycle": bool}); a server that does not implement one is not an error
    (see UNSUPPORTED_CODES), anything else is raised."""
    client = s3_client()
    applied = {}
    try:
        client.put_bucket_cors(
            Bucket=settings.S3_BUCKET,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedOrigins": origins,
                        "AllowedMethods": ["PUT", "GET", "HEAD"],
                        "AllowedHeaders": ["*"],
                        "ExposeHeaders": ["ETag"],
                        "MaxAgeSeconds": 3600,
                    }
                ]
            },
        )
        applied["cors"] = True
    except ClientError as error:
        if error_code(error) not in UNSUPPORTED_CODES:
            raise
        applied["cors"] = False
    try:
        client.put_bucket_lifecycle_configuration(
            Bucket=settings.S3_BUCKET,
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": LIFECYCLE_RULE_ID,
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": abort_incomplete_after_days},
                    }
                ]
            },
        )
        rules = client.get_bucket_lifecycle_configuration(Bucket=settings.S3_BUCKET).get("Rules", [])
        # Read back: some servers accept the rule and silently drop the action.
        applied["lifecycle"] = any("AbortIncompleteMultipartUpload" in rule for rule in rules)
    except ClientError as error:
        if error_code(error) not in UNSUPPORTED_CODES:
            raise
        applied["lifecycle"] = False
    return applied
