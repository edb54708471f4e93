"""Each action on an entry has its own URL: the organiser's entry page answers GET only, and a POST naming an action
there changes nothing."""

import pytest
from django.urls import reverse

from contest.models import AuditEvent
from tests.factories import ContestRoleFactory, ready_entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["disqualify", "accept_film", "unaccept_film"])
def test_the_organisers_entry_page_answers_405_to_a_post_naming_an_action(client, action):
    entry = ready_entry(status="submitted", film_accepted=action == "unaccept_film")
    client.force_login(ContestRoleFactory(contest=entry.contest).user)
    url = reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    assert client.post(url, {"action": action, "reason": "Over the time limit."}).status_code == 405
    entry.refresh_from_db()
    assert (entry.status, entry.film_accepted) == ("submitted", action == "unaccept_film")
    assert not AuditEvent.objects.filter(
        entry=entry, verb__in=["entry_disqualified", "film_accepted", "film_unaccepted"]
    ).exists()
    assert client.get(url).status_code == 200
