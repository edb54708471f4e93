"""The juror's screener: the blind page carries the HLS source first, opening it makes a session of the juror's own
(kind juror, under the assignment), whose addresses name nothing of the team, and which stops at the next request
once the assignment is removed, a conflict is declared, or the juror leaves the round."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from judging import services
from judging.models import Assignment, Conflict, RoundJuror
from media_pipeline.models import Film, Rendition, ViewingSession, new_rendition_key
from tests.factories import stored_screener

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(scene):
    key = default_storage.save(f"uploads/{scene.entry.public_id}", ContentFile(b"film"))
    film = Film.objects.create(
        entry=scene.entry, key=key, original_name="Les Voix Cachées.mov", size=4, checksum="x", state=Film.State.READY
    )
    Rendition.objects.create(
        film=film, kind=Rendition.Kind.PROXY, key=new_rendition_key("proxy", "mp4"), content_type="video/mp4"
    )
    stored_screener(film)
    return film


def open_session(client, scene) -> str:
    response = client.get(entry_url(scene, "jury_screener"))
    assert response.status_code == 302
    return response["Location"].removesuffix("index.m3u8")


def statuses(client, base) -> list[int]:
    return [client.get(f"{base}{path}").status_code for path in ("index.m3u8", "360.m3u8", "360/0.ts", "audio/0.ts")]


def test_the_blind_player_offers_the_screener_first_and_the_proxy_without_javascript(scene, screened):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    sources = re.findall(r'<source src="([^"]+)" type="([^"]+)"', html)
    assert sources[0] == (entry_url(scene, "jury_screener"), "application/vnd.apple.mpegurl")
    assert [kind for _, kind in sources[1:]] == ["video/mp4"]


def test_a_jurors_session_is_theirs_and_names_nothing_of_the_team(scene, screened):
    client = client_for(scene.juror)
    base = open_session(client, scene)
    session = ViewingSession.objects.get()
    assert (session.kind, session.user, session.grant) == ("juror", scene.juror, f"assignment:{scene.assignment.pk}")
    served = [client.get(f"{base}index.m3u8").content.decode(), client.get(f"{base}360.m3u8").content.decode()]
    served.append(client.get(f"{base}360/0.ts")["Location"])
    for text in (*scene.identifying, screened.key, screened.original_name):
        for body in served:
            assert text not in body
    assert statuses(client_for(scene.other_juror), base) == [404] * 4


def test_a_juror_who_is_not_assigned_opens_nothing(scene, screened):
    assert client_for(scene.other_juror).get(entry_url(scene, "jury_screener")).status_code == 404
    assert client_for(scene.organiser).get(entry_url(scene, "jury_screener")).status_code == 404
    assert not ViewingSession.objects.exists()


@pytest.mark.parametrize("loss", ["assignment removed", "conflict declared", "left the round"])
def test_a_jurors_session_stops_at_the_next_request_once_the_right_is_lost(scene, screened, loss):
    client = client_for(scene.juror)
    base = open_session(client, scene)
    assert statuses(client, base) == [200, 200, 302, 302]
    if loss == "assignment removed":
        Assignment.objects.filter(pk=scene.assignment.pk).delete()
    elif loss == "conflict declared":
        Conflict.objects.create(contest=scene.contest, juror=scene.juror, kind=Conflict.Kind.ENTRY, entry=scene.entry)
    else:
        RoundJuror.objects.filter(round=scene.round, user=scene.juror).delete()
    assert statuses(client, base) == [404] * 4


def test_with_a_screener_the_watched_share_goes_no_further_than_the_seconds_delivered(scene, screened):
    client = client_for(scene.juror)
    base = open_session(client, scene)
    for index in (0, 1):
        assert client.get(f"{base}360/{index}.ts").status_code == 302
    started = timezone.now()
    services.record_watching(assignment=scene.assignment, by=scene.juror, position_s=0, now=started)
    review = services.record_watching(
        assignment=scene.assignment, by=scene.juror, position_s=3, now=started + timedelta(seconds=10)
    )
    assert review.watched_seconds == 2  # the player says 3 s; the server sent 2
    client.get(f"{base}180/2.ts")
    review = services.record_watching(
        assignment=scene.assignment, by=scene.juror, position_s=3, now=started + timedelta(seconds=11)
    )
    assert review.watched_seconds == 3
