"""The public film player offers the film's subtitles as a captions track (WCAG 1.2.2), signed like the film."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import User
from demo.services import load_demo
from media_pipeline.demo import process_now
from media_pipeline.models import Rendition
from media_pipeline.selectors import current_film
from releases.models import Release

pytestmark = pytest.mark.django_db


def test_the_film_page_carries_the_subtitles_track_when_the_film_has_one(client):
    load_demo()
    release = Release.objects.select_related("entry__contest").get(entry__title="Sans voix")
    entry = release.entry
    process_now(current_film(entry).pk)  # what the worker of `make run` does soon after load_demo
    film_url = reverse("releases:film", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    client.force_login(User.objects.get(email="team1@example.org"))
    assert "<track" not in client.get(film_url).content.decode()
    key = default_storage.save(
        "renditions/captions-test.vtt", ContentFile(b"WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour\n")
    )
    Rendition.objects.create(film=current_film(entry), kind=Rendition.Kind.SUBTITLES, key=key, content_type="text/vtt")
    html = client.get(film_url).content.decode()
    subtitles = reverse(
        "releases:film_subtitles", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )
    assert f'<track kind="subtitles" src="{subtitles}"' in html  # the app's own address, checked again, as the film
    assert 'srclang="fr" label="Subtitles" default>' in html
    redirect = client.get(html.split('<track kind="subtitles" src="')[1].split('"')[0])
    assert redirect.status_code == 302 and redirect["Location"].startswith("/media/")  # signed, seconds long
    response = client.get(redirect["Location"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"WEBVTT")
