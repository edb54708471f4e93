"""The upload contract of Uppy's @uppy/aws-s3 multipart mode, as JSON endpoints under the team's entry URL.

Errors answer {"error": code, "message": text}. Another team's entry or upload answers 404, like anything hidden.
"""

import json
import re

from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contest import permissions
from contest.models import Contest

from . import selectors, services, storage
from .models import Upload

MAX_BATCH = 50
MAX_FILENAME = 1024
MAX_ETAG = 100
# A bare MIME type, as browsers give File.type: never a parameter, a space or a line break (it becomes a header).
CONTENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,58}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,58}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
STATUS_BY_CODE = {
    "entry_closed": 403,
    "window_closed": 403,
    "replacement_locked": 403,
    "too_big": 413,
    "part_too_big": 413,
    "too_many_uploads": 409,
    "upload_closed": 410,
}


def _error(error: services.UploadError) -> JsonResponse:
    return JsonResponse(
        {"error": error.code, "message": str(error.message)}, status=STATUS_BY_CODE.get(error.code, 400)
    )


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": "bad_request", "message": message}, status=400)


def _json_body(request) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _is_integer(value) -> bool:
    return type(value) is int  # not bool, not float


def _create_problem(body: dict | None) -> str | None:
    """Why a create request's body is not {filename: text, type: MIME type or "", size: whole number}, or None."""
    if body is None:
        return _("Send JSON {filename, type, size}.")
    filename, content_type, size = body.get("filename"), body.get("type", ""), body.get("size")
    if not isinstance(filename, str) or not filename.strip() or len(filename) > MAX_FILENAME:
        return _("Send the file's name as text of at most %(count)d characters.") % {"count": MAX_FILENAME}
    if CONTROL_CHARACTERS.search(filename):
        return _("The file's name contains control characters (such as a line break). Rename the file.")
    if content_type is None:
        content_type = ""
    if not isinstance(content_type, str) or (content_type and not CONTENT_TYPE.fullmatch(content_type)):
        return _('Send the file\'s type as a MIME type such as "video/mp4", or "" when unknown.')
    if not _is_integer(size):
        return _("Send the file's size as a whole number of bytes.")
    return None


def _parts_problem(body: dict | None) -> str | None:
    """Why a complete request's body is not {parts: [{PartNumber: whole number, ETag: text}, ...]}, or None."""
    parts = body.get("parts") if body else None
    if not isinstance(parts, list) or len(parts) > services.MAX_PARTS:
        return _("Send JSON {parts: [{PartNumber, ETag}, ...]}.")
    for part in parts:
        if (
            not isinstance(part, dict)
            or not _is_integer(part.get("PartNumber"))
            or not isinstance(part.get("ETag"), str)
            or len(part["ETag"]) > MAX_ETAG
        ):
            return _("Send JSON {parts: [{PartNumber, ETag}, ...]}.")
    return None


def _film_json(film) -> dict:
    return {
        "id": film.pk,
        "state": film.state,
        "stateLabel": str(film.get_state_display()),
        "size": film.size,
        "checksum": film.checksum,
        "createdAt": film.created_at.isoformat(),
    }


@require_POST
def upload_create(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    body = _json_body(request)
    problem = _create_problem(body)
    if problem:
        return _bad_request(problem)
    try:
        upload = services.start_upload(
            entry=entry,
            by=request.user,
            filename=body["filename"],
            content_type=body.get("type") or "",
            size=body["size"],
        )
    except services.UploadError as error:
        return _error(error)
    return JsonResponse(
        {
            "uploadId": str(upload.public_id),
            "key": upload.key,
            "partSize": upload.part_size,
            "partCount": upload.part_count,
        },
        status=201,
    )


@require_http_methods(["DELETE"])
def upload_abort(request, contest_slug, public_id, upload_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    upload = selectors.get_team_upload_or_404(request.user, contest, public_id, upload_id)
    try:
        services.abort_upload(upload=upload, by=request.user)
    except services.UploadError as error:
        return _error(error)
    return HttpResponse(status=204)


@require_GET
def upload_parts(request, contest_slug, public_id, upload_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    upload = selectors.get_team_upload_or_404(request.user, contest, public_id, upload_id)
    if upload.state != Upload.State.OPEN:
        return _error(services.UploadError("upload_closed", _("This upload is closed. Start again.")))
    try:
        parts = selectors.uploaded_parts(upload)
    except storage.StorageRefusal:
        return _error(
            services.UploadError("upload_closed", _("This upload is no longer open in storage. Start again."))
        )
    return JsonResponse([{"PartNumber": p.number, "ETag": p.etag, "Size": p.size} for p in parts], safe=False)


@require_http_methods(["GET", "POST"])
def upload_sign_part(request, contest_slug, public_id, upload_id, part_number):
    contest = get_object_or_404(Contest, slug=contest_slug)
    upload = selectors.get_team_upload_or_404(request.user, contest, public_id, upload_id)
    try:
        url = services.sign_upload_part(upload=upload, part_number=part_number, contest_slug=contest.slug)
    except services.UploadError as error:
        return _error(error)
    return JsonResponse({"url": request.build_absolute_uri(url), "method": "PUT", "headers": {}})


@require_POST
def upload_sign_parts(request, contest_slug, public_id, upload_id):
    """Batch signing: {partNumbers: [...]} (at most MAX_BATCH) → {urls: {"<n>": url}}. Saves a round trip per part."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    upload = selectors.get_team_upload_or_404(request.user, contest, public_id, upload_id)
    body = _json_body(request)
    numbers = body.get("partNumbers") if body else None
    if not isinstance(numbers, list) or not all(_is_integer(n) for n in numbers) or len(numbers) > MAX_BATCH:
        return _bad_request(
            _("Send JSON {partNumbers: [...]} with at most %(count)s part numbers.") % {"count": MAX_BATCH}
        )
    try:
        urls = services.sign_upload_parts(upload=upload, part_numbers=numbers, contest_slug=contest.slug)
    except services.UploadError as error:
        return _error(error)
    return JsonResponse({"urls": {str(n): request.build_absolute_uri(url) for n, url in urls.items()}})


@require_POST
def upload_complete(request, contest_slug, public_id, upload_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    upload = selectors.get_team_upload_or_404(request.user, contest, public_id, upload_id)
    body = _json_body(request)
    problem = _parts_problem(body)
    if problem:
        return _bad_request(problem)
    parts = [(part["PartNumber"], part["ETag"].strip('"')) for part in body["parts"]]
    try:
        film = services.complete_upload(upload=upload, parts=parts, by=request.user)
    except services.UploadError as error:
        return _error(error)
    return JsonResponse({"film": _film_json(film)})


@csrf_exempt  # authorised by the signed token in the URL, like an S3 presigned URL; no cookie is involved
@require_http_methods(["PUT"])
def upload_part_data(request, contest_slug, token):
    """Local mode only: receive one part, streamed to disk in chunks (never request.body)."""
    if storage.s3_mode():
        return HttpResponse(status=404)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return HttpResponse("Content-Length required", status=411, content_type="text/plain")
    try:
        etag = services.receive_local_part(contest_slug=contest_slug, token=token, stream=request, length=length)
    except signing.SignatureExpired:
        return HttpResponse("Request has expired", status=403, content_type="text/plain")
    except signing.BadSignature:
        return HttpResponse("Signature does not match", status=403, content_type="text/plain")
    except Upload.DoesNotExist:
        return HttpResponse("No such upload", status=404, content_type="text/plain")
    except services.UploadError as error:
        status = 404 if error.code == "upload_closed" else STATUS_BY_CODE.get(error.code, 400)
        return HttpResponse(str(error.message), status=status, content_type="text/plain")
    response = HttpResponse(status=200)
    response["ETag"] = f'"{etag}"'
    return response
