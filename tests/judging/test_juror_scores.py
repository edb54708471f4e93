"""The juror's scores over HTTP: autosave, submission, the watched share, locking at close, others' scores."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent
from judging.models import Assignment, Review, Score
from tests.factories import EntryFactory

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db


def test_autosave_keeps_a_draft_and_needs_the_csrf_token(scene):
    client = client_for(scene.juror, enforce_csrf=True)
    page = client.get(entry_url(scene))
    token = page.cookies["csrftoken"].value
    message, craft = scene.criteria
    body = json.dumps({"values": {str(message.pk): "4", str(craft.pk): "12.5"}, "private_comment": "Strong."})
    refused = client.post(entry_url(scene, "jury_autosave"), body, content_type="application/json")
    assert refused.status_code == 403
    saved = client.post(
        entry_url(scene, "jury_autosave"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert saved.status_code == 200
    assert saved.json()["ok"] is True
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.private_comment) == ("draft", "Strong.")
    assert {s.criterion_id: str(s.value) for s in Score.objects.filter(assignment=scene.assignment)} == {
        message.pk: "4.00",
        craft.pk: "12.50",
    }
    event = AuditEvent.objects.get(verb="score_changed")
    assert event.entry is None  # teams read their entry's events: judging never links them
    assert event.data["changes"] == {str(message.pk): [None, "4"], str(craft.pk): [None, "12.5"]}


@pytest.mark.parametrize(
    ("value", "code"), [("6", "out_of_scale"), ("0", "out_of_scale"), ("2.5", "out_of_scale"), ("abc", "not_a_number")]
)
def test_values_off_the_scale_are_refused(scene, value, code):
    message = scene.criteria[0]
    response = client_for(scene.juror).post(
        entry_url(scene, "jury_autosave"),
        json.dumps({"values": {str(message.pk): value}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert not Score.objects.exists()


def _submit(client, scene, confirm="0", message="4", craft="12.5"):
    data = {
        f"score_{scene.criteria[0].pk}": message,
        f"score_{scene.criteria[1].pk}": craft,
        "private_comment": "Good",
        "team_feedback": "Bravo",
        "confirm_unwatched": confirm,
    }
    return client.post(entry_url(scene, "jury_submit"), data)


def _watch(client, scene, position, duration=95):
    # The server counts no more than the real time since the player's first report: open the player, then play.
    client.post(entry_url(scene, "jury_watched"), json.dumps({"position": 0}), content_type="application/json")
    with time_machine.travel(timezone.now() + timedelta(seconds=position), tick=False):
        return client.post(
            entry_url(scene, "jury_watched"),
            json.dumps({"position": position, "duration": duration}),
            content_type="application/json",
        )


def test_submitting_before_watching_most_of_the_film_asks_for_confirmation_then_flags_it(scene):
    client = client_for(scene.juror)
    assert _watch(client, scene, 40).json() == {"ok": True, "watched_share": 0.421, "message": "Watched: 42 %"}
    first = _submit(client, scene)
    assert first.status_code == 400
    assert "You have played 42 % of the film. Submit anyway?" in first.content.decode()
    assert 'name="confirm_unwatched" value="1" required' in first.content.decode()
    assert Review.objects.get(assignment=scene.assignment).status == "draft"
    second = _submit(client, scene, confirm="1")
    assert second.status_code == 302
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.flagged_unwatched, review.team_feedback) == ("submitted", True, "Bravo")


def test_submitting_after_watching_most_of_the_film_needs_no_confirmation(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 80)
    _watch(client, scene, 10)  # going back does not lower the furthest point reached
    assert _submit(client, scene).status_code == 302
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.flagged_unwatched, review.watched_seconds) == ("submitted", False, 80.0)


def test_submitting_needs_every_criterion(scene):
    response = _submit(client_for(scene.juror), scene, confirm="1", craft="")
    assert response.status_code == 400
    assert "Score every criterion before submitting" in response.content.decode()


def test_scores_are_locked_one_second_after_the_round_closes(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 90)
    body = json.dumps({"values": {str(scene.criteria[0].pk): "3"}})
    # A fresh login at each boundary: the round closes days from now, after the session has expired.
    with time_machine.travel(scene.round.closes_at - timedelta(seconds=1), tick=False):
        client = client_for(scene.juror)
        assert client.post(entry_url(scene, "jury_autosave"), body, content_type="application/json").status_code == 200
    with time_machine.travel(scene.round.closes_at + timedelta(seconds=1), tick=False):
        client = client_for(scene.juror)
        late = client.post(
            entry_url(scene, "jury_autosave"),
            json.dumps({"values": {str(scene.criteria[0].pk): "5"}}),
            content_type="application/json",
        )
        assert late.status_code == 400
        assert late.json()["error"] == "round_closed"
        assert _submit(client, scene).status_code == 400
        assert _watch(client, scene, 95).status_code == 400
        assert "This round is closed: scores are locked." in client.get(entry_url(scene)).content.decode()
    assert [str(v) for v in Score.objects.values_list("value", flat=True)] == ["3.00"]
    assert Review.objects.get(assignment=scene.assignment).status == "draft"


def test_a_juror_never_sees_other_jurors_scores_unless_the_round_allows_it_after_their_own(scene):
    other_assignment = Assignment.objects.create(round=scene.round, juror=scene.other_juror, entry=scene.entry)
    Review.objects.create(assignment=other_assignment, status="submitted", watched_seconds=95, duration_seconds=95)
    Score.objects.create(assignment=other_assignment, criterion=scene.criteria[0], value=2)
    Score.objects.create(assignment=other_assignment, criterion=scene.criteria[1], value="17.5")
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    assert "17.5" not in client.get(entry_url(scene)).content.decode()
    scene.round.show_scores_after_own = True
    scene.round.save()
    assert "17.5" not in client.get(entry_url(scene)).content.decode()  # own review not in yet
    _submit(client, scene)
    html = client.get(entry_url(scene)).content.decode()
    assert "Juror 1" in html and "17.5" in html
    assert "juror2@example.org" not in html


def test_the_queue_shows_progress(scene):
    second = EntryFactory(team__contest=scene.contest, status="submitted", title="Deuxième film")
    Assignment.objects.create(round=scene.round, juror=scene.juror, entry=second)
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    _submit(client, scene)
    html = client.get(
        reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    ).content.decode()
    assert "1 of 2 reviews submitted" in html
    assert "Deuxième film" in html
    for text in scene.identifying:
        assert text not in html


# Issue 12: a forgiving autosave


def _autosave(client, scene, values, **comments):
    return client.post(
        entry_url(scene, "jury_autosave"), json.dumps({"values": values, **comments}), content_type="application/json"
    )


def _saved(scene) -> dict:
    return {s.criterion_id: str(s.value) for s in Score.objects.filter(assignment=scene.assignment)}


def test_autosave_with_one_bad_score_keeps_the_comment_and_the_good_score_and_names_the_bad_field(scene):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    assert _autosave(client, scene, {str(message.pk): "3"}).status_code == 200
    response = _autosave(
        client, scene, {str(message.pk): "6", str(craft.pk): "13.5"}, private_comment="Juste et fort.", team_feedback=""
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert body["error"] == "out_of_scale"
    assert body["fields"] == {f"score_{message.pk}": "The score must be a whole number from 1 to 5."}
    assert body["message"] == f"Draft saved at {body['saved_at']}, except the marked scores: Message."
    # The good score and the comment are in; the refused one leaves the score saved before as it was.
    assert _saved(scene) == {message.pk: "3.00", craft.pk: "13.50"}
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.private_comment) == ("draft", "Juste et fort.")


def test_autosave_names_a_field_that_is_not_a_number_and_says_the_step_when_it_is_not_one(scene):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    response = _autosave(client, scene, {str(message.pk): "?", str(craft.pk): "13.25"}, private_comment="Bien.")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"score_{message.pk}": "Enter a number.",
        f"score_{craft.pk}": "The score must be from 0 to 20, in steps of 0.5.",
    }
    assert _saved(scene) == {}
    assert Review.objects.get(assignment=scene.assignment).private_comment == "Bien."


def test_autosave_of_valid_scores_answers_with_the_time_and_no_field(scene):
    response = _autosave(client_for(scene.juror), scene, {str(scene.criteria[0].pk): "4"})
    body = response.json()
    assert (response.status_code, body["ok"], body["fields"]) == (200, True, {})
    assert body["message"] == f"Draft saved at {body['saved_at']}."


def test_submitting_with_a_bad_score_marks_that_field_beside_it(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    response = _submit(client, scene, message="6")
    assert response.status_code == 400
    html = response.content.decode()
    message = scene.criteria[0]
    assert re.search(rf'id="score_{message.pk}"[^>]*aria-invalid="true"', html, re.S)
    assert (
        f'<p class="errorlist field-error" id="error_{message.pk}" data-error-for="score_{message.pk}">'
        "The score must be a whole number from 1 to 5.</p>"
    ) in html
    assert "Correct the marked scores: Message." in html
    craft = scene.criteria[1]
    assert (
        f'<p class="errorlist field-error" id="error_{craft.pk}" data-error-for="score_{craft.pk}" hidden></p>' in html
    )


def test_after_a_reload_scores_read_as_their_step_and_the_watched_share_is_shown(scene, proxy_provider):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    _autosave(client, scene, {str(message.pk): "4", str(craft.pk): "13.5"})
    _watch(client, scene, 40)
    html = client.get(entry_url(scene)).content.decode()
    assert re.search(rf'id="score_{message.pk}".*?value="4"', html, re.S)
    assert re.search(rf'id="score_{craft.pk}".*?value="13.5"', html, re.S)
    assert "4.00" not in html and "13.50" not in html
    assert '<p class="helptext" id="watched-status" aria-live="polite">Watched: 42 %</p>' in html


def test_the_score_label_names_the_step_only_when_it_is_not_one(scene):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    message, craft = scene.criteria
    assert f'<label for="score_{message.pk}">Score from 1 to 5</label>' in html
    assert f'<label for="score_{craft.pk}">Score from 0 to 20, in steps of 0.5</label>' in html
    assert "(step" not in html


def test_scores_and_scales_use_the_french_decimal_comma_in_french():
    from django.utils import translation

    from judging.models import format_score, score_input_value

    with translation.override("fr"):
        assert [format_score(value) for value in ("4.00", "13.50", "0.5", "20")] == ["4", "13,5", "0,5", "20"]
        assert score_input_value("13.50") == "13.5"  # a number input's value keeps its dot
