"""Screeners in Chromium: the juror's player and the public player play the film's ladder through hls.js (the
vendored bundle, under the site's CSP), open their viewing session only when the viewer presses play, switch to
the lighter rendition when the bandwidth drops, and stop with a message once the right to watch ends."""

from datetime import timedelta

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from contest.models import ContestRole, Entry
from media_pipeline import screeners
from media_pipeline.bucket import configure_bucket
from media_pipeline.models import Film, SegmentDelivery, ViewingSession
from media_pipeline.samples import make_film
from releases import services
from releases.models import Target
from tests.factories import ContestRoleFactory, EntryFactory, TeamFactory, TeamMemberFactory, UserFactory
from tests.judging.factories import RoundFactory, assign, seated_juror

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HLS = "application/vnd.apple.mpegurl"


def screened_film(entry, tmp_path, **picture) -> Film:
    path = make_film(tmp_path / "film.mp4", **picture)
    with path.open("rb") as file:
        key = default_storage.save(f"uploads/{entry.public_id}", File(file))
    film = Film.objects.create(
        entry=entry, key=key, original_name="f.mp4", content_type="video/mp4", size=1, checksum="x", state="ready"
    )
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == "ready"
    return film


def play(page, selector):
    page.wait_for_function(f"() => document.querySelector('{selector}').dataset.streaming === 'hls.js'")
    page.evaluate(f"() => {{ const v = document.querySelector('{selector}'); v.muted = true; return v.play(); }}")


def test_the_juror_plays_the_screener_from_the_bucket_through_hlsjs(live_server, s3, page, login, tmp_path):
    configure_bucket(origins=[live_server.url])
    entry = EntryFactory(status=Entry.Status.SUBMITTED, film_accepted=True)
    round_ = RoundFactory(contest=entry.contest)
    juror = seated_juror(round_)
    assignment = assign(round_, juror, entry)
    film = screened_film(entry, tmp_path, duration_s=8, width=320, height=180, fps=12)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/rounds/{round_.pk}/entries/{entry.code}/")
    source = page.locator(f'video#film source[type="{HLS}"]')
    assert (
        source.get_attribute("src")
        == f"/c/{entry.contest.slug}/jury/rounds/{round_.pk}/entries/{entry.code}/screener.m3u8"
    )
    assert page.locator("video#film").get_attribute("controlslist") == "nodownload"
    play(page, "video#film")
    page.wait_for_function("() => document.getElementById('film').currentTime > 3", timeout=30_000)
    session = ViewingSession.objects.get()
    assert (session.kind, session.user, session.film, session.grant) == (
        "juror",
        juror,
        film,
        f"assignment:{assignment.pk}",
    )
    assert "Chrom" in session.user_agent
    assert SegmentDelivery.objects.filter(session=session).count() >= 4
    assert errors == []  # nothing refused by the CSP, nothing failed


def public_release(entry, organiser, captain):
    release = services.ensure_release(entry=entry, by=organiser)
    for target in (Target.ANNOUNCEMENT, Target.FILM):
        services.add_step(
            release=release, target=target, at=timezone.now() - timedelta(seconds=1), audiences={"public"}, by=organiser
        )
    services.approve_film_steps(
        release=release, step_ids=[step.pk for step in services.pending_approvals(release)], by=captain
    )
    return release


def test_the_public_player_switches_to_the_lighter_rendition_when_the_bandwidth_drops_and_stops_once_unpublished(
    live_server, page, tmp_path
):
    team = TeamFactory()
    captain = UserFactory()
    TeamMemberFactory(team=team, user=captain)
    entry = EntryFactory(team=team, title="Sans voix", status=Entry.Status.SUBMITTED)
    organiser = ContestRoleFactory(contest=team.contest, role=ContestRole.Role.ORGANISER).user
    screened_film(entry, tmp_path, duration_s=40, width=854, height=480, fps=24)
    release = public_release(entry, organiser, captain)
    page.goto(f"{live_server.url}/palmares/{entry.contest.slug}/films/{entry.public_id}/watch/")
    assert page.locator(f'#release-player source[type="{HLS}"]').count() == 1
    play(page, "#release-player")
    page.wait_for_function("() => document.getElementById('release-player').dataset.rendition === '480'")
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    # 40 kB/s: a third of what the 360-line rung needs at its peak, well under the 480-line one.
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 50, "downloadThroughput": 40_000, "uploadThroughput": 40_000},
    )
    page.wait_for_function(
        "() => document.getElementById('release-player').dataset.rendition === '360'", timeout=30_000
    )
    session = ViewingSession.objects.get()
    assert (session.kind, session.marked, session.user) == ("public", False, None)

    # Unpublished while the connection is still slow, so the player still has segments to ask for: at full speed
    # it may hold the whole 40-s film in its buffer first, and a player that asks for nothing more is never told.
    services.unpublish_release(release=release, by=organiser)
    page.wait_for_selector(".player-ended", timeout=30_000)
    assert page.locator(".player-ended").inner_text() == "You can no longer watch this film here."
