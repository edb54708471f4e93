"""The organiser's awards page: what the ranking suggests for each prize, the jury's decisions, their export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import posted_id
from contest.permissions import organiser_contest_or_404

from .. import award_proposals, exports, selectors, services
from ..forms import AwardForm
from ..models import Award
from .organiser import download


def _awards_page(request, contest, *, form=None):
    prizes = [
        {
            "prize": prize,
            "suggested": selectors.ranking_choice(prize=prize),
            "voted": award_proposals.proposal_for(prize=prize),
        }
        for prize in contest.prizes.all()
    ]
    return render(
        request,
        "judging/awards.html",
        {
            "contest": contest,
            "form": form or AwardForm(contest=contest, initial=_proposal(prizes, contest)),
            "prizes": prizes,
            "awards": selectors.contest_awards(contest),
        },
    )


def _proposal(prizes, contest) -> dict | None:
    """The award form filled with the first prize a closed vote gave and no decision has recorded yet."""
    decided = set(Award.objects.filter(contest=contest).values_list("prize_id", flat=True))
    for item in prizes:
        if item["voted"] is not None and item["prize"].pk not in decided:
            return {"prize": item["prize"].pk, "code": item["voted"].entry.code}
    return None


@login_required
@require_safe
def awards(request, contest_slug):
    return _awards_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def record_award(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = AwardForm(request.POST, contest=contest)
    return perform(
        request,
        lambda: services.record_award(
            prize=form.cleaned_data["prize"],
            entry=form.cleaned_data["entry"],
            by=request.user,
            citation_fr=form.cleaned_data["citation_fr"],
            citation_en=form.cleaned_data["citation_en"],
            reason_if_not_ranking=form.cleaned_data["reason_if_not_ranking"],
        ),
        form=form,
        show_error=lambda error: form.add_error(
            "reason_if_not_ranking" if error.code == "reason_required" else None, error.message
        ),
        success=_("Award recorded."),
        redirect_to=lambda award: _after_award(request, contest, award),
        page=lambda: _awards_page(request, contest, form=form),
    )


def _after_award(request, contest, award):
    """Back to the awards page, warning when the entry is still judged blind (its team is not named yet)."""
    blind = selectors.blind_rounds_in_progress([award.entry_id], at=timezone.now()).get(award.entry_id)
    if blind is not None:
        messages.info(
            request,
            _(
                "The round « %(round)s » still judges this entry blind until %(date)s: until then, "
                "announcements show its title and prize only, without the team's name."
            )
            % {
                "round": blind.name,
                "date": date_format(timezone.localtime(blind.closes_at), "DATETIME_FORMAT"),
            },
        )
    return redirect("judging_awards", contest_slug=contest.slug)


@login_required
@require_POST
def remove_award(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    award = get_object_or_404(Award, contest=contest, pk=posted_id(request.POST, "award"))
    return perform(
        request,
        lambda: services.remove_award(award=award, by=request.user),
        success=_("Award removed."),
        redirect_to=redirect("judging_awards", contest_slug=contest.slug),
    )


@login_required
def awards_export(request, contest_slug, fmt):
    contest = organiser_contest_or_404(request.user, contest_slug)
    return download(exports.award_rows(contest=contest), fmt=fmt, name=f"{contest.slug}-awards")
