"""A team withdraws its entry through the confirmation page, then an organiser reinstates it: links and buttons only
after the login page, at desktop and phone sizes, in French (tests/browser/journey.py)."""

import pytest

from contest.models import ContestRole, Entry
from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(journey, email):
    page = journey.page
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "palmares-test-password")
    journey.submit(page.locator("main form button[type=submit]"), step=f"login {email.split('@')[0]}")


def test_a_team_withdraws_through_the_confirmation_and_an_organiser_reinstates(journey):
    entry = ready_entry(title="Sans voix", status="submitted")
    captain = UserFactory(email="camille@example.org", preferred_language="fr")
    TeamMemberFactory(team=entry.team, user=captain, role="captain")
    organiser = UserFactory(email="orga@example.org", preferred_language="fr")
    ContestRoleFactory(contest=entry.contest, user=organiser, role=ContestRole.Role.ORGANISER)
    page = journey.page

    journey.open("/accounts/login/")
    _log_in(journey, captain.email)  # the team's dashboard
    journey.follow("Sans voix")
    danger = page.locator("section.danger-zone")
    assert danger.count() == 1
    assert page.locator("form[action$='/withdraw/']").count() == 0  # no button withdraws in one click
    journey.submit(danger.locator("a.button.danger"), step="withdraw, confirmation page")
    assert "Sans voix" in page.locator("h1").inner_text()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED  # the confirmation page changes nothing
    journey.submit(page.locator("main form button.danger"), step="withdrawn")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    assert page.locator("h1 .status-withdrawn").count() == 1

    journey.submit(page.locator("header form button.link"), step="logout")
    journey.follow("Se connecter")
    _log_in(journey, organiser.email)  # the organiser's dashboard
    journey.follow("Sans voix")
    journey.submit(page.locator("a[href$='/reinstate/confirm/']"), step="reinstate, confirmation page")
    journey.submit(page.locator("main form button.primary"), step="reinstated")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.SUBMITTED  # as it was before the withdrawal
    assert page.locator("h1 .status-submitted").count() == 1
