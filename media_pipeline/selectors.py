"""Read queries about uploads and films, shared by views, tasks and the media pipeline."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from contest import permissions
from contest.blind_leaks import Place
from contest.models import Contest, Entry

from . import storage
from .models import Film, Rendition, Screener, Upload
from .pipeline import IN_PROGRESS


def current_film(entry: Entry) -> Film | None:
    """The entry's latest completed upload, whatever its state: the one the pipeline works on. While it is not
    ready it may be a replacement beside the accepted film (see `accepted_film`)."""
    return Film.objects.filter(entry=entry, replaced_at__isnull=True).select_related("uploaded_by").first()


def accepted_film(entry: Entry) -> Film | None:
    """The film that plays for `entry`: its latest film the pipeline made ready. It stays the entry's film (jury,
    organisers, public pages) until a replacement is ready, however the replacement fares meanwhile; the files of
    older ready films are deleted when a newer one becomes ready (steps._retire_previous)."""
    films = Film.objects.filter(entry=entry, state=Film.State.READY).select_related("uploaded_by")
    return films.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class EntryFilms:
    """What the team and organisers see: the entry's film, and beside it a replacement that is not accepted (yet):
    being checked or prepared, refused, or failed. `replacement` is None when there is no such upload."""

    film: Film | None
    replacement: Film | None


def entry_films(entry: Entry) -> EntryFilms:
    latest = current_film(entry)
    if latest is None or latest.state == Film.State.READY:
        return EntryFilms(film=latest, replacement=None)
    accepted = accepted_film(entry)
    if accepted is None:  # a first upload: nothing stays beside it
        return EntryFilms(film=latest, replacement=None)
    return EntryFilms(film=accepted, replacement=latest)


def _kept_films(films):
    """Current films and accepted films: those whose files must stay."""
    accepted = (
        films.filter(state=Film.State.READY).order_by("entry_id", "-created_at", "-id").distinct("entry_id")
    ).values("pk")
    return films.filter(Q(replaced_at__isnull=True) | Q(pk__in=accepted))


def kept_keys(entry_ids=None) -> set[str]:
    """Storage keys that must stay: current films, accepted films and their renditions (housekeeping)."""
    films = Film.objects.all() if entry_ids is None else Film.objects.filter(entry_id__in=entry_ids)
    kept = _kept_films(films)
    keys = set(kept.values_list("key", flat=True))
    keys |= set(Rendition.objects.filter(film__in=kept).values_list("key", flat=True))
    return keys


def kept_screener_prefixes() -> set[str]:
    """The storage prefixes of the screeners of current and accepted films (housekeeping)."""
    return set(Screener.objects.filter(film__in=_kept_films(Film.objects.all())).values_list("prefix", flat=True))


def open_uploads(entry: Entry) -> list[Upload]:
    """Uploads of `entry` that the team may still resume, newest first."""
    return list(Upload.objects.filter(entry=entry, state=Upload.State.OPEN).order_by("-created_at"))


def get_team_upload_or_404(user, contest: Contest, public_id, upload_id) -> Upload:
    """An upload of an entry of the user's own team. Anything else (another team's upload, a mistyped id) is 404."""
    entry = permissions.get_team_entry_or_404(user, contest, public_id)
    upload = Upload.objects.filter(entry=entry, public_id=upload_id).select_related("entry__team__contest").first()
    if upload is None:
        raise Http404
    return upload


def uploaded_parts(upload: Upload) -> list[storage.StoredPart]:
    """The parts storage already holds for an open upload, to resume without sending them again.
    Raises storage.StorageRefusal("no_such_upload") when storage no longer knows the upload."""
    return storage.list_parts(upload=upload)


def pipeline_stats(contest: Contest) -> dict[str, int]:
    """Counts per state of the contest's current films."""
    rows = Film.objects.filter(entry__contest=contest, replaced_at__isnull=True).values_list("state", flat=True)
    counts = dict.fromkeys(Film.State.values, 0)
    for state in rows:
        counts[state] += 1
    return counts


def pipeline_overview(contest: Contest) -> dict:
    """The organisers' pipeline page: counts per state, mean step times, what is in progress, failures and
    rejections, the latest ready films."""
    films = Film.objects.filter(entry__contest=contest, replaced_at__isnull=True).select_related("entry__team")
    counts = pipeline_stats(contest)
    return {
        "states": [(value, label, counts[value]) for value, label in Film.State.choices],
        "total": sum(counts.values()),
        "timings": films.aggregate(
            check=Avg("check_seconds"),
            transcode=Avg("transcode_seconds"),
            queued=Avg("queued_seconds"),
            ready=Count("pk", filter=Q(state=Film.State.READY)),
        ),
        "working": films.filter(state__in=IN_PROGRESS).order_by("state_changed_at"),
        "troubled": films.filter(state__in=(Film.State.FAILED, Film.State.REJECTED)).order_by("-state_changed_at"),
        "recent": films.filter(state=Film.State.READY).order_by("-state_changed_at")[:20],
        "screeners": screener_overview(films.filter(state=Film.State.READY)),
    }


def screener_overview(ready_films) -> dict:
    """The screeners of these ready films: counts per state (`missing`: not yet given one by the backfill), those
    being made with their progress, and the failed ones with the reason."""
    screeners = Screener.objects.filter(film__in=ready_films).select_related("film__entry")
    counts = dict.fromkeys(Screener.State.values, 0)
    for state in screeners.values_list("state", flat=True):
        counts[state] += 1
    return {
        "counts": [(value, label, counts[value]) for value, label in Screener.State.choices],
        "missing": ready_films.exclude(screeners__marked=True).count(),
        "making": screeners.filter(state=Screener.State.MAKING),
        "failed": screeners.filter(state=Screener.State.FAILED),
    }


def film_leak_places(entry: Entry) -> list[Place]:
    """The film's own texts for the blind-leak search (contest.blind_leaks): its file's name and what was written in
    the file's metadata, as the probe read them."""
    film = current_film(entry)
    if film is None:
        return []
    found = [
        Place(
            _("the film's file name"),
            film.original_name,
            _("Rename the file (after the film's title, for example) before you next upload it."),
        )
    ]
    for tag, value in (film.probe or {}).get("tags", {}).items():
        found.append(
            Place(
                _("the film file's metadata (%(tag)s)") % {"tag": tag},
                value,
                _("Clear this field in your editing software's export settings, then upload the film again."),
            )
        )
    return found
