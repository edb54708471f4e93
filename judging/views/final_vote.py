"""The final vote's pages: the organiser prepares, opens and closes it and reads the count after the close; each
juror of the round casts and changes their ballot while it is open, and reads the count after. Before the close
nobody reads a ballot but their own, nor any count; a vote a juror may not see answers 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from contest.models import Contest

from .. import final_vote, permissions, selectors, services
from ..forms import BallotForm, ConfirmForm, FinalVoteForm
from ..models import FinalVote
from .organiser import _organiser_round

OPEN_LABEL = gettext_lazy(
    "Once open, the method, the prizes and the finalists are fixed, and the round's jurors can vote."
)
CLOSE_LABEL = gettext_lazy(
    "Once closed, the ballots are final and the count is shown to the organisers and the round's jurors."
)

# The organiser's side


def _vote_of(round) -> FinalVote | None:
    return FinalVote.objects.filter(round=round).first()


def _default_finalists(round):
    """The next round's shortlist if there is one, else the round's top five."""
    shortlist = list(round.shortlist.values_list("entry_id", flat=True))
    if shortlist:
        return shortlist
    rows = selectors.round_results(round=round)["rows"]
    return [row["entry"]["pk"] for row in rows if row["result"].rank is not None][:5]


def _vote_page(request, contest, round, *, form=None, confirm=None, status=200):
    vote = _vote_of(round)
    if form is None and (vote is None or vote.state() == "draft"):
        initial = {
            "finalists": _default_finalists(round),
            "prizes": list(contest.prizes.values_list("pk", flat=True)[:1]),
        }
        if vote is not None:
            initial = {
                "method": vote.method,
                "tiebreak": vote.tiebreak,
                "prizes": list(vote.prizes.values_list("pk", flat=True)),
                "finalists": list(vote.finalists.values_list("pk", flat=True)),
            }
        form = FinalVoteForm(initial=initial, round=round, entries=selectors.round_entries(round), prefix="vote")
    state = vote.state() if vote else "none"
    label = OPEN_LABEL if state == "draft" else CLOSE_LABEL
    return render(
        request,
        "judging/final_vote.html",
        {
            "contest": contest,
            "round": round,
            "vote": vote,
            "state": state,
            "form": form,
            "confirm_form": confirm or ConfirmForm(label=label, prefix="confirm"),
            "turnout": final_vote.turnout(vote) if vote else None,
            "prizes": final_vote.vote_prizes(vote) if vote else [],
            "finalists": vote.finalists.order_by("code") if vote else [],
            "count": final_vote.count(vote) if vote else None,
        },
        status=status,
    )


@login_required
@require_safe
def vote_page(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return _vote_page(request, contest, round)


@login_required
@require_POST
def prepare_vote(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    form = FinalVoteForm(request.POST, round=round, entries=selectors.round_entries(round), prefix="vote")
    return perform(
        request,
        lambda: services.prepare_vote(
            round=round,
            method=form.cleaned_data["method"],
            tiebreak=form.cleaned_data["tiebreak"],
            prizes=list(form.cleaned_data["prizes"]),
            finalists=list(form.cleaned_data["finalists"]),
            by=request.user,
        ),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=_("Final vote prepared."),
        redirect_to=redirect("judging_vote", contest_slug=contest.slug, round_id=round.pk),
        page=lambda: _vote_page(request, contest, round, form=form, status=400),
    )


def _confirmed_action(request, contest_slug, round_id, *, label, action, success):
    contest, round = _organiser_round(request, contest_slug, round_id)
    vote = _vote_of(round)
    if vote is None:
        raise Http404
    confirm = ConfirmForm(request.POST, label=label, prefix="confirm")
    return perform(
        request,
        lambda: action(vote=vote, by=request.user),
        form=confirm,
        success=success,
        redirect_to=redirect("judging_vote", contest_slug=contest.slug, round_id=round.pk),
        page=lambda: _vote_page(request, contest, round, confirm=confirm, status=400),
    )


@login_required
@require_POST
def open_vote(request, contest_slug, round_id):
    return _confirmed_action(
        request,
        contest_slug,
        round_id,
        label=OPEN_LABEL,
        action=services.open_vote,
        success=_("The ballot is open: the round's jurors can vote."),
    )


@login_required
@require_POST
def close_vote(request, contest_slug, round_id):
    return _confirmed_action(
        request,
        contest_slug,
        round_id,
        label=CLOSE_LABEL,
        action=services.close_vote,
        success=_("The ballot is closed: here is the count."),
    )


# The juror's side


def _juror_vote(request, contest_slug, round_id) -> tuple[Contest, FinalVote]:
    """The vote of a round the juror sits on, once it is open; anything else answers 404."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    round = selectors.get_juror_round_or_404(request.user, contest, round_id)
    vote = FinalVote.objects.filter(round=round, opened_at__isnull=False).select_related("round__contest").first()
    if vote is None or not final_vote.is_voter(vote, request.user):
        raise Http404
    return contest, vote


def _ballot_page(request, contest, vote, *, form=None, status=200):
    finalists = final_vote.visible_finalists(vote, request.user)
    paper = final_vote.ballot_of(vote, request.user)
    if form is None and vote.state() == "open":
        form = BallotForm(finalists=finalists, ranking=paper.ranking if paper else (), prefix="ballot")
    return render(
        request,
        "judging/jury_vote.html",
        {
            "contest": contest,
            "round": vote.round,
            "vote": vote,
            "form": form,
            "paper": paper,
            "prizes": final_vote.vote_prizes(vote),
            "count": final_vote.count(vote),
        },
        status=status,
    )


@login_required
@require_safe
def jury_vote(request, contest_slug, round_id):
    contest, vote = _juror_vote(request, contest_slug, round_id)
    return _ballot_page(request, contest, vote)


@login_required
@require_POST
def jury_cast_ballot(request, contest_slug, round_id):
    contest, vote = _juror_vote(request, contest_slug, round_id)
    form = BallotForm(request.POST, finalists=final_vote.visible_finalists(vote, request.user), prefix="ballot")
    return perform(
        request,
        lambda: services.cast_ballot(vote=vote, juror=request.user, ranking=form.cleaned_data["ranking"]),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=_("Your ballot is saved. You can change it until the ballot closes."),
        redirect_to=redirect("jury_vote", contest_slug=contest.slug, round_id=vote.round_id),
        page=lambda: _ballot_page(request, contest, vote, form=form, status=400),
    )
