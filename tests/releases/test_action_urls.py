"""Each release tool has its own URL: the release and community pages answer GET only, and a POST naming an action
there changes nothing."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contest.models import AuditEvent, ContestRole, Entry
from releases.models import CommunityMember, Release, ReleaseStep, ShareLink
from tests.factories import ContestRoleFactory, EntryFactory, team_with_member

from .world import T1, build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["add_step", "cancel_step", "unpublish", "create_link", "revoke_link"])
def test_the_release_page_answers_405_to_a_post_naming_an_action(action):
    world = build_world("seed")
    step = ReleaseStep.objects.filter(release=world.release, cancelled_at__isnull=True).latest("at")
    before = (
        sorted(ReleaseStep.objects.filter(cancelled_at__isnull=True).values_list("pk", flat=True)),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
    )
    with time_machine.travel(world.at(T1, -60), tick=False):
        response = world.client("organiser").post(
            reverse("releases:organiser_release", kwargs=world.kwargs),
            {
                "action": action,
                "step": step.pk,
                "step-target": "film",
                "step-audiences": ["jury"],
                "step-at": "2099-03-15T09:00",
                "link-label": "Le Monde",
                "link-expires_at": "2099-03-15T09:00",
            },
        )
    assert response.status_code == 405
    assert before == (
        sorted(ReleaseStep.objects.filter(cancelled_at__isnull=True).values_list("pk", flat=True)),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
    )


def test_the_community_page_answers_405_to_a_post():
    world = build_world("seed")
    member = CommunityMember.objects.filter(contest=world.contest).first()
    page = reverse("releases:organiser_community", kwargs={"contest_slug": world.contest.slug})
    count = CommunityMember.objects.count()
    organiser = world.client("organiser")
    assert organiser.post(page, {"action": "remove", "member": member.pk}).status_code == 405
    assert organiser.post(page, {"emails": "ami@example.org"}).status_code == 405
    assert CommunityMember.objects.count() == count


def _calendar_organiser():
    entry = EntryFactory(status=Entry.Status.SUBMITTED, title="Sans voix")
    client = Client()
    client.force_login(ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user)
    return entry, client


def test_the_calendar_answers_405_to_a_post_and_prepares_no_release():
    entry, client = _calendar_organiser()
    calendar = reverse("releases:organiser_calendar", kwargs={"contest_slug": entry.contest.slug})
    assert client.post(calendar, {"entry": entry.pk}).status_code == 405
    assert not Release.objects.exists()
    create = reverse("releases:organiser_release_create", kwargs={"contest_slug": entry.contest.slug})
    assert f'<form method="post" action="{create}">' in client.get(calendar).content.decode()


def test_preparing_a_release_from_the_calendar_opens_its_page():
    entry, client = _calendar_organiser()
    response = client.post(
        reverse("releases:organiser_release_create", kwargs={"contest_slug": entry.contest.slug}), {"entry": entry.pk}
    )
    release = Release.objects.get(entry=entry)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "releases:organiser_release", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    )
    assert AuditEvent.objects.filter(verb="release_created", entry=entry).count() == 1
    assert release.steps.count() == 0


def test_preparing_a_release_of_no_entry_shows_the_calendar_again_with_the_form():
    entry, client = _calendar_organiser()
    response = client.post(
        reverse("releases:organiser_release_create", kwargs={"contest_slug": entry.contest.slug}), {"entry": ""}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "releases/organiser_calendar.html"
    assert response.context["form"].errors["entry"]
    assert not Release.objects.exists()


def test_only_organisers_prepare_a_release():
    entry, _ = _calendar_organiser()
    client = Client()
    client.force_login(team_with_member(contest=entry.contest)[1])
    response = client.post(
        reverse("releases:organiser_release_create", kwargs={"contest_slug": entry.contest.slug}), {"entry": entry.pk}
    )
    assert response.status_code == 404
    assert not Release.objects.exists()
