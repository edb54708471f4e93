"""A marked hard passage, in Chromium: the juror's player tells them before it, "pause" pauses, "skip this passage"
jumps to its end, and the watched share the server keeps is the whole film's, as if the passage had been watched."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contest import services as contest_services
from contest.models import ContentWarning, ContestRole, Entry, SupportResource
from judging.models import Assignment, Review, RoundJuror
from media_pipeline.models import Film
from media_pipeline.samples import make_film
from tests.factories import ContestRoleFactory, EntryFactory, UserFactory
from tests.judging.factories import CriterionFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notice_comes_before_the_passage_and_skipping_it_keeps_the_whole_watched_share(
    live_server, page, login, tmp_path
):
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=12)
    contest = entry.contest
    path = make_film(tmp_path / "film.webm", duration_s=12, width=160, height=90, fps=12, video_codec="libvpx-vp9")
    data = path.read_bytes()
    Film.objects.create(
        entry=entry,
        key=default_storage.save("films/passage-test.webm", ContentFile(data)),
        original_name="film.webm",
        content_type="video/webm",
        size=len(data),
        checksum=hashlib.md5(data).hexdigest(),  # noqa: S324
        state=Film.State.READY,
        duration_s=12.0,
    )
    warning = ContentWarning.objects.create(
        contest=contest, code="sexual_violence", name_fr="Violences sexuelles", name_en="Sexual violence"
    )
    SupportResource.objects.create(contest=contest, name="Numéro national 3919", phone="3919")
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    contest_services.mark_passage(entry=entry, by=organiser, start_s=6, end_s=9, content_warning=warning)
    round = RoundFactory(contest=contest, jurors_per_entry=1)
    CriterionFactory(round=round, name_en="Message", scale_min=1, scale_max=5, step=1)
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)

    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{contest.slug}/jury/rounds/{round.pk}/entries/{entry.code}/")
    page.wait_for_load_state("load")  # passages.js and score.js have run: their listeners are on the player
    notice = page.locator("#passage-notice")
    assert notice.is_hidden()
    page.evaluate("() => { const v = document.getElementById('film'); v.muted = true; v.play(); }")
    notice.wait_for(state="visible")
    at = page.evaluate("() => document.getElementById('film').currentTime")
    assert 1 - 0.5 <= at < 6, f"the notice came at {at} s: it is due 5 s before the passage"
    assert notice.locator(".passage-text").inner_text().endswith("a passage showing “Sexual violence” (0:06–0:09).")
    notice.get_by_text("Talk to someone").click()  # one tap away, inside the player
    assert notice.get_by_role("link", name="3919").is_visible()

    notice.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => document.getElementById('film').paused")
    page.evaluate("() => document.getElementById('film').play()")
    # The juror lets the passage begin, then skips it.
    page.wait_for_function(
        "() => document.querySelector('#passage-notice .passage-text').textContent.startsWith('Now:')",
        timeout=20_000,
    )  # the notice's words change at the player's next time update once the passage has begun
    assert notice.locator(".passage-text").inner_text() == "Now: a passage showing “Sexual violence”, until 0:09."
    assert page.evaluate("() => document.getElementById('film').currentTime") >= 6
    notice.get_by_role("button", name="Skip this passage").click()
    page.wait_for_function("() => document.getElementById('film').currentTime >= 9")
    assert notice.is_hidden()
    page.wait_for_function("() => document.getElementById('film').ended", timeout=20_000)
    page.wait_for_function("() => /Watched: 100 %/.test(document.getElementById('watched-status').textContent)")
    review = Review.objects.get(assignment=assignment)
    assert (review.watched_seconds, review.watched_share) == (12.0, 1.0)
