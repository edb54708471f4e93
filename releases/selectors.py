"""Read queries for release pages, feeds and organiser tools. Every list goes through permissions.decide, so a
listing, a count, a feed and a sitemap can never show what the item's own page would refuse."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from contest.models import Contest, ContestRole, Entry
from contest.selectors import TeamNotice
from judging.models import Award, Round
from judging.selectors import blind_rounds_in_progress
from media_pipeline import delivery
from media_pipeline.models import ViewingSession
from media_pipeline.selectors import accepted_film

from .models import WIDE_FILM_AUDIENCES, Release, ReleaseStep, ReleaseSubscription, ShareLink, Target
from .permissions import (
    ANONYMOUS,
    WHAT,
    Viewer,
    can_see,
    current_steps,
    decide,
    live_share_link,
    step_audiences,
    viewer_for,
)
from .services import pending_approvals


@dataclass
class Shown:
    """One release as a given viewer sees it at a given second."""

    release: Release
    entry: Entry
    awards: list[Award]
    announcement: bool
    film: bool
    announcement_step: ReleaseStep | None
    film_step: ReleaseStep | None
    public_announcement: bool
    public_film: bool
    # The round still judging the entry blind, if any: until it closes, no one but organisers reads the team's name.
    blind_round: Round | None = None
    organiser_view: bool = False

    @property
    def public(self) -> bool:
        """Whether everything this viewer sees of it is also public (then shared caches may keep it)."""
        return (self.public_announcement or not self.announcement) and (self.public_film or not self.film)

    @property
    def show_team_name(self) -> bool:
        """The team agreed to be named, and no blind round still judges the entry (organisers always read it)."""
        return self.release.show_team_name and (self.organiser_view or self.blind_round is None)

    @property
    def published_at(self) -> datetime | None:
        return self.announcement_step.at if self.announcement_step else None


def _releases(contest: Contest | None):
    releases = Release.objects.select_related("entry__team__institution", "entry__contest", "contest").prefetch_related(
        Prefetch("entry__awards", queryset=Award.objects.select_related("prize"))
    )
    if contest is not None:
        releases = releases.filter(contest=contest)
    return releases


def shown_releases(viewer: Viewer, *, contest: Contest | None, at: datetime, query: str = "") -> list[Shown]:
    """Releases whose announcement or film `viewer` may see at `at`, in title order. Five queries (one more when
    people on screen are listed, for their answers; one more when a team agreed to be named, to check that no blind
    round still judges it)."""
    releases = _releases(contest)
    if query.strip():
        releases = releases.filter(Q(entry__title__icontains=query.strip()))
    releases = list(releases.order_by("entry__title", "pk"))
    states = current_steps(releases, at=at)
    named = [release.entry_id for release in releases if release.show_team_name and release.entry.contest.blind_judging]
    blind = blind_rounds_in_progress(named, at=at) if named else {}
    shown = []
    for release in releases:
        entry = release.entry
        entry.release = release
        steps = states[release.pk]
        announcement = decide(viewer, entry, steps[Target.ANNOUNCEMENT], Target.ANNOUNCEMENT)
        film = decide(viewer, entry, steps[Target.FILM], Target.FILM)
        if not (announcement or film):
            continue
        shown.append(
            Shown(
                release=release,
                entry=entry,
                awards=list(entry.awards.all()),
                announcement=announcement,
                film=film,
                announcement_step=steps[Target.ANNOUNCEMENT],
                film_step=steps[Target.FILM],
                public_announcement=decide(ANONYMOUS, entry, steps[Target.ANNOUNCEMENT], Target.ANNOUNCEMENT),
                public_film=decide(ANONYMOUS, entry, steps[Target.FILM], Target.FILM),
                blind_round=blind.get(entry.pk),
                organiser_view=viewer.organiser,
            )
        )
    return shown


def is_announced_beyond_jury(entry: Entry, *, at: datetime | None = None) -> bool:
    """Whether a step in force shows the entry's announcement or film (so its title and synopsis) to an audience
    wider than its team and jury: community, link or public. Then a team's change to that text waits for review."""
    release = Release.objects.filter(entry=entry).first()
    if release is None or entry.status != Entry.Status.SUBMITTED:
        return False
    steps = current_steps([release], at=at or timezone.now())[release.pk]
    return any(step_audiences(steps[what], what) & WIDE_FILM_AUDIENCES for what in WHAT)


def announcement_stake(entry: Entry) -> list[str]:
    """What a withdrawal takes away from `entry` in releases (contest.selectors.withdrawal_stakes)."""
    if not is_announced_beyond_jury(entry):
        return []
    return [gettext("This entry is announced beyond the jury: once it is withdrawn, only the organisers see it.")]


def shown_release_or_404(viewer: Viewer, *, contest: Contest, public_id, at: datetime) -> Shown:
    release = Release.objects.filter(contest=contest, entry__public_id=public_id).first()
    if release is None:
        raise Http404
    for item in shown_releases(viewer, contest=contest, at=at):
        if item.release.pk == release.pk:
            return item
    raise Http404


def poster_key(item: Shown, *, public: bool = False) -> str | None:
    """The storage key of the item's still (the one chosen for the release, else the media pipeline's poster of the
    film), or None. A still shows the people in the film, so it follows the film's audience with the team's consent,
    never the announcement's: None unless this viewer (with `public`, anyone at all) may watch the film."""
    if not (item.public_film if public else item.film):
        return None
    return item.release.poster_key or delivery.poster_key(item.entry)


MEDIA_KINDS = ("film", "subtitles", "poster")


def media_of(item: Shown, kind: str) -> tuple[str, str] | None:
    """(storage key, content type) of the item's `kind` of media for this viewer, or None: the film and its
    subtitles to those who may watch it once the pipeline made it ready, the poster as `poster_key` says."""
    if kind == "poster":
        key = poster_key(item)
        return (key, "image/jpeg") if key else None
    found = delivery.playable(item.entry) if item.film else None
    if found is None:
        return None
    if kind == "subtitles":
        return (found.subtitles_key, "text/vtt") if found.subtitles_key else None
    return (found.key, found.content_type)


def share_link_to_open(token: str, *, at: datetime | None = None) -> ShareLink | None:
    """The share link with this secret if opening it now would show its page (live, a view left); None otherwise.
    Spends nothing: services.open_share_link does, on the explicit open."""
    link = live_share_link(token, at=at)
    if link is None or (link.max_views is not None and link.view_count >= link.max_views):
        return None
    return link


def palmares_winners(announced: list[Shown]) -> list[tuple[Award, Shown]]:
    """(award, item) for every award of the items whose announcement is shown, in the palmarès's order."""
    return sorted(
        ((award, item) for item in announced for award in item.awards),
        key=lambda pair: (pair[0].prize.order, pair[0].prize.name_fr, pair[0].pk),
    )


def palmares(viewer: Viewer, *, contest: Contest, at: datetime) -> dict:
    """The winners whose announcement `viewer` may see, prize by prize, and the jury once there is a winner."""
    shown = [item for item in shown_releases(viewer, contest=contest, at=at) if item.announcement]
    winners = palmares_winners(shown)
    jury = []
    if winners:
        jury = list(
            ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
    return {"winners": winners, "jury": jury, "public": all(item.public for _, item in winners)}


def contest_showcase(user, contest: Contest, *, at: datetime) -> dict:
    """For the contest's page and the home page (contest.selectors.showcase): whether `user` finds a palmarès and
    films, and each prize's winners as the palmarès page names them (the team only where it names it)."""
    viewer = viewer_for(user, contest, at=at)
    announced = [item for item in shown_releases(viewer, contest=contest, at=at) if item.announcement]
    winners: dict[int, list[dict]] = {}
    for award, item in palmares_winners(announced):
        winners.setdefault(award.prize_id, []).append(
            {
                "title": item.entry.title,
                "team": item.entry.team if item.show_team_name else None,
                "url": reverse(
                    "releases:announcement", kwargs={"contest_slug": contest.slug, "public_id": item.entry.public_id}
                ),
            }
        )
    # As the film list (releases.views.film_list) lists them: the films one may read about and watch.
    films = any(item.film for item in announced)
    return {"palmares": bool(winners), "films": films, "winners": winners}


def public_items(*, at: datetime) -> list[Shown]:
    """Everything anyone may see, across contests: the sitemap's and feeds' only source."""
    return shown_releases(ANONYMOUS, contest=None, at=at)


def contest_calendar(contest: Contest) -> list[ReleaseStep]:
    """Every step of every release of the contest, cancelled ones included, in time order."""
    return list(
        ReleaseStep.objects.filter(release__contest=contest)
        .select_related("release__entry", "created_by", "approved_by", "cancelled_by")
        .order_by("at", "id")
    )


def with_step_states(steps: list[ReleaseStep], *, at: datetime) -> list[ReleaseStep]:
    """Set each step's `state` at `at`, by the rule of permissions.current_steps: "in_force" (the latest step of its
    release and target that took effect), "past" (took effect, then replaced by a later one), "upcoming" or
    "cancelled". Returns the same list."""
    in_force: dict[tuple[int, str], ReleaseStep] = {}
    for step in steps:
        if step.cancelled_at is None and step.at <= at:
            key = (step.release_id, step.target)
            if key not in in_force or (step.at, step.pk) > (in_force[key].at, in_force[key].pk):
                in_force[key] = step
    for step in steps:
        if step.cancelled_at is not None:
            step.state = "cancelled"
        elif step.at > at:
            step.state = "upcoming"
        else:
            step.state = "in_force" if in_force[(step.release_id, step.target)] is step else "past"
    return steps


@dataclass
class AnnouncementState:
    """Where an entry's announcement (what puts its prizes on the palmarès) stands for the public at a second:
    "public" since `at`, "scheduled" for `at`, or "not_scheduled". `release` is None until one is prepared."""

    state: str
    at: datetime | None
    release: Release | None


def announcement_state(entry: Entry, *, at: datetime) -> AnnouncementState:
    """The public's view of the entry's announcement: public since the step in force (when it shows it to everyone),
    else the first upcoming step that will, else not scheduled. Two queries."""
    release = Release.objects.filter(entry=entry).first()
    if release is None:
        return AnnouncementState("not_scheduled", None, None)
    step = current_steps([release], at=at)[release.pk][Target.ANNOUNCEMENT]
    if step is not None and decide(ANONYMOUS, entry, step, Target.ANNOUNCEMENT):
        return AnnouncementState("public", step.at, release)
    upcoming = (
        release.steps.filter(target=Target.ANNOUNCEMENT, cancelled_at__isnull=True, at__gt=at, to_public=True)
        .order_by("at", "id")
        .first()
    )
    if upcoming is not None and entry.status == Entry.Status.SUBMITTED:
        return AnnouncementState("scheduled", upcoming.at, release)
    return AnnouncementState("not_scheduled", None, release)


def organiser_release_or_404(contest: Contest, public_id) -> Release:
    return get_object_or_404(
        Release.objects.select_related("entry__team", "contest"), contest=contest, entry__public_id=public_id
    )


def team_release_notices(entry: Entry, *, user, now: datetime) -> list[TeamNotice]:
    """For the team's pages (registered with contest.selectors.register_team_notices): each prize the entry won,
    once the team may see its announcement, and a showing of the film that waits for the team's approval, with a
    link to the page where the team reads it and answers."""
    release = Release.objects.filter(entry=entry).first()
    if release is None:
        return []
    notices = []
    if can_see(user, entry, Target.ANNOUNCEMENT, at=now):
        for award in Award.objects.filter(entry=entry).select_related("prize"):
            notices.append(
                TeamNotice(
                    kind="prize",
                    text=gettext("Prize won: %(prize)s.") % {"prize": award.prize.name},
                    url=reverse("releases:palmares", kwargs={"contest_slug": entry.contest.slug}),
                    link_text=gettext("See the palmarès"),
                    tone="success",
                )
            )
    if pending_approvals(release):
        notices.append(
            TeamNotice(
                kind="release_approval",
                text=gettext("A showing of your film waits for your team's approval."),
                url=reverse(
                    "releases:team_release", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
                ),
                link_text=gettext("Read the plan and answer"),
                tone="warning",
            )
        )
    return notices


def release_may_still_view(session: ViewingSession, *, at: datetime | None = None) -> bool:
    """The viewing right of a release page's session (public, share link, community): the visitor it was opened for
    may still watch the film now, as release_media would decide (the step in force, the team's consent, the link
    still live), and the film is still the entry's accepted one. A public session ends when the film stops being
    public, even for someone who could still watch it otherwise: its segments name nobody."""
    at = at or timezone.now()
    entry = session.film.entry
    if session.user is not None and not session.user.is_active:
        return False
    viewer = viewer_for(session.user or AnonymousUser(), entry.contest, at=at)
    if session.kind == ViewingSession.Kind.SHARE:
        _, _, pk = session.grant.partition(":")
        link = ShareLink.objects.filter(pk=pk if pk.isdigit() else None, release__entry=entry).first()
        if link is None or not link.is_live(at):
            return False
        viewer = replace(viewer, link_release_ids=frozenset({link.release_id}))
    elif session.user is None and session.kind != ViewingSession.Kind.PUBLIC:
        return False
    try:
        item = shown_release_or_404(viewer, contest=entry.contest, public_id=entry.public_id, at=at)
    except Http404:
        return False
    if session.kind == ViewingSession.Kind.PUBLIC and not item.public_film:
        return False
    return media_of(item, "film") is not None and accepted_film(entry) == session.film


def release_subscribers(contest: Contest) -> QuerySet[User]:
    """People who asked to be mailed the contest's announcements: a group organisers write to
    (contest.group_messages)."""
    return User.objects.filter(pk__in=ReleaseSubscription.objects.filter(contest=contest).values("user_id"))


def planned_film_uses(entry: Entry) -> dict[str, datetime]:
    """From when each wide use of the film is planned (contest.consents.planned_uses): the first step, not
    cancelled, that shows the film to that audience."""
    planned: dict[str, datetime] = {}
    steps = ReleaseStep.objects.filter(release__entry=entry, target=Target.FILM, cancelled_at__isnull=True)
    for step in steps.order_by("at", "pk"):
        for audience in set(step.audiences) & WIDE_FILM_AUDIENCES:
            planned.setdefault(audience, step.at)
    return planned
