"""Pages of the media pipeline: the live status of a team's film, and the organisers' pipeline page."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from contest import permissions
from contest.models import Contest

from . import screeners, selectors, services
from .models import Film
from .status import status_context


@require_GET
def film_status(request, contest_slug, public_id):
    """JSON for static/js/film-status.js: the state and the re-rendered status fragment. Team members only."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    status = status_context(entry)
    film = status["film"]
    response = JsonResponse(
        {
            "filmId": status["working"].pk if status["working"] else None,
            "state": film.state if film else "",
            "stateLabel": str(film.get_state_display()).capitalize() if film else "",
            "progress": status["percent"],
            "inProgress": status["in_progress"],
            "problems": [problem["code"] for problem in film.problems] if film else [],
            "warnings": [warning["code"] for warning in film.warnings] if film else [],
            "replacementState": status["replacement"].state if status["replacement"] else "",
            "html": render_to_string("media_pipeline/_film_status.html", {"status": status}, request=request),
            "currentHtml": render_to_string("media_pipeline/_film_current.html", {"film": film}, request=request),
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def pipeline_page(request, contest_slug):
    """Organisers: counts per state, what is in progress, failures and rejections with their reasons, step times."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    context = {"contest": contest, **selectors.pipeline_overview(contest)}
    return render(request, "media_pipeline/pipeline.html", context)


@require_POST
def pipeline_retry(request, contest_slug, film_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    film = Film.objects.filter(pk=film_id, entry__contest=contest).select_related("entry").first()
    if film is None:
        raise Http404
    if services.retry_film(film=film, by=request.user):
        messages.success(request, _("The film of “%(title)s” is being checked again.") % {"title": film.entry.title})
    else:
        messages.error(request, _("This film is not failed or rejected any more; nothing was started."))
    return redirect("media_pipeline:pipeline", contest_slug=contest.slug)


@require_POST
def pipeline_retry_screeners(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    count = screeners.retry_failed(contest=contest)
    if count:
        messages.success(
            request,
            ngettext("%(count)d screener is being made again.", "%(count)d screeners are being made again.", count)
            % {"count": count},
        )
    else:
        messages.error(request, _("No screener is failed any more; nothing was started."))
    return redirect("media_pipeline:pipeline", contest_slug=contest.slug)
