"""Screeners of public films: once the public may watch a film, its plain screener (a ladder without any mark,
media_pipeline.screeners) is made, and every public session is served it. Until then public sessions get variant A
of the marked screener, which names nobody either."""

from django.utils import timezone

from media_pipeline import screeners
from media_pipeline.models import Screener
from media_pipeline.selectors import accepted_film

from .permissions import ANONYMOUS
from .selectors import shown_releases


def queue_public_screeners(*, now=None) -> int:
    """Queue the plain screener of every film the public may watch now and that has none (its marked one ready).
    Idempotent. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for item in shown_releases(ANONYMOUS, contest=None, at=now):
        film = accepted_film(item.entry) if item.public_film else None
        if film is None or screeners.ready_screener(film) is None:
            continue
        if not Screener.objects.filter(film=film, marked=False).exists():
            screeners.queue_screener(film, marked=False)
            queued += 1
    return queued
