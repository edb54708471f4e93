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
    cancel_step = reverse("releases:organiser_release_cancel_step", kwargs=world.kwargs)
    revoke_link = reverse("releases:organiser_release_revoke_link", kwargs=world.kwargs)
    remove_member = reverse("releases:organiser_community_remove_member", kwargs={"contest_slug": world.contest.slug})
    before = (
        ReleaseStep.objects.filter(cancelled_at__isnull=True).count(),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
        CommunityMember.objects.count(),
    )
    with time_machine.travel(world.at(T1, -60), tick=False):
        organiser = world.client("organiser")
        assert organiser.post(cancel_step, {"step": value}).status_code == 400
        assert organiser.post(revoke_link, {"link": value}).status_code == 400
        assert organiser.post(remove_member, {"member": value}).status_code == 400
    assert before == (
        ReleaseStep.objects.filter(cancelled_at__isnull=True).count(),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
        CommunityMember.objects.count(),
    )
