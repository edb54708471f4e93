"""The organisers' pages of the audience vote: setting up a prize's vote, the turnout while it runs, and once it is
closed the count, its anomaly report and the voiding of ballots."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from contest.models import Prize
from contest.permissions import organiser_contest_or_404

from . import permissions, selectors, services
from .forms import CloseForm, VoidForm, VoteSetupForm
from .models import AudienceVote


def _home(request, contest, *, forms=None, status=200):
    now = timezone.now()
    votes = {vote.prize_id: vote for vote in AudienceVote.objects.filter(contest=contest)}
    prizes = []
    for prize in contest.prizes.all():
        vote = votes.get(prize.pk)
        form = (forms or {}).get(prize.pk)
        if form is None and (vote is None or not vote.opens_at <= now):
            initial = (
                {
                    "electorate": vote.electorate,
                    "domains": vote.domains,
                    "opens_at": timezone.localtime(vote.opens_at),
                    "closes_at": timezone.localtime(vote.closes_at),
                    "require_watched": vote.require_watched,
                }
                if vote
                else {"electorate": AudienceVote.Electorate.COMMUNITY}
            )
            form = VoteSetupForm(initial=initial, prefix=f"prize{prize.pk}")
        prizes.append(
            {
                "prize": prize,
                "vote": vote,
                "form": form,
                "state": None
                if vote is None
                else ("open" if vote.is_open(now) else ("closed" if vote.is_closed(now) else "not_yet")),
                "turnout": selectors.turnout(vote) if vote else None,
            }
        )
    return render(request, "audience/organiser.html", {"contest": contest, "prizes": prizes}, status=status)


@login_required
@require_safe
def audience_home(request, contest_slug):
    return _home(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def set_vote(request, contest_slug, prize_id):
    contest = organiser_contest_or_404(request.user, contest_slug)
    prize = get_object_or_404(Prize, contest=contest, pk=prize_id)
    form = VoteSetupForm(request.POST, prefix=f"prize{prize.pk}")
    return perform(
        request,
        lambda: services.set_up_vote(
            prize=prize,
            electorate=form.cleaned_data["electorate"],
            domains=form.cleaned_data["domains"],
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
            require_watched=form.cleaned_data["require_watched"],
            by=request.user,
        ),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=_("The audience vote is set up."),
        redirect_to=redirect("audience:organiser", contest_slug=contest.slug),
        page=lambda: _home(request, contest, forms={prize.pk: form}, status=400),
    )


@login_required
@require_POST
def remove_vote(request, contest_slug, prize_id):
    contest = organiser_contest_or_404(request.user, contest_slug)
    vote = get_object_or_404(AudienceVote, contest=contest, prize_id=prize_id)
    return perform(
        request,
        lambda: services.remove_vote(vote=vote, by=request.user),
        success=_("The audience vote is removed."),
        redirect_to=redirect("audience:organiser", contest_slug=contest.slug),
    )


def _results(request, contest, vote, *, void_form=None, close_form=None, status=200):
    now = timezone.now()
    closed = permissions.tally_visible(vote, request.user, at=now)
    return render(
        request,
        "audience/results.html",
        {
            "contest": contest,
            "vote": vote,
            "closed": closed,
            "turnout": selectors.turnout(vote),
            "tally": selectors.tally(vote) if closed else None,
            "anomalies": selectors.anomalies(vote) if closed else [],
            "void_form": void_form or VoidForm(),
            "close_form": close_form or CloseForm(),
            "open": vote.is_open(now),
        },
        status=status,
    )


@login_required
@require_safe
def results(request, contest_slug, vote_id):
    contest = organiser_contest_or_404(request.user, contest_slug)
    return _results(request, contest, get_object_or_404(AudienceVote, contest=contest, pk=vote_id))


@login_required
@require_POST
def void(request, contest_slug, vote_id):
    contest = organiser_contest_or_404(request.user, contest_slug)
    vote = get_object_or_404(AudienceVote, contest=contest, pk=vote_id)
    # Each box posts a group of ballots (an anomaly's), as ids separated by commas.
    values = [part for value in request.POST.getlist("ballot") for part in value.split(",")]
    if not all(value.isascii() and value.isdigit() and len(value) <= 18 for value in values):
        raise BadRequest("ballot: not an id")
    form = VoidForm(request.POST)
    return perform(
        request,
        lambda: services.void_ballots(
            vote=vote, ballot_ids=[int(value) for value in values], reason=form.cleaned_data["reason"], by=request.user
        ),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=lambda count: ngettext("%(count)d vote voided.", "%(count)d votes voided.", count) % {"count": count},
        redirect_to=redirect("audience:results", contest_slug=contest.slug, vote_id=vote.pk),
        page=lambda: _results(request, contest, vote, void_form=form, status=400),
    )


@login_required
@require_POST
def close(request, contest_slug, vote_id):
    contest = organiser_contest_or_404(request.user, contest_slug)
    vote = get_object_or_404(AudienceVote, contest=contest, pk=vote_id)
    form = CloseForm(request.POST)
    return perform(
        request,
        lambda: services.close_vote(vote=vote, by=request.user),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=_("The vote is closed: the count is below."),
        redirect_to=redirect("audience:results", contest_slug=contest.slug, vote_id=vote.pk),
        page=lambda: _results(request, contest, vote, close_form=form, status=400),
    )
