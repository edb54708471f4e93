"""Short-lived signed URLs for films and posters, and the local-mode view that serves them.

Callers sign a URL only after their own visibility check (releases.permissions, judging.permissions). A signed
URL stays valid until it expires even if visibility narrows meanwhile: keep S3_PRESIGN_SECONDS short.

S3 mode: a presigned GET on S3_PUBLIC_ENDPOINT_URL that also makes the bucket answer `Cache-Control: private,
no-store`; the bucket itself is never public. Local mode: /media/<token>/, a Django view that checks a
django.core.signing token (key, type, file name, expiry), serves HTTP Range requests (206, Content-Range) and sends
`Cache-Control: private, no-store`. Expired or tampered tokens answer 403. Both modes answer only with a video,
poster or WebVTT type (`served_content_type`; anything else is an octet-stream attachment), and local responses also
carry `nosniff` and a sandboxing CSP: nothing served from the app's origin under /media/ can be a page."""

import re
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from contest.models import Entry

from . import screeners, storage
from .models import Rendition
from .players import HLS_TYPE, Player, Source, Track
from .selectors import accepted_film

TOKEN_SALT = "media_pipeline.delivery"  # noqa: S105 (a signing salt, not a secret)
CHUNK = 256 * 1024
NO_STORE = "private, no-store"
# What media may be served as: a browser renders none of these as a page. Anything else goes out as a download.
SERVED_TYPES = re.compile(r"video/[a-z0-9][a-z0-9.+-]{0,60}|image/(?:jpeg|png|webp)|text/vtt")
DOWNLOAD_TYPE = "application/octet-stream"
# Sent with every local media response: no document served from the app's origin may run or load anything.
MEDIA_CSP = "default-src 'none'; sandbox"


def served_content_type(content_type: str | None) -> str:
    """The Content-Type a media URL answers with: `content_type` when it is a video, one of the poster formats or
    WebVTT; application/octet-stream (sent as an attachment) otherwise."""
    value = (content_type or "").strip().lower()
    return value if SERVED_TYPES.fullmatch(value) else DOWNLOAD_TYPE


@dataclass(frozen=True)
class Playable:
    """What a player of an entry's ready film loads, as storage keys (sign them with `signed_media_url` after the
    visibility check)."""

    film_id: int
    key: str  # the jury proxy; a ready film without renditions (made by hand) plays its own file
    content_type: str
    light_key: str | None  # ≤ 480 lines, for phones
    poster_key: str | None  # the poster from the middle of the film
    subtitles_key: str | None  # WebVTT
    subtitles_language: str  # BCP 47 code of the film's spoken language, "und" when unknown


def subtitles_language(entry: Entry) -> str:
    """The `srclang` of the subtitle track, from the free-text language of the film ("français", "English"…)."""
    spoken = (entry.language or "").strip().lower()
    return "fr" if spoken.startswith(("fr", "fra")) else "en" if spoken.startswith(("en", "ang")) else "und"


def playable(entry: Entry) -> Playable | None:
    """The renditions of `entry`'s accepted film, the latest the media pipeline marked "ready" (H.264/AAC proxy,
    faststart, no metadata of the original), or None before: rejected, failed and unfinished films never play, and
    a replacement that is not ready yet (or never will be) leaves the accepted film playing.
    Two queries whatever the number of renditions."""
    film = accepted_film(entry)
    if film is None:
        return None
    kinds: dict[str, list[str]] = {}
    for kind, key in film.renditions.order_by("kind", "position").values_list("kind", "key"):
        kinds.setdefault(kind, []).append(key)
    proxy, posters = kinds.get(Rendition.Kind.PROXY), kinds.get(Rendition.Kind.POSTER, [])
    return Playable(
        film_id=film.pk,
        key=proxy[0] if proxy else film.key,
        content_type="video/mp4" if proxy or not film.content_type else film.content_type,
        light_key=kinds.get(Rendition.Kind.LIGHT, [None])[0],
        poster_key=posters[len(posters) // 2] if posters else None,
        subtitles_key=kinds.get(Rendition.Kind.SUBTITLES, [None])[0],
        subtitles_language=subtitles_language(entry),
    )


def poster_key(entry: Entry) -> str | None:
    """The poster from the middle of the film, or None."""
    found = playable(entry)
    return found.poster_key if found else None


def signed_player(entry: Entry, *, screener_url: str | None = None) -> Player | None:
    """The player of `entry`'s ready film with signed URLs: the screener first when it is ready (HLS, at
    `screener_url`, the caller's opener of a viewing session), then the light rendition, for small screens, then the
    proxy; the subtitles as a track in the film's language; the poster. None while the film is not ready. Call it
    only after the caller's visibility check."""
    found = playable(entry)
    if found is None:
        return None
    sources = []
    if screener_url and screeners.has_ready_screener(found.film_id):
        sources.append(Source(url=screener_url, type=HLS_TYPE))
    if found.light_key:
        url = signed_media_url(key=found.light_key, content_type="video/mp4")
        sources.append(Source(url=url, type="video/mp4", media="(max-width: 40rem)"))
    url = signed_media_url(key=found.key, content_type=found.content_type)
    sources.append(Source(url=url, type=found.content_type))
    tracks = ()
    if found.subtitles_key:
        url = signed_media_url(key=found.subtitles_key, content_type="text/vtt")
        tracks = (Track(url=url, language=found.subtitles_language, label=gettext("Subtitles")),)
    poster = signed_media_url(key=found.poster_key, content_type="image/jpeg") if found.poster_key else ""
    return Player(sources=tuple(sources), tracks=tracks, poster_url=poster)


def signed_media_url(*, key: str, content_type: str, seconds: int | None = None, filename: str | None = None) -> str:
    """A URL that lets whoever holds it GET `key` for `seconds`. Call it only after a visibility check."""
    seconds = settings.S3_PRESIGN_SECONDS if seconds is None else seconds
    content_type = served_content_type(content_type)
    if storage.s3_mode():
        params = {
            "Bucket": settings.S3_BUCKET,
            "Key": key,
            "ResponseCacheControl": NO_STORE,
            "ResponseContentType": content_type,
        }
        disposition = "attachment" if content_type == DOWNLOAD_TYPE else "inline"
        if filename:
            params["ResponseContentDisposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        elif disposition == "attachment":
            params["ResponseContentDisposition"] = disposition
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


class RangeNotSatisfiable(Exception):
    pass


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of the one byte range `header` asks for, or None to send the whole body (200): no header, one
    we do not understand, or several ranges, which RFC 9110 (§14.2) lets a server ignore (players ask for one
    range at a time). Raises RangeNotSatisfiable for one range that starts past the end or asks for no byte."""
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # the last N bytes
        length = int(last)
        if not length or not size:
            raise RangeNotSatisfiable
        return (max(0, size - length), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        raise RangeNotSatisfiable
    return (start, min(int(last), size - 1) if last else size - 1)


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
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
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
    try:
        wanted = _parse_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        response = _refused(416, "Range not satisfiable")
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if wanted else (0, size - 1)
    length = max(0, end - start + 1)
    body = [] if request.method == "HEAD" or length == 0 else _stream(key, start, length)
    content_type = served_content_type(payload.get("t") or "video/mp4")
    response = StreamingHttpResponse(
        body,
        status=206 if wanted else 200,
        content_type=f"{content_type}; charset=utf-8" if content_type == "text/vtt" else content_type,
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = "attachment" if content_type == DOWNLOAD_TYPE else "inline"
    if payload.get("f"):
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(payload['f'])}"
    elif disposition == "attachment":
        response["Content-Disposition"] = disposition
    return response
