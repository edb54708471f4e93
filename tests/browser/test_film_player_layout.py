"""A 1920×1080 film in the team's and the organiser's entry page keeps the page as wide as the window, on a phone
and on a desktop, in Chromium (the player used to take the film's own width: pages of 2,060 px)."""

import hashlib
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from media_pipeline.models import Film, new_upload_key
from media_pipeline.samples import make_film
from tests.factories import ContestRoleFactory, EntryFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 390, "height": 844}, {"width": 1366, "height": 900}]


def widths_once_loaded(page) -> dict:
    player = page.locator("video.film-player")
    player.evaluate("video => { video.muted = true; video.load(); }")
    deadline = time.monotonic() + 15
    while player.evaluate("video => video.readyState") < 1:  # wait_for_function needs eval, which the CSP forbids
        assert time.monotonic() < deadline, "the film's metadata did not load"
        page.wait_for_timeout(100)
    return page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
                  film: document.querySelector("video.film-player").videoWidth,
                  player: Math.round(document.querySelector("video.film-player").getBoundingClientRect().width)})"""
    )


def test_a_1080p_film_keeps_the_entry_pages_as_wide_as_the_window(live_server, browser, login, tmp_path):
    entry = EntryFactory(title="Plein cadre", team__contest__min_resolution_px=180)
    member = TeamMemberFactory(team=entry.team, user=UserFactory(email="team@example.org")).user
    organiser = ContestRoleFactory(contest=entry.contest, user=UserFactory(email="organiser@example.org")).user
    data = make_film(tmp_path / "film.mp4", duration_s=1, width=1920, height=1080, fps=5, audio=False).read_bytes()
    Film.objects.create(
        entry=entry,
        key=default_storage.save(new_upload_key(), ContentFile(data)),
        original_name="plein-cadre.mp4",
        content_type="video/mp4",
        size=len(data),
        checksum=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        state=Film.State.READY,
        uploaded_by=member,
    )
    pages = [
        (member, f"/c/{entry.contest.slug}/team/entries/{entry.public_id}/"),
        (organiser, f"/c/{entry.contest.slug}/organiser/entries/{entry.public_id}/"),
    ]
    for size in SIZES:
        for person, path in pages:
            context = browser.new_context(locale="en-GB", viewport=size)
            page = context.new_page()
            login(page, person.email)
            page.goto(live_server.url + path)
            widths = widths_once_loaded(page)
            context.close()
            assert widths["film"] == 1920
            assert widths["scroll"] == widths["client"], (path, size, widths)
            assert widths["player"] <= widths["client"] - 16, (path, size, widths)
