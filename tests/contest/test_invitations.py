import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from contest.invitations import invite
from contest.models import ContestRole, Invitation, TeamMember
from tests.factories import ContestRoleFactory, UserFactory, team_with_member

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://[^\s]+/accounts/invitations/[^\s]+/", message.body).group(0)


def test_a_team_invites_a_member_who_creates_an_account_from_the_emailed_link(
    client, django_capture_on_commit_callbacks
):
    team, captain = team_with_member()
    client.force_login(captain)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("team_invite", kwargs={"contest_slug": team.contest.slug, "team_id": team.pk}),
            {"email": "New.Member@Example.org"},
        )
    assert [message.to for message in mail.outbox] == [["new.member@example.org"]]
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client.logout()
    response = client.post(path, {"full_name": "Alex Nouveau", "password": "a-long-enough-passphrase"})
    assert response.status_code == 302
    user = User.objects.get(email="new.member@example.org")
    assert TeamMember.objects.filter(team=team, user=user, role="member").exists()
    assert Invitation.objects.get(email="new.member@example.org").accepted_by == user
    assert client.get(path).status_code == 404  # single use


def test_an_organiser_invites_a_juror_who_accepts_while_logged_in(client, django_capture_on_commit_callbacks):
    organiser = ContestRoleFactory().user
    contest = organiser.contest_roles.get().contest
    juror = UserFactory(email="juror@example.org")
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organiser_invite_juror", kwargs={"contest_slug": contest.slug}), {"email": juror.email})
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client.force_login(juror)
    client.post(path)
    assert ContestRole.objects.filter(contest=contest, user=juror, role="juror").exists()


def test_an_invitation_cannot_be_accepted_by_another_account(client):
    team, captain = team_with_member()
    _, token = invite(contest=team.contest, email="someone@example.org", kind="team_member", team=team, by=captain)
    intruder = UserFactory()
    client.force_login(intruder)
    response = client.post(reverse("accept_invitation", kwargs={"token": token}), follow=True)
    assert "This invitation is for someone@example.org." in response.content.decode()
    assert not TeamMember.objects.filter(team=team, user=intruder).exists()


def test_an_expired_or_unknown_invitation_answers_404(client, time_machine):
    team, captain = team_with_member()
    _, token = invite(contest=team.contest, email="late@example.org", kind="team_member", team=team, by=captain)
    assert client.get(reverse("accept_invitation", kwargs={"token": "not-a-token"})).status_code == 404
    time_machine.move_to(Invitation.objects.get().expires_at + timedelta(seconds=1))
    assert client.get(reverse("accept_invitation", kwargs={"token": token})).status_code == 404


def test_only_the_tokens_hash_is_stored():
    team, captain = team_with_member()
    _, token = invite(contest=team.contest, email="x@example.org", kind="team_member", team=team, by=captain)
    assert token not in Invitation.objects.get().token_hash


def test_login_form_takes_the_email_as_username_case_insensitively(client):
    UserFactory(email="team1@example.org")
    response = client.post(reverse("login"), {"username": "TEAM1@example.org", "password": "palmares-test-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="team1@example.org")
    response = client.post(reverse("login"), {"username": "team1@example.org", "password": "nope"})
    assert response.status_code == 200
    assert (
        "This email address and password do not match an account. Check both and try again."
        in response.content.decode()
    )


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="forgetful@example.org")
    client.post(reverse("password_reset"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0]
    client.post(form_path, {"new_password1": "une-phrase-secrete-2026", "new_password2": "une-phrase-secrete-2026"})
    user.refresh_from_db()
    assert user.check_password("une-phrase-secrete-2026")


def test_the_invitation_mail_names_the_team_as_typed(django_capture_on_commit_callbacks):
    team, captain = team_with_member(name="L'Atelier & « Co »", contest__title_en="Voices & Screens")
    with django_capture_on_commit_callbacks(execute=True):
        invite(contest=team.contest, email="new@example.org", kind="team_member", team=team, by=captain, language="en")
    [message] = mail.outbox
    assert message.subject == "Invitation to Voices & Screens"
    assert "You are invited to join the team “L'Atelier & « Co »” in Voices & Screens." in message.body


def test_only_organisers_invite_jurors_and_only_members_invite_into_their_team(client):
    team, captain = team_with_member()
    other_team, other_captain = team_with_member(contest=team.contest)
    juror = ContestRoleFactory(contest=team.contest, role="juror").user
    juror_invite = reverse("organiser_invite_juror", kwargs={"contest_slug": team.contest.slug})
    team_invite = reverse("team_invite", kwargs={"contest_slug": team.contest.slug, "team_id": team.pk})
    for user in (captain, juror, UserFactory()):
        client.force_login(user)
        assert client.post(juror_invite, {"email": "sneaky@example.org"}).status_code == 404
    for user in (other_captain, juror, UserFactory()):
        client.force_login(user)
        assert client.post(team_invite, {"email": "sneaky@example.org"}).status_code == 404
    assert not Invitation.objects.exists()
    assert not mail.outbox
