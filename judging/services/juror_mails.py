"""The mails that keep a jury moving: to each juror of a round when films are assigned to them, when the round
opens, and, for reviews not submitted yet, JUROR_REMINDER_DAYS days and 24 hours before it closes; and the daily
digest of new messages in their discussions (the reminders and the digest are what a juror can turn off). Each in
the juror's language and the contest's time zone, each sent once: a JurorMail (round, juror, kind) or DigestMail
(contest, juror, day) row is the claim, inserted with the sending (contest.services.send_claimed_mail)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import User
from contest.models import Contest
from contest.services import record_event, send_claimed_mail

from .. import discussion, selectors
from ..models import Assignment, DigestMail, DiscussionMessage, JurorMail, JurorMailPreference, Review, Round

LAST_DAY = timedelta(hours=24)


def reminder_lead() -> timedelta:
    return timedelta(days=settings.JUROR_REMINDER_DAYS)


@dataclass(frozen=True)
class Workload:
    assigned: int  # the juror's films in the round
    unfinished: int  # of them, reviews not submitted yet


def _workloads(round: Round) -> dict[int, Workload]:
    """Per seated (active) juror of the round with at least one film: their counts."""
    seated = round.jurors.filter(active=True).values("user_id")
    rows = (
        Assignment.objects.filter(round=round, juror__in=seated)
        .values("juror")
        .annotate(
            assigned=Count("id"),
            unfinished=Count("id", filter=~Q(review__status=Review.Status.SUBMITTED)),
        )
        .values_list("juror", "assigned", "unfinished")
    )
    return {juror: Workload(assigned, unfinished) for juror, assigned, unfinished in rows}


def _claim_and_send(kind: str, round: Round, juror: User, workload: Workload, now: datetime) -> bool:
    return send_claimed_mail(
        lambda: JurorMail.objects.create(round=round, juror=juror, kind=kind, at=now),
        user=juror,
        contest=round.contest,
        subject_template="judging/mail/juror_subject.txt",
        body_template="judging/mail/juror_body.txt",
        context={
            "kind": kind,
            "round": round,
            "workload": workload,
            "is_open": round.opens_at <= now,
            "reminder_days": settings.JUROR_REMINDER_DAYS,
        },
    )


def _skip(round: Round, juror: User, kinds: list[str], now: datetime) -> None:
    """Mark mails that are no longer needed (the round opened before the juror's first mail) so that no sweep sends
    them."""
    JurorMail.objects.bulk_create(
        [JurorMail(round=round, juror=juror, kind=kind, sent=False, at=now) for kind in kinds], ignore_conflicts=True
    )


def _due_kinds(round: Round, workload: Workload, done: dict[str, datetime], reminders: bool, now: datetime):
    """The mails this juror is owed now for this round, of those not claimed yet. A reminder is owed only if the
    juror's first mail came before its time (else that mail gave the closing time itself)."""
    if JurorMail.Kind.ASSIGNED not in done:
        return [JurorMail.Kind.ASSIGNED]
    due = []
    is_open = round.opens_at <= now
    if is_open and JurorMail.Kind.OPENED not in done:
        due.append(JurorMail.Kind.OPENED)
    first = done[JurorMail.Kind.ASSIGNED]
    if is_open and reminders and workload.unfinished:
        last_day = round.closes_at - LAST_DAY
        if now >= last_day:
            if JurorMail.Kind.LAST_DAY not in done and first < last_day:
                due.append(JurorMail.Kind.LAST_DAY)
        elif first < round.closes_at - reminder_lead() <= now and JurorMail.Kind.REMINDER not in done:
            due.append(JurorMail.Kind.REMINDER)
    return due


def mail_round_jurors(*, round: Round, now: datetime | None = None) -> int:
    """Send each seated juror of `round` the mails they are owed at `now` and have not had. Writes JurorMail rows;
    returns the number of mails sent (a mail server that fails propagates: the next sweep sends the rest)."""
    now = now or timezone.now()
    if now >= round.closes_at:
        return 0
    workloads = _workloads(round)
    if not workloads:
        return 0
    done: dict[int, dict[str, datetime]] = {}
    for juror_id, kind, at in JurorMail.objects.filter(round=round).values_list("juror", "kind", "at"):
        done.setdefault(juror_id, {})[kind] = at
    quiet = set(
        JurorMailPreference.objects.filter(contest=round.contest_id, reminders=False).values_list("juror", flat=True)
    )
    sent = 0
    for juror in User.objects.filter(pk__in=workloads).order_by("pk"):
        kinds = _due_kinds(round, workloads[juror.pk], done.get(juror.pk, {}), juror.pk not in quiet, now)
        for kind in kinds:
            if _claim_and_send(kind, round, juror, workloads[juror.pk], now):
                sent += 1
        if JurorMail.Kind.ASSIGNED in kinds and round.opens_at <= now:
            _skip(round, juror, [JurorMail.Kind.OPENED], now)  # the assignment's mail said the round is open
    return sent


def mail_jurors(*, now: datetime | None = None) -> int:
    """Every round not closed yet: mail_round_jurors. Returns the number of mails sent."""
    now = now or timezone.now()
    rounds = Round.objects.filter(closes_at__gt=now).select_related("contest").order_by("pk")
    return sum(mail_round_jurors(round=round, now=now) for round in rounds)


@transaction.atomic
def set_juror_mail_preference(
    *, contest: Contest, juror: User, reminders: bool, digest: bool = True
) -> JurorMailPreference:
    """The juror's choice about the non-essential mails in `contest` (reminders, the discussion digest). Writes
    JurorMailPreference and an AuditEvent `juror_mail_preference_set`."""
    preference, _created = JurorMailPreference.objects.update_or_create(
        contest=contest, juror=juror, defaults={"reminders": reminders, "digest": digest}
    )
    record_event(verb="juror_mail_preference_set", actor=juror, contest=contest, reminders=reminders, digest=digest)
    return preference


# The discussion digest: at most one a day per juror and contest, none when nothing is new.

DIGEST_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class DigestThread:
    assignment: Assignment
    messages: list  # judging.discussion.Message, the new ones only


def _digest_threads(contest: Contest, juror: User, since: datetime | None, window_start: datetime):
    """The juror's discussions (entries they may discuss, in rounds of `contest`) with messages by others newer
    than `since` (and than the look-back window)."""
    threads = []
    assignments = (
        Assignment.objects.filter(
            round__contest=contest,
            juror=juror,
            round__show_scores_after_own=True,
            review__status=Review.Status.SUBMITTED,
            round__jurors__user=juror,
            round__jurors__active=True,
        )
        .select_related("round", "entry", "review")
        .order_by("entry__code", "round__order")
    )
    for assignment in assignments:
        if selectors.is_conflicted(round=assignment.round, juror_id=juror.pk, entry=assignment.entry):
            continue  # declared since the review: the entry is out of the juror's reach
        start = max(since, window_start) if since else window_start
        new = [message for message in discussion.thread(assignment) if not message.mine and message.at > start]
        if new:
            threads.append(DigestThread(assignment=assignment, messages=new))
    return threads


def mail_discussion_digests(*, now: datetime | None = None) -> int:
    """Send each juror, per contest, one mail a day listing the new messages in the discussions they take part in
    (none when nothing is new; none for a juror who turned digests off). A DigestMail (contest, juror, day) row is
    the claim; its `up_to` is where the next digest starts. Returns the number of mails sent."""
    now = now or timezone.now()
    window_start = now - DIGEST_LOOKBACK
    sent = 0
    recent = DiscussionMessage.objects.filter(created_at__gt=window_start)
    for contest in Contest.objects.filter(pk__in=recent.values("round__contest")).order_by("pk"):
        quiet = set(JurorMailPreference.objects.filter(contest=contest, digest=False).values_list("juror", flat=True))
        jurors = User.objects.filter(
            pk__in=Assignment.objects.filter(round__contest=contest, review__status=Review.Status.SUBMITTED).values(
                "juror"
            )
        ).exclude(pk__in=quiet)
        day = timezone.localtime(now, contest.tzinfo).date()
        for juror in jurors.order_by("pk"):
            if DigestMail.objects.filter(contest=contest, juror=juror, day=day).exists():
                continue
            since = DigestMail.objects.filter(contest=contest, juror=juror).aggregate(last=Max("up_to"))["last"]
            threads = _digest_threads(contest, juror, since, window_start)
            if threads and _claim_and_send_digest(contest, juror, day, threads):
                sent += 1
    return sent


def _claim_and_send_digest(contest: Contest, juror: User, day, threads: list[DigestThread]) -> bool:
    up_to = max(message.at for thread in threads for message in thread.messages)
    return send_claimed_mail(
        lambda: DigestMail.objects.create(contest=contest, juror=juror, day=day, up_to=up_to),
        user=juror,
        contest=contest,
        subject_template="judging/mail/digest_subject.txt",
        body_template="judging/mail/digest_body.txt",
        context={"threads": threads},
    )
