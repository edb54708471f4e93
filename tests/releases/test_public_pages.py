"""Public pages: palmarès, announcement and film pages, feed and sitemap. OpenGraph only on public items, content
warnings and support resources before any player, shared caches only for what is public."""

import re

import pytest
import time_machine
from django.urls import reverse

from contest.models import SupportResource

from .world import PRIZE, T1, T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def _palmares(world):
    return reverse("releases:palmares", kwargs={"contest_slug": world.contest.slug})


def test_the_public_palmares_shows_prize_citation_jury_and_the_team_only_if_it_agreed():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        response = world.client("anonymous").get(_palmares(world))
        body = response.content.decode()
        assert response["Cache-Control"] == "public, no-cache"
        assert (TITLE in body, PRIZE in body, "For a silence that says it all." in body) == (True, True, True)
        assert world.users["juror"].full_name in body and world.users["conflicted_juror"].full_name in body
        assert world.entry.team.name not in body
        assert "Watch the film" not in body
        assert 'type="application/atom+xml"' in body
        world.release.show_team_name = True
        world.release.save()
        assert world.entry.team.name in world.client("anonymous").get(_palmares(world)).content.decode()
        # A juror sees the film link too: the page is then theirs alone.
        juror = world.client("juror").get(_palmares(world))
        assert "Watch the film" in juror.content.decode()
        assert juror["Cache-Control"] == "private, no-store"


def test_opengraph_only_on_public_items():
    public = build_world("seed")
    with time_machine.travel(public.at(T1, 1), tick=False):
        body = public.client("anonymous").get(reverse("releases:announcement", kwargs=public.kwargs)).content.decode()
    assert f'<meta property="og:title" content="{TITLE}">' in body
    assert 'name="robots"' not in body

    restricted = build_world("jury_only")
    with time_machine.travel(restricted.at(T1, 1), tick=False):
        for url in ("releases:announcement", "releases:film"):
            response = restricted.client("juror").get(reverse(url, kwargs=restricted.kwargs))
            assert response.status_code == 200
            body = response.content.decode()
            assert "og:" not in body
            assert '<meta name="robots" content="noindex, nofollow">' in body
            assert response["Cache-Control"] == "private, no-store"


def test_warnings_and_support_resources_come_before_the_player_on_every_page_that_plays_the_film():
    world = build_world("seed")
    SupportResource.objects.create(
        contest=world.contest, name="Viols Femmes Informations", phone="0800 05 95 95", description_en="Free, anonymous"
    )
    with time_machine.travel(world.at(T2, 1), tick=False):
        pages = [
            world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs)),
            world.client("link_holder").post(reverse("releases:share", kwargs={"token": world.token})),
        ]
    for response in pages:
        body = response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
        video = body.index("<video")
        for text in ("Before you watch", "Sexual violence", "Viols Femmes Informations", 'href="tel:0800 05 95 95"'):
            assert -1 < body.index(text) < video, text
        # The player sits behind the "I have read the warnings" disclosure.
        gate = body.index('<details class="player-gate card">')
        assert gate < video < body.index("</details>", gate)
        assert "I have read the warnings: show the film" in body


def test_the_feed_and_the_sitemap_list_public_items_only_with_their_time(settings):
    settings.SITE_URL = "http://testserver"  # absolute URLs name the configured site (tests/config/test_site_url.py)
    world = build_world("seed")
    announcement = reverse("releases:announcement", kwargs=world.kwargs)
    film = reverse("releases:film", kwargs=world.kwargs)
    with time_machine.travel(world.at(T1, 1), tick=False):
        feed = world.client("anonymous").get(reverse("releases:feed", kwargs={"contest_slug": world.contest.slug}))
        sitemap = world.client("anonymous").get(reverse("releases:sitemap")).content.decode()
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert re.search(rf"<title>{TITLE} — {PRIZE}</title>", body)
    assert f"http://testserver{announcement}" in body
    assert f"<loc>http://testserver{announcement}</loc>" in sitemap
    assert f"<loc>http://testserver{_palmares(world)}</loc>" in sitemap
    assert film not in sitemap
    with time_machine.travel(world.at(T2, 1), tick=False):
        assert (
            f"<loc>http://testserver{film}</loc>"
            in world.client("anonymous").get(reverse("releases:sitemap")).content.decode()
        )


def test_listing_pages_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        client = world.client("anonymous")
        # 10: the listing's own queries, the people on screen's answers and the page cache's next consent end date.
        with django_assert_max_num_queries(10):
            assert client.get(_palmares(world)).status_code == 200
        with django_assert_max_num_queries(10):
            assert (
                client.get(reverse("releases:film_list", kwargs={"contest_slug": world.contest.slug})).status_code
                == 200
            )
        with django_assert_max_num_queries(10):
            assert client.get(reverse("releases:sitemap")).status_code == 200


def test_pages_are_translated_into_french():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = world.client("anonymous")
        client.cookies["django_language"] = "fr"
        body = client.get(_palmares(world), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in body
