"""The team's entry page follows the pipeline live: the film goes from "being checked" to "ready" without a reload,
with the poster and a player that loads the proxy, in Chromium."""

import hashlib
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_pipeline.demo import process_now
from media_pipeline.models import Film, new_upload_key
from media_pipeline.samples import make_film
from tests.factories import EntryFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_entry_page_shows_the_film_becoming_ready_without_a_reload(live_server, page, login, tmp_path):
    entry = EntryFactory(title="Sans voix", team__contest__min_resolution_px=180)
    member = TeamMemberFactory(team=entry.team, user=UserFactory(email="team@example.org")).user
    data = make_film(tmp_path / "film.mp4", duration_s=3, width=320, height=180, fps=12).read_bytes()
    key = default_storage.save(new_upload_key(), ContentFile(data))
    film = Film.objects.create(
        entry=entry,
        key=key,
        original_name="sans-voix.mp4",
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        uploaded_by=member,
    )

    login(page, member.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/team/entries/{entry.public_id}/")
    assert page.locator(".film-current .status").inner_text() == "Received, being checked"
    assert "We are checking the file" in page.locator("#film-status").inner_text()

    assert process_now(film.pk) == Film.State.READY  # what the workers do

    page.wait_for_selector("#film-status video.film-player", timeout=20_000)
    assert page.locator(".film-current .status").inner_text() == "Ready"
    assert page.locator(".film-current").get_attribute("data-film-state") == "ready"
    player = page.locator("#film-status video.film-player")
    assert player.get_attribute("poster").startswith("/media/")
    player.evaluate("video => { video.muted = true; return video.play(); }")
    deadline = time.monotonic() + 15
    while player.evaluate("video => video.currentTime") <= 0.5:  # wait_for_function needs eval, which the CSP forbids
        assert time.monotonic() < deadline, "the film did not play"
        page.wait_for_timeout(100)
    assert player.evaluate("video => video.currentSrc").endswith(
        page.locator("#film-status source").nth(1).get_attribute("src")
    )  # the proxy on a desktop-sized window, not the light rendition
