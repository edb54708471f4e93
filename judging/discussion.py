"""The jury's discussion of an entry: who may read it (a juror once their own review of it is submitted, in a round
that allows it; organisers always), how jurors are named in it (« Juré·e 1, 2… » in the order they were assigned,
the reader « vous »), and its messages. The team never reads any of it."""

from dataclasses import dataclass
from datetime import datetime

from .models import Assignment, DiscussionMessage, Review


def can_discuss(assignment: Assignment) -> bool:
    """Whether the juror of `assignment` reads the other reviews of its entry and its discussion."""
    review = getattr(assignment, "review", None)
    return assignment.round.show_scores_after_own and review is not None and review.status == Review.Status.SUBMITTED


def juror_numbers(assignment: Assignment) -> dict[int, int]:
    """The other jurors of the entry in the round, by id, numbered 1, 2… in the order they were assigned (stable as
    others submit)."""
    others = (
        Assignment.objects.filter(round=assignment.round_id, entry=assignment.entry_id)
        .exclude(pk=assignment.pk)
        .order_by("pk")
        .values_list("juror_id", flat=True)
    )
    return {juror: number for number, juror in enumerate(others, start=1)}


@dataclass(frozen=True)
class Message:
    number: int | None  # the author's number for the reader; None: the reader wrote it (or an account erased since)
    mine: bool
    text: str
    at: datetime


def thread(assignment: Assignment) -> list[Message]:
    """The entry's discussion in the round as the juror of `assignment` reads it."""
    numbers = juror_numbers(assignment)
    return [
        Message(
            number=numbers.get(message.author_id),
            mine=message.author_id == assignment.juror_id,
            text=message.text,
            at=message.created_at,
        )
        for message in DiscussionMessage.objects.filter(round=assignment.round_id, entry=assignment.entry_id)
    ]


def organiser_thread(*, round, entry):
    """The entry's discussion in the round for organisers, with each author."""
    return DiscussionMessage.objects.filter(round=round, entry=entry).select_related("author")
