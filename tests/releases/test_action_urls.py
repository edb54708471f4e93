"""Each release tool has its own URL: the release and community pages answer GET only, and a POST naming an action
there changes nothing."""

import pytest
import time_machine
from django.urls import reverse

from releases.models import CommunityMember, ReleaseStep, ShareLink

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
