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


# The jury's screener is cut at whole seconds inside the credits (media_pipeline.jury_cut): what is left between
# them must still be a film to judge.
CREDITS_LEAVE_AT_LEAST_S = 5


@transaction.atomic
def mark_credits(
    *, entry: Entry, by: User, opening_credits_end_s: float | None, closing_credits_start_s: float | None
) -> Entry:
    """Say where the film's opening credits end and its closing credits start (None: the film has none, or they
    name nobody); the jury's screener is cut there. Writes the entry and an AuditEvent. Raises
    ContestError("entry_closed" | "credits_order" | "credits_too_late")."""
    check_open(entry=entry)
    start = opening_credits_end_s or 0.0
    end = closing_credits_start_s
    if end is not None and end - start < CREDITS_LEAVE_AT_LEAST_S:
        raise ContestError(
            "credits_order",
            _("The closing credits must start at least %(seconds)d seconds after the opening credits end.")
            % {"seconds": CREDITS_LEAVE_AT_LEAST_S},
        )
    runtime = entry.runtime_s
    if runtime and (start > runtime - CREDITS_LEAVE_AT_LEAST_S or (end is not None and end > runtime)):
        raise ContestError(
            "credits_too_late",
            _("The film lasts %(seconds)d seconds: both moments must fall within it, with at least %(left)d seconds "
              "of film between them.") % {"seconds": runtime, "left": CREDITS_LEAVE_AT_LEAST_S},
        )  # fmt: skip
    entry.opening_credits_end_s = opening_credits_end_s or None
    entry.closing_credits_start_s = closing_credits_start_s
    entry.save(update_fields=["opening_credits_end_s", "closing_credits_start_s", "updated_at"])
    record_event(
        verb="credits_marked", actor=by, contest=entry.contest, entry=entry,
        opening_credits_end_s=entry.opening_credits_end_s, closing_credits_start_s=entry.closing_credits_start_s,
    )  # fmt: skip
    return entry
