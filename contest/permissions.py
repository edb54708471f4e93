"""Who may see and do what in a contest. Views ask here; they never filter by hand."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from .models import Contest, ContestRole, Entry, Team


def is_organiser(user, contest: Contest) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return ContestRole.objects.filter(contest=contest, user=user, role=ContestRole.Role.ORGANISER).exists()


def is_organiser_anywhere(user) -> bool:
    """An organiser of some contest: offered two-factor authentication (accounts asks through its registry)."""
    return user.contest_roles.filter(role=ContestRole.Role.ORGANISER).exists()


def is_juror(user, contest: Contest) -> bool:
    if not user.is_authenticated:
        return False
    return ContestRole.objects.filter(contest=contest, user=user, role=ContestRole.Role.JUROR).exists()


def member_is_vouched_for(user, team: Team) -> bool:
    """Whether a member of `team` counts in the contest's community through the team: their address is verified,
    and the team was approved by an organiser or the address is in one of its institution's domains."""
    if user.email_verified_at is None:
        return False
    return team.approval == Team.Approval.APPROVED or team.institution.vouches_for(user.email)


def teams_of(user, contest: Contest) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(contest=contest, memberships__user=user).select_related("institution", "contest")


def team_entries(user, contest: Contest) -> QuerySet[Entry]:
    """The entries `user` may see as a team member: those of their own teams, nothing else."""
    if not user.is_authenticated:
        return Entry.objects.none()
    return Entry.objects.filter(contest=contest, team__memberships__user=user).select_related("team__contest")


def get_team_entry_or_404(user, contest: Contest, public_id) -> Entry:
    entry = team_entries(user, contest).filter(public_id=public_id).first()
    if entry is None:
        raise Http404
    return entry


def require_organiser(user, contest: Contest) -> None:
    """Answer 404, not 403, so that organiser pages do not reveal that a contest or an entry exists."""
    if not is_organiser(user, contest):
        raise Http404


def organiser_contest_or_404(user, contest_slug: str) -> Contest:
    """The contest of this slug when `user` organises it; 404 otherwise, whether it exists or not."""
    contest = Contest.objects.filter(slug=contest_slug).first()
    if contest is None:
        raise Http404
    require_organiser(user, contest)
    return contest


# Predicates that say an entry's public text is out in the world, so that a team's change to it waits for an
# organiser. contest cannot ask releases (a higher layer) itself: releases registers its rule in AppConfig.ready().
_EDIT_REVIEW_RULES: list[Callable[[Entry], bool]] = []


def register_edit_review(rule: Callable[[Entry], bool]) -> None:
    """Add a rule "a team's change to this entry's title, synopses or credits needs an organiser's approval"."""
    if rule not in _EDIT_REVIEW_RULES:
        _EDIT_REVIEW_RULES.append(rule)


def edit_needs_review(entry: Entry) -> bool:
    """Whether a team's change to the public text of `entry` waits for an organiser (see register_edit_review)."""
    return any(rule(entry) for rule in _EDIT_REVIEW_RULES)
