import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import perform
from contest.models import Contest, Team
from contest.permissions import require_organiser

from . import services


def _contest_for_organiser(request, contest_slug) -> Contest:
    contest = get_object_or_404(Contest, slug=contest_slug)
    require_organiser(request.user, contest)
    return contest


@login_required
def personal_data(request, contest_slug):
    contest = _contest_for_organiser(request, contest_slug)
    now = timezone.now()
    teams = []
    for team in contest.teams.select_related("contest", "erasure").prefetch_related("entries").order_by("name"):
        if not services.is_withdrawn(team):
            continue
        erasure = getattr(team, "erasure", None)
        teams.append(
            {
                "team": team,
                "erasure": erasure,
                "erasable": erasure is None and now > services.erasable_from(team),
                "erasable_from": services.erasable_from(team),
                "automatic_at": services.erased_automatically_at(team),
            }
        )
    return render(
        request,
        "privacy/personal_data.html",
        {
            "contest": contest,
            "people": services.people_of(contest),
            "teams": teams,
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
        },
    )


@login_required
def export_person(request, contest_slug, user_id):
    contest = _contest_for_organiser(request, contest_slug)
    person = services.people_of(contest).filter(pk=user_id).first()
    if person is None:
        raise Http404
    data = services.export_person(contest=contest, person=person, by=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{contest.slug}-{person.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def erase_team_confirm(request, contest_slug, team_id):
    """What erasing will do, with the one button that posts to erase_team."""
    contest = _contest_for_organiser(request, contest_slug)
    team = get_object_or_404(Team.objects.select_related("contest"), pk=team_id, contest=contest)
    if hasattr(team, "erasure") or not services.is_withdrawn(team):
        raise Http404
    return render(
        request,
        "privacy/erase_confirm.html",
        {"contest": contest, "team": team, "entries": team.entries.order_by("created_at")},
    )


@login_required
@require_POST
def erase_team(request, contest_slug, team_id):
    contest = _contest_for_organiser(request, contest_slug)
    team = get_object_or_404(Team, pk=team_id, contest=contest)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: erasure cannot be undone."))
        return redirect("personal_data", contest_slug=contest.slug)
    return perform(
        request,
        lambda: services.erase_team(team=team, by=request.user),
        success=lambda report: (
            _("Erased: %(entries)d entries, %(objects)d stored files; %(scores)d scores kept, anonymised.")
            % {"entries": report.entries, "objects": report.storage_objects, "scores": report.scores_kept}
        ),
        redirect_to=redirect("personal_data", contest_slug=contest.slug),
    )
