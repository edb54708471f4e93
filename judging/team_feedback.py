"""What a team reads of the jury's work once the organiser published it: the comments meant for it, signed by a
letter (« Juré·e A »), never a name, as the organiser moderated them; and, if the organiser chose, its scores per
criterion beside the round's average. Only submitted reviews of closed rounds count."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from string import ascii_uppercase

from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.models import Contest, Entry
from contest.selectors import EntrySection, TeamNotice

from .models import Criterion, FeedbackPublication, Review, Round, Score, format_score

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Comment:
    letter: str  # the juror's letter for this entry: "A", "B"… in the order of their first comment shown
    round: Round
    text: str


@dataclass(frozen=True)
class CriterionScores:
    criterion: Criterion
    entry_mean: Decimal  # the mean of this entry's submitted scores, to the hundredth
    round_mean: Decimal  # the mean of every submitted score of the round for this criterion

    @property
    def entry_text(self) -> str:
        return format_score(self.entry_mean)

    @property
    def round_text(self) -> str:
        return format_score(self.round_mean)


@dataclass(frozen=True)
class RoundScores:
    round: Round
    criteria: list[CriterionScores]


@dataclass(frozen=True)
class TeamFeedback:
    entry: Entry
    published_at: datetime
    comments: list[Comment]
    scores: list[RoundScores]  # empty unless the organiser publishes scores


def publication(contest: Contest) -> FeedbackPublication | None:
    return FeedbackPublication.objects.filter(contest=contest).first()


def letter(index: int) -> str:
    """A, B, … Z, then A2, B2…: a juror's sign for one entry."""
    turn, position = divmod(index, len(ascii_uppercase))
    return ascii_uppercase[position] + (str(turn + 1) if turn else "")


def shown_text(review: Review) -> str:
    """What the team reads of this review's feedback ("" for nothing): the organiser's wording, or the juror's."""
    moderation = getattr(review, "moderation", None)
    if moderation is None:
        return review.team_feedback.strip()
    return "" if moderation.held else moderation.text


def _closed_reviews(now: datetime):
    return (
        Review.objects.filter(status=Review.Status.SUBMITTED, assignment__round__closes_at__lt=now)
        .select_related("assignment__round", "moderation")
        .order_by("assignment__round__order", "assignment__round_id", "assignment_id")
    )


def _comments(reviews: list[Review]) -> list[Comment]:
    letters: dict[int, str] = {}
    comments = []
    for review in reviews:
        text = shown_text(review)
        if not text:
            continue
        juror = review.assignment.juror_id
        if juror not in letters:
            letters[juror] = letter(len(letters))
        comments.append(Comment(letter=letters[juror], round=review.assignment.round, text=text))
    return comments


def _scores(entry_ids: list[int], rounds: list[Round]) -> dict[int, list[RoundScores]]:
    """Per entry, its rounds' criteria with the entry's mean and the round's mean."""
    if not rounds:
        return {}
    submitted = Score.objects.filter(
        assignment__review__status=Review.Status.SUBMITTED, criterion__round__in=rounds
    ).values("criterion")
    round_means = dict(submitted.annotate(mean=Avg("value")).values_list("criterion", "mean"))
    entry_means = (
        submitted.filter(assignment__entry__in=entry_ids)
        .values("criterion", "assignment__entry")
        .annotate(mean=Avg("value"))
        .values_list("assignment__entry", "criterion", "mean")
    )
    by_entry: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry_id, criterion_id, mean in entry_means:
        by_entry[entry_id][criterion_id] = mean
    criteria = defaultdict(list)
    for criterion in Criterion.objects.filter(round__in=rounds).order_by("order", "pk"):
        criteria[criterion.round_id].append(criterion)
    result = {}
    for entry_id, means in by_entry.items():
        result[entry_id] = [
            RoundScores(
                round=round,
                criteria=[
                    CriterionScores(
                        criterion=criterion,
                        entry_mean=Decimal(means[criterion.pk]).quantize(CENT),
                        round_mean=Decimal(round_means[criterion.pk]).quantize(CENT),
                    )
                    for criterion in criteria[round.pk]
                    if criterion.pk in means
                ],
            )
            for round in rounds
            if any(criterion.pk in means for criterion in criteria[round.pk])
        ]
    return result


def _feedback(entries: list[Entry], published: FeedbackPublication, now: datetime) -> list[TeamFeedback]:
    reviews = defaultdict(list)
    for review in _closed_reviews(now).filter(assignment__entry__in=entries):
        reviews[review.assignment.entry_id].append(review)
    rounds = sorted({review.assignment.round for rows in reviews.values() for review in rows}, key=lambda r: r.order)
    scores = _scores([entry.pk for entry in entries], rounds) if published.show_scores else {}
    return [
        TeamFeedback(
            entry=entry,
            published_at=published.publish_at,
            comments=_comments(reviews[entry.pk]),
            scores=scores.get(entry.pk, []),
        )
        for entry in entries
        if reviews[entry.pk]
    ]


def entry_feedback(entry: Entry, *, now: datetime | None = None) -> TeamFeedback | None:
    """What the entry's team reads at `now`; None before the publication (or with no review to read)."""
    now = now or timezone.now()
    published = publication(entry.team.contest)
    if published is None or not published.is_published(now):
        return None
    found = _feedback([entry], published, now)
    return found[0] if found else None


def contest_feedback(contest: Contest, *, now: datetime | None = None) -> list[TeamFeedback]:
    """What each team of `contest` reads at `now`, entry by entry (those with a submitted review of a closed round);
    nothing before the publication."""
    now = now or timezone.now()
    published = publication(contest)
    if published is None or not published.is_published(now):
        return []
    entries = list(contest.entries.select_related("team__contest").order_by("code"))
    return _feedback(entries, published, now)


@dataclass(frozen=True)
class ModeratedReview:
    review: Review
    juror_email: str
    shown: str  # what the team reads (or will)
    can_moderate: bool  # the round is closed


def moderation_overview(contest: Contest, *, now: datetime | None = None) -> list[tuple[Entry, list[ModeratedReview]]]:
    """For the organiser: each entry with the submitted reviews that carry feedback for its team, in every round."""
    now = now or timezone.now()
    reviews = (
        Review.objects.filter(assignment__round__contest=contest, status=Review.Status.SUBMITTED)
        .exclude(team_feedback="")
        .select_related("assignment__round", "assignment__entry", "assignment__juror", "moderation__by")
        .order_by("assignment__entry__code", "assignment__round__order", "assignment_id")
    )
    by_entry: dict[int, tuple[Entry, list[ModeratedReview]]] = {}
    for review in reviews:
        entry = review.assignment.entry
        by_entry.setdefault(entry.pk, (entry, []))[1].append(
            ModeratedReview(
                review=review,
                juror_email=review.assignment.juror.email,
                shown=shown_text(review),
                can_moderate=review.assignment.round.closes_at < now,
            )
        )
    return list(by_entry.values())


def entry_sections(entry: Entry, *, user, now: datetime) -> list[EntrySection]:
    """For the team's entry page (registered with contest.selectors.register_entry_sections): the jury's feedback
    once published, or the time it will be."""
    if entry.status == Entry.Status.DRAFT:
        return []
    published = publication(entry.team.contest)
    if published is None:
        return []
    feedback = entry_feedback(entry, now=now) if published.is_published(now) else None
    return [
        EntrySection(
            template="judging/_team_feedback.html",
            context={"publication": published, "feedback": feedback, "published": published.is_published(now)},
        )
    ]


def team_notices(entry: Entry, *, user, now: datetime) -> list[TeamNotice]:
    """For the team's pages (registered with contest.selectors.register_team_notices): the feedback to read."""
    feedback = entry_feedback(entry, now=now) if entry.status != Entry.Status.DRAFT else None
    if feedback is None or not (feedback.comments or feedback.scores):
        return []
    url = reverse("entry_detail", args=[entry.team.contest.slug, entry.public_id]) + "#feedback"
    return [
        TeamNotice(
            kind="feedback",
            text=_("The jury's feedback on “%(title)s” is published.") % {"title": entry.title},
            url=url,
            link_text=_("Read it"),
            tone="success",
        )
    ]
