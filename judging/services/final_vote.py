"""The jury's final vote for prizes: prepared by the organiser (method, prizes, finalists), opened once the round's
scoring is closed (the tie-break order is fixed then), cast in secret by the round's jurors, closed by the
organiser; the count is read only after (judging.final_vote). Audit events never carry a ballot's content."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Entry, Prize
from contest.services import record_event

from .. import final_vote, selectors
from ..models import BallotPaper, FinalVote, JuryPresident, Round
from .errors import JudgingError


def _locked(vote: FinalVote) -> FinalVote:
    return FinalVote.objects.select_for_update().select_related("round__contest").get(pk=vote.pk)


@transaction.atomic
def prepare_vote(
    *,
    round: Round,
    method: str,
    prizes: list[Prize],
    finalists: list[Entry],
    by: User,
    tiebreak: str = FinalVote.TieBreak.ZSCORE,
) -> FinalVote:
    """Create or change the round's final vote while it is not open: its counting method and tie-break rule, the
    prizes it decides (in the prizes' order) and its finalists (entries of the round). Writes FinalVote and an
    AuditEvent `vote_prepared`. Raises JudgingError("already_open" | "unknown_method" | "no_president" |
    "finalists" | "prizes")."""
    if method not in FinalVote.Method.values or tiebreak not in FinalVote.TieBreak.values:
        raise JudgingError("unknown_method", _("Choose a counting method from the list."))
    if tiebreak == FinalVote.TieBreak.PRESIDENT and not JuryPresident.objects.filter(contest=round.contest).exists():
        raise JudgingError("no_president", _("Name the jury president before giving them the casting vote."))
    allowed = set(selectors.round_entries(round).values_list("pk", flat=True))
    finalist_ids = {entry.pk for entry in finalists}
    if len(finalist_ids) < 2 or not finalist_ids <= allowed:
        raise JudgingError("finalists", _("Choose at least two finalists among the entries of this round."))
    prize_ids = {prize.pk for prize in prizes}
    if not prize_ids or any(prize.contest_id != round.contest_id for prize in prizes):
        raise JudgingError("prizes", _("Choose the prizes this vote decides."))
    if len(prize_ids) >= len(finalist_ids):
        raise JudgingError("prizes", _("Choose fewer prizes than finalists: the vote has to choose between them."))
    vote = FinalVote.objects.select_for_update().filter(round=round).first()
    if vote is not None and vote.state() != "draft":
        raise JudgingError("already_open", _("The ballot is open: its method and finalists are fixed."))
    if vote is None:
        vote = FinalVote.objects.create(round=round, method=method, tiebreak=tiebreak, created_by=by)
    else:
        vote.method, vote.tiebreak = method, tiebreak
        vote.save(update_fields=["method", "tiebreak"])
    vote.prizes.set(prize_ids)
    vote.finalists.set(finalist_ids)
    codes = sorted(Entry.objects.filter(pk__in=finalist_ids).values_list("code", flat=True))
    record_event(
        verb="vote_prepared",
        actor=by,
        contest=round.contest,
        round=round.pk,
        method=method,
        tiebreak=tiebreak,
        finalists=codes,
    )
    return vote


@transaction.atomic
def open_vote(*, vote: FinalVote, by: User, now: datetime | None = None) -> FinalVote:
    """Open the ballot to the round's jurors, once its scoring is closed. Fixes the tie-break order (the round's
    z-score ranking of the finalists). Writes FinalVote and an AuditEvent `vote_opened`.
    Raises JudgingError("already_open" | "round_open")."""
    now = now or timezone.now()
    vote = _locked(vote)
    if vote.state() != "draft":
        raise JudgingError("already_open", _("The ballot is already open."))
    if now <= vote.round.closes_at:
        raise JudgingError("round_open", _("Open the ballot once the round's scoring is closed."))
    vote.tiebreak_order = final_vote.zscore_order(vote)
    vote.opened_at = now
    vote.save(update_fields=["tiebreak_order", "opened_at"])
    record_event(verb="vote_opened", actor=by, contest=vote.round.contest, round=vote.round_id)
    return vote


@transaction.atomic
def cast_ballot(*, vote: FinalVote, juror: User, ranking: list[int], now: datetime | None = None) -> BallotPaper:
    """The juror's ranking of the finalists they may see (entry ids, most preferred first; those left out come
    after, tied), replacing their earlier one. Writes BallotPaper and an AuditEvent `ballot_cast` (who, never what).
    Raises JudgingError("not_open" | "not_a_voter" | "empty" | "not_a_finalist" | "twice")."""
    vote = _locked(vote)
    if vote.state() != "open":
        raise JudgingError("not_open", _("The ballot is not open."))
    if not final_vote.is_voter(vote, juror):
        raise JudgingError("not_a_voter", _("Only the round's jurors vote."))
    if not ranking:
        raise JudgingError("empty", _("Rank at least one finalist."))
    if len(set(ranking)) != len(ranking):
        raise JudgingError("twice", _("Give each finalist its own rank: two finalists share one."))
    if not set(ranking) <= {entry.pk for entry in final_vote.visible_finalists(vote, juror)}:
        raise JudgingError("not_a_finalist", _("Rank only the finalists on your ballot."))
    paper, _created = BallotPaper.objects.update_or_create(vote=vote, juror=juror, defaults={"ranking": ranking})
    record_event(verb="ballot_cast", actor=juror, contest=vote.round.contest, round=vote.round_id)
    return paper


@transaction.atomic
def close_vote(*, vote: FinalVote, by: User, now: datetime | None = None) -> FinalVote:
    """Close the ballot: from then on the count is shown, and ballots are final. Writes FinalVote and an AuditEvent
    `vote_closed` (with the number of ballots). Raises JudgingError("not_open" | "no_ballots")."""
    now = now or timezone.now()
    vote = _locked(vote)
    if vote.state() != "open":
        raise JudgingError("not_open", _("The ballot is not open."))
    ballots = vote.ballots.count()
    if not ballots:
        raise JudgingError("no_ballots", _("No juror has voted yet: the count would be empty."))
    vote.closed_at = now
    vote.save(update_fields=["closed_at"])
    record_event(verb="vote_closed", actor=by, contest=vote.round.contest, round=vote.round_id, ballots=ballots)
    return vote
