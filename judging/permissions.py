"""Who may see what in judging. Anything hidden answers 404 (never 403), so that nobody learns it exists."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from contest import consents
from contest.models import Contest
from contest.permissions import is_juror, require_organiser
from media_pipeline.models import ViewingSession
from media_pipeline.selectors import accepted_film

from . import selectors
from .models import Assignment, Round


def organiser_round_or_404(user, contest: Contest, round_id: int) -> Round:
    require_organiser(user, contest)
    return get_object_or_404(Round, contest=contest, pk=round_id)


def require_juror(user, contest: Contest) -> None:
    if not is_juror(user, contest):
        raise Http404


def juror_assignment_or_404(user, contest: Contest, round_id: int, code: str) -> Assignment:
    """The juror's own, unconflicted assignment on a round they sit on; 404 for anything else."""
    require_juror(user, contest)
    round = selectors.get_juror_round_or_404(user, contest, round_id)
    return selectors.get_assignment_or_404(round=round, user=user, code=code)


def show_identity(contest: Contest) -> bool:
    """Whether jurors may see who made a film (team, institution, credits): only in non-blind contests."""
    return not contest.blind_judging


def juror_may_still_view(session: ViewingSession) -> bool:
    """The viewing right of a juror's session: the assignment it was opened under still stands as the juror's
    own (not removed, no conflict since, the juror still on the round), the film is still the entry's, and every
    person on screen still agrees to the jury's viewing."""
    kind, _, pk = session.grant.partition(":")
    assignment = Assignment.objects.filter(pk=pk if pk.isdigit() else None, juror_id=session.user_id).first()
    if kind != "assignment" or assignment is None or session.user is None or not session.user.is_active:
        return False
    try:
        juror_assignment_or_404(session.user, session.film.entry.contest, assignment.round_id, assignment.entry.code)
    except Http404:
        return False
    return (
        assignment.entry_id == session.film.entry_id
        and accepted_film(assignment.entry) == session.film
        and consents.allows_jury(assignment.entry)
    )
