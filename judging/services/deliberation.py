"""The jury's deliberation: an organiser names the contest's jury president; the president opens a round's
deliberation once its scoring is closed, puts entries up for discussion and records decisions (shortlist, a prize
proposal, "no prize"), each audited with who and when; the followers' screens read it live (judging.deliberation)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Contest, ContestRole, Entry, Prize
from contest.services import record_event

from .. import deliberation as reads
from .. import selectors
from ..models import Deliberation, DeliberationDecision, JuryPresident, Round
from .errors import JudgingError


@transaction.atomic
def name_president(*, contest: Contest, user: User, by: User) -> JuryPresident:
    """Make `user`, a juror of the contest, its jury president (replacing any other). Writes JuryPresident and an
    AuditEvent `president_named`. Raises JudgingError("not_a_juror")."""
    if not ContestRole.objects.filter(contest=contest, user=user, role=ContestRole.Role.JUROR).exists():
        raise JudgingError("not_a_juror", _("The president is one of the contest's jurors."))
    president, _created = JuryPresident.objects.update_or_create(
        contest=contest, defaults={"user": user, "named_by": by, "named_at": timezone.now()}
    )
    record_event(verb="president_named", actor=by, contest=contest, president=user.pk)
    return president


def _check_president(round: Round, by: User) -> None:
    if not reads.is_president(round.contest, by):
        raise JudgingError("not_president", _("Only the jury's president leads the deliberation."))


@transaction.atomic
def open_deliberation(*, round: Round, by: User) -> Deliberation:
    """Open the round's deliberation (once its scoring is closed). Writes Deliberation and an AuditEvent
    `deliberation_opened`. Raises JudgingError("not_president" | "round_open" | "already_open")."""
    _check_president(round, by)
    now = timezone.now()
    if now <= round.closes_at:
        raise JudgingError("round_open", _("Open the deliberation once the round's scoring is closed."))
    found = Deliberation.objects.select_for_update().filter(round=round).first()
    if found is not None and found.closed_at is None:
        raise JudgingError("already_open", _("The deliberation is already open."))
    if found is None:
        found = Deliberation.objects.create(round=round, opened_by=by, opened_at=now, changed_at=now)
    else:
        found.closed_at, found.opened_at, found.opened_by, found.changed_at = None, now, by, now
        found.save(update_fields=["closed_at", "opened_at", "opened_by", "changed_at"])
    record_event(verb="deliberation_opened", actor=by, contest=round.contest, round=round.pk)
    return found


def _open(deliberation: Deliberation, by: User) -> Deliberation:
    deliberation = Deliberation.objects.select_for_update().select_related("round__contest").get(pk=deliberation.pk)
    _check_president(deliberation.round, by)
    if deliberation.closed_at is not None:
        raise JudgingError("closed", _("The deliberation is closed."))
    return deliberation


def _round_entry(deliberation: Deliberation, entry: Entry | None) -> Entry:
    if entry is None or not selectors.round_entries(deliberation.round).filter(pk=entry.pk).exists():
        raise JudgingError("unknown_entry", _("Choose an entry of this round."))
    return entry


@transaction.atomic
def discuss_entry(*, deliberation: Deliberation, entry: Entry, by: User) -> Deliberation:
    """Put `entry` up for discussion on every follower's screen. Writes Deliberation and an AuditEvent
    `deliberation_entry` . Raises JudgingError("not_president" | "closed" | "unknown_entry")."""
    deliberation = _open(deliberation, by)
    deliberation.current_entry = _round_entry(deliberation, entry)
    deliberation.changed_at = timezone.now()
    deliberation.save(update_fields=["current_entry", "changed_at"])
    record_event(
        verb="deliberation_entry",
        actor=by,
        contest=deliberation.round.contest,
        round=deliberation.round_id,
        entry_id=entry.pk,
        code=entry.code,
    )
    return deliberation


@transaction.atomic
def record_decision(
    *, deliberation: Deliberation, kind: str, by: User, entry: Entry | None = None, prize: Prize | None = None
) -> DeliberationDecision:
    """Record a decision as it is taken: an entry shortlisted, an entry proposed for a prize, or no prize awarded.
    Writes DeliberationDecision and an AuditEvent `deliberation_decision`.
    Raises JudgingError("not_president" | "closed" | "unknown_entry" | "unknown_prize" | "unknown_kind")."""
    deliberation = _open(deliberation, by)
    if kind not in DeliberationDecision.Kind.values:
        raise JudgingError("unknown_kind", _("Choose a kind of decision from the list."))
    if kind != DeliberationDecision.Kind.NO_PRIZE:
        entry = _round_entry(deliberation, entry)
    else:
        entry = None
    if kind != DeliberationDecision.Kind.SHORTLIST:
        if prize is None or prize.contest_id != deliberation.round.contest_id:
            raise JudgingError("unknown_prize", _("Choose one of the contest's prizes."))
    else:
        prize = None
    now = timezone.now()
    decision = DeliberationDecision.objects.create(
        deliberation=deliberation, kind=kind, entry=entry, prize=prize, by=by, at=now
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(changed_at=now)
    record_event(
        verb="deliberation_decision",
        actor=by,
        contest=deliberation.round.contest,
        round=deliberation.round_id,
        kind=kind,
        entry_id=entry.pk if entry else None,
        code=entry.code if entry else None,
        prize=prize.pk if prize else None,
    )
    return decision


@transaction.atomic
def close_deliberation(*, deliberation: Deliberation, by: User) -> Deliberation:
    """End the meeting; its decisions stay. Writes Deliberation and an AuditEvent `deliberation_closed`."""
    deliberation = _open(deliberation, by)
    now = timezone.now()
    deliberation.closed_at = deliberation.changed_at = now
    deliberation.save(update_fields=["closed_at", "changed_at"])
    record_event(verb="deliberation_closed", actor=by, contest=deliberation.round.contest, round=deliberation.round_id)
    return deliberation
