"""The shared cache of anonymous public pages: it serves repeat visits without the database, and never shows what
visibility no longer allows nor hides what it now allows — a step takes effect at its second, a narrowing at once."""

import pytest
import time_machine
from django.urls import reverse

from releases import services
from releases.page_cache import STATUS_HEADER

from .world import T1, T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def _palmares(world):
    return reverse("releases:palmares", kwargs={"contest_slug": world.contest.slug})


def test_a_repeat_anonymous_visit_is_served_without_the_database(django_assert_num_queries):
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = world.client("anonymous")
        first = client.get(_palmares(world))
        with django_assert_num_queries(0):
            second = client.get(_palmares(world))

    assert (first[STATUS_HEADER], second[STATUS_HEADER]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Cache-Control"] == first["Cache-Control"] == "public, no-cache"
    assert TITLE in second.content.decode()


def test_signed_in_visitors_are_never_served_or_stored():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        world.client("anonymous").get(_palmares(world))
        juror = world.client("juror").get(_palmares(world))
        organiser = world.client("organiser").get(_palmares(world))

    assert STATUS_HEADER not in juror and STATUS_HEADER not in organiser
    assert "Watch the film" in juror.content.decode()  # the juror's own page, not the anonymous one


def test_a_step_takes_effect_at_its_second_even_with_the_page_cached():
    world = build_world("seed")
    film = reverse("releases:film", kwargs=world.kwargs)
    client = world.client("anonymous")
    with time_machine.travel(world.at(T2, -1), tick=False):
        before = client.get(_palmares(world))
        assert client.get(_palmares(world))[STATUS_HEADER] == "hit"
        assert client.get(film).status_code == 404
    with time_machine.travel(world.at(T2, 1), tick=False):
        after = client.get(_palmares(world))
        watch = client.get(film)

    assert "Watch the film" not in before.content.decode()
    assert after[STATUS_HEADER] == "miss"  # stored only until the step's second
    assert "Watch the film" in after.content.decode()
    assert watch.status_code == 200


def test_unpublishing_and_withdrawing_consent_narrow_at_once():
    world = build_world("seed")
    announcement = reverse("releases:announcement", kwargs=world.kwargs)
    film = reverse("releases:film", kwargs=world.kwargs)
    client = world.client("anonymous")
    with time_machine.travel(world.at(T2, 1), tick=False):
        assert client.get(film).status_code == 200
        assert client.get(film)[STATUS_HEADER] == "hit"
        services.withdraw_film_approval(release=world.release, by=world.users["own_team"])
        assert client.get(film).status_code == 404
        assert client.get(announcement)[STATUS_HEADER] == "miss"
        assert client.get(announcement)[STATUS_HEADER] == "hit"
        services.unpublish_release(release=world.release, by=world.users["organiser"])
        assert client.get(announcement).status_code == 404
        assert TITLE not in client.get(_palmares(world)).content.decode()


def test_a_restricted_item_is_never_stored():
    world = build_world("jury_only")
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = world.client("anonymous")
        responses = [client.get(reverse("releases:announcement", kwargs=world.kwargs)) for _ in range(2)]
        page = client.get(_palmares(world))

    assert [response.status_code for response in responses] == [404, 404]
    assert all(STATUS_HEADER not in response for response in responses)
    assert TITLE not in page.content.decode()
