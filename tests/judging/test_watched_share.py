"""The watched share is the server's: computed from the film's probed duration, never the player's; bounded,
monotonic, and never ahead of the real time since playing started, which the player tells and the page's signed clock bounds."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judging import services
from judging.models import Review
from media_pipeline.models import Film
from tests.tampering import last_character_changed

from .factories import assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_seconds(scene):
    """The scene's film, probed by the pipeline at 6 s (the team declared 95 s)."""
    Film.objects.create(
        entry=scene.entry, key="uploads/six", original_name="x.mp4", size=1, checksum="x",
        state=Film.State.READY, duration_s=6.0,
    )  # fmt: skip
    client = Client()
    client.force_login(scene.juror)
    url = reverse("jury_watched", args=[scene.contest.slug, scene.round.pk, scene.entry.code])
    return client, url


def post(client, url, body):
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def test_a_juror_cannot_claim_the_whole_film_with_a_duration_of_their_own(scene, six_seconds):
    client, url = six_seconds
    response = post(client, url, {"position": 1, "duration": 1})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "watched_share": 0.0, "message": "Watched: 0 %"}
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.duration_seconds, review.watched_seconds) == (6.0, 0.0)


def test_one_second_after_the_first_report_at_most_one_second_counts(scene, six_seconds):
    client, url = six_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post(client, url, {"position": 0})
    with time_machine.travel(start + timedelta(seconds=1), tick=False):
        assert post(client, url, {"position": 6, "duration": 6}).json() == {
            "ok": True,
            "watched_share": 0.167,
            "message": "Watched: 17 %",
        }
    with time_machine.travel(start + timedelta(seconds=4), tick=False):
        assert post(client, url, {"position": 3.5}).json() == {
            "ok": True,
            "watched_share": 0.583,
            "message": "Watched: 58 %",
        }
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        assert post(client, url, {"position": 1}).json() == {
            "ok": True,
            "watched_share": 0.583,
            "message": "Watched: 58 %",
        }  # never decreases
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert post(client, url, {"position": 500, "duration": 1}).json() == {
            "ok": True,
            "watched_share": 1.0,
            "message": "Watched: 100 %",
        }
    assert Review.objects.get(assignment=scene.assignment).watched_seconds == 6.0  # clamped to the film


@pytest.mark.parametrize("body", ["{}", '{"duration": 6}', '{"position": null}'])
def test_a_body_without_a_position_is_refused(scene, six_seconds, body):
    client, url = six_seconds
    response = post(client, url, body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "bad_request", "message": 'Send JSON {"position": seconds}.'}
    assert not Review.objects.filter(assignment=scene.assignment).exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"position": "abc"}', "“position” must be a number."),
        ('{"position": true}', "“position” must be a number."),
        ('{"position": [1]}', "“position” must be a number."),
        ('{"position": Infinity}', "The request's body is not valid JSON."),
        ('{"position": NaN}', "The request's body is not valid JSON."),
        ("[1, 2]", "The request's body must be a JSON object."),
        ("not json", "The request's body is not valid JSON."),
    ],
)
def test_a_body_without_a_numeric_position_is_refused(scene, six_seconds, body, message):
    """The shared body parser's answer (accounts.request_body), as for every JSON endpoint."""
    client, url = six_seconds
    response = post(client, url, body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "malformed_body", "message": message}
    assert not Review.objects.filter(assignment=scene.assignment).exists()


@pytest.mark.parametrize("body", ['{"position": -1}'])
def test_an_impossible_position_is_refused(scene, six_seconds, body):
    client, url = six_seconds
    response = post(client, url, body)
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error": "bad_position",
        "message": "The player sent an impossible position.",
    }


def served_clock(client, scene) -> str:
    """The watching clock of the juror's entry page, as the player reads it."""
    page = client.get(reverse("jury_entry", args=[scene.contest.slug, scene.round.pk, scene.entry.code]))
    assert page.status_code == 200
    found = re.search(r'data-watching-clock="([^"]+)"', page.content.decode())
    assert found
    return found.group(1)


def test_a_first_report_held_up_on_its_way_counts_the_seconds_the_player_says_it_played(scene, six_seconds):
    """As behind the film's download on a slow connection: the report of 6 s played arrives 12 s after the page."""
    client, url = six_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        clock = served_clock(client, scene)
    with time_machine.travel(start + timedelta(seconds=12), tick=False):
        assert post(client, url, {"position": 6, "clock": clock, "playing_for": 6.5}).json() == {
            "ok": True,
            "watched_share": 1.0,
            "message": "Watched: 100 %",
        }
    assert Review.objects.get(assignment=scene.assignment).watching_started_at == start + timedelta(seconds=5.5)


def test_no_claim_of_playing_reaches_before_the_page_was_served(scene, six_seconds):
    client, url = six_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        clock = served_clock(client, scene)
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        assert post(client, url, {"position": 6, "clock": clock, "playing_for": 3600}).json() == {
            "ok": True,
            "watched_share": 0.5,
            "message": "Watched: 50 %",
        }


def test_a_clock_not_signed_for_this_assignment_counts_from_the_reports_arrival(scene, six_seconds):
    client, url = six_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        other = services.watching_clock(assign(scene.round, scene.other_juror, scene.entry))
        forged = last_character_changed(served_clock(client, scene))
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        for clock in (other, forged, "not a clock"):
            assert post(client, url, {"position": 6, "clock": clock, "playing_for": 10}).json() == {
                "ok": True,
                "watched_share": 0.0,
                "message": "Watched: 0 %",
            }


def test_a_later_report_never_moves_the_start_of_playing_later(scene, six_seconds):
    client, url = six_seconds
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        clock = served_clock(client, scene)
        post(client, url, {"position": 0, "clock": clock, "playing_for": 0})
    with time_machine.travel(start + timedelta(seconds=4), tick=False):
        assert post(client, url, {"position": 4, "clock": clock, "playing_for": 1}).json()["watched_share"] == 0.667


@pytest.mark.parametrize(
    "body, error, message",
    [
        ('{"position": 1, "playing_for": -1}', "bad_position", "The player sent an impossible position."),
        ('{"position": 1, "playing_for": "long"}', "malformed_body", "“playing_for” must be a number."),
        ('{"position": 1, "clock": 5}', "malformed_body", "“clock” must be a text."),
    ],
)
def test_an_impossible_time_of_playing_is_refused(scene, six_seconds, body, error, message):
    client, url = six_seconds
    response = post(client, url, body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": error, "message": message}
    assert not Review.objects.filter(assignment=scene.assignment, watched_seconds__gt=0).exists()
