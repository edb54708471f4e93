"""Blind rounds win over announcements: while an entry is assigned in a round of a blind-judging contest that has not
closed, no release surface names its team or institution to anyone but organisers. The award and the announcement
stand (title and prize); the team's name appears from the round's close, to the second, cached page or not."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from releases.page_cache import STATUS_HEADER
from tests.judging.factories import RoundFactory, assign, seated_juror

from .world import PRIZE, T1, TITLE, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world("seed")  # announced publicly from T1; the team agreed to be named
    world.release.show_team_name = True
    world.release.save()
    world.round = RoundFactory(
        contest=world.contest,
        name_en="Final",
        opens_at=world.base,
        closes_at=world.at(T1, 0) + timedelta(days=2),
    )
    assign(world.round, seated_juror(world.round), world.entry)
    return world


def _pages(world):
    slug = world.contest.slug
    return [
        reverse("releases:palmares", kwargs={"contest_slug": slug}),
        reverse("releases:announcement", kwargs=world.kwargs),
        reverse("releases:film_list", kwargs={"contest_slug": slug}),
        reverse("releases:feed", kwargs={"contest_slug": slug}),
    ]


def _credits(world):
    return (world.entry.team.name, world.entry.team.institution.name)


@pytest.mark.parametrize("role", ["anonymous", "own_team", "juror", "community_member", "other_team"])
def test_an_announcement_names_no_team_while_a_blind_round_still_judges_the_entry(world, role):
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = world.client(role)
        film_list = reverse("releases:film_list", kwargs={"contest_slug": world.contest.slug})
        for url in _pages(world):
            body = client.get(url).content.decode()
            # The film list lists the films one may watch: from T1 the film is shown to all but the public.
            assert (TITLE in body) == (url != film_list or role != "anonymous")
            for credit in _credits(world):
                assert credit not in body, (url, credit)
        palmares = client.get(_pages(world)[0]).content.decode()
        assert PRIZE in palmares


def test_organisers_read_the_team_and_are_told_why_the_announcement_waits(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = world.client("organiser")
        assert world.entry.team.name in client.get(_pages(world)[0]).content.decode()
        page = client.get(reverse("releases:organiser_release", kwargs=world.kwargs)).content.decode()
        assert "The round « Final » still judges this entry blind until" in page


def test_the_team_is_named_from_the_second_the_round_closes_even_from_the_page_cache(world):
    url = _pages(world)[1]
    closes_at = world.round.closes_at
    with time_machine.travel(closes_at - timedelta(seconds=1), tick=False):
        first = Client().get(url)
        assert first[STATUS_HEADER] == "miss"
        assert world.entry.team.name not in first.content.decode()
    with time_machine.travel(closes_at, tick=False):
        assert world.entry.team.name not in Client().get(url).content.decode()  # closes_at is still in the round
    with time_machine.travel(closes_at + timedelta(seconds=1), tick=False):
        body = Client().get(url).content.decode()
        assert world.entry.team.name in body and world.entry.team.institution.name in body


def test_a_contest_without_blind_judging_names_the_team_during_its_rounds(world):
    world.contest.blind_judging = False
    world.contest.save()
    with time_machine.travel(world.at(T1, 1), tick=False):
        assert world.entry.team.name in Client().get(_pages(world)[1]).content.decode()


def test_recording_an_award_during_a_blind_round_says_the_announcement_will_not_name_the_team(world):
    from contest.models import Prize

    prize = Prize.objects.get(contest=world.contest)
    with time_machine.travel(world.at(T1, 1), tick=False):
        response = world.client("organiser").post(
            reverse("judging_record_award", kwargs={"contest_slug": world.contest.slug}),
            {"prize": prize.pk, "code": world.entry.code, "citation_en": "Again.", "reason_if_not_ranking": "Jury."},
            follow=True,
        )
    body = response.content.decode()
    assert "Award recorded." in body
    assert "The round « Final » still judges this entry blind until" in body
