"""The jury's feedback to the teams: when the organiser publishes it, and what they reword or hold back before.

Teams read it on their entry page from `publish_at` on (pages compare with the request's time) and by mail once
(`mail_published_feedback`, from the scheduler). Audit events carry the entry's id and code in their data, never the
entry itself (teams read their entry's events)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Contest
from contest.services import record_event, send_claimed_mail

from .. import team_feedback
from ..models import FeedbackMail, FeedbackModeration, FeedbackPublication, Review, Round
from .errors import JudgingError

# A time typed in the form has minutes only: "now", typed, is up to a minute ago.
PUBLISH_NOW_GRACE = timedelta(minutes=1)
# Mails follow a publication for this long; an older one that was never mailed is left alone (as releases do).
MAIL_WINDOW = timedelta(days=2)


def _last_close(contest: Contest) -> datetime | None:
    return Round.objects.filter(contest=contest).aggregate(last=Max("closes_at"))["last"]


@transaction.atomic
def schedule_feedback(
    *, contest: Contest, publish_at: datetime, show_scores: bool, by: User, now: datetime | None = None
) -> FeedbackPublication:
    """Publish the jury's feedback to every team at `publish_at` (at the earliest when the last round closes), with
    or without their scores per criterion. Changeable until it is published. Writes FeedbackPublication and an
    AuditEvent `feedback_scheduled`. Raises JudgingError("already_published" | "no_rounds" | "before_close" |
    "in_the_past")."""
    now = now or timezone.now()
    publication = FeedbackPublication.objects.select_for_update().filter(contest=contest).first()
    if publication is not None and publication.is_published(now):
        raise JudgingError("already_published", _("The feedback is already published: the teams have read it."))
    last_close = _last_close(contest)
    if last_close is None:
        raise JudgingError("no_rounds", _("There is no round yet, so no feedback to publish."))
    if publish_at < now - PUBLISH_NOW_GRACE:
        raise JudgingError("in_the_past", _("This time has passed: choose the present or a time to come."))
    publish_at = max(publish_at, now)
    if publish_at < last_close:
        with timezone.override(contest.tzinfo):
            when = date_format(timezone.localtime(last_close), "DATETIME_FORMAT")
        raise JudgingError(
            "before_close",
            _("Teams read the feedback after the results: choose a time after the last round closes (%(when)s).")
            % {"when": when},
        )
    publication, _created = FeedbackPublication.objects.update_or_create(
        contest=contest, defaults={"publish_at": publish_at, "show_scores": show_scores, "set_by": by, "set_at": now}
    )
    record_event(
        verb="feedback_scheduled",
        actor=by,
        contest=contest,
        publish_at=publish_at.isoformat(),
        show_scores=show_scores,
    )
    return publication


@transaction.atomic
def cancel_feedback(*, contest: Contest, by: User, now: datetime | None = None) -> None:
    """Take back a publication that has not happened yet. Writes an AuditEvent `feedback_unscheduled`.
    Raises JudgingError("not_scheduled" | "already_published")."""
    now = now or timezone.now()
    publication = FeedbackPublication.objects.select_for_update().filter(contest=contest).first()
    if publication is None:
        raise JudgingError("not_scheduled", _("No publication of the feedback is planned."))
    if publication.is_published(now):
        raise JudgingError("already_published", _("The feedback is already published: the teams have read it."))
    publication.delete()
    record_event(verb="feedback_unscheduled", actor=by, contest=contest)


def _moderated_review(review: Review, now: datetime) -> Review:
    review = (
        Review.objects.select_for_update()
        .select_related("assignment__round__contest", "assignment__entry")
        .get(pk=review.pk)
    )
    if review.status != Review.Status.SUBMITTED:
        raise JudgingError("not_submitted", _("This review is not submitted: the team will not read it."))
    if now <= review.assignment.round.closes_at:
        raise JudgingError(
            "round_open", _("The juror may still change this comment until the round closes: moderate it after.")
        )
    return review


def _record_moderation(verb: str, review: Review, by: User, **data) -> None:
    entry = review.assignment.entry
    record_event(
        verb=verb,
        actor=by,
        contest=review.assignment.round.contest,
        round=review.assignment.round_id,
        review=review.pk,
        entry_id=entry.pk,
        code=entry.code,
        **data,
    )


@transaction.atomic
def moderate_feedback(
    *, review: Review, by: User, reason: str, text: str | None = None, held: bool = False, now: datetime | None = None
) -> FeedbackModeration:
    """Reword (`text`) or hold back (`held`) one review's feedback to the team, with a reason the jury's record keeps.
    Possible once the review's round is closed, before and after publication (a held comment leaves the team's
    page at the next request). Writes FeedbackModeration and an AuditEvent `feedback_edited` | `feedback_held`.
    Raises JudgingError("reason_required" | "empty_text" | "not_submitted" | "round_open")."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise JudgingError("reason_required", _("Say why: the jury's record keeps the reason."))
    if not held and not (text or "").strip():
        raise JudgingError("empty_text", _("The reworded comment is empty: to show nothing, hold it back."))
    review = _moderated_review(review, now)
    moderation, _created = FeedbackModeration.objects.update_or_create(
        review=review,
        defaults={"held": held, "text": "" if held else text.strip(), "reason": reason, "by": by, "at": now},
    )
    # The texts stay out of the audit trail (they are the review's and the moderation's, erased with them).
    _record_moderation("feedback_held" if held else "feedback_edited", review, by, reason=reason)
    return moderation


@transaction.atomic
def restore_feedback(*, review: Review, by: User, reason: str, now: datetime | None = None) -> None:
    """Give the team the juror's own words again. Writes an AuditEvent `feedback_restored`.
    Raises JudgingError("reason_required" | "not_moderated" | "not_submitted" | "round_open")."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise JudgingError("reason_required", _("Say why: the jury's record keeps the reason."))
    review = _moderated_review(review, now)
    deleted, _counts = FeedbackModeration.objects.filter(review=review).delete()
    if not deleted:
        raise JudgingError("not_moderated", _("This comment is the juror's own already."))
    _record_moderation("feedback_restored", review, by, reason=reason)


def due_publications(*, now: datetime | None = None):
    """Publications in force since at most MAIL_WINDOW whose mails are not all sent yet."""
    now = now or timezone.now()
    return FeedbackPublication.objects.filter(
        publish_at__lte=now, publish_at__gt=now - MAIL_WINDOW, mailed_at__isnull=True
    ).select_related("contest")


def _claim_and_send(feedback: team_feedback.TeamFeedback, user: User) -> bool:
    return send_claimed_mail(
        lambda: FeedbackMail.objects.create(entry=feedback.entry, recipient=user),
        user=user,
        contest=feedback.entry.team.contest,
        subject_template="judging/mail/feedback_subject.txt",
        body_template="judging/mail/feedback_body.txt",
        context={"feedback": feedback, "entry": feedback.entry},
    )


def mail_published_feedback(*, publication: FeedbackPublication, now: datetime | None = None) -> int:
    """Mail each member of every team that has feedback to read, once per entry and person, in their language and
    the contest's time zone. Writes FeedbackMail rows and, once every mail went out, `mailed_at` (a mail server that
    fails propagates, and the next sweep sends the rest). Returns the number of mails sent."""
    now = now or timezone.now()
    if not publication.is_published(now):
        return 0
    sent = 0
    for feedback in team_feedback.contest_feedback(publication.contest, now=now):
        if not feedback.comments and not feedback.scores:
            continue
        for membership in feedback.entry.team.memberships.select_related("user").order_by("user_id"):
            if _claim_and_send(feedback, membership.user):
                sent += 1
    FeedbackPublication.objects.filter(pk=publication.pk, mailed_at__isnull=True).update(mailed_at=now)
    return sent
