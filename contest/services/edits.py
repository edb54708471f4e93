"""An organiser's decision on a team's pending change to an announced entry (entries.propose_edit makes it)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import REVIEWED_FIELDS, Entry, EntryEdit
from .common import ContestError, mail_team, record_event
from .entries import check_open


def _pending_edit_for_update(edit: EntryEdit) -> EntryEdit:
    edit = EntryEdit.objects.select_for_update().select_related("entry__team__contest").get(pk=edit.pk)
    if edit.decision != EntryEdit.Decision.PENDING:
        raise ContestError(
            "edit_decided",
            _("These changes were already decided (%(decision)s).") % {"decision": edit.get_decision_display()},
        )
    return edit


@transaction.atomic
def approve_entry_edit(*, edit: EntryEdit, by: User) -> EntryEdit:
    """An organiser accepts a team's pending change: the entry takes the proposed text (public pages show it at the
    next request). Writes Entry, EntryEdit and an AuditEvent `entry_edit_approved` with before and after; mails the
    team. Raises ContestError("edit_decided" | "entry_closed")."""
    edit = _pending_edit_for_update(edit)
    entry = Entry.objects.select_for_update().select_related("team__contest").get(pk=edit.entry_id)
    check_open(entry=entry)
    fields = [name for name in REVIEWED_FIELDS if name in edit.fields]
    before = {name: getattr(entry, name) for name in fields}
    for name in fields:
        setattr(entry, name, edit.fields[name])
    entry.save(update_fields=[*fields, "updated_at"])
    edit.entry = entry
    _decide(edit, decision=EntryEdit.Decision.APPROVED, by=by, reason="")
    record_event(
        verb="entry_edit_approved",
        actor=by,
        contest=entry.contest,
        entry=entry,
        edit=edit.pk,
        before=before,
        after={name: edit.fields[name] for name in fields},
    )
    return edit


@transaction.atomic
def refuse_entry_edit(*, edit: EntryEdit, by: User, reason: str) -> EntryEdit:
    """An organiser turns down a team's pending change, with a reason the team sees; the entry keeps its approved
    text. Writes EntryEdit and an AuditEvent `entry_edit_refused`; mails the team.
    Raises ContestError("reason_required" | "edit_decided")."""
    reason = reason.strip()
    if not reason:
        raise ContestError("reason_required", _("Tell the team why its changes are refused."))
    edit = _pending_edit_for_update(edit)
    _decide(edit, decision=EntryEdit.Decision.REFUSED, by=by, reason=reason)
    record_event(
        verb="entry_edit_refused",
        actor=by,
        contest=edit.entry.contest,
        entry=edit.entry,
        edit=edit.pk,
        proposed=edit.fields,
        reason=reason,
    )
    return edit


def _decide(edit: EntryEdit, *, decision: str, by: User, reason: str) -> None:
    edit.decision = decision
    edit.decided_by = by
    edit.decided_at = timezone.now()
    edit.reason = reason
    edit.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    mail_team(
        team=edit.entry.team,
        subject_template="contest/mail/edit_decided_subject.txt",
        body_template="contest/mail/edit_decided_body.txt",
        context={"entry": edit.entry, "edit": edit},
    )
