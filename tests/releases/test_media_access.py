"""Films and posters are served only through short-lived signed URLs made after the visibility check: expired and
tampered URLs are refused, hidden items get no URL at all, and every media response is `private, no-store`."""

import pytest
import requests
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from media_pipeline.models import Film
from tests.tampering import last_character_changed

from .world import FILM_BYTES, MEDIA_SRC, T2, build_world

pytestmark = pytest.mark.django_db


def _signed_film_url(world, role="anonymous") -> str:
    response = world.client(role).get(reverse("releases:film_media", kwargs=world.kwargs))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    return response["Location"]


def test_the_signed_url_serves_ranges_and_expires_after_the_configured_seconds(settings):
    settings.MEDIA_REDIRECT_SECONDS = 120
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        url = _signed_film_url(world)
    assert url.startswith("/media/")
    client = world.client("anonymous")
    with time_machine.travel(world.at(T2, 1 + 119), tick=False):
        partial = client.get(url, HTTP_RANGE="bytes=10-19")
        assert partial.status_code == 206
        assert b"".join(partial.streaming_content) == FILM_BYTES[10:20]
        assert partial["Content-Range"] == f"bytes 10-19/{len(FILM_BYTES)}"
        assert partial["Cache-Control"] == "private, no-store"
    with time_machine.travel(world.at(T2, 1 + 120), tick=False):
        expired = client.get(url)
        assert expired.status_code == 403
        assert expired["Cache-Control"] == "private, no-store"


def test_a_tampered_media_url_is_refused():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        url = _signed_film_url(world)
        token = url.rstrip("/").rsplit("/", 1)[1]
        body, signature = token.rsplit(":", 1)
        flipped = last_character_changed(signature)
        client = world.client("anonymous")
        assert client.get(url).status_code == 200
        assert client.get(url.replace(token, f"{body}:{flipped}")).status_code == 403
        assert client.get(url.replace(token, body[:-2] + "xx:" + signature)).status_code == 403


def test_no_signed_url_is_made_for_a_film_the_visitor_may_not_watch():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, -1), tick=False):
        anonymous = world.client("anonymous")
        assert anonymous.get(reverse("releases:film_media", kwargs=world.kwargs)).status_code == 404
        announcement = anonymous.get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
        assert "/media/" not in announcement and "<video" not in announcement
        assert "The film is not shown here yet." in announcement
        # The poster is a still of the film, which is not public yet: the title card stands in.
        assert anonymous.get(reverse("releases:poster", kwargs=world.kwargs)).status_code == 404
        assert '<img class="poster" src="/palmares/title-card.png"' in announcement


def test_a_film_that_is_not_ready_is_never_signed():
    world = build_world("seed")
    Film.objects.filter(entry=world.entry).update(state=Film.State.REJECTED)
    with time_machine.travel(world.at(T2, 1), tick=False):
        response = world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs))
        assert response.status_code == 200
        assert "<video" not in response.content.decode()
        assert world.client("anonymous").get(reverse("releases:film_media", kwargs=world.kwargs)).status_code == 404


def test_in_s3_mode_the_film_comes_from_a_short_lived_presigned_url_that_is_never_cached(s3, settings):
    settings.MEDIA_REDIRECT_SECONDS = 180
    world = build_world("seed")
    # The world's files were written before storage switched to S3: put the film in the bucket under the same key.
    film = Film.objects.get(entry=world.entry)
    default_storage.save(film.key, ContentFile(FILM_BYTES))
    with time_machine.travel(world.at(T2, 1), tick=False):
        url = _signed_film_url(world)
        page = world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs)).content.decode()
    assert url.startswith(f"{settings.S3_PUBLIC_ENDPOINT_URL}/{settings.S3_BUCKET}/{film.key}?")
    assert "X-Amz-Expires=180&" in url and "response-cache-control=private%2C%20no-store" in url
    assert MEDIA_SRC.search(page).group(1) == reverse("releases:film_media", kwargs=world.kwargs)  # the app's own
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    assert response.content == FILM_BYTES
    assert response.headers["Cache-Control"] == "private, no-store"
