"""Where film bytes go, behind one set of functions.

S3 mode (settings.S3_BUCKET set): an S3 multipart upload; the browser PUTs each part to a presigned URL and Django
only signs and records. Local mode (the default of `make run`): the same contract served by Django; each part is
streamed to a file under MEDIA_ROOT/upload-parts/<id>/ and `complete` concatenates them into MEDIA_ROOT/<key>,
chunk by chunk. ETags follow S3: a part's is the MD5 of its bytes, an assembled object's is the MD5 of the parts'
MD5s followed by `-<number of parts>`.
"""

import hashlib
import io
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from . import readers

COPY_BUFFER = 1024 * 1024
PART_TOKEN_SALT = "media_pipeline.upload_part"  # noqa: S105 (a signing salt, not a secret)
logger = logging.getLogger(__name__)


class StorageRefusal(Exception):
    """Storage said no to a part list or an upload id. `code` is stable: `no_such_upload`, `invalid_part`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class StoredPart:
    number: int
    etag: str
    size: int


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    etag: str
    modified_at: datetime


@dataclass(frozen=True)
class IncompleteUpload:
    key: str
    storage_upload_id: str
    initiated_at: datetime


def s3_mode() -> bool:
    return bool(settings.S3_BUCKET)


@lru_cache(maxsize=8)
def _client(endpoint_url, region, access_key, secret_key):
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )


def s3_client(*, public: bool = False):
    """The S3 client Django talks through; `public=True` presigns URLs for the endpoint browsers can reach."""
    endpoint = settings.S3_PUBLIC_ENDPOINT_URL if public else settings.S3_ENDPOINT_URL
    return _client(
        endpoint or settings.S3_ENDPOINT_URL,
        settings.S3_REGION,
        settings.S3_ACCESS_KEY_ID,
        settings.S3_SECRET_ACCESS_KEY,
    )


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _refusal(error: ClientError) -> StorageRefusal:
    code = error_code(error)
    if code == "NoSuchUpload":
        return StorageRefusal("no_such_upload")
    if code in ("InvalidPart", "InvalidPartOrder", "EntityTooSmall", "MalformedXML"):
        return StorageRefusal("invalid_part")
    raise error


# Local mode: folders under MEDIA_ROOT.


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _parts_root() -> Path:
    return _media_root() / "upload-parts"


def _parts_dir(storage_upload_id: str) -> Path:
    if not storage_upload_id.isalnum():  # it becomes a path: never let anything else in
        raise StorageRefusal("no_such_upload")
    return _parts_root() / storage_upload_id


def _local_path(key: str) -> Path:
    path = (_media_root() / key).resolve()
    if _media_root().resolve() not in path.parents:
        raise ValueError(f"key outside MEDIA_ROOT: {key}")
    return path


def _local_parts(storage_upload_id: str) -> dict[int, tuple[Path, str]]:
    folder = _parts_dir(storage_upload_id)
    if not folder.is_dir():
        raise StorageRefusal("no_such_upload")
    parts = {}
    for path in folder.iterdir():
        number, _, etag = path.name.partition(".")
        if number.isdigit() and len(etag) == 32:
            parts[int(number)] = (path, etag)
    return parts


# The contract, for both modes.


def start_multipart(*, key: str, content_type: str) -> str:
    """Open a multipart upload for `key`; returns the storage's upload id."""
    if s3_mode():
        response = s3_client().create_multipart_upload(Bucket=settings.S3_BUCKET, Key=key, ContentType=content_type)
        return response["UploadId"]
    storage_upload_id = uuid.uuid4().hex
    folder = _parts_dir(storage_upload_id)
    folder.mkdir(parents=True)
    (folder / "upload.json").write_text(
        json.dumps({"key": key, "initiated_at": datetime.now(UTC).isoformat(), "content_type": content_type})
    )
    return storage_upload_id


def part_url(*, contest_slug: str, upload, part_number: int) -> str:
    """A URL the browser PUTs one part to, valid for settings.S3_PRESIGN_SECONDS, for that part only and for exactly
    `upload.part_length(part_number)` bytes. S3 mode: the Content-Length is part of the signature, so storage
    refuses any other body size (SignatureDoesNotMatch); the browser sends the length of the slice it uploads.
    Local mode: the token names the contest, the upload and the part, and the part view checks the length."""
    if s3_mode():
        return s3_client(public=True).generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": settings.S3_BUCKET,
                "Key": upload.key,
                "UploadId": upload.storage_upload_id,
                "PartNumber": part_number,
                "ContentLength": upload.part_length(part_number),
            },
            ExpiresIn=settings.S3_PRESIGN_SECONDS,
        )
    token = signing.dumps(
        {"contest": contest_slug, "upload": str(upload.public_id), "part": part_number}, salt=PART_TOKEN_SALT
    )
    return reverse("media_pipeline:upload_part_data", kwargs={"contest_slug": contest_slug, "token": token})


def read_part_token(token: str) -> tuple[str, str, int]:
    """The (contest slug, upload public id, part number) a local part URL was signed for. Raises
    signing.BadSignature (or its subclass SignatureExpired) when the token was altered or is older than
    settings.S3_PRESIGN_SECONDS, or lacks one of the three."""
    value = signing.loads(token, salt=PART_TOKEN_SALT, max_age=settings.S3_PRESIGN_SECONDS)
    try:
        return str(value["contest"]), str(value["upload"]), int(value["part"])
    except (TypeError, KeyError, ValueError) as error:
        raise signing.BadSignature("incomplete part token") from error


def write_local_part(*, storage_upload_id: str, part_number: int, stream, length: int) -> str:
    """Stream `length` bytes from `stream` into one part file (local mode); returns the part's ETag (MD5).
    A part that arrives again replaces the earlier copy. Raises StorageRefusal("no_such_upload") after abort."""
    folder = _parts_dir(storage_upload_id)
    if not folder.is_dir():
        raise StorageRefusal("no_such_upload")
    digest = hashlib.md5(usedforsecurity=False)
    temporary = folder / f"{part_number:05d}.{uuid.uuid4().hex}.tmp"
    remaining = length
    try:
        with open(temporary, "wb") as out:
            while remaining > 0:
                chunk = stream.read(min(COPY_BUFFER, remaining))
                if not chunk:
                    raise StorageRefusal("incomplete_body")
                digest.update(chunk)
                out.write(chunk)
                remaining -= len(chunk)
        etag = digest.hexdigest()
        for old in folder.glob(f"{part_number:05d}.*"):
            if old.suffix != ".tmp":
                old.unlink(missing_ok=True)
        os.replace(temporary, folder / f"{part_number:05d}.{etag}")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if not folder.is_dir():  # aborted while this part was arriving
        raise StorageRefusal("no_such_upload")
    return etag


def list_parts(*, upload) -> list[StoredPart]:
    """The parts storage holds for an open upload, in order. Raises StorageRefusal("no_such_upload")."""
    if s3_mode():
        parts, marker = [], 0
        while True:
            try:
                response = s3_client().list_parts(
                    Bucket=settings.S3_BUCKET,
                    Key=upload.key,
                    UploadId=upload.storage_upload_id,
                    PartNumberMarker=marker,
                )
            except ClientError as error:
                raise _refusal(error)
            parts += [StoredPart(p["PartNumber"], p["ETag"].strip('"'), p["Size"]) for p in response.get("Parts", [])]
            if not response.get("IsTruncated"):
                return parts
            marker = response["NextPartNumberMarker"]
    return [
        StoredPart(number, etag, path.stat().st_size)
        for number, (path, etag) in sorted(_local_parts(upload.storage_upload_id).items())
    ]


def complete_multipart(*, upload, parts: list[tuple[int, str]]) -> StoredObject:
    """Join the listed parts (number, ETag) into the object `upload.key` and return what storage reports for it
    (size from HeadObject / the file, ETag). Raises StorageRefusal("invalid_part" | "no_such_upload")."""
    if s3_mode():
        client = s3_client()
        try:
            client.complete_multipart_upload(
                Bucket=settings.S3_BUCKET,
                Key=upload.key,
                UploadId=upload.storage_upload_id,
                MultipartUpload={"Parts": [{"PartNumber": number, "ETag": f'"{etag}"'} for number, etag in parts]},
            )
        except ClientError as error:
            raise _refusal(error)
        stored = stat_object(upload.key)
        if stored is None:
            raise StorageRefusal("no_such_upload")
        return stored
    stored_parts = _local_parts(upload.storage_upload_id)
    numbers = [number for number, _ in parts]
    if not parts or numbers != sorted(set(numbers)):
        raise StorageRefusal("invalid_part")
    for number, etag in parts:
        if number not in stored_parts or stored_parts[number][1] != etag:
            raise StorageRefusal("invalid_part")
    target = _local_path(upload.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".assembling")
    digests = hashlib.md5(usedforsecurity=False)
    with open(temporary, "wb") as out:
        for number, etag in parts:
            with open(stored_parts[number][0], "rb") as part:
                shutil.copyfileobj(part, out, COPY_BUFFER)
            digests.update(bytes.fromhex(etag))
    os.replace(temporary, target)
    shutil.rmtree(_parts_dir(upload.storage_upload_id), ignore_errors=True)
    return StoredObject(
        key=upload.key,
        size=target.stat().st_size,
        etag=f"{digests.hexdigest()}-{len(parts)}",
        modified_at=datetime.fromtimestamp(target.stat().st_mtime, UTC),
    )


def abort_multipart(*, key: str, storage_upload_id: str) -> None:
    """Drop an unfinished upload and its parts. Idempotent."""
    if s3_mode():
        try:
            s3_client().abort_multipart_upload(Bucket=settings.S3_BUCKET, Key=key, UploadId=storage_upload_id)
        except ClientError as error:
            if error_code(error) != "NoSuchUpload":
                raise
        return
    shutil.rmtree(_parts_dir(storage_upload_id), ignore_errors=True)


def stat_object(key: str) -> StoredObject | None:
    if s3_mode():
        try:
            head = s3_client().head_object(Bucket=settings.S3_BUCKET, Key=key)
        except ClientError as error:
            if error_code(error) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(key, head["ContentLength"], head["ETag"].strip('"'), head["LastModified"])
    path = _local_path(key)
    if not path.is_file():
        return None
    stat = path.stat()
    return StoredObject(key, stat.st_size, "", datetime.fromtimestamp(stat.st_mtime, UTC))


def delete_object(key: str) -> None:
    """Delete one stored object. Idempotent."""
    if s3_mode():
        s3_client().delete_object(Bucket=settings.S3_BUCKET, Key=key)
        return
    _local_path(key).unlink(missing_ok=True)


def incomplete_uploads() -> Iterator[IncompleteUpload]:
    """Every multipart upload storage still holds open, ours or not."""
    if s3_mode():
        paginator = s3_client().get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=settings.S3_BUCKET):
            for item in page.get("Uploads", []):
                yield IncompleteUpload(item["Key"], item["UploadId"], item["Initiated"])
        return
    if not _parts_root().is_dir():
        return
    for folder in _parts_root().iterdir():
        try:
            info = json.loads((folder / "upload.json").read_text())
            initiated_at = datetime.fromisoformat(info["initiated_at"])
        except (OSError, ValueError, KeyError):
            info, initiated_at = {"key": ""}, datetime.fromtimestamp(folder.stat().st_mtime, UTC)
        yield IncompleteUpload(info["key"], folder.name, initiated_at)


def stored_objects(prefix: str) -> Iterator[StoredObject]:
    """Every complete object whose key starts with `prefix` (e.g. "uploads/")."""
    if s3_mode():
        paginator = s3_client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=settings.S3_BUCKET, Prefix=prefix):
            for item in page.get("Contents", []):
                yield StoredObject(item["Key"], item["Size"], item["ETag"].strip('"'), item["LastModified"])
        return
    folder = _local_path(prefix.rstrip("/")) if prefix.strip("/") else _media_root()
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            key = path.relative_to(_media_root()).as_posix()
            yield StoredObject(key, stat.st_size, "", datetime.fromtimestamp(stat.st_mtime, UTC))


# What the pipeline's steps read and write


class StorageUnavailable(Exception):
    """Storage could not be read or written for a reason that may pass (network, 5xx, throttling): retry later."""


class ObjectGone(Exception):
    """The stored object is not there (deleted, or refused for good): a newer upload replaced its film."""


class WatchedFile(io.RawIOBase):
    """A file object that remembers the first storage error its reads met. PyAV and the probe turn read errors into
    "unreadable" verdicts; a network error must instead become a retry, so the pipeline checks `error` afterwards."""

    def __init__(self, raw):
        self.raw = raw
        self.error: BaseException | None = None

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.raw.tell()

    def seek(self, offset, whence=io.SEEK_SET):
        return self.raw.seek(offset, whence)

    def readinto(self, buffer):
        try:
            return self.raw.readinto(buffer)
        except (BotoCoreError, ClientError, OSError) as error:
            self.error = self.error or error
            raise

    def close(self):
        self.raw.close()
        super().close()


def is_transient(error: BaseException | None) -> bool:
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or error.response.get("Error", {}).get("Code") in ("SlowDown", "RequestTimeout")
    return isinstance(error, BotoCoreError | OSError)


def open_watched(key: str) -> tuple[WatchedFile, int]:
    """The stored object for reading, and its size. Raises ObjectGone, or StorageUnavailable (retry later)."""
    try:
        raw, size = readers.open_stored(default_storage, key)
    except FileNotFoundError:
        raise ObjectGone(key) from None
    except (BotoCoreError, ClientError, OSError) as error:
        if isinstance(error, ClientError) and not is_transient(error):
            raise ObjectGone(key) from error
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error
    return WatchedFile(raw), size


def save_file(path: Path, key: str) -> int:
    """Store the file at `path` under `key`; returns its size. Raises StorageUnavailable."""
    try:
        with open(path, "rb") as handle:
            default_storage.save(key, File(handle, name=key))
    except (BotoCoreError, ClientError, OSError) as error:
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error
    return path.stat().st_size


def read_field_file(field_file, *, limit: int) -> bytes:
    """Up to `limit` bytes of a model's stored file. Raises StorageUnavailable."""
    try:
        with field_file.open("rb") as handle:
            return handle.read(limit)
    except (BotoCoreError, ClientError, OSError) as error:
        raise StorageUnavailable(str(error)) from error


def delete_after_commit(keys: list[str]) -> None:
    for key in keys:
        transaction.on_commit(lambda key=key: delete_object(key))


def delete_now(keys: list[str]) -> None:
    for key in keys:
        try:
            delete_object(key)
        except Exception:  # housekeeping deletes what is left under renditions/
            logger.warning("Could not delete %s", key, exc_info=True)
