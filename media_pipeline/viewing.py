"""Viewing sessions: each time a player loads a screener, a row says who watches which film, when and from what
browser, and its number chooses the sequence of A and B segments it is served (accusation.variant), so that a
copy names it. Its addresses (/screen/<token>/…, screener_views.py) hold a random token whose hash alone is
stored; they answer only in the browser session that opened them, to the same user, until the session expires and
while its right holds (viewing_rights), and 404 otherwise. Every segment handed out is counted (SegmentDelivery)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min
from django.urls import reverse
from django.utils import timezone

from . import accusation, screeners, viewing_rights
from .models import Film, Screener, SegmentDelivery, ViewingSession

_USER_AGENT_LIMIT = 300


@dataclass(frozen=True)
class Viewer:
    """Who opens a session, as the page that checked the right knows it."""

    kind: str  # a ViewingSession.Kind
    user: object | None = None  # the signed-in user, None for a share link or an anonymous visitor
    label: str = ""  # a share link's label
    grant: str = ""  # what gave the right, for the kind's viewing_rights check ("share:12")


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def browser_of(request) -> str:
    """The hash of the request's browser session, made if the browser has none yet."""
    if not request.session.session_key:
        request.session.save()
    return digest(request.session.session_key)


def _viewer_user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def open_session(request, *, film: Film, viewer: Viewer, now=None) -> tuple[ViewingSession, str]:
    """A new viewing session of `film` for `viewer` in this browser, and its token. Call it only after the page's
    own visibility check. A public session is served the film's plain screener once made (variant A of the marked
    one until then: one sequence for everyone, naming nobody); every other session its own sequence of A and B."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    public = viewer.kind == ViewingSession.Kind.PUBLIC
    screener = (public and screeners.ready_screener(film, marked=False)) or screeners.ready_screener(film)
    session = ViewingSession.objects.create(
        film=film,
        kind=viewer.kind,
        user=viewer.user if viewer.user is not None and viewer.user.is_authenticated else None,
        label=viewer.label[:200],
        grant=viewer.grant[:100],
        token_hash=digest(token),
        browser_hash=browser_of(request),
        user_agent=request.headers.get("User-Agent", "")[:_USER_AGENT_LIMIT],
        marked=bool(screener and screener.marked) and not public,
        screener=screener,
        started_at=now,
        expires_at=now + timedelta(seconds=settings.SCREENER_SESSION_SECONDS),
    )
    return session, token


def master_url(token: str) -> str:
    return reverse("screener_master", kwargs={"token": token})


def session_for(request, token: str, *, now=None) -> ViewingSession | None:
    """The live session of this token for this request, or None: unknown token, another browser or user, expired,
    or the viewer lost the right to see the film (unpublished, consent withdrawn, round closed...)."""
    now = now or timezone.now()
    if not request.session.session_key or len(token) > 100:
        return None
    session = (
        ViewingSession.objects.select_related("film__entry__contest", "user", "screener")
        .filter(token_hash=digest(token), expires_at__gt=now, browser_hash=digest(request.session.session_key))
        .first()
    )
    if session is None or session.user_id != _viewer_user_id(request):
        return None
    if not viewing_rights.may_still_view(session):
        return None
    return session


def variant_for(session: ViewingSession, screener: Screener, segment: int) -> str:
    """The variant of `segment` this session is served: its codeword's bit when marked, else the one variant."""
    if not screener.marked:
        return "plain"
    if not session.marked:
        return "a"  # a public viewer: one sequence for everyone, naming nobody
    return accusation.variant(
        secret=screeners.watermark_secret(), film=screeners.mark_name(session.film), session=session.pk, segment=segment
    )


def record_delivery(session: ViewingSession, segment: int, *, now=None) -> None:
    """Count one segment of the picture handed to the session (any rung: a rung switch is the same second)."""
    now = now or timezone.now()
    updated = SegmentDelivery.objects.filter(session=session, segment=segment).update(times=F("times") + 1)
    if not updated:
        try:
            with transaction.atomic():
                SegmentDelivery.objects.create(session=session, segment=segment, first_at=now)
        except IntegrityError:  # the same segment asked twice at once (two rungs)
            SegmentDelivery.objects.filter(session=session, segment=segment).update(times=F("times") + 1)
    ViewingSession.objects.filter(pk=session.pk).update(last_seen_at=now)


@dataclass(frozen=True)
class Watching:
    """What the server handed to one session: distinct seconds of the picture, out of the film's."""

    session: ViewingSession
    seconds: int
    total: int
    first_at: object
    last_at: object

    @property
    def share(self) -> float:
        return self.seconds / self.total if self.total else 0.0


def watching(films) -> list[Watching]:
    """Every session of these films with what it was delivered, newest first (organisers' evidence)."""
    sessions = (
        ViewingSession.objects.filter(film__in=films)
        .select_related("screener", "user")
        .annotate(seconds=Count("deliveries"), first_at=Min("deliveries__first_at"))
    )
    found = []
    for session in sessions:
        screener = session.screener
        total = len(screener.rungs[0]["segments"]) if screener is not None and screener.rungs else 0
        found.append(Watching(session, session.seconds, total, session.first_at, session.last_seen_at))
    return found


def delivered_seconds(*, film: Film | None, user, grant: str) -> float | None:
    """How many seconds of `film` the server delivered to `user`'s sessions opened under `grant` (distinct seconds,
    whatever the rung), or None when the film has no ready screener (its MP4 plays: nothing is counted)."""
    screener = screeners.ready_screener(film)
    if screener is None or not screener.rungs:
        return None
    deliveries = SegmentDelivery.objects.filter(session__film=film, session__user=user, session__grant=grant)
    return _distinct_seconds(screener, deliveries)


def _distinct_seconds(screener: Screener, deliveries) -> float:
    """The seconds of the picture these deliveries cover, each segment once whatever the rung or the session."""
    durations = screener.rungs[0]["segments"]
    segments = deliveries.values_list("segment", flat=True).distinct()
    return float(sum(durations[index] for index in segments if index < len(durations)))


def delivered_share(*, film: Film | None, user, browser_hash: str) -> float | None:
    """The share of `film` the server delivered to one viewer: the sessions of `user` when signed in, else those of
    the browser session `browser_hash`, any kind (distinct seconds of the picture over the film's). None when the
    film has no ready screener (its MP4 plays: nothing is counted)."""
    screener = screeners.ready_screener(film, marked=False) or screeners.ready_screener(film)
    if screener is None or not screener.rungs:
        return None
    sessions = ViewingSession.objects.filter(film=film)
    if user is not None and user.is_authenticated:
        sessions = sessions.filter(user=user)
    else:
        sessions = sessions.filter(user__isnull=True, browser_hash=browser_hash)
    total = sum(screener.rungs[0]["segments"])
    return _distinct_seconds(screener, SegmentDelivery.objects.filter(session__in=sessions)) / total if total else None
