"""Teams: registration, an organiser's approval or refusal, a team's extension, registration reopened."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.text import MultiLineValidator

from ..models import Contest, Team, TeamMember
from .common import ContestError, mail_team, record_event


@transaction.atomic
def grant_extension(*, team: Team, until: datetime, by: User) -> Team:
    """Let one team submit until `until`. Writes Team and an AuditEvent; mails the team."""
    if until <= team.contest.closes_at:
        raise ContestError("extension_too_early", _("An extension must end after the contest's deadline."))
    before = team.deadline_extended_to
    team.deadline_extended_to = until
    team.save(update_fields=["deadline_extended_to"])
    record_event(
        verb="extension_granted",
        actor=by,
        contest=team.contest,
        team=team.pk,
        before=before.isoformat() if before else None,
        after=until.isoformat(),
    )
    mail_team(
        team=team,
        subject_template="contest/mail/extension_subject.txt",
        body_template="contest/mail/extension_body.txt",
        context={"until": until},
    )
    return team


def check_registration_open(*, contest: Contest, now: datetime | None = None) -> None:
    """Raises ContestError("registration_closed") once teams may no longer register themselves."""
    if not contest.registration_is_open(now):
        raise ContestError(
            "registration_closed",
            _("Team registration closed on %(date)s. Ask the organisers if your team should still take part.")
            % {
                "date": date_format(
                    timezone.localtime(contest.registration_closes_at, contest.tzinfo), "DATETIME_FORMAT"
                )
            },
        )


@transaction.atomic
def create_team(*, contest: Contest, name: str, institution, captain: User, now: datetime | None = None) -> Team:
    """Register a team with its captain, waiting for an organiser's approval (until then it counts for its own
    entries only). Writes Team, TeamMember and an AuditEvent. Raises ContestError("registration_closed" |
    "unknown_institution" | "team_name_taken")."""
    check_registration_open(contest=contest, now=now)
    if not contest.institutions.filter(pk=institution.pk).exists():
        raise ContestError("unknown_institution", _("Choose one of the contest's institutions."))
    name = name.strip()
    if Team.objects.filter(contest=contest, name__iexact=name).exists():
        raise ContestError("team_name_taken", _("A team with this name is already registered."))
    team = Team.objects.create(contest=contest, name=name, institution=institution, approval=Team.Approval.PENDING)
    TeamMember.objects.create(team=team, user=captain, role=TeamMember.Role.CAPTAIN)
    record_event(verb="team_created", actor=captain, contest=contest, team=team.pk, name=name)
    return team


def _decide_team(*, team: Team, by: User, approval: str, reason: str = "") -> Team:
    """Write an organiser's decision on a team: Team, an AuditEvent `team_approved` | `team_refused`, the team's mail."""
    team = Team.objects.select_for_update().select_related("contest").get(pk=team.pk)
    before = team.approval
    team.approval = approval
    team.approval_decided_at = timezone.now()
    team.approval_decided_by = by
    team.refusal_reason = reason
    team.save(update_fields=["approval", "approval_decided_at", "approval_decided_by", "refusal_reason"])
    data = {"reason": reason} if reason else {}
    record_event(verb=f"team_{approval}", actor=by, contest=team.contest, team=team.pk, before=before, **data)
    mail_team(
        team=team,
        subject_template="contest/mail/team_decision_subject.txt",
        body_template="contest/mail/team_decision_body.txt",
        context={},
    )
    return team


@transaction.atomic
def approve_team(*, team: Team, by: User) -> Team:
    """An organiser vouches for a self-registered team: its verified members join the contest's community.
    Writes Team and an AuditEvent `team_approved`; mails the team. Approving an approved team changes nothing."""
    if Team.objects.filter(pk=team.pk, approval=Team.Approval.APPROVED).exists():
        return team
    return _decide_team(team=team, by=by, approval=Team.Approval.APPROVED)


@transaction.atomic
def refuse_team(*, team: Team, by: User, reason: str) -> Team:
    """An organiser refuses a team, with a reason the team reads; it stays out of the community (its own entries
    stay its own). Writes Team and an AuditEvent `team_refused`; mails the team.
    Raises ContestError("reason_required" | "control_character")."""
    reason = reason.strip()
    if not reason:
        raise ContestError("reason_required", _("Give the team a reason for the refusal."))
    try:
        MultiLineValidator(_("reason"))(reason)
    except ValidationError as error:
        raise ContestError("control_character", error.messages[0])
    return _decide_team(team=team, by=by, approval=Team.Approval.REFUSED, reason=reason)


@transaction.atomic
def reopen_registration(*, contest: Contest, until: datetime, by: User) -> Contest:
    """Let teams register themselves again until `until`. Writes Contest and an AuditEvent `registration_reopened`.
    Raises ContestError("reopen_in_past")."""
    if until <= timezone.now():
        raise ContestError("reopen_in_past", _("Choose a moment in the future."))
    before = contest.registration_reopened_until
    contest.registration_reopened_until = until
    contest.save(update_fields=["registration_reopened_until"])
    record_event(
        verb="registration_reopened",
        actor=by,
        contest=contest,
        before=before.isoformat() if before else None,
        after=until.isoformat(),
    )
    return contest
