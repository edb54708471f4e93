import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contest.demo import load_demo
from judging.demo import load_judging_demo
from judging.models import Assignment, Review, Round, Score, Shortlist

pytestmark = pytest.mark.django_db


def counts():
    return (
        Round.objects.count(),
        Assignment.objects.count(),
        Review.objects.count(),
        Score.objects.count(),
        Shortlist.objects.count(),
    )


def test_demo_gives_juror1_a_queue_in_the_open_final_and_loads_once():
    contest = load_demo()
    load_judging_demo(contest)
    first = counts()
    load_judging_demo(contest)
    assert counts() == first
    preselection, final = Round.objects.filter(contest=contest).order_by("order")
    assert not preselection.is_open() and final.is_open()
    assert Review.objects.filter(assignment__round=preselection, status="submitted").count() == 8
    assert Review.objects.filter(assignment__round=final, status="submitted").count() == 1
    client = Client()
    client.force_login(User.objects.get(email="juror1@example.org"))
    response = client.get(reverse("jury_home", kwargs={"contest_slug": contest.slug}), follow=True)
    html = response.content.decode()
    assert "0 of 3 reviews submitted" in html
    assert "Sans voix" in html
