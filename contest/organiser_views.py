"""The organisers' contest pages: the dashboard, one entry (disqualify, reinstate, accept its film), edits waiting
for review, teams (approve, refuse, extend), registration and juror invitations, the entries CSV. Each action posts
to its own URL and view; the pages answer GET only."""

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import perform
from accounts.models import User

from . import consents, editions, group_messages, imports, permissions, selectors, services
from .forms import (
    DisqualifyForm,
    ExtensionForm,
    GroupMessageForm,
    ImportConfirmForm,
    ImportForm,
    InviteForm,
    NewEditionForm,
    RefuseEditForm,
    ReopenRegistrationForm,
    WaiverForm,
)
from .models import Contest, Entry, EntryEdit, GroupMessage, Invitation, Team
from .views import answer_invitation


def _organiser_team(request, contest_slug, team_id) -> tuple[Contest, Team]:
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    return contest, get_object_or_404(contest.teams, pk=team_id)


@login_required
def organiser_dashboard(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    return render(
        request,
        "contest/organiser_dashboard.html",
        {
            "contest": contest,
            **selectors.organiser_overview(contest=contest),
            "extension_form": ExtensionForm(),
            "reopen_form": ReopenRegistrationForm(),
            "invite_form": InviteForm(),
            "now": timezone.now(),
        },
    )


def _entry_page(request, contest, entry):
    return render(
        request,
        "contest/organiser_entry.html",
        {
            "contest": contest,
            "entry": entry,
            "reinstate_refusal": _reinstate_refusal(entry),
            "events": entry.audit_events.select_related("actor")[:50],
            "members": entry.team.memberships.select_related("user"),
            "people": consents.people_states(entry),
            "uses": consents.entry_use_states(entry),
            "waiver_form": WaiverForm(),
        },
    )


@login_required
@require_GET
def organiser_entry(request, contest_slug, public_id):
    return _entry_page(request, *_organiser_entry_or_404(request, contest_slug, public_id))


@login_required
@require_POST
def organiser_entry_disqualify(request, contest_slug, public_id):
    """Disqualify with the reason given on the confirmation page; without one, that page again (it has the field)."""
    contest, entry = _organiser_entry_or_404(request, contest_slug, public_id)
    form = DisqualifyForm(request.POST)
    if not form.is_valid():
        return _disqualify_confirmation(request, contest, entry, form)
    return perform(
        request,
        lambda: services.disqualify_entry(entry=entry, by=request.user, reason=form.cleaned_data["reason"]),
        success=_("The entry is disqualified; the team was told why."),
        redirect_to=_back_to_entry(contest, entry),
        page=lambda: _entry_page(request, contest, entry),
    )


def _back_to_entry(contest, entry):
    return redirect("organiser_entry", contest_slug=contest.slug, public_id=entry.public_id)


def _set_film_accepted(request, contest_slug, public_id, *, accepted: bool):
    contest, entry = _organiser_entry_or_404(request, contest_slug, public_id)
    return perform(
        request,
        lambda: services.set_film_accepted(entry=entry, accepted=accepted, by=request.user),
        success=_("Film status changed."),
        redirect_to=_back_to_entry(contest, entry),
        page=lambda: _entry_page(request, contest, entry),
    )


@login_required
@require_POST
def organiser_entry_accept_film(request, contest_slug, public_id):
    return _set_film_accepted(request, contest_slug, public_id, accepted=True)


@login_required
@require_POST
def organiser_entry_unaccept_film(request, contest_slug, public_id):
    return _set_film_accepted(request, contest_slug, public_id, accepted=False)


def _organiser_entry_or_404(request, contest_slug, public_id) -> tuple[Contest, Entry]:
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    entry = get_object_or_404(
        Entry.objects.select_related("team__contest", "team__institution"), contest=contest, public_id=public_id
    )
    return contest, entry


def _reinstate_refusal(entry: Entry) -> str | None:
    """Why a withdrawn entry cannot be reinstated now (None: it can); "" for an entry that is not withdrawn."""
    if entry.status != Entry.Status.WITHDRAWN:
        return ""
    try:
        services.check_reinstatable(entry=entry, now=timezone.now())
    except services.ContestError as error:
        return str(error.message)
    return None


def _disqualify_confirmation(request, contest, entry, form):
    return render(
        request,
        "contest/organiser_disqualify_confirm.html",
        {"contest": contest, "entry": entry, "form": form, "stakes": selectors.withdrawal_stakes(entry)},
    )


@login_required
@require_GET
def organiser_entry_disqualify_confirm(request, contest_slug, public_id):
    """What disqualifying will do, with the reason field and the one button that posts to organiser_entry_disqualify."""
    contest, entry = _organiser_entry_or_404(request, contest_slug, public_id)
    if entry.status == Entry.Status.DISQUALIFIED:
        messages.error(request, _("This entry is already disqualified."))
        return _back_to_entry(contest, entry)
    return _disqualify_confirmation(request, contest, entry, DisqualifyForm())


@login_required
@require_GET
def organiser_entry_reinstate_confirm(request, contest_slug, public_id):
    """What reinstating will do, with the one button that posts to organiser_entry_reinstate."""
    contest, entry = _organiser_entry_or_404(request, contest_slug, public_id)
    try:
        services.check_reinstatable(entry=entry, now=timezone.now())
    except services.ContestError as error:
        messages.error(request, error.message)
        return _back_to_entry(contest, entry)
    return render(
        request,
        "contest/organiser_reinstate_confirm.html",
        {
            "contest": contest,
            "entry": entry,
            "state_after": Entry.Status(services.state_before_withdrawal(entry)).label,
        },
    )


@login_required
@require_POST
def organiser_entry_reinstate(request, contest_slug, public_id):
    contest, entry = _organiser_entry_or_404(request, contest_slug, public_id)
    return perform(
        request,
        lambda: services.reinstate_entry(entry=entry, by=request.user),
        success=lambda reinstated: (
            _("The entry is back in the contest (%(status)s); the team was told.")
            % {"status": reinstated.get_status_display()}
        ),
        redirect_to=_back_to_entry(contest, entry),
    )


@login_required
def organiser_edits(request, contest_slug):
    """Teams' changes to the public text of announced entries, waiting for review, with before → after."""
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    return render(
        request,
        "contest/organiser_edits.html",
        {
            "contest": contest,
            "pending": list(selectors.pending_edits(contest=contest)),
            "decided": selectors.decided_edits(contest=contest),
            "refuse_form": RefuseEditForm(),
        },
    )


def _organiser_edit(request, contest_slug, edit_id) -> tuple[Contest, EntryEdit]:
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    return contest, get_object_or_404(EntryEdit.objects.select_related("entry"), entry__contest=contest, pk=edit_id)


@login_required
@require_POST
def organiser_edit_approve(request, contest_slug, edit_id):
    contest, edit = _organiser_edit(request, contest_slug, edit_id)
    return perform(
        request,
        lambda: services.approve_entry_edit(edit=edit, by=request.user),
        success=_("Approved: the public pages show the new text; the team was told."),
        redirect_to=redirect("organiser_edits", contest_slug=contest.slug),
    )


@login_required
@require_POST
def organiser_edit_refuse(request, contest_slug, edit_id):
    contest, edit = _organiser_edit(request, contest_slug, edit_id)
    return perform(
        request,
        lambda: services.refuse_entry_edit(edit=edit, by=request.user, reason=request.POST.get("reason", "")),
        success=_("Refused: the approved text stays; the team was told why."),
        redirect_to=redirect("organiser_edits", contest_slug=contest.slug),
    )


@login_required
@require_POST
def organiser_extension(request, contest_slug, team_id):
    contest, team = _organiser_team(request, contest_slug, team_id)
    form = ExtensionForm(request.POST)
    return perform(
        request,
        lambda: services.grant_extension(team=team, until=form.cleaned_data["until"], by=request.user),
        form=form,
        invalid=_("Enter the date and time the extension ends."),
        success=_("Extension granted to %(team)s.") % {"team": team.name},
        redirect_to=redirect("organiser_dashboard", contest_slug=contest.slug),
    )


@login_required
@require_POST
def organiser_team_approve(request, contest_slug, team_id):
    contest, team = _organiser_team(request, contest_slug, team_id)
    return perform(
        request,
        lambda: services.approve_team(team=team, by=request.user),
        success=_("%(team)s is approved; its members were told.") % {"team": team.name},
        redirect_to=_back_to_teams(contest),
    )


def _back_to_teams(contest):
    return redirect(f"{reverse('organiser_dashboard', kwargs={'contest_slug': contest.slug})}#teams")


@login_required
@require_POST
def organiser_team_refuse(request, contest_slug, team_id):
    contest, team = _organiser_team(request, contest_slug, team_id)
    return perform(
        request,
        lambda: services.refuse_team(team=team, by=request.user, reason=request.POST.get("reason", "")),
        success=_("%(team)s is refused; its members were told why.") % {"team": team.name},
        redirect_to=_back_to_teams(contest),
    )


@login_required
@require_POST
def organiser_reopen_registration(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    form = ReopenRegistrationForm(request.POST)
    return perform(
        request,
        lambda: services.reopen_registration(contest=contest, until=form.cleaned_data["until"], by=request.user),
        form=form,
        invalid=_("Enter the date and time registration closes again."),
        success=lambda reopened: (
            _("Teams can register again until %(date)s.")
            % {"date": date_format(timezone.localtime(form.cleaned_data["until"]), "DATETIME_FORMAT")}
        ),
        redirect_to=_back_to_teams(contest),
    )


@login_required
@require_POST
def organiser_invite_juror(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    return answer_invitation(
        request,
        contest,
        kind=Invitation.Kind.JUROR,
        redirect_to=redirect("organiser_dashboard", contest_slug=contest.slug),
    )


@login_required
def organiser_entries_csv(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contest.slug}-entries.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    for row in selectors.entries_export_rows(contest=contest):
        writer.writerow([_spreadsheet_safe(value) for value in row])
    return response


def _spreadsheet_safe(value):
    """Text a team typed that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) starts with a quote."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _new_edition_page(request, contest, form=None, status=200):
    if form is None:
        year = editions.edition_year(contest) + 1
        form = NewEditionForm(
            initial={
                "slug": f"{contest.slug.rstrip('0123456789-') or contest.slug}-{year}",
                "title_fr": contest.title_fr,
                "title_en": contest.title_en,
                "opens_at": timezone.localtime(contest.opens_at).replace(year=year),
                "closes_at": timezone.localtime(contest.closes_at).replace(
                    year=timezone.localtime(contest.closes_at).year + 1
                ),
                "reinvite_jurors": True,
            }
        )
    return render(request, "contest/organiser_new_edition.html", {"contest": contest, "form": form}, status=status)


@login_required
@require_GET
def organiser_new_edition(request, contest_slug):
    return _new_edition_page(request, permissions.organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def organiser_create_edition(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    form = NewEditionForm(request.POST)
    return perform(
        request,
        lambda: editions.new_edition(
            contest=contest,
            slug=form.cleaned_data["slug"],
            title_fr=form.cleaned_data["title_fr"],
            title_en=form.cleaned_data["title_en"],
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
            reinvite_jurors=form.cleaned_data["reinvite_jurors"],
            by=request.user,
        ),
        form=form,
        show_error=lambda error: form.add_error("slug" if error.code == "slug_taken" else None, error.message),
        success=lambda new: (
            _(
                "The edition « %(title)s » is ready: its rules, prizes, rounds and votes are copied, with no team, entry or score."
            )
            % {"title": new.title}
        ),
        redirect_to=lambda new: redirect("organiser_dashboard", contest_slug=new.slug),
        page=lambda: _new_edition_page(request, contest, form, status=400),
    )


def _import_page(request, contest, *, form=None, preview=None, confirm_form=None, error="", status=200):
    return render(
        request,
        "contest/organiser_import.html",
        {
            "contest": contest,
            "form": form or ImportForm(),
            "preview": preview,
            "confirm_form": confirm_form,
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def organiser_import(request, contest_slug):
    """`?kind=jurors` (the dashboard's « invite several jurors ») opens it on jurors."""
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    kind = "jurors" if request.GET.get("kind") == "jurors" else "teams"
    return _import_page(request, contest, form=ImportForm(initial={"kind": kind}))


@login_required
@require_POST
def organiser_import_preview(request, contest_slug):
    """Read the file and show every row with its problems; nothing is written."""
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, contest, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload:
            preview = imports.read_file(
                contest=contest,
                kind=form.cleaned_data["kind"],
                name=upload.name,
                data=upload.read(imports.MAX_BYTES + 1),
            )
        else:
            preview = imports.read_addresses(contest=contest, text=form.cleaned_data["addresses"])
    except imports.PeopleImportError as error:
        return _import_page(request, contest, form=form, error=error.message, status=400)
    confirm_form = ImportConfirmForm(initial={"rows": imports.signed(preview)}) if preview.ok and preview.rows else None
    return _import_page(
        request, contest, form=form, preview=preview, confirm_form=confirm_form, status=200 if preview.ok else 400
    )


@login_required
@require_POST
def organiser_import_confirm(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        return _import_page(request, contest, error=_("Tick the box to confirm the import."), status=400)
    try:
        preview = imports.unsigned(form.cleaned_data["rows"])
        count = imports.import_people(contest=contest, preview=preview, by=request.user)
    except imports.PeopleImportError as error:
        return _import_page(request, contest, error=error.message, status=400)
    messages.success(
        request, ngettext("%(count)d person invited.", "%(count)d people invited.", count) % {"count": count}
    )
    return redirect("organiser_dashboard", contest_slug=contest.slug)


# Messages to a group


def _group_choices(contest) -> list[tuple[str, str]]:
    choices = []
    for group in group_messages.message_groups():
        count = group.members(contest).count()
        people = ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
        choices.append((group.key, f"{group.label} ({people})"))
    return choices


def _messages_page(request, contest, *, form=None, status=200):
    sent = contest.group_messages.select_related("created_by").annotate(delivered=Count("deliveries"))[:50]
    return render(
        request,
        "contest/organiser_messages.html",
        {
            "contest": contest,
            "form": form or GroupMessageForm(groups=_group_choices(contest), initial={"token": uuid.uuid4()}),
            "sent": [(message, group_messages.group_label(message.group)) for message in sent],
        },
        status=status,
    )


@login_required
@require_GET
def organiser_messages(request, contest_slug):
    return _messages_page(request, permissions.organiser_contest_or_404(request.user, contest_slug))


@login_required
@require_POST
def organiser_send_message(request, contest_slug):
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    form = GroupMessageForm(request.POST, groups=_group_choices(contest))
    return perform(
        request,
        lambda: group_messages.send_group_message(
            contest=contest,
            by=request.user,
            **{key: form.cleaned_data[key] for key in ("group", "subject", "body", "token")},
        ),
        form=form,
        success=lambda message: (
            ngettext(
                "Message sent to %(count)d person: the mail leaves within a minute.",
                "Message sent to %(count)d people: the mails leave within a minute.",
                len(message.recipient_ids),
            )
            % {"count": len(message.recipient_ids)}
        ),
        redirect_to=redirect("organiser_messages", contest_slug=contest.slug),
        page=lambda: _messages_page(request, contest, form=form, status=400),
    )


@login_required
@require_GET
def organiser_message(request, contest_slug, message_id):
    """One message: its text and who was mailed when (the log)."""
    contest = permissions.organiser_contest_or_404(request.user, contest_slug)
    message = get_object_or_404(GroupMessage, contest=contest, pk=message_id)
    delivered = {delivery.user_id: delivery.sent_at for delivery in message.deliveries.all()}
    recipients = [
        (user, delivered.get(user.pk)) for user in User.objects.filter(pk__in=message.recipient_ids).order_by("email")
    ]
    return render(
        request,
        "contest/organiser_message.html",
        {
            "contest": contest,
            "message": message,
            "group": group_messages.group_label(message.group),
            "recipients": recipients,
        },
    )
