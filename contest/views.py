from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import perform
from accounts.client_ip import client_ip
from accounts.forms import SignupForm
from accounts.services import over_limit, send_email_verification

from . import blind_leaks, consents, editions, permissions, selectors, services
from .forms import (
    CreditsForm,
    EntryForm,
    InviteForm,
    PassageForm,
    PersonOnScreenForm,
    TeamForm,
)
from .invitations import invite
from .models import Contest, Entry, EntryEdit, Invitation, timecode_or_empty

PENDING_EDIT_MESSAGE = gettext_lazy(
    "Your changes to the title and synopsis wait for an organiser's review; the public page shows the approved text."
)


def home(request):
    """Send each person to where their work is; anonymous visitors see the contests."""
    if request.user.is_authenticated:
        destination = selectors.landing_url(request.user)
        if destination:
            return redirect(destination)
    now = timezone.now()
    contests = [(contest, selectors.showcase(request.user, contest, at=now)) for contest in Contest.objects.all()]
    return render(request, "contest/home.html", {"contests": contests})


def contest_detail(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    now = timezone.now()
    shown = selectors.showcase(request.user, contest, at=now)
    return render(
        request,
        "contest/contest_detail.html",
        {
            "contest": contest,
            "rules": selectors.rules_in_words(contest),
            "prizes": [(prize, shown["winners"].get(prize.pk, [])) for prize in contest.prizes.all()],
            "shown": shown,
            "warnings": contest.content_warnings.all(),
            "resources": contest.support_resources.all(),
            "now": now,
            "in_a_team": permissions.teams_of(request.user, contest).exists(),
            "editions": [(editions.edition_year(edition), edition) for edition in editions.editions(contest)],
        },
    )


def register_team(request, contest_slug):
    """Sign up and register a team in one step; the person becomes its captain. The team waits for an organiser's
    approval (it counts for its own entries only until then) and the new account for its address's confirmation."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    if not contest.registration_is_open():
        return render(
            request,
            "contest/register_team.html",
            {"contest": contest, "closed": True},
            status=403 if request.method == "POST" else 200,
        )
    if request.user.is_authenticated:
        signup_form = None
    else:
        signup_form = SignupForm(request.POST or None, prefix="account")
    team_form = TeamForm(request.POST or None, contest=contest, prefix="team")
    if request.method == "POST" and over_limit(
        scope="register",
        key=client_ip(request) or "",
        limit=settings.REGISTRATION_ATTEMPTS_PER_HOUR,
        seconds=3600,
    ):
        # Unbound forms, so that nothing about the typed address is checked or said (enumeration); what was typed
        # is kept but the password.
        if signup_form is not None:
            signup_form = SignupForm(prefix="account", initial=_typed(signup_form, ("full_name", "email")))
        team_form = TeamForm(contest=contest, prefix="team", initial=_typed(team_form, ("name", "institution")))
        return render(
            request,
            "contest/register_team.html",
            {
                "contest": contest,
                "signup_form": signup_form,
                "team_form": team_form,
                "refusal": _("Too many registrations from this network in the last hour: try again later."),
            },
            status=429,
        )
    if request.method == "POST" and team_form.is_valid() and (signup_form is None or signup_form.is_valid()):
        try:
            with transaction.atomic():  # no account is left behind when the team is refused
                user = request.user if signup_form is None else signup_form.save(language=request.LANGUAGE_CODE)
                services.create_team(
                    contest=contest,
                    name=team_form.cleaned_data["name"],
                    institution=team_form.cleaned_data["institution"],
                    captain=user,
                )
                if user.email_verified_at is None:
                    send_email_verification(user=user, language=request.LANGUAGE_CODE)
        except services.ContestError as error:
            team_form.add_error("name", error.message)
        else:
            if signup_form is not None:
                login(request, user, backend="accounts.backends.EmailBackend")
            messages.success(
                request,
                _("Your team is registered and waits for the organisers' approval. You can prepare your entries now."),
            )
            return redirect("team_dashboard", contest_slug=contest.slug)
    return render(
        request,
        "contest/register_team.html",
        {"contest": contest, "signup_form": signup_form, "team_form": team_form},
    )


def _typed(form, names) -> dict:
    return {name: form.data.get(form.add_prefix(name), "") for name in names}


@login_required
def team_dashboard(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    teams = list(permissions.teams_of(request.user, contest))
    if not teams:
        if permissions.is_organiser(request.user, contest):
            return redirect("organiser_dashboard", contest_slug=contest.slug)
        raise Http404
    now = timezone.now()
    return render(
        request,
        "contest/team_dashboard.html",
        {
            "contest": contest,
            "teams": selectors.team_overview(teams=teams, now=now, user=request.user),
            "invite_form": InviteForm(),
            "now": now,
        },
    )


@login_required
@require_POST
def team_invite(request, contest_slug, team_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    team = get_object_or_404(permissions.teams_of(request.user, contest), pk=team_id)
    return answer_invitation(
        request,
        contest,
        kind=Invitation.Kind.TEAM_MEMBER,
        team=team,
        redirect_to=redirect("team_dashboard", contest_slug=contest.slug),
    )


def answer_invitation(request, contest, *, kind: str, team=None, redirect_to) -> HttpResponse:
    """The answer to a posted InviteForm (a team's or the organisers'): the invitation mailed, or what is wrong."""
    form = InviteForm(request.POST)
    return perform(
        request,
        lambda: invite(
            contest=contest,
            email=form.cleaned_data["email"],
            kind=kind,
            team=team,
            by=request.user,
            language=request.LANGUAGE_CODE,
        ),
        form=form,
        invalid=_("Enter a valid email address to invite someone."),
        success=lambda sent: _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        redirect_to=redirect_to,
    )


@login_required
def entry_create(request, contest_slug):
    contest = get_object_or_404(Contest, slug=contest_slug)
    teams = list(permissions.teams_of(request.user, contest))
    if not teams:
        raise Http404
    team = teams[0]
    form = EntryForm(request.POST or None, request.FILES or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                team=team,
                by=request.user,
                content_warnings=form.cleaned_data["content_warnings"],
                **form.service_values(),
            )
        except services.ContestError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id)
    return render(
        request,
        "contest/entry_form.html",
        {"contest": contest, "form": form, "entry": None, "team": team, "resources": contest.support_resources.all()},
    )


@login_required
def entry_detail(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    return entry_page(request, contest, entry)


def entry_page(request, contest, entry, *, person_form=None, passage_form=None, credits_form=None, status=200):
    """The team's page of one entry; `person_form`, `passage_form` or `credits_form`, bound, when what it asked was
    refused."""
    now = timezone.now()
    opening_credits = timecode_or_empty(entry.opening_credits_end_s)
    closing_credits = timecode_or_empty(entry.closing_credits_start_s)
    return render(
        request,
        "contest/entry_detail.html",
        {
            "contest": contest,
            "entry": entry,
            "missing": services.missing_for_submission(entry, now) if entry.status == Entry.Status.DRAFT else [],
            "can_edit": selectors.entry_is_editable(entry, now),
            "can_withdraw": entry.status in Entry.OPEN_STATUSES,
            "edit_status": selectors.team_edit_status(entry),
            "warnings": entry.content_warnings.all(),
            "events": entry.audit_events.select_related("actor")[:20],
            "notices": selectors.team_notices(entry, user=request.user, now=now),
            "sections": selectors.entry_sections(entry, user=request.user, now=now),
            "leaks": blind_leaks.blind_leaks(entry) if entry.status in Entry.OPEN_STATUSES else [],
            "people": consents.people_states(entry, at=now),
            "uses": consents.entry_use_states(entry, at=now),
            "person_form": person_form or PersonOnScreenForm(),
            "person_form_refused": person_form is not None,
            "passages": entry.passages.select_related("content_warning"),
            "passage_form": passage_form or PassageForm(contest=contest),
            "passage_form_refused": passage_form is not None,
            "opening_credits": opening_credits,
            "closing_credits": closing_credits,
            "credits_form": credits_form
            or CreditsForm(
                initial={"opening_credits_end_s": opening_credits, "closing_credits_start_s": closing_credits}
            ),
            "credits_form_refused": credits_form is not None,
            "can_change": entry.status in Entry.OPEN_STATUSES,
        },
        status=status,
    )


@login_required
def entry_edit(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    edit_status = selectors.team_edit_status(entry)
    # The form shows what the team last proposed, so that saving another field keeps the proposal as it stands.
    pending = edit_status.fields if edit_status and edit_status.decision == EntryEdit.Decision.PENDING else None
    form = EntryForm(request.POST or None, request.FILES or None, instance=entry, initial=pending, contest=contest)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        warnings = form.cleaned_data["content_warnings"]
        entry.refresh_from_db()  # the form wrote its values onto the instance; the service compares against the row
        try:
            services.update_entry(entry=entry, by=request.user, content_warnings=warnings, **values)
        except services.ContestError as error:
            form.add_error(None, error.message)
        else:
            edit_status = selectors.team_edit_status(entry)
            if edit_status and edit_status.decision == EntryEdit.Decision.PENDING:
                messages.info(request, PENDING_EDIT_MESSAGE)
            else:
                messages.success(request, _("Changes saved."))
            return redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id)
    return render(
        request,
        "contest/entry_form.html",
        {
            "contest": contest,
            "form": form,
            "entry": entry,
            "team": entry.team,
            "edit_status": edit_status,
            "resources": contest.support_resources.all(),
        },
    )


@login_required
def entry_submit(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return perform(
        request,
        lambda: services.submit_entry(entry=entry, by=request.user),
        success=_("Your entry is submitted. A receipt was emailed to your team."),
        redirect_to=_back_to_entry(contest, entry),
    )


@login_required
def entry_withdraw(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return perform(
        request,
        lambda: services.withdraw_entry(entry=entry, by=request.user),
        success=_("Your entry is withdrawn."),
        redirect_to=_back_to_entry(contest, entry),
    )


def _back_to_entry(contest, entry):
    return redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id)


@login_required
@require_GET
def entry_withdraw_confirm(request, contest_slug, public_id):
    """What withdrawing will do, with the one button that posts to entry_withdraw."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    try:
        services.check_withdrawable(entry=entry)
    except services.ContestError as error:
        messages.error(request, error.message)
        return _back_to_entry(contest, entry)
    return render(
        request,
        "contest/entry_withdraw_confirm.html",
        {"contest": contest, "entry": entry, "stakes": selectors.withdrawal_stakes(entry)},
    )
