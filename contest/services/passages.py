"""Marked passages: the team says where in its film a hard passage starts and ends, and what it shows."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from ..models import ContentWarning, Entry, MarkedPassage
from .common import ContestError, record_event
from .entries import check_open


@transaction.atomic
def mark_passage(
    *, entry: Entry, by: User, start_s: float, end_s: float, content_warning: ContentWarning
) -> MarkedPassage:
    """Mark [start_s, end_s) of the film as a passage showing `content_warning`. Writes MarkedPassage and an
    AuditEvent. Raises ContestError("entry_closed" | "passage_order" | "passage_too_late" | "unknown_warning")."""
    check_open(entry=entry)
    if content_warning.contest_id != entry.contest_id:
        raise ContestError("unknown_warning", _("Choose one of this contest's content warnings."))
    if not (0 <= start_s < end_s):
        raise ContestError("passage_order", _("The passage must end after it starts."))
    if entry.runtime_s and start_s >= entry.runtime_s:
        raise ContestError(
            "passage_too_late",
            _("The film lasts %(seconds)d seconds: the passage must start before its end.")
            % {"seconds": entry.runtime_s},
        )
    passage = MarkedPassage.objects.create(entry=entry, content_warning=content_warning, start_s=start_s, end_s=end_s)
    record_event(
        verb="passage_marked", actor=by, contest=entry.contest, entry=entry, start_s=start_s, end_s=end_s,
        warning=content_warning.code,
    )  # fmt: skip
    return passage


@transaction.atomic
def unmark_passage(*, passage: MarkedPassage, by: User) -> None:
    """Remove a marked passage. Deletes it; writes an AuditEvent. Raises ContestError("entry_closed")."""
    entry = passage.entry
    check_open(entry=entry)
    passage.delete()
    record_event(verb="passage_unmarked", actor=by, contest=entry.contest, entry=entry)
