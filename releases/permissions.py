"""Who may see an entry's announcement and its film, at a given second. Every release surface asks here.

The decision is made at request time from the ReleaseStep rows and the clock: a step takes effect at its second
whether or not any worker runs. Hidden things answer 404 (never 403), so that nobody learns they exist."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import hash_token
from contest.consents import ALL_USES, consented_uses_by_entry
from contest.models import Contest, ContestRole, Entry, Team, TeamMember
from contest.permissions import is_organiser, member_is_vouched_for
from judging.models import Conflict, Round

from .models import (
    WIDE_FILM_AUDIENCES,
    Audience,
    CommunityMember,
    Release,
    ReleaseStep,
    ShareLink,
    Target,
)

WHAT = (Target.ANNOUNCEMENT, Target.FILM)


@dataclass(frozen=True)
class Viewer:
    """Who is asking, reduced to the facts visibility needs, for one contest. Built once per request."""

    organiser: bool = False
    team_ids: frozenset[int] = frozenset()
    juror: bool = False
    conflicted_entry_ids: frozenset[int] = frozenset()
    community: bool = False
    link_release_ids: frozenset[int] = frozenset()
    # "Preview as audience X": the viewer belongs to these audiences for every entry, and to nothing else.
    as_audiences: frozenset[str] | None = field(default=None)

    def audiences_for(self, entry: Entry) -> set[str]:
        if self.as_audiences is not None:
            return set(self.as_audiences)
        audiences = {Audience.PUBLIC.value}
        if entry.team_id in self.team_ids:
            audiences.add(Audience.TEAM.value)
        if self.juror and entry.pk not in self.conflicted_entry_ids:
            audiences.add(Audience.JURY.value)
        if self.community:
            audiences.add(Audience.COMMUNITY.value)
        release_id = getattr(getattr(entry, "release", None), "pk", None)
        if release_id is not None and release_id in self.link_release_ids:
            audiences.add(Audience.LINK.value)
        return audiences


ANONYMOUS = Viewer()


def preview_viewer(audience: str) -> Viewer:
    """A viewer who is exactly `audience` for every entry (organisers' "preview as")."""
    if audience == Audience.ORGANISERS:
        return Viewer(organiser=True)
    return Viewer(as_audiences=frozenset({audience, Audience.PUBLIC.value}))


def _conflicted_entry_ids(user, contest: Contest) -> frozenset[int]:
    """Entries a juror must not see as a juror: declared conflicts, their own teams, and their institution's teams
    (unless every round of the contest waives institution conflicts)."""
    declared = list(
        Conflict.objects.filter(contest=contest, juror=user).values_list("entry_id", "team_id", "institution_id")
    )
    entry_ids = {entry for entry, _, _ in declared if entry}
    team_ids = {team for _, team, _ in declared if team}
    institution_ids = {institution for _, _, institution in declared if institution}
    team_ids |= set(TeamMember.objects.filter(team__contest=contest, user=user).values_list("team_id", flat=True))
    rounds = Round.objects.filter(contest=contest)
    if not rounds.exists() or rounds.filter(conflicts_by_institution=True).exists():
        institution_ids |= set(
            ContestRole.objects.filter(contest=contest, user=user, institution__isnull=False).values_list(
                "institution_id", flat=True
            )
        )
    if not (entry_ids or team_ids or institution_ids):
        return frozenset()
    return frozenset(
        Entry.objects.filter(contest=contest)
        .filter(Q(pk__in=entry_ids) | Q(team_id__in=team_ids) | Q(team__institution_id__in=institution_ids))
        .values_list("pk", flat=True)
    )


def live_share_link(token: str | None, *, at: datetime | None = None) -> ShareLink | None:
    """The share link with this secret if it is not revoked, not expired and not used up; None otherwise."""
    if not token:
        return None
    link = ShareLink.objects.filter(token_hash=hash_token(token)).select_related("release").first()
    if link is None or not link.is_live(at or timezone.now()):
        return None
    return link


def viewer_for(user, contest: Contest, *, link_token: str | None = None, at: datetime | None = None) -> Viewer:
    """The facts about `user` (anonymous or not) that visibility in `contest` depends on."""
    link = live_share_link(link_token, at=at)
    link_release_ids = frozenset({link.release_id}) if link and link.release.contest_id == contest.pk else frozenset()
    if not user.is_authenticated:
        return Viewer(link_release_ids=link_release_ids)
    if is_organiser(user, contest):
        return Viewer(organiser=True, link_release_ids=link_release_ids)
    teams = list(Team.objects.filter(contest=contest, memberships__user=user).select_related("institution"))
    team_ids = frozenset(team.pk for team in teams)
    roles = list(ContestRole.objects.filter(contest=contest, user=user).values_list("role", "institution_id"))
    juror = any(role == ContestRole.Role.JUROR for role, _ in roles)
    # The community is earned, not claimed: members of approved (or domain-vouched) teams with a verified address,
    # people the organisers invited by a verified address, and roles the organisers gave with an institution.
    community = (
        any(institution for _, institution in roles)
        or any(member_is_vouched_for(user, team) for team in teams)
        or (
            user.email_verified_at is not None
            and CommunityMember.objects.filter(contest=contest, email__iexact=user.email).exists()
        )
    )
    return Viewer(
        team_ids=team_ids,
        juror=juror,
        conflicted_entry_ids=_conflicted_entry_ids(user, contest) if juror else frozenset(),
        community=community,
        link_release_ids=link_release_ids,
    )


def current_steps(releases: Iterable[Release], *, at: datetime) -> dict[int, dict[str, ReleaseStep | None]]:
    """For each release, the step in force at `at` for each target (None before the first step), each film step
    carrying the uses its people on screen do not agree to at `at` (`consent_withheld`). Two to three queries."""
    releases = list(releases)
    release_ids = [release.pk for release in releases]
    states: dict[int, dict[str, ReleaseStep | None]] = {pk: {what: None for what in WHAT} for pk in release_ids}
    steps = ReleaseStep.objects.filter(release_id__in=release_ids, at__lte=at, cancelled_at__isnull=True).order_by(
        "release_id", "target", "-at", "-id"
    )
    for step in steps:
        if states[step.release_id][step.target] is None:
            states[step.release_id][step.target] = step
    consented = consented_uses_by_entry([release.entry_id for release in releases], at=at)
    for release in releases:
        film_step = states[release.pk][Target.FILM]
        if film_step is not None:
            film_step.consent_withheld = ALL_USES - consented[release.entry_id]
    return states


def step_audiences(step: ReleaseStep | None, what: str) -> set[str]:
    """Who a step in force (from current_steps) shows `what` to, after the consent gates (organisers left
    implicit): a film goes beyond the team and the jury only with the team's approval of the step, and to each
    audience only while every person on screen agrees to that use (contest.consents)."""
    if step is None:
        return set()
    audiences = set(step.audiences) - {Audience.ORGANISERS.value}
    if what == Target.FILM:
        if step.approved_at is None:
            audiences -= WIDE_FILM_AUDIENCES
        audiences -= step.consent_withheld
    return audiences


def decide(viewer: Viewer, entry: Entry, step: ReleaseStep | None, what: str) -> bool:
    """The one rule. Organisers see everything; nobody else sees an entry that is not submitted (withdrawn,
    disqualified, draft); others see `what` when one of their audiences is in the step in force."""
    if viewer.organiser:
        return True
    if entry.status != Entry.Status.SUBMITTED:
        return False
    audiences = step_audiences(step, what)
    return bool(audiences & viewer.audiences_for(entry))


def can_see(
    user_or_viewer, entry: Entry, what: str, *, at: datetime | None = None, link_token: str | None = None
) -> bool:
    """Whether `user_or_viewer` (a User, AnonymousUser or Viewer) may see `what` ("announcement" | "film") of
    `entry` at `at` (now by default). `link_token` is a share link's secret, if the request carries one."""
    if what not in WHAT:
        raise ValueError(f"unknown release target {what!r}")
    at = at or timezone.now()
    if isinstance(user_or_viewer, Viewer):
        viewer = user_or_viewer
    else:
        viewer = viewer_for(user_or_viewer, entry.contest, link_token=link_token, at=at)
    release = Release.objects.filter(entry=entry).first()
    if release is None:
        return viewer.organiser
    entry.release = release
    step = current_steps([release], at=at)[release.pk][what]
    return decide(viewer, entry, step, what)


def is_public(entry: Entry, what: str, *, at: datetime | None = None) -> bool:
    """Whether anyone at all (no login, no link) may see it: the test for caches, OpenGraph, sitemap and feed."""
    return can_see(ANONYMOUS, entry, what, at=at)


def released_lock(entry: Entry) -> str | None:
    """A replacement lock (media_pipeline.replacement_locks, registered by ReleasesConfig.ready()): a step in force
    now shows the announcement or the film to someone beyond the team and the organisers."""
    release = Release.objects.filter(entry=entry).first()
    if release is None:
        return None
    steps = current_steps([release], at=timezone.now())[release.pk]
    beyond = any(step_audiences(steps[what], what) - {Audience.TEAM.value} for what in WHAT)
    return gettext("is shown beyond your team") if beyond else None


SHARE_OPENING_SALT = "releases.share-opening"


def sign_share_opening(link: ShareLink) -> str:
    """Proof that one view of `link` was spent, carried by the media addresses of the page that spent it."""
    return signing.dumps(link.pk, salt=SHARE_OPENING_SALT)


def opened_share_link(token: str | None, opening: str | None, *, at: datetime | None = None) -> ShareLink | None:
    """The live share link with this secret if `opening` proves a view of it was spent within
    SHARE_OPENING_SECONDS; None otherwise. Revocation and expiry count at once, as for the link itself."""
    link = live_share_link(token, at=at)
    if link is None or not opening:
        return None
    try:
        link_id = signing.loads(opening, salt=SHARE_OPENING_SALT, max_age=settings.SHARE_OPENING_SECONDS)
    except signing.BadSignature:
        return None
    return link if link_id == link.pk else None
