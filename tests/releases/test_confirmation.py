"""Unpublish and revoking a share link go through a confirmation page: the release page only links to it, the
confirmation says what will happen with the entry's title, and only its button posts (to the release page, as before)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from releases import services
from releases.models import ShareLink

from .world import T2, TITLE, build_world

pytestmark = pytest.mark.django_db


def test_the_release_page_links_to_the_unpublish_confirmation_which_changes_nothing():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        client = world.client("organiser")
        page = client.get(reverse("releases:organiser_release", kwargs=world.kwargs)).content.decode()
        confirm_url = reverse("releases:organiser_release_unpublish_confirm", kwargs=world.kwargs)
        assert 'value="unpublish"' not in page
        assert f'<a class="button danger" href="{confirm_url}">Unpublish…</a>' in page
        response = client.get(confirm_url)
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<h1 id="confirm-heading">Unpublish “{TITLE}”?</h1>' in html
        release_url = reverse("releases:organiser_release", kwargs=world.kwargs)
        unpublish_url = reverse("releases:organiser_release_unpublish", kwargs=world.kwargs)
        assert f'<form method="post" action="{unpublish_url}">' in html
        assert 'name="action"' not in html
        assert '<button type="submit" class="danger">Unpublish now</button>' in html
        assert f'<a class="button secondary" href="{release_url}">Cancel</a>' in html
        anonymous = world.client("anonymous")
        assert anonymous.get(reverse("releases:announcement", kwargs=world.kwargs)).status_code == 200


def test_revoking_a_share_link_goes_through_its_confirmation():
    world = build_world("link_only")
    link, _ = services.create_share_link(
        release=world.release,
        label="Ouest-France",
        expires_at=world.base + timedelta(days=7),
        max_views=None,
        by=world.users["organiser"],
    )
    with time_machine.travel(world.at(1, 1), tick=False):
        client = world.client("organiser")
        page = client.get(reverse("releases:organiser_release", kwargs=world.kwargs)).content.decode()
        confirm_url = reverse(
            "releases:organiser_share_link_revoke_confirm", kwargs={**world.kwargs, "link_id": link.pk}
        )
        assert 'value="revoke_link"' not in page
        assert f'href="{confirm_url}">Revoke…</a>' in page
        html = client.get(confirm_url).content.decode()
        assert f"Revoke the share link “Ouest-France” of “{TITLE}”?" in html
        assert f'<input type="hidden" name="link" value="{link.pk}">' in html
        link.refresh_from_db()
        assert link.revoked_at is None


@pytest.mark.parametrize("role", ["own_team", "juror", "community_member"])
def test_the_release_confirmations_answer_404_to_everyone_but_organisers(role):
    world = build_world("link_only")
    link = ShareLink.objects.filter(release=world.release).first()
    client = world.client(role)
    urls = [reverse("releases:organiser_release_unpublish_confirm", kwargs=world.kwargs)]
    if link:
        urls.append(
            reverse("releases:organiser_share_link_revoke_confirm", kwargs={**world.kwargs, "link_id": link.pk})
        )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert TITLE not in response.content.decode()


def test_the_withdraw_confirmation_says_the_entry_is_announced_and_changes_nothing():
    world = build_world("seed")
    with time_machine.travel(world.at(T2, 1), tick=False):
        response = world.client("own_team").get(reverse("entry_withdraw_confirm", kwargs=world.kwargs))
        html = response.content.decode()
        assert response.status_code == 200
        assert f"Withdraw “{TITLE}”?" in html
        assert (
            "<strong>This entry is announced beyond the jury: once it is withdrawn, only the organisers see it.</strong>"
            in html
        )
        anonymous = world.client("anonymous")
        assert anonymous.get(reverse("releases:announcement", kwargs=world.kwargs)).status_code == 200
