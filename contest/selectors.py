"""Read queries shared by views, exports and later apps."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .durations import format_duration
from .models import Contest, ContestRole, Entry, EntryEdit, Team, TeamMember, timecode
from .services import ContestError, check_editable, missing_for_submission


def landing_url(user) -> str | None:
    """Where a signed-in person starts: their organiser, team or jury page, newest contest first."""
    role = ContestRole.objects.filter(user=user).select_related("contest").order_by("-contest__opens_at").first()
    if role and role.role == ContestRole.Role.ORGANISER:
        return reverse("organiser_dashboard", kwargs={"contest_slug": role.contest.slug})
    membership = (
        TeamMember.objects.filter(user=user).select_related("team__contest").order_by("-team__contest__opens_at")
    )
    membership = membership.first()
    if membership:
        return reverse("team_dashboard", kwargs={"contest_slug": membership.team.contest.slug})
    if role:  # a juror in no team: the jury's page (judging.urls)
        return reverse("jury_home", kwargs={"contest_slug": role.contest.slug})
    if user.is_superuser:
        contest = Contest.objects.first()
        if contest:
            return reverse("organiser_dashboard", kwargs={"contest_slug": contest.slug})
    return None


def rules_in_words(contest: Contest) -> list[str]:
    """The rules the media checks and the entry form apply, as sentences for the contest's page."""
    rules = [
        gettext("Films last from %(minimum)s to %(maximum)s.")
        % {"minimum": format_duration(contest.min_duration_s), "maximum": format_duration(contest.max_duration_s)},
        gettext("The shorter side of the picture, as displayed, is at least %(pixels)d pixels.")
        % {"pixels": contest.min_resolution_px},
        gettext("Files weigh at most %(size)s.") % {"size": filesizeformat(contest.max_file_size_bytes)},
        gettext("Synopses have at most %(limit)d characters, in French and/or English.")
        % {"limit": contest.max_synopsis_chars},
    ]
    if contest.audio_required:
        rules.insert(2, gettext("Films have a sound track."))
    return rules


# What an entry holds that its withdrawal takes away, in words for the confirmation page (a prize, an announcement).
# contest cannot ask judging or releases (higher layers): they register their stake in AppConfig.ready().
_WITHDRAWAL_STAKES: list[Callable[[Entry], list[str]]] = []


def register_withdrawal_stake(stake: Callable[[Entry], list[str]]) -> None:
    """Add a function that says, in sentences, what `entry` loses when it is withdrawn (an empty list: nothing)."""
    if stake not in _WITHDRAWAL_STAKES:
        _WITHDRAWAL_STAKES.append(stake)


def withdrawal_stakes(entry: Entry) -> list[str]:
    """What withdrawing `entry` takes away, in sentences, from every registered stake."""
    return [sentence for stake in _WITHDRAWAL_STAKES for sentence in stake(entry)]


def entry_is_editable(entry: Entry, now: datetime) -> bool:
    """The pages' reading of services.check_editable."""
    try:
        check_editable(entry=entry, now=now)
    except ContestError:
        return False
    return True


@dataclass(frozen=True)
class TeamNotice:
    """One thing a team reads about its entry on its own pages, said by a later app: the film's state
    (media_pipeline), a prize won once the team may see its announcement, a showing waiting for its approval
    (releases). `tone` is a message class ("", "success", "warning", "error")."""

    kind: str
    text: str
    url: str = ""
    link_text: str = ""
    tone: str = ""


# contest cannot ask the later apps itself: each registers what it has to say in its AppConfig.ready().
_TEAM_NOTICE_PROVIDERS: list[Callable[..., list[TeamNotice]]] = []


def register_team_notices(provider: Callable[..., list[TeamNotice]]) -> None:
    """Add `provider(entry, *, user, now) -> list[TeamNotice]`; called for each entry of the team's pages."""
    if provider not in _TEAM_NOTICE_PROVIDERS:
        _TEAM_NOTICE_PROVIDERS.append(provider)


def team_notices(entry: Entry, *, user, now: datetime) -> list[TeamNotice]:
    """What the registered apps say to `user` (a member of the entry's team) about `entry` at `now`."""
    return [notice for provider in _TEAM_NOTICE_PROVIDERS for notice in provider(entry, user=user, now=now)]


@dataclass(frozen=True)
class EntrySection:
    """A part of the team's entry page written by a later app (judging: the jury's feedback): a template and what
    it needs, included as `section`."""

    template: str
    context: dict


_ENTRY_SECTION_PROVIDERS: list[Callable[..., list[EntrySection]]] = []


def register_entry_sections(provider: Callable[..., list[EntrySection]]) -> None:
    """Add `provider(entry, *, user, now) -> list[EntrySection]`; called for the team's page of each entry."""
    if provider not in _ENTRY_SECTION_PROVIDERS:
        _ENTRY_SECTION_PROVIDERS.append(provider)


def entry_sections(entry: Entry, *, user, now: datetime) -> list[EntrySection]:
    """What the registered apps add to the team's page of `entry` at `now`."""
    return [section for provider in _ENTRY_SECTION_PROVIDERS for section in provider(entry, user=user, now=now)]


def team_overview(*, teams: list[Team], now: datetime, user=None) -> list[dict]:
    """Each team with its members and its entries, each entry with what is missing in plain words and, for `user`,
    the notices of later apps (film state, prize, approval waited for)."""
    result = []
    for team in teams:
        entries = list(team.entries.select_related("team__contest").order_by("created_at"))
        result.append(
            {
                "team": team,
                "members": list(team.memberships.select_related("user").order_by("role", "user__email")),
                "entries": [
                    {
                        "entry": entry,
                        "missing": missing_for_submission(entry, now) if entry.status == Entry.Status.DRAFT else [],
                        "editable": entry_is_editable(entry, now),
                        "notices": team_notices(entry, user=user, now=now) if user is not None else [],
                    }
                    for entry in entries
                ],
                "window_open": team.window_is_open(now),
            }
        )
    return result


def organiser_overview(*, contest: Contest) -> dict:
    counts = dict(contest.entries.values_list("status").annotate(n=Count("id")).order_by())
    by_state = [(status, label, counts.get(status, 0)) for status, label in Entry.Status.choices]
    entries = (
        contest.entries.select_related("team__institution")
        .prefetch_related("content_warnings")
        .order_by("status", "team__name", "title")
    )
    teams = contest.teams.select_related("institution").annotate(entry_count=Count("entries")).order_by("name")
    jurors = ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR).select_related("user")
    return {
        "pending_edit_count": pending_edits(contest=contest).count(),
        "by_state": by_state,
        "total": sum(counts.values()),
        "entries": entries,
        "teams": teams,
        "pending_teams": sum(1 for team in teams if team.approval == Team.Approval.PENDING),
        "jurors": jurors,
    }


def pending_edits(*, contest: Contest):
    """Teams' changes to the public text of announced entries that wait for an organiser, oldest first."""
    return (
        EntryEdit.objects.filter(entry__contest=contest, decision=EntryEdit.Decision.PENDING)
        .select_related("entry__team", "proposed_by")
        .order_by("proposed_at", "id")
    )


def decided_edits(*, contest: Contest, limit: int = 30) -> list[EntryEdit]:
    """The latest approvals and refusals, newest first."""
    return list(
        EntryEdit.objects.filter(
            entry__contest=contest, decision__in=[EntryEdit.Decision.APPROVED, EntryEdit.Decision.REFUSED]
        )
        .select_related("entry__team", "proposed_by", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def team_edit_status(entry: Entry) -> EntryEdit | None:
    """What the team needs to know about its latest change to the public text: the pending edit, or the last
    decision if it was a refusal (with its reason); None otherwise."""
    latest = entry.edits.exclude(decision=EntryEdit.Decision.SUPERSEDED).select_related("entry").order_by("-id").first()
    if latest is not None and latest.decision in (EntryEdit.Decision.PENDING, EntryEdit.Decision.REFUSED):
        return latest
    return None


EXPORT_HEADER = [
    "code",
    "title",
    "status",
    "team",
    "institution",
    "language",
    "runtime_s",
    "content_warnings",
    "film_accepted",
    "consent_on_screen",
    "rights_cleared",
    "rules_accepted",
    "submitted_at",
    "synopsis_fr",
    "synopsis_en",
]


def entries_export_rows(*, contest: Contest):
    """Header then one row per entry; times in the contest's zone, ISO 8601. Two queries whatever the count."""
    yield EXPORT_HEADER
    entries = (
        contest.entries.select_related("team__institution")
        .prefetch_related(Prefetch("content_warnings"))
        .order_by("team__name", "title")
    )
    zone = contest.tzinfo
    for entry in entries:
        yield [
            entry.code,
            entry.title,
            entry.status,
            entry.team.name,
            entry.team.institution.name,
            entry.language,
            entry.runtime_s or "",
            ";".join(sorted(warning.code for warning in entry.content_warnings.all())),
            int(entry.film_accepted),
            int(entry.consent_on_screen),
            int(entry.rights_cleared),
            int(entry.rules_accepted),
            timezone.localtime(entry.submitted_at, zone).isoformat() if entry.submitted_at else "",
            entry.synopsis_fr,
            entry.synopsis_en,
        ]


# What a contest has released, for its page and the home page (registered by ReleasesConfig.ready(), since releases
# come after contest in the layers): a function (user, contest, at) -> dict with "palmares" (bool: a winner the
# visitor may read), "films" (bool: a film the visitor may read about and watch) and "winners" ({prize id: [{"title", "team" (a
# Team, or None where the palmarès does not name it), "url" (the announcement)}]}), each exactly what the palmarès page shows that visitor at that second.
_SHOWCASE: list = []


def register_showcase(showcase) -> None:
    if showcase not in _SHOWCASE:
        _SHOWCASE.append(showcase)


NOTHING_SHOWN = {"palmares": False, "films": False, "winners": {}}


def showcase(user, contest: Contest, *, at: datetime) -> dict:
    """What `user` may see of the contest's releases and votes at `at` (NOTHING_SHOWN without the apps above): each
    registered rule adds its keys (releases: "palmares", "films", "winners"; audience: "votes")."""
    shown = dict(NOTHING_SHOWN)
    for rule in _SHOWCASE:
        shown.update(rule(user, contest, at=at))
    return shown


def player_passages(entry: Entry, *, offset_s: float = 0.0, until_s: float | None = None) -> list[dict]:
    """The entry's marked passages as the players' script reads them (static/js/passages.js), on the clock of a
    player that plays the film from `offset_s` to `until_s` (the jury's cut, media_pipeline.jury_cut): the parts
    outside it are left out."""
    shown = []
    for passage in entry.passages.select_related("content_warning"):
        start = max(passage.start_s, offset_s) - offset_s
        end = (passage.end_s if until_s is None else min(passage.end_s, until_s)) - offset_s
        if end > start:
            shown.append(
                {
                    "start": start,
                    "end": end,
                    "warning": passage.content_warning.name,
                    "span": f"{timecode(start)}–{timecode(end)}",
                    "end_text": timecode(end),
                }
            )
    return shown
