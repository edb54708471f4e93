"""Which juror judges which entry: the automatic run and changes by hand."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Entry
from contest.services import record_event

from .. import selectors
from ..assignment import plan_assignment
from ..models import Assignment, AssignmentWish, Review, Round, RoundJuror
from .errors import JudgingError


def _locked_pairs(round: Round) -> set[tuple[int, int]]:
    """Pairs the planner must not move: scores in, or placed by hand."""
    scored = Assignment.objects.filter(round=round, scores__isnull=False).values_list("juror_id", "entry_id")
    manual = Assignment.objects.filter(round=round, manual=True).values_list("juror_id", "entry_id")
    submitted = Assignment.objects.filter(round=round, review__status=Review.Status.SUBMITTED).values_list(
        "juror_id", "entry_id"
    )
    return set(scored) | set(manual) | set(submitted)


@transaction.atomic
def assign_jurors(*, round: Round, by: User, seed: int = 0) -> dict:
    """Give every entry of the round `k` jurors with even loads, respecting conflicts and opt-outs and keeping
    assignments with scores or placed by hand. Deletes and creates Assignments; writes one AuditEvent
    `assignment_run` listing the pairs added and removed. Each juror's maximum holds and their minimum is met where
    the loads allow; their wishes only choose between jurors of equal load (judging.assignment).
    Returns {"added", "removed", "short", "loads", "below_minimum"}."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    entries = selectors.round_entries(round)
    entry_ids = list(entries.values_list("pk", flat=True))
    juror_ids = selectors.active_juror_ids(round)
    existing = set(Assignment.objects.filter(round=round).values_list("juror_id", "entry_id"))
    locked = _locked_pairs(round)
    forbidden = selectors.forbidden_pairs(
        contest_id=round.contest_id, round=round, juror_ids=juror_ids, entries=entries
    )
    # Scores of jurors who left stay and count towards their entries' k; the planner only moves active jurors.
    inactive_locked = {pair for pair in existing if pair[0] not in set(juror_ids)} & locked
    covered: dict[int, int] = {}
    for _juror, entry in inactive_locked:
        covered[entry] = covered.get(entry, 0) + 1
    seats = RoundJuror.objects.filter(round=round, active=True)
    plan = plan_assignment(
        entries=entry_ids,
        jurors=juror_ids,
        k=round.jurors_per_entry,
        forbidden=forbidden,
        existing=existing - inactive_locked,
        locked=locked - inactive_locked - forbidden,
        covered=covered,
        capacity=dict(seats.exclude(max_entries=None).values_list("user_id", "max_entries")),
        minimum=dict(seats.exclude(min_entries=None).values_list("user_id", "min_entries")),
        wishes={
            (juror, entry): wish
            for juror, entry, wish in AssignmentWish.objects.filter(round=round).values_list("juror", "entry", "wish")
        },
        seed=seed,
    )
    removed = set(plan.removed) - inactive_locked
    if removed:
        for juror, entry in removed:
            Assignment.objects.filter(round=round, juror_id=juror, entry_id=entry).delete()
    _insert_assignments(round=round, pairs=plan.added, by=by)
    record_event(
        verb="assignment_run",
        actor=by,
        contest=round.contest,
        round=round.pk,
        added=[list(pair) for pair in plan.added],
        removed=[list(pair) for pair in sorted(removed)],
        short={str(entry): missing for entry, missing in plan.short.items()},
        below_minimum={str(juror): missing for juror, missing in plan.below_minimum.items()},
    )
    return {
        "added": len(plan.added),
        "removed": len(removed),
        "short": plan.short,
        "loads": plan.loads,
        "below_minimum": plan.below_minimum,
    }


def _insert_assignments(*, round: Round, pairs: list[tuple[int, int]], by: User | None) -> None:
    """Write the (juror, entry) pairs as Assignments. On PostgreSQL one INSERT ... SELECT FROM unnest(): for 10,000
    pairs, building model instances for bulk_create took most of the time of an assignment run."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        Assignment.objects.bulk_create(
            [Assignment(round=round, juror_id=juror, entry_id=entry, created_by=by) for juror, entry in pairs],
            batch_size=2000,
        )
        return
    meta = Assignment._meta
    columns = ", ".join(
        f'"{meta.get_field(name).column}"' for name in ("round", "juror", "entry", "manual", "created_by", "created_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{meta.db_table}" ({columns}) '  # noqa: S608 - names from the model, values as parameters
            "SELECT %s, pair.juror, pair.entry, false, %s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS pair(juror, entry)",
            [
                round.pk,
                by.pk if by is not None else None,
                timezone.now(),
                [juror for juror, _ in pairs],
                [entry for _, entry in pairs],
            ],
        )


@transaction.atomic
def add_assignment(*, round: Round, juror: User, entry: Entry, by: User) -> Assignment:
    """Assign one juror to one entry by hand. Refused on conflict. Writes Assignment and an AuditEvent."""
    if not RoundJuror.objects.filter(round=round, user=juror, active=True).exists():
        raise JudgingError("not_on_round", _("This juror does not sit on this round."))
    if not selectors.round_entries(round).filter(pk=entry.pk).exists():
        raise JudgingError("not_in_round", _("This entry is not judged in this round."))
    if selectors.is_conflicted(round=round, juror_id=juror.pk, entry=entry):
        raise JudgingError("conflict", _("This juror has a conflict of interest with this entry."))
    assignment, created = Assignment.objects.get_or_create(
        round=round, juror=juror, entry=entry, defaults={"manual": True, "created_by": by}
    )
    if not created:
        raise JudgingError("already_assigned", _("This juror already has this entry."))
    record_event(
        verb="assignment_added",
        actor=by,
        contest=round.contest,
        round=round.pk,
        juror=juror.pk,
        entry_id=entry.pk,
        code=entry.code,
    )
    return assignment


@transaction.atomic
def remove_assignment(*, assignment: Assignment, by: User) -> None:
    """Take an entry away from a juror by hand. Refused once their review is submitted.
    Deletes the Assignment (and draft scores); writes an AuditEvent `assignment_removed`."""
    review = Review.objects.filter(assignment=assignment).first()
    if review and review.status == Review.Status.SUBMITTED:
        raise JudgingError("review_submitted", _("This juror has submitted their review; it stays."))
    record_event(
        verb="assignment_removed",
        actor=by,
        contest=assignment.round.contest,
        round=assignment.round_id,
        juror=assignment.juror_id,
        entry_id=assignment.entry_id,
        code=assignment.entry.code,
        reason="manual",
        scores={str(pk): str(value) for pk, value in assignment.scores.values_list("criterion_id", "value")},
    )
    assignment.delete()


@transaction.atomic
def set_juror_capacity(
    *, round: Round, juror: User, max_entries: int | None, min_entries: int | None, by: User
) -> RoundJuror:
    """How many films `juror` takes in `round`, at most and at least (None: no bound); the next automatic
    assignment follows it. Writes RoundJuror and an AuditEvent `juror_capacity_set`.
    Raises JudgingError("not_seated" | "min_above_max")."""
    seat = RoundJuror.objects.select_for_update().filter(round=round, user=juror, active=True).first()
    if seat is None:
        raise JudgingError("not_seated", _("This juror does not sit on this round."))
    if max_entries is not None and min_entries is not None and min_entries > max_entries:
        raise JudgingError("min_above_max", _("The minimum is above the maximum: lower one or raise the other."))
    seat.max_entries, seat.min_entries = max_entries, min_entries
    seat.save(update_fields=["max_entries", "min_entries"])
    record_event(
        verb="juror_capacity_set",
        actor=by,
        contest=round.contest,
        round=round.pk,
        juror=juror.pk,
        max_entries=max_entries,
        min_entries=min_entries,
    )
    return seat


@transaction.atomic
def set_assignment_wishes(*, round: Round, juror: User, wishes: dict[int, int]) -> int:
    """The juror's wishes for the round's entries they may be given (entry id -> +1, -1, or 0 for none), from their
    titles and synopses. Replaces those entries' wishes; writes AssignmentWish rows and an AuditEvent
    `assignment_wishes_set` (counts only). Raises JudgingError("not_seated" | "unknown_entry"). Returns the count."""
    if not RoundJuror.objects.filter(round=round, user=juror, active=True).exists():
        raise JudgingError("not_seated", _("You do not sit on this round."))
    allowed = {entry.pk for entry in selectors.wishable_entries(round=round, juror=juror)}
    if not set(wishes) <= allowed:
        raise JudgingError("unknown_entry", _("Give wishes only for the films listed."))
    AssignmentWish.objects.filter(round=round, juror=juror, entry_id__in=wishes).delete()
    AssignmentWish.objects.bulk_create(
        AssignmentWish(round=round, juror=juror, entry_id=entry, wish=wish) for entry, wish in wishes.items() if wish
    )
    counts = {
        "like": sum(1 for wish in wishes.values() if wish > 0),
        "rather_not": sum(1 for w in wishes.values() if w < 0),
    }
    record_event(verb="assignment_wishes_set", actor=juror, contest=round.contest, round=round.pk, **counts)
    return counts["like"] + counts["rather_not"]
