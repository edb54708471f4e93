"""The media pipeline: every film goes `received → checking → rejected | transcoding → ready | failed`.

Work is claimed, never assumed. A task only has the film's id; it claims a step with one conditional UPDATE that
sets a lease (`lease_until`), so a second delivery of the same message, or a second worker, finds nothing to claim
and does nothing. The transcode pushes its lease forward as it advances; a lease in the past means nobody works on
the film any more (worker killed, machine lost), and the next claim (a redelivered message, or the sweeper's
re-enqueue) takes over. Each claim counts an attempt; past PIPELINE_MAX_ATTEMPTS the film is `failed` with the
reason. Results are written with a conditional UPDATE on the same claim, so a superseded worker cannot overwrite
them, and its outputs are deleted.

Enqueueing happens after commit and may fail (broker down): the film is then still `received` (or `transcoding`
without a lease) with `enqueued_at` empty, and `sweep` (periodic, in beat) enqueues it again once the broker is
back. Nothing is lost and nothing stays pending forever."""

import io
import logging
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accounts.models import User
from contest.models import Entry
from contest.services import mail_team, record_event, set_film_accepted
from contest.subtitles import SUBTITLE_MAX_BYTES, SubtitleError, read_subtitles

from . import problems as p
from . import readers, storage
from .models import Film, Rendition, new_rendition_key
from .probe import MediaRules, loudness_warnings, probe_media
from .transcode import POSTER_FRACTIONS, make_proxy

logger = logging.getLogger(__name__)

State = Film.State
IN_PROGRESS = (State.RECEIVED, State.CHECKING, State.TRANSCODING)


class StorageUnavailable(Exception):
    """Storage could not be read or written for a reason that may pass (network, 5xx, throttling): retry later."""


class Superseded(Exception):
    """The claim was lost: the lease expired and another worker took the film over, or a new upload replaced it."""


@dataclass(frozen=True)
class Step:
    name: str  # "check" | "transcode"
    waiting: str  # the state in which the step waits for a worker
    working: str  # the state while a worker holds the lease

    @property
    def lease(self) -> timedelta:
        if self.name == "check":
            return timedelta(seconds=settings.PIPELINE_CHECK_TIME_LIMIT + 30)
        return timedelta(seconds=settings.PIPELINE_LEASE_SECONDS)


CHECK = Step("check", State.RECEIVED, State.CHECKING)
TRANSCODE = Step("transcode", State.TRANSCODING, State.TRANSCODING)


# Enqueueing


def enqueue(film_id: int, step: Step) -> bool:
    """Send the step's task to its queue and note when. A broker that is down is logged, not raised: `sweep`
    enqueues the film again later. Returns whether the message was sent."""
    from . import tasks

    task = tasks.check_film if step is CHECK else tasks.transcode_film
    try:
        task.apply_async((film_id,), queue="checks" if step is CHECK else "transcode", retry=False)
    except Exception:  # kombu/redis raise many types for an unreachable broker; sweep retries them all
        logger.warning("Could not enqueue the %s of film %s; the sweeper will retry", step.name, film_id, exc_info=True)
        return False
    Film.objects.filter(pk=film_id).update(enqueued_at=timezone.now())
    return True


def film_received(film: Film) -> None:
    """Called after commit when an upload completed (services._receive_film): count its bytes, queue the checks."""
    from operations import metrics

    metrics.record_upload_bytes(size=film.size)
    enqueue(film.pk, CHECK)


# Claims


def _mine(film: Film) -> Q:
    """The rows still held by the claim that produced `film`."""
    return Q(pk=film.pk, state=film.state, attempts=film.attempts, replaced_at__isnull=True)


def claim(film_id: int, step: Step, *, now=None) -> Film | None:
    """Take `step` of the film if nobody holds it. Returns the claimed film, or None: already done, replaced, held by a
    live worker, or failed because this was one attempt too many."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    claimable = Q(state=step.waiting) | Q(state=step.working)
    updated = Film.objects.filter(Q(pk=film_id, replaced_at__isnull=True) & claimable & free).update(
        state=step.working,
        lease_until=now + step.lease,
        attempts=F("attempts") + 1,
        state_changed_at=now,
    )
    if not updated:
        return None
    film = Film.objects.select_related("entry__contest", "entry__team", "uploaded_by").get(pk=film_id)
    if film.attempts > settings.PIPELINE_MAX_ATTEMPTS:
        reason = translation.gettext("Gave up after %(count)d attempts at the %(step)s.") % {
            "count": film.attempts - 1,
            "step": step_label(step),
        }
        _finish_failed(film, f"{reason} {film.failure}".strip())
        return None
    return film


def step_label(step: Step) -> str:
    return translation.gettext("checks") if step is CHECK else translation.gettext("transcode")


def release(film: Film) -> None:
    """Give the claim back at once (before a retry): the next delivery may claim without waiting for the lease."""
    Film.objects.filter(_mine(film)).update(lease_until=timezone.now() - timedelta(seconds=1))


def heartbeat(film: Film, *, progress: float | None = None) -> None:
    """Push the lease forward (and record progress). Raises Superseded when the claim is no longer ours."""
    changes = {"lease_until": timezone.now() + TRANSCODE.lease}
    if progress is not None:
        changes["progress"] = round(min(max(progress, 0.0), 1.0), 4)
    if not Film.objects.filter(_mine(film)).update(**changes):
        raise Superseded(film.pk)


# Reading and writing storage


class _Watched(io.RawIOBase):
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


def _transient(error: BaseException) -> bool:
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or error.response.get("Error", {}).get("Code") in ("SlowDown", "RequestTimeout")
    return isinstance(error, BotoCoreError | OSError)


def _open_original(film: Film) -> tuple[_Watched, int]:
    try:
        raw, size = readers.open_stored(default_storage, film.key)
    except FileNotFoundError:
        raise Superseded(film.pk) from None  # the object was deleted: a newer upload replaced this film
    except (BotoCoreError, ClientError, OSError) as error:
        if isinstance(error, ClientError) and not _transient(error):
            raise Superseded(film.pk) from error
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error
    return _Watched(raw), size


def _save(path: Path, key: str) -> int:
    try:
        with open(path, "rb") as handle:
            default_storage.save(key, File(handle, name=key))
    except (BotoCoreError, ClientError, OSError) as error:
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error
    return path.stat().st_size


def _delete_later(keys: list[str]) -> None:
    for key in keys:
        transaction.on_commit(lambda key=key: storage.delete_object(key))


# Mail


def _mail(film: Film, kind: str) -> None:
    entry = film.entry
    mail_team(
        team=entry.team,
        subject_template=f"media_pipeline/mail/{kind}_subject.txt",
        body_template=f"media_pipeline/mail/{kind}_body.txt",
        context={"entry": entry, "film": film, "problems": film.problems, "warnings": film.warnings},
    )


# Verdicts


def _film_stays(film: Film) -> bool:
    """Whether an accepted (ready) film of the entry stays beside `film`, a replacement that is not accepted."""
    return Film.objects.filter(entry_id=film.entry_id, state=State.READY).exclude(pk=film.pk).exists()


def _record_verdict(film: Film, *, accepted: bool, problems: list[str], warnings: list[str]) -> None:
    """The entry's accepted-film flag follows the verdict, except that a refused replacement leaves the accepted
    film (and the flag) in place; an AuditEvent `film_checked` records it."""
    if accepted or not _film_stays(film):
        set_film_accepted(entry=film.entry, accepted=accepted, by=None)
    record_event(
        verb="film_checked",
        actor=None,
        contest=film.entry.contest,
        entry=film.entry,
        film=film.pk,
        verdict="accepted" if accepted else "rejected",
        problems=problems,
        warnings=warnings,
    )


# The check


def _language(film: Film) -> str:
    by = film.uploaded_by
    return (by.preferred_language if by and by.preferred_language else None) or settings.LANGUAGE_CODE


def run_check(film_id: int) -> str | None:
    """Claim and run the checks of one film. Returns the new state, or None when there was nothing to do.
    Raises StorageUnavailable (retry later)."""
    film = claim(film_id, CHECK)
    if film is None:
        return None
    started = time.monotonic()
    queued = (timezone.now() - film.created_at).total_seconds()
    try:
        fileobj, size = _open_original(film)
    except Superseded:
        return None
    except StorageUnavailable:
        release(film)
        raise
    with fileobj, translation.override(_language(film)):
        report = probe_media(fileobj, rules=MediaRules.from_contest(film.entry.contest), size_bytes=size)
    if fileobj.error is not None and _transient(fileobj.error):
        release(film)
        raise StorageUnavailable(f"{type(fileobj.error).__name__}: {fileobj.error}")
    probe = {key: value for key, value in report.as_dict().items() if key not in ("problems", "warnings")}
    accepted = report.verdict == "accepted"
    with transaction.atomic():
        changed = Film.objects.filter(_mine(film)).update(
            state=State.TRANSCODING if accepted else State.REJECTED,
            lease_until=None,
            attempts=0,
            enqueued_at=None,
            state_changed_at=timezone.now(),
            problems=[problem.stored() for problem in report.problems],
            warnings=[warning.stored() for warning in report.warnings],
            probe=probe,
            duration_s=report.duration_s,
            check_seconds=round(time.monotonic() - started, 3),
            queued_seconds=round(queued, 3),
            failure="",
        )
        if not changed:
            return None
        film.refresh_from_db()
        _record_verdict(film, accepted=accepted, problems=report.problem_codes, warnings=report.warning_codes)
        if accepted:
            transaction.on_commit(lambda: enqueue(film.pk, TRANSCODE))
        else:
            _mail(film, "rejected")
    return film.state


# The transcode


def run_transcode(film_id: int, *, heartbeat_every: float = 2.0) -> str | None:
    """Claim and run the transcode of one film: proxy, light rendition, posters, loudness, subtitles. Returns the new
    state, or None when there was nothing to do. Raises StorageUnavailable (retry later)."""
    film = claim(film_id, TRANSCODE)
    if film is None:
        return None
    started = time.monotonic()
    last_beat = 0.0

    def progress(fraction: float) -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat >= heartbeat_every:
            heartbeat(film, progress=fraction)
            last_beat = time.monotonic()

    saved: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="palmares-transcode-", dir=settings.PIPELINE_WORK_DIR) as work:
            work = Path(work)
            fileobj, _size = _open_original(film)
            with fileobj, translation.override(_language(film)):
                try:
                    result = make_proxy(
                        fileobj,
                        work / "proxy.mp4",
                        light_path=work / "light.mp4",
                        poster_dir=work / "posters",
                        progress=progress,
                    )
                except p.MediaError as error:
                    if fileobj.error is not None and _transient(fileobj.error):
                        raise StorageUnavailable(str(fileobj.error)) from error
                    return _finish_rejected(film, error.problem(), seconds=time.monotonic() - started)
                warnings = list(film.warnings)
                if result.loudness is not None:
                    warnings += [warning.stored() for warning in loudness_warnings(result.loudness)]
                subtitles, subtitle_warning = _subtitles(film.entry)
                if subtitle_warning:
                    warnings.append(subtitle_warning)
            heartbeat(film, progress=1.0)
            renditions = []
            for kind, path, width, height in (
                (Rendition.Kind.PROXY, result.path, result.width, result.height),
                (Rendition.Kind.LIGHT, result.light_path, result.light_width, result.light_height),
            ):
                if path is not None and path.exists():
                    key = new_rendition_key(kind, "mp4")
                    saved.append(key)
                    size = _save(path, key)
                    renditions.append(
                        Rendition(kind=kind, key=key, content_type="video/mp4", width=width, height=height, size=size)
                    )
            for fraction, poster in zip(POSTER_FRACTIONS, result.posters, strict=False):
                key = new_rendition_key(f"poster-{round(fraction * 100)}", "jpg")
                saved.append(key)
                renditions.append(
                    Rendition(
                        kind=Rendition.Kind.POSTER,
                        key=key,
                        content_type="image/jpeg",
                        size=_save(poster, key),
                        position=fraction,
                    )
                )
            if subtitles is not None:
                path = work / "subtitles.vtt"
                path.write_text(subtitles, encoding="utf-8")
                key = new_rendition_key("subtitles", "vtt")
                saved.append(key)
                renditions.append(
                    Rendition(kind=Rendition.Kind.SUBTITLES, key=key, content_type="text/vtt", size=_save(path, key))
                )
    except (StorageUnavailable, Superseded):
        _delete_now(saved)
        if Film.objects.filter(_mine(film)).exists():
            release(film)
        raise
    except BaseException:
        _delete_now(saved)
        raise
    return _finish_ready(film, renditions, warnings, result, seconds=time.monotonic() - started)


def _retire_previous(film: Film) -> None:
    """`film` is ready: the accepted film it replaces stops playing now, and its files are deleted after commit
    (the row stays as a record). AuditEvent `film_replaced`."""
    previous = (
        Film.objects.filter(entry_id=film.entry_id, state=State.READY, replaced_at__isnull=False)
        .exclude(pk=film.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    if previous is None:
        return
    _delete_later([previous.key, *previous.renditions.values_list("key", flat=True)])
    record_event(
        verb="film_replaced", actor=None, contest=film.entry.contest, entry=film.entry, film=previous.pk, by=film.pk
    )


def _delete_now(keys: list[str]) -> None:
    for key in keys:
        try:
            storage.delete_object(key)
        except Exception:  # housekeeping deletes what is left under renditions/
            logger.warning("Could not delete %s", key, exc_info=True)


def _subtitles(entry: Entry) -> tuple[str | None, dict | None]:
    """The team's subtitle file as WebVTT, or a warning that says what is wrong with it."""
    if not entry.subtitle_file:
        return None, None
    try:
        with entry.subtitle_file.open("rb") as handle:
            data = handle.read(SUBTITLE_MAX_BYTES + 1)
    except (BotoCoreError, ClientError, OSError) as error:
        raise StorageUnavailable(str(error)) from error
    if len(data) > SUBTITLE_MAX_BYTES:
        message = translation.gettext("The subtitle file is over 1 MB; it was not used.")
        return None, {"code": p.SUBTITLE_INVALID, "params": {}, "message": message}
    try:
        return read_subtitles(data), None
    except SubtitleError as error:
        return None, {"code": p.SUBTITLE_INVALID, "params": {}, "message": error.message}


@transaction.atomic
def _finish_ready(film: Film, renditions: list[Rendition], warnings: list, result, *, seconds: float) -> str | None:
    loudness = result.loudness
    changed = Film.objects.filter(_mine(film)).update(
        state=State.READY,
        lease_until=None,
        attempts=0,
        progress=1.0,
        warnings=warnings,
        loudness_lufs=loudness.integrated_lufs if loudness else None,
        true_peak_dbtp=loudness.true_peak_dbtp if loudness else None,
        transcode_seconds=round(seconds, 3),
        state_changed_at=timezone.now(),
        failure="",
    )
    if not changed:  # superseded while uploading the outputs: they are not ours to keep
        _delete_later([rendition.key for rendition in renditions])
        return None
    for rendition in renditions:
        rendition.film = film
    Rendition.objects.bulk_create(renditions)
    film.refresh_from_db()
    record_event(verb="film_ready", actor=None, contest=film.entry.contest, entry=film.entry, film=film.pk)
    _retire_previous(film)
    _mail(film, "ready")
    return film.state


@transaction.atomic
def _finish_rejected(film: Film, problem: p.Problem, *, seconds: float) -> str | None:
    """The full decode found damage the quick checks could not see: the film goes back to `rejected`."""
    changed = Film.objects.filter(_mine(film)).update(
        state=State.REJECTED,
        lease_until=None,
        attempts=0,
        problems=[*film.problems, problem.stored()],
        transcode_seconds=round(seconds, 3),
        state_changed_at=timezone.now(),
    )
    if not changed:
        return None
    film.refresh_from_db()
    _record_verdict(film, accepted=False, problems=[problem.code], warnings=[])
    _mail(film, "rejected")
    return film.state


def _finish_failed(film: Film, reason: str) -> None:
    with transaction.atomic():
        if not Film.objects.filter(_mine(film)).update(
            state=State.FAILED, lease_until=None, failure=reason, state_changed_at=timezone.now()
        ):
            return
        film.refresh_from_db()
        if not _film_stays(film):
            set_film_accepted(entry=film.entry, accepted=False, by=None)
        record_event(
            verb="film_failed", actor=None, contest=film.entry.contest, entry=film.entry, film=film.pk, reason=reason
        )
        _mail(film, "failed")


def crashed(film_id: int, error: BaseException) -> None:
    """A step stopped on an unexpected error: note it (it becomes the reason if the attempts run out) and let the
    next claim take over at once."""
    detail = f"{type(error).__name__}: {error}"[:500]
    Film.objects.filter(pk=film_id, state__in=(State.CHECKING, State.TRANSCODING), replaced_at__isnull=True).update(
        failure=translation.gettext("Last error: %(error)s") % {"error": detail},
        lease_until=timezone.now() - timedelta(seconds=1),
    )


def give_up(film_id: int, reason: str) -> None:
    """Mark a film `failed` whatever step it is in (time limit reached, storage still down after every retry)."""
    film = Film.objects.filter(pk=film_id, state__in=IN_PROGRESS, replaced_at__isnull=True).first()
    if film is not None:
        _finish_failed(film, reason)


# Organisers


@transaction.atomic
def retry(film: Film, *, by: User) -> bool:
    """Start a failed or rejected film over from the checks (e.g. after a fix, or after the rules changed)."""
    changed = Film.objects.filter(
        pk=film.pk, state__in=(State.FAILED, State.REJECTED), replaced_at__isnull=True
    ).update(
        state=State.RECEIVED,
        lease_until=None,
        attempts=0,
        progress=0.0,
        failure="",
        enqueued_at=None,
        state_changed_at=timezone.now(),
    )
    if changed:
        record_event(verb="film_retried", actor=by, contest=film.entry.contest, entry=film.entry, film=film.pk)
        transaction.on_commit(lambda: enqueue(film.pk, CHECK))
    return bool(changed)


# The sweeper


def sweep(*, now=None) -> dict:
    """Periodic (beat): enqueue again what no worker holds and no message is known to carry — never enqueued
    (broker down), enqueued long ago and never started (messages lost with the broker), or held by a lease that
    expired (worker killed). Safe to run any number of times: claims make extra messages harmless."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PIPELINE_REQUEUE_AFTER)
    grace = now - timedelta(seconds=settings.PIPELINE_ENQUEUE_GRACE)
    current = Film.objects.filter(replaced_at__isnull=True)
    # Waiting for a worker, but the message never left or was lost with the broker.
    lost = Q(lease_until__isnull=True) & (
        Q(enqueued_at__isnull=True, state_changed_at__lt=grace) | Q(enqueued_at__lt=stale)
    )
    # Held by a worker that stopped pushing its lease, and not enqueued again since (or long ago).
    abandoned = Q(lease_until__lt=now) & (
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=F("lease_until")) | Q(enqueued_at__lt=stale)
    )
    counts = {"check": 0, "transcode": 0}
    for step in (CHECK, TRANSCODE):
        stuck = current.filter((Q(state=step.waiting) & lost) | (Q(state=step.working) & abandoned))
        for film_id in stuck.values_list("pk", flat=True):
            counts[step.name] += enqueue(film_id, step)
    return counts


def stats(contest) -> dict:
    """Counts per state of the contest's current films."""
    rows = Film.objects.filter(entry__contest=contest, replaced_at__isnull=True).values_list("state", flat=True)
    counts = dict.fromkeys(State.values, 0)
    for state in rows:
        counts[state] += 1
    return counts
