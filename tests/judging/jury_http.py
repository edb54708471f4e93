"""What the juror test files share: the URL of a page of the scene's entry and a signed-in client."""

from django.test import Client
from django.urls import reverse


def entry_url(scene, name="jury_entry", code=None):
    return reverse(
        name,
        kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, "code": code or scene.entry.code},
    )


def client_for(user, enforce_csrf=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client
