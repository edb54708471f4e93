"""Login throttling and lockout (django-axes), password rules, session expiry, reset links that expire."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from contest.invitations import invite
from tests.factories import PASSWORD, UserFactory, team_with_member

pytestmark = pytest.mark.django_db

LOCKOUT_EN = (
    "Too many failed attempts: logging in to this account from here is paused for 15 minutes. "
    "Wait, then try again, or reset your password."
)


def _log_in(client, email, password, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account_from_that_address_with_a_message(client):
    UserFactory(email="juror@example.org")
    for _ in range(4):
        response = _log_in(client, "juror@example.org", "wrong-password")
        assert response.status_code == 200
        assert (
            "This email address and password do not match an account. Check both and try again."
            in response.content.decode()
        )
    fifth = _log_in(client, "JUROR@example.org ", "wrong-password")  # case and spaces count as the same account
    assert fifth.status_code == 429
    assert LOCKOUT_EN in fifth.content.decode()
    right_password = _log_in(client, "juror@example.org", PASSWORD)
    assert right_password.status_code == 429
    assert LOCKOUT_EN in right_password.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_in_french_by_default(client, settings):
    settings.LANGUAGE_CODE = "fr"
    UserFactory(email="equipe@example.org")
    for _ in range(5):
        response = _log_in(client, "equipe@example.org", "mauvais", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 429
    assert 'role="alert"' in response.content.decode()
    assert 'aria-describedby="login-error"' in response.content.decode()


def test_a_lockout_ends_after_the_cool_off_and_touches_neither_other_accounts_nor_other_addresses(client, time_machine):
    UserFactory(email="locked@example.org")
    UserFactory(email="other@example.org")
    time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
    for _ in range(5):
        _log_in(client, "locked@example.org", "wrong-password")
    assert _log_in(client, "locked@example.org", PASSWORD).status_code == 429
    assert _log_in(client, "other@example.org", PASSWORD).status_code == 302
    client.logout()
    assert _log_in(client, "locked@example.org", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302
    client.logout()
    time_machine.move_to("2026-03-01 10:14:59+00:00", tick=False)
    assert _log_in(client, "locked@example.org", PASSWORD).status_code == 429
    time_machine.move_to("2026-03-01 10:15:01+00:00", tick=False)
    assert _log_in(client, "locked@example.org", PASSWORD).status_code == 302


def test_a_success_resets_the_count_of_failures(client):
    UserFactory(email="forgetful@example.org")
    for _ in range(4):
        _log_in(client, "forgetful@example.org", "wrong-password")
    assert _log_in(client, "forgetful@example.org", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _log_in(client, "forgetful@example.org", "wrong-password").status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short. It must contain at least 10 characters."),
        ("password1234", "This password is too common."),
        ("4815162342108", "This password is entirely numeric."),
        ("new.member.example", "The password is too similar to the email."),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_they_break(client, password, message):
    team, captain = team_with_member()
    _, token = invite(contest=team.contest, email="new.member@example.org", kind="team_member", team=team, by=captain)
    response = client.post(
        reverse("accept_invitation", kwargs={"token": token}), {"full_name": "Alex", "password": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not team.memberships.filter(user__email="new.member@example.org").exists()


def test_a_session_expires_after_session_cookie_age(client, settings, time_machine):
    time_machine.move_to("2026-03-01 08:00:00+00:00", tick=False)
    team, captain = team_with_member()
    dashboard = reverse("team_dashboard", kwargs={"contest_slug": team.contest.slug})
    assert _log_in(client, captain.email, PASSWORD).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    time_machine.move_to("2026-03-01 19:59:59+00:00", tick=False)
    assert client.get(dashboard).status_code == 200
    time_machine.move_to("2026-03-01 20:00:01+00:00", tick=False)
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_password_reset_link_expires_after_an_hour_and_works_once(client, time_machine):
    time_machine.move_to("2026-03-01 08:00:00+00:00", tick=False)
    UserFactory(email="reset@example.org")
    client.post(reverse("password_reset"), {"email": "reset@example.org"})
    path = re.search(r"http://[^\s]+(/accounts/reset/[^\s]+/)", mail.outbox[0].body).group(1)
    invalid = "This link was already used or has expired. Ask for a new one."
    time_machine.move_to("2026-03-01 09:00:01+00:00", tick=False)
    assert invalid in client.get(path, follow=True).content.decode()
    time_machine.move_to("2026-03-01 08:59:59+00:00", tick=False)
    form_page = client.get(path, follow=True)
    assert invalid not in form_page.content.decode()
    new_password = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    assert client.post(form_page.redirect_chain[-1][0], new_password).status_code == 302
    assert invalid in client.get(path, follow=True).content.decode()


def test_the_admin_login_is_the_sites_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"


def test_wrong_passwords_and_lockouts_do_not_reveal_whether_an_account_exists(client):
    for _ in range(5):
        response = _log_in(client, "nobody@example.org", "wrong-password")
    assert response.status_code == 429
    assert LOCKOUT_EN in response.content.decode()


def test_a_forged_forwarded_for_header_does_not_give_fresh_attempts(client):
    UserFactory(email="target@example.org")
    for number in range(5):
        _log_in(client, "target@example.org", "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = _log_in(client, "target@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_an_invitation_works_until_its_last_second_and_only_once(client, time_machine):
    time_machine.move_to("2026-03-01 08:00:00+00:00", tick=False)
    team, captain = team_with_member()
    invitation, token = invite(contest=team.contest, email="new@example.org", kind="team_member", team=team, by=captain)
    url = reverse("accept_invitation", kwargs={"token": token})
    assert invitation.expires_at.isoformat() == "2026-03-15T08:00:00+00:00"  # INVITATION_TTL_DAYS = 14
    time_machine.move_to("2026-03-15 07:59:59+00:00", tick=False)
    assert client.get(url).status_code == 200
    assert client.post(url, {"full_name": "Alex", "password": "a-long-enough-passphrase"}).status_code == 302
    client.logout()
    assert client.get(url).status_code == 404
    time_machine.move_to("2026-03-15 08:00:01+00:00", tick=False)
    _, late_token = invite(contest=team.contest, email="late@example.org", kind="team_member", team=team, by=captain)
    time_machine.move_to("2026-03-29 08:00:02+00:00", tick=False)
    assert client.get(reverse("accept_invitation", kwargs={"token": late_token})).status_code == 404


def test_a_wrong_password_is_told_in_french_without_grammar_built_from_the_field_name(client, settings):
    settings.LANGUAGE_CODE = "fr"
    UserFactory(email="equipe@example.org")
    response = _log_in(client, "equipe@example.org", "mauvais", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte. Vérifiez-les et réessayez." in page
    assert "Saisissez un adresse" not in page
