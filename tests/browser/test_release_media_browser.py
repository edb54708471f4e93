"""What Chromium does with the public player's media address (…/media/, redirected to a URL signed for a few
seconds): its later range requests keep the redirected URL, so once that URL has expired the player errors and
release-player.js asks the app again from where the film was; after unpublishing, the app answers 404 and the film
stops at the next part the browser did not already hold."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
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
    # Signed URLs live a minute, and the clock (the live server's too: it runs in this process) is moved past their
    # end, so that the test waits for no wall-clock time and a loaded machine cannot outlast a URL by chance.
    settings.MEDIA_REDIRECT_SECONDS = 60
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
    page.wait_for_function("() => document.getElementById('release-player').currentTime > 0.5", timeout=60_000)
    first = len(media)
    assert media[0] == live_server.url + app_address
    # Chromium follows the redirect and keeps the signed URL for the later ranges of that first play.
    assert "/media/" in media[1] and app_address not in media[1]
    assert not any(app_address in url for url in media[1:])

    with time_machine.travel(timezone.now() + timedelta(seconds=120), tick=True):  # the signed URL has expired
        page.evaluate("() => { document.getElementById('release-player').currentTime = 17; }")
        page.wait_for_function("() => document.getElementById('release-player').currentTime > 17.3", timeout=60_000)
        later = media[first:]
        # Chromium went to the expired signed URL first (refused), then the player asked the app again.
        assert "/media/" in later[0] and app_address not in later[0]
        assert any(app_address + "?retry=" in url for url in later)

        services.unpublish_release(release=release, by=organiser)
        with time_machine.travel(timezone.now() + timedelta(seconds=120), tick=True):  # and the new one too
            asked = len(media)
            page.evaluate("() => { document.getElementById('release-player').currentTime = 8; }")
            page.wait_for_function("() => document.getElementById('release-player').error !== null", timeout=60_000)
            assert page.evaluate("() => document.getElementById('release-player').currentTime") < 9
            # The player asked the app, which answered 404: no reload followed.
            assert not any(app_address in url for url in media[asked:])
