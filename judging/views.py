from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.request_body import MalformedBody, posted_id, read_json_object
from contest.models import Contest, ContestRole, Entry, SupportResource
from contest.permissions import require_organiser

from . import charts, exports, permissions, selectors, services, tables
from .forms import (
    AwardForm,
    CriterionForm,
    JurorConflictForm,
    ManualAssignmentForm,
    OptOutForm,
    OrganiserConflictForm,
    RoundForm,
    ShortlistForm,
)
from .models import Assignment, Award, Conflict, ContentOptOut, Review, Round, RoundJuror

# Jurors


@login_required
def jury_home(request, contest_slug):
    """The juror's rounds; a juror who sits on one round only has its queue as their jury home."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    only = selectors.juror_only_round(request.user, contest)
    if only is not None:
        return redirect("jury_queue", contest_slug=contest.slug, round_id=only.pk)
    rounds = list(selectors.juror_rounds(request.user, contest))
    return render(request, "judging/jury_home.html", {"contest": contest, "rounds": rounds, "now": timezone.now()})


@login_required
def jury_queue(request, contest_slug, round_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    round = selectors.get_juror_round_or_404(request.user, contest, round_id)
    return render(
        request,
        "judging/jury_queue.html",
        {
            "contest": contest,
            "round": round,
            "rounds": selectors.juror_rounds(request.user, contest),
            "is_open": round.is_open(),
            "is_jury_home": selectors.juror_only_round(request.user, contest) == round,
            **selectors.juror_queue(round=round, user=request.user),
        },
    )


def _entry_context(request, contest, assignment, *, error=None, posted=None, ask_confirmation=False, field_errors=None):
    round = assignment.round
    entry = assignment.entry
    review = Review.objects.filter(assignment=assignment).first()
    values = selectors.scores_of(assignment)
    if posted is not None:
        values = posted
    sources, tracks = selectors.playable_sources(entry)
    language = (get_language() or "fr")[:2]
    criteria = []
    for criterion in round.criteria.all():
        anchors = criterion.anchor_list(language)
        field_error = (field_errors or {}).get(criterion.pk, "")
        described_by = [
            name
            for name, shown in (
                (f"guidance_{criterion.pk}", criterion.guidance),
                (f"anchors_{criterion.pk}", anchors),
                (f"error_{criterion.pk}", field_error),
            )
            if shown
        ]
        criteria.append(
            {
                "criterion": criterion,
                "value": values.get(criterion.pk),
                "anchors": anchors,
                "error": field_error,
                "described_by": " ".join(described_by),
            }
        )
    return {
        "contest": contest,
        "round": round,
        "assignment": assignment,
        "entry": entry,
        "review": review,
        "watched_text": services.watched_text(review),
        "duration": selectors.film_duration_text(entry),
        "criteria": criteria,
        "warnings": list(entry.content_warnings.all()),
        "support": list(SupportResource.objects.filter(contest=contest)),
        "sources": sources,
        "tracks": tracks,
        "show_identity": permissions.show_identity(contest),
        "peers": selectors.peer_reviews(assignment=assignment),
        "is_open": round.is_open(),
        "required_share": services.WATCHED_SHARE_REQUIRED,
        "error": error,
        "ask_confirmation": ask_confirmation,
    }


@login_required
def jury_entry(request, contest_slug, round_id, code):
    """The blind entry page and its score form. POST submits the review (drafts go through jury_autosave)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    if request.method == "POST":
        values = {
            criterion.pk: request.POST.get(f"score_{criterion.pk}", "") for criterion in assignment.round.criteria.all()
        }
        try:
            services.save_review(
                assignment=assignment,
                by=request.user,
                values=values,
                private_comment=request.POST.get("private_comment", ""),
                team_feedback=request.POST.get("team_feedback", ""),
                submit=True,
                confirm_unwatched=request.POST.get("confirm_unwatched") == "1",
            )
        except services.JudgingError as error:
            context = _entry_context(
                request,
                contest,
                assignment,
                error=error.message,
                posted=values,
                ask_confirmation=error.code == "unwatched",
                field_errors={problem.criterion.pk: problem.message for problem in getattr(error, "problems", [])},
            )
            return render(request, "judging/jury_entry.html", context, status=400)
        messages.success(request, _("Your review of %(code)s is submitted.") % {"code": assignment.entry.code})
        return redirect("jury_queue", contest_slug=contest.slug, round_id=assignment.round_id)
    return render(request, "judging/jury_entry.html", _entry_context(request, contest, assignment))


@login_required
@require_POST
def jury_autosave(request, contest_slug, round_id, code):
    """Save a draft from the score form's JavaScript: {"values": {criterion_id: value}, "private_comment", ...}."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    try:
        body = read_json_object(request, {"values": dict, "private_comment": str, "team_feedback": str})
    except MalformedBody as error:
        return error.response()
    try:
        outcome = services.save_draft(
            assignment=assignment,
            by=request.user,
            values=body.get("values", {}),
            private_comment=body.get("private_comment"),
            team_feedback=body.get("team_feedback"),
        )
    except services.JudgingError as error:
        status = 409 if error.code == "already_submitted" else 400
        return JsonResponse({"ok": False, "error": error.code, "message": str(error.message)}, status=status)
    saved_at = timezone.localtime(outcome.review.updated_at).strftime("%H:%M:%S")
    if outcome.problems:
        names = ", ".join(problem.criterion.name for problem in outcome.problems)
        return JsonResponse(
            {
                "ok": False,
                "error": outcome.problems[0].code,
                "saved_at": saved_at,
                "message": _("Draft saved at %(time)s, except the marked scores: %(names)s.")
                % {"time": saved_at, "names": names},
                "fields": {problem.field: problem.message for problem in outcome.problems},
            },
            status=400,
        )
    return JsonResponse(
        {"ok": True, "saved_at": saved_at, "message": _("Draft saved at %(time)s.") % {"time": saved_at}, "fields": {}}
    )


@login_required
@require_POST
def jury_watched(request, contest_slug, round_id, code):
    """The player reports the furthest position reached: {"position": seconds}. A "duration" it sends is ignored:
    the share is computed from the film's known duration (services.record_watching)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    try:
        body = read_json_object(request, {"position": float, "duration": float})  # duration: shape only, never trusted
    except MalformedBody as error:
        return error.response()
    if "position" not in body:
        return JsonResponse(
            {"ok": False, "error": "bad_request", "message": str(_('Send JSON {"position": seconds}.'))}, status=400
        )
    try:
        review = services.record_watching(assignment=assignment, by=request.user, position_s=body["position"])
    except services.JudgingError as error:
        return JsonResponse({"ok": False, "error": error.code, "message": str(error.message)}, status=400)
    return JsonResponse(
        {"ok": True, "watched_share": round(review.watched_share or 0, 3), "message": services.watched_text(review)}
    )


@login_required
@require_POST
def jury_entry_conflict(request, contest_slug, round_id, code):
    """“I know who made this film”: the juror declares a conflict with the entry and it leaves their queue."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    services.declare_conflict(contest=contest, juror=request.user, by=request.user, entry=assignment.entry)
    messages.success(request, _("Conflict recorded: this film left your queue. Thank you for saying so."))
    return redirect("jury_queue", contest_slug=contest.slug, round_id=round_id)


@login_required
def jury_conflicts(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    current = set(
        ContentOptOut.objects.filter(contest=contest, juror=request.user).values_list("content_warning_id", flat=True)
    )
    conflict_form = JurorConflictForm(contest=contest, prefix="conflict")
    opt_out_form = OptOutForm(contest=contest, prefix="optout", initial={"warnings": list(current)})
    if request.method == "POST":
        if request.POST.get("action") == "institution":
            conflict_form = JurorConflictForm(request.POST, contest=contest, prefix="conflict")
            if conflict_form.is_valid():
                services.declare_conflict(
                    contest=contest,
                    juror=request.user,
                    by=request.user,
                    institution=conflict_form.cleaned_data["institution"],
                )
                messages.success(request, _("Conflict recorded."))
                return redirect("jury_conflicts", contest_slug=contest.slug)
        elif request.POST.get("action") == "opt_out":
            opt_out_form = OptOutForm(request.POST, contest=contest, prefix="optout")
            if opt_out_form.is_valid():
                services.set_content_opt_outs(
                    contest=contest,
                    juror=request.user,
                    warnings=list(opt_out_form.cleaned_data["warnings"]),
                    by=request.user,
                )
                messages.success(request, _("Your choices are saved."))
                return redirect("jury_conflicts", contest_slug=contest.slug)
    conflicts = Conflict.objects.filter(contest=contest, juror=request.user).select_related("institution", "entry")
    return render(
        request,
        "judging/jury_conflicts.html",
        {
            "contest": contest,
            "conflict_form": conflict_form,
            "opt_out_form": opt_out_form,
            "conflicts": conflicts,
            "only_round": selectors.juror_only_round(request.user, contest),
        },
    )


# Organisers


@login_required
def judging_dashboard(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    require_organiser(request.user, contest)
    form = RoundForm(request.POST or None, prefix="round")
    jurors = User.objects.filter(
        pk__in=ContestRole.objects.filter(contest=contest, role=ContestRole.Role.JUROR).values("user_id")
    ).order_by("email")
    conflict_form = OrganiserConflictForm(contest=contest, jurors=jurors, prefix="conflict")
    if request.method == "POST" and request.POST.get("action") == "round":
        if form.is_valid():
            try:
                round = services.create_round(contest=contest, by=request.user, **form.cleaned_data)
            except services.JudgingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Round created. Add its criteria and jurors."))
                return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
    elif request.method == "POST" and request.POST.get("action") == "conflict":
        conflict_form = OrganiserConflictForm(request.POST, contest=contest, jurors=jurors, prefix="conflict")
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
    return render(
        request,
        "judging/dashboard.html",
        {
            "contest": contest,
            "rounds": contest.rounds.all(),
            "form": form,
            "conflict_form": conflict_form,
            "conflicts": Conflict.objects.filter(contest=contest).select_related(
                "juror", "entry", "team", "institution"
            ),
        },
    )


@login_required
def round_detail(request, contest_slug, round_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    round = permissions.organiser_round_or_404(request.user, contest, round_id)
    criterion_form = CriterionForm(prefix="criterion")
    manual_form = ManualAssignmentForm(round=round, prefix="manual")
    round_form = RoundForm(instance=round, prefix="round")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "criterion":
                criterion_form = CriterionForm(request.POST, prefix="criterion")
                if criterion_form.is_valid():
                    services.add_criterion(round=round, by=request.user, **criterion_form.cleaned_data)
                    messages.success(request, _("Criterion added."))
                    return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "settings":
                round_form = RoundForm(request.POST, instance=Round.objects.get(pk=round.pk), prefix="round")
                if round_form.is_valid():
                    services.update_round(round=round, by=request.user, **round_form.cleaned_data)
                    messages.success(request, _("Round saved."))
                    return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "seat_all":
                added = services.seat_all_jurors(round=round, by=request.user)
                messages.success(request, _("%(count)d jurors added to the round.") % {"count": added})
                return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "remove_juror":
                member = get_object_or_404(
                    RoundJuror, round=round, user_id=posted_id(request.POST, "user"), active=True
                )
                outcome = services.remove_round_juror(round=round, user=member.user, by=request.user)
                messages.success(
                    request,
                    _("%(juror)s left the round; %(added)d assignments were redistributed.")
                    % {"juror": member.user, "added": outcome["added"]},
                )
                return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "assign":
                outcome = services.assign_jurors(round=round, by=request.user)
                messages.success(
                    request,
                    _("Assignment done: %(added)d added, %(removed)d removed, %(short)d entries short of jurors.")
                    % {"added": outcome["added"], "removed": outcome["removed"], "short": len(outcome["short"])},
                )
                return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "add_assignment":
                manual_form = ManualAssignmentForm(request.POST, round=round, prefix="manual")
                if manual_form.is_valid():
                    entry = get_object_or_404(
                        Entry, contest=contest, code=manual_form.cleaned_data["code"].strip().upper()
                    )
                    services.add_assignment(
                        round=round, juror=manual_form.cleaned_data["juror"], entry=entry, by=request.user
                    )
                    messages.success(request, _("Assignment added."))
                    return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
            elif action == "remove_assignment":
                assignment = get_object_or_404(Assignment, round=round, pk=posted_id(request.POST, "assignment"))
                services.remove_assignment(assignment=assignment, by=request.user)
                messages.success(request, _("Assignment removed."))
                return redirect("judging_round", contest_slug=contest.slug, round_id=round.pk)
        except services.JudgingError as error:
            messages.error(request, error.message)
    return render(
        request,
        "judging/round.html",
        {
            "contest": contest,
            "round": round,
            "criteria": round.criteria.all(),
            "criterion_form": criterion_form,
            "manual_form": manual_form,
            "round_form": round_form,
            **selectors.round_overview(round=round),
        },
    )


@login_required
def round_results(request, contest_slug, round_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    round = permissions.organiser_round_or_404(request.user, contest, round_id)
    shortlist_form = ShortlistForm(request.POST or None)
    if request.method == "POST" and shortlist_form.is_valid():
        results = selectors.round_results(round=round, viewer=request.user)
        top = shortlist_form.cleaned_data["top"]
        chosen = [row["entry"]["pk"] for row in results["rows"] if row["result"].rank and row["result"].rank <= top]
        count = services.set_shortlist(round=round, entry_ids=chosen, by=request.user)
        messages.success(request, _("%(count)d entries shortlisted for the next round.") % {"count": count})
        return redirect("judging_results", contest_slug=contest.slug, round_id=round.pk)
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
            "shortlist_form": shortlist_form,
        },
    )


@login_required
def round_entry(request, contest_slug, round_id, code):
    contest = get_object_or_404(Contest, slug=contest_slug)
    round = permissions.organiser_round_or_404(request.user, contest, round_id)
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
        },
    )


def _download(rows, *, fmt: str, name: str) -> HttpResponse:
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
    contest = get_object_or_404(Contest, slug=contest_slug)
    round = permissions.organiser_round_or_404(request.user, contest, round_id)
    if what == "scores":
        rows = exports.score_rows(round=round, viewer=request.user)
    elif what == "ranking":
        rows = exports.ranking_rows(round=round, viewer=request.user)
    else:
        raise Http404
    return _download(rows, fmt=fmt, name=f"{contest.slug}-round{round.order}-{what}")


@login_required
def awards(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    require_organiser(request.user, contest)
    form = AwardForm(request.POST or None, contest=contest)
    if request.method == "POST" and request.POST.get("action") == "remove":
        award = get_object_or_404(Award, contest=contest, pk=posted_id(request.POST, "award"))
        services.remove_award(award=award, by=request.user)
        messages.success(request, _("Award removed."))
        return redirect("judging_awards", contest_slug=contest.slug)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_award(
                prize=data["prize"],
                entry=data["entry"],
                by=request.user,
                citation_fr=data["citation_fr"],
                citation_en=data["citation_en"],
                reason_if_not_ranking=data["reason_if_not_ranking"],
            )
        except services.JudgingError as error:
            form.add_error("reason_if_not_ranking" if error.code == "reason_required" else None, error.message)
        else:
            messages.success(request, _("Award recorded."))
            blind = selectors.blind_rounds_in_progress([data["entry"].pk], at=timezone.now()).get(data["entry"].pk)
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
    prizes = [{"prize": prize, "suggested": services.ranking_choice(prize=prize)} for prize in contest.prizes.all()]
    return render(
        request,
        "judging/awards.html",
        {
            "contest": contest,
            "form": form,
            "prizes": prizes,
            "awards": Award.objects.filter(contest=contest).select_related("prize", "entry", "decided_by"),
        },
    )


@login_required
def awards_export(request, contest_slug, fmt):
    contest = get_object_or_404(Contest, slug=contest_slug)
    require_organiser(request.user, contest)
    return _download(exports.award_rows(contest=contest), fmt=fmt, name=f"{contest.slug}-awards")
