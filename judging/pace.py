"""Care in assignment: a juror may ask to watch at most N films carrying a given content warning a day. The queue
then holds the others (opened for the first time, they count for the day, in the contest's time zone) until the
next day; the organisers' round page says when a round's dates cannot fit a juror's pace."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.models import ContentWarning, Contest, Entry

from .models import Assignment, Round, WarningPace


@dataclass(frozen=True)
class Held:
    """Why a film waits in the juror's queue: its warning's pace is used up today."""

    warning: ContentWarning
    per_day: int


def paces(*, contest: Contest, juror) -> dict[int, WarningPace]:
    return {
        pace.content_warning_id: pace
        for pace in WarningPace.objects.filter(contest=contest, juror=juror).select_related("content_warning")
    }


def _day(contest: Contest, at: datetime) -> tuple[datetime, datetime]:
    """The contest's calendar day around `at`, as [start, end)."""
    local = timezone.localtime(at, contest.tzinfo)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)  # wall-clock arithmetic: the next midnight, on a day of 23 or 25 hours too


def _warnings_of(entry_ids, warning_ids) -> dict[int, set[int]]:
    found = defaultdict(set)
    through = Entry.content_warnings.through.objects.filter(entry_id__in=entry_ids, contentwarning_id__in=warning_ids)
    for entry_id, warning_id in through.values_list("entry_id", "contentwarning_id"):
        found[entry_id].add(warning_id)
    return found


def held(*, contest: Contest, juror, assignments: list[Assignment], at: datetime | None = None) -> dict[int, Held]:
    """Of `assignments` (the juror's, in order), those held today, by assignment id. A film already opened is
    never held; the others are released in order while the day's count of each of their paced warnings allows."""
    at = at or timezone.now()
    chosen = paces(contest=contest, juror=juror)
    if not chosen:
        return {}
    start, end = _day(contest, at)
    opened_today = Assignment.objects.filter(
        round__contest=contest, juror=juror, opened_at__gte=start, opened_at__lt=end
    ).values_list("entry_id", flat=True)
    today = Counter()
    for warnings in _warnings_of(list(opened_today), list(chosen)).values():
        today.update(warnings)
    warnings_of = _warnings_of([assignment.entry_id for assignment in assignments], list(chosen))
    result = {}
    for assignment in assignments:
        if assignment.opened_at is not None:
            continue
        warnings = warnings_of.get(assignment.entry_id, set())
        full = [chosen[warning] for warning in sorted(warnings) if today[warning] >= chosen[warning].per_day]
        if full:
            result[assignment.pk] = Held(full[0].content_warning, full[0].per_day)
        else:
            today.update(warnings)  # released today: it takes its place in the day's count
    return result


def mark_opened(assignment: Assignment, *, at: datetime | None = None) -> None:
    """The juror opened the film's page: the first time counts for the day's pace. One conditional UPDATE."""
    if assignment.opened_at is None:
        at = at or timezone.now()
        Assignment.objects.filter(pk=assignment.pk, opened_at__isnull=True).update(opened_at=at)
        assignment.opened_at = at


def round_conflicts(round: Round, *, at: datetime | None = None) -> list[str]:
    """For the organisers: each juror whose pace cannot fit the films of this round still to open before it
    closes, in words."""
    at = at or timezone.now()
    chosen = list(WarningPace.objects.filter(contest_id=round.contest_id).select_related("juror", "content_warning"))
    if not chosen or round.closes_at <= at:
        return []
    contest = round.contest
    first = timezone.localtime(max(at, round.opens_at), contest.tzinfo).date()
    days = (timezone.localtime(round.closes_at, contest.tzinfo).date() - first).days + 1
    unopened = Assignment.objects.filter(round=round, opened_at__isnull=True)
    messages = []
    for pace in sorted(chosen, key=lambda pace: (pace.juror.full_name or pace.juror.email, pace.content_warning.name)):
        entry_ids = list(unopened.filter(juror=pace.juror).values_list("entry_id", flat=True))
        count = sum(1 for warnings in _warnings_of(entry_ids, [pace.content_warning_id]).values() if warnings)
        if count > pace.per_day * days:
            messages.append(
                _(
                    "%(juror)s asked for the films with “%(warning)s” at a pace of at most %(per_day)d a day; this "
                    "round cannot keep it (still to open: %(count)d; days left: %(days)d; days needed: %(needed)d). "
                    "Move the round's close or give some of these films to another juror."
                )
                % {
                    "juror": pace.juror.full_name or pace.juror.email,
                    "per_day": pace.per_day,
                    "warning": pace.content_warning.name,
                    "count": count,
                    "days": days,
                    "needed": math.ceil(count / pace.per_day),
                }
            )
    return messages
