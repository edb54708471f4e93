"""A juror's review: drafts, submission and how much of the film they played."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Entry, MarkedPassage
from contest.services import record_event
from media_pipeline import jury_cut, viewing
from media_pipeline.selectors import accepted_film

from .. import selectors
from ..models import Assignment, Criterion, Review, Round, Score, format_score
from .errors import JudgingError

# Below this share of the film played, submitting asks for confirmation and flags the review to organisers.
WATCHED_SHARE_REQUIRED = 0.8


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


def marked_seconds(entry: Entry, *, until: float, also: tuple[tuple[float, float], ...] = ()) -> float:
    """How many seconds of [0, until) the team marked as hard passages, with the spans `also` (the credits the
    jury's cut leaves out), overlaps counted once."""
    spans = sorted(
        [*MarkedPassage.objects.filter(entry=entry, start_s__lt=until).values_list("start_s", "end_s"), *also]
    )
    total, reached = 0.0, 0.0
    for start, end in spans:
        start, end = max(start, reached), min(end, until)
        if end > start:
            total += end - start
            reached = end
    return total


def watching_clock(assignment: Assignment, now: datetime | None = None) -> str:
    """The token the entry page gives its player: when the server served the page, signed for this assignment. The
    player sends it back with each report (record_watching): no clock can start before it."""
    return signing.dumps(int((now or timezone.now()).timestamp() * 1000), salt=f"judging.watching:{assignment.pk}")


def _served_at(assignment: Assignment, clock: str | None) -> datetime | None:
    try:
        milliseconds = signing.loads(clock, salt=f"judging.watching:{assignment.pk}") if clock else None
    except signing.BadSignature:
        return None  # another assignment's, a key rotated since the page was served: the report's arrival counts
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC) if isinstance(milliseconds, int) else None


@transaction.atomic
def record_watching(
    *,
    assignment: Assignment,
    by: User,
    position_s: float,
    clock: str | None = None,
    playing_for_s: float | None = None,
    now: datetime | None = None,
) -> Review:
    """Remember the furthest point the juror's player reached, as the server can vouch for it: clamped to the film's
    known duration (`selectors.known_duration`, never the player's), to the wall-clock seconds since playing started,
    so that playing cannot be claimed faster than real time, and, when the film plays from its screener, to the
    seconds of it the server delivered to the juror's sessions of this assignment; the passages the team marked as
    hard count in both bounds, as if watched, so that skipping them costs the juror nothing. Never decreases.

    Playing started at the first report's arrival, or earlier by the `playing_for_s` the player counted since its
    first play, but never before the page was served (`clock`, from watching_clock): a report that waited behind the
    film's download on a slow connection, or that was lost, costs the juror nothing, and no claim reaches before the
    juror had the page. Writes Review (no AuditEvent: playing is not a decision).
    Raises JudgingError("not_yours" | "round_closed" | "bad_position")."""
    now = now or timezone.now()
    if assignment.juror_id != by.pk:
        raise JudgingError("not_yours", _("This is not your assignment."))
    _check_round_open(assignment.round, now)
    if not all(math.isfinite(seconds) and seconds >= 0 for seconds in (position_s, playing_for_s or 0.0)):
        raise JudgingError("bad_position", _("The player sent an impossible position."))
    started = now
    served_at = _served_at(assignment, clock)
    if served_at is not None and playing_for_s:
        started = min(now, max(served_at, now - timedelta(seconds=playing_for_s)))
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.watching_started_at is None or started < review.watching_started_at:
        review.watching_started_at = started
    elapsed = max(0.0, (now - review.watching_started_at).total_seconds())
    duration = selectors.known_duration(assignment.entry)
    film = accepted_film(assignment.entry)
    # A juror may skip the passages the team marked as hard (contest.MarkedPassage): they count as watched; so do the
    # credits the jury's cut leaves out (media_pipeline.jury_cut), and the end of the cut is the end of the film.
    cut = jury_cut.cut_of_screener(assignment.entry, film)
    hidden: tuple[tuple[float, float], ...] = ()
    if cut is not None and duration is not None:
        hidden = ((0.0, cut.offset_s), (cut.end_s, max(duration, cut.end_s)))
        if position_s >= cut.end_s - 0.5:
            position_s = max(position_s, duration)
    skippable = marked_seconds(assignment.entry, until=position_s, also=hidden)
    reached = min(position_s, elapsed + skippable, duration if duration is not None else position_s)
    delivered = viewing.delivered_seconds(film=film, user=by, grant=f"assignment:{assignment.pk}")
    if delivered is not None:  # a screener: no further than the seconds the server sent to this juror's sessions
        reached = min(reached, delivered + skippable)
    review.duration_seconds = duration
    review.watched_seconds = max(review.watched_seconds, reached)
    if duration is not None:
        review.watched_seconds = min(review.watched_seconds, duration)
    review.save(update_fields=["duration_seconds", "watched_seconds", "watching_started_at", "updated_at"])
    return review
