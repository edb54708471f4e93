"""Tracing a leaked copy: which film it shows, which viewing session's sequence of A and B segments it carries, and
so who watched it. The copy is decoded once (watermark.read_copy); it is then read against the reference of every
marked screener it matches, and the bits read accuse one of that film's marked sessions (accusation.accuse), among
a population of at least accusation.POPULATION, so that an innocent is named by chance less than once in a million
copies. Used by `manage.py trace_leak` and the organisers' trace page."""

import time
from dataclasses import dataclass, field

from . import accusation, screeners, watermark
from .models import Film, Screener, ViewingSession

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
        if watermark.align(reference, copy).matched < MATCHED:
            continue
        name = screeners.mark_name(screener.film)
        reading = watermark.read_marks(secret=secret, film=name, reference=reference, copy=copy)
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
