"""Every person on screen decides each use of the film, at request time: a withdrawal or an end date narrows the
film (and its poster) at the next request, with nothing to run; the jury keeps what it was given."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse

from contest import services as contest_services
from contest.models import AuditEvent, ConsentUse
from releases.permissions import can_see

from .world import T2, TITLE, build_world

pytestmark = pytest.mark.django_db

EVERY_USE = {use: (True, None) for use in ConsentUse.values}


def _listed(world, name, *, minor=False, answers=EVERY_USE, guardian_answers=None):
    """A person on screen listed by the team, who answered `answers` at the world's start (and their guardian)."""
    person = contest_services.add_person_on_screen(
        entry=world.entry,
        by=world.users["own_team"],
        name=name,
        email=f"{name.lower()}@example.org",
        minor=minor,
        guardian_email=f"parent.{name.lower()}@example.org" if minor else "",
    )
    contest_services.record_consent(person=person, party="person", answers=answers, now=world.base)
    if guardian_answers is not None:
        contest_services.record_consent(person=person, party="guardian", answers=guardian_answers, now=world.base)
    return person


def _public_film(world) -> tuple[int, int, int]:
    """What an anonymous visitor gets: the film page, the film's address, the poster."""
    client = Client()
    return (
        client.get(reverse("releases:film", kwargs=world.kwargs)).status_code,
        client.get(reverse("releases:film_media", kwargs=world.kwargs)).status_code,
        client.get(reverse("releases:poster", kwargs=world.kwargs)).status_code,
    )


def test_one_person_withdrawing_the_public_use_hides_the_film_and_its_poster_from_the_public_a_second_later():
    world = build_world("seed")
    _listed(world, "Lea")
    yanis = _listed(world, "Yanis")
    withdrawal = world.at(T2, 3600)
    with time_machine.travel(withdrawal - timedelta(seconds=1), tick=False):
        assert _public_film(world) == (200, 302, 302)
    no_public = {**EVERY_USE, ConsentUse.PUBLIC: (False, None)}
    with time_machine.travel(withdrawal, tick=False):
        lost = contest_services.record_consent(person=yanis, party="person", answers=no_public)
    assert lost == {"public"}
    with time_machine.travel(withdrawal + timedelta(seconds=1), tick=False):
        assert _public_film(world) == (404, 404, 404)
        page = Client().get(reverse("releases:film", kwargs=world.kwargs)).content.decode()
        assert TITLE not in page
        # The announcement (the prize, words) stays; its image is the title card, never a still of the people.
        announcement = Client().get(reverse("releases:announcement", kwargs=world.kwargs)).content.decode()
        assert TITLE in announcement and reverse("releases:poster", kwargs=world.kwargs) not in announcement
        juror = Client()
        juror.force_login(world.users["juror"])
        assert juror.get(reverse("releases:film", kwargs=world.kwargs)).status_code == 200
        assert juror.get(reverse("releases:film_media", kwargs=world.kwargs)).status_code == 302
        assert can_see(world.users["community_member"], world.entry, "film")
        assert can_see(world.users["own_team"], world.entry, "film")
        assert not can_see(AnonymousUser(), world.entry, "film")


def test_the_team_and_the_organisers_are_told_in_words_what_the_withdrawal_changed(
    django_capture_on_commit_callbacks,
):
    world = build_world("seed")
    yanis = _listed(world, "Yanis")
    no_wide = {**EVERY_USE, ConsentUse.PUBLIC: (False, None), ConsentUse.LINK: (False, None)}
    with django_capture_on_commit_callbacks(execute=True):
        contest_services.record_consent(person=yanis, party="person", answers=no_wide)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    team = sorted(world.entry.team.members.values_list("email", flat=True))
    assert recipients == sorted(team + [world.users["organiser"].email])
    body = mail.outbox[0].body
    assert "Yanis, who appears in “Sans voix”, changed their answer." in body
    assert "- people given a private share link\n- everyone (public)\n" in body
    event = AuditEvent.objects.filter(verb="consent_answered", data__person=yanis.pk).latest("id")
    assert event.data["lost"] == ["link", "public"] and event.actor is None


def test_a_consent_with_an_end_date_plays_a_second_before_it_and_not_a_second_after():
    world = build_world("seed")
    end = world.at(T2, 86400)
    _listed(world, "Lea", answers={**EVERY_USE, ConsentUse.PUBLIC: (True, end)})
    with time_machine.travel(end - timedelta(seconds=1), tick=False):
        assert _public_film(world) == (200, 302, 302)
    with time_machine.travel(end + timedelta(seconds=1), tick=False):
        assert _public_film(world) == (404, 404, 404)
        assert can_see(world.users["juror"], world.entry, "film")


def test_a_minors_own_consent_counts_only_with_the_guardians():
    world = build_world("seed")
    person = _listed(world, "Sacha", minor=True)
    after = world.at(T2, 60)
    assert not can_see(AnonymousUser(), world.entry, "film", at=after)
    assert not can_see(world.users["juror"], world.entry, "film", at=after)
    assert can_see(world.users["own_team"], world.entry, "film", at=after)
    contest_services.record_consent(
        person=person, party="guardian", answers={**EVERY_USE, ConsentUse.PUBLIC: (False, None)}, now=world.base
    )
    assert can_see(world.users["juror"], world.entry, "film", at=after)
    assert can_see(world.users["community_member"], world.entry, "film", at=after)
    assert not can_see(AnonymousUser(), world.entry, "film", at=after)


def test_the_teams_approval_is_still_needed_beside_every_persons_consent():
    world = build_world("seed_unapproved")
    _listed(world, "Lea")
    assert not can_see(AnonymousUser(), world.entry, "film", at=world.at(T2, 1))
    assert can_see(world.users["juror"], world.entry, "film", at=world.at(T2, 1))
