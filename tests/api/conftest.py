"""A contest judged and partly awarded, its organiser with tokens of every kind, and the people who must not get in."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api import services as api_services
from contest.models import ContestRole, Entry
from judging import services as judging_services
from judging.models import Assignment, Review, Round, Score
from media_pipeline.models import Film
from releases import services as release_services
from tests.factories import ContestFactory, ContestRoleFactory, EntryFactory, PrizeFactory
from tests.judging.factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry


@dataclass
class World:
    contest: object
    other_contest: object
    organiser: object
    other_organiser: object
    juror: object
    round: Round
    entries: list[Entry]
    draft: Entry
    prizes: list
    award: object
    release: object
    step: object
    tokens: dict  # name -> secret

    def client(self, token: str | None = None, **headers) -> Client:
        if token is not None:
            headers["Authorization"] = f"Bearer {self.tokens.get(token, token)}"
        return Client(headers=headers)


def review(round, juror, entry, values, submitted=True):
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)
    Review.objects.create(
        assignment=assignment,
        status="submitted" if submitted else "draft",
        watched_seconds=90,
        duration_seconds=100,
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
        for criterion, value in zip(round.criteria.order_by("order"), values, strict=True)
    )
    return assignment


def film(entry, state, **kwargs):
    return Film.objects.create(
        entry=entry,
        key=f"originals/{entry.code}.mp4",
        original_name="rushes-final.mp4",
        size=1234,
        checksum="etag",
        state=state,
        **kwargs,
    )


@pytest.fixture
def world(db) -> World:
    contest = ContestFactory(slug="action-vss", blind_judging=True)
    other_contest = ContestFactory(slug="autre-concours")
    organiser = ContestRoleFactory(
        contest=contest, role=ContestRole.Role.ORGANISER, user__email="orga@example.org"
    ).user
    other_organiser = ContestRoleFactory(
        contest=other_contest, role=ContestRole.Role.ORGANISER, user__email="other.orga@example.org"
    ).user
    prizes = [
        PrizeFactory(contest=contest, name_fr="Premier prix", name_en="First prize", order=1),
        PrizeFactory(contest=contest, name_fr="Prix du public", name_en="Audience award", order=2),
    ]
    round = RoundFactory(contest=contest, name_en="Final", jurors_per_entry=2)
    CriterionFactory(round=round, name_en="Message", weight=2, scale_min=1, scale_max=5, step=1, order=1)
    CriterionFactory(round=round, name_en="Craft", weight=1, scale_min=0, scale_max=20, step=1, order=2)
    # The juror organises the other contest, so they may hold a token, and sits on this contest's jury.
    juror = seated_juror(round, email="juror@example.org", full_name="Juror One")
    ContestRoleFactory(contest=other_contest, user=juror, role=ContestRole.Role.ORGANISER)
    second = seated_juror(round, email="juror2@example.org", full_name="Juror Two")
    entries = [submitted_entry(contest, title=title) for title in ("Sans voix", "Le silence", "Après")]
    review(round, juror, entries[0], [5, 20])
    review(round, second, entries[0], [4, 15])
    review(round, juror, entries[1], [2, 5])
    review(round, second, entries[1], [3, 10])
    review(round, juror, entries[2], [3, 8], submitted=False)
    film(entries[0], "ready")
    film(entries[1], "transcoding")
    draft = EntryFactory(team__contest=contest, title="Brouillon")
    # The ranking's choice for the second prize is the second-ranked entry, so no reason is needed.
    award = judging_services.record_award(prize=prizes[1], entry=entries[1], by=organiser, citation_en="Quiet force.")
    release = release_services.ensure_release(entry=entries[1], by=organiser)
    step = release_services.add_step(
        release=release, target="announcement", at=in_days(2), audiences=["public"], by=organiser
    )
    tokens = {}
    for name, user, scopes in [
        ("all", organiser, ["read", "awards:write", "releases:write"]),
        ("read", organiser, ["read"]),
        ("awards", organiser, ["awards:write"]),
        ("releases", organiser, ["releases:write"]),
        ("revoked", organiser, ["read", "awards:write", "releases:write"]),
        ("other_organiser", other_organiser, ["read", "awards:write", "releases:write"]),
        ("juror", juror, ["read", "awards:write", "releases:write"]),
    ]:
        token, secret = api_services.create_token(user=user, label=name, scopes=scopes)
        tokens[name] = secret
        if name == "revoked":
            api_services.revoke_token(token=token, by=organiser)
    return World(
        contest,
        other_contest,
        organiser,
        other_organiser,
        juror,
        round,
        entries,
        draft,
        prizes,
        award,
        release,
        step,
        tokens,
    )


def in_days(days: float):
    return timezone.now() + timedelta(days=days)
