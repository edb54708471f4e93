"""Organiser and team forms of the release pages: an id that is not a number answers 400, never 500, and changes
nothing."""

import pytest
import time_machine
from django.urls import reverse

from releases.models import CommunityMember, ReleaseStep, ShareLink

from .world import T1, build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "²", "", "1" * 40])
def test_a_posted_id_that_is_not_a_number_answers_400(value):
    world = build_world("seed")
    release_page = reverse("releases:organiser_release", kwargs=world.kwargs)
    community = reverse("releases:organiser_community", kwargs={"contest_slug": world.contest.slug})
    before = (
        ReleaseStep.objects.filter(cancelled_at__isnull=True).count(),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
        CommunityMember.objects.count(),
    )
    with time_machine.travel(world.at(T1, -60), tick=False):
        organiser = world.client("organiser")
        assert organiser.post(release_page, {"action": "cancel_step", "step": value}).status_code == 400
        assert organiser.post(release_page, {"action": "revoke_link", "link": value}).status_code == 400
        assert organiser.post(community, {"action": "remove", "member": value}).status_code == 400
    assert before == (
        ReleaseStep.objects.filter(cancelled_at__isnull=True).count(),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
        CommunityMember.objects.count(),
    )
