"""The team marks the hard passages of its film on its entry page; the players warn before each."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import perform

from . import permissions, services
from .forms import CreditsForm, PassageForm
from .models import Contest, MarkedPassage
from .views import entry_page


@login_required
@require_POST
def entry_passage_add(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    form = PassageForm(request.POST, contest=contest)
    return perform(
        request,
        lambda: services.mark_passage(entry=entry, by=request.user, **form.cleaned_data),
        form=form,
        success=_("The passage is marked: viewers are told a few seconds before it and may skip it."),
        redirect_to=redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id),
        page=lambda: entry_page(request, contest, entry, passage_form=form, status=400),
    )


@login_required
@require_POST
def entry_passage_remove(request, contest_slug, public_id, passage_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    passage = get_object_or_404(MarkedPassage, entry=entry, pk=passage_id)
    return perform(
        request,
        lambda: services.unmark_passage(passage=passage, by=request.user),
        success=_("The passage is no longer marked."),
        redirect_to=redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id),
    )


@login_required
@require_POST
def entry_credits(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    form = CreditsForm(request.POST)
    return perform(
        request,
        lambda: services.mark_credits(entry=entry, by=request.user, **form.cleaned_data),
        form=form,
        success=_(
            "The credits are marked: the jury's player starts after the opening credits and stops before the "
            "closing ones."
        ),
        redirect_to=redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id),
        page=lambda: entry_page(request, contest, entry, credits_form=form, status=400),
    )
