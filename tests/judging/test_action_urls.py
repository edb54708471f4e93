"""Each judging action has its own URL: the pages answer GET only, and a POST naming an action there changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from contest.models import ContestRole
from judging.models import Assignment, Conflict, ContentOptOut, Criterion, Review, Round, Score, Shortlist
from tests.factories import ContestRoleFactory

from .factories import RoundFactory, seated_juror, submitted_entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "page, action",
    [
        ("judging_dashboard", "round"),
        ("judging_dashboard", "conflict"),
        ("judging_round", "criterion"),
        ("judging_round", "seat_all"),
        ("judging_round", "assign"),
        ("judging_results", "shortlist"),
        ("judging_awards", "record"),
    ],
)
def test_an_organiser_page_answers_405_to_a_post_naming_an_action(page, action):
    round = RoundFactory(jurors_per_entry=1)
    seated_juror(round)
    submitted_entry(round.contest)
    organiser = ContestRoleFactory(contest=round.contest, role=ContestRole.Role.ORGANISER).user
    client = Client()
    client.force_login(organiser)
    kwargs = {"contest_slug": round.contest.slug}
    if page in ("judging_round", "judging_results"):
        kwargs["round_id"] = round.pk
    data = {
        "action": action,
        "round-name_fr": "Finale",
        "criterion-name_fr": "Jeu",
        "top": "1",
    }
    response = client.post(reverse(page, kwargs=kwargs), data)
    assert response.status_code == 405
    assert Round.objects.filter(contest=round.contest).count() == 1
    assert not Criterion.objects.exists()
    assert not Assignment.objects.exists()
    assert not Shortlist.objects.exists()
    assert client.get(reverse(page, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("action", ["institution", "opt_out"])
def test_the_jurors_conflicts_page_answers_405_to_a_post_naming_an_action(action):
    round = RoundFactory()
    juror = seated_juror(round)
    client = Client()
    client.force_login(juror)
    url = reverse("jury_conflicts", kwargs={"contest_slug": round.contest.slug})
    assert client.post(url, {"action": action}).status_code == 405
    assert not Conflict.objects.exists() and not ContentOptOut.objects.exists()


def test_the_jurors_entry_page_answers_405_to_a_post_of_scores(scene):
    client = Client()
    client.force_login(scene.juror)
    url = reverse(
        "jury_entry", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, "code": scene.entry.code}
    )
    scores = {f"score_{criterion.pk}": "3" for criterion in scene.criteria}
    assert client.post(url, {**scores, "confirm_unwatched": "1"}).status_code == 405
    assert not Review.objects.exists() and not Score.objects.exists()
    submit = reverse(
        "jury_submit", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, "code": scene.entry.code}
    )
    assert f'<form method="post" action="{submit}" class="card" id="score-form"' in client.get(url).content.decode()
