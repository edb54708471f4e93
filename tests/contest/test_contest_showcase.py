"""The home page and the contest's page lead to what has been released: the palmarès once a winner is announced to
the visitor, the films once one may be watched, and the prize list names the winners exactly as the palmarès page
does at that second (the team only where the palmarès names it)."""

import pytest
import time_machine
from django.urls import reverse

from tests.releases.world import PRIZE, T1, T2, T3, TITLE, build_world

pytestmark = pytest.mark.django_db


def _pages(world, client) -> dict[str, str]:
    return {
        "home": client.get(reverse("home")).content.decode(),
        "contest": client.get(reverse("contest_detail", kwargs={"contest_slug": world.contest.slug})).content.decode(),
    }


def _palmares_link(world) -> str:
    return f'<a class="button" href="/palmares/{world.contest.slug}/">Palmarès</a>'


def _films_link(world) -> str:
    return f'<a class="button secondary" href="/palmares/{world.contest.slug}/films/">'


def _winner(world) -> str:
    return f'<br><a href="/palmares/{world.contest.slug}/films/{world.entry.public_id}/">{TITLE}</a>'


def test_nothing_leads_to_the_palmares_before_the_announcement():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, -1), tick=False):
        for page in _pages(world, world.client("anonymous")).values():
            assert f"/palmares/{world.contest.slug}/" not in page
            assert TITLE not in page
        palmares = world.client("anonymous").get(f"/palmares/{world.contest.slug}/").content.decode()
        assert TITLE not in palmares


def test_the_announcement_second_opens_the_palmares_link_and_names_the_winner_under_its_prize():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        pages = _pages(world, world.client("anonymous"))
        for page in pages.values():
            assert _palmares_link(world) in page
            assert _films_link(world) not in page  # the film is not public yet: the film list would be empty
        assert f"<li><strong>{PRIZE}</strong>\n  {_winner(world)}</li>" in pages["contest"]
        assert world.entry.team.name not in pages["contest"]  # the team did not agree to be named


def test_the_film_list_link_comes_with_a_film_the_visitor_may_watch():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        for page in _pages(world, world.client("community_member")).values():
            assert _films_link(world) in page  # the community watches it from T1
    with time_machine.travel(world.at(T2, 1), tick=False):
        for page in _pages(world, world.client("anonymous")).values():
            assert _films_link(world) in page
        films = world.client("anonymous").get(f"/palmares/{world.contest.slug}/films/").content.decode()
        assert TITLE in films


def test_a_blind_round_hides_the_team_on_the_contest_page_as_on_the_palmares():
    world = build_world("named_in_blind_round")
    team = f"{world.entry.team.name} ({world.entry.team.institution})"
    with time_machine.travel(world.at(T1, 1), tick=False):
        contest = _pages(world, world.client("anonymous"))["contest"]
        assert _winner(world) in contest and world.entry.team.name not in contest
    with time_machine.travel(world.at(T3, 1), tick=False):
        contest = _pages(world, world.client("anonymous"))["contest"]
        assert f"{_winner(world)} · {team}</li>" in contest
        palmares = world.client("anonymous").get(f"/palmares/{world.contest.slug}/").content.decode()
        assert team in palmares


def test_an_unpublished_release_leaves_no_link_and_no_winner():
    world = build_world("unpublished")
    with time_machine.travel(world.at(T3, 1), tick=False):
        for page in _pages(world, world.client("anonymous")).values():
            assert f"/palmares/{world.contest.slug}/" not in page and TITLE not in page
