"""The watched share is the server's: computed from the film's probed duration, never the player's; bounded,
monotonic, and never ahead of the real time since the player's first report."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judging.models import Review
from media_pipeline.models import Film

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
