"""Credits cut for the jury, in Chromium: the juror's player (hls.js, from the bucket) plays the film from the first
second after the opening credits to the last before the closing ones, no segment of the credits is sent to it, the
hard passage's notice comes on the player's clock, and playing the cut to its end is the whole film watched."""

import pytest
from django.core.files import File
from django.core.files.storage import default_storage

from contest import services as contest_services
from contest.models import ContentWarning, Entry
from judging.models import Review
from media_pipeline import screeners
from media_pipeline.bucket import configure_bucket
from media_pipeline.models import Film, SegmentDelivery
from media_pipeline.samples import make_film
from tests.factories import EntryFactory
from tests.judging.factories import CriterionFactory, RoundFactory, assign, seated_juror

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_juror_plays_the_film_between_the_credits_and_has_watched_it_all(live_server, s3, page, login, tmp_path):
    configure_bucket(origins=[live_server.url])
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=12)
    path = make_film(tmp_path / "film.mp4", duration_s=12, width=320, height=180, fps=12)
    with path.open("rb") as file:
        key = default_storage.save(f"uploads/{entry.public_id}", File(file))
    film = Film.objects.create(
        entry=entry, key=key, original_name="f.mp4", content_type="video/mp4", size=1, checksum="x", state="ready",
        duration_s=12.0,
    )  # fmt: skip
    screeners.queue_screener(film)
    assert screeners.make(film.pk) == "ready"
    captain = entry.team.members.first()
    contest_services.mark_credits(entry=entry, by=captain, opening_credits_end_s=3.4, closing_credits_start_s=9.0)
    warning = ContentWarning.objects.create(
        contest=entry.contest, code="sexual_violence", name_fr="Violences sexuelles", name_en="Sexual violence"
    )
    entry.content_warnings.set([warning])
    contest_services.mark_passage(entry=entry, by=captain, start_s=6, end_s=7.5, content_warning=warning)
    round_ = RoundFactory(contest=entry.contest, jurors_per_entry=1)
    CriterionFactory(round=round_, name_en="Message", scale_min=1, scale_max=5, step=1)
    juror = seated_juror(round_)
    assignment = assign(round_, juror, entry)

    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/rounds/{round_.pk}/entries/{entry.code}/")
    video = page.locator("video#film")
    assert video.locator("source").count() == 1 and video.get_attribute("poster") is None
    page.get_by_text("I have read the warnings: show the film").click()
    page.wait_for_function("() => document.getElementById('film').dataset.streaming === 'hls.js'")
    page.evaluate("() => { const v = document.getElementById('film'); v.muted = true; return v.play(); }")
    # The notice of the passage (6–7.5 s of the film) comes on the player's clock, which starts at the cut (4 s).
    notice = page.locator("#passage-notice")
    notice.wait_for(state="visible", timeout=30_000)
    assert notice.locator(".passage-text").inner_text().endswith("a passage showing “Sexual violence” (0:02–0:03).")
    page.wait_for_function("() => document.getElementById('film').ended", timeout=30_000)
    # Five seconds of picture; the sound's last segment runs a few hundredths longer (AAC frames of 1024 samples).
    played = page.evaluate("() => document.getElementById('film').duration")
    assert 4.9 <= played <= 5.25, f"the jury's player played {played} s: the cut is 4–9 s of the film"
    page.wait_for_function("() => /Watched: 100 %/.test(document.getElementById('watched-status').textContent)")
    assert Review.objects.get(assignment=assignment).watched_seconds == 12.0
    sent = set(SegmentDelivery.objects.filter(session__film=film).values_list("segment", flat=True))
    assert sent <= set(range(4, 9)) and 4 in sent
