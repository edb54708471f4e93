import io

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.models import User
from contest.demo import DEMO_PASSWORD, load_demo
from contest.models import Contest, Entry, Team

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
    assert first_output.getvalue() == second_output.getvalue()
    lines = first_output.getvalue().splitlines()
    assert lines[1:] == [
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
