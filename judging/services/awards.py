"""What the jury decides: the shortlist for the next round and the prizes."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Entry, Prize
from contest.services import record_event

from .. import award_proposals, selectors
from ..models import Award, Round, Shortlist
from .errors import JudgingError


@transaction.atomic
def set_shortlist(*, round: Round, entry_ids: list[int], by: User) -> int:
    """Choose which of this round's entries go on to the next round. Replaces the shortlist; writes Shortlist rows
    and an AuditEvent `shortlist_set`. Returns the count."""
    allowed = set(selectors.round_entries(round).filter(pk__in=entry_ids).values_list("pk", flat=True))
    Shortlist.objects.filter(round=round).exclude(entry_id__in=allowed).delete()
    present = set(Shortlist.objects.filter(round=round).values_list("entry_id", flat=True))
    Shortlist.objects.bulk_create(
        [Shortlist(round=round, entry_id=pk, created_by=by) for pk in sorted(allowed - present)]
    )
    codes = sorted(Entry.objects.filter(pk__in=allowed).values_list("code", flat=True))
    record_event(verb="shortlist_set", actor=by, contest=round.contest, round=round.pk, codes=codes)
    return len(allowed)


@transaction.atomic
def record_award(
    *,
    prize: Prize,
    entry: Entry,
    by: User,
    citation_fr: str = "",
    citation_en: str = "",
    reason_if_not_ranking: str = "",
) -> Award:
    """Record the jury's decision: `prize` goes to `entry`. A choice other than a closed vote's for this prize
    (the final vote's or the audience's; without one, the ranking's) needs a reason. Writes Award and an AuditEvent `award_recorded` (or
    `award_changed`)."""
    if entry.contest_id != prize.contest_id or entry.status != Entry.Status.SUBMITTED:
        raise JudgingError("entry_not_eligible", _("This entry cannot receive a prize in this contest."))
    voted = award_proposals.proposal_for(prize=prize)
    expected = voted.entry if voted is not None else selectors.ranking_choice(prize=prize)
    reason = reason_if_not_ranking.strip()
    if expected is not None and expected.pk != entry.pk and not reason:
        if voted is not None:
            message = voted.reason_needed
        else:
            message = _("The ranking points to %(code)s for this prize. Say why the jury chose otherwise.")
        raise JudgingError("reason_required", message % {"code": expected.code})
    if expected is not None and expected.pk == entry.pk:
        reason = ""
    award = Award.objects.filter(prize=prize, entry=entry).first()
    verb = "award_changed" if award else "award_recorded"
    if award is None:
        award = Award(contest_id=prize.contest_id, prize=prize, entry=entry)
    award.citation_fr = citation_fr
    award.citation_en = citation_en
    award.reason_if_not_ranking = reason
    award.decided_by = by
    award.decided_at = timezone.now()
    award.save()
    record_event(
        verb=verb,
        actor=by,
        contest=prize.contest,
        prize=prize.pk,
        entry_id=entry.pk,
        code=entry.code,
        reason=reason,
    )
    return award


@transaction.atomic
def remove_award(*, award: Award, by: User) -> None:
    """Take back a decision. Deletes the Award; writes an AuditEvent `award_removed`."""
    record_event(
        verb="award_removed",
        actor=by,
        contest=award.contest,
        prize=award.prize_id,
        entry_id=award.entry_id,
        code=award.entry.code,
    )
    award.delete()


def shortlist_top(*, round: Round, top: int, by: User) -> int:
    """Shortlist the entries the round's ranking places in the first `top` (rank `top` or better),
    as the organiser sees the ranking. Same writes as set_shortlist; returns the count."""
    results = selectors.round_results(round=round, viewer=by)
    chosen = [row["entry"]["pk"] for row in results["rows"] if row["result"].rank and row["result"].rank <= top]
    return set_shortlist(round=round, entry_ids=chosen, by=by)
