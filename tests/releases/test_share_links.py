"""Share links: secret, expiring, revocable, optionally limited to N views. Only the token's hash is stored."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest.models import AuditEvent
from releases import services
from releases.models import ShareLink
from tests.tampering import last_character_changed

from .world import FILM_BYTES, MEDIA_SRC, TITLE, build_world

pytestmark = pytest.mark.django_db


def _open(world, token, role="link_holder"):
    return world.client(role).post(reverse("releases:share", kwargs={"token": token}))  # the explicit open


def _new_link(world, *, days=7, max_views=None):
    return services.create_share_link(
        release=world.release,
        label="Ouest-France",
        expires_at=world.base + timedelta(days=days),
        max_views=max_views,
        by=world.users["organiser"],
    )


def test_a_link_opens_the_film_for_press_while_it_is_hidden_from_the_public():
    world = build_world("link_only")
    with time_machine.travel(world.at(1, 1), tick=False):
        response = _open(world, world.token)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        body = response.content.decode()
        assert TITLE in body and 'property="og:' not in body
        redirect = world.client("link_holder").get(MEDIA_SRC.search(body).group(1).replace("&amp;", "&"))
        assert redirect.status_code == 302  # the app's own address, checked again at each request
        media = world.client("link_holder").get(redirect["Location"])
        assert b"".join(media.streaming_content) == FILM_BYTES
        assert world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs)).status_code == 404


def test_a_link_limited_to_two_views_refuses_the_third():
    world = build_world("link_only")
    _, token = _new_link(world, max_views=2)
    with time_machine.travel(world.at(1, 1), tick=False):
        assert [_open(world, token).status_code for _ in range(3)] == [200, 200, 404]
    assert ShareLink.objects.get(max_views=2).view_count == 2


def test_a_revoked_link_is_refused_from_the_next_request():
    world = build_world("link_only")
    link, token = _new_link(world)
    with time_machine.travel(world.at(1, 1), tick=False):
        assert _open(world, token).status_code == 200
        response = world.client("organiser").post(
            reverse("releases:organiser_release_revoke_link", kwargs=world.kwargs), {"link": link.pk}
        )
        assert response.status_code == 302
        refused = _open(world, token)
        assert refused.status_code == 404
        assert TITLE not in refused.content.decode()
        assert refused["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(verb="share_link_revoked")
    assert (event.actor, event.data["link"]) == (world.users["organiser"], link.pk)


def test_a_link_expires_at_its_second():
    world = build_world("link_only")
    _, token = _new_link(world, days=7)
    with time_machine.travel(world.at(7, -1), tick=False):
        assert _open(world, token).status_code == 200
    with time_machine.travel(world.at(7, 0), tick=False):
        assert _open(world, token).status_code == 404
    with time_machine.travel(world.at(7, 1), tick=False):
        assert _open(world, token).status_code == 404


def test_a_tampered_or_guessed_token_is_refused():
    world = build_world("link_only")
    tampered = last_character_changed(world.token)
    with time_machine.travel(world.at(1, 1), tick=False):
        assert _open(world, tampered).status_code == 404
        assert _open(world, "x" * 32).status_code == 404
        assert _open(world, world.token).status_code == 200


def test_a_link_shows_nothing_once_the_release_no_longer_includes_link_holders():
    world = build_world("unpublished")
    with time_machine.travel(world.at(5, -1), tick=False):
        assert _open(world, world.token).status_code == 200
    with time_machine.travel(world.at(5, 1), tick=False):
        assert _open(world, world.token).status_code == 404


def test_only_the_hash_of_the_token_is_stored_and_the_organiser_sees_the_link_once():
    world = build_world("link_only")
    page = reverse("releases:organiser_release", kwargs=world.kwargs)
    response = world.client("organiser").post(
        reverse("releases:organiser_release_create_link", kwargs=world.kwargs),
        {
            "link-label": "Le Monde",
            "link-expires_at": "2099-03-15T09:00:00",
            "link-max_views": "3",
        },
    )
    body = response.content.decode()
    token = body.split('<code id="new-link">')[1].split("</code>")[0].rsplit("/s/", 1)[1].rstrip("/")
    link = ShareLink.objects.get(label="Le Monde")
    assert (link.max_views, link.expires_at.isoformat()) == (3, "2099-03-15T08:00:00+00:00")  # Paris, winter
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert token not in world.client("organiser").get(page).content.decode()


def test_an_expiry_in_the_past_is_refused_with_a_clear_message():
    world = build_world("link_only")
    response = world.client("organiser").post(
        reverse("releases:organiser_release_create_link", kwargs=world.kwargs),
        {"link-label": "Le Monde", "link-expires_at": "2001-01-01T00:00"},
    )
    assert "Choose an expiry in the future." in response.content.decode()
    assert not ShareLink.objects.filter(label="Le Monde").exists()


def test_a_link_previewer_that_gets_the_link_spends_no_view_and_only_the_explicit_open_does():
    world = build_world("link_only")
    link, token = _new_link(world, max_views=1)
    url = reverse("releases:share", kwargs={"token": token})
    visitor = Client(enforce_csrf_checks=True)
    with time_machine.travel(world.at(1, 1), tick=False):
        for _ in range(3):  # a chat app's previewer, then the person, then their browser's prefetch
            preview = visitor.get(url)
            assert preview.status_code == 200
            assert preview["Cache-Control"] == "private, no-store"
            body = preview.content.decode()
            assert TITLE not in body and "<video" not in body and 'property="og:' not in body
            assert '<meta name="robots" content="noindex, nofollow">' in body
            assert "Open the film" in body
        assert ShareLink.objects.get(pk=link.pk).view_count == 0
        assert visitor.post(url).status_code == 403  # no CSRF token: not an explicit open from the page
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        opened = visitor.post(url, {"csrfmiddlewaretoken": csrf})
        assert opened.status_code == 200
        assert TITLE in opened.content.decode() and "<video" in opened.content.decode()
        assert ShareLink.objects.get(pk=link.pk).view_count == 1
        assert visitor.get(url).status_code == 404  # its one view is spent
        assert visitor.post(url, {"csrfmiddlewaretoken": csrf}).status_code == 404
