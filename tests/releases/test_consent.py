"""The consent gate: the film goes beyond the jury only with the team's approval, given in the app on a page that
shows exactly who will see it and from when; withdrawing narrows the release at once, with no worker."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from contest.models import AuditEvent
from releases import services
from releases.permissions import can_see

from .world import T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def _team_page(world):
    return reverse("releases:team_release", kwargs=world.kwargs)


def _team_action(world, name):
    return reverse(f"releases:team_release_{name}", kwargs=world.kwargs)


def test_a_wide_film_step_stays_narrow_until_the_team_approves_it():
    world = build_world("seed_unapproved")
    after = world.at(T2, 1)
    assert not can_see(AnonymousUser(), world.entry, "film", at=after)
    assert not can_see(world.users["community_member"], world.entry, "film", at=after)
    assert can_see(world.users["juror"], world.entry, "film", at=after)
    assert can_see(world.users["own_team"], world.entry, "film", at=after)

    pending = services.pending_approvals(world.release)
    assert [(step.target, step.at) for step in pending] == [
        ("film", world.base + timedelta(days=1)),
        ("film", world.base + timedelta(days=T2)),
    ]
    services.approve_film_steps(
        release=world.release, step_ids=[step.pk for step in pending], by=world.users["own_team"]
    )
    assert can_see(AnonymousUser(), world.entry, "film", at=after)
    assert services.pending_approvals(world.release) == []
    event = AuditEvent.objects.filter(verb="film_approval_given").get()
    assert event.actor == world.users["own_team"]
    assert [step["id"] for step in event.data["steps"]] == [step.pk for step in pending]


def test_withdrawing_approval_narrows_the_film_at_once_and_keeps_the_jury():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        client = world.client("own_team")  # sessions last 12 hours: sign in at the travelled time
        film = reverse("releases:film", kwargs=world.kwargs)
        assert world.client("anonymous").get(film).status_code == 200
        response = client.post(_team_action(world, "withdraw_approval"))
        assert response.status_code == 302
        anonymous = world.client("anonymous").get(film)
        assert anonymous.status_code == 404
        assert TITLE not in anonymous.content.decode()
        assert world.client("community_member").get(film).status_code == 404
        assert world.client("juror").get(film).status_code == 200
        # The announcement is not the film: it stays public.
        assert world.client("anonymous").get(reverse("releases:announcement", kwargs=world.kwargs)).status_code == 200
    event = AuditEvent.objects.filter(verb="film_approval_withdrawn").get()
    assert event.actor == world.users["own_team"]
    assert len(event.data["steps"]) == 2


def test_the_team_page_shows_who_will_see_the_film_and_from_when_in_the_contest_time_zone():
    world = build_world("seed_unapproved")
    response = world.client("own_team").get(_team_page(world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    approval = body[body.index('id="approval"') :]
    assert "everyone on the internet" in approval
    assert "people holding a private share link (press, partners)" in approval
    assert "the jury" in approval
    assert "Europe/Paris" in approval
    step = services.pending_approvals(world.release)[-1]
    from django.utils import formats, timezone

    local = timezone.localtime(step.at, world.contest.tzinfo)
    shown = f"{formats.date_format(local, 'DATE_FORMAT')} at {local:%H:%M:%S}"  # to the second the step takes effect
    assert f"From {shown}" in approval
    assert approval.count('name="step"') == 2


def test_an_approval_of_a_plan_that_changed_meanwhile_is_refused():
    world = build_world("seed_unapproved")
    pending = services.pending_approvals(world.release)
    page_showed = [pending[0].pk]  # a step was added after the team opened the page
    response = world.client("own_team").post(_team_action(world, "approve"), {"step": page_showed}, follow=True)
    assert "The plan changed while you were reading it. Read it again below." in response.content.decode()
    assert len(services.pending_approvals(world.release)) == 2
    with pytest.raises(services.ReleaseError) as error:
        services.approve_film_steps(release=world.release, step_ids=page_showed, by=world.users["own_team"])
    assert error.value.code == "plan_changed"


@pytest.mark.parametrize("role", ["other_team", "juror", "community_member", "organiser"])
def test_only_the_films_team_can_approve(role):
    world = build_world("seed_unapproved")
    with pytest.raises(services.ReleaseError) as error:
        services.approve_film_steps(
            release=world.release,
            step_ids=[step.pk for step in services.pending_approvals(world.release)],
            by=world.users[role],
        )
    assert error.value.code == "not_team"
    if role != "organiser":
        assert world.client(role).get(_team_page(world)).status_code == 404


def test_the_team_decides_whether_the_announcement_names_it():
    world = build_world("seed")
    services.set_team_name_shown(release=world.release, show=False, by=world.users["own_team"])
    page = reverse("releases:announcement", kwargs=world.kwargs)
    with time_machine.travel(world.at(1, 1), tick=False):
        assert world.entry.team.name not in world.client("anonymous").get(page).content.decode()
        world.client("own_team").post(_team_action(world, "show_team_name"), {"show": "1"})
        assert world.entry.team.name in world.client("anonymous").get(page).content.decode()
    event = AuditEvent.objects.filter(verb="team_name_choice").latest("id")
    assert (event.data["before"], event.data["after"]) == (False, True)
