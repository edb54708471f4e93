"""Rounds and their criteria."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from contest.models import Contest
from contest.services import record_event

from ..models import ROUND_FIELDS, Criterion, Round, Score
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
