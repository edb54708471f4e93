"""The upload contract of Uppy's @uppy/aws-s3 multipart mode, as JSON endpoints under the team's entry URL.

Errors answer {"error": code, "message": text}. Another team's entry or upload answers 404, like anything hidden.
"""

import json

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
STATUS_BY_CODE = {
    "entry_closed": 403,
    "window_closed": 403,
    "replacement_locked": 403,
    "too_big": 413,
    "part_too_big": 413,
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


def _film_json(film) -> dict:
    return {
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
    if body is None or not isinstance(body.get("filename"), str) or not isinstance(body.get("size"), int):
        return _bad_request(_("Send JSON {filename, type, size}."))
    try:
        upload = services.start_upload(
            entry=entry,
            by=request.user,
            filename=body["filename"],
            content_type=str(body.get("type") or ""),
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
    if not isinstance(numbers, list) or not all(type(n) is int for n in numbers) or len(numbers) > MAX_BATCH:
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
    try:
        parts = [(int(part["PartNumber"]), str(part["ETag"]).strip('"')) for part in body["parts"]]
    except (TypeError, KeyError, ValueError):
        return _bad_request(_("Send JSON {parts: [{PartNumber, ETag}, ...]}."))
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
        etag = services.receive_local_part(token=token, stream=request, length=length)
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
