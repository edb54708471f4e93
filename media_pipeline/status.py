"""What the team sees of its film while the pipeline works on it, for the entry page and its live updates."""

from django.urls import reverse
from django.utils.translation import gettext

from contest.models import Entry
from contest.selectors import TeamNotice

from . import delivery
from .models import Film
from .pipeline import IN_PROGRESS
from .selectors import entry_films


def status_context(entry: Entry) -> dict:
    """The entry's film with its state, progress, problems and warnings, a replacement beside it that is not
    accepted (being checked, refused or failed), `working` (the replacement if any, else the film: the file last
    uploaded, the one a status answer is about), and `player`: the signed `Player` of the accepted film, which
    keeps playing until a replacement is ready (None while it is not ready). Call it only for people allowed to see
    the entry's film (its team, organisers)."""
    films = entry_films(entry)
    film, replacement = films.film, films.replacement
    working = replacement or film
    context = {
        "entry": entry,
        "film": film,
        "replacement": replacement,
        "working": working,
        "in_progress": bool(working and working.state in IN_PROGRESS),
        "status_url": reverse(
            "media_pipeline:film_status", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
        ),
        "percent": 0,
        "player": None,
    }
    if film is None:
        return context
    if working.state == Film.State.TRANSCODING:
        context["percent"] = int(working.progress * 100)
    if film.state == Film.State.READY:
        screener_url = reverse(
            "media_pipeline:film_screener", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
        )
        context["player"] = delivery.signed_player(entry, screener_url=screener_url)
    return context


def team_film_notices(entry: Entry, *, user, now) -> list[TeamNotice]:
    """The film's state in words for the team's pages (registered with contest.selectors.register_team_notices)."""
    films = entry_films(entry)
    if films.film is None:
        return [TeamNotice(kind="film", text=gettext("No film uploaded yet."))]
    tones = {Film.State.READY: "success", Film.State.REJECTED: "error", Film.State.FAILED: "error"}
    notices = [
        TeamNotice(
            kind="film",
            text=gettext("Film: %(state)s.") % {"state": films.film.get_state_display()},
            tone=tones.get(films.film.state, ""),
        )
    ]
    if films.replacement is not None:
        notices.append(
            TeamNotice(
                kind="film",
                text=gettext("Replacement film: %(state)s.") % {"state": films.replacement.get_state_display()},
                tone=tones.get(films.replacement.state, ""),
            )
        )
    return notices
