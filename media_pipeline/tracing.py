"""Tracing a leaked copy: which film it shows, which viewing session's sequence of A and B segments it carries, and
so who watched it. The copy is decoded once (watermark.read_copy); it is then read against the reference of every
marked screener it matches, and the bits read accuse one of that film's marked sessions (accusation.accuse), among
a population of at least accusation.POPULATION, so that an innocent is named by chance less than once in a million
copies. Used by `manage.py trace_leak` and the organisers' trace page."""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

import av
from celery import signature
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from contest.services import record_event

from . import accusation, screeners, storage, watermark
from .models import Film, LeakTrace, Screener, ViewingSession

logger = logging.getLogger(__name__)

MATCHED = 0.5  # the share of a copy's pictures that must match a film's reference for the copy to be of that film


@dataclass
class Trace:
    verdict: str  # identified | several | not_found
    film: Film | None = None
    session: ViewingSession | None = None
    confidence: float = 0.0
    bits: int = 0  # the segments whose variant was read with certainty
    suspects: list[ViewingSession] = field(default_factory=list)  # for "several": the sessions it may come from
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """What `trace_leak --json` prints."""
        session, entry = self.session, self.film.entry if self.film else None
        return {
            "verdict": self.verdict,
            "film": {"title": entry.title, "entry": str(entry.public_id), "contest": entry.contest.slug}
            if entry
            else None,
            "session": _session_dict(session) if session else None,
            "viewer": _viewer_dict(session) if session else None,
            "confidence": self.confidence,
            "bits": self.bits,
            "suspects": [_session_dict(suspect) | {"viewer": _viewer_dict(suspect)} for suspect in self.suspects],
            "seconds": round(self.seconds, 3),
        }


def _session_dict(session: ViewingSession) -> dict:
    return {
        "number": session.pk,
        "id": str(session.public_id),
        "started_at": session.started_at.isoformat(),
        "user_agent": session.user_agent,
    }


def _viewer_dict(session: ViewingSession) -> dict:
    return {"kind": session.kind, "email": session.user.email if session.user else None, "label": session.label or None}


def _verdict_rank(trace: Trace) -> tuple:
    return ({"identified": 2, "several": 1}.get(trace.verdict, 0), trace.bits)


def trace(source, *, screener_list=None) -> Trace:
    """The verdict on a suspected copy (a path or binary file object). Raises av.error.FFmpegError when it is not
    a video, storage.StorageUnavailable when a reference cannot be read."""
    started = time.monotonic()
    copy = watermark.read_copy(source)
    secret = screeners.watermark_secret()
    candidates = screener_list
    if candidates is None:
        candidates = Screener.objects.filter(state=Screener.State.READY, marked=True).select_related(
            "film__entry__contest"
        )
    best = Trace("not_found")
    for screener in candidates:
        reference = screeners.load_reference(screener)
        name = screeners.mark_name(screener.film)
        reading = watermark.read_marks(secret=secret, film=name, reference=reference, copy=copy)
        if reading.matched < MATCHED:  # the copy does not show this film
            continue
        sessions = list(ViewingSession.objects.filter(film=screener.film, marked=True).values_list("pk", flat=True))
        codebook = accusation.Codebook(
            secret=secret, film=name, sessions=sessions, segments=len(screener.rungs[0]["segments"])
        )
        verdict = accusation.accuse(reading.bits, codebook)
        if verdict.verdict == "not_found":
            continue
        found = Trace(verdict.verdict, film=screener.film, confidence=verdict.confidence, bits=verdict.bits)
        named = ViewingSession.objects.select_related("user").in_bulk([s.session for s in verdict.suspects])
        if verdict.verdict == "identified":
            found.session = named[verdict.suspects[0].session]
        else:
            found.suspects = [named[s.session] for s in verdict.suspects if s.session in named]
        if _verdict_rank(found) > _verdict_rank(best):
            best = found
    best.seconds = time.monotonic() - started
    return best


# The organisers' trace page: a copy uploaded, traced by a worker, the verdict kept and audited.

TRACE_TASK = "media_pipeline.tasks.trace_copy"
TRACE_STALE_AFTER = timedelta(hours=1)  # a trace still running after this has lost its worker


def request_trace(*, contest, upload, by) -> LeakTrace:
    """Store an uploaded suspected copy and queue its trace (after commit). AuditEvent `leak_trace_requested`."""
    trace = LeakTrace(contest=contest, original_name=(upload.name or "copy")[:255], size=upload.size, created_by=by)
    trace.key = default_storage.save(trace.key, upload)
    trace.save()
    record_event(
        verb="leak_trace_requested",
        actor=by,
        contest=contest,
        trace=str(trace.public_id),
        file=trace.original_name,
        size=trace.size,
    )
    transaction.on_commit(lambda: _enqueue(trace))
    return trace


def _enqueue(trace: LeakTrace) -> None:
    try:
        signature(TRACE_TASK, args=(trace.pk,)).apply_async(retry=False)
    except Exception:  # the broker is down: the trace is marked failed by the sweep, the organiser sees why
        logger.warning("Could not enqueue the trace %s", trace.public_id)


def audit(found: Trace, *, contest, source: str, **data) -> None:
    """AuditEvent `leak_traced`: the verdict, the session named or the suspects, and where the trace was asked."""
    record_event(
        verb="leak_traced",
        actor=None,
        contest=contest,
        entry=found.film.entry if found.film else None,
        verdict=found.verdict,
        session=found.session.pk if found.session else None,
        suspects=[suspect.pk for suspect in found.suspects],
        source=source,
        **data,
    )


def run_trace(trace_id: int) -> str | None:
    """Trace one uploaded copy among the marked screeners of its contest, keep the verdict and delete the copy.
    AuditEvent `leak_traced`. Returns the new state, or None when another worker has it."""
    if not LeakTrace.objects.filter(pk=trace_id, state=LeakTrace.State.QUEUED).update(state=LeakTrace.State.TRACING):
        return None
    job = LeakTrace.objects.select_related("contest").get(pk=trace_id)
    candidates = Screener.objects.filter(
        state=Screener.State.READY, marked=True, film__entry__contest=job.contest
    ).select_related("film__entry__contest")
    try:
        fileobj, _size = storage.open_watched(job.key)
        with fileobj:
            found = trace(fileobj, screener_list=candidates)
    except (av.error.FFmpegError, IndexError, OSError, storage.ObjectGone) as error:
        logger.info("Trace %s: not a readable video (%s)", job.public_id, error)
        job.state, job.failure = LeakTrace.State.FAILED, gettext("This file is not a video that can be read.")
    else:
        job.state, job.verdict, job.result = LeakTrace.State.DONE, found.verdict, found.as_dict()
        audit(found, contest=job.contest, source="page", trace=str(job.public_id))
    finally:
        storage.delete_now([job.key])
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "verdict", "result", "failure", "finished_at"])
    return job.state


def abandon_stale_traces(*, now=None) -> int:
    """Traces queued or running for longer than TRACE_STALE_AFTER lost their worker (or their message): failed,
    with the reason, so that the page never waits for ever. Returns how many."""
    now = now or timezone.now()
    stale = LeakTrace.objects.filter(
        state__in=(LeakTrace.State.QUEUED, LeakTrace.State.TRACING), created_at__lt=now - TRACE_STALE_AFTER
    )
    keys = list(stale.values_list("key", flat=True))
    count = stale.update(
        state=LeakTrace.State.FAILED,
        failure=gettext("No worker finished this trace within an hour. Upload the copy again."),
        finished_at=now,
    )
    storage.delete_now(keys)
    return count
