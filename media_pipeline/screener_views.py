"""The addresses of a viewing session (/screen/<token>/…): its playlists, written for it (playlists.py), and its
segments, each a redirect to a storage URL that lives SCREENER_SEGMENT_URL_SECONDS, of the variant its codeword
says. Every request checks the session again (viewing.session_for): another viewer, an expired session or a lost
right gets 404 at once, whatever the player already holds."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from contest import permissions
from contest.models import Contest, Entry

from . import jury_cut, playlists, screeners, viewing
from .delivery import NO_STORE, signed_media_url
from .models import Screener, ViewingSession
from .players import HLS_TYPE
from .selectors import accepted_film


def _screener(request, token):
    session = viewing.session_for(request, token)
    screener = session.screener if session is not None else None
    if screener is None or screener.state != Screener.State.READY:
        raise Http404
    return session, screener


def _rung(screener, lines: int) -> dict:
    for rung in screener.rungs:
        if rung["lines"] == lines:
            return rung
    raise Http404


def _served(session: ViewingSession, count: int) -> range:
    """The segments of a rendition of `count` that the session is served: all of them, but to a juror when the
    team marked its credits (jury_cut)."""
    cut = jury_cut.jury_cut(session.film.entry, count) if session.kind == ViewingSession.Kind.JUROR else None
    return range(cut.first, cut.stop) if cut is not None else range(count)


def _no_store(response):
    response["Cache-Control"] = NO_STORE
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _playlist(text: str) -> HttpResponse:
    return _no_store(HttpResponse(text, content_type=HLS_TYPE))


def _to_storage(key: str, content_type: str) -> HttpResponse:
    url = signed_media_url(key=key, content_type=content_type, seconds=settings.SCREENER_SEGMENT_URL_SECONDS)
    return _no_store(HttpResponseRedirect(url))


@require_GET
def master(request, token):
    _session, screener = _screener(request, token)
    variants = [
        playlists.Variant(
            width=rung["width"],
            height=rung["height"],
            codec=rung["codec"],
            peak_bps=rung["max_rate"],
            average_bps=round(rung["size"] * 8 / len(screener.variants) / max(sum(rung["segments"]), 0.001)),
            url=reverse("screener_rung", kwargs={"token": token, "lines": rung["lines"]}),
        )
        for rung in screener.rungs
    ]
    # The subtitles stay the player's own <track> (the same WebVTT whatever plays the film): listed here too, they
    # would show twice in hls.js.
    audio_url = reverse("screener_audio", kwargs={"token": token}) if screener.audio_segments else None
    return _playlist(playlists.master_playlist(variants, audio_url=audio_url))


@require_GET
def rung(request, token, lines):
    session, screener = _screener(request, token)
    segments = _rung(screener, lines)["segments"]
    served = _served(session, len(segments))
    return _playlist(
        playlists.media_playlist(
            segments[served.start : served.stop],
            lambda index: reverse(
                "screener_segment", kwargs={"token": token, "lines": lines, "index": served.start + index}
            ),
        )
    )


@require_GET
def audio(request, token):
    session, screener = _screener(request, token)
    if not screener.audio_segments:
        raise Http404
    served = _served(session, len(screener.audio_segments))
    return _playlist(
        playlists.media_playlist(
            screener.audio_segments[served.start : served.stop],
            lambda index: reverse("screener_audio_segment", kwargs={"token": token, "index": served.start + index}),
        )
    )


@require_GET
def segment(request, token, lines, index):
    session, screener = _screener(request, token)
    if index not in _served(session, len(_rung(screener, lines)["segments"])):
        raise Http404
    viewing.record_delivery(session, index)
    variant = viewing.variant_for(session, screener, index)
    return _to_storage(screener.segment_key(lines, variant, index), "video/mp2t")


@require_GET
def audio_segment(request, token, index):
    session, screener = _screener(request, token)
    if index not in _served(session, len(screener.audio_segments)):
        raise Http404
    return _to_storage(screener.audio_key(index), "video/mp2t")


def open_screener(request, *, film, viewer: viewing.Viewer) -> HttpResponse:
    """Open a viewing session of `film` for `viewer` and send the player to its master playlist; 404 while the film
    has no ready screener. Call it only after the page's own visibility check (the openers below, judging's and
    releases')."""
    if screeners.ready_screener(film) is None:
        raise Http404
    _session, token = viewing.open_session(request, film=film, viewer=viewer)
    return _no_store(HttpResponseRedirect(viewing.master_url(token)))


@require_GET
def film_screener(request, contest_slug, public_id):
    """The screener of an entry's accepted film, for its team and the contest's organisers (the film panel's player)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    if not request.user.is_authenticated:
        raise Http404
    if permissions.is_organiser(request.user, contest):
        entry = get_object_or_404(Entry, team__contest=contest, public_id=public_id)
        kind = ViewingSession.Kind.ORGANISER
    else:
        entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
        kind = ViewingSession.Kind.TEAM
    return open_screener(request, film=accepted_film(entry), viewer=viewing.Viewer(kind=kind, user=request.user))


def team_or_organiser_may_still_view(session: ViewingSession) -> bool:
    """The viewing right of the film panel's sessions: still an organiser of the contest, or still a member of the
    entry's team, and the film still the entry's accepted one."""
    entry, user = session.film.entry, session.user
    if user is None or not user.is_active or accepted_film(entry) != session.film:
        return False
    if session.kind == ViewingSession.Kind.ORGANISER:
        return permissions.is_organiser(user, entry.contest)
    try:
        permissions.get_team_entry_or_404(user, entry.contest, entry.public_id)
    except Http404:
        return False
    return True
