"""The two steps a worker runs once it holds a claim (pipeline.py): the checks (seconds) and the transcode
(minutes). Each writes its outcome through `pipeline.move`, on the same claim, so a superseded worker cannot
overwrite a newer one's; what a lost claim had stored is deleted."""

import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from contest.models import Entry
from contest.services import record_event, set_film_accepted
from contest.subtitles import SUBTITLE_MAX_BYTES, SubtitleError, read_subtitles

from . import problems as p
from . import screeners, storage
from .models import Film, Rendition, new_rendition_key
from .pipeline import (
    CHECK,
    TRANSCODE,
    State,
    Superseded,
    claim,
    enqueue,
    film_stays,
    heartbeat,
    is_held,
    mail_outcome,
    move,
    release,
)
from .probe import MediaRules, loudness_warnings, probe_media
from .storage import StorageUnavailable
from .transcode import POSTER_FRACTIONS, make_proxy


def _open_original(film: Film) -> tuple[storage.WatchedFile, int]:
    try:
        return storage.open_watched(film.key)
    except storage.ObjectGone:
        raise Superseded(film.pk) from None  # the object was deleted: a newer upload replaced this film


def _language(film: Film) -> str:
    by = film.uploaded_by
    return (by.preferred_language if by and by.preferred_language else None) or settings.LANGUAGE_CODE


def _record_verdict(film: Film, *, accepted: bool, problems: list[str], warnings: list[str]) -> None:
    """The entry's accepted-film flag follows the verdict, except that a refused replacement leaves the accepted
    film (and the flag) in place; an AuditEvent `film_checked` records it."""
    if accepted or not film_stays(film):
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
    if fileobj.error is not None and storage.is_transient(fileobj.error):
        release(film)
        raise StorageUnavailable(f"{type(fileobj.error).__name__}: {fileobj.error}")
    probe = {key: value for key, value in report.as_dict().items() if key not in ("problems", "warnings")}
    accepted = report.verdict == "accepted"
    with transaction.atomic():
        changed = move(
            film,
            State.TRANSCODING if accepted else State.REJECTED,
            lease_until=None,
            attempts=0,
            enqueued_at=None,
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
            mail_outcome(film, "rejected")
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
                    if fileobj.error is not None and storage.is_transient(fileobj.error):
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
                    renditions.append(
                        _store(
                            path,
                            saved,
                            name=kind,
                            extension="mp4",
                            kind=kind,
                            content_type="video/mp4",
                            width=width,
                            height=height,
                        )
                    )
            for fraction, poster in zip(POSTER_FRACTIONS, result.posters, strict=False):
                renditions.append(
                    _store(
                        poster,
                        saved,
                        name=f"poster-{round(fraction * 100)}",
                        extension="jpg",
                        kind=Rendition.Kind.POSTER,
                        content_type="image/jpeg",
                        position=fraction,
                    )
                )
            if subtitles is not None:
                path = work / "subtitles.vtt"
                path.write_text(subtitles, encoding="utf-8")
                renditions.append(
                    _store(
                        path,
                        saved,
                        name="subtitles",
                        extension="vtt",
                        kind=Rendition.Kind.SUBTITLES,
                        content_type="text/vtt",
                    )
                )
    except (StorageUnavailable, Superseded):
        storage.delete_now(saved)
        if is_held(film):
            release(film)
        raise
    except BaseException:
        storage.delete_now(saved)
        raise
    return _finish_ready(film, renditions, warnings, result, seconds=time.monotonic() - started)


def _store(path, saved: list[str], *, name: str, extension: str, **fields) -> Rendition:
    """One rendition's file stored under a new random key (`name` and `extension` go into it); the key joins `saved`
    first, so that it is deleted again if the claim is lost. The row is not written here."""
    key = new_rendition_key(name, extension)
    saved.append(key)
    return Rendition(key=key, size=storage.save_file(path, key), **fields)


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
    storage.delete_after_commit([previous.key, *previous.renditions.values_list("key", flat=True)])
    screeners.forget(previous)
    record_event(
        verb="film_replaced", actor=None, contest=film.entry.contest, entry=film.entry, film=previous.pk, by=film.pk
    )


def _subtitles(entry: Entry) -> tuple[str | None, dict | None]:
    """The team's subtitle file as WebVTT, or a warning that says what is wrong with it."""
    if not entry.subtitle_file:
        return None, None
    data = storage.read_field_file(entry.subtitle_file, limit=SUBTITLE_MAX_BYTES + 1)
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
    changed = move(
        film,
        State.READY,
        lease_until=None,
        attempts=0,
        progress=1.0,
        warnings=warnings,
        loudness_lufs=loudness.integrated_lufs if loudness else None,
        true_peak_dbtp=loudness.true_peak_dbtp if loudness else None,
        transcode_seconds=round(seconds, 3),
        failure="",
    )
    if not changed:  # superseded while uploading the outputs: they are not ours to keep
        storage.delete_after_commit([rendition.key for rendition in renditions])
        return None
    for rendition in renditions:
        rendition.film = film
    Rendition.objects.bulk_create(renditions)
    film.refresh_from_db()
    record_event(verb="film_ready", actor=None, contest=film.entry.contest, entry=film.entry, film=film.pk)
    screeners.queue_screener(film)
    _retire_previous(film)
    mail_outcome(film, "ready")
    return film.state


@transaction.atomic
def _finish_rejected(film: Film, problem: p.Problem, *, seconds: float) -> str | None:
    """The full decode found damage the quick checks could not see: the film goes back to `rejected`."""
    changed = move(
        film,
        State.REJECTED,
        lease_until=None,
        attempts=0,
        problems=[*film.problems, problem.stored()],
        transcode_seconds=round(seconds, 3),
    )
    if not changed:
        return None
    film.refresh_from_db()
    _record_verdict(film, accepted=False, problems=[problem.code], warnings=[])
    mail_outcome(film, "rejected")
    return film.state
