"""Who judges a round: seats on the jury, conflicts of interest and content opt-outs."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import ContentWarning, Contest, ContestRole, Entry, Institution, Team
from contest.services import record_event

from .. import selectors
from ..models import Assignment, Conflict, ContentOptOut, Review, Round, RoundJuror, WarningPace
from .assignment import assign_jurors
from .errors import JudgingError


@transaction.atomic
def add_round_juror(*, round: Round, user: User, by: User) -> RoundJuror:
    """Seat a contest juror (someone who accepted a juror invitation) on a round. Writes RoundJuror and an AuditEvent."""
    if not ContestRole.objects.filter(contest_id=round.contest_id, user=user, role=ContestRole.Role.JUROR).exists():
        raise JudgingError("not_a_juror", _("%(user)s has not accepted a juror invitation.") % {"user": user})
    member, created = RoundJuror.objects.get_or_create(round=round, user=user)
    if not created and member.active:
        return member
    member.active = True
    member.save(update_fields=["active"])
    record_event(verb="round_juror_added", actor=by, contest=round.contest, round=round.pk, juror=user.pk)
    return member


def seat_all_jurors(*, round: Round, by: User) -> int:
    """Seat every contest juror not yet on the round. Returns how many were added."""
    user_ids = ContestRole.objects.filter(contest_id=round.contest_id, role=ContestRole.Role.JUROR).values_list(
        "user_id", flat=True
    )
    seated = set(RoundJuror.objects.filter(round=round, active=True).values_list("user_id", flat=True))
    added = 0
    for user in User.objects.filter(pk__in=user_ids).exclude(pk__in=seated):
        add_round_juror(round=round, user=user, by=by)
        added += 1
    return added


@transaction.atomic
def remove_round_juror(*, round: Round, user: User, by: User) -> dict:
    """A juror leaves the round: their unscored assignments go to the others (balanced), their submitted scores stay.
    Writes RoundJuror.active, deletes and creates Assignments, AuditEvents `round_juror_removed` and
    `assignment_run`. Returns what assign_jurors returns."""
    member = RoundJuror.objects.select_for_update().get(round=round, user=user)
    member.active = False
    member.save(update_fields=["active"])
    gone = Assignment.objects.filter(round=round, juror=user, manual=False).exclude(
        review__status=Review.Status.SUBMITTED
    )
    released = sorted(gone.values_list("entry__code", flat=True))
    gone.delete()
    record_event(
        verb="round_juror_removed",
        actor=by,
        contest=round.contest,
        round=round.pk,
        juror=user.pk,
        released=released,
    )
    return assign_jurors(round=round, by=by)


def _drop_conflicted_assignments(*, contest: Contest, juror: User, by: User, reason: str) -> list[str]:
    """Delete the juror's assignments (and their scores) for entries they are now in conflict with."""
    dropped = []
    for round in contest.rounds.all():
        assignments = Assignment.objects.filter(round=round, juror=juror)
        entries = Entry.objects.filter(pk__in=assignments.values("entry_id"))
        forbidden = selectors.forbidden_pairs(contest_id=contest.pk, round=round, juror_ids=[juror.pk], entries=entries)
        for assignment in assignments.filter(entry_id__in=[entry for _juror, entry in forbidden]).select_related(
            "entry"
        ):
            scores = {str(pk): str(value) for pk, value in assignment.scores.values_list("criterion_id", "value")}
            record_event(
                verb="assignment_removed",
                actor=by,
                contest=contest,
                round=round.pk,
                juror=juror.pk,
                entry_id=assignment.entry_id,
                code=assignment.entry.code,
                reason=reason,
                scores=scores,
            )
            dropped.append(assignment.entry.code)
            assignment.delete()
    return dropped


@transaction.atomic
def declare_conflict(
    *,
    contest: Contest,
    juror: User,
    by: User,
    entry: Entry | None = None,
    team: Team | None = None,
    institution: Institution | None = None,
) -> Conflict:
    """Record a conflict of interest for exactly one of entry, team or institution. The juror loses their
    assignments (and any scores) for the entries concerned. Writes Conflict, deletes Assignments, AuditEvents."""
    targets = [target for target in (entry, team, institution) if target is not None]
    if len(targets) != 1:
        raise TypeError("a conflict names exactly one entry, team or institution")
    kind = Conflict.Kind.ENTRY if entry else Conflict.Kind.TEAM if team else Conflict.Kind.INSTITUTION
    conflict, created = Conflict.objects.get_or_create(
        contest=contest,
        juror=juror,
        kind=kind,
        entry=entry,
        team=team,
        institution=institution,
        defaults={"declared_by": by},
    )
    if created:
        record_event(
            verb="conflict_declared",
            actor=by,
            contest=contest,
            juror=juror.pk,
            kind=kind,
            target=(entry or team or institution).pk,
        )
        _drop_conflicted_assignments(contest=contest, juror=juror, by=by, reason="conflict")
    return conflict


@transaction.atomic
def set_content_opt_outs(*, contest: Contest, juror: User, warnings: list[ContentWarning], by: User) -> None:
    """The juror will not be given films with these content warnings. Replaces their opt-outs; drops their
    assignments to such films. Writes ContentOptOut rows and an AuditEvent `content_opt_outs_set`."""
    wanted = {warning.pk for warning in warnings if warning.contest_id == contest.pk}
    current = set(
        ContentOptOut.objects.filter(contest=contest, juror=juror).values_list("content_warning_id", flat=True)
    )
    if wanted == current:
        return
    ContentOptOut.objects.filter(contest=contest, juror=juror).exclude(content_warning_id__in=wanted).delete()
    ContentOptOut.objects.bulk_create(
        [ContentOptOut(contest=contest, juror=juror, content_warning_id=pk) for pk in sorted(wanted - current)]
    )
    record_event(verb="content_opt_outs_set", actor=by, contest=contest, juror=juror.pk, warnings=sorted(wanted))
    _drop_conflicted_assignments(contest=contest, juror=juror, by=by, reason="opt_out")


@transaction.atomic
def set_warning_pace(*, contest: Contest, juror: User, warning: ContentWarning, per_day: int | None) -> None:
    """The juror watches at most `per_day` films with `warning` a day (None: no limit). Writes or deletes their
    WarningPace and an AuditEvent `warning_pace_set`. Raises JudgingError("unknown_warning" | "pace_too_low")."""
    if warning.contest_id != contest.pk:
        raise JudgingError("unknown_warning", _("This content warning is not one of this contest's."))
    if per_day is not None and per_day < 1:
        raise JudgingError("pace_too_low", _("Give at least one film a day, or leave the field empty for no limit."))
    if per_day is None:
        WarningPace.objects.filter(contest=contest, juror=juror, content_warning=warning).delete()
    else:
        WarningPace.objects.update_or_create(
            juror=juror, content_warning=warning, defaults={"contest": contest, "per_day": per_day}
        )
    record_event(
        verb="warning_pace_set", actor=juror, contest=contest, juror=juror.pk, warning=warning.pk, per_day=per_day
    )
