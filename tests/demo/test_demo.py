import io

import av
import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contest.demo import DEMO_PASSWORD
from contest.models import Contest, Entry, Team
from contest.selectors import rules_in_words
from demo.services import load_demo
from judging.models import Award, Round
from media_pipeline.demo import process_now
from media_pipeline.selectors import current_film

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_load_demo_twice_changes_no_row_of_any_model_and_prints_the_logins():
    first_output, second_output = io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=first_output)
    after_first = _counts()
    call_command("load_demo", stdout=second_output)
    assert _counts() == after_first
    assert after_first["contest.Entry"] == 5 and after_first["accounts.User"] == 8
    lines = first_output.getvalue().splitlines()
    # One line per mail the first load sends (the second sends none), never the mail itself.
    mails = [line for line in lines if line.startswith("Mail to ")]
    assert all(line.startswith("Mail to team") for line in mails), mails  # sent on commit: none inside a test
    assert not [line for line in lines if line.startswith(("Subject:", "To:", "Content-Type:", "MIME-Version:"))]
    assert [line for line in lines if line not in mails] == second_output.getvalue().splitlines()
    assert lines[1 + len(mails) :] == [
        "Demo logins (password for all: palmares-demo):",
        "  organiser@example.org    organiser",
        "  juror1@example.org       juror",
        "  juror2@example.org       juror",
        "  juror3@example.org       juror",
        "  team1@example.org        team « Les Voix du Lycée »",
        "  team2@example.org        team « Plan Séquence »",
        "  team3@example.org        team « Contrechamp »",
        "  team4@example.org        team « Atelier 24 images »",
    ]


def test_demo_has_the_fixed_logins_institutions_and_states(client):
    load_demo()
    contest = Contest.objects.get(slug="action-vss")
    assert contest.title_fr == "ACTION contre les VSS"
    assert Team.objects.filter(contest=contest).count() == 4
    assert contest.teams.values("institution").distinct().count() == 3
    emails = {f"team{n}@example.org" for n in range(1, 5)} | {f"juror{n}@example.org" for n in range(1, 4)}
    emails.add("organiser@example.org")
    assert set(User.objects.values_list("email", flat=True)) == emails
    for email in sorted(emails):  # through the login form, as a visitor would
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert (email, response.status_code) == (email, 302)
        client.logout()
    assert Entry.objects.get(title="Sans voix").status == "submitted"
    assert set(Entry.objects.values_list("status", flat=True)) == {"draft", "submitted", "withdrawn"}


def test_demo_refuses_to_load_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()


def test_the_demo_tells_one_story_films_of_one_to_fifteen_minutes_judged_awarded_and_announced(client):
    contest = load_demo()
    now = timezone.now()
    assert "Films de 1 à 15 minutes." in contest.description_fr
    assert (contest.min_duration_s, contest.max_duration_s) == (60, 900)
    assert rules_in_words(contest)[0] == "Films last from 1 min to 15 min."
    assert contest.closes_at < now and not contest.registration_is_open()
    rounds = list(Round.objects.filter(contest=contest))
    assert len(rounds) == 2 and not any(round.is_open() for round in rounds)
    assert sorted(Award.objects.filter(contest=contest).values_list("prize__name_fr", "entry__title")) == [
        ("Premier prix", "Sans voix"),
        ("Prix du public", "Le Silence des couloirs"),
    ]
    runtimes = {}
    for entry in Entry.objects.filter(contest=contest, status="submitted"):
        film = current_film(entry)
        with default_storage.open(film.key) as file, av.open(file) as container:
            runtimes[entry.title] = (entry.runtime_s, round(container.duration / av.time_base))
    assert runtimes == {"Sans voix": (60, 60), "Le Silence des couloirs": (70, 70), "Derrière l'écran": (80, 80)}

    # The films wait for the worker `make run` starts; the real pipeline accepts them under the contest's rule.
    film = current_film(Entry.objects.get(title="Le Silence des couloirs"))
    assert film.state == "received"
    assert process_now(film.pk) == "ready"
    assert Entry.objects.get(title="Le Silence des couloirs").film_accepted


def test_an_anonymous_visitor_finds_the_palmares_and_plays_only_the_public_film(client):
    contest = load_demo()
    public = Entry.objects.get(title="Le Silence des couloirs")
    process_now(current_film(public).pk)
    slug = {"contest_slug": contest.slug}
    page = client.get(reverse("contest_detail", kwargs=slug)).content.decode()
    assert f'href="/palmares/{contest.slug}/"' in page and f'href="/palmares/{contest.slug}/films/"' in page
    palmares = client.get(reverse("releases:palmares", kwargs=slug)).content.decode()
    assert "Sans voix" in palmares and "Le Silence des couloirs" in palmares
    films = client.get(reverse("releases:film_list", kwargs=slug)).content.decode()
    assert "Le Silence des couloirs" in films and "Sans voix" not in films  # « Sans voix »: the community only
    watch = reverse("releases:film", kwargs={**slug, "public_id": public.public_id})
    assert "<video" in client.get(watch).content.decode()
    sans_voix = Entry.objects.get(title="Sans voix")
    assert client.get(reverse("releases:film", kwargs={**slug, "public_id": sans_voix.public_id})).status_code == 404
