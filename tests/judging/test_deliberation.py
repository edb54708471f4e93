"""The jury president and the deliberation (issue 15, point 2): an organiser names the president; the president
opens a closed round's deliberation, puts films up for discussion and records decisions, each audited with who
and when; the round's jurors and the organisers follow the page and its state; anyone else gets 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole
from judging import services
from judging.models import Conflict, Deliberation, DeliberationDecision, JuryPresident, RoundJuror
from judging.services import JudgingError
from tests.factories import ContestRoleFactory, PrizeFactory, TeamMemberFactory, UserFactory

from .factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review
from .jury_http import client_for

pytestmark = pytest.mark.django_db


class World:
    def __init__(self):
        now = timezone.now()
        self.round = RoundFactory(opens_at=now - timedelta(days=5), closes_at=now - timedelta(minutes=5))
        self.contest = self.round.contest
        CriterionFactory(round=self.round)
        self.a, self.b = (submitted_entry(self.contest, title=title) for title in ("Sans voix", "Le silence"))
        self.president, self.juror, self.conflicted = (seated_juror(self.round) for _ in range(3))
        for juror in (self.president, self.juror):
            submitted_review(self.round, juror, self.a, [5])
            submitted_review(self.round, juror, self.b, [2])
        Conflict.objects.create(contest=self.contest, juror=self.conflicted, kind="entry", entry=self.b)
        self.prize = PrizeFactory(contest=self.contest, name_en="First prize")
        self.organiser = ContestRoleFactory(contest=self.contest, role=ContestRole.Role.ORGANISER).user
        services.name_president(contest=self.contest, user=self.president, by=self.organiser)

    def url(self, name):
        return reverse(name, args=[self.contest.slug, self.round.pk])

    def state(self, user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client.get(self.url("deliberation_state"))


@pytest.fixture
def world():
    return World()


def test_the_president_leads_and_every_follower_reads_the_same_state(world):
    deliberation = services.open_deliberation(round=world.round, by=world.president)
    services.discuss_entry(deliberation=deliberation, entry=world.a, by=world.president)
    services.record_decision(
        deliberation=deliberation, kind="prize", entry=world.a, prize=world.prize, by=world.president
    )
    services.record_decision(deliberation=deliberation, kind="shortlist", entry=world.b, by=world.president)
    for follower in (world.juror, world.organiser, world.president):
        response = world.state(follower)
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        state = response.json()
        assert state["open"] is True
        assert state["current"] == {"code": world.a.code, "title": "Sans voix"}
        assert [decision["text"] for decision in state["decisions"]] == [
            f"{world.a.code} · Sans voix proposed for First prize",
            f"{world.b.code} · Le silence shortlisted",
        ]
    verbs = [event.verb for event in AuditEvent.objects.filter(verb__startswith="deliberation_").order_by("pk")]
    assert verbs == ["deliberation_opened", "deliberation_entry", "deliberation_decision", "deliberation_decision"]
    assert all(event.actor == world.president for event in AuditEvent.objects.filter(verb__startswith="deliberation_"))


def test_a_juror_in_conflict_follows_without_the_film_they_are_in_conflict_with(world):
    deliberation = services.open_deliberation(round=world.round, by=world.president)
    services.discuss_entry(deliberation=deliberation, entry=world.b, by=world.president)
    services.record_decision(deliberation=deliberation, kind="shortlist", entry=world.b, by=world.president)
    state = world.state(world.conflicted).json()
    assert state["current"] is None and state["decisions"] == []
    page = client_for(world.conflicted).get(world.url("deliberation")).content.decode()
    assert "Le silence" not in page


@pytest.mark.parametrize("role", ["team_member", "stranger", "other_round_juror", "left_the_round", "anonymous"])
def test_anyone_else_gets_404_from_the_page_the_state_and_the_actions(world, role):
    services.open_deliberation(round=world.round, by=world.president)
    users = {
        "team_member": lambda: TeamMemberFactory(team=world.a.team).user,
        "stranger": UserFactory,
        "other_round_juror": lambda: seated_juror(RoundFactory(contest=world.contest)),
        "left_the_round": lambda: _left(world),
    }
    client = Client() if role == "anonymous" else client_for(users[role]())
    for name in ("deliberation", "deliberation_state"):
        response = client.get(world.url(name))
        assert response.status_code == (302 if role == "anonymous" else 404)
    response = client.post(world.url("deliberation_discuss"), {"entry": world.a.pk})
    assert response.status_code == (302 if role == "anonymous" else 404)
    assert Deliberation.objects.get().current_entry is None


def _left(world):
    juror = seated_juror(world.round)
    RoundJuror.objects.filter(round=world.round, user=juror).update(active=False)
    return juror


def test_only_the_president_leads_and_only_after_the_scoring(world):
    with pytest.raises(JudgingError) as refused:
        services.open_deliberation(round=world.round, by=world.juror)
    assert refused.value.code == "not_president"
    world.round.closes_at = timezone.now() + timedelta(hours=1)
    world.round.save()
    with pytest.raises(JudgingError) as refused:
        services.open_deliberation(round=world.round, by=world.president)
    assert refused.value.code == "round_open"
    world.round.closes_at = timezone.now() - timedelta(seconds=1)
    world.round.save()
    deliberation = services.open_deliberation(round=world.round, by=world.president)
    client = client_for(world.juror)
    client.cookies["django_language"] = "en"
    response = client.post(world.url("deliberation_discuss"), {"entry": world.a.pk})
    assert response.status_code == 302
    assert Deliberation.objects.get().current_entry is None  # a juror's post changes nothing
    with pytest.raises(JudgingError) as refused:
        services.record_decision(deliberation=deliberation, kind="prize", entry=world.a, by=world.president)
    assert refused.value.code == "unknown_prize"
    with pytest.raises(JudgingError) as refused:
        services.record_decision(deliberation=deliberation, kind="veto", entry=world.a, by=world.president)
    assert refused.value.code == "unknown_kind"
    services.record_decision(deliberation=deliberation, kind="no_prize", prize=world.prize, by=world.president)
    assert DeliberationDecision.objects.get().entry is None
    services.close_deliberation(deliberation=deliberation, by=world.president)
    with pytest.raises(JudgingError) as refused:
        services.discuss_entry(deliberation=deliberation, entry=world.a, by=world.president)
    assert refused.value.code == "closed"
    assert world.state(world.juror).json()["open"] is False


def test_the_organiser_names_the_president_among_the_jurors(world):
    client = client_for(world.organiser)
    url = reverse("judging_name_president", args=[world.contest.slug])
    assert client.post(url, {"user": world.juror.pk}).status_code == 302
    assert JuryPresident.objects.get(contest=world.contest).user == world.juror
    assert client.post(url, {"user": UserFactory().pk}).status_code == 404  # not a juror of the contest
    assert client.post(url, {"user": "x"}).status_code == 400
    assert client_for(world.juror).post(url, {"user": world.juror.pk}).status_code == 404
    assert AuditEvent.objects.filter(verb="president_named").count() == 2


def test_the_queue_offers_the_president_to_open_and_the_jurors_to_follow(world):
    client = client_for(world.president)
    client.cookies["django_language"] = "en"
    queue = reverse("jury_queue", args=[world.contest.slug, world.round.pk])
    assert "Open the deliberation" in client.get(queue).content.decode()
    assert "Open the deliberation" not in client_for(world.juror).get(queue).content.decode()
    assert client.post(world.url("deliberation_open")).status_code == 302
    juror = client_for(world.juror)
    juror.cookies["django_language"] = "en"
    assert "Deliberation in progress: follow it" in juror.get(queue).content.decode()
