"""The organiser's page of the jury's feedback to the teams: when it is published, and each comment as the team will
read it, reworded or held back with a reason."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import posted_id
from contest.permissions import organiser_contest_or_404

from .. import services, team_feedback
from ..forms import FeedbackModerationForm, FeedbackPublicationForm
from ..models import Review


def _feedback_page(request, contest, *, form=None, refused=None, status=200):
    """The page; `refused` is a refused moderation ({"review", "text", "reason", "error"}), shown again as typed."""
    now = timezone.now()
    publication = team_feedback.publication(contest)
    if form is None:
        initial = None
        if publication is not None:
            initial = {"publish_at": timezone.localtime(publication.publish_at), "show_scores": publication.show_scores}
        form = FeedbackPublicationForm(initial=initial, prefix="publication")
    return render(
        request,
        "judging/feedback.html",
        {
            "contest": contest,
            "publication": publication,
            "published": publication is not None and publication.is_published(now),
            "form": form,
            "entries": team_feedback.moderation_overview(contest, now=now),
            "refused": refused or {},
        },
        status=status,
    )


def _back(contest, anchor=""):
    response = redirect("judging_feedback", contest_slug=contest.slug)
    response["Location"] += anchor
    return response


@login_required
@require_safe
def feedback(request, contest_slug):
    return _feedback_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def schedule_feedback(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = FeedbackPublicationForm(request.POST, prefix="publication")
    return perform(
        request,
        lambda: services.schedule_feedback(
            contest=contest,
            publish_at=form.cleaned_data["publish_at"],
            show_scores=form.cleaned_data["show_scores"],
            by=request.user,
        ),
        form=form,
        show_error=lambda error: form.add_error("publish_at", error.message),
        success=_("Publication of the feedback planned."),
        redirect_to=_back(contest),
        page=lambda: _feedback_page(request, contest, form=form, status=400),
    )


@login_required
@require_POST
def cancel_feedback(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    return perform(
        request,
        lambda: services.cancel_feedback(contest=contest, by=request.user),
        success=_("Publication of the feedback cancelled: the teams will not read it until you plan it again."),
        redirect_to=_back(contest),
    )


@login_required
@require_POST
def moderate_feedback(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    review = get_object_or_404(Review, assignment__round__contest=contest, pk=posted_id(request.POST, "review"))
    form = FeedbackModerationForm(request.POST)
    if not form.is_valid():
        raise BadRequest("action: not one of " + ", ".join(FeedbackModerationForm.ACTIONS))
    action, reason, text = form.cleaned_data["action"], form.cleaned_data["reason"], form.cleaned_data["text"]
    if action == "restore":
        call = lambda: services.restore_feedback(review=review, by=request.user, reason=reason)  # noqa: E731
        success = _("The team will read the juror's own words.")
    else:
        held = action == "hold"
        call = lambda: services.moderate_feedback(  # noqa: E731
            review=review, by=request.user, reason=reason, text=text, held=held
        )
        success = _("Comment held back: the team will not read it.") if held else _("Comment reworded.")
    refused = {"review": review.pk, "text": text, "reason": reason}
    return perform(
        request,
        call,
        success=success,
        redirect_to=_back(contest, f"#review-{review.pk}"),
        show_error=lambda error: refused.update(error=error.message),
        page=lambda: _feedback_page(request, contest, refused=refused, status=400),
    )
