"""The organisers' trace page: upload a suspected copy of a screener, follow its trace in a worker, read the verdict
(tracing.py). Every request and verdict is audited."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contest import permissions
from contest.models import Contest
from contest.services import record_event

from . import tracing
from .models import LeakTrace, ViewingSession

TRACE_MAX_BYTES = 4 * 1024**3


class TraceForm(forms.Form):
    copy = forms.FileField(
        label=gettext_lazy("The suspected copy"),
        help_text=gettext_lazy("A video file as it was found (downloaded, recorded or sent to you), up to 4 GB."),
    )

    def clean_copy(self):
        copy = self.cleaned_data["copy"]
        if copy.size > TRACE_MAX_BYTES:
            raise forms.ValidationError(_("This file is over 4 GB; trim it to the part that shows the film."))
        return copy


@require_http_methods(["GET", "POST"])
def traces(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    form = TraceForm(request.POST, request.FILES) if request.method == "POST" else TraceForm()
    if request.method == "POST":
        if form.is_valid():
            trace = tracing.request_trace(contest=contest, upload=form.cleaned_data["copy"], by=request.user)
            messages.success(request, _("The copy was received; it is being traced."))
            return redirect("media_pipeline:trace", contest_slug=contest.slug, trace_id=trace.public_id)
        status = 400
    else:
        status = 200
    context = {"contest": contest, "form": form, "traces": LeakTrace.objects.filter(contest=contest)[:50]}
    return render(request, "media_pipeline/traces.html", context, status=status)


@require_GET
def trace(request, contest_slug, trace_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    job = get_object_or_404(LeakTrace, contest=contest, public_id=trace_id)
    kind = (job.result.get("viewer") or {}).get("kind")
    as_what = ViewingSession.Kind(kind).label if kind in ViewingSession.Kind.values else ""
    return render(request, "media_pipeline/trace.html", {"contest": contest, "trace": job, "as_what": as_what})


@require_POST
def screening_notice(request, contest_slug):
    """Turn the confidential screening notice over restricted players on or off. AuditEvent `screening_notice_set`."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_organiser(request.user, contest)
    shown = request.POST.get("shown") == "1"
    if contest.screening_notice != shown:
        Contest.objects.filter(pk=contest.pk).update(screening_notice=shown)
        record_event(verb="screening_notice_set", actor=request.user, contest=contest, shown=shown)
    if shown:
        messages.success(request, _("Players of films that are not public now show who is watching."))
    else:
        messages.success(request, _("Players no longer show who is watching."))
    return redirect("media_pipeline:traces", contest_slug=contest.slug)
