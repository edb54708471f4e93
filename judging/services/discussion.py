"""The jury's discussion of an entry: a juror who submitted their review writes to the others (judging.discussion
says who reads it). Messages are the jury's; the audit trail records that one was written, never its text."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.services import record_event

from .. import discussion
from ..models import Assignment, DiscussionMessage
from .errors import JudgingError

MAX_MESSAGE = 5000


@transaction.atomic
def post_message(*, assignment: Assignment, by: User, text: str) -> DiscussionMessage:
    """Add `text` to the discussion of the assignment's entry in its round. Writes DiscussionMessage and an
    AuditEvent `discussion_posted`. Raises JudgingError("not_yours" | "not_yet" | "empty" | "too_long")."""
    if assignment.juror_id != by.pk:
        raise JudgingError("not_yours", _("This is not your assignment."))
    if not discussion.can_discuss(assignment):
        raise JudgingError("not_yet", _("The discussion opens to you once your own review is submitted."))
    text = text.strip()
    if not text:
        raise JudgingError("empty", _("Write a message first."))
    if len(text) > MAX_MESSAGE:
        raise JudgingError(
            "too_long", _("Keep a message under %(limit)s characters: split it in two.") % {"limit": MAX_MESSAGE}
        )
    message = DiscussionMessage.objects.create(
        round=assignment.round, entry=assignment.entry, author=by, text=text, created_at=timezone.now()
    )
    record_event(
        verb="discussion_posted",
        actor=by,
        contest=assignment.round.contest,
        round=assignment.round_id,
        entry_id=assignment.entry_id,
        code=assignment.entry.code,
    )
    return message
