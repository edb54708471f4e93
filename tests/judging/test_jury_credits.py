"""The credits the team marks are cut from what a blind round gets: the juror's playlists start after the opening
credits and stop before the closing ones, a segment inside them answers 404 to the juror (and plays for the team),
the page offers the cut screener alone (no proxy, light rendition or poster, which hold the whole film), the
subtitles and the marked passages come timed from the cut's start, and the credits cost nothing of the watched
share. The team marks them on its entry page; a wrong pair is refused with its words, keeping what was saved."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest import services as contest_services
from contest.models import AuditEvent, ContentWarning
from judging.models import Review
from media_pipeline.models import Film, Rendition, new_rendition_key
from tests.factories import stored_screener

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db

SUBTITLES = (
    "WEBVTT\n\n"
    "1\n00:00:01.000 --> 00:00:03.400\nUn film de Camille Martin\n\n"
    "2\n00:00:04.000 --> 00:00:06.000\nJe n'ai rien dit.\n\n"
    "3\n00:00:16.500 --> 00:00:18.000\nPersonne ne m'a crue.\n\n"
    "4\n00:00:17.500 --> 00:00:19.000\nRéalisation : Camille Martin\n"
)


@pytest.fixture
def film(scene):
    """The scene's film, 20 s long, with its proxy, its subtitles and a ready screener of 20 one-second segments."""
    film = Film.objects.create(
        entry=scene.entry, key=default_storage.save(f"uploads/{scene.entry.public_id}", ContentFile(b"film")),
        original_name="Les Voix Cachées.mov", size=4, checksum="x", state=Film.State.READY, duration_s=20.0,
    )  # fmt: skip
    Rendition.objects.create(
        film=film, kind=Rendition.Kind.PROXY, key=new_rendition_key("proxy", "mp4"), content_type="video/mp4"
    )
    key = new_rendition_key("subtitles", "vtt")
    default_storage.save(key, ContentFile(SUBTITLES.encode()))
    Rendition.objects.create(film=film, kind=Rendition.Kind.SUBTITLES, key=key, content_type="text/vtt")
    stored_screener(film, lines=(180,), segments=20)
    return film


def mark(scene, opening, closing):
    captain = scene.entry.team.members.first()
    contest_services.mark_credits(
        entry=scene.entry, by=captain, opening_credits_end_s=opening, closing_credits_start_s=closing
    )


def juror_session(scene) -> tuple[Client, str]:
    client = client_for(scene.juror)
    response = client.get(entry_url(scene, "jury_screener"))
    assert response.status_code == 302
    return client, response["Location"].removesuffix("index.m3u8")


def listed(playlist: str) -> list[str]:
    return re.findall(r"^/screen/[^/]+/(.+)$", playlist, flags=re.MULTILINE)


def test_the_jurors_playlists_start_after_the_opening_credits_and_stop_before_the_closing_ones(scene, film):
    mark(scene, 2.5, 17.2)
    client, base = juror_session(scene)
    video = client.get(f"{base}180.m3u8").content.decode()
    assert listed(video) == [f"180/{index}.ts" for index in range(3, 17)]
    assert video.count("#EXTINF:1.000000,") == 14
    assert listed(client.get(f"{base}audio.m3u8").content.decode()) == [f"audio/{index}.ts" for index in range(3, 17)]
    statuses = {index: client.get(f"{base}180/{index}.ts").status_code for index in (0, 2, 3, 16, 17, 19)}
    assert statuses == {0: 404, 2: 404, 3: 302, 16: 302, 17: 404, 19: 404}
    assert [client.get(f"{base}audio/{index}.ts").status_code for index in (2, 3, 17)] == [404, 302, 404]

    # The team's own player, and the organisers', get the whole film.
    team = client_for(scene.entry.team.members.first())
    opener = reverse(
        "media_pipeline:film_screener", kwargs={"contest_slug": scene.contest.slug, "public_id": scene.entry.public_id}
    )
    team_base = team.get(opener)["Location"].removesuffix("index.m3u8")
    assert listed(team.get(f"{team_base}180.m3u8").content.decode()) == [f"180/{index}.ts" for index in range(20)]
    assert team.get(f"{team_base}180/0.ts").status_code == 302


def test_new_marks_hold_at_the_jurors_next_request_and_cleared_marks_give_the_whole_film(scene, film):
    mark(scene, 4.0, None)
    client, base = juror_session(scene)
    assert listed(client.get(f"{base}180.m3u8").content.decode())[:2] == ["180/4.ts", "180/5.ts"]
    assert client.get(f"{base}180/19.ts").status_code == 302  # no closing credits marked: to the film's end
    mark(scene, 5.0, 15.999)
    assert listed(client.get(f"{base}180.m3u8").content.decode()) == [f"180/{index}.ts" for index in range(5, 15)]
    assert client.get(f"{base}180/4.ts").status_code == 404
    mark(scene, None, None)
    assert len(listed(client.get(f"{base}180.m3u8").content.decode())) == 20


def test_the_blind_page_offers_the_cut_screener_alone_with_its_subtitles_timed_from_the_cut(scene, film):
    mark(scene, 2.5, 17.2)
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    video = html.split('<video id="film"')[1].split("</video>")[0]
    sources = re.findall(r'<source src="([^"]+)" type="([^"]+)"', video)
    assert sources == [(entry_url(scene, "jury_screener"), "application/vnd.apple.mpegurl")]
    assert 'data-film-offset="3.000000"' in video and "poster=" not in video
    assert re.findall(r'<track kind="subtitles" src="([^"]+)"', video) == [entry_url(scene, "jury_subtitles")]

    response = client_for(scene.juror).get(entry_url(scene, "jury_subtitles"))
    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == ("text/vtt", "private, no-store")
    # A cue that starts in the opening credits is left out whole; one that starts in the film is cut at its end.
    assert response.content.decode() == (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nJe n'ai rien dit.\n\n"
        "2\n00:00:13.500 --> 00:00:14.000\nPersonne ne m'a crue.\n"
    )
    for other in (scene.other_juror, scene.organiser):
        assert client_for(other).get(entry_url(scene, "jury_subtitles")).status_code == 404


def test_without_marked_credits_the_jury_keeps_every_source_and_no_cut_subtitles(scene, film):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    video = html.split('<video id="film"')[1].split("</video>")[0]
    assert [kind for _url, kind in re.findall(r'<source src="([^"]+)" type="([^"]+)"', video)] == [
        "application/vnd.apple.mpegurl",
        "video/mp4",
    ]
    assert "data-film-offset" not in video
    assert client_for(scene.juror).get(entry_url(scene, "jury_subtitles")).status_code == 404


def test_marked_credits_keep_the_whole_proxy_from_the_jury_until_the_screener_is_ready(scene, film):
    film.screeners.update(state="making")
    mark(scene, 2.5, None)
    html = client_for(scene.juror).get(entry_url(scene), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<video" not in html and "The film is being prepared. Come back a little later." in html


def test_the_marked_passages_come_on_the_jurors_clock_and_those_inside_the_credits_are_left_out(scene, film):
    warning = ContentWarning.objects.get(contest=scene.contest, code="sexual_violence")
    for start, end in ((0.5, 2.0), (8.0, 10.0), (16.0, 19.0)):
        contest_services.mark_passage(
            entry=scene.entry, by=scene.organiser, start_s=start, end_s=end, content_warning=warning
        )
    mark(scene, 2.5, 17.2)
    html = client_for(scene.juror).get(entry_url(scene), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    data = html.split('<script id="passages-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data) == [
        {"start": 5.0, "end": 7.0, "warning": "Sexual violence", "span": "0:05–0:07", "end_text": "0:07"},
        {"start": 13.0, "end": 14.0, "warning": "Sexual violence", "span": "0:13–0:14", "end_text": "0:14"},
    ]


def test_the_credits_cost_the_juror_nothing_of_the_watched_share(scene, film):
    mark(scene, 2.5, 17.2)
    client, base = juror_session(scene)
    for index in range(3, 17):
        assert client.get(f"{base}180/{index}.ts").status_code == 302
    url = entry_url(scene, "jury_watched")
    start = timezone.now()
    shares = []
    # The player's clock starts at the cut (3 s of film): score.js reports its time plus that offset.
    for seconds, played in ((0, 0.0), (7, 7.0), (14, 14.0)):
        with time_machine.travel(start + timedelta(seconds=seconds), tick=False):
            body = json.dumps({"position": 3.0 + played})
            shares.append(client.post(url, body, content_type="application/json").json()["watched_share"])
    assert shares == [0.15, 0.5, 1.0]
    assert Review.objects.get(assignment=scene.assignment).watched_seconds == 20.0


def test_the_team_marks_its_credits_and_a_wrong_pair_is_refused_with_its_words(scene, film):
    captain = scene.entry.team.members.first()
    kwargs = {"contest_slug": scene.contest.slug, "public_id": scene.entry.public_id}
    url = reverse("entry_credits", kwargs=kwargs)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(captain)
    page = client.get(reverse("entry_detail", kwargs=kwargs)).content.decode()
    assert f'action="{url}"' in page and "No credits marked: the jury sees the whole film." in page

    assert client.post(url, {"opening_credits_end_s": "0:02.5", "closing_credits_start_s": "0:17"}).status_code == 302
    scene.entry.refresh_from_db()
    assert (scene.entry.opening_credits_end_s, scene.entry.closing_credits_start_s) == (2.5, 17.0)
    event = AuditEvent.objects.get(verb="credits_marked", entry=scene.entry)
    assert (event.actor, event.data) == (captain, {"opening_credits_end_s": 2.5, "closing_credits_start_s": 17.0})
    page = client.get(reverse("entry_detail", kwargs=kwargs)).content.decode()
    assert "The jury's player starts after the opening credits, which end at 0:02.5." in page
    assert "It stops where the closing credits start, at 0:17." in page
    assert 'value="0:02.5"' in page

    refused = client.post(url, {"opening_credits_end_s": "0:13", "closing_credits_start_s": "0:17"})
    assert refused.status_code == 400
    assert (
        "The closing credits must start at least 5 seconds after the opening credits end." in refused.content.decode()
    )
    refused = client.post(url, {"opening_credits_end_s": "soon", "closing_credits_start_s": ""})
    assert refused.status_code == 400
    assert 'value="soon"' in refused.content.decode()
    scene.entry.refresh_from_db()
    assert (scene.entry.opening_credits_end_s, scene.entry.closing_credits_start_s) == (2.5, 17.0)

    for stranger in (scene.juror, scene.organiser):
        assert client_for(stranger).post(url, {"opening_credits_end_s": "0:01"}).status_code == 404
    assert client.post(url, {"opening_credits_end_s": "", "closing_credits_start_s": ""}).status_code == 302
    scene.entry.refresh_from_db()
    assert (scene.entry.opening_credits_end_s, scene.entry.closing_credits_start_s) == (None, None)
