"""Self-registration: community access is earned, not claimed. A stranger who registers a team (any institution
picked from the list) counts for their own entries only, until an organiser approves the team or their verified
address is in one of the institution's domains; registration closes with the contest's window."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from contest.models import AuditEvent, Team
from tests.factories import InstitutionFactory, UserFactory
from tests.releases.world import T1, TITLE, build_world

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"


def _register(client, world, institution, *, email="stranger@example.net", team="Les Curieux"):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # the verification mail leaves on commit
        return client.post(
            reverse("register_team", kwargs={"contest_slug": world.contest.slug}),
            {
                "account-full_name": "Stranger",
                "account-email": email,
                "account-password": PASSWORD,
                "team-name": team,
                "team-institution": institution.pk,
            },
        )


def _film(client, world):
    return client.get(reverse("releases:film", kwargs=world.kwargs))


def _media(client, world):
    return client.get(reverse("releases:film_media", kwargs=world.kwargs))


def _verification_link(email: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [email] and "confirm" in m.subject.lower()]
    return re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", message.body).group(1)


@pytest.fixture
def world():
    world = build_world("seed")  # « Sans voix »: the film is shown to the jury and the community from T1
    world.institution = InstitutionFactory(name="Lycée Voltaire", email_domains="lycee-voltaire.fr, @ac-exemple.fr")
    world.contest.institutions.add(world.institution)
    return world


def test_a_stranger_who_registers_a_team_does_not_watch_the_community_film(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        stranger = Client()
        response = _register(stranger, world, world.institution)
        assert response.status_code == 302
        assert response["Location"] == reverse("team_dashboard", kwargs={"contest_slug": world.contest.slug})
        team = Team.objects.get(name="Les Curieux")
        assert team.approval == Team.Approval.PENDING
        assert _film(stranger, world).status_code == 404
        assert _media(stranger, world).status_code == 404
        # Confirming the address is not enough: an organiser has not vouched for the team.
        assert stranger.get(_verification_link("stranger@example.net")).status_code == 302
        assert User.objects.get(email="stranger@example.net").email_verified_at is not None
        response = _film(stranger, world)
        assert response.status_code == 404 and TITLE not in response.content.decode()
        assert _media(stranger, world).status_code == 404
        dashboard = stranger.get(reverse("team_dashboard", kwargs={"contest_slug": world.contest.slug}))
        assert "Your team waits for the organisers' approval." in dashboard.content.decode()


def test_an_approved_team_watches_the_community_film_once_its_member_confirmed_the_address(
    world, django_capture_on_commit_callbacks
):
    with time_machine.travel(world.at(T1, 1), tick=False):
        stranger = Client()
        _register(stranger, world, world.institution)
        team = Team.objects.get(name="Les Curieux")
        organiser = Client()
        organiser.force_login(world.users["organiser"])
        url = reverse("organiser_team_approve", kwargs={"contest_slug": world.contest.slug, "team_id": team.pk})
        with django_capture_on_commit_callbacks(execute=True):
            assert organiser.post(url).status_code == 302
        team.refresh_from_db()
        assert (team.approval, team.approval_decided_by) == (Team.Approval.APPROVED, world.users["organiser"])
        assert AuditEvent.objects.filter(verb="team_approved", data__team=team.pk).count() == 1
        assert [m.subject for m in mail.outbox if m.to == ["stranger@example.net"]][-1] == "Your team is approved"
        assert _film(stranger, world).status_code == 404  # the address is not confirmed yet
        stranger.get(_verification_link("stranger@example.net"))
        response = _film(stranger, world)
        assert response.status_code == 200 and "<video" in response.content.decode()


def test_an_address_in_the_institutions_domain_needs_no_approval_and_a_lookalike_domain_does(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        student = Client()
        _register(student, world, world.institution, email="lea@lycee-voltaire.fr", team="Voltaire 1")
        assert _film(student, world).status_code == 404  # not before the address is confirmed
        student.get(_verification_link("lea@lycee-voltaire.fr"))
        assert _film(student, world).status_code == 200

        other = Client()
        _register(other, world, world.institution, email="eve@ac-exemple.fr", team="Académie")
        other.get(_verification_link("eve@ac-exemple.fr"))
        assert _film(other, world).status_code == 200  # a domain listed with its @ counts too

        impostor = Client()
        _register(impostor, world, world.institution, email="eve@lycee-voltaire.fr.evil.example", team="Imposteurs")
        impostor.get(_verification_link("eve@lycee-voltaire.fr.evil.example"))
        assert _film(impostor, world).status_code == 404


def test_a_refused_team_is_told_why_and_stays_out_of_the_community(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        stranger = Client()
        _register(stranger, world, world.institution)
        stranger.get(_verification_link("stranger@example.net"))
        team = Team.objects.get(name="Les Curieux")
        organiser = Client()
        organiser.force_login(world.users["organiser"])
        url = reverse("organiser_team_refuse", kwargs={"contest_slug": world.contest.slug, "team_id": team.pk})
        organiser.post(url, {"reason": "  "})
        team.refresh_from_db()
        assert team.approval == Team.Approval.PENDING  # a refusal needs a reason
        organiser.post(url, {"reason": "Nobody at the school knows this team."})
        team.refresh_from_db()
        assert (team.approval, team.refusal_reason) == (Team.Approval.REFUSED, "Nobody at the school knows this team.")
        assert _film(stranger, world).status_code == 404
        dashboard = stranger.get(reverse("team_dashboard", kwargs={"contest_slug": world.contest.slug}))
        assert "Nobody at the school knows this team." in dashboard.content.decode()
        # Neither a team member nor a stranger can decide for the organisers.
        assert stranger.post(url.replace("refuse", "approve")).status_code == 404
        team.refresh_from_db()
        assert team.approval == Team.Approval.REFUSED


def test_registration_closes_with_the_window_and_an_organiser_can_reopen_it(world):
    closes_at = world.contest.closes_at
    register_url = reverse("register_team", kwargs={"contest_slug": world.contest.slug})
    with time_machine.travel(closes_at + timedelta(seconds=1), tick=False):
        stranger = Client()
        assert "Team registration closed on" in stranger.get(register_url).content.decode()
        response = _register(stranger, world, world.institution)
        assert response.status_code == 403
        assert not Team.objects.filter(name="Les Curieux").exists()
        assert not User.objects.filter(email="stranger@example.net").exists()

        organiser = Client()
        organiser.force_login(world.users["organiser"])
        until = (closes_at + timedelta(days=2)).astimezone(world.contest.tzinfo)
        organiser.post(
            reverse("organiser_reopen_registration", kwargs={"contest_slug": world.contest.slug}),
            {"until": until.strftime("%Y-%m-%dT%H:%M")},
        )
        world.contest.refresh_from_db()
        assert world.contest.registration_reopened_until == until.replace(second=0, microsecond=0)
        assert _register(stranger, world, world.institution).status_code == 302
        assert Team.objects.get(name="Les Curieux").approval == Team.Approval.PENDING


def test_registering_with_an_institution_outside_the_contest_is_refused(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        response = _register(Client(), world, InstitutionFactory(name="Ailleurs"))
        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
        assert not User.objects.filter(email="stranger@example.net").exists()


def test_an_invited_address_counts_only_once_its_owner_proved_it(world):
    """A stranger who signs up with the address an organiser invited into the community gets nothing from it."""
    from releases import services

    services.add_community_member(contest=world.contest, email="guest@example.net", by=world.users["organiser"])
    squatter = UserFactory(email="guest@example.net", email_verified_at=None)
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = Client()
        client.force_login(squatter)
        assert _film(client, world).status_code == 404
        squatter.email_verified_at = world.at(T1, 0)
        squatter.save()
        assert _film(client, world).status_code == 200  # the same address, once proved, is the invited person


def test_registration_attempts_from_one_address_are_limited(world, settings):
    settings.REGISTRATION_ATTEMPTS_PER_HOUR = 3
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = Client()
        taken = world.users["own_team"].email
        for _ in range(3):
            response = _register(client, world, world.institution, email=taken)
            assert "An account with this email exists" in response.content.decode()
        response = _register(client, world, world.institution, email=taken)
        assert response.status_code == 429
        assert "Too many registrations from this network" in response.content.decode()
        assert "An account with this email exists" not in response.content.decode()


def test_a_verification_link_that_was_altered_or_names_an_old_address_does_not_work(world):
    with time_machine.travel(world.at(T1, 1), tick=False):
        client = Client()
        _register(client, world, world.institution)
        link = _verification_link("stranger@example.net")
        assert client.get(link[:-3] + "xx/").status_code == 404
        User.objects.filter(email="stranger@example.net").update(email="changed@example.net")
        response = client.get(link)
        assert response.status_code == 404 and "This link is not valid any more." in response.content.decode()
        assert User.objects.get(email="changed@example.net").email_verified_at is None
