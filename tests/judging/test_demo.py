import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from demo.services import load_demo
from judging.demo import load_judging_demo
from judging.models import Assignment, Review, Round, Score, Shortlist
from judging.selectors import round_results
from releases.models import Release

pytestmark = pytest.mark.django_db


def counts():
    return (
        Round.objects.count(),
        Assignment.objects.count(),
        Review.objects.count(),
        Score.objects.count(),
        Shortlist.objects.count(),
    )


def test_demo_closes_both_rounds_before_the_announcement_and_loads_once():
    contest = load_demo()
    load_judging_demo(contest)
    first = counts()
    load_judging_demo(contest)
    assert counts() == first
    preselection, final = Round.objects.filter(contest=contest).order_by("order")
    assert not preselection.is_open() and not final.is_open()
    announced_at = Release.objects.get(contest=contest, entry__title="Sans voix").steps.order_by("at").first().at
    assert final.closes_at < announced_at  # a blind round still running would forbid naming the team
    assert Review.objects.filter(assignment__round=preselection, status="submitted").count() == 8
    final_reviews = Review.objects.filter(assignment__round=final)
    assert final_reviews.count() == Assignment.objects.filter(round=final).count() > 0
    assert set(final_reviews.values_list("status", flat=True)) == {"submitted"}
    assert round_results(round=final)["rows"][0]["entry"]["title"] == "Sans voix"  # the prize follows the ranking
    client = Client()
    client.force_login(User.objects.get(email="juror1@example.org"))
    home = client.get(reverse("jury_home", kwargs={"contest_slug": contest.slug}), follow=True).content.decode()
    queue_url = f"/c/{contest.slug}/jury/rounds/{final.pk}/"
    assert f'href="{queue_url}"' in home
    assert "3 of 3 reviews submitted" in client.get(queue_url).content.decode()
    palmares = Client().get(reverse("releases:palmares", kwargs={"contest_slug": contest.slug})).content.decode()
    assert "Sans voix" in palmares and "Les Voix du Lycée" in palmares
