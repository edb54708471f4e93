"""The juror's JSON endpoints answer a malformed body with 400 and a message, and change nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from judging.models import Assignment, Review, Score

pytestmark = pytest.mark.django_db

NOT_AN_OBJECT = "The request's body must be a JSON object."
NOT_JSON = "The request's body is not valid JSON."


def _url(scene, name):
    return reverse(
        name, kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, "code": scene.entry.code}
    )


def _post(scene, name, body):
    client = Client()
    client.force_login(scene.juror)
    return client.post(_url(scene, name), body, content_type="application/json")


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"values": [1, 2]}', "“values” must be an object."),
        ('{"values": "abc"}', "“values” must be an object."),
        ('{"values": 7}', "“values” must be an object."),
        ('{"values": {}, "private_comment": ["x"]}', "“private_comment” must be a text."),
        ('{"values": {}, "team_feedback": {"a": 1}}', "“team_feedback” must be a text."),
        ("[1, 2]", NOT_AN_OBJECT),
        ('"values"', NOT_AN_OBJECT),
        ("not json", NOT_JSON),
        ('{"values": {"1": NaN}}', NOT_JSON),
        ('{"values": {"1": Infinity}}', NOT_JSON),
        ("[" * 50000, NOT_JSON),
        (b"\xff\xfe", NOT_JSON),
    ],
)
def test_autosave_answers_400_to_a_malformed_body(scene, body, message):
    response = _post(scene, "jury_autosave", body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "malformed_body", "message": message}
    assert not Score.objects.filter(assignment=scene.assignment).exists()


@pytest.mark.parametrize(
    "value, code",
    [("1" * 5000, "out_of_scale"), (10**400, "out_of_scale"), (1e300, "out_of_scale"), ([1], "not_a_number")],
)
def test_autosave_answers_400_to_a_huge_or_odd_score(scene, value, code):
    criterion = scene.criteria[0]
    response = _post(scene, "jury_autosave", '{"values": {"' + str(criterion.pk) + '": ' + _json(value) + "}}")
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert not Score.objects.filter(assignment=scene.assignment).exists()


def _json(value) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"position": "abc", "duration": 6}', "“position” must be a number."),
        ('{"position": [1], "duration": 6}', "“position” must be a number."),
        ('{"position": true, "duration": 6}', "“position” must be a number."),
        ('{"position": 1, "duration": ' + str(10**400) + "}", "“duration” must be a number."),
        ('{"position": 1e400, "duration": 6}', "“position” must be a number."),
        ('{"position": NaN, "duration": 6}', NOT_JSON),
        ("[1, 6]", NOT_AN_OBJECT),
        ("nope", NOT_JSON),
    ],
)
def test_the_watched_report_answers_400_to_a_malformed_body(scene, body, message):
    response = _post(scene, "jury_watched", body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "malformed_body", "message": message}
    assert not Review.objects.filter(assignment=scene.assignment, watched_seconds__gt=0).exists()


@pytest.mark.parametrize("value", ["abc", "²", "1.5", ""])
@pytest.mark.parametrize(
    "action, field",
    [
        ("judging_round_remove_assignment", "assignment"),
        ("judging_round_remove_juror", "user"),
        ("judging_remove_award", "award"),
    ],
)
def test_organiser_forms_answer_400_to_an_id_that_is_not_a_number(scene, action, field, value):
    kwargs = {"contest_slug": scene.contest.slug}
    if action.startswith("judging_round_"):
        kwargs["round_id"] = scene.round.pk
    client = Client()
    client.force_login(scene.organiser)
    assert client.post(reverse(action, kwargs=kwargs), {field: value}).status_code == 400
    assert Assignment.objects.filter(pk=scene.assignment.pk).exists()
