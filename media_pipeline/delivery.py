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
from .models import Film, Rendition
from .selectors import current_film

TOKEN_SALT = "media_pipeline.delivery"  # noqa: S105 (a signing salt, not a secret)
CHUNK = 256 * 1024
NO_STORE = "private, no-store"


def _ready_film(entry: Entry) -> Film | None:
    film = current_film(entry)
    return film if film is not None and film.state == Film.State.READY else None


def renditions(entry: Entry) -> dict[str, list[Rendition]]:
    """The current film's renditions by kind ("proxy", "light", "poster", "subtitles"), once the pipeline has made
    them (state "ready"); {} before. Posters are in film order."""
    film = _ready_film(entry)
    if film is None:
        return {}
    kinds: dict[str, list[Rendition]] = {}
    for rendition in film.renditions.order_by("kind", "position"):
        kinds.setdefault(rendition.kind, []).append(rendition)
    return kinds


def playable_key(entry: Entry) -> str | None:
    """The storage key of the file a player should load for `entry`: the jury proxy made by the media pipeline
    (H.264/AAC, faststart, no metadata of the original), or None while the film is not ready. Only a film the
    pipeline marked "ready" is ever played; a ready film without renditions (made by hand, e.g. in an old demo)
    plays its own file."""
    film = _ready_film(entry)
    if film is None:
        return None
    proxy = film.renditions.filter(kind=Rendition.Kind.PROXY).values_list("key", flat=True).first()
    return proxy or film.key


def light_key(entry: Entry) -> str | None:
    """The light rendition (≤ 480 lines, for phones), or None."""
    film = _ready_film(entry)
    if film is None:
        return None
    return film.renditions.filter(kind=Rendition.Kind.LIGHT).values_list("key", flat=True).first()


def poster_key(entry: Entry) -> str | None:
    """The poster from the middle of the film, or None."""
    film = _ready_film(entry)
    if film is None:
        return None
    posters = list(
        film.renditions.filter(kind=Rendition.Kind.POSTER).order_by("position").values_list("key", flat=True)
    )
    return posters[len(posters) // 2] if posters else None


def subtitles_key(entry: Entry) -> str | None:
    film = _ready_film(entry)
    if film is None:
        return None
    return film.renditions.filter(kind=Rendition.Kind.SUBTITLES).values_list("key", flat=True).first()


def playable_content_type(entry: Entry) -> str:
    film = _ready_film(entry)
    if film is not None and not film.renditions.filter(kind=Rendition.Kind.PROXY).exists() and film.content_type:
        return film.content_type
    return "video/mp4"


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
