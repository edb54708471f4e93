"""What Chromium does with the public player's media address (…/media/, redirected to a URL signed for a few
seconds): its later range requests keep the redirected URL, so once that URL has expired the player errors and
release-player.js asks the app again from where the film was; after unpublishing, the app answers 404 and the film
stops at the next part the browser did not already hold."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole, Entry
from media_pipeline.models import Film
from media_pipeline.samples import make_film
from releases import services
from releases.models import Target
from tests.factories import ContestRoleFactory, EntryFactory, TeamFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECONDS = 20


def _public_film():
    team = TeamFactory()
    captain = UserFactory()
    TeamMemberFactory(team=team, user=captain)
    entry = EntryFactory(team=team, title="Sans voix", status=Entry.Status.SUBMITTED)
    organiser = ContestRoleFactory(contest=team.contest, role=ContestRole.Role.ORGANISER).user
    with tempfile.TemporaryDirectory() as folder:
        # 20 MB: more than Chromium reads ahead, so a seek far ahead needs a new range request.
        path = make_film(Path(folder) / "film.mp4", duration_s=SECONDS, width=1280, height=720, fps=24)
        with path.open("rb") as file:
            key = default_storage.save(f"films/{entry.public_id}.mp4", File(file))
        size = path.stat().st_size
    Film.objects.create(
        entry=entry,
        key=key,
        original_name="f.mp4",
        content_type="video/mp4",
        size=size,
        checksum="x",
        state=Film.State.READY,
    )
    release = services.ensure_release(entry=entry, by=organiser)
    now = timezone.now() - timedelta(seconds=1)
    for target in (Target.ANNOUNCEMENT, Target.FILM):
        services.add_step(release=release, target=target, at=now, audiences={"public"}, by=organiser)
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain
    )
    return entry, release, organiser


def test_the_player_asks_the_app_again_after_the_signed_url_expires_and_stops_once_unpublished(
    live_server, page, settings
):
    settings.MEDIA_REDIRECT_SECONDS = 2
    entry, release, organiser = _public_film()
    kwargs = {"contest_slug": entry.contest.slug, "public_id": entry.public_id}
    app_address = reverse("releases:film_media", kwargs=kwargs)
    media = []
    page.on("request", lambda request: media.append(request.url) if request.resource_type == "media" else None)
    # A slow network (8 Mbit/s): the browser holds only the start of the film when the visitor seeks ahead.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 1_000_000, "uploadThroughput": -1},
    )
    page.goto(live_server.url + reverse("releases:film", kwargs=kwargs))
    page.evaluate("() => { const v = document.getElementById('release-player'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.getElementById('release-player').currentTime > 0.5", timeout=30_000)
    first = len(media)
    assert media[0] == live_server.url + app_address
    # Chromium follows the redirect and keeps the signed URL for the later ranges of that first play.
    # (On a loaded machine the first play can outlast the signed URL: then the player has already asked again.)
    assert "/media/" in media[1] and app_address not in media[1]
    assert all("?retry=" in url for url in media[1:] if app_address in url)

    page.wait_for_timeout(3000)  # the signed URL the app redirected to has expired
    page.evaluate("() => { document.getElementById('release-player').currentTime = 17; }")
    page.wait_for_function("() => document.getElementById('release-player').currentTime > 17.3", timeout=60_000)
    later = media[first:]
    # Chromium went to the expired signed URL first (refused: 403), then the player asked the app again.
    assert any("/media/" in url and app_address not in url for url in later)
    assert any(app_address in url for url in later)

    services.unpublish_release(release=release, by=organiser)
    page.wait_for_timeout(3000)
    page.evaluate("() => { document.getElementById('release-player').currentTime = 8; }")
    page.wait_for_function("() => document.getElementById('release-player').error !== null", timeout=30_000)
    page.wait_for_timeout(2000)
    assert page.evaluate("() => document.getElementById('release-player').currentTime") < 9
