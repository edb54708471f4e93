"""The demo data of `make run` puts « Sans voix » in the seed case: the first prize announced publicly at once, the
film shown to the jury and the community only, a public showing scheduled (15 March, 09:00 Paris time)."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.services import load_demo
from media_pipeline.demo import process_now
from media_pipeline.selectors import current_film
from releases.demo import CITATION_EN, PRIZE, TEMPLATE, TITLE, public_showing_at
from releases.models import Release, ReleaseTemplate, Target

pytestmark = pytest.mark.django_db


def _client(email=None):
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_puts_sans_voix_in_the_seed_case():
    contest = load_demo()
    release = Release.objects.get(entry__title=TITLE, contest=contest)
    process_now(current_film(release.entry).pk)  # what the worker of `make run` does soon after load_demo
    steps = list(release.steps.filter(cancelled_at__isnull=True).order_by("target", "at"))
    assert [(step.target, step.audiences) for step in steps] == [
        (Target.ANNOUNCEMENT, ["team", "organisers", "jury", "community", "public"]),
        (Target.FILM, ["team", "organisers", "jury", "community"]),
        (Target.FILM, ["team", "organisers", "jury", "community", "link", "public"]),
    ]
    public_at = steps[-1].at
    local = timezone.localtime(public_at, contest.tzinfo)
    assert (local.month, local.day, local.hour, local.minute, local.second) == (3, 15, 9, 0, 0)
    assert public_at == public_showing_at(contest, steps[0].at) > timezone.now()
    assert all(step.approved_at for step in steps if step.needs_approval)
    kwargs = {"contest_slug": contest.slug, "public_id": release.entry.public_id}

    # Now: the award is public, the film is not, and the anonymous visitor has no way to play it.
    palmares = _client().get(reverse("releases:palmares", kwargs={"contest_slug": contest.slug})).content.decode()
    assert TITLE in palmares and "First prize" in palmares and CITATION_EN in palmares
    page = _client().get(reverse("releases:announcement", kwargs=kwargs)).content.decode()
    assert "<video" not in page and "/media/" not in page
    assert _client().get(reverse("releases:film", kwargs=kwargs)).status_code == 404
    assert _client().get(reverse("releases:film_media", kwargs=kwargs)).status_code == 404
    for email in ("juror1@example.org", "team1@example.org", "team3@example.org", "organiser@example.org"):
        assert _client(email).get(reverse("releases:film", kwargs=kwargs)).status_code == 200, email

    # One second after the public step, without any worker: the film plays for everyone.
    with time_machine.travel(datetime.fromtimestamp(public_at.timestamp() + 1, tz=public_at.tzinfo), tick=False):
        response = _client().get(reverse("releases:film", kwargs=kwargs))
        assert response.status_code == 200 and "<video" in response.content.decode()
        assert _client().get(reverse("releases:film_media", kwargs=kwargs)).status_code == 302
    with time_machine.travel(datetime.fromtimestamp(public_at.timestamp() - 1, tz=public_at.tzinfo), tick=False):
        assert _client().get(reverse("releases:film", kwargs=kwargs)).status_code == 404

    # Loading the demo again changes nothing.
    load_demo()
    assert release.steps.count() == 3
    assert [(award.prize.name_fr, award.citation_en) for award in release.entry.awards.all()] == [(PRIZE, CITATION_EN)]


def test_the_demo_holds_the_schools_usual_release_plan_as_a_template_once():
    contest = load_demo()
    load_demo()
    [template] = ReleaseTemplate.objects.filter(contest=contest)
    assert template.name == TEMPLATE
    assert [(step.target, step.days, step.hours, step.audiences) for step in template.steps.all()] == [
        (Target.ANNOUNCEMENT, 0, 0, ["team", "jury", "community", "public"]),
        (Target.FILM, 7, 0, ["team", "jury", "community"]),
    ]
