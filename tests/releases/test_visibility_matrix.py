"""The permission matrix: every role × every release state × every surface, at one second before and after each
scheduled step, with no Celery worker running (nothing is enqueued or executed: visibility is computed per request).

The expected answer comes from the oracle in world.py, not from releases.permissions. The eight worlds (one per
state) are built once for the module inside a transaction that is rolled back at the end; each test runs in a
savepoint of it, so the share link's view counts and the sessions of one test never reach the next."""

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from releases.models import NotificationSent, ReleaseStep

from .world import (
    FILM_BYTES,
    MEDIA_SRC,
    POSTER_BYTES,
    POSTER_SRC,
    PRIZE,
    ROLES,
    STATES,
    TITLE,
    build_world,
    expected_credit,
    expected_visible,
    moments,
)

SURFACES = [
    "announcement_page",
    "film_page",
    "media_url",
    "poster",
    "poster_on_page",
    "palmares",
    "listing",
    "search",
    "sitemap",
    "feed",
    "opengraph",
    "team_credit",
]


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("latin-1") if response.streaming else response.content.decode()


def _share_page(world, client):
    return client.post(reverse("releases:share", kwargs={"token": world.token}))  # the explicit open


def _fetch(client, url) -> bytes | None:
    response = client.get(url)
    if response.status_code != 200:
        return None
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


def observe(surface: str, world, role: str):
    """What `role` actually gets from `surface`: a bool (or a tuple of them), after checking that nothing hidden
    leaks into a refusal."""
    client = world.client(role)
    kwargs = world.kwargs
    link = role == "link_holder"
    if surface == "announcement_page":
        response = _share_page(world, client) if link else client.get(reverse("releases:announcement", kwargs=kwargs))
        if response.status_code == 404:
            assert TITLE not in _body(response)
            assert response["Cache-Control"] == "private, no-store"
            return (False, "private, no-store")
        assert response.status_code == 200
        return (PRIZE in response.content.decode(), response["Cache-Control"])
    if surface == "film_page":
        response = _share_page(world, client) if link else client.get(reverse("releases:film", kwargs=kwargs))
        if response.status_code == 404:
            assert TITLE not in _body(response)
            return False
        assert response["Cache-Control"] == "private, no-store"
        return "<video" in response.content.decode()
    if surface == "media_url":
        if link:
            match = MEDIA_SRC.search(_body(_share_page(world, client)))
            if match is None:
                return False
            response = client.get(match.group(1).replace("&amp;", "&"))  # the app's address, checked again
            return response.status_code == 302 and _fetch(client, response["Location"]) == FILM_BYTES
        response = client.get(reverse("releases:film_media", kwargs=kwargs))
        if response.status_code == 404:
            return False
        assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
        return _fetch(client, response["Location"]) == FILM_BYTES
    if surface == "poster":
        if link:
            match = POSTER_SRC.search(_body(_share_page(world, client)))
            if match is None or match.group(1) == reverse("releases:title_card"):
                return False
            url = match.group(1).replace("&amp;", "&")
            first = client.get(url)
            return _fetch(client, first["Location"] if first.status_code == 302 else url) == POSTER_BYTES
        response = client.get(reverse("releases:poster", kwargs=kwargs))
        if response.status_code == 404:
            return False
        return _fetch(client, response["Location"]) == POSTER_BYTES
    if surface == "poster_on_page":
        page = _share_page(world, client) if link else client.get(reverse("releases:announcement", kwargs=kwargs))
        if page.status_code == 404:
            return None
        match = POSTER_SRC.search(page.content.decode())
        if match is None:
            return None
        src = match.group(1)
        if src == reverse("releases:title_card"):
            return "title_card"
        url = src.replace("&amp;", "&")
        first = client.get(url)
        url = first["Location"] if first.status_code == 302 else url
        return "poster" if _fetch(client, url) == POSTER_BYTES else src
    if surface == "palmares":
        body = client.get(reverse("releases:palmares", kwargs={"contest_slug": world.contest.slug})).content.decode()
        return TITLE in body
    if surface in ("listing", "search"):
        url = reverse("releases:film_list", kwargs={"contest_slug": world.contest.slug})
        body = client.get(url, {"q": "voix"} if surface == "search" else {}).content.decode()
        shown = TITLE in body
        assert ("1 film<" in body) == shown and ("0 films<" in body) == (not shown)  # counts leak nothing either
        return shown
    if surface == "sitemap":
        body = client.get(reverse("releases:sitemap")).content.decode()
        return (
            reverse("releases:announcement", kwargs=kwargs) + "<" in body,
            reverse("releases:film", kwargs=kwargs) + "<" in body,
        )
    if surface == "feed":
        body = client.get(reverse("releases:feed", kwargs={"contest_slug": world.contest.slug})).content.decode()
        return TITLE in body
    if surface == "opengraph":
        response = _share_page(world, client) if link else client.get(reverse("releases:announcement", kwargs=kwargs))
        return response.status_code == 200 and 'property="og:title"' in response.content.decode()
    if surface == "team_credit":
        response = _share_page(world, client) if link else client.get(reverse("releases:announcement", kwargs=kwargs))
        body = _body(response)
        named = world.entry.team.name in body
        assert named == (world.entry.team.institution.name in body)  # the team and its institution go together
        return response.status_code == 200 and named
    raise AssertionError(surface)


def expect(surface: str, state, role: str, day: int, sign: int):
    announcement = expected_visible(state, role, "announcement", day, sign)
    film = expected_visible(state, role, "film", day, sign)
    public_announcement = expected_visible(state, "anonymous", "announcement", day, sign)
    public_film = expected_visible(state, "anonymous", "film", day, sign)
    listed_as = "anonymous" if role == "link_holder" else role  # a link opens one page, never a listing
    if surface == "announcement_page":
        cache = "public, no-cache" if role == "anonymous" and public_announcement else "private, no-store"
        return (announcement, cache)
    if surface in ("film_page", "media_url"):
        return film
    if surface == "poster":
        return film  # a still of the people in the film: the film's audience, never the announcement's
    if surface == "poster_on_page":
        if not (announcement or (film and role == "link_holder")):
            return None
        return "poster" if film else "title_card"
    if surface == "palmares":
        return expected_visible(state, listed_as, "announcement", day, sign)
    if surface in ("listing", "search"):  # "All released films": the films one may read about and watch
        return expected_visible(state, listed_as, "announcement", day, sign) and expected_visible(
            state, listed_as, "film", day, sign
        )
    if surface == "sitemap":
        return (public_announcement, public_film)
    if surface == "feed":
        return public_announcement
    if surface == "opengraph":
        return public_announcement and role != "link_holder"
    if surface == "team_credit":
        return expected_credit(state, role, day, sign)
    raise AssertionError(surface)


def _storage_in(settings, folder) -> None:
    settings.MEDIA_ROOT = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(folder)}},
    }


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world per release state, built once (users, contest, award, film and poster files, steps, link)."""
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    media = tmp_path_factory.mktemp("release-media")
    storages = {
        **django_settings.STORAGES,
        "default": {**django_settings.STORAGES["default"], "OPTIONS": {"location": str(media)}},
    }
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, STORAGES=storages, LANGUAGE_CODE="en"):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield media, {name: build_world(name) for name in STATES}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("state_name", "day", "sign"),
    moments(),
    ids=[f"{name}-day{day}{'-1s' if sign < 0 else '+1s'}" for name, day, sign in moments()],
)
def test_visibility(worlds, settings, state_name, day, sign, role, surface):
    media, by_state = worlds
    _storage_in(settings, media)
    world = by_state[state_name]
    with time_machine.travel(world.at(day, sign), tick=False):
        observed = observe(surface, world, role)
    assert observed == expect(surface, STATES[state_name], role, day, sign)
    # Nothing but the request decided it: no worker ran, so no step was ever notified.
    assert not NotificationSent.objects.filter(step__release=world.release).exists()
    assert not ReleaseStep.objects.filter(release=world.release, notified_at__isnull=False).exists()
