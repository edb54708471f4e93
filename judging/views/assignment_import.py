"""A round's assignments from a spreadsheet (judging.assignment_imports): the current assignments to download, a file
checked row by row (nothing written), then the confirmation that writes every change or none."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contest.imports import MAX_BYTES, PeopleImportError

from .. import assignment_imports
from ..forms import AssignmentConfirmForm, AssignmentFileForm
from .organiser import _organiser_round, download


def _page(request, contest, round, *, form=None, preview=None, confirm_form=None, error="", status=200):
    return render(
        request,
        "judging/assignment_import.html",
        {
            "contest": contest,
            "round": round,
            "form": form or AssignmentFileForm(),
            "preview": preview,
            "confirm_form": confirm_form,
            "error": error,
        },
        status=status,
    )


@login_required
@require_safe
def assignment_import(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return _page(request, contest, round)


@login_required
@require_safe
def assignment_file(request, contest_slug, round_id, fmt):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return download(assignment_imports.current_rows(round), fmt=fmt, name=f"assignments-{contest.slug}-{round.pk}")


@login_required
@require_POST
def assignment_import_preview(request, contest_slug, round_id):
    """Read the file and show every row with what it does or what is wrong; nothing is written."""
    contest, round = _organiser_round(request, contest_slug, round_id)
    form = AssignmentFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, contest, round, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        preview = assignment_imports.read_assignments(round=round, name=upload.name, data=upload.read(MAX_BYTES + 1))
    except PeopleImportError as error:
        return _page(request, contest, round, form=form, error=error.message, status=400)
    ready = preview.ok and preview.rows
    confirm_form = AssignmentConfirmForm(initial={"rows": assignment_imports.sign(preview)}) if ready else None
    return _page(
        request, contest, round, form=form, preview=preview, confirm_form=confirm_form, status=200 if ready else 400
    )


@login_required
@require_POST
def assignment_import_confirm(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    form = AssignmentConfirmForm(request.POST)
    if not form.is_valid():
        return _page(request, contest, round, error=_("Tick the box to confirm the changes."), status=400)
    try:
        added, removed = assignment_imports.apply_assignments(
            round=round, preview=assignment_imports.unsign(form.cleaned_data["rows"]), by=request.user
        )
    except PeopleImportError as error:
        return _page(request, contest, round, error=error.message, status=400)
    messages.success(
        request, _("Assignments changed: %(added)d added, %(removed)d removed.") % {"added": added, "removed": removed}
    )
    return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
