"""Optional TOTP two-factor authentication for organisers (django-otp): enrol with a QR code or the secret, then
every login asks for a code."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from contest.models import AuditEvent
from tests.factories import PASSWORD, ContestRoleFactory, UserFactory, team_with_member

pytestmark = pytest.mark.django_db

START = "2026-03-01 10:00:00+00:00"


def _code(device, at_offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + at_offset
    return f"{totp.token():06d}"


def _enrolled_organiser(client, time_machine):
    time_machine.move_to(START, tick=False)
    role = ContestRoleFactory()
    client.force_login(role.user)
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=role.user)
    response = client.post(reverse("two_factor_confirm"), {"token": _code(device)}, follow=True)
    assert "Two-factor authentication is on: each login now asks for a code." in response.content.decode()
    client.logout()
    role.user.refresh_from_db()  # turning two-factor on raised sessions_epoch: force_login needs the current row
    time_machine.move_to("2026-03-01 10:01:00+00:00", tick=False)  # a code is accepted once: use the next one
    return role, TOTPDevice.objects.get(user=role.user)


def test_an_organiser_enrols_with_a_qr_code_and_the_secret_key(client):
    role = ContestRoleFactory()
    client.force_login(role.user)
    page = client.get(reverse("two_factor")).content.decode()
    assert "Off. Organisers hold personal data" in page
    client.post(reverse("two_factor_start"))
    page = client.get(reverse("two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=role.user, confirmed=False)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert "data:image/svg+xml" in page
    assert 'alt="QR code of the secret key for your authenticator app"' in page
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert f'<form method="post" action="{reverse("two_factor_confirm")}" novalidate>' in page


def test_a_wrong_code_does_not_turn_two_factor_on(client):
    role = ContestRoleFactory()
    client.force_login(role.user)
    client.post(reverse("two_factor_start"))
    response = client.post(reverse("two_factor_confirm"), {"token": "000000"})
    assert "This code is not the one the app shows now. Check the app&#x27;s clock." in response.content.decode()
    assert 'aria-describedby="id_token_error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=role.user, confirmed=True).exists()


def test_an_organiser_with_two_factor_must_give_a_code_after_the_password(client, time_machine):
    role, device = _enrolled_organiser(client, time_machine)
    dashboard = reverse("organiser_dashboard", kwargs={"contest_slug": role.contest.slug})
    response = client.post(reverse("login"), {"username": role.user.email, "password": PASSWORD, "next": dashboard})
    assert response.url == reverse("login_two_factor")
    assert "_auth_user_id" not in client.session
    assert client.get(dashboard).status_code == 302  # not logged in yet
    wrong = client.post(reverse("login_two_factor"), {"token": "123456"})
    assert "This code is not the one your app shows now." in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    time_machine.move_to("2026-03-01 10:01:30+00:00", tick=False)  # past django-otp's back-off after a failure
    response = client.post(reverse("login_two_factor"), {"token": _code(device)})
    assert response.url == dashboard
    assert client.get(dashboard).status_code == 200
    assert [e.verb for e in AuditEvent.objects.filter(actor=role.user)] == ["two_factor_enabled"]


def test_the_code_step_expires_after_five_minutes(client, time_machine):
    role, device = _enrolled_organiser(client, time_machine)
    client.post(reverse("login"), {"username": role.user.email, "password": PASSWORD})
    time_machine.move_to("2026-03-01 10:06:01+00:00", tick=False)
    response = client.post(reverse("login_two_factor"), {"token": _code(device)}, follow=True)
    assert "Your login took too long or was not started" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_cannot_be_reached_without_the_password(client, time_machine):
    role, device = _enrolled_organiser(client, time_machine)
    response = client.post(reverse("login_two_factor"), {"token": _code(device)})
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_turning_two_factor_off_needs_a_current_code(client, time_machine):
    role, device = _enrolled_organiser(client, time_machine)
    client.force_login(role.user)
    refused = client.post(reverse("two_factor_remove"), {"token": "000000"})
    assert "This code is not the one the app shows now." in refused.content.decode()
    assert f'<form method="post" action="{reverse("two_factor_remove")}" novalidate>' in refused.content.decode()
    assert TOTPDevice.objects.filter(user=role.user).exists()
    time_machine.move_to("2026-03-01 10:02:00+00:00", tick=False)
    client.post(reverse("two_factor_remove"), {"token": _code(device)})
    assert not TOTPDevice.objects.filter(user=role.user).exists()
    client.logout()
    assert client.post(reverse("login"), {"username": role.user.email, "password": PASSWORD}).url == "/"


def test_people_without_two_factor_log_in_with_the_password_alone(client):
    _, captain = team_with_member()
    assert client.post(reverse("login"), {"username": captain.email, "password": PASSWORD}).url == "/"


@pytest.mark.parametrize("who", ["team member", "juror-less user"])
def test_the_two_factor_page_is_hidden_from_people_who_are_not_organisers(client, who):
    user = team_with_member()[1] if who == "team member" else UserFactory()
    client.force_login(user)
    assert client.get(reverse("two_factor")).status_code == 404
    assert client.post(reverse("two_factor_start")).status_code == 404
    assert client.post(reverse("two_factor_confirm"), {"token": "000000"}).status_code == 404
    assert client.post(reverse("two_factor_remove"), {"token": "000000"}).status_code == 404
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("action", ["start", "confirm", "remove"])
def test_the_two_factor_page_answers_405_to_a_post_naming_an_action(client, action):
    role = ContestRoleFactory()
    client.force_login(role.user)
    assert client.post(reverse("two_factor"), {"action": action, "token": "000000"}).status_code == 405
    assert not TOTPDevice.objects.exists()
    assert (
        f'<form method="post" action="{reverse("two_factor_start")}">'
        in client.get(reverse("two_factor")).content.decode()
    )


def _password_step(user):
    """Another browser, past the login form's password step."""
    from django.test import Client

    other = Client()
    assert other.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code == 302
    return other


def _logged_in_client(user):
    other = _password_step(user)
    assert "_auth_user_id" in other.session
    return other


def test_turning_two_factor_on_ends_the_persons_other_sessions_and_keeps_this_one(client, time_machine):
    time_machine.move_to(START, tick=False)
    role = ContestRoleFactory()
    dashboard = reverse("organiser_dashboard", kwargs={"contest_slug": role.contest.slug})
    laptop, stolen = _logged_in_client(role.user), _logged_in_client(role.user)
    assert stolen.get(dashboard).status_code == 200
    laptop.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=role.user)
    response = laptop.post(reverse("two_factor_confirm"), {"token": _code(device)})
    assert response.status_code == 302
    assert laptop.get(dashboard).status_code == 200
    response = stolen.get(dashboard)
    assert (response.status_code, response.url) == (302, f"{reverse('login')}?next={dashboard}")
    assert "_auth_user_id" not in stolen.session


def test_turning_two_factor_off_ends_the_persons_other_sessions_and_keeps_this_one(client, time_machine):
    role, device = _enrolled_organiser(client, time_machine)
    dashboard = reverse("organiser_dashboard", kwargs={"contest_slug": role.contest.slug})
    laptop, phone = _password_step(role.user), _password_step(role.user)
    for each, at in ((laptop, "10:01:10"), (phone, "10:02:10")):  # a code is accepted once: one per 30 s step
        time_machine.move_to(f"2026-03-01 {at}+00:00", tick=False)
        assert each.post(reverse("login_two_factor"), {"token": _code(device)}).status_code == 302
        assert each.get(dashboard).status_code == 200
    time_machine.move_to("2026-03-01 10:03:00+00:00", tick=False)
    assert laptop.post(reverse("two_factor_remove"), {"token": _code(device)}).status_code == 302
    assert laptop.get(dashboard).status_code == 200
    assert phone.get(dashboard).status_code == 302
