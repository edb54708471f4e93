"""The juror's pages: their rounds, queue, the blind entry page and its score form, conflicts, opt-outs and mails."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actions import perform
from accounts.request_body import MalformedBody, read_json_object
from contest import consents, subtitles
from contest.models import Contest, SupportResource
from contest.selectors import player_passages
from media_pipeline import jury_cut, storage
from media_pipeline.delivery import NO_STORE, playable
from media_pipeline.models import ViewingSession
from media_pipeline.screener_views import open_screener
from media_pipeline.selectors import accepted_film
from media_pipeline.viewing import Viewer

from .. import deliberation, discussion, final_vote, pace, permissions, players, selectors, services
from ..forms import JurorConflictForm, JurorMailForm, OptOutForm, WarningPaceForm
from ..models import AssignmentWish, Deliberation, Review, score_level


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
            "vote": final_vote.juror_vote(round, request.user),
            "deliberation": Deliberation.objects.filter(round=round).first(),
            "leads": deliberation.is_president(contest, request.user),
            "scoring_closed": timezone.now() > round.closes_at,
            **selectors.juror_queue(round=round, user=request.user),
        },
    )


def _entry_context(
    request,
    contest,
    assignment,
    *,
    error=None,
    posted=None,
    ask_confirmation=False,
    field_errors=None,
    message_error="",
    message_text="",
):
    round = assignment.round
    entry = assignment.entry
    review = Review.objects.filter(assignment=assignment).first()
    values = selectors.scores_of(assignment)
    if posted is not None:
        values = posted
    language = (get_language() or "fr")[:2]
    jury_may_watch = consents.allows_jury(entry)
    address = {"contest_slug": contest.slug, "round_id": round.pk, "code": entry.code}
    cut = jury_cut.cut_of_screener(entry, accepted_film(entry))
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
                "level": score_level(values.get(criterion.pk)),
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
        "watched_text": selectors.watched_text(review),
        "duration": selectors.film_duration_text(entry),
        "criteria": criteria,
        "warnings": list(entry.content_warnings.all()),
        "support": list(SupportResource.objects.filter(contest=contest)),
        "passages": (
            player_passages(entry, offset_s=cut.offset_s, until_s=cut.end_s) if cut else player_passages(entry)
        )
        if jury_may_watch
        else [],
        "player": players.juror_player(
            entry,
            screener_url=reverse("jury_screener", kwargs=address),
            cut_subtitles_url=reverse("jury_subtitles", kwargs=address),
        )
        if jury_may_watch
        else None,
        "film_offset": cut.offset_s if cut is not None else 0,
        "consent_withheld": not jury_may_watch,
        "show_identity": permissions.show_identity(contest),
        "peers": selectors.peer_reviews(assignment=assignment),
        "discussion": discussion.thread(assignment) if discussion.can_discuss(assignment) else None,
        "message_error": message_error,
        "message_text": message_text,
        "is_open": round.is_open(),
        "watching_clock": services.watching_clock(assignment),
        "required_share": services.WATCHED_SHARE_REQUIRED,
        "error": error,
        "ask_confirmation": ask_confirmation,
    }


@login_required
@require_safe
def jury_entry(request, contest_slug, round_id, code):
    """The blind entry page and its score form (which posts to jury_submit; drafts go through jury_autosave)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    waiting = pace.held(contest=contest, juror=request.user, assignments=[assignment]).get(assignment.pk)
    if waiting is not None:
        messages.info(request, _held_message(waiting))
        return redirect("jury_queue", contest_slug=contest.slug, round_id=round_id)
    pace.mark_opened(assignment)
    return render(request, "judging/jury_entry.html", _entry_context(request, contest, assignment))


def _held_message(waiting: pace.Held) -> str:
    return _(
        "You asked for at most %(per_day)d films with “%(warning)s” a day: this one opens tomorrow. You can change "
        "your pace on the page of your conflicts and choices."
    ) % {"per_day": waiting.per_day, "warning": waiting.warning.name}


def _watchable_assignment_or_404(request, contest_slug, round_id, code):
    """The juror's assignment, when its film may play for them now: the jury's consent given (contest.consents)
    and the juror's pace not holding it (pace.py). Else 404, as for anyone else's."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    if not consents.allows_jury(assignment.entry) or pace.held(
        contest=contest, juror=request.user, assignments=[assignment]
    ):
        raise Http404
    return assignment


@login_required
@require_safe
def jury_screener(request, contest_slug, round_id, code):
    """The blind player's screener: a viewing session of the juror's own (marked with its number), then its
    master playlist."""
    assignment = _watchable_assignment_or_404(request, contest_slug, round_id, code)
    viewer = Viewer(kind=ViewingSession.Kind.JUROR, user=request.user, grant=f"assignment:{assignment.pk}")
    return open_screener(request, film=accepted_film(assignment.entry), viewer=viewer)


@login_required
@require_safe
def jury_subtitles(request, contest_slug, round_id, code):
    """The film's subtitles for the juror's cut player (media_pipeline.jury_cut): timed from the cut's start, the
    cues inside the credits left out. 404 as the screener is."""
    entry = _watchable_assignment_or_404(request, contest_slug, round_id, code).entry
    found, cut = playable(entry), jury_cut.cut_of_screener(entry, accepted_film(entry))
    if found is None or not found.subtitles_key or cut is None:
        raise Http404
    try:
        fileobj, _size = storage.open_watched(found.subtitles_key)
        with fileobj:
            text = fileobj.read().decode("utf-8", errors="replace")
    except storage.ObjectGone:
        raise Http404 from None
    except storage.StorageUnavailable:
        return HttpResponse(status=503, headers={"Retry-After": "30", "Cache-Control": NO_STORE})
    response = HttpResponse(subtitles.cut_webvtt(text, start_s=cut.offset_s, end_s=cut.end_s), content_type="text/vtt")
    response["Cache-Control"] = NO_STORE
    return response


@login_required
@require_POST
def jury_submit(request, contest_slug, round_id, code):
    """Submit the review. A refusal shows the entry page again (400) with what was typed, each score's problem beside
    it, and the question to confirm when the film was not watched enough."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
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
    """The player reports the furthest position reached: {"position": seconds, "clock": the page's watching clock,
    "playing_for": seconds since it first played}. A "duration" it sends is ignored: the share is computed from the
    film's known duration (services.record_watching)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    try:
        body = read_json_object(
            request, {"position": float, "duration": float, "clock": str, "playing_for": float}
        )  # duration: shape only, never trusted
    except MalformedBody as error:
        return error.response()
    if "position" not in body:
        return JsonResponse(
            {"ok": False, "error": "bad_request", "message": str(_('Send JSON {"position": seconds}.'))}, status=400
        )
    try:
        review = services.record_watching(
            assignment=assignment,
            by=request.user,
            position_s=body["position"],
            clock=body.get("clock"),
            playing_for_s=body.get("playing_for"),
        )
    except services.JudgingError as error:
        return JsonResponse({"ok": False, "error": error.code, "message": str(error.message)}, status=400)
    return JsonResponse(
        {"ok": True, "watched_share": round(review.watched_share or 0, 3), "message": selectors.watched_text(review)}
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


def _conflicts_page(request, contest, *, conflict_form=None, opt_out_form=None, pace_form=None):
    current = selectors.opt_out_warning_ids(contest=contest, juror=request.user)
    preference = selectors.juror_mail_preference(contest=contest, juror=request.user)
    return render(
        request,
        "judging/jury_conflicts.html",
        {
            "contest": contest,
            "conflict_form": conflict_form or JurorConflictForm(contest=contest, prefix="conflict"),
            "opt_out_form": opt_out_form
            or OptOutForm(contest=contest, prefix="optout", initial={"warnings": list(current)}),
            "conflicts": selectors.juror_conflicts(contest=contest, juror=request.user),
            "only_round": selectors.juror_only_round(request.user, contest),
            "mail_form": JurorMailForm(
                initial={"reminders": preference.reminders, "digest": preference.digest}, prefix="mails"
            ),
            "reminder_days": settings.JUROR_REMINDER_DAYS,
            "pace_form": pace_form or WarningPaceForm(contest=contest, prefix="pace"),
            "paces": sorted(
                pace.paces(contest=contest, juror=request.user).values(), key=lambda chosen: chosen.content_warning.name
            ),
        },
    )


@login_required
@require_safe
def jury_conflicts(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    return _conflicts_page(request, contest)


@login_required
@require_POST
def jury_set_pace(request, contest_slug):
    """The juror's pace for films with one content warning (at most so many a day; empty: no limit)."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    pace_form = WarningPaceForm(request.POST, contest=contest, prefix="pace")
    return perform(
        request,
        lambda: services.set_warning_pace(
            contest=contest,
            juror=request.user,
            warning=pace_form.cleaned_data["warning"],
            per_day=pace_form.cleaned_data["per_day"],
        ),
        form=pace_form,
        success=_("Your pace is saved: your queue follows it from now on."),
        redirect_to=redirect("jury_conflicts", contest_slug=contest.slug),
        page=lambda: _conflicts_page(request, contest, pace_form=pace_form),
    )


@login_required
@require_POST
def jury_declare_conflict(request, contest_slug):
    """The juror declares a conflict with an institution."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    conflict_form = JurorConflictForm(request.POST, contest=contest, prefix="conflict")
    return perform(
        request,
        lambda: services.declare_conflict(
            contest=contest, juror=request.user, by=request.user, institution=conflict_form.cleaned_data["institution"]
        ),
        form=conflict_form,
        success=_("Conflict recorded."),
        redirect_to=redirect("jury_conflicts", contest_slug=contest.slug),
        page=lambda: _conflicts_page(request, contest, conflict_form=conflict_form),
    )


@login_required
@require_POST
def jury_set_opt_outs(request, contest_slug):
    """The juror chooses the content warnings whose films they will not be given."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    opt_out_form = OptOutForm(request.POST, contest=contest, prefix="optout")
    return perform(
        request,
        lambda: services.set_content_opt_outs(
            contest=contest, juror=request.user, warnings=list(opt_out_form.cleaned_data["warnings"]), by=request.user
        ),
        form=opt_out_form,
        success=_("Your choices are saved."),
        redirect_to=redirect("jury_conflicts", contest_slug=contest.slug),
        page=lambda: _conflicts_page(request, contest, opt_out_form=opt_out_form),
    )


@login_required
@require_POST
def jury_set_mails(request, contest_slug):
    """The juror turns the reminders before a round closes, and the discussion digest, on or off."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    form = JurorMailForm(request.POST, prefix="mails")
    return perform(
        request,
        lambda: services.set_juror_mail_preference(
            contest=contest,
            juror=request.user,
            reminders=form.cleaned_data["reminders"],
            digest=form.cleaned_data["digest"],
        ),
        form=form,
        success=_("Your choices are saved."),
        redirect_to=redirect(reverse("jury_conflicts", args=[contest.slug]) + "#mails"),
    )


@login_required
@require_POST
def jury_post_message(request, contest_slug, round_id, code):
    """A juror who submitted their review writes to the others in the entry's discussion."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    assignment = permissions.juror_assignment_or_404(request.user, contest, round_id, code)
    text = request.POST.get("message", "")
    try:
        services.post_message(assignment=assignment, by=request.user, text=text)
    except services.JudgingError as error:
        context = _entry_context(request, contest, assignment, message_error=error.message, message_text=text)
        return render(request, "judging/jury_entry.html", context, status=400)
    messages.success(request, _("Message sent to the other jurors of this film."))
    return redirect(
        reverse("jury_entry", kwargs={"contest_slug": contest.slug, "round_id": round_id, "code": code}) + "#discussion"
    )


def _wishes_page(request, contest, round, *, error="", status=200):
    current = dict(AssignmentWish.objects.filter(round=round, juror=request.user).values_list("entry_id", "wish"))
    return render(
        request,
        "judging/jury_wishes.html",
        {
            "contest": contest,
            "round": round,
            "entries": [
                {"entry": entry, "wish": current.get(entry.pk, 0)}
                for entry in selectors.wishable_entries(round=round, juror=request.user)
            ],
            "error": error,
        },
        status=status,
    )


@login_required
@require_safe
def jury_wishes(request, contest_slug, round_id):
    """The round's films by title and synopsis (blind): the juror says which they would like, or rather not, to
    judge; the automatic assignment follows it between jurors of equal load."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    round = selectors.get_juror_round_or_404(request.user, contest, round_id)
    return _wishes_page(request, contest, round)


@login_required
@require_POST
def jury_set_wishes(request, contest_slug, round_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    permissions.require_juror(request.user, contest)
    round = selectors.get_juror_round_or_404(request.user, contest, round_id)
    wishes = {}
    for name, value in request.POST.items():
        if not name.startswith("wish_"):
            continue
        entry = name.removeprefix("wish_")
        if not (entry.isascii() and entry.isdigit()) or value not in ("1", "0", "-1"):
            raise BadRequest(f"{name}: not a wish")
        wishes[int(entry)] = int(value)
    refused = {}
    return perform(
        request,
        lambda: services.set_assignment_wishes(round=round, juror=request.user, wishes=wishes),
        success=_("Your wishes are saved: the assignment follows them where the loads allow."),
        redirect_to=redirect("jury_wishes", contest_slug=contest.slug, round_id=round.pk),
        show_error=lambda error: refused.update(error=error.message),
        page=lambda: _wishes_page(request, contest, round, error=refused.get("error", ""), status=400),
    )
