"""People on screen and their consent: the team's list (on its entry page), each person's page behind their secret
link (no account), a new link by mail, and the organisers' waiver of the jury's need of one answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import perform
from accounts.client_ip import client_ip
from accounts.services import over_limit

from . import consents, permissions, services
from .forms import ConsentForm, ConsentLinkRequestForm, PersonOnScreenForm, WaiverForm
from .models import ConsentRecord, ConsentUse, Contest, PersonOnScreen
from .views import entry_page

NO_STORE = "private, no-store"


def _private(response):
    """A consent page names a person and carries their secret in its address: never cached, never referred to
    another site (same-origin, not no-referrer: the form's own POST must carry its origin for the CSRF check)."""
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "same-origin"
    return response


def _back_to_entry(contest, entry):
    return redirect("entry_detail", contest_slug=contest.slug, public_id=entry.public_id)


def _team_person_or_404(request, contest_slug, public_id, person_id) -> tuple[Contest, PersonOnScreen]:
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    return contest, get_object_or_404(PersonOnScreen, entry=entry, pk=person_id)


@login_required
@require_POST
def entry_person_add(request, contest_slug, public_id):
    contest = get_object_or_404(Contest, slug=contest_slug)
    entry = permissions.get_team_entry_or_404(request.user, contest, public_id)
    form = PersonOnScreenForm(request.POST)
    return perform(
        request,
        lambda: services.add_person_on_screen(entry=entry, by=request.user, **form.cleaned_data),
        form=form,
        success=lambda person: _("%(name)s is listed; their link to answer was mailed.") % {"name": person.name},
        redirect_to=_back_to_entry(contest, entry),
        page=lambda: entry_page(request, contest, entry, person_form=form, status=400),
    )


@login_required
@require_POST
def entry_person_remove(request, contest_slug, public_id, person_id):
    contest, person = _team_person_or_404(request, contest_slug, public_id, person_id)
    return perform(
        request,
        lambda: services.remove_person_on_screen(person=person, by=request.user),
        success=_("%(name)s is no longer listed.") % {"name": person.name},
        redirect_to=_back_to_entry(contest, person.entry),
    )


@login_required
@require_POST
def entry_person_link(request, contest_slug, public_id, person_id):
    """A new link for the person (or, with party=guardian, their guardian); the old one stops working."""
    contest, person = _team_person_or_404(request, contest_slug, public_id, person_id)
    party = request.POST.get("party", ConsentRecord.Party.PERSON)
    return perform(
        request,
        lambda: services.send_consent_link(person=person, party=party, by=request.user),
        success=_("A new link was mailed; the previous one no longer works."),
        redirect_to=_back_to_entry(contest, person.entry),
    )


def _consent_page(request, contest, person, party, form, *, status=200):
    entry = person.entry
    planned = consents.planned_uses(entry)
    return _private(
        render(
            request,
            "contest/consent.html",
            {
                "contest": contest,
                "entry": entry,
                "person": person,
                "guardian": party == ConsentRecord.Party.GUARDIAN,
                "warnings": entry.content_warnings.all(),
                "form": form,
                "rows": [(label, planned.get(use), given, until) for use, label, given, until in form.rows()],
                "resources": contest.support_resources.all(),
                "closed": entry.status not in entry.OPEN_STATUSES,
            },
            status=status,
        )
    )


def consent(request, contest_slug, token):
    """The page behind one person's (or guardian's) secret link: what the film is, what it will be shown for and
    from when, and their answer per use, which they may change at any time. Unknown or replaced links: 404."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    found = services.person_for_consent_token(contest=contest, token=token)
    if found is None:
        return _private(render(request, "contest/consent_invalid.html", {"contest": contest}, status=404))
    person, party = found
    now = timezone.now()
    answers = consents.answers_at([person.pk], now)
    mine = {use: answers.get((person.pk, party, use)) for use in ConsentUse.values}
    with timezone.override(contest.tzinfo):
        form = ConsentForm(request.POST or None, uses=ConsentUse.choices, answers=mine)
        if request.method == "POST":
            if not form.is_valid():
                messages.error(request, _("Answer yes or no for each use; nothing was changed."))
                return _consent_page(request, contest, person, party, form, status=400)
            try:
                services.record_consent(person=person, party=party, answers=form.answers(), now=now)
            except services.ContestError as error:
                messages.error(request, error.message)
                return _consent_page(request, contest, person, party, form, status=400)
            messages.success(request, _("Your answer is saved. You can change it here at any time."))
            return _private(redirect("consent", contest_slug=contest.slug, token=token))
        return _consent_page(request, contest, person, party, form)


def consent_new_link(request, contest_slug):
    """Lost link: a new one to the address it was sent to. The answer is the same whether or not it was known."""
    contest = get_object_or_404(Contest, slug=contest_slug)
    form = ConsentLinkRequestForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = over_limit(scope="consent-link", key=email, limit=3, seconds=3600) or over_limit(
            scope="consent-link-ip", key=client_ip(request), limit=20, seconds=3600
        )
        if not limited:
            services.renew_consent_links(contest=contest, email=email)
        sent = True
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return _private(
        render(
            request, "contest/consent_new_link.html", {"contest": contest, "form": form, "sent": sent}, status=status
        )
    )


@login_required
@require_POST
def organiser_person_waive(request, contest_slug, public_id, person_id):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    person = get_object_or_404(PersonOnScreen, entry__contest=contest, entry__public_id=public_id, pk=person_id)
    form = WaiverForm(request.POST)
    return perform(
        request,
        lambda: services.waive_jury_consent(person=person, by=request.user, reason=form.cleaned_data["reason"]),
        form=form,
        invalid=_("Say why the jury may see the film without this person's consent."),
        success=_("The jury may see the film without %(name)s's answer; the reason is in the history.")
        % {"name": person.name},
        redirect_to=redirect("organiser_entry", contest_slug=contest.slug, public_id=person.entry.public_id),
    )
