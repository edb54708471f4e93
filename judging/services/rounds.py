"""Rounds and their criteria."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Contest
from contest.services import record_event

from ..models import ROUND_FIELDS, Criterion, Round, Score, score_input_value
from .errors import JudgingError


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


def _anchor_lines(text: str, *, low: Decimal, high: Decimal, step: Decimal) -> dict[str, str]:
    """ "level: description" lines as {level: description}; a level must be a score of the scale."""
    anchors = {}
    for line in (text or "").splitlines():
        level, separator, description = line.partition(":")
        if not line.strip():
            continue
        try:
            value = Decimal(level.strip()) if separator and description.strip() else None
        except InvalidOperation:
            value = None
        if value is None:
            raise JudgingError("anchor_level", _("Write each anchor as “level: description”, e.g. “1: weak”."))
        if not value.is_finite() or not low <= value <= high or (value - low) % step:
            raise JudgingError(
                "anchor_off_scale",
                _("“%(level)s” is not a score of this scale: an anchor describes one of its scores.")
                % {"level": level.strip()},
            )
        anchors[score_input_value(value)] = description.strip()
    return anchors


def _anchors(*, anchors_fr: str, anchors_en: str, low: Decimal, high: Decimal, step: Decimal) -> dict:
    """The French and English lines as the model keeps them: {level: {"fr": ..., "en": ...}}, in scale order."""
    french = _anchor_lines(anchors_fr, low=low, high=high, step=step)
    english = _anchor_lines(anchors_en, low=low, high=high, step=step)
    levels = sorted(french.keys() | english.keys(), key=Decimal)
    return {level: {"fr": french.get(level, ""), "en": english.get(level, "")} for level in levels}


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
    anchors: dict | None = None,
    anchors_fr: str = "",
    anchors_en: str = "",
) -> Criterion:
    """Add a criterion to a round. Its anchors (what a score means) come as `anchors`, {level: {"fr", "en"}}, or as
    "level: description" lines in each language. Writes Criterion and an AuditEvent `criterion_added`.
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
        anchors=anchors
        if anchors is not None
        else _anchors(anchors_fr=anchors_fr, anchors_en=anchors_en, low=scale_min, high=scale_max, step=step),
        order=(last or 0) + 1,
    )
    record_event(
        verb="criterion_added", actor=by, contest=round.contest, round=round.pk, criterion=criterion.pk, name=name_fr
    )
    return criterion


@transaction.atomic
def update_criterion_anchors(*, criterion: Criterion, by: User, anchors_fr: str, anchors_en: str) -> Criterion:
    """Reword what the criterion's scores mean, in French and English. Allowed while scores are in: the scale does
    not move, only its words; the change is audited. Writes Criterion.anchors and an AuditEvent
    `criterion_anchors_changed`. Raises JudgingError("anchor_level" | "anchor_off_scale")."""
    anchors = _anchors(
        anchors_fr=anchors_fr,
        anchors_en=anchors_en,
        low=criterion.scale_min,
        high=criterion.scale_max,
        step=criterion.step,
    )
    if anchors != criterion.anchors:
        criterion.anchors = anchors
        criterion.save(update_fields=["anchors"])
        record_event(
            verb="criterion_anchors_changed",
            actor=by,
            contest=criterion.round.contest,
            round=criterion.round_id,
            criterion=criterion.pk,
            name=criterion.name_fr,
        )
    return criterion
