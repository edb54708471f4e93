"""An entry's life: created, changed, submitted, withdrawn and reinstated, disqualified, its film accepted."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import consents, permissions
from ..models import ENTRY_FIELDS, REVIEWED_FIELDS, AuditEvent, Contest, Entry, EntryEdit, Team
from .common import ContestError, SubmissionError, mail_organisers, receipt, record_event


def _check_synopsis_length(*, contest: Contest, values: dict) -> None:
    for field in ("synopsis_fr", "synopsis_en"):
        text = values.get(field) or ""
        if len(text) > contest.max_synopsis_chars:
            raise ContestError(
                "synopsis_too_long",
                _("The synopsis has %(length)d characters; the limit is %(limit)d: shorten it by %(excess)d.")
                % {
                    "length": len(text),
                    "limit": contest.max_synopsis_chars,
                    "excess": len(text) - contest.max_synopsis_chars,
                },
            )


@transaction.atomic
def create_entry(*, team: Team, by: User, title: str, content_warnings=(), **values) -> Entry:
    """Create a draft entry for `team`. Writes Entry and an AuditEvent `entry_created`."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    _check_synopsis_length(contest=team.contest, values=values)
    entry = Entry.objects.create(contest=team.contest, team=team, title=title, **values)
    entry.content_warnings.set(content_warnings)
    record_event(verb="entry_created", actor=by, contest=team.contest, entry=entry, title=title)
    return entry


def check_open(*, entry: Entry) -> None:
    """Raises ContestError("entry_closed") once `entry` is withdrawn or disqualified: nothing of it changes then."""
    if entry.status not in Entry.OPEN_STATUSES:
        raise ContestError(
            "entry_closed",
            _("This entry was %(status)s and can no longer be changed.") % {"status": entry.get_status_display()},
        )


def check_editable(*, entry: Entry, now: datetime) -> None:
    """Whether the team may change `entry` now: a draft always, a submitted entry while its window is open. Raises
    ContestError("entry_closed" | "window_closed"); update_entry and the pages (entry_is_editable) ask here."""
    check_open(entry=entry)
    if entry.status == Entry.Status.SUBMITTED and not entry.team.window_is_open(now):
        raise ContestError("window_closed", _("Submissions are closed: a submitted entry can no longer be changed."))


def check_withdrawable(*, entry: Entry) -> None:
    """Whether the team may withdraw `entry`: while it is still in the contest. Raises ContestError
    ("cannot_withdraw"); withdraw_entry and its confirmation page ask here."""
    if entry.status not in Entry.OPEN_STATUSES:
        raise ContestError(
            "cannot_withdraw",
            _("This entry is %(status)s and cannot be withdrawn.") % {"status": entry.get_status_display()},
        )


@transaction.atomic
def update_entry(*, entry: Entry, by: User, content_warnings=None, **values) -> Entry:
    """Change an entry's details. Allowed on drafts, and on submitted entries while the window is open.
    Writes Entry and an AuditEvent `entry_updated` naming the changed fields. Once the entry is announced beyond its
    team and jury (permissions.edit_needs_review), changes to its title, synopses and credits are not applied: they
    become the entry's pending EntryEdit (see _propose_edit), and the other fields are applied as usual."""
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    check_editable(entry=entry, now=timezone.now())
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown entry fields: {sorted(unknown)}")
    _check_synopsis_length(contest=entry.contest, values=values)
    if permissions.edit_needs_review(entry):
        reviewed = {name: values.pop(name) for name in REVIEWED_FIELDS if name in values}
        propose_edit(entry=entry, by=by, proposed={k: v for k, v in reviewed.items() if getattr(entry, k) != v})
    else:  # no longer announced widely (unpublished): the team's text applies directly and replaces its proposal
        propose_edit(entry=entry, by=by, proposed={})
    changed = sorted(name for name, value in values.items() if getattr(entry, name) != value)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save()
    if content_warnings is not None:
        before = set(entry.content_warnings.values_list("pk", flat=True))
        after = {warning.pk for warning in content_warnings}
        if before != after:
            entry.content_warnings.set(content_warnings)
            changed.append("content_warnings")
    if changed:
        record_event(verb="entry_updated", actor=by, contest=entry.contest, entry=entry, fields=changed)
    return entry


def propose_edit(*, entry: Entry, by: User, proposed: dict) -> EntryEdit | None:
    """Make `proposed` the entry's one pending edit. The previous pending edit, if any, is superseded (or withdrawn
    when nothing differs from the approved text any more); the same proposal again changes nothing. Writes EntryEdit
    and an AuditEvent `entry_edit_proposed` (or `entry_edit_withdrawn`); mails each organiser on commit."""
    pending = EntryEdit.objects.select_for_update().filter(entry=entry, decision=EntryEdit.Decision.PENDING).first()
    if pending is not None and pending.fields == proposed:
        return pending
    if pending is not None:
        pending.decision = EntryEdit.Decision.SUPERSEDED if proposed else EntryEdit.Decision.WITHDRAWN
        pending.decided_by = by
        pending.decided_at = timezone.now()
        pending.save(update_fields=["decision", "decided_by", "decided_at"])
        if not proposed:
            record_event(verb="entry_edit_withdrawn", actor=by, contest=entry.contest, entry=entry, edit=pending.pk)
    if not proposed:
        return None
    edit = EntryEdit.objects.create(
        entry=entry, fields=proposed, before={name: getattr(entry, name) for name in proposed}, proposed_by=by
    )
    record_event(
        verb="entry_edit_proposed", actor=by, contest=entry.contest, entry=entry, edit=edit.pk, fields=sorted(proposed)
    )
    mail_organisers(
        contest=entry.contest,
        subject_template="contest/mail/edit_proposed_subject.txt",
        body_template="contest/mail/edit_proposed_body.txt",
        context={"entry": entry, "edit": edit},
    )
    return edit


def missing_for_submission(entry: Entry, now: datetime | None = None) -> list[tuple[str, str]]:
    """What stands between this entry and submission, as (code, plain-words message) pairs, in a stable order."""
    now = now or timezone.now()
    team = entry.team
    contest = entry.contest
    missing = []
    if now < contest.opens_at:
        missing.append(("window_not_open", _("Submissions open on %(date)s.") % {"date": _when(contest.opens_at)}))
    elif now > team.closes_at:
        missing.append(
            (
                "deadline_passed",
                _("Submissions closed on %(date)s. Ask the organisers for an extension.")
                % {"date": _when(team.closes_at)},
            )
        )
    if not entry.title.strip():
        missing.append(("title_missing", _("Give your film a title.")))
    if not (entry.synopsis_fr.strip() or entry.synopsis_en.strip()):
        missing.append(("synopsis_missing", _("Write a synopsis in French or in English.")))
    if not entry.film_accepted:
        missing.append(("film_missing", _("Upload your film: it must be received and accepted by the checks.")))
    if not entry.consent_on_screen:
        missing.append(("consent_missing", _("Confirm that everyone on screen consented to be filmed.")))
    waiting = consents.missing_jury_consent(entry, at=now)
    if waiting:
        missing.append(
            (
                "person_consent_missing",
                _("Waiting for %(names)s to agree, through their link, at least to the jury's viewing.")
                % {"names": ", ".join(person.name for person in waiting)},
            )
        )
    if not entry.rights_cleared:
        missing.append(("rights_missing", _("Confirm that music and footage rights are cleared.")))
    if not entry.rules_accepted:
        missing.append(("rules_missing", _("Accept the contest rules.")))
    return missing


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@transaction.atomic
def submit_entry(*, entry: Entry, by: User, now: datetime | None = None) -> Entry:
    """Freeze the entry for judging. Writes Entry.status and an AuditEvent; mails the team a receipt on commit.
    Raises SubmissionError with the code of the first thing missing (`deadline_passed`, `film_missing`, ...)."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    if entry.status != Entry.Status.DRAFT:
        raise SubmissionError(
            "not_a_draft",
            _("Only a draft can be submitted; this entry is %(status)s.") % {"status": entry.get_status_display()},
        )
    missing = missing_for_submission(entry, now)
    if missing:
        code, message = missing[0]
        raise SubmissionError(code, message)
    entry.status = Entry.Status.SUBMITTED
    entry.submitted_at = now
    entry.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(verb="entry_submitted", actor=by, contest=entry.contest, entry=entry)
    receipt(entry, "submitted")
    return entry


@transaction.atomic
def withdraw_entry(*, entry: Entry, by: User) -> Entry:
    """The team takes its entry out of the contest. Writes Entry.status and an AuditEvent; mails the team."""
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    check_withdrawable(entry=entry)
    before = entry.status
    entry.status = Entry.Status.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    record_event(verb="entry_withdrawn", actor=by, contest=entry.contest, entry=entry, before=before)
    receipt(entry, "withdrawn")
    return entry


def state_before_withdrawal(entry: Entry) -> str:
    """The state `withdraw_entry` recorded in its AuditEvent (`before`); a draft when the record says nothing usable
    (an event written before `before` was recorded, or blanked by an erasure)."""
    event = AuditEvent.objects.filter(entry=entry, verb="entry_withdrawn").order_by("-created_at", "-id").first()
    before = event.data.get("before") if event else None
    return before if before in (Entry.Status.DRAFT, Entry.Status.SUBMITTED) else Entry.Status.DRAFT


def check_reinstatable(*, entry: Entry, now: datetime) -> None:
    """Whether an organiser may put `entry` back in the contest now (see reinstate_entry); the pages ask here too.
    Raises ContestError("not_withdrawn" | "erased" | "window_closed")."""
    if entry.status != Entry.Status.WITHDRAWN:
        raise ContestError(
            "not_withdrawn",
            _("Only a withdrawn entry can be reinstated; this entry is %(status)s.")
            % {"status": entry.get_status_display()},
        )
    if AuditEvent.objects.filter(contest=entry.contest, verb="team_erased", data__team=entry.team_id).exists():
        raise ContestError("erased", _("This team's data was erased: its entry cannot be reinstated."))
    if not entry.team.window_is_open(now):
        raise ContestError(
            "window_closed",
            _(
                "Submissions closed for this team on %(date)s: a withdrawn entry can be reinstated only while they are open."
            )
            % {"date": _when(entry.team.closes_at)}
            if now > entry.team.closes_at
            else _("Submissions are not open yet: a withdrawn entry can be reinstated once they open."),
        )


@transaction.atomic
def reinstate_entry(*, entry: Entry, by: User, now: datetime | None = None) -> Entry:
    """An organiser puts a withdrawn entry back in the contest, in the state it had before (draft or submitted), while
    its team's submission window is open (Team.window_is_open: the contest's window or the team's extension).
    Writes Entry.status and an AuditEvent `entry_reinstated`; mails the team.
    Raises ContestError("not_withdrawn" | "window_closed" | "erased")."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    check_reinstatable(entry=entry, now=now)
    entry.status = state_before_withdrawal(entry)
    entry.save(update_fields=["status", "updated_at"])
    record_event(
        verb="entry_reinstated", actor=by, contest=entry.contest, entry=entry, before="withdrawn", after=entry.status
    )
    receipt(entry, "reinstated")
    return entry


@transaction.atomic
def disqualify_entry(*, entry: Entry, by: User, reason: str) -> Entry:
    """Organisers remove an entry, with a reason the team sees. Writes Entry and an AuditEvent; mails the team."""
    reason = reason.strip()
    if not reason:
        raise ContestError("reason_required", _("Give the team a reason for the disqualification."))
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=entry.pk)
    if entry.status == Entry.Status.DISQUALIFIED:
        raise ContestError("already_disqualified", _("This entry is already disqualified."))
    before = entry.status
    entry.status = Entry.Status.DISQUALIFIED
    entry.disqualification_reason = reason
    entry.save(update_fields=["status", "disqualification_reason", "updated_at"])
    record_event(verb="entry_disqualified", actor=by, contest=entry.contest, entry=entry, before=before, reason=reason)
    receipt(entry, "disqualified")
    return entry


@transaction.atomic
def set_film_accepted(*, entry: Entry, accepted: bool, by: User | None) -> Entry:
    """Record whether the entry's film passed the checks (the media pipeline, or an organiser). Writes an AuditEvent."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.film_accepted != accepted:
        entry.film_accepted = accepted
        entry.save(update_fields=["film_accepted", "updated_at"])
        record_event(
            verb="film_accepted" if accepted else "film_unaccepted", actor=by, contest=entry.contest, entry=entry
        )
    return entry
