"""Short-lived signed URLs for films and posters, and the local-mode view that serves them.

Callers sign a URL only after their own visibility check (releases.permissions, judging.permissions). A signed
URL stays valid until it expires even if visibility narrows meanwhile: keep S3_PRESIGN_SECONDS short.

S3 mode: a presigned GET on S3_PUBLIC_ENDPOINT_URL that also makes the bucket answer `Cache-Control: private,
no-store`; the bucket itself is never public. Local mode: /media/<token>/, a Django view that checks a
django.core.signing token (key, type, file name, expiry), serves HTTP Range requests (206, Content-Range) and sends
`Cache-Control: private, no-store`. Expired or tampered tokens answer 403."""

import re
import time
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contest.models import Entry

from . import storage
from .models import Film
from .selectors import current_film

TOKEN_SALT = "media_pipeline.delivery"  # noqa: S105 (a signing salt, not a secret)
CHUNK = 256 * 1024
NO_STORE = "private, no-store"


def playable_key(entry: Entry) -> str | None:
    """The storage key of the file a player should load for `entry`, or None when there is none yet.

    The seam for the media pipeline: today it is the current Film's own file, when the checks passed ("ready") or,
    until the pipeline has marked any film ready, whatever was uploaded last (so that `make run` works without a
    worker). Rejected and failed films are never played. When proxy renditions exist, return the proxy's key here."""
    film = current_film(entry)
    if film is None or film.state in (Film.State.REJECTED, Film.State.FAILED):
        return None
    return film.key


def playable_content_type(entry: Entry) -> str:
    film = current_film(entry)
    return (film.content_type if film and film.content_type else "") or "video/mp4"


def signed_media_url(*, key: str, content_type: str, seconds: int | None = None, filename: str | None = None) -> str:
    """A URL that lets whoever holds it GET `key` for `seconds`. Call it only after a visibility check."""
    seconds = settings.S3_PRESIGN_SECONDS if seconds is None else seconds
    if storage.s3_mode():
        params = {
            "Bucket": settings.S3_BUCKET,
            "Key": key,
            "ResponseCacheControl": NO_STORE,
            "ResponseContentType": content_type,
        }
        if filename:
            params["ResponseContentDisposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
        return storage.s3_client(public=True).generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)
    payload = {"k": key, "t": content_type, "e": int(time.time()) + seconds}
    if filename:
        payload["f"] = filename
    token = signing.dumps(payload, salt=TOKEN_SALT, compress=True)
    return reverse("media_delivery", kwargs={"token": token})


class MediaTokenRefused(Exception):
    pass


def read_media_token(token: str) -> dict:
    """The payload of a local-mode media token. Raises MediaTokenRefused when tampered with or expired."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise MediaTokenRefused("bad_signature") from error
    if not isinstance(payload, dict) or int(payload.get("e", 0)) <= time.time():
        raise MediaTokenRefused("expired")
    return payload


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) for a single byte range; None when the header is absent or not one range we understand."""
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last N bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end)


def _stream(key: str, start: int, length: int):
    with default_storage.open(key, "rb") as file:
        file.seek(start)
        left = length
        while left > 0:
            chunk = file.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _refused(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain")
    response["Cache-Control"] = NO_STORE
    return response


@require_http_methods(["GET", "HEAD"])
def media_delivery(request, token):
    """Local mode: stream the signed key from default storage, with HTTP Range support."""
    if storage.s3_mode():
        return _refused(404, "Not found")
    try:
        payload = read_media_token(token)
    except MediaTokenRefused:
        return _refused(403, "This media link is invalid or has expired.")
    key = payload["k"]
    try:
        size = default_storage.size(key)
    except (FileNotFoundError, OSError, ValueError):
        return _refused(404, "Not found")
    wanted = _parse_range(request.headers.get("Range", ""), size) if request.headers.get("Range") else None
    if request.headers.get("Range") and (wanted is None or wanted[0] >= size or wanted[0] > wanted[1]):
        response = _refused(416, "Range not satisfiable")
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    body = [] if request.method == "HEAD" or length == 0 else _stream(key, start, length)
    response = StreamingHttpResponse(body, status=206 if wanted else 200, content_type=payload.get("t") or "video/mp4")
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = NO_STORE
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    if payload.get("f"):
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(payload['f'])}"
    return response
