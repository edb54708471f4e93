"""Next year's edition (contest.editions): the jury's configuration copied — rounds with their options and dates
moved, criteria with their weights, scales and anchors. Nobody's assignments, reviews, scores or conflicts."""

from contest.editions import EditionCopy

from .models import Criterion, Round

ROUND_FIELDS = (
    "name_fr",
    "name_en",
    "order",
    "jurors_per_entry",
    "source",
    "conflicts_by_institution",
    "show_scores_after_own",
)
CRITERION_FIELDS = (
    "name_fr",
    "name_en",
    "guidance_fr",
    "guidance_en",
    "weight",
    "scale_min",
    "scale_max",
    "step",
    "anchors",
    "order",
)


def copy_rounds(copy: EditionCopy) -> None:
    """Registered with contest.editions: writes the new contest's Round and Criterion rows."""
    for round in Round.objects.filter(contest=copy.old).prefetch_related("criteria").order_by("order", "pk"):
        made = Round.objects.create(
            contest=copy.new,
            opens_at=copy.moved(round.opens_at),
            closes_at=copy.moved(round.closes_at),
            **{name: getattr(round, name) for name in ROUND_FIELDS},
        )
        copy.rows.setdefault(Round._meta.label, {})[round.pk] = made
        for criterion in round.criteria.all():
            Criterion.objects.create(round=made, **{name: getattr(criterion, name) for name in CRITERION_FIELDS})
