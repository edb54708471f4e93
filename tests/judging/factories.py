"""Factories for judging rows, on top of tests/factories.py."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from contest.models import ContestRole, Entry
from judging.models import Assignment, Criterion, Review, Round, RoundJuror, Score
from tests.factories import ContestFactory, ContestRoleFactory, EntryFactory, UserFactory


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    contest = factory.SubFactory(ContestFactory)
    name_fr = factory.Sequence(lambda n: f"Tour {n}")
    name_en = factory.Sequence(lambda n: f"Round {n}")
    order = factory.Sequence(lambda n: n + 1)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    jurors_per_entry = 2


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    round = factory.SubFactory(RoundFactory)
    name_fr = factory.Sequence(lambda n: f"Critère {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal(1)
    scale_min = Decimal(1)
    scale_max = Decimal(5)
    step = Decimal(1)
    order = factory.Sequence(lambda n: n)


def submitted_entry(contest, **kwargs) -> Entry:
    return EntryFactory(team__contest=contest, status=Entry.Status.SUBMITTED, film_accepted=True, **kwargs)


def seated_juror(round, **kwargs):
    user = UserFactory(**kwargs)
    ContestRoleFactory(contest=round.contest, user=user, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=user)
    return user


def assign(round, juror, entry) -> Assignment:
    return Assignment.objects.create(round=round, juror=juror, entry=entry)


def submitted_review(round, juror, entry, values, *, watched=(95, 95)) -> Assignment:
    """`juror`'s review of `entry`, submitted, with one score per criterion of `round` in their order."""
    assignment = assign(round, juror, entry)
    Review.objects.create(
        assignment=assignment,
        status=Review.Status.SUBMITTED,
        watched_seconds=watched[0],
        duration_seconds=watched[1],
        flagged_unwatched=watched[0] / watched[1] < 0.8,
        submitted_at=timezone.now(),
    )
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
        for criterion, value in zip(round.criteria.order_by("order"), values, strict=True)
    )
    return assignment
