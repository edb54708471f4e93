"""The organiser's judging pages (rounds, their criteria, jury and assignment, results, exports). Each action posts
to its own URL and view; the pages themselves answer GET only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import posted_id
from contest.models import Contest, Entry
from contest.permissions import organiser_contest_or_404

from .. import charts, deliberation, discussion, exports, pace, permissions, selectors, services, tables
from ..forms import (
    CriterionAnchorsForm,
    CriterionForm,
    ManualAssignmentForm,
    OrganiserConflictForm,
    RoundForm,
    ShortlistForm,
)
from ..models import Assignment, Criterion, Round, RoundJuror

# The judging dashboard: rounds and conflicts


def _conflict_form(contest, data=None) -> OrganiserConflictForm:
    return OrganiserConflictForm(data, contest=contest, jurors=selectors.contest_jurors(contest), prefix="conflict")


def _dashboard_page(request, contest, *, form=None, conflict_form=None):
    return render(
        request,
        "judging/dashboard.html",
        {
            "contest": contest,
            "rounds": contest.rounds.all(),
            "form": form or RoundForm(prefix="round"),
            "conflict_form": conflict_form or _conflict_form(contest),
            "conflicts": selectors.contest_conflicts(contest),
            "jurors": selectors.contest_jurors(contest),
            "president": deliberation.president_of(contest),
        },
    )


@login_required
@require_safe
def judging_dashboard(request, contest_slug):
    return _dashboard_page(request, organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def create_round(request, contest_slug):
    contest = organiser_contest_or_404(request.user, contest_slug)
    form = RoundForm(request.POST, prefix="round")
    return perform(
        request,
        lambda: services.create_round(contest=contest, by=request.user, **form.cleaned_data),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=_("Round created. Add its criteria and jurors."),
        redirect_to=lambda round: redirect("judging_round", contest_slug=contest.slug, round_id=round.pk),
        page=lambda: _dashboard_page(request, contest, form=form),
    )


@login_required
@require_POST
def declare_conflict(request, contest_slug):
    """The organiser records a juror's conflict with a team or an entry (by its code)."""
    contest = organiser_contest_or_404(request.user, contest_slug)
    conflict_form = _conflict_form(contest, request.POST)
    if conflict_form.is_valid():
        data = conflict_form.cleaned_data
        entry = None
        if data["code"]:
            entry = Entry.objects.filter(contest=contest, code=data["code"].strip().upper()).first()
        if data["code"] and entry is None:
            conflict_form.add_error("code", _("No entry has this code."))
        else:
            services.declare_conflict(
                contest=contest, juror=data["juror"], by=request.user, team=data["team"], entry=entry
            )
            messages.success(request, _("Conflict recorded."))
            return redirect("judging_dashboard", contest_slug=contest.slug)
    return _dashboard_page(request, contest, conflict_form=conflict_form)


# A round: criteria, settings, jury and assignment


def _round_page(
    request, contest, round, *, criterion_form=None, manual_form=None, round_form=None, anchors_form=None, status=200
):
    language = (get_language() or "fr")[:2]
    criteria = [
        {
            "criterion": criterion,
            "anchors": criterion.anchor_list(language),
            "form": anchors_form
            if anchors_form is not None and anchors_form.prefix == f"anchors-{criterion.pk}"
            else CriterionAnchorsForm.of(criterion),
        }
        for criterion in round.criteria.all()
    ]
    return render(
        request,
        "judging/round.html",
        {
            "contest": contest,
            "round": round,
            "criteria": criteria,
            "criterion_form": criterion_form or CriterionForm(prefix="criterion"),
            "manual_form": manual_form or ManualAssignmentForm(round=round, prefix="manual"),
            "round_form": round_form or RoundForm(instance=round, prefix="round"),
            "pace_conflicts": pace.round_conflicts(round),
            **selectors.round_overview(round=round),
        },
        status=status,
    )


def _organiser_round(request, contest_slug, round_id) -> tuple[Contest, Round]:
    contest = get_object_or_404(Contest, slug=contest_slug)
    return contest, permissions.organiser_round_or_404(request.user, contest, round_id)


def _back_to_round(contest, round):
    return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)


@login_required
@require_safe
def round_detail(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return _round_page(request, contest, round)


@login_required
@require_POST
def add_criterion(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    criterion_form = CriterionForm(request.POST, prefix="criterion")
    return perform(
        request,
        lambda: services.add_criterion(round=round, by=request.user, **criterion_form.cleaned_data),
        form=criterion_form,
        success=_("Criterion added."),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round, criterion_form=criterion_form, status=400),
    )


@login_required
@require_POST
def update_criterion_anchors(request, contest_slug, round_id, criterion_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    criterion = get_object_or_404(Criterion, round=round, pk=criterion_id)
    anchors_form = CriterionAnchorsForm.of(criterion, data=request.POST)
    return perform(
        request,
        lambda: services.update_criterion_anchors(criterion=criterion, by=request.user, **anchors_form.cleaned_data),
        form=anchors_form,
        success=_("Anchors saved."),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round, anchors_form=anchors_form, status=400),
    )


@login_required
@require_POST
def update_round(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    round_form = RoundForm(request.POST, instance=Round.objects.get(pk=round.pk), prefix="round")
    return perform(
        request,
        lambda: services.update_round(round=round, by=request.user, **round_form.cleaned_data),
        form=round_form,
        success=_("Round saved."),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round, round_form=round_form),
    )


@login_required
@require_POST
def seat_all_jurors(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return perform(
        request,
        lambda: services.seat_all_jurors(round=round, by=request.user),
        success=lambda added: _("%(count)d jurors added to the round.") % {"count": added},
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round),
    )


@login_required
@require_POST
def remove_round_juror(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    member = get_object_or_404(RoundJuror, round=round, user_id=posted_id(request.POST, "user"), active=True)
    return perform(
        request,
        lambda: services.remove_round_juror(round=round, user=member.user, by=request.user),
        success=lambda outcome: (
            _("%(juror)s left the round; %(added)d assignments were redistributed.")
            % {"juror": member.user, "added": outcome["added"]}
        ),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round),
    )


@login_required
@require_POST
def assign_jurors(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return perform(
        request,
        lambda: services.assign_jurors(round=round, by=request.user),
        success=lambda outcome: (
            _(
                "Assignment done: %(added)d added, %(removed)d removed, %(short)d entries short of jurors, "
                "%(below)d jurors below their minimum."
            )
            % {
                "added": outcome["added"],
                "removed": outcome["removed"],
                "short": len(outcome["short"]),
                "below": len(outcome["below_minimum"]),
            }
        ),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round),
    )


def _bound(request, name: str) -> int | None:
    """A capacity the form posted: blank is no bound; anything but a whole number from 0 to 999 is a bad request."""
    value = request.POST.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and int(value) <= 999):
        raise BadRequest(f"{name}: not a number of films")
    return int(value)


@login_required
@require_POST
def set_juror_capacity(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    seat = get_object_or_404(RoundJuror, round=round, active=True, user_id=posted_id(request.POST, "user"))
    return perform(
        request,
        lambda: services.set_juror_capacity(
            round=round,
            juror=seat.user,
            max_entries=_bound(request, "max_entries"),
            min_entries=_bound(request, "min_entries"),
            by=request.user,
        ),
        success=_("Saved: the next automatic assignment follows it."),
        redirect_to=_back_to_round(contest, round),
    )


@login_required
@require_POST
def add_assignment(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    manual_form = ManualAssignmentForm(request.POST, round=round, prefix="manual")

    def add():
        entry = get_object_or_404(Entry, contest=contest, code=manual_form.cleaned_data["code"].strip().upper())
        return services.add_assignment(
            round=round, juror=manual_form.cleaned_data["juror"], entry=entry, by=request.user
        )

    return perform(
        request,
        add,
        form=manual_form,
        success=_("Assignment added."),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round, manual_form=manual_form),
    )


@login_required
@require_POST
def remove_assignment(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    assignment = get_object_or_404(Assignment, round=round, pk=posted_id(request.POST, "assignment"))
    return perform(
        request,
        lambda: services.remove_assignment(assignment=assignment, by=request.user),
        success=_("Assignment removed."),
        redirect_to=_back_to_round(contest, round),
        page=lambda: _round_page(request, contest, round),
    )


# Results, the shortlist, one entry's reviews, exports


def _results_page(request, contest, round, *, shortlist_form=None):
    results = selectors.round_results(round=round, viewer=request.user)
    juror_rows = [{"label": str(row["user"] or "?"), "result": row["result"]} for row in results["jurors"]]
    return render(
        request,
        "judging/results.html",
        {
            "contest": contest,
            "round": round,
            **results,
            "ranking_rows": tables.ranking_rows(
                results["rows"],
                shortlisted=results["shortlisted"],
                # The entry page's URL without its last part, "<code>/": reversed once, not once per row.
                entry_url_prefix=reverse(
                    "judging_round_entry", kwargs={"contest_slug": contest.slug, "round_id": round.pk, "code": "-"}
                ).removesuffix("-/"),
            ),
            "juror_chart": charts.juror_distributions(juror_rows, results["overall_mean"]),
            "criterion_charts": [
                {"criterion": item["criterion"], "svg": charts.criterion_histogram(item["criterion"], item["counts"])}
                for item in results["criteria"]
            ],
            "shortlist_form": shortlist_form or ShortlistForm(),
        },
    )


@login_required
@require_safe
def round_results(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    return _results_page(request, contest, round)


@login_required
@require_POST
def shortlist_top(request, contest_slug, round_id):
    contest, round = _organiser_round(request, contest_slug, round_id)
    shortlist_form = ShortlistForm(request.POST)
    return perform(
        request,
        lambda: services.shortlist_top(round=round, top=shortlist_form.cleaned_data["top"], by=request.user),
        form=shortlist_form,
        success=lambda count: _("%(count)d entries shortlisted for the next round.") % {"count": count},
        redirect_to=redirect("judging_results", contest_slug=contest.slug, round_id=round.pk),
        page=lambda: _results_page(request, contest, round, shortlist_form=shortlist_form),
    )


@login_required
def round_entry(request, contest_slug, round_id, code):
    contest, round = _organiser_round(request, contest_slug, round_id)
    entry = get_object_or_404(Entry, contest=contest, code=code)
    if selectors.is_conflicted(round=round, juror_id=request.user.pk, entry=entry):
        raise Http404
    return render(
        request,
        "judging/round_entry.html",
        {
            "contest": contest,
            "round": round,
            "entry": entry,
            "criteria": list(round.criteria.all()),
            "reviews": selectors.entry_reviews(round=round, entry=entry),
            "discussion": discussion.organiser_thread(round=round, entry=entry),
        },
    )


def download(rows, *, fmt: str, name: str) -> HttpResponse:
    """`rows` as a CSV or XLSX attachment that no cache keeps; 404 for any other format."""
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(rows, title=name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def round_export(request, contest_slug, round_id, what, fmt):
    contest, round = _organiser_round(request, contest_slug, round_id)
    if what == "scores":
        rows = exports.score_rows(round=round, viewer=request.user)
    elif what == "ranking":
        rows = exports.ranking_rows(round=round, viewer=request.user)
    else:
        raise Http404
    return download(rows, fmt=fmt, name=f"{contest.slug}-round{round.order}-{what}")
