import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from contest.demo import DEMO_PASSWORD, load_demo
from contest.models import Contest, Entry, Team

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotently_with_the_fixed_logins():
    load_demo()
    load_demo()
    contest = Contest.objects.get(slug="action-vss")
    assert contest.title_fr == "ACTION contre les VSS"
    assert Team.objects.filter(contest=contest).count() == 4
    assert contest.teams.values("institution").distinct().count() == 3
    emails = {f"team{n}@example.org" for n in range(1, 5)} | {f"juror{n}@example.org" for n in range(1, 4)}
    emails.add("organiser@example.org")
    for email in emails:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert Entry.objects.get(title="Sans voix").status == "submitted"
    assert set(Entry.objects.values_list("status", flat=True)) == {"draft", "submitted", "withdrawn"}


def test_demo_refuses_to_load_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()
