"""Unpublishing and withdrawing consent cut playback within seconds: pages carry only the app's own media addresses,
each request of the player is checked again and redirected to a presigned URL that lives a few seconds, and no
signed URL ever reaches the shared page cache."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from media_pipeline.models import Film
from releases import services
from tests.tampering import last_character_changed

from .world import FILM_BYTES, MEDIA_SRC, T2, build_world

pytestmark = pytest.mark.django_db

SIGNED = re.compile(r"X-Amz-Signature|Signature=|X-Amz-Credential|/media/[^\"/]+:[^\"/]+/")


def _put_in_bucket(world) -> Film:
    """The world's files were written before storage switched to S3: put the film in the bucket under its key."""
    film = Film.objects.get(entry=world.entry)
    default_storage.save(film.key, ContentFile(FILM_BYTES))
    return film


def test_the_film_page_names_the_apps_media_address_and_that_address_stops_at_unpublish(s3, settings):
    settings.MEDIA_REDIRECT_SECONDS = 10
    world = build_world("seed")
    _put_in_bucket(world)
    media = reverse("releases:film_media", kwargs=world.kwargs)
    visitor = world.client("anonymous")
    with time_machine.travel(world.at(T2, 1), tick=False):
        page = visitor.get(reverse("releases:film", kwargs=world.kwargs)).content.decode()
        assert MEDIA_SRC.search(page).group(1) == media
        assert not SIGNED.search(page)
        first = visitor.get(media)
        assert first.status_code == 302
        assert first["Cache-Control"] == "private, no-store"
        presigned = first["Location"]
        assert parse_qs(urlsplit(presigned).query)["X-Amz-Expires"] == ["10"]
        assert requests.get(presigned, timeout=30).content == FILM_BYTES

        services.unpublish_release(release=world.release, by=world.users["organiser"])
        refused = visitor.get(media, HTTP_RANGE="bytes=1000-")
        assert refused.status_code == 404
        assert refused["Cache-Control"] == "private, no-store"


def test_the_apps_media_address_stops_when_the_team_withdraws_its_consent():
    world = build_world("seed")
    media = reverse("releases:film_media", kwargs=world.kwargs)
    subtitles = reverse("releases:film_subtitles", kwargs=world.kwargs)
    poster = reverse("releases:poster", kwargs=world.kwargs)
    visitor = world.client("anonymous")
    with time_machine.travel(world.at(T2, 1), tick=False):
        assert visitor.get(media).status_code == 302
        assert visitor.get(poster).status_code == 302
        services.withdraw_film_approval(release=world.release, by=world.users["own_team"])
        assert visitor.get(media).status_code == 404
        assert visitor.get(poster).status_code == 404
        assert visitor.get(subtitles).status_code == 404


def test_a_url_signed_before_the_withdrawal_dies_within_the_configured_seconds(settings):
    settings.MEDIA_REDIRECT_SECONDS = 10
    world = build_world("seed")
    visitor = world.client("anonymous")
    with time_machine.travel(world.at(T2, 1), tick=False):
        signed = visitor.get(reverse("releases:film_media", kwargs=world.kwargs))["Location"]
        services.withdraw_film_approval(release=world.release, by=world.users["own_team"])
    with time_machine.travel(world.at(T2, 1 + 9), tick=False):
        assert visitor.get(signed, HTTP_RANGE="bytes=0-9").status_code == 206
    with time_machine.travel(world.at(T2, 1 + 10), tick=False):
        assert visitor.get(signed, HTTP_RANGE="bytes=10-19").status_code == 403


def test_the_cached_public_film_page_holds_no_signed_url(s3, settings):
    world = build_world("seed")
    _put_in_bucket(world)
    film_page = reverse("releases:film", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        stored = world.client("anonymous").get(film_page)
        assert stored["X-Palmares-Page-Cache"] == "miss"
        served = world.client("anonymous").get(film_page)
        assert served["X-Palmares-Page-Cache"] == "hit"
    for response in (stored, served):
        body = response.content.decode()
        assert "<video" in body
        assert not SIGNED.search(body)
        assert settings.S3_PUBLIC_ENDPOINT_URL not in body


def test_the_media_of_a_share_link_stop_when_it_is_revoked_and_need_the_page_that_spent_a_view():
    world = build_world("link_only")
    link = world.release.share_links.get()
    visitor = world.client("link_holder")
    with time_machine.travel(world.at(1, 1), tick=False):
        page = visitor.post(reverse("releases:share", kwargs={"token": world.token})).content.decode()
        media = MEDIA_SRC.search(page).group(1).replace("&amp;", "&")
        assert media.startswith(reverse("releases:share_film", kwargs={"token": world.token}) + "?opening=")
        assert not SIGNED.search(page.replace(media.replace("&", "&amp;"), ""))
        assert visitor.get(media).status_code == 302
        without_opening = reverse("releases:share_film", kwargs={"token": world.token})
        assert visitor.get(without_opening).status_code == 404
        assert visitor.get(last_character_changed(media)).status_code == 404
        services.revoke_share_link(link=link, by=world.users["organiser"])
        assert visitor.get(media).status_code == 404


def test_the_player_may_ask_with_head_whether_the_film_is_still_shown():
    """release-player.js asks HEAD before reloading after an error: a redirect while shown, 404 from unpublishing."""
    world = build_world("seed")
    media = reverse("releases:film_media", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        response = world.client("anonymous").head(media)
        assert (response.status_code, response["Cache-Control"]) == (302, "private, no-store")
        services.unpublish_release(release=world.release, by=world.users["organiser"])
        assert world.client("anonymous").head(media).status_code == 404
