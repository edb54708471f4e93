"""Every change of state in judging. Views call these; nothing else writes judging rows.

Audit events written here never carry the `entry` foreign key: teams read their entry's events, and who judged
their film (or how) is none of their business. The entry's id and code go in the event's data instead."""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import ContentWarning, Contest, ContestRole, Entry, Institution, Prize, Team
from contest.services import ContestError, record_event
from media_pipeline.selectors import accepted_film

from . import selectors
from .assignment import plan_assignment
from .models import (
    Assignment,
    Award,
    Conflict,
    ContentOptOut,
    Criterion,
    Review,
    Round,
    RoundJuror,
    Score,
    Shortlist,
    format_score,
)
from .results import compute_results

# Below this share of the film played, submitting asks for confirmation and flags the review to organisers.
WATCHED_SHARE_REQUIRED = 0.8


class JudgingError(ContestError):
    pass


# Rounds and criteria


ROUND_FIELDS = (
    "name_fr",
    "name_en",
    "order",
    "opens_at",
    "closes_at",
    "jurors_per_entry",
    "source",
    "conflicts_by_institution",
    "show_scores_after_own",
)


def _check_round_values(values: dict) -> None:
    if values["closes_at"] <= values["opens_at"]:
        raise JudgingError("round_dates", _("A round must close after it opens."))
    if values.get("jurors_per_entry", 1) < 1:
        raise JudgingError("jurors_per_entry", _("Each entry needs at least one juror."))


@transaction.atomic
def create_round(*, contest: Contest, by: User, **values) -> Round:
    """Create a round. Writes Round and an AuditEvent `round_created`."""
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    if "order" not in values:
        last = contest.rounds.order_by("-order").values_list("order", flat=True).first()
        values["order"] = (last or 0) + 1
    _check_round_values(values)
    if contest.rounds.filter(order=values["order"]).exists():
        raise JudgingError("round_order_taken", _("Another round already has this position."))
    round = Round.objects.create(contest=contest, **values)
    record_event(verb="round_created", actor=by, contest=contest, round=round.pk, name=round.name_fr)
    return round


@transaction.atomic
def update_round(*, round: Round, by: User, **values) -> Round:
    """Change a round's settings. Writes Round and an AuditEvent `round_updated` naming the changed fields."""
    unknown = set(values) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    merged = {"opens_at": round.opens_at, "closes_at": round.closes_at, **values}
    _check_round_values(merged)
    changed = sorted(name for name, value in values.items() if getattr(round, name) != value)
    for name, value in values.items():
        setattr(round, name, value)
    round.save()
    if changed:
        record_event(verb="round_updated", actor=by, contest=round.contest, round=round.pk, fields=changed)
    return round


def _parse_anchors(anchors) -> dict:
    if isinstance(anchors, dict):
        return anchors
    result = {}
    for line in (anchors or "").splitlines():
        level, separator, text = line.partition(":")
        if not separator or not text.strip():
            continue
        try:
            key = f"{Decimal(level.strip()).normalize():f}"
        except InvalidOperation:
            raise JudgingError("anchor_level", _("Write each anchor as “level: description”, e.g. “1: weak”."))
        result[key] = {"fr": text.strip(), "en": ""}
    return result


@transaction.atomic
def add_criterion(
    *,
    round: Round,
    by: User,
    name_fr: str,
    name_en: str = "",
    guidance_fr: str = "",
    guidance_en: str = "",
    weight: Decimal = Decimal(1),
    scale_min: Decimal = Decimal(1),
    scale_max: Decimal = Decimal(5),
    step: Decimal = Decimal(1),
    anchors=None,
) -> Criterion:
    """Add a criterion to a round. Writes Criterion and an AuditEvent `criterion_added`.
    Refused once any score is in (scores would stop being comparable)."""
    scale_min, scale_max, step, weight = (Decimal(str(v)) for v in (scale_min, scale_max, step, weight))
    if scale_max <= scale_min:
        raise JudgingError("criterion_scale", _("The highest score must be above the lowest."))
    if step <= 0 or (scale_max - scale_min) % step:
        raise JudgingError("criterion_step", _("The step must divide the scale evenly."))
    if weight <= 0:
        raise JudgingError("criterion_weight", _("A weight must be positive."))
    if Score.objects.filter(assignment__round=round).exists():
        raise JudgingError("scores_in", _("Scores are already in for this round: its criteria can no longer change."))
    last = round.criteria.order_by("-order").values_list("order", flat=True).first()
    criterion = Criterion.objects.create(
        round=round,
        name_fr=name_fr,
        name_en=name_en,
        guidance_fr=guidance_fr,
        guidance_en=guidance_en,
        weight=weight,
        scale_min=scale_min,
        scale_max=scale_max,
        step=step,
        anchors=_parse_anchors(anchors),
        order=(last or 0) + 1,
    )
    record_event(
        verb="criterion_added", actor=by, contest=round.contest, round=round.pk, criterion=criterion.pk, name=name_fr
    )
    return criterion


# Jury membership, conflicts and opt-outs


@transaction.atomic
def add_round_juror(*, round: Round, user: User, by: User) -> RoundJuror:
    """Seat a contest juror (someone who accepted a juror invitation) on a round. Writes RoundJuror and an AuditEvent."""
    if not ContestRole.objects.filter(contest_id=round.contest_id, user=user, role=ContestRole.Role.JUROR).exists():
        raise JudgingError("not_a_juror", _("%(user)s has not accepted a juror invitation.") % {"user": user})
    member, created = RoundJuror.objects.get_or_create(round=round, user=user)
    if not created and member.active:
        return member
    member.active = True
    member.save(update_fields=["active"])
    record_event(verb="round_juror_added", actor=by, contest=round.contest, round=round.pk, juror=user.pk)
    return member


def seat_all_jurors(*, round: Round, by: User) -> int:
    """Seat every contest juror not yet on the round. Returns how many were added."""
    user_ids = ContestRole.objects.filter(contest_id=round.contest_id, role=ContestRole.Role.JUROR).values_list(
        "user_id", flat=True
    )
    seated = set(RoundJuror.objects.filter(round=round, active=True).values_list("user_id", flat=True))
    added = 0
    for user in User.objects.filter(pk__in=user_ids).exclude(pk__in=seated):
        add_round_juror(round=round, user=user, by=by)
        added += 1
    return added


def _locked_pairs(round: Round) -> set[tuple[int, int]]:
    """Pairs the planner must not move: scores in, or placed by hand."""
    scored = Assignment.objects.filter(round=round, scores__isnull=False).values_list("juror_id", "entry_id")
    manual = Assignment.objects.filter(round=round, manual=True).values_list("juror_id", "entry_id")
    submitted = Assignment.objects.filter(round=round, review__status=Review.Status.SUBMITTED).values_list(
        "juror_id", "entry_id"
    )
    return set(scored) | set(manual) | set(submitted)


@transaction.atomic
def remove_round_juror(*, round: Round, user: User, by: User) -> dict:
    """A juror leaves the round: their unscored assignments go to the others (balanced), their submitted scores stay.
    Writes RoundJuror.active, deletes and creates Assignments, AuditEvents `round_juror_removed` and
    `assignment_run`. Returns what assign_jurors returns."""
    member = RoundJuror.objects.select_for_update().get(round=round, user=user)
    member.active = False
    member.save(update_fields=["active"])
    gone = Assignment.objects.filter(round=round, juror=user, manual=False).exclude(
        review__status=Review.Status.SUBMITTED
    )
    released = sorted(gone.values_list("entry__code", flat=True))
    gone.delete()
    record_event(
        verb="round_juror_removed",
        actor=by,
        contest=round.contest,
        round=round.pk,
        juror=user.pk,
        released=released,
    )
    return assign_jurors(round=round, by=by)


def _drop_conflicted_assignments(*, contest: Contest, juror: User, by: User, reason: str) -> list[str]:
    """Delete the juror's assignments (and their scores) for entries they are now in conflict with."""
    dropped = []
    for round in contest.rounds.all():
        assignments = Assignment.objects.filter(round=round, juror=juror)
        entries = Entry.objects.filter(pk__in=assignments.values("entry_id"))
        forbidden = selectors.forbidden_pairs(contest_id=contest.pk, round=round, juror_ids=[juror.pk], entries=entries)
        for assignment in assignments.filter(entry_id__in=[entry for _juror, entry in forbidden]).select_related(
            "entry"
        ):
            scores = {str(pk): str(value) for pk, value in assignment.scores.values_list("criterion_id", "value")}
            record_event(
                verb="assignment_removed",
                actor=by,
                contest=contest,
                round=round.pk,
                juror=juror.pk,
                entry_id=assignment.entry_id,
                code=assignment.entry.code,
                reason=reason,
                scores=scores,
            )
            dropped.append(assignment.entry.code)
            assignment.delete()
    return dropped


@transaction.atomic
def declare_conflict(
    *,
    contest: Contest,
    juror: User,
    by: User,
    entry: Entry | None = None,
    team: Team | None = None,
    institution: Institution | None = None,
) -> Conflict:
    """Record a conflict of interest for exactly one of entry, team or institution. The juror loses their
    assignments (and any scores) for the entries concerned. Writes Conflict, deletes Assignments, AuditEvents."""
    targets = [target for target in (entry, team, institution) if target is not None]
    if len(targets) != 1:
        raise TypeError("a conflict names exactly one entry, team or institution")
    kind = Conflict.Kind.ENTRY if entry else Conflict.Kind.TEAM if team else Conflict.Kind.INSTITUTION
    conflict, created = Conflict.objects.get_or_create(
        contest=contest,
        juror=juror,
        kind=kind,
        entry=entry,
        team=team,
        institution=institution,
        defaults={"declared_by": by},
    )
    if created:
        record_event(
            verb="conflict_declared",
            actor=by,
            contest=contest,
            juror=juror.pk,
            kind=kind,
            target=(entry or team or institution).pk,
        )
        _drop_conflicted_assignments(contest=contest, juror=juror, by=by, reason="conflict")
    return conflict


@transaction.atomic
def withdraw_conflict(*, conflict: Conflict, by: User) -> None:
    """Remove a declared conflict. Writes an AuditEvent; the juror is not re-assigned until the next run."""
    record_event(
        verb="conflict_withdrawn",
        actor=by,
        contest=conflict.contest,
        juror=conflict.juror_id,
        kind=conflict.kind,
        target=conflict.entry_id or conflict.team_id or conflict.institution_id,
    )
    conflict.delete()


@transaction.atomic
def set_content_opt_outs(*, contest: Contest, juror: User, warnings: list[ContentWarning], by: User) -> None:
    """The juror will not be given films with these content warnings. Replaces their opt-outs; drops their
    assignments to such films. Writes ContentOptOut rows and an AuditEvent `content_opt_outs_set`."""
    wanted = {warning.pk for warning in warnings if warning.contest_id == contest.pk}
    current = set(
        ContentOptOut.objects.filter(contest=contest, juror=juror).values_list("content_warning_id", flat=True)
    )
    if wanted == current:
        return
    ContentOptOut.objects.filter(contest=contest, juror=juror).exclude(content_warning_id__in=wanted).delete()
    ContentOptOut.objects.bulk_create(
        [ContentOptOut(contest=contest, juror=juror, content_warning_id=pk) for pk in sorted(wanted - current)]
    )
    record_event(verb="content_opt_outs_set", actor=by, contest=contest, juror=juror.pk, warnings=sorted(wanted))
    _drop_conflicted_assignments(contest=contest, juror=juror, by=by, reason="opt_out")


# Assignment


@transaction.atomic
def assign_jurors(*, round: Round, by: User, seed: int = 0) -> dict:
    """Give every entry of the round `k` jurors with even loads, respecting conflicts and opt-outs and keeping
    assignments with scores or placed by hand. Deletes and creates Assignments; writes one AuditEvent
    `assignment_run` listing the pairs added and removed. Returns {"added", "removed", "short", "loads"}."""
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
    plan = plan_assignment(
        entries=entry_ids,
        jurors=juror_ids,
        k=round.jurors_per_entry,
        forbidden=forbidden,
        existing=existing - inactive_locked,
        locked=locked - inactive_locked - forbidden,
        covered=covered,
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
    )
    return {"added": len(plan.added), "removed": len(removed), "short": plan.short, "loads": plan.loads}


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


# Reviews


@dataclass(frozen=True)
class ScoreProblem:
    """A score the server refused, told for the field that holds it (`field`, the input's name)."""

    criterion: Criterion
    code: str  # "not_a_number" | "out_of_scale"
    message: str

    @property
    def field(self) -> str:
        return f"score_{self.criterion.pk}"


class ScoreError(JudgingError):
    """Some scores were refused; `problems` says which and why, field by field."""

    def __init__(self, problems: list[ScoreProblem]):
        names = ", ".join(problem.criterion.name for problem in problems)
        super().__init__(problems[0].code, _("Correct the marked scores: %(names)s.") % {"names": names})
        self.problems = problems


def _scale_problem(criterion: Criterion) -> str:
    values = {"low": format_score(criterion.scale_min), "high": format_score(criterion.scale_max)}
    if criterion.step == 1 and criterion.scale_min == criterion.scale_min.to_integral_value():
        return gettext("The score must be a whole number from %(low)s to %(high)s.") % values
    return gettext("The score must be from %(low)s to %(high)s, in steps of %(step)s.") % {
        **values,
        "step": format_score(criterion.step),
    }


def _parse_value(raw, criterion: Criterion) -> Decimal | None:
    """The score `raw` stands for (None when blank); raises ScoreError naming the criterion otherwise."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ScoreError([ScoreProblem(criterion, "not_a_number", gettext("Enter a number."))])
    if value < criterion.scale_min or value > criterion.scale_max or (value - criterion.scale_min) % criterion.step:
        raise ScoreError([ScoreProblem(criterion, "out_of_scale", _scale_problem(criterion))])
    return value


def _parse_scores(values: dict, criteria: dict[int, Criterion]) -> tuple[dict[int, Decimal | None], list]:
    """The valid scores among `values` (criterion id -> raw value) and a ScoreProblem for each refused one."""
    parsed, problems = {}, []
    for key, raw in values.items():
        try:
            criterion = criteria[int(key)]
        except (KeyError, TypeError, ValueError):
            raise JudgingError("unknown_criterion", _("This criterion is not part of the round."))
        try:
            parsed[criterion.pk] = _parse_value(raw, criterion)
        except ScoreError as error:
            problems.extend(error.problems)
    return parsed, problems


def _check_round_open(round: Round, now: datetime) -> None:
    if now < round.opens_at:
        raise JudgingError("round_not_open", _("This round has not opened yet."))
    if now > round.closes_at:
        raise JudgingError("round_closed", _("This round is closed: scores are locked."))


def _start_review(*, assignment: Assignment, by: User, now: datetime) -> tuple[Round, Review, dict[int, Criterion]]:
    if assignment.juror_id != by.pk:
        raise JudgingError("not_yours", _("This is not your assignment."))
    round = Round.objects.select_related("contest").get(pk=assignment.round_id)
    _check_round_open(round, now)
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    return round, review, {criterion.pk: criterion for criterion in round.criteria.all()}


def _write_scores(*, assignment: Assignment, round: Round, review: Review, by: User, parsed: dict) -> None:
    """Write the parsed scores (None deletes) and one AuditEvent `score_changed` for those that changed."""
    current = {score.criterion_id: score for score in Score.objects.filter(assignment=assignment)}
    changes = {}
    for pk, value in parsed.items():
        before = current.get(pk)
        if value is None:
            if before is not None:
                changes[str(pk)] = [str(before.value), None]
                before.delete()
        elif before is None:
            Score.objects.create(assignment=assignment, criterion_id=pk, value=value)
            changes[str(pk)] = [None, str(value)]
        elif before.value != value:
            changes[str(pk)] = [str(before.value), str(value)]
            before.value = value
            before.save(update_fields=["value"])
    if changes:
        record_event(
            verb="score_changed",
            actor=by,
            contest=round.contest,
            round=round.pk,
            entry_id=assignment.entry_id,
            status=review.status,
            changes=changes,
        )


def _write_comments(review: Review, private_comment: str | None, team_feedback: str | None) -> None:
    if private_comment is not None:
        review.private_comment = private_comment
    if team_feedback is not None:
        review.team_feedback = team_feedback


@dataclass(frozen=True)
class DraftOutcome:
    review: Review
    problems: list[ScoreProblem]


@transaction.atomic
def save_draft(
    *,
    assignment: Assignment,
    by: User,
    values: dict,
    private_comment: str | None = None,
    team_feedback: str | None = None,
    now: datetime | None = None,
) -> DraftOutcome:
    """Keep the juror's work in progress: every valid score (criterion id -> value; blank clears) and the comments
    are saved; a refused score leaves that criterion's saved score as it was and comes back as a ScoreProblem.
    A submitted review is not a draft any more. Writes Score rows, Review, an AuditEvent `score_changed` (only for
    values that changed). Raises JudgingError("round_closed" | "round_not_open" | "already_submitted" |
    "unknown_criterion" | "not_yours")."""
    now = now or timezone.now()
    round, review, criteria = _start_review(assignment=assignment, by=by, now=now)
    if review.status == Review.Status.SUBMITTED:
        raise JudgingError("already_submitted", _("Submitted: use the button to change it."))
    parsed, problems = _parse_scores(values, criteria)
    _write_scores(assignment=assignment, round=round, review=review, by=by, parsed=parsed)
    _write_comments(review, private_comment, team_feedback)
    review.save()
    return DraftOutcome(review=review, problems=problems)


@transaction.atomic
def save_review(
    *,
    assignment: Assignment,
    by: User,
    values: dict,
    private_comment: str | None = None,
    team_feedback: str | None = None,
    submit: bool = False,
    confirm_unwatched: bool = False,
    now: datetime | None = None,
) -> Review:
    """Save the juror's scores (criterion id -> value; blank clears) and comments, all or nothing; with submit=True,
    every criterion must be scored and the review becomes submitted. Submitting with less than 80 % of the film
    played needs confirm_unwatched and flags the review to organisers. (Drafts that keep what is valid: save_draft.)
    Writes Score rows, Review, and AuditEvents `score_changed` (only for values that changed) and `review_submitted`.
    Raises ScoreError (code "out_of_scale" | "not_a_number", with the problems field by field), JudgingError(
    "round_closed" | "round_not_open" | "incomplete" | "unwatched" | "not_yours" | "unknown_criterion")."""
    now = now or timezone.now()
    round, review, criteria = _start_review(assignment=assignment, by=by, now=now)
    parsed, problems = _parse_scores(values, criteria)
    if problems:
        raise ScoreError(problems)
    after = dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "value"))
    after.update(parsed)
    after = {pk: value for pk, value in after.items() if value is not None}
    if submit:
        missing = [criterion.name for pk, criterion in criteria.items() if pk not in after]
        if missing:
            raise JudgingError(
                "incomplete", _("Score every criterion before submitting: %(names)s.") % {"names": ", ".join(missing)}
            )
        share = review.watched_share or 0.0
        if share < WATCHED_SHARE_REQUIRED and not confirm_unwatched:
            raise JudgingError(
                "unwatched",
                _("You have played %(percent)d %% of the film. Submit anyway?") % {"percent": int(share * 100)},
            )
    _write_scores(assignment=assignment, round=round, review=review, by=by, parsed=parsed)
    _write_comments(review, private_comment, team_feedback)
    if submit:
        first = review.status != Review.Status.SUBMITTED
        review.status = Review.Status.SUBMITTED
        review.submitted_at = now
        review.flagged_unwatched = (review.watched_share or 0.0) < WATCHED_SHARE_REQUIRED
        record_event(
            verb="review_submitted" if first else "review_resubmitted",
            actor=by,
            contest=round.contest,
            round=round.pk,
            entry_id=assignment.entry_id,
            watched_share=review.watched_share,
            flagged_unwatched=review.flagged_unwatched,
        )
    review.save()
    return review


def watched_text(review: Review | None) -> str:
    """« Visionné : 42 % » once the player reported, else ""."""
    if review is None or review.watched_share is None:
        return ""
    return gettext("Watched: %(percent)d %%") % {"percent": round(review.watched_share * 100)}


def known_duration(entry: Entry) -> float | None:
    """The film's length as the server knows it: the media pipeline's probe of the accepted film, or else the
    runtime the team declared. Never what a juror's player says."""
    film = accepted_film(entry)
    if film is not None and film.duration_s:
        return film.duration_s
    return float(entry.runtime_s) if entry.runtime_s else None


@transaction.atomic
def record_watching(*, assignment: Assignment, by: User, position_s: float, now: datetime | None = None) -> Review:
    """Remember the furthest point the juror's player reached, as the server can vouch for it: clamped to the film's
    known duration (`known_duration`, never the player's), and to the wall-clock seconds since the player's first
    report, so that playing cannot be claimed faster than real time. Never decreases. Writes Review (no
    AuditEvent: playing is not a decision). Raises JudgingError("not_yours" | "round_closed" | "bad_position")."""
    now = now or timezone.now()
    if assignment.juror_id != by.pk:
        raise JudgingError("not_yours", _("This is not your assignment."))
    _check_round_open(assignment.round, now)
    if not (math.isfinite(position_s) and position_s >= 0):
        raise JudgingError("bad_position", _("The player sent an impossible position."))
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.watching_started_at is None:
        review.watching_started_at = now
    elapsed = max(0.0, (now - review.watching_started_at).total_seconds())
    duration = known_duration(assignment.entry)
    reached = min(position_s, elapsed, duration if duration is not None else position_s)
    review.duration_seconds = duration
    review.watched_seconds = max(review.watched_seconds, reached)
    if duration is not None:
        review.watched_seconds = min(review.watched_seconds, duration)
    review.save(update_fields=["duration_seconds", "watched_seconds", "watching_started_at", "updated_at"])
    return review


# Shortlist and awards


@transaction.atomic
def set_shortlist(*, round: Round, entry_ids: list[int], by: User) -> int:
    """Choose which of this round's entries go on to the next round. Replaces the shortlist; writes Shortlist rows
    and an AuditEvent `shortlist_set`. Returns the count."""
    allowed = set(selectors.round_entries(round).filter(pk__in=entry_ids).values_list("pk", flat=True))
    Shortlist.objects.filter(round=round).exclude(entry_id__in=allowed).delete()
    present = set(Shortlist.objects.filter(round=round).values_list("entry_id", flat=True))
    Shortlist.objects.bulk_create(
        [Shortlist(round=round, entry_id=pk, created_by=by) for pk in sorted(allowed - present)]
    )
    codes = sorted(Entry.objects.filter(pk__in=allowed).values_list("code", flat=True))
    record_event(verb="shortlist_set", actor=by, contest=round.contest, round=round.pk, codes=codes)
    return len(allowed)


def final_round(contest: Contest) -> Round | None:
    return contest.rounds.order_by("-order").first()


def ranking_choice(*, prize: Prize) -> Entry | None:
    """The entry the ranking of the last round points to for this prize: the n-th prize goes to the n-th entry."""
    round = final_round(prize.contest)
    if round is None:
        return None
    position = list(prize.contest.prizes.order_by("order", "name_fr").values_list("pk", flat=True)).index(prize.pk)
    entries = selectors.round_entries(round)
    results = compute_results(
        entry_ids=list(entries.values_list("pk", flat=True)), reviews=selectors.submitted_review_totals(round)
    )
    ranked = [result.entry_id for result in results.entries if result.rank is not None]
    if position >= len(ranked):
        return None
    return Entry.objects.get(pk=ranked[position])


@transaction.atomic
def record_award(
    *,
    prize: Prize,
    entry: Entry,
    by: User,
    citation_fr: str = "",
    citation_en: str = "",
    reason_if_not_ranking: str = "",
) -> Award:
    """Record the jury's decision: `prize` goes to `entry`. A choice other than the ranking's needs a reason.
    Writes Award and an AuditEvent `award_recorded` (or `award_changed`)."""
    if entry.contest_id != prize.contest_id or entry.status != Entry.Status.SUBMITTED:
        raise JudgingError("entry_not_eligible", _("This entry cannot receive a prize in this contest."))
    expected = ranking_choice(prize=prize)
    reason = reason_if_not_ranking.strip()
    if expected is not None and expected.pk != entry.pk and not reason:
        raise JudgingError(
            "reason_required",
            _("The ranking points to %(code)s for this prize. Say why the jury chose otherwise.")
            % {"code": expected.code},
        )
    if expected is not None and expected.pk == entry.pk:
        reason = ""
    award = Award.objects.filter(prize=prize, entry=entry).first()
    verb = "award_changed" if award else "award_recorded"
    if award is None:
        award = Award(contest_id=prize.contest_id, prize=prize, entry=entry)
    award.citation_fr = citation_fr
    award.citation_en = citation_en
    award.reason_if_not_ranking = reason
    award.decided_by = by
    award.decided_at = timezone.now()
    award.save()
    record_event(
        verb=verb,
        actor=by,
        contest=prize.contest,
        prize=prize.pk,
        entry_id=entry.pk,
        code=entry.code,
        reason=reason,
    )
    return award


@transaction.atomic
def remove_award(*, award: Award, by: User) -> None:
    """Take back a decision. Deletes the Award; writes an AuditEvent `award_removed`."""
    record_event(
        verb="award_removed",
        actor=by,
        contest=award.contest,
        prize=award.prize_id,
        entry_id=award.entry_id,
        code=award.entry.code,
    )
    award.delete()
