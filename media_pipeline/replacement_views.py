"""Replacing a locked film (judged, awarded or released): the team asks, an organiser approves or refuses."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import perform
from contest import permissions
from contest.models import Contest

from . import services
from .models import ReplacementRequest


@login_required
@require_POST
def replacement_request(request, contest_slug, public_id):
    """The team asks to replace its locked film: form field `reason`."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    return perform(
        request,
        lambda: services.request_replacement(entry=entry, by=request.user, reason=request.POST.get("reason", "")),
        success=_("Your request was sent to the organisers."),
        redirect_to=redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id),
    )


def _decide(request, contest_slug, request_id, decide, done: str):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    asked = get_object_or_404(ReplacementRequest.objects.select_related("entry"), pk=request_id, entry__contest=contest)
    return perform(
        request,
        lambda: decide(request=asked, by=request.user, reason=request.POST.get("reason", "")),
        success=done,
        redirect_to=redirect("organiser_entry", contest_slug=contest.slug, public_id=asked.entry.public_id),
    )


@login_required
@require_POST
def replacement_approve(request, contest_slug, request_id):
    """An organiser approves: form field `reason` (recorded, shown to the team)."""
    return _decide(request, contest_slug, request_id, services.approve_replacement, _("The team may upload once."))


@login_required
@require_POST
def replacement_refuse(request, contest_slug, request_id):
    """An organiser refuses: form field `reason` (recorded, shown to the team)."""
    return _decide(request, contest_slug, request_id, services.refuse_replacement, _("The film stays as it is."))
