"""The deliberation's pages: one page that the round's jurors and the organisers follow live (a script asks for its
state every second; without it, a reload shows the same), and the president's actions, each posting to its own URL.
Anyone else gets 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import posted_id
from contest.models import Contest, Entry, Prize
from contest.permissions import require_organiser

from .. import deliberation as reads
from .. import selectors, services
from ..models import Deliberation, DeliberationDecision, Round


def _followed_round(request, contest_slug, round_id) -> tuple[Contest, Round]:
    contest = get_object_or_404(Contest, slug=contest_slug)
    round = get_object_or_404(Round, contest=contest, pk=round_id)
    if not reads.can_follow(round, request.user):
        raise Http404
    return contest, round


def _deliberation(round) -> Deliberation:
    found = Deliberation.objects.filter(round=round).select_related("current_entry").first()
    if found is None:
        raise Http404
    return found


@login_required
@require_safe
def deliberation_page(request, contest_slug, round_id):
    contest, round = _followed_round(request, contest_slug, round_id)
    deliberation = _deliberation(round)
    return render(
        request,
        "judging/deliberation.html",
        {
            "contest": contest,
            "round": round,
            "deliberation": deliberation,
            "state": reads.state(deliberation, request.user),
            "ranking": reads.ranking(round, request.user),
            "leanings": reads.leanings(round, request.user),
            "leads": reads.is_president(contest, request.user),
            "prizes": contest.prizes.order_by("order", "name_fr"),
            "kinds": DeliberationDecision.Kind.choices,
        },
    )


@login_required
@require_safe
def deliberation_state(request, contest_slug, round_id):
    _contest, round = _followed_round(request, contest_slug, round_id)
    response = JsonResponse(reads.state(_deliberation(round), request.user))
    response["Cache-Control"] = "no-store"
    return response


def _back(contest, round):
    return redirect("deliberation", contest_slug=contest.slug, round_id=round.pk)


@login_required
@require_POST
def open_deliberation(request, contest_slug, round_id):
    contest, round = _followed_round(request, contest_slug, round_id)
    return perform(
        request,
        lambda: services.open_deliberation(round=round, by=request.user),
        success=_("The deliberation is open: the round's jurors follow it on their screens."),
        redirect_to=_back(contest, round),
    )


def _entry(request, round) -> Entry | None:
    if not request.POST.get("entry"):
        return None
    return selectors.round_entries(round).filter(pk=posted_id(request.POST, "entry")).first()


@login_required
@require_POST
def discuss_entry(request, contest_slug, round_id):
    contest, round = _followed_round(request, contest_slug, round_id)
    deliberation = _deliberation(round)
    entry = _entry(request, round)
    return perform(
        request,
        lambda: services.discuss_entry(deliberation=deliberation, entry=entry, by=request.user),
        success=None,
        redirect_to=_back(contest, round),
    )


@login_required
@require_POST
def record_decision(request, contest_slug, round_id):
    contest, round = _followed_round(request, contest_slug, round_id)
    deliberation = _deliberation(round)
    prize = None
    if request.POST.get("prize"):
        prize = Prize.objects.filter(contest=contest, pk=posted_id(request.POST, "prize")).first()
    return perform(
        request,
        lambda: services.record_decision(
            deliberation=deliberation,
            kind=request.POST.get("kind", ""),
            entry=_entry(request, round),
            prize=prize,
            by=request.user,
        ),
        success=_("Decision recorded."),
        redirect_to=_back(contest, round),
    )


@login_required
@require_POST
def close_deliberation(request, contest_slug, round_id):
    contest, round = _followed_round(request, contest_slug, round_id)
    deliberation = _deliberation(round)
    return perform(
        request,
        lambda: services.close_deliberation(deliberation=deliberation, by=request.user),
        success=_("The deliberation is closed; its decisions stay."),
        redirect_to=_back(contest, round),
    )


@login_required
@require_POST
def name_president(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    require_organiser(request.user, contest)
    juror = selectors.contest_jurors(contest).filter(pk=posted_id(request.POST, "user")).first()
    if juror is None:
        raise Http404
    return perform(
        request,
        lambda: services.name_president(contest=contest, user=juror, by=request.user),
        success=_("Jury president named."),
        redirect_to=redirect("judging_dashboard", contest_slug=contest.slug),
    )
