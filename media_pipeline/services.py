"""Every change of state to uploads and films. Views and tasks call these; nothing else writes those rows.

The browser talks to storage directly (S3 mode) or to Django's part view (local mode); these functions decide
whether it may, record what happened, and never trust a size or a key that the browser sends."""

import os
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Entry, Team
from contest.services import ContestError, record_event, set_film_accepted

from . import pipeline, storage
from .models import Film, ReplacementRequest, Upload
from .replacement_locks import replacement_lock
from .selectors import accepted_film, current_film, kept_keys, kept_screener_prefixes

MIN_PART_SIZE = 8 * 1024**2
MAX_PARTS = 10_000
STALE_AFTER = timedelta(hours=24)
VIDEO_EXTENSIONS = {".avi", ".m2ts", ".m4v", ".mkv", ".mov", ".mp4", ".mpeg", ".mpg", ".mts", ".mxf", ".ts", ".webm"}


class UploadError(ContestError):
    """Codes: `entry_closed`, `window_closed`, `too_big`, `empty_file`, `not_a_video`, `too_many_uploads`,
    `upload_closed`, `part_out_of_range`, `part_too_big`, `part_wrong_size`, `incomplete_part`, `invalid_part`,
    `size_mismatch`, `replacement_locked`, `replacement_not_locked`, `replacement_pending`, `reason_required`,
    `request_decided`."""


def part_size_for(size: int) -> int:
    """Bytes per part: at least 8 MiB, whole MiB, and few enough parts for S3's limit of 10,000.
    static/js/upload.js computes the same figure."""
    mebibyte = 1024**2
    per_part = -(-size // MAX_PARTS)
    return max(MIN_PART_SIZE, -(-per_part // mebibyte) * mebibyte)


def is_video(*, filename: str, content_type: str) -> bool:
    if content_type.startswith("video/"):
        return True
    # Browsers give no type (or a generic one) for some containers, e.g. .mkv or .mxf.
    generic = content_type in ("", "application/octet-stream")
    return generic and os.path.splitext(filename.lower())[1] in VIDEO_EXTENSIONS


def check_uploads_allowed(*, entry: Entry, now: datetime) -> None:
    if entry.status in (Entry.Status.WITHDRAWN, Entry.Status.DISQUALIFIED):
        raise UploadError(
            "entry_closed",
            _("This entry was %(status)s: it no longer accepts a film.") % {"status": entry.get_status_display()},
        )
    if not entry.team.window_is_open(now):
        raise UploadError(
            "window_closed",
            _("Uploads are closed for your team: the deadline has passed. Ask the organisers for an extension."),
        )


def check_replacement_allowed(*, entry: Entry) -> ReplacementRequest | None:
    """Whether the team may upload a film now. Without a lock (replacement_locks) it may; with one it needs an
    organiser's approval that was not used yet, which is returned. Raises UploadError("replacement_locked")."""
    lock = replacement_lock(entry) if current_film(entry) is not None else None
    if lock is None:
        return None
    approval = entry.replacement_requests.filter(state=ReplacementRequest.State.APPROVED).first()
    if approval is None:
        raise UploadError(
            "replacement_locked",
            _(
                "This film %(reason)s: your team can no longer replace it alone. Ask the organisers for a "
                "replacement; once they approve it, you may upload one new film."
            )
            % {"reason": lock[1]},
        )
    return approval


@transaction.atomic
def request_replacement(*, entry: Entry, by: User, reason: str) -> ReplacementRequest:
    """Ask the organisers to let the team replace a locked film. Writes ReplacementRequest and an AuditEvent
    `replacement_requested`. Raises UploadError("replacement_not_locked" | "replacement_pending" |
    "reason_required" | "entry_closed")."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.status in (Entry.Status.WITHDRAWN, Entry.Status.DISQUALIFIED):
        raise UploadError("entry_closed", _("This entry no longer accepts a film."))
    if current_film(entry) is None or replacement_lock(entry) is None:
        raise UploadError("replacement_not_locked", _("You may upload a new film yourself: no request is needed."))
    open_states = (ReplacementRequest.State.PENDING, ReplacementRequest.State.APPROVED)
    if entry.replacement_requests.filter(state__in=open_states).exists():
        raise UploadError("replacement_pending", _("A request to replace this film is already open."))
    reason = reason.strip()
    if not reason:
        raise UploadError("reason_required", _("Say why the film should be replaced."))
    request = ReplacementRequest.objects.create(entry=entry, reason=reason[:2000], requested_by=by)
    record_event(
        verb="replacement_requested", actor=by, contest=entry.contest, entry=entry, request=request.pk, reason=reason
    )
    return request


def _decide_replacement(*, request: ReplacementRequest, by: User, reason: str, state: str) -> ReplacementRequest:
    request = ReplacementRequest.objects.select_for_update().select_related("entry__team__contest").get(pk=request.pk)
    if request.state != ReplacementRequest.State.PENDING:
        raise UploadError("request_decided", _("This request was already decided."))
    reason = reason.strip()
    if not reason:
        raise UploadError("reason_required", _("Give the reason for your decision; the team will see it."))
    request.state, request.decided_by, request.decided_at = state, by, timezone.now()
    request.decision_reason = reason[:2000]
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    record_event(
        verb=f"replacement_{state}",
        actor=by,
        contest=request.entry.contest,
        entry=request.entry,
        request=request.pk,
        reason=request.decision_reason,
    )
    return request


@transaction.atomic
def approve_replacement(*, request: ReplacementRequest, by: User, reason: str) -> ReplacementRequest:
    """An organiser lets the team upload one new film for a locked entry. Writes ReplacementRequest and an
    AuditEvent `replacement_approved` with the reason. Raises UploadError("request_decided" | "reason_required")."""
    return _decide_replacement(request=request, by=by, reason=reason, state=ReplacementRequest.State.APPROVED)


@transaction.atomic
def refuse_replacement(*, request: ReplacementRequest, by: User, reason: str) -> ReplacementRequest:
    """An organiser refuses a replacement; the film stays. Writes ReplacementRequest and an AuditEvent
    `replacement_refused` with the reason. Raises UploadError("request_decided" | "reason_required")."""
    return _decide_replacement(request=request, by=by, reason=reason, state=ReplacementRequest.State.REFUSED)


def _too_big(*, size: int, limit: int) -> UploadError:
    return UploadError(
        "too_big",
        _("This file is %(size)s; the contest accepts files up to %(limit)s. Export a smaller file and upload it.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


@transaction.atomic
def start_upload(
    *, entry: Entry, by: User, filename: str, content_type: str, size: int, now: datetime | None = None
) -> Upload:
    """Open a multipart upload under a fresh random key. Writes Upload and an AuditEvent `upload_started`;
    opens the upload in storage. Raises UploadError("entry_closed" | "window_closed" | "replacement_locked" |
    "too_big" | "empty_file" | "not_a_video" | "too_many_uploads": settings.UPLOAD_MAX_OPEN_PER_ENTRY /
    UPLOAD_MAX_OPEN_PER_TEAM)."""
    now = now or timezone.now()
    check_uploads_allowed(entry=entry, now=now)
    check_replacement_allowed(entry=entry)
    _check_open_uploads_cap(entry=entry)
    limit = entry.contest.max_file_size_bytes
    if size <= 0:
        raise UploadError("empty_file", _("This file is empty."))
    if size > limit:
        raise _too_big(size=size, limit=limit)
    if not is_video(filename=filename, content_type=content_type):
        raise UploadError("not_a_video", _("This file is not a video. Upload the exported film (MP4, MOV, MKV…)."))
    upload = Upload(
        entry=entry,
        original_name=filename[:255],
        declared_size=size,
        part_size=part_size_for(size),
        content_type=content_type if content_type.startswith("video/") else "application/octet-stream",
        created_by=by,
        created_at=now,
    )
    upload.storage_upload_id = storage.start_multipart(key=upload.key, content_type=upload.content_type)
    upload.save()
    record_event(
        verb="upload_started",
        actor=by,
        contest=entry.contest,
        entry=entry,
        upload=str(upload.public_id),
        declared_size=size,
    )
    return upload


def _check_open_uploads_cap(*, entry: Entry) -> None:
    """Each open upload holds storage for up to a whole file: cap how many an entry and a team keep open at once.
    Locks the team's row, so two creates at the same moment are counted one after the other."""
    Team.objects.select_for_update().filter(pk=entry.team_id).first()
    open_uploads = Upload.objects.filter(state=Upload.State.OPEN, entry__team_id=entry.team_id)
    limit = settings.UPLOAD_MAX_OPEN_PER_ENTRY
    if open_uploads.filter(entry=entry).count() >= limit:
        raise UploadError(
            "too_many_uploads",
            _(
                "This film already has %(count)d uploads in progress. Continue or discard one of them, or wait "
                "a day for them to expire, before starting another."
            )
            % {"count": limit},
        )
    limit = settings.UPLOAD_MAX_OPEN_PER_TEAM
    if open_uploads.count() >= limit:
        raise UploadError(
            "too_many_uploads",
            _(
                "Your team already has %(count)d uploads in progress. Continue or discard one of them, or wait "
                "a day for them to expire, before starting another."
            )
            % {"count": limit},
        )


def _check_open(upload: Upload) -> None:
    if upload.state != Upload.State.OPEN:
        raise UploadError("upload_closed", _("This upload was %(state)s.") % {"state": upload.get_state_display()})


def sign_upload_parts(
    *, upload: Upload, part_numbers: list[int], contest_slug: str, now: datetime | None = None
) -> dict[int, str]:
    """URLs to PUT parts to, each valid for settings.S3_PRESIGN_SECONDS and for its part only. Writes nothing.
    Raises UploadError("upload_closed" | "part_out_of_range" | "entry_closed" | "window_closed")."""
    _check_open(upload)
    check_uploads_allowed(entry=upload.entry, now=now or timezone.now())
    last = min(upload.part_count, MAX_PARTS)
    if not part_numbers or any(not 1 <= number <= last for number in part_numbers):
        raise UploadError("part_out_of_range", _("This part number is outside the file."))
    return {
        number: storage.part_url(contest_slug=contest_slug, upload=upload, part_number=number)
        for number in part_numbers
    }


def sign_upload_part(*, upload: Upload, part_number: int, contest_slug: str, now: datetime | None = None) -> str:
    """One part's URL; see sign_upload_parts."""
    urls = sign_upload_parts(upload=upload, part_numbers=[part_number], contest_slug=contest_slug, now=now)
    return urls[part_number]


def receive_local_part(*, contest_slug: str, token: str, stream, length: int) -> str:
    """Local mode: store the bytes of one part PUT to a signed Django URL. Returns the part's ETag.
    Raises signing.BadSignature for a forged or expired URL; Upload.DoesNotExist for a token signed for another
    contest than the URL's, or an unknown upload; UploadError("upload_closed") for an upload that is no longer
    open; UploadError("part_too_big" | "part_wrong_size") for a body of another size than that part of the declared
    file (nothing is written)."""
    signed_contest, public_id, part_number = storage.read_part_token(token)
    if signed_contest != contest_slug:
        raise Upload.DoesNotExist
    upload = Upload.objects.get(public_id=public_id, entry__contest__slug=contest_slug)
    _check_open(upload)
    expected = upload.part_length(part_number)
    if length > expected:
        raise UploadError("part_too_big", _("This part is larger than the agreed part size."))
    if length != expected:
        raise UploadError("part_wrong_size", _("This part is not the size agreed for it."))
    try:
        return storage.write_local_part(
            storage_upload_id=upload.storage_upload_id, part_number=part_number, stream=stream, length=length
        )
    except storage.StorageRefusal as refusal:
        if refusal.code == "incomplete_body":
            raise UploadError("incomplete_part", _("The connection dropped during this part; it will be sent again."))
        raise UploadError("upload_closed", _("This upload is closed."))


def _size_mismatch(upload: Upload) -> UploadError:
    return UploadError(
        "size_mismatch",
        _("The parts received do not make the file of %(size)s that was announced. Start the upload again.")
        % {"size": filesizeformat(upload.declared_size)},
    )


def _stored_parts_problem(*, upload: Upload, parts: list[tuple[int, str]]) -> str | None:
    """What is wrong with an upload's parts before they are joined: "size_mismatch" when storage holds a part of
    another size than the declared file gives it, or a part past the file's end (the upload must be refused);
    "invalid_part" when the browser's list is not every part of the file once, in order, or storage lacks one
    (the browser can resume); None when storage holds exactly the declared file."""
    expected = {number: upload.part_length(number) for number in range(1, upload.part_count + 1)}
    stored = {part.number: part.size for part in storage.list_parts(upload=upload)}
    if any(expected.get(number) != size for number, size in stored.items()):
        return "size_mismatch"
    if [number for number, _ in parts] != list(expected) or stored.keys() != expected.keys():
        return "invalid_part"
    return None


def complete_upload(*, upload: Upload, parts: list[tuple[int, str]], by: User, now: datetime | None = None) -> Film:
    """Join the uploaded parts into the stored object and make it the entry's film.

    Storage's own list of parts is checked against the declared size first (each part and the total); the object
    storage assembled is checked again against the declared size and the contest's limit. A file that differs
    (a part of another size, bytes past the declared end) or is over the limit is refused: storage's parts or
    object are deleted at once, the upload is marked aborted (AuditEvent `film_upload_refused` with the reason) and
    UploadError("size_mismatch" | "too_big") is raised. Otherwise writes Upload, a Film (state `received`), an
    AuditEvent `film_received`; marks the previous upload replaced. An accepted (ready) film stays the entry's film,
    its files kept, until the new one is ready; any other previous upload's objects are deleted after commit, and
    without an accepted film the entry's film is marked not yet accepted. After commit, pipeline.film_received
    queues its checks.
    A locked film (replacement_locks) is replaced only with an organiser's approval, which this upload then uses.
    Raises UploadError("upload_closed" | "invalid_part" | "entry_closed" | "window_closed" | "size_mismatch" |
    "replacement_locked" |
    "too_big")."""
    now = now or timezone.now()
    refused = None
    with transaction.atomic():
        entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=upload.entry_id)
        upload = Upload.objects.select_for_update().get(pk=upload.pk)
        if upload.state == Upload.State.COMPLETED:  # the browser retried after losing our first answer
            return upload.film
        _check_open(upload)
        check_uploads_allowed(entry=entry, now=now)
        limit = entry.contest.max_file_size_bytes
        approval = check_replacement_allowed(entry=entry)
        try:
            problem = _stored_parts_problem(upload=upload, parts=parts)
            if problem == "invalid_part":
                raise storage.StorageRefusal("invalid_part")
            stored = None if problem else storage.complete_multipart(upload=upload, parts=parts)
        except storage.StorageRefusal as refusal:
            if refusal.code == "no_such_upload":
                raise UploadError("upload_closed", _("This upload is no longer open in storage. Start again."))
            raise UploadError("invalid_part", _("Some parts are missing or damaged. Resume the upload."))
        if stored is None:
            storage.abort_multipart(key=upload.key, storage_upload_id=upload.storage_upload_id)
            refused, reason, size = _size_mismatch(upload), "size_mismatch", None
        elif stored.size != upload.declared_size:
            storage.delete_object(upload.key)
            refused, reason, size = _size_mismatch(upload), "size_mismatch", stored.size
        elif stored.size > limit:
            storage.delete_object(upload.key)
            refused, reason, size = _too_big(size=stored.size, limit=limit), "too_big", stored.size
        upload.finished_at = now
        if refused is not None:
            upload.state = Upload.State.ABORTED
            upload.save(update_fields=["state", "finished_at"])
            record_event(
                verb="film_upload_refused",
                actor=by,
                contest=entry.contest,
                entry=entry,
                upload=str(upload.public_id),
                reason=reason,
                size=size,
                declared_size=upload.declared_size,
                limit=limit,
            )
        else:
            upload.state = Upload.State.COMPLETED
            upload.save(update_fields=["state", "finished_at"])
            film = _receive_film(entry=entry, upload=upload, stored=stored, by=by, now=now)
            transaction.on_commit(partial(pipeline.film_received, film))
            if approval is not None:  # an approval allows one upload
                approval.state, approval.upload = ReplacementRequest.State.USED, upload
                approval.save(update_fields=["state", "upload"])
    if refused is not None:
        raise refused
    return film


def _receive_film(*, entry: Entry, upload: Upload, stored: storage.StoredObject, by: User, now: datetime) -> Film:
    previous = Film.objects.select_for_update().filter(entry=entry, replaced_at__isnull=True).first()
    kept = accepted_film(entry)
    if previous is not None:
        previous.replaced_at = now
        previous.save(update_fields=["replaced_at"])
        # The accepted film stays until the new one is ready (steps._retire_previous deletes it then); a previous
        # replacement that was never accepted is of no further use.
        if kept is None or previous.pk != kept.pk:
            transaction.on_commit(lambda: storage.delete_object(previous.key))
            for key in previous.renditions.values_list("key", flat=True):
                transaction.on_commit(lambda key=key: storage.delete_object(key))
    film = Film.objects.create(
        entry=entry,
        upload=upload,
        key=upload.key,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=stored.size,
        checksum=stored.etag,
        uploaded_by=by,
        created_at=now,
    )
    record_event(
        verb="film_received",
        actor=by,
        contest=entry.contest,
        entry=entry,
        film=film.pk,
        key=film.key,
        size=film.size,
        checksum=film.checksum,
        replaced=previous.pk if previous else None,
    )
    # A new file has not passed the checks, whatever the previous one did; an accepted film that stays keeps the
    # entry accepted until the replacement is.
    if kept is None:
        set_film_accepted(entry=entry, accepted=False, by=None)
    return film


@transaction.atomic
def retry_film(*, film: Film, by: User) -> bool:
    """An organiser starts a failed or rejected film over from the checks (after a fix, or after the rules changed).
    Moves it back to `received` (pipeline.transition) and writes an AuditEvent `film_retried`; enqueues its checks
    after commit. Returns False, writing nothing, when the film is no longer failed or rejected (or was replaced)."""
    changed = pipeline.transition(
        Q(pk=film.pk, replaced_at__isnull=True),
        sources=(Film.State.FAILED, Film.State.REJECTED),
        to=Film.State.RECEIVED,
        lease_until=None,
        attempts=0,
        progress=0.0,
        failure="",
        enqueued_at=None,
    )
    if changed:
        record_event(verb="film_retried", actor=by, contest=film.entry.contest, entry=film.entry, film=film.pk)
        transaction.on_commit(lambda: pipeline.enqueue(film.pk, pipeline.CHECK))
    return bool(changed)


@transaction.atomic
def abort_upload(*, upload: Upload, by: User | None, reason: str = "cancelled") -> Upload:
    """Give up an open upload: storage drops its parts and any later part URL fails. Writes Upload and an
    AuditEvent `upload_aborted` (with `by`=None for housekeeping). Idempotent on an already aborted upload.
    Raises UploadError("upload_closed") for a completed one."""
    upload = Upload.objects.select_for_update().select_related("entry__contest").get(pk=upload.pk)
    if upload.state == Upload.State.ABORTED:
        return upload
    _check_open(upload)
    storage.abort_multipart(key=upload.key, storage_upload_id=upload.storage_upload_id)
    upload.state = Upload.State.ABORTED
    upload.finished_at = timezone.now()
    upload.save(update_fields=["state", "finished_at"])
    record_event(
        verb="upload_aborted",
        actor=by,
        contest=upload.entry.contest,
        entry=upload.entry,
        upload=str(upload.public_id),
        reason=reason,
    )
    return upload


def abort_stale_uploads(*, now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> int:
    """Housekeeping: abort every multipart upload storage holds open for longer than `older_than`, ours (through
    `abort_upload`) or unknown. Returns how many were aborted."""
    cutoff = (now or timezone.now()) - older_than
    aborted = 0
    for stale in storage.incomplete_uploads():
        upload = Upload.objects.filter(storage_upload_id=stale.storage_upload_id).first()
        # Our own row's clock first; storage's `Initiated` only for uploads we have no row for.
        if (upload.created_at if upload else stale.initiated_at) > cutoff:
            continue
        if upload is not None and upload.state == Upload.State.OPEN:
            abort_upload(upload=upload, by=None, reason="stale")
        else:
            storage.abort_multipart(key=stale.key, storage_upload_id=stale.storage_upload_id)
        aborted += 1
    # Rows whose storage side is already gone (aborted by the bucket's lifecycle rule, say).
    for upload in Upload.objects.filter(state=Upload.State.OPEN, created_at__lt=cutoff):
        abort_upload(upload=upload, by=None, reason="stale")
    return aborted


def delete_orphaned_objects(*, now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> int:
    """Housekeeping: delete objects under uploads/ that are no entry's current or accepted film and are older than
    `older_than` (a refused file whose delete failed, a replaced film whose delete failed, a half-assembled file).
    Returns how many were deleted."""
    cutoff = (now or timezone.now()) - older_than
    deleted = 0
    kept = kept_keys()  # current films and the accepted films that stay beside a replacement
    for stored in storage.stored_objects("uploads/"):
        if stored.modified_at > cutoff or stored.key in kept:
            continue
        storage.delete_object(stored.key)
        deleted += 1
    # Outputs of a transcode that was superseded or crashed between writing them and recording them.
    for stored in storage.stored_objects("renditions/"):
        if stored.modified_at > cutoff or stored.key in kept:
            continue
        storage.delete_object(stored.key)
        deleted += 1
    # Segments of a screener whose film was retired (a delete that failed) or of a making that was superseded.
    prefixes = kept_screener_prefixes()
    for stored in storage.stored_objects("screeners/"):
        if stored.modified_at > cutoff or "/".join(stored.key.split("/")[:2]) in prefixes:
            continue
        storage.delete_object(stored.key)
        deleted += 1
    return deleted
