"""What the team sees of its film while the pipeline works on it, for the entry page and its live updates."""

from django.urls import reverse

from contest.models import Entry

from . import delivery
from .models import Film
from .pipeline import IN_PROGRESS
from .selectors import current_film


def status_context(entry: Entry) -> dict:
    """The current film with its state, progress, problems and warnings, and, once ready, a signed poster and
    player sources. Call it only for people allowed to see the entry's film (its team, organisers)."""
    film = current_film(entry)
    context = {
        "entry": entry,
        "film": film,
        "in_progress": bool(film and film.state in IN_PROGRESS),
        "status_url": reverse(
            "media_pipeline:film_status", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
        ),
        "percent": 0,
        "poster_url": "",
        "sources": [],
        "subtitles_url": "",
    }
    if film is None:
        return context
    if film.state == Film.State.TRANSCODING:
        context["percent"] = int(film.progress * 100)
    player = delivery.signed_player(entry) if film.state == Film.State.READY else None
    if player:
        context["sources"] = player["sources"]
        context["poster_url"] = player["poster_url"]
        context["subtitles_url"] = player["subtitles"]["url"] if player["subtitles"] else ""
    return context
