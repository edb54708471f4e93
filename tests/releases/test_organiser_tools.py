"""Organiser tools: the calendar of steps in the contest's time zone, steps added from a form read in that zone,
"preview as audience X at time T", immediate unpublish, and the audit log (who, when, before → after)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from contest.models import AuditEvent
from releases.models import CommunityMember, ReleaseStep, Target
from tests.factories import UserFactory

from .world import T1, T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def _release_page(world):
    return reverse("releases:organiser_release", kwargs=world.kwargs)


def _release_action(world, name):
    return reverse(f"releases:organiser_release_{name}", kwargs=world.kwargs)


@pytest.mark.parametrize("role", ["anonymous", "own_team", "juror", "community_member"])
def test_organiser_tools_answer_404_to_everyone_else(role):
    world = build_world("seed")
    slug = {"contest_slug": world.contest.slug}
    client = world.client(role)
    for url in (
        reverse("releases:organiser_calendar", kwargs=slug),
        reverse("releases:organiser_preview", kwargs=slug),
        reverse("releases:organiser_community", kwargs=slug),
        _release_page(world),
    ):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, url
            assert TITLE not in response.content.decode()


def test_a_step_typed_in_contest_time_is_stored_in_utc_and_listed_in_the_calendar():
    world = build_world("seed")
    response = world.client("organiser").post(
        _release_action(world, "add_step"),
        {
            "step-target": "film",
            "step-audiences": ["jury", "public"],
            "step-at": "2027-03-15T09:00",
        },
    )
    assert response.status_code == 302
    step = ReleaseStep.objects.get(release=world.release, at=datetime(2027, 3, 15, 8, 0, tzinfo=UTC))
    assert (step.target, step.audiences, step.needs_approval) == (Target.FILM, ["organisers", "jury", "public"], True)
    event = AuditEvent.objects.filter(verb="release_step_added").latest("id")
    assert event.actor == world.users["organiser"]
    assert [s["id"] for s in event.data["after"]] == [s["id"] for s in event.data["before"]] + [step.pk]

    calendar = world.client("organiser").get(
        reverse("releases:organiser_calendar", kwargs={"contest_slug": world.contest.slug})
    )
    assert calendar["Cache-Control"] == "private, no-store"
    body = calendar.content.decode()
    assert "March 15, 2027 at 09:00:00" in body
    assert body.count(f">{TITLE}</a>") >= 4  # three seed steps and the new one


def test_preview_as_an_audience_at_a_second_uses_the_same_rule_as_the_pages():
    world = build_world("seed")
    preview = reverse("releases:organiser_preview", kwargs={"contest_slug": world.contest.slug})
    client = world.client("organiser")

    def row(audience, day, sign):
        at = world.at(day, sign).astimezone(world.contest.tzinfo).strftime("%Y-%m-%dT%H:%M:%S")
        body = client.get(preview, {"audience": audience, "at": at}).content.decode()
        table = body[body.index('id="preview"') :]
        if "This audience sees nothing at that time." in table:
            return None
        cells = table.split(f"<td>{TITLE}</td>")[1].split("</tr>")[0]
        return ("visible" in cells, "playable" in cells)

    assert row("public", T1, -1) is None
    assert row("public", T1, 1) == (True, False)
    assert row("public", T2, -1) == (True, False)
    assert row("public", T2, 1) == (True, True)
    assert row("jury", T1, 1) == (True, True)
    assert row("link", T1, 1) == (True, False)
    assert row("organisers", T1, -1) == (True, True)


def test_unpublish_hides_everything_from_this_second_and_the_history_shows_before_and_after():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        client = world.client("organiser")
        anonymous = world.client("anonymous")
        announcement = reverse("releases:announcement", kwargs=world.kwargs)
        assert anonymous.get(announcement).status_code == 200
        assert client.post(_release_action(world, "unpublish")).status_code == 302
        for url in (announcement, reverse("releases:film", kwargs=world.kwargs)):
            assert anonymous.get(url).status_code == 404
            assert world.client("juror").get(url).status_code == 404
            assert client.get(url).status_code == 200  # organisers always see everything
        palmares = anonymous.get(reverse("releases:palmares", kwargs={"contest_slug": world.contest.slug}))
        assert TITLE not in palmares.content.decode()
        history = client.get(_release_page(world)).content.decode()
    event = AuditEvent.objects.get(verb="release_unpublished")
    assert event.actor == world.users["organiser"]
    assert [step["audiences"] for step in event.data["before"]] == [
        ["team", "organisers", "jury", "community", "public"],
        ["team", "organisers", "jury", "community"],
        ["team", "organisers", "jury", "community", "link", "public"],
    ]
    assert [step["audiences"] for step in event.data["after"]][-2:] == [["organisers"], ["organisers"]]
    assert "release unpublished" in history and "before → after" in history


def test_an_organiser_cannot_cancel_a_step_in_force_and_is_told_what_to_do():
    world = build_world("seed")
    step = ReleaseStep.objects.get(release=world.release, target=Target.FILM, at=world.at(T1, 0))
    with time_machine.travel(world.at(T1, 1), tick=False):
        response = world.client("organiser").post(_release_action(world, "cancel_step"), {"step": step.pk}, follow=True)
    assert "This step has taken effect. To change who sees it now, add a step from now on." in response.content.decode()
    step.refresh_from_db()
    assert step.cancelled_at is None


def test_cancelling_a_scheduled_step_keeps_the_film_restricted_past_its_time():
    world = build_world("seed")
    step = ReleaseStep.objects.get(release=world.release, target=Target.FILM, at=world.at(T2, 0))
    with time_machine.travel(world.at(T2, -60), tick=False):
        world.client("organiser").post(_release_action(world, "cancel_step"), {"step": step.pk})
    with time_machine.travel(world.at(T2, 1), tick=False):
        assert world.client("anonymous").get(reverse("releases:film", kwargs=world.kwargs)).status_code == 404
    assert AuditEvent.objects.filter(verb="release_step_cancelled", actor=world.users["organiser"]).count() == 1


def test_organisers_invite_a_list_into_the_community_who_then_see_community_releases():
    world = build_world("seed")
    page = reverse("releases:organiser_community_invite_members", kwargs={"contest_slug": world.contest.slug})
    remove = reverse("releases:organiser_community_remove_member", kwargs={"contest_slug": world.contest.slug})
    guest = UserFactory(password=None, email="journaliste@example.org")
    response = world.client("organiser").post(page, {"emails": "bad-address, Journaliste@Example.org\nami@example.org"})
    assert "Not an email address: bad-address. Correct or remove it, then invite again." in response.content.decode()
    assert not CommunityMember.objects.filter(email="ami@example.org").exists()
    response = world.client("organiser").post(
        page, {"emails": "Journaliste@Example.org\nami@example.org, ami@example.org"}
    )
    assert response.status_code == 302
    assert sorted(CommunityMember.objects.filter(contest=world.contest).values_list("email", flat=True)) == sorted(
        [
            world.users["community_member"].email,
            world.users["unverified_invitee"].email,
            "journaliste@example.org",
            "ami@example.org",
        ]
    )
    with time_machine.travel(world.at(T1, 1), tick=False):
        assert world.client_for(guest).get(reverse("releases:film", kwargs=world.kwargs)).status_code == 200
        member = CommunityMember.objects.get(email="journaliste@example.org")
        world.client("organiser").post(remove, {"member": member.pk})
        assert world.client_for(guest).get(reverse("releases:film", kwargs=world.kwargs)).status_code == 404
