"""A poster is a still of the people in the film: it follows the film's audience (consent gate included), never the
announcement's. Where the visitor may read the announcement but not watch the film, the app's neutral title card
stands in, on the page and in OpenGraph."""

import pytest
import time_machine
from django.urls import reverse

from .world import POSTER_BYTES, POSTER_SRC, T1, T2, build_world

pytestmark = pytest.mark.django_db

TITLE_CARD = "/palmares/title-card.png"


def _og_image(body: str) -> str:
    return body.split('<meta property="og:image" content="')[1].split('"')[0]


def test_the_poster_of_a_community_only_film_is_refused_to_the_public_and_a_title_card_stands_in(settings):
    settings.SITE_URL = "https://palmares.example.org"
    world = build_world("seed")  # from T1: announcement public, film for team, jury and community
    poster = reverse("releases:poster", kwargs=world.kwargs)
    with time_machine.travel(world.at(T1, 1), tick=False):
        anonymous = world.client("anonymous")
        assert anonymous.get(poster).status_code == 404
        body = anonymous.get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
        assert POSTER_SRC.search(body).group(1) == TITLE_CARD
        assert poster not in body
        assert _og_image(body) == f"https://palmares.example.org{TITLE_CARD}"

        card = anonymous.get(TITLE_CARD)
        assert card.status_code == 200
        assert card["Content-Type"] == "image/png"
        assert card.content.startswith(b"\x89PNG\r\n\x1a\n")

        community = world.client("other_team")
        body = community.get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
        assert POSTER_SRC.search(body).group(1) == poster
        redirect = community.get(poster)
        assert redirect.status_code == 302
        assert b"".join(community.get(redirect["Location"]).streaming_content) == POSTER_BYTES


def test_a_public_film_without_the_teams_approval_keeps_its_poster_private():
    world = build_world("seed_unapproved")  # from T2 the film step names the public, but the team never approved
    with time_machine.travel(world.at(T2, 1), tick=False):
        anonymous = world.client("anonymous")
        assert anonymous.get(reverse("releases:poster", kwargs=world.kwargs)).status_code == 404
        body = anonymous.get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
        assert POSTER_SRC.search(body).group(1) == TITLE_CARD
        assert _og_image(body).endswith(TITLE_CARD)


def test_once_the_film_is_public_the_poster_is_too(settings):
    settings.SITE_URL = "https://palmares.example.org"
    world = build_world("seed")
    poster = reverse("releases:poster", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        anonymous = world.client("anonymous")
        for page in ("releases:announcement", "releases:film"):
            body = anonymous.get(reverse(page, kwargs=world.kwargs)).content.decode()
            assert _og_image(body) == f"https://palmares.example.org{poster}"
        assert POSTER_SRC.search(body).group(1) == poster
        assert b"".join(anonymous.get(anonymous.get(poster)["Location"]).streaming_content) == POSTER_BYTES


def test_a_signed_in_community_member_never_puts_the_restricted_poster_into_opengraph():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        body = world.client("other_team").get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
    assert _og_image(body).endswith(TITLE_CARD)
